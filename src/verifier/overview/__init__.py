"""Overviews of a policy set for people: the glossary and clause coverage."""
from .coverage import Coverage, coverage, read_source_clauses  # noqa: F401
from .glossary import GlossaryEntry, glossary  # noqa: F401
