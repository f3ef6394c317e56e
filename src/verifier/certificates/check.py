"""Re-check a proof obligation with cvc5 (base API: ``cvc5.InputParser`` on SMT-LIB 2.6)."""
from __future__ import annotations

import hashlib

SAT, UNSAT, UNKNOWN = "sat", "unsat", "unknown"


def check_smt2(text: str, timeout_ms: int = 10_000) -> str:
    """cvc5's answer for an SMT-LIB script: "unsat" (certificate valid), "sat" or "unknown"."""
    import cvc5

    tm = cvc5.TermManager()
    solver = cvc5.Solver(tm)
    solver.setOption("tlimit-per", str(timeout_ms))
    parser = cvc5.InputParser(solver)
    parser.setStringInput(cvc5.InputLanguage.SMT_LIB_2_6, text, "obligation")
    symbols = parser.getSymbolManager()
    result = None
    try:
        while True:
            command = parser.nextCommand()
            if command.isNull():
                break
            if str(command).startswith("(check-sat"):
                result = solver.checkSat()
            else:
                command.invoke(solver, symbols)
    except RuntimeError as exc:            # cvc5 reports parse errors as RuntimeError
        return f"{UNKNOWN}: {exc}".splitlines()[0]
    if result is None:
        result = solver.checkSat()
    if result.isUnsat():
        return UNSAT
    if result.isSat():
        return SAT
    return f"{UNKNOWN}: {result.getUnknownExplanation()}" if hasattr(result, "getUnknownExplanation") else UNKNOWN


def content_hash(text: str) -> str:
    """The certificate's name: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
