"""verifier.logic: the Z3 encoding of docs/semantics.md (the only package importing z3).

API
---
``compile_policy(policy) -> Encoding`` — compile once, reuse for every query.

``Encoding`` (all z3 terms; names in brackets are the z3 constant names):
  - ``facts[name]``: Bool [fact:NAME] for a boolean fact; for an integer fact [lo..hi] an
    unsigned BitVec [fact:NAME] holding ``value - lo`` (offset encoding, bit-blasted so
    everything stays QF_FD; use ``int_value(name, width)`` for the value, or
    ``fact_literal``); enum facts are one-hot: ``labels[name][label]`` is a Bool
    [fact:NAME=LABEL], exactly one true (domain constraint; the first label holds iff no
    other does). In every encoding "all bits false" is the neutral default
    (false / first label / lower bound).
  - ``readings[interp]``: Bool [reading:NAME].
  - ``terms[name]``, ``atoms[Atom]`` (every term, ``must/may/must_not X``, ``D = x``),
    ``concluded[(D, x)]``, ``discretions[id]``: Bool constants, each pinned by a definition.
  - ``rules[id]``: ``RuleVars(applicable, defeated, effective, track)``; ``track`` is the
    rule's tracking literal [rule:ID], guarding its three definitions when a solver is
    built with ``track_rules=True``.
  - ``domain``: list of ``Named`` type constraints ("type:NAME"); ``assumptions``: list of
    ``Named`` with ``literal`` [assume:NAME]; ``definitions``: the completion equations
    (``o == definition``; the rule's ones carry ``rule`` and ``literal``). Kept separate so
    cores can cite them.
  - ``expr(model_expr) -> z3.BoolRef``; ``fact_literal(name, value)``;
    ``reading_literals(reading)``; ``default_value(name)``;
    ``case_from_model(model) -> (case, readings)`` (complete, for ``verifier.evaluate``).

``EngineSolver(enc, reading=None, *, logic="QF_FD", timeout_ms=10000, track_rules=False,
track_assumptions=True, minimize_cores=False)`` — one reusable solver:
  - ``check(literals) -> Result``: REFUTED(model) = sat, PROVEN(core) = unsat.
  - ``exists(cond) -> Result``: REFUTED(model) iff some admissible case has ``cond``.
  - ``prove(claim) -> Result``: PROVEN iff ``claim`` holds in every admissible case.
  - ``consistent()``: PROVEN(core) iff there is NO admissible case (core = assumptions).
  - ``pin(fact, value) -> literal`` (assumptions must be literals in QF_FD: a non-literal
    assumption makes z3's QF_FD solver answer unknown from then on);
    ``consequences(literals, atoms)``; ``base()`` (literals assumed on every check);
    ``literal(formula)`` (fresh q with q -> formula); ``name_of(literal)``; ``reading``
    (dict, may be reassigned between checks).

``Result(status, model, reason, core)`` with status PROVEN / REFUTED / UNKNOWN.

``Formula``, ``conj``, ``disj``, ``neg``, ``TRUE``, ``FALSE``: formula builders for the
analyses (verifier.logic.formulas); ``EngineSolver.at_most(fact, value)`` is a literal for
``fact <= value`` on an integer fact.
"""
from .encode import Encoding, Named, RuleVars, compile_policy
from .formulas import FALSE, TRUE, Formula, conj, disj, neg
from .solve import DEFAULT_TIMEOUT_MS, PROVEN, REFUTED, UNKNOWN, EngineSolver, Result

__all__ = ["DEFAULT_TIMEOUT_MS", "Encoding", "EngineSolver", "FALSE", "Formula", "Named", "PROVEN",
           "REFUTED", "Result", "RuleVars", "TRUE", "UNKNOWN", "compile_policy", "conj", "disj", "neg"]
