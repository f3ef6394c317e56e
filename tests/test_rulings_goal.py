"""Goal-directed rulings against brute force on small random policies: readings keyed by the
interpretations that matter, questions that matter, and an interview that decides the goal."""
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policygen import random_policy
from test_rulings import brute_table, oracle, random_partial
from verifier.cases import make_case
from verifier.evaluate import evaluate
from verifier.rulings import OPEN, RulingEngine
from verifier.rulings.interview import step, with_answer
from verifier.rulings.investigate import answer_values

SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))


def _statuses(policy, table, case, outcomes):
    """{full reading: statuses tuple} by brute force."""
    return {r: tuple(t[o] for o in outcomes) for r, t in oracle(policy, table, case, outcomes).items()}


@SETTINGS
@given(st.integers(0, 2**32 - 1))
def test_symbolic_readings_agree_with_every_reading_table(seed):
    """Each outcome's verdicts, keyed by the interpretations it depends on, equal the brute-force
    verdict under every full reading; and a dropped interpretation never changes it."""
    rng = random.Random(seed)
    policy = random_policy(rng, max_bool=4, max_rules=7)
    table = brute_table(policy)
    engine = RulingEngine(policy, certify=False)
    for _ in range(4):
        case = random_partial(policy, rng)
        expected = oracle(policy, table, case, engine.outcomes)
        ruling = engine.rule(case, explain=False)
        if not expected:
            assert not ruling.admissible
            continue
        for o in ruling.outcomes:
            for full, statuses in expected.items():
                matching = [v for v in o.verdicts if set(v.reading) <= set(full)]
                assert len(matching) == 1, (o.outcome, full, o.verdicts)
                assert matching[0].status == statuses[o.outcome]
            for name in o.depends_on:           # each kept interpretation changes the verdict somewhere
                assert any(expected[a][o.outcome] != expected[b][o.outcome]
                           for a in expected for b in expected
                           if dict(a)[name] != dict(b)[name]
                           and all(x == y for x, y in zip(a, b) if x[0] != name))


def _reach(policy, table, case, outcomes):
    """Brute force: per reading, the set of verdicts the complete cases extending ``case`` get."""
    known, given = case.fact_map, case.reading_map
    out: dict = {}
    for full, readings, result in table:
        if not result.admissible or any(full[n] != v for n, v in known.items()) \
                or any(readings[n] != v for n, v in given.items()):
            continue
        done = _statuses(policy, table, make_case("x", full, readings), outcomes)
        for r, st_ in done.items():
            out.setdefault(r, set()).add(st_)
    return out


def _relevant(policy, table, case, name, outcomes):
    """Brute force: some answer to ``name`` narrows what the goal can still become."""
    before = _reach(policy, table, case, outcomes)
    t = policy.facts[name].type
    values = range(t.lo, t.hi + 1) if hasattr(t, "lo") else answer_values(policy, name, {})
    for value in values:
        after = _reach(policy, table, with_answer(case, name, value), outcomes)
        if any(r in after and after[r] != s for r, s in before.items()):
            return True
    return False


@SETTINGS
@given(st.integers(0, 2**32 - 1))
def test_interview_asks_what_matters_and_ends_with_the_complete_cases_verdict(seed):
    rng = random.Random(seed)
    policy = random_policy(rng, max_bool=4, max_rules=7)
    table = brute_table(policy)
    engine = RulingEngine(policy, certify=False)
    admissible = [(full, readings) for full, readings, result in table if result.admissible]
    if not admissible or not engine.outcomes:
        return
    full, readings = rng.choice(admissible)
    goal = [rng.choice(engine.outcomes)]
    case = make_case("i", {}, readings)
    complete = _statuses(policy, table, make_case("c", full, readings), goal)
    for _ in range(len(policy.facts) + 1):
        s = step(engine, case, goal)
        if s.question is None:
            # it stops only when no answer can change the goal's verdict in any reading
            reach = _reach(policy, table, case, goal)
            assert all(len(v) == 1 for v in reach.values()), (case, reach)
            break
        name = s.question.fact
        assert name not in case.fact_map
        single = _relevant(policy, table, case, name, goal)
        assert single or s.question.decisive == 0       # fallback: a fact of a smallest deciding set
        case = with_answer(case, name, full[name])
    else:
        raise AssertionError("the interview did not end")
    assert _statuses(policy, table, case, goal) == complete


