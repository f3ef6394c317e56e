"""Rulings: verdicts against brute force, proofs, completions, discretion, readings, rendering."""
import itertools
import json
import random
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policygen import all_cases, random_policy
from test_rulings_fixtures import small_policy
from verifier.cases import make_case
from verifier.evaluate import Atom, evaluate
from verifier.model import BoolType, EnumType, MAY, MUST, DECIDE
from verifier.rulings import DEPENDS, DISCRETION, OPEN, PROVEN, REFUTED, RulingEngine
from verifier.rulings.render import render_json, render_markdown, render_text
from verifier.logic.rulings_query import ASSUMPTION, FACT, READING, RULE

P = small_policy()


# ------------------------------------------------------------------ brute-force oracle

def oracle(policy, table, case, outcomes):
    """{reading: {outcome: status}} by enumerating every completion (precomputed ``table``)."""
    known, given_readings = case.fact_map, case.reading_map
    per_reading = {}
    for full, readings, result in table:
        if any(full[n] != v for n, v in known.items()) or any(readings[n] != v for n, v in given_readings.items()):
            continue
        if not result.admissible:
            continue
        per_reading.setdefault(tuple(sorted(readings.items())), []).append(result)
    out = {}
    for reading, results in per_reading.items():
        statuses = {}
        for o in outcomes:
            values = {r.atoms[Atom(*o)] for r in results}
            statuses[o] = PROVEN if values == {True} else REFUTED if values == {False} else OPEN
            kind, target, _ = o
            if kind == MAY and all(r.permitted[target] and not r.obligated[target] for r in results):
                statuses[o] = DISCRETION
            if kind == DECIDE:
                ids = [d.id for d in policy.discretions if d.target == target]
                if ids and all(any(r.discretion[i] for i in ids) and not r.decision_values(target) for r in results):
                    statuses[o] = DISCRETION
        out[reading] = statuses
    return out


def expand(tables, full_readings):
    """Partial readings stand for all their extensions: look each full reading up."""
    out = {}
    for full in full_readings:
        for key, table in (tables or {}).items():
            if set(key) <= set(full):
                out[full] = table
    return out


def brute_table(policy):
    return [(full, readings, evaluate(policy, full, readings)) for full, readings in all_cases(policy)]


def random_partial(policy, rng):
    facts = {}
    for name, fact in sorted(policy.facts.items()):
        if rng.random() < 0.5:
            t = fact.type
            facts[name] = (rng.random() < 0.5 if isinstance(t, BoolType) else rng.choice(t.labels)
                           if isinstance(t, EnumType) else rng.randint(t.lo, t.hi))
    readings = {n: rng.random() < 0.5 for n in sorted(policy.interpretations) if rng.random() < 0.3}
    return make_case("r", facts, readings)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.integers(0, 2**32 - 1))
def test_verdicts_agree_with_brute_force(seed):
    rng = random.Random(seed)
    policy = random_policy(rng, max_bool=4, max_rules=7)
    table = brute_table(policy)
    engine = RulingEngine(policy, certify=False)
    for _ in range(6):
        case = random_partial(policy, rng)
        expected = oracle(policy, table, case, engine.outcomes)
        got = engine.statuses(case)
        assert expand(got, expected) == expected, (case, got, expected)
        engine._multi_ok = False                     # the per-projection path (partial readings)
        partial = engine.statuses(case)
        assert expand(partial, expected) == expected
        engine._multi_ok = True
        naive = {r: engine._table(engine.query.decide_naive(case.facts, r)) for r in (partial or {})}
        assert naive == (partial or {})


@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.integers(0, 2**32 - 1))
def test_full_rulings_on_random_policies_are_certified(seed):
    """Every PROVEN/REFUTED verdict is re-checked by cvc5; OPEN completions replay (inside rule)."""
    rng = random.Random(seed)
    policy = random_policy(rng, max_bool=4, max_rules=7)
    engine = RulingEngine(policy)
    for _ in range(2):
        ruling = engine.rule(random_partial(policy, rng))
        assert not [d for d in ruling.diagnostics if d.code == "C507"]
        for o in ruling.outcomes:
            for v in o.verdicts:
                if v.status in (PROVEN, REFUTED):
                    assert v.proof.z3 == "unsat" and v.proof.cvc5 == "unsat"


