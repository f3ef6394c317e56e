"""Certificates: obligations printed from the model, re-checked by cvc5; tampering is caught."""
import subprocess
import sys

import pytest

from test_rulings_fixtures import small_policy
from verifier.cases import make_case
from verifier.certificates import SAT, UNSAT, Premises, SmtPrinter, check_smt2
from verifier.rulings import PROVEN, REFUTED, RulingEngine

P = small_policy()
CASES = [
    make_case("a", {"违纪": True, "程序启动": True, "县域排名": 5}),
    make_case("b", {"程序启动": True, "改革失误": True, "紧急处置": True, "谋取私利": False,
                    "重大损失": False, "明令禁止": False, "违纪": False}),
    make_case("c", {"突出贡献": True, "重大贡献": True, "县域排名": 30, "提升位次": 1}),
    make_case("d", {"紧急处置": True, "改革失误": True, "谋取私利": True}, {"严格解释": False}),
]


@pytest.fixture(scope="module")
def proofs():
    engine = RulingEngine(P)
    out = []
    for case in CASES:
        ruling = engine.rule(case)
        assert not ruling.diagnostics
        for o in ruling.outcomes:
            for v in o.verdicts:
                if v.status in (PROVEN, REFUTED):
                    out.append((v, case))
    return out


def test_every_verdict_is_certified_by_both_solvers(proofs):
    assert len(proofs) >= 20
    for v, _ in proofs:
        assert v.proof.z3 == UNSAT and v.proof.cvc5 == UNSAT, v


def test_cores_are_minimal(proofs):
    """Dropping any one premise makes the obligation satisfiable (checked by cvc5)."""
    printer = SmtPrinter(P)
    for v, _ in proofs:
        premises = _premises(v.proof.premises)
        for i in range(premises.size()):
            text = printer.obligation(v.outcome, v.status == PROVEN, premises.without(i))
            assert check_smt2(text) == SAT, (v.outcome, premises.items()[i])


def test_tampered_certificate_is_rejected(proofs):
    """Delete one premise line from a written certificate: cvc5 answers sat."""
    v = next(v for v, _ in proofs if len(v.proof.premises) >= 2)
    lines = v.proof.smt2.splitlines()
    named = [i for i, line in enumerate(lines) if ":named |p." in line]
    assert check_smt2(v.proof.smt2) == UNSAT
    tampered = "\n".join(line for i, line in enumerate(lines) if i != named[0])
    assert check_smt2(tampered) == SAT


def test_printer_catches_a_wrong_claim():
    printer = SmtPrinter(P)
    # R-X1 alone does not forbid 予以容错 when 违纪 is not known
    text = printer.obligation(("must_not", "予以容错", None), True, Premises(rules=("R-X1",)))
    assert check_smt2(text) == SAT


def test_no_pseudo_boolean_syntax(proofs):
    for v, _ in proofs:
        assert "pbeq" not in v.proof.smt2 and "(_ at" not in v.proof.smt2


def test_cli_entry_point(tmp_path, proofs):
    v = proofs[0][0]
    good = tmp_path / "good.smt2"
    good.write_text(v.proof.smt2, encoding="utf-8")
    lines = v.proof.smt2.splitlines()
    bad = tmp_path / "bad.smt2"                     # the premises dropped: no longer a proof
    bad.write_text("\n".join(x for x in lines if ":named |p." not in x), encoding="utf-8")
    ok = subprocess.run([sys.executable, "-m", "verifier.certificates", str(good)], capture_output=True, text=True)
    assert ok.returncode == 0 and ok.stdout.strip().endswith("unsat")
    if v.proof.premises:
        rejected = subprocess.run([sys.executable, "-m", "verifier.certificates", str(good), str(bad)],
                                  capture_output=True, text=True)
        assert rejected.returncode == 1 and rejected.stdout.strip().endswith("sat")


def _premises(items):
    return Premises(
        rules=tuple(i for k, i in items if k == "rule"),
        assumptions=tuple(i for k, i in items if k == "assumption"),
        facts=tuple(i for k, i in items if k == "fact"),
        readings=tuple(i for k, i in items if k == "reading"))


def test_solver_disagreement_is_an_error_not_resolved():
    """A printer (or encoder) bug shows up as C507 on the ruling, with both answers."""
    class Broken(SmtPrinter):
        def rule_premise(self, rule_id):
            return "true"                    # forgets what every rule says

    engine = RulingEngine(P)
    engine.printer = Broken(P)
    ruling = engine.rule(make_case("x", {"违纪": True}))
    c507 = [d for d in ruling.diagnostics if d.code == "C507"]
    assert c507 and dict(c507[0].args)["z3"] == "unsat" and dict(c507[0].args)["cvc5"] == "sat"
