"""Diagnostics: codes, values and rendering."""
from .codes import ERROR, INFO, REGISTRY, SEVERITY_RANK, WARNING, Code, lookup  # noqa: F401
from .diagnostic import Diagnostic, diag, has_errors  # noqa: F401
