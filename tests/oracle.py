"""Brute-force truth-table oracle of the analyses (docs/semantics.md, 'What the analyses
ask'), built only on verifier.evaluate. Used by the differential tests."""
from __future__ import annotations

import itertools

from policygen import all_cases

from verifier.analysis import fingerprint
from verifier.analysis.run import all_readings
from verifier.evaluate import Atom, Evaluator, incompatible, index, same_conclusion


def admissible_cases(policy, reading):
    """Evaluators of every admissible complete case under ``reading``."""
    out = []
    for case, rd in all_cases(policy):
        if rd != reading:
            continue
        ev = Evaluator(policy, case, rd, validate=False)
        if ev.admissible():
            out.append(ev)
    return out


def expected_findings(policy, reading) -> set[tuple]:
    """(code, sorted rule ids, subject) of every finding that holds under ``reading``."""
    evs = admissible_cases(policy, reading)
    if not evs:
        return {("A400", (), None)}
    ix = index(policy)
    out: set[tuple] = set()
    rules = ix.rule_ids
    exists = lambda pred: any(pred(ev) for ev in evs)  # noqa: E731
    live = {r for r in rules if exists(lambda ev: ev.applicable(r))}
    for r in rules:
        if r not in live:
            out.add(("A406", (r,), None))
            continue
        if not exists(lambda ev: ev.effective(r)):
            out.add(("A407", (r,), None))
        sib = [o for o in ix.concluding[Atom(*_c(policy, r))] if o != r]
        if sib and all(any(ev.applicable(o) for o in sib) for ev in evs if ev.applicable(r)):
            out.add(("A408", (r,), None))
    for a, b in itertools.combinations(rules, 2):
        ca, cb = policy.rules[a].conclusion, policy.rules[b].conclusion
        prio = (a, b) in policy.prevails or (b, a) in policy.prevails
        both_app = lambda ev: ev.applicable(a) and ev.applicable(b)  # noqa: E731
        if incompatible(policy, ca, cb):
            if not prio and exists(lambda ev: ev.effective(a) and ev.effective(b)):
                out.add(("A401", (a, b), None))
            if prio and exists(both_app):
                out.add(("A402", (a, b), None))
        elif same_conclusion(ca, cb) and exists(both_app):
            out.add(("A403", (a, b), None))
    for d in policy.decisions.values():
        discs = ix.discretions_on.get(d.name, ())
        def none(ev, d=d):
            return (d.scope is None or ev.expr(d.scope)) and not any(
                ev.concluded(d.name, v) for v in d.alternatives)
        def disc(ev, discs=discs):
            return any(ev.discretion(i) for i in discs)
        if d.scope is not None and exists(lambda ev: none(ev) and not disc(ev)):
            out.add(("A404", (), d.name))
        if discs and exists(lambda ev: none(ev) and disc(ev)):
            out.add(("A405", (), d.name))
    for x in policy.actions:
        if exists(lambda ev: ev.permitted(x) and not ev.obligated(x)):
            out.add(("A405", (), x))
    for name, p in policy.properties.items():
        out.add(("A410" if all(ev.expr(p.expr) for ev in evs) else "A409", (), name))
    return out


def _c(policy, r):
    c = policy.rules[r].conclusion
    return c.kind, c.target, c.value


def expected(policy, readings=None) -> dict[str, set]:
    """fingerprint -> set of readings (tuples) under which the finding holds."""
    out: dict[str, set] = {}
    for rd in all_readings(policy, readings):
        for code, rules, subject in expected_findings(policy, rd):
            out.setdefault(fingerprint(code, rules, subject), set()).add(tuple(rd.items()))
    return out


# the codes this truth-table oracle covers (the drafter's findings A412–A415 have their
# own brute-force tests in tests/test_findings_new.py)
ORACLE_CODES = tuple(f"A4{i:02d}" for i in range(12))


def actual(analysis, policy) -> dict[str, set]:
    """fingerprint -> set of full readings, expanding the analysis' partial readings."""
    from verifier.analysis.run import expand
    return {f.fingerprint: {full for r in f.readings for full in expand(r, policy)}
            for f in analysis.findings if f.code in ORACLE_CODES}