def forced(policy, table, facts, readings, keys):
    """{outcome: value} for the outcomes (internal discretion atoms too) equal in every
    admissible completion; None when no completion is admissible (brute force)."""
    results = [res for full, rd, res in table if res.admissible
               and all(full[n] == v for n, v in facts.items()) and all(rd[n] == v for n, v in readings.items())]
    if not results:
        return None

    def value(res, key):
        kind, target, v = key
        if kind == "discretion":
            return res.discretion[target]
        if kind == "discretion_on":
            return any(res.discretion[d.id] for d in policy.discretions if d.target == target)
        return res.atoms[Atom(kind, target, v)]
    out = {}
    for key in keys:
        seen = {value(res, key) for res in results}
        if len(seen) == 1:
            out[key] = seen.pop()
    return out


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.integers(0, 2**32 - 1))
def test_decide_with_lanes_and_implicants_agrees_with_brute_force(seed):
    """``decide`` (witness lanes, implicants learnt on earlier cases of the same engine,
    solver for the rest) fixes exactly the outcomes fixed in every admissible completion."""
    rng = random.Random(seed)
    policy = random_policy(rng, max_bool=4, max_rules=7)
    table = brute_table(policy)
    query = RulingEngine(policy, certify=False).query
    for _ in range(30):                        # enough cases on one engine to reuse implicants
        full, rd, _ = rng.choice(table)
        keep = rng.choice((0.3, 0.6, 1.0))
        facts = {n: v for n, v in full.items() if rng.random() < keep}
        readings = {n: v for n, v in rd.items() if rng.random() < keep}
        got = query.decide(tuple(sorted(facts.items())), tuple(sorted(readings.items())))
        assert got == forced(policy, table, facts, readings, query.outcomes), (facts, readings)


@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.integers(0, 2**32 - 1))
def test_inadmissibility_core_is_minimal_and_independent_of_history(seed):
    """The premises explaining an inadmissible case contradict each other and each is needed;
    when the pre-pass finds a FALSE assumption, a fresh engine and one that ruled on other
    cases first give the same set (z3's own cores, the fallback, depend on history)."""
    import z3
    rng = random.Random(seed)
    policy = random_policy(rng, max_bool=4, max_rules=7)
    table = brute_table(policy)
    busy, fresh = (RulingEngine(policy, certify=False).query for _ in range(2))
    for _ in range(25):
        full, rd, _ = rng.choice(table)
        facts = tuple(sorted((n, v) for n, v in full.items() if rng.random() < 0.7))
        readings = tuple(sorted((n, v) for n, v in rd.items() if rng.random() < 0.7))
        inadmissible = forced(policy, table, dict(facts), dict(readings), ()) is None
        assert (busy.decide(facts, readings) is None) == inadmissible
        if not inadmissible:
            continue
        core = busy.core(facts, readings)
        lits = lambda premises: [busy.premise_literal(k, i) for k, i in premises]  # noqa: E731
        assert busy.solver.check(lits(core)) == z3.unsat
        for i in range(len(core)):
            assert busy.solver.check(lits(core[:i] + core[i + 1:])) == z3.sat
        if busy._contradiction_seed(facts, readings) is not None:     # explained by the pre-pass
            assert fresh.core(facts, readings) == core


def test_decide_paths_are_exercised():
    """Inadmissible without the solver, decided without the solver (witness lanes, learnt
    implicants), and with it."""
    query = RulingEngine(P, certify=False).query
    rng = random.Random(11)
    for _ in range(200):
        case = random_partial(P, rng)
        query.decide(case.facts, (("严格解释", True),))
    everything = tuple(sorted({n: False if isinstance(f.type, BoolType) else f.type.labels[0]
                               if isinstance(f.type, EnumType) else f.type.lo for n, f in P.facts.items()}.items()))
    query.decide(everything, (("严格解释", True),))
    counts = query.counts
    assert counts["no_call"] > 0 and counts["calls"] > 0
    assert counts["witnessed"] > 0 and counts["implied"] > 0
    assert counts["inadmissible"] > 0 or not P.assumptions


# ------------------------------------------------------------------ the fixture policy

ENGINE = RulingEngine(P)


def status(ruling, outcome):
    return ruling.get(outcome).status


def test_prohibition_proven_with_minimal_reasons():
    ruling = ENGINE.rule(make_case("a", {"违纪": True, "程序启动": True}))
    o = ruling.get(("must_not", "予以容错", None))
    assert o.status == PROVEN
    assert set(o.verdicts[0].proof.premises) == {("rule", "R-X1"), ("fact", ("违纪", True))}
    assert status(ruling, (DECIDE, "容错决定", "不予容错")) == PROVEN
    assert status(ruling, (DECIDE, "容错决定", "予以容错")) == REFUTED


