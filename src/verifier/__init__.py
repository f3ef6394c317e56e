"""verifier: a formal policy-logic verifier for administrative policy texts."""

__version__ = "0.1.0"
