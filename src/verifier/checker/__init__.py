"""Documents -> checked PolicySet (names, kinds, types, citations, cycles)."""
from .check import check, names_in  # noqa: F401
