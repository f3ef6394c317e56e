"""Model -> canonical policy text (the formatter)."""
from .printer import Printer, name, print_document, print_expr  # noqa: F401