def test_open_has_two_completions_and_what_to_investigate():
    case = make_case("a", {"违纪": False}, {"严格解释": True})
    v = ENGINE.rule(case, explain_all=True).get(("must", "予以容错", None)).verdicts[0]
    assert v.status == OPEN
    assert dict(v.holds_in)["突出贡献"] is True and dict(v.fails_in)["突出贡献"] is False
    assert v.investigate == (("突出贡献",),)
    # by default: the facts to find out, each answer with the verdict it leads to
    v = ENGINE.rule(case).get(("must", "予以容错", None)).verdicts[0]
    assert v.holds_in is None and v.questions[0].fact == "突出贡献"
    assert {a.value: a.statuses for a in v.questions[0].answers}[False] == (REFUTED,)


def test_discretion_names_the_decision_maker():
    # procedure started, nothing concluded either way: left to 党委(党组) by D-PR4
    case = make_case("a", {"程序启动": True, "违纪": False, "改革失误": False})
    ruling = ENGINE.rule(case)
    o = ruling.get((DECIDE, "容错决定", "予以容错"))
    assert o.status == DISCRETION
    assert o.verdicts[0].makers == ("党委(党组)",) and o.verdicts[0].discretions == ("D-PR4",)


def test_permission_without_obligation_is_discretion():
    case = make_case("a", {"改革失误": True, "紧急处置": True, "谋取私利": False, "重大损失": False,
                           "明令禁止": False, "违纪": False, "突出贡献": False})
    assert status(ENGINE.rule(case), (MAY, "予以容错", None)) == DISCRETION
    case = make_case("b", {**case.fact_map, "突出贡献": True})
    ruling = ENGINE.rule(case)
    assert status(ruling, (MAY, "予以容错", None)) == PROVEN
    assert status(ruling, (MUST, "予以容错", None)) == PROVEN


def test_verdict_that_depends_on_the_reading():
    # R-S1: emergency handling counts as 可容错 only if the general conditions are not required
    case = make_case("a", {"紧急处置": True, "改革失误": True, "谋取私利": True, "明令禁止": False})
    ruling = ENGINE.rule(case)
    o = ruling.get(("term", "可容错", None))
    assert o.status == DEPENDS
    by = {dict(v.reading)["严格解释"]: v.status for v in o.verdicts}
    assert by == {True: REFUTED, False: PROVEN}
    assert "若 严格解释 = 否:成立" in render_text(ruling, P, "zh")


def test_ordered_decision_takes_the_highest():
    case = make_case("a", {"突出贡献": True, "重大贡献": True, "县域排名": 3, "提升位次": 2})
    ruling = ENGINE.rule(case)
    assert status(ruling, (DECIDE, "记功", "二等功")) == PROVEN
    assert status(ruling, (DECIDE, "记功", "嘉奖")) == REFUTED


def test_numeric_edges():
    def reward(rank, rise):
        return status(ENGINE.rule(make_case("a", {"县域排名": rank, "提升位次": rise})), ("term", "排名激励", None))
    assert reward(30, 1) == PROVEN and reward(31, 1) == REFUTED
    assert reward(100, 20) == PROVEN and reward(100, 19) == REFUTED


def test_rendering_is_deterministic_across_engines():
    case = make_case("a", {"违纪": False, "程序启动": True, "县域排名": 40})
    texts = set()
    for _ in range(2):
        engine = RulingEngine(P)
        engine.rule(make_case("warm", {"突出贡献": True}))          # a different solver history
        ruling = engine.rule(case)
        texts.add((render_text(ruling, P, "zh"), render_markdown(ruling, P, "en"), render_json(ruling, P)))
    assert len(texts) == 1


def test_markdown_has_certificates_and_recheck_command():
    ruling = ENGINE.rule(make_case("a", {"违纪": True}))
    md = render_markdown(ruling, P, "zh", "certs")
    assert "python -m verifier.certificates certs/*.smt2" in md and "RC-X1「" in md
    data = json.loads(render_json(ruling, P))
    assert data["verdicts"][0]["by_reading"][0]["status"] in (PROVEN, REFUTED, OPEN, DISCRETION)


def test_fast_path_matches_full_rulings():
    rng = random.Random(7)
    for _ in range(20):
        case = random_partial(P, rng)
        fast = ENGINE.statuses(case)
        full = ENGINE.rule(case, explain=False)
        if fast is None:
            assert not full.admissible
            continue
        for o in full.outcomes:              # per-outcome partial readings vs the fast path's
            for v in o.verdicts:
                for reading, table in fast.items():
                    if set(v.reading) <= set(reading) or set(reading) <= set(v.reading):
                        assert table[o.outcome] == v.status, (o.outcome, v.reading, reading)


