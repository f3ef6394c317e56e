"""Diagnostics: codes, values and rendering."""
from .codes import ERROR, INFO, REGISTRY, SEVERITY_RANK, WARNING, Code, lookup  # noqa: F401
from .diagnostic import Diagnostic, diag, has_errors  # noqa: F401

# The language of a run's messages and hints when none is chosen (--lang): one language
# per run (Chinese, the project's language); ``both`` only when asked.
DEFAULT_LANG = "zh"
LANGS = ("zh", "en", "both")
