"""The drafter's findings against brute force on random small policies (tests/policygen.py):
A412 inert facts, A413 vacuous properties, A414 / A415 reading sensitivity."""
from hypothesis import given, settings

from oracle import admissible_cases
from policygen import all_cases, policies
from verifier.analysis import analyse
from verifier.analysis.run import all_readings
from verifier.analysis.vacuity import atom_text, occurrences, replace_at
from verifier.evaluate import Evaluator, outcome_atoms
from verifier.model.nodes import BoolLit, BoolType, Ref
from helpers import check_ok

SOME = settings(max_examples=25, deadline=None)


def _admissible_pairs(p, name):
    """(case, other readings, evaluator if true, evaluator if false) for every case
    admissible under both readings of ``name``."""
    others = [i for i in p.interpretations if i != name]
    seen = set()
    for case, rd in all_cases(p):
        key = (tuple(case.items()), tuple((i, rd[i]) for i in others))
        if key in seen:
            continue
        seen.add(key)
        evs = [Evaluator(p, case, {**rd, name: v}, validate=False) for v in (True, False)]
        if all(ev.admissible() for ev in evs):
            yield case, rd, evs


def expected_sensitive(p, name) -> list[str]:
    """The outcome atoms whose value some case admissible under both readings of
    ``name`` tells apart (truth tables)."""
    atoms = set()
    for _case, _rd, (t, f) in _admissible_pairs(p, name):
        atoms |= {a for a in outcome_atoms(p) if t.atom(a) != f.atom(a)}
    return sorted(str(a) for a in atoms)


@SOME
@given(policies())
def test_reading_sensitivity_agrees_with_truth_tables(p):
    analysis = analyse(p)
    if analysis.of("A400") and analysis.of("A400")[0].readings == ((),):
        return                                  # no admissible case at all: nothing else is asked
    found = {f.subject: f for f in analysis.findings if f.code in ("A414", "A415")}
    assert set(found) == set(p.interpretations)
    for name, f in found.items():
        expected = expected_sensitive(p, name)
        if f.code == "A415":
            assert expected == []
            continue
        outcomes = dict(f.args)["outcomes"].split(", ")
        assert sorted(outcomes) == expected
        # the witness pair: same facts, two readings, two results (plain evaluator)
        case, reading = f.witness_case(), dict(f.witness_reading)
        atom = next(a for a in outcome_atoms(p) if str(a) == outcomes[0])
        t, u = (Evaluator(p, case, {**reading, name: v}) for v in (True, False))
        assert t.admissible() and u.admissible() and t.atom(atom) != u.atom(atom)


def _valid(p, expr, partial) -> bool:
    for rd in all_readings(p, dict(partial)):
        for ev in admissible_cases(p, rd):
            if not ev.expr(expr):
                return False
    return True


@SOME
@given(policies())
def test_vacuity_agrees_with_truth_tables(p):
    analysis = analyse(p)
    vacuous = {f.subject: dict(f.args)["detail"] for f in analysis.findings if f.code == "A413"}
    for f in analysis.of("A410"):
        prop = p.properties[f.subject]
        expected = []
        for path, node, positive in occurrences(prop.expr):
            strongest = replace_at(prop.expr, path, BoolLit(not positive))
            if all(_valid(p, strongest, r) for r in f.readings):
                expected.append(atom_text(node))
                _flipping_never_changes(p, prop.expr, node, f.readings)
        assert (f.subject in vacuous) == bool(expected)
        for text in expected:
            assert text in vacuous[f.subject]


def _flipping_never_changes(p, expr, node, readings) -> None:
    """A vacuous boolean fact: flipping it in an admissible case keeps the property."""
    if not (isinstance(node, Ref) and node.name in p.facts and isinstance(p.facts[node.name].type, BoolType)):
        return
    for partial in readings:
        for rd in all_readings(p, dict(partial)):
            for ev in admissible_cases(p, rd):
                flipped = Evaluator(p, {**ev.case, node.name: not ev.case[node.name]}, rd, validate=False)
                if flipped.admissible():
                    assert bool(flipped.expr(expr)) == bool(ev.expr(expr))


INERT = """
文档 T
条款 T-1 "明知故犯的违纪违法行为不得容错。"
事实 违纪 : 布尔 依据 T-1
事实 明知故犯 : 布尔 依据 T-1
事实 突发 : 布尔 依据 T-1
动作 予以容错
规则 R-0 依据 T-1 如果 突发 那么 可以 予以容错
规则 R-1 依据 T-1 如果 违纪 那么 不得 予以容错
优先级 R-1 高于 R-0
命题 P-1 依据 T-1 : 明知故犯 并且 违纪 蕴含 并非 可以 予以容错
"""


def test_inert_fact_and_vacuous_property():
    p = check_ok(INERT)
    a = analyse(p)
    inert = a.of("A412")
    assert [f.subject for f in inert] == ["明知故犯"]
    vac = a.of("A413")
    assert [f.subject for f in vac] == ["P-1"]
    assert dict(vac[0].args)["detail"].startswith("明知故犯 does not matter")
    assert "needs none" not in dict(vac[0].args)["detail"]    # the proof needs
    # an inert fact changes no outcome, in any case
    for case, rd in all_cases(p):
        a1 = Evaluator(p, case, rd)
        a2 = Evaluator(p, {**case, "明知故犯": not case["明知故犯"]}, rd)
        assert all(a1.atom(x) == a2.atom(x) for x in outcome_atoms(p))


CITED = """
文档 T
条款 T-1 "违纪的,不得容错。"
条款 T-2 "违纪的,应当问责。"
事实 违纪 : 布尔 依据 T-1
动作 予以容错
动作 问责
事实 突发 : 布尔 依据 T-1
规则 R-0 依据 T-1 如果 突发 那么 可以 予以容错
规则 R-1 依据 T-1 如果 违纪 那么 不得 予以容错
优先级 R-1 高于 R-0
规则 R-2 依据 T-2 如果 违纪 那么 应当 问责
命题 P-2 依据 T-2 : 违纪 蕴含 并非 可以 予以容错
"""


def test_proof_that_needs_none_of_the_cited_rules():
    p = check_ok(CITED)
    vac = analyse(p).of("A413")
    assert [f.subject for f in vac] == ["P-2"]
    assert "needs none of the rules of T-2 (R-2)" in dict(vac[0].args)["detail"]