def test_exhaustive_small_cases_of_fixture():
    """Every combination of three facts: fast path agrees with the naive two-checks baseline."""
    for a, b, c in itertools.product((True, False, None), repeat=3):
        facts = {k: v for k, v in (("违纪", a), ("程序启动", b), ("重大损失", c)) if v is not None}
        case = make_case("x", facts, {"严格解释": True})
        reading = (("严格解释", True),)
        assert ENGINE.statuses(case)[reading] == ENGINE._table(ENGINE.query.decide_naive(case.facts, reading))


# ------------------------------------------------------------------ batch and resume

BATCH_POLICY = """文档 T
条款 T-1 "有违纪情形的,不予容错。"
条款 T-2 "改革中出现失误的,可以容错。"
事实 违纪 : 布尔 依据 T-1
事实 失误 : 布尔 依据 T-2
事实 排名 : 整数 [1..158] 依据 T-2
动作 容错 依据 T-2
规则 R-1 依据 T-1 如果 违纪 那么 不得 容错
规则 R-2 依据 T-2 如果 失误 并且 排名 30 以内 那么 可以 容错
优先级 R-1 高于 R-2 依据 T-1
"""


def _batch(tmp_path, *extra):
    import subprocess
    import sys
    return subprocess.run([sys.executable, "-m", "verifier", "case", str(tmp_path / "t.policy"),
                           "--facts", str(tmp_path / "cases.jsonl"), "-o", str(tmp_path / "out.jsonl"), *extra],
                          capture_output=True, text=True)