def test_answers_lead_to_the_verdicts_they_claim():
    """Each answer's statuses are the verdict on the extended case (bundled fixture policy)."""
    from test_rulings_fixtures import small_policy
    policy = small_policy()
    engine = RulingEngine(policy, certify=False)
    case = make_case("a", {"违纪": False}, {"严格解释": True})
    o = ("must", "予以容错", None)
    v = engine.rule(case, only={o}).get(o).verdicts[0]
    assert v.status == OPEN and v.questions
    for q in v.questions:
        for a in q.answers:
            extended = with_answer(case, q.fact, a.value)
            assert engine.rule(extended, only={o}, explain=False).get(o).verdicts[0].status == a.statuses[0]


# ------------------------------------------------------------------ the CLI, as a user runs it

def _cli(*args, stdin=None):
    import subprocess
    import sys
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent
    return subprocess.run([sys.executable, "-m", "verifier", *args], capture_output=True, text=True,
                          input=stdin, cwd=root)


def test_ask_next_json_and_a_scripted_interview(tmp_path):
    import json
    step1 = _cli("ask", "--goal", "可以 予以容错", "--next", "--format", "json")
    assert step1.returncode == 0, step1.stderr
    data = json.loads(step1.stdout)
    q = data["question"]
    assert data["verdict"] == {"可以 予以容错": "OPEN"} and q["fact"] and q["values"] and q["clause"]
    # answer 是 to the first question (an exclusion): the permission is then refuted
    case = tmp_path / "case.yaml"
    run = _cli("ask", "--goal", "可以 予以容错", "-o", str(case), stdin="是\n")
    assert run.returncode == 0, run.stderr
    assert "问题 1" in run.stdout and "不成立" in run.stdout and case.exists()
    done = _cli("ask", "--goal", "可以 予以容错", "--facts", str(case), "--next", "--format", "json")
    assert json.loads(done.stdout)["question"] is None
    again = _cli("ask", "--goal", "可以 予以容错", "-o", str(case), stdin="")
    assert again.returncode == 2 and "never overwrites" in again.stderr     # nothing a user wrote is lost


def test_ask_and_case_reject_an_unknown_outcome():
    for args in (("ask", "--goal", "容错决 定", "--next"), ("case", "--facts", "tests/golden/rulings/reform_pilot.yaml",
                                                          "--ask", "可以 予以容")):
        run = _cli(*args, "--lang", "en")
        assert run.returncode == 2 and "names no outcome" in run.stderr and "Traceback" not in run.stderr
        run = _cli(*args)                                   # the default language: Chinese
        assert run.returncode == 2 and "不是任何结论" in run.stderr and "names no" not in run.stderr


@SETTINGS
@given(st.integers(0, 2**32 - 1))
def test_an_interpretation_not_live_for_an_atom_never_changes_it(seed):
    """``rulings.live``: if interpretation n is not live for atom g given what the case
    decides, no two admissible completions of the case that differ only in n's reading
    differ on g (brute force over every completion)."""
    from verifier.evaluate import Atom
    from verifier.rulings.live import Live

    rng = random.Random(seed)
    policy = random_policy(rng, max_bool=4, max_rules=7)
    table = brute_table(policy)
    engine = RulingEngine(policy, certify=False)
    for _ in range(4):
        case = random_partial(policy, rng)
        known = dict(case.facts)
        given_ = dict(case.readings)
        live = Live(policy, engine.query.known_in_case(case.facts, case.readings))
        completions = {(tuple(sorted(full.items())), tuple(sorted(rd.items()))): result
                       for full, rd, result in table
                       if result.admissible and all(full[n] == v for n, v in known.items())
                       and all(rd[n] == v for n, v in given_.items())}
        for g in engine.query.outcomes:
            atom = Atom(*g)
            for n in sorted(set(policy.interpretations) - set(given_) - live.of(g)):
                for (full, rd), result in completions.items():
                    flipped = tuple(sorted({**dict(rd), n: not dict(rd)[n]}.items()))
                    other = completions.get((full, flipped))
                    if other is not None and atom in result.atoms:
                        assert result.atoms[atom] == other.atoms[atom], (g, n, full, rd)
