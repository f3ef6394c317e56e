"""The diff engine's solver-free shortcuts (verifier.logic.diff_cases / diff_slice): they
may only ever settle a question the solver would answer the same way.

On the merged 办法 and amendment 01 (the largest diff): the sliced Kleene evaluators agree
with the plain evaluator of the whole merged policy on random complete cases; every
binary clause read off the assumptions is entailed by them (z3 proves it); the output
does not depend on the process (hash seed)."""
from __future__ import annotations

import os
import random
import subprocess
import sys

import pytest
import z3

from helpers import ROOT
from verifier.diff.merge import merge
from verifier.evaluate import Evaluator, outcome_atoms
from verifier.evaluate.partial import FALSE, TRUE
from verifier.load import load_policy
from verifier.logic import compile_policy
from verifier.logic.diff_query import DiffSolver
from verifier.model.nodes import BoolType, EnumType

AMENDMENT = ROOT / "amendments" / "01-force-majeure"
pytestmark = pytest.mark.skipif(not AMENDMENT.is_dir(), reason="needs the worked amendments")


@pytest.fixture(scope="module")
def merged():
    m = merge(load_policy([str(ROOT / "policy")]).policy, load_policy([str(AMENDMENT)]).policy)
    return m, DiffSolver(compile_policy(m.policy), m.old_assumptions, m.new_assumptions)


def _random_case(policy, rng):
    case = {}
    for name, fact in policy.facts.items():
        t = fact.type
        case[name] = rng.random() < 0.3 if isinstance(t, BoolType) else \
            rng.choice(t.labels) if isinstance(t, EnumType) else rng.randint(t.lo, t.hi)
    return case, {n: rng.random() < 0.5 for n in policy.interpretations}


def test_sliced_evaluators_agree_with_the_evaluator(merged):
    m, s = merged
    pairs = [(a, m.new_atom(a)) for a in outcome_atoms(m.old)]
    s.prepare(pairs)
    by_name = {a.name: a.expr for a in m.policy.assumptions}
    rng = random.Random(6)
    for _ in range(150):
        case, readings = _random_case(m.policy, rng)
        ev = Evaluator(m.policy, case, readings, validate=False)
        adm = s.admissibility().values(case, readings)
        for side, names in (("old", m.old_assumptions), ("new", m.new_assumptions)):
            assert adm[side] == (TRUE if all(ev.expr(by_name[n]) for n in names) else FALSE)
        for pair in rng.sample(pairs, 8):
            test = s.sub(s.flip(*pair, "changed")).test
            vals = test._run(case, readings)
            for atom in pair:
                assert vals[test.pos[(atom.kind, atom.target, atom.value)]] == \
                    (TRUE if ev.atom(atom) else FALSE), (atom, case, readings)


def test_binary_clauses_are_entailed_by_the_assumptions(merged):
    m, s = merged
    imp = s.implications()
    assert imp.conflicts, "the 办法 imply facts from facts (e.g. 重特大事故 -> 重大损失)"
    enc = s.enc
    solver = z3.Solver()
    for c in enc.domain + enc.definitions:
        solver.add(c.constraint)
    solver.add(s.adm["old"], s.adm["new"])
    for lits in [(x,) for x in imp.forbidden] + [(x, y) for x, ys in imp.conflicts.items()
                                                 for y in ys]:
        assert solver.check([s.fact_formula(k, v) for k, v in lits]) == z3.unsat, lits


def test_output_does_not_depend_on_the_process():
    outs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        outs.append(subprocess.run(
            [sys.executable, "-m", "verifier", "diff", str(ROOT / "policy"),
             str(ROOT / "amendments" / "03-county-ranking"), "--format", "json", "--no-findings"],
            cwd=ROOT, env=env, capture_output=True, check=False).stdout)
    assert outs[0] and outs[0] == outs[1]