def test_batch_resumes_without_loss_or_duplicates(tmp_path):
    (tmp_path / "t.policy").write_text(BATCH_POLICY, encoding="utf-8")
    rng = random.Random(3)
    lines = []
    for i in range(40):
        facts = {k: v for k, v in (("违纪", rng.random() < 0.5), ("失误", rng.random() < 0.5),
                                   ("排名", rng.randint(1, 158))) if rng.random() < 0.7}
        lines.append(json.dumps({"facts": facts}, ensure_ascii=False))
    lines.append('{"facts": {"违纪": 3}}')                         # a bad case is recorded, not lost
    (tmp_path / "cases.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    proc = _batch(tmp_path, "--jobs", "2")
    # the error record is counted and the exit is 2 (issue 14: it used to be 0, "41 written")
    assert proc.returncode == 2 and "1 error, 40 ok" in proc.stderr, proc.stderr
    out = tmp_path / "out.jsonl"
    first = {json.loads(x)["key"]: x for x in out.read_text(encoding="utf-8").splitlines()}
    assert len(first) == 41
    assert json.loads(first["cases.jsonl:41"])["status"] == "error"
    # interrupt: keep 12 whole lines and half of the 13th
    raw = out.read_bytes().splitlines(keepends=True)
    out.write_bytes(b"".join(raw[:12]) + raw[12][: len(raw[12]) // 2])
    proc = _batch(tmp_path, "--jobs", "2")
    assert proc.returncode == 2 and "29 written, 12 already present" in proc.stderr
    again = out.read_text(encoding="utf-8").splitlines()
    keys = [json.loads(x)["key"] for x in again]
    assert len(keys) == len(set(keys)) == 41
    assert {k: x for k, x in zip(keys, again)} == first
    proc = _batch(tmp_path)
    assert "0 written, 41 already present" in proc.stderr


def test_cli_case_formats_certificates_and_determinism(tmp_path):
    import subprocess
    import sys
    (tmp_path / "t.policy").write_text(BATCH_POLICY, encoding="utf-8")
    (tmp_path / "c.yaml").write_text("facts:\n  违纪: true\n  排名: 12\n", encoding="utf-8")

    def case(*extra):
        return subprocess.run([sys.executable, "-m", "verifier", "case", str(tmp_path / "t.policy"),
                               "--facts", str(tmp_path / "c.yaml"), *extra], capture_output=True, text=True)

    certs = tmp_path / "certs"
    first = case("--format", "markdown", "--certificates", str(certs))
    assert first.returncode == 0, first.stderr
    second = case("--format", "markdown", "--certificates", str(certs))
    assert first.stdout == second.stdout
    files = sorted(certs.glob("*.smt2"))
    assert files and all(f.stem in first.stdout for f in files)
    check = subprocess.run([sys.executable, "-m", "verifier.certificates", *map(str, files)],
                           capture_output=True, text=True)
    assert check.returncode == 0 and check.stdout.count(": unsat") == len(files)
    en = case("--lang", "en")
    assert "容错               must not" in en.stdout
    asked = case("--lang", "en", "--ask", "must not 容错")
    assert "must not 容错  PROVEN" in asked.stdout and "T-1「有违纪情形的,不予容错。」" in asked.stdout
    data = json.loads(case("--format", "json").stdout)
    assert {v["outcome_en"]: v["status"] for v in data["verdicts"]}["must not 容错"] == PROVEN


def test_discretion_lists_only_the_discretions_whose_condition_holds():
    # JL: three 裁量 on 予以鼓励激励 (D-E1-9, D-E2-6, D-E3-3); only JL-E1-9's condition holds
    from verifier.load import load_policy
    policy = load_policy([str(Path(__file__).resolve().parent.parent / "policy")]).policy
    facts = {n: False for n in ("年度考核优秀", "其他重点工作显著成绩", "本职一流业绩有影响", "业绩考核应予表彰",
                                "两区观摩评比入选", "获改革创新奖一等奖", "述职评议单次排名第一", "平时考核好或良好",
                                "百亿集群与企业培育", "双十工程建设成效显著", "节赛创建重大贡献",
                                "脱贫拆迁生态工作成效明显", "打造特色党建品牌", "学深杭活动好经验", "专项任务中突出贡献")}
    facts.update({"激励主体类型": "干部", "其他重要考核先进位次": True})
    readings = {n: False for n in policy.interpretations}
    ruling = RulingEngine(policy, certify=False).rule(make_case("d", facts, readings))
    v = ruling.get((MAY, "予以鼓励激励", None)).verdicts[0]
    assert v.status == DISCRETION and v.discretions == ("D-E1-9",)


def test_left_out_facts_do_not_hide_an_inadmissible_case(tmp_path):
    """Regression: lane 0 holds values a component forces (g, forced by f and A1). The solver
    call leaves out known facts whose component is settled; were that judged per assumption
    (A1 is TRUE in lane 0 only thanks to f), f would be left out and the solver, seeing the
    component without f, would call this inadmissible case admissible."""
    from verifier.load import load_policy
    path = tmp_path / "t.policy"
    path.write_text('''document T
  title "回归"
  source "tests"

clause RC-T1 "条款"

fact f : bool
fact g : bool
fact x : bool
fact y : bool
fact n : int [0..5]
fact a : bool

action act

assume A1 : f implies g cites RC-T1
assume A2 : g implies (x or y) and n >= 0 cites RC-T1
assume A3 : g implies (x or not y) cites RC-T1
assume A4 : g implies (not x or y) cites RC-T1
assume A5 : g implies (not x or not y) cites RC-T1

rule R-1 cites RC-T1 if a then must act
''', encoding="utf-8")
    loaded = load_policy([str(path)])
    assert loaded.ok
    engine = RulingEngine(loaded.policy, certify=False)
    assert engine.query.decide((("f", True),), ()) is None
    assert engine.statuses(make_case("c", {"f": True}, {})) is None
    assert engine.statuses(make_case("c", {"f": False}, {})) is not None


def test_learnt_implicants_are_entailments_on_the_encoded_policy():
    """Every implicant learnt from z3's consequences on bench-like cases of the 办法 forces
    its outcome value: with all rules and assumptions, the negated value is unsat."""
    import z3
    from verifier.load import load_policy
    policy = load_policy(["policy/"]).policy
    engine = RulingEngine(policy, certify=False)
    rng = random.Random(3)
    for _ in range(150):
        engine.statuses(random_partial(policy, rng))
    query = engine.query
    learnt = [(key, value, imp) for (key, value), imps in query._implicants.items() for imp in imps]
    assert learnt
    names = set(policy.interpretations)
    for key, value, implicant in learnt:
        premises = [(RULE, r) for r in policy.rules] + [(ASSUMPTION, a.name) for a in policy.assumptions]
        premises += [(READING if n in names else FACT, (n, v)) for n, v in sorted(implicant, key=str)]
        assert query.check_premises(premises, key, value) == "unsat", (key, value, implicant)


def test_library_rules_a_policy_whose_assumption_contradicts_a_bound_without_raising(tmp_path):
    """QF_FD gives up (``unknown``) when an assumption contradicts an integer fact's declared
    bounds; the engine then works on the general solver: every case is inadmissible (C506)
    for a library caller too, not a RuntimeError."""
    from verifier.load import load_policy

    path = tmp_path / "t.policy"
    path.write_text("document T\nfact n : int [0..2]\naction x\nassume A1 : n > 3\n", encoding="utf-8")
    engine = RulingEngine(load_policy([str(path)]).policy)
    ruling = engine.rule(make_case("c", {}, {}))
    assert not ruling.admissible and [d.code for d in ruling.diagnostics] == ["C506"]
    assert engine.statuses(make_case("c", {}, {})) is None
