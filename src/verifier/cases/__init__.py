"""Case files: partial cases naming facts by their declared names (YAML, JSON, JSON Lines)."""
from .case import Case, Value, make_case  # noqa: F401
from .loader import case_files, read_case_file, read_case_text, read_jsonl_text  # noqa: F401
from .schema import case_schema  # noqa: F401
