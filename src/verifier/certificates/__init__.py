"""Certificates: SMT-LIB 2.6 proof obligations printed from the model, re-checked by cvc5."""
from .check import SAT, UNKNOWN, UNSAT, check_smt2, content_hash  # noqa: F401
from .smtlib import Premises, SmtPrinter, outcome_symbol  # noqa: F401
