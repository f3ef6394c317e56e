"""Text -> typed model: the only package that imports lark."""
from .parser import parse_bytes, parse_text  # noqa: F401
