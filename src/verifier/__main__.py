"""``python -m verifier``."""
from .cli import entry

entry()
