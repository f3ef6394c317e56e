"""Rulings on partial cases: PROVEN / REFUTED / OPEN / DISCRETION per outcome, with proofs."""
from .engine import RulingEngine  # noqa: F401
from .model import (DEPENDS, DISCRETION, OPEN, PROVEN, REFUTED, OutcomeRuling, Proof,  # noqa: F401
                    Ruling, Verdict, outcome_text, parse_outcome)
