"""`verifier serve` (issue 15): the ruling page's app, through starlette's TestClient.

Hostile input (huge bodies, unknown facts, script tags, deep JSON, wrong types, paths) gets a
clear JSON or escaped HTML answer with the case loader's codes — never a traceback; a slow
ruling answers a time-out and the server keeps answering; and the verdicts equal the
library's (`verifier case --ask`) on cases from tests/cases.
"""
from __future__ import annotations

import io
import json
import threading
import time
import zipfile
from pathlib import Path

import pytest
import yaml

pytest.importorskip("starlette")
pytest.importorskip("httpx2")

from starlette.testclient import TestClient  # noqa: E402

from verifier.cases import make_case  # noqa: E402
from verifier.load import load_policy  # noqa: E402
from verifier.rulings import RulingEngine  # noqa: E402
from verifier.rulings.model import outcome_text  # noqa: E402
from verifier.rulings.select import parse_asked  # noqa: E402
from verifier.web.app import create_app  # noqa: E402
from verifier.web.service import Service  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
POLICY = ROOT / "policy"
CASES = ROOT / "tests" / "cases"


@pytest.fixture(scope="module")
def service():
    loaded = load_policy([str(POLICY)])
    assert loaded.ok
    return Service(loaded.policy)


@pytest.fixture(scope="module")
def client(service):
    with TestClient(create_app(service=service), raise_server_exceptions=False) as c:
        yield c


def _no_stack(r):
    assert "Traceback" not in r.text and 'File "' not in r.text, r.text[:500]


def _problem(r, status, error=None, codes=()):
    _no_stack(r)
    assert r.status_code == status, (r.status_code, r.text[:500])
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert body["ok"] is False and body["message"]
    if error:
        assert body["error"] == error
    got = {d["code"] for d in body["diagnostics"]}
    assert set(codes) <= got, (codes, got)
    return body


# ------------------------------------------------------------------ the page

def test_page_is_the_form_from_the_vocabulary(client, service):
    r = client.get("/")
    assert r.status_code == 200
    text = r.text
    policy = service.policy
    assert 'lang="zh-CN"' in text and "裁定目标" in text
    assert "default-src 'none'" in r.headers["content-security-policy"]
    for name, fact in policy.facts.items():                 # every fact, with its label and phrase
        assert f'data-fact="{name}"' in text
    for name in policy.interpretations:                    # every reading, open by default
        assert f'data-reading="{name}"' in text
    assert text.count('value="" checked') >= len(policy.interpretations)
    for doc in policy.documents:
        assert f'data-doc="{doc.id}"' in text
    # the RC default goal is selected, and the RC form comes first
    assert text.index('data-doc="RC"') < text.index('data-doc="JL"')
    assert "容错决定 + 可以 予以容错</option>" in text
    en = client.get("/?lang=en").text
    assert 'lang="en"' in en and "Goal" in en and "中文" in en
    assert client.get("/static/app.js").status_code == 200
    assert client.get("/static/app.css").headers["content-type"].startswith("text/css")


def test_page_data_is_inert_json(client):
    text = client.get("/").text
    start = text.index('<script type="application/json" id="page-data">') + len(
        '<script type="application/json" id="page-data">')
    blob = text[start:text.index("</script>", start)]
    assert "<" not in blob
    data = json.loads(blob)
    assert data["lang"] == "zh" and data["facts"] and data["readings"]


# ------------------------------------------------------------------ hostile input

def test_huge_bodies_are_refused(client):
    big = json.dumps({"facts": {}, "description": "x" * 400_000})
    _problem(client.post("/api/verdict", content=big, headers={"content-type": "application/json"}), 413, "too_large")

    def chunks():                       # no Content-Length: counted while read
        for _ in range(100):
            yield b" " * 10_000
    _problem(client.post("/api/verdict", content=chunks()), 413, "too_large")
    _problem(client.post("/api/load", content=b"a" * 300_000), 413, "too_large")
    _problem(client.post("/download/ruling.md", content=b"a" * 300_000), 413, "too_large")


def test_unknown_facts_and_readings(client):
    body = _problem(client.post("/api/verdict", json={"facts": {"不存在的事实": True}}), 422, "case", ["C501"])
    assert "不存在的事实" in json.dumps(body, ensure_ascii=False)
    _problem(client.post("/api/verdict", json={"readings": {"没有这种解释": True}}), 422, "case", ["C501"])
    # a term or a decision given as a fact: the loader's hint says so
    body = _problem(client.post("/api/verdict", json={"facts": {"容错决定": "予以容错"}}), 422, "case", ["C501"])
    assert "decision" in body["diagnostics"][0]["hint"]
    hint_zh = body["diagnostics"][0]["hint_zh"]     # the page shows the hint in one language
    assert hint_zh and "decision" not in hint_zh and any("\u4e00" <= ch <= "\u9fff" for ch in hint_zh)


def test_thousands_of_unknown_names(client):
    body = json.dumps({"facts": {f"假{i}": True for i in range(12_000)}}, ensure_ascii=False)
    assert len(body.encode()) < 256 * 1024
    out = _problem(client.post("/api/verdict", content=body.encode()), 422, "case", ["C501"])
    assert len(out["diagnostics"]) == 50 and "12000" in out["message"]


def test_wrong_types(client):
    cases = [
        ({"facts": {"谋取私利": "true"}}, "C502"),
        ({"facts": {"谋取私利": 1}}, "C502"),
        ({"facts": {"谋取私利": [True]}}, "C502"),
        ({"facts": {"党委研究结论": "随便"}}, "C504"),
        ({"facts": {"党委研究结论": 3}}, "C502"),
        ({"facts": {"县域排名": 10 ** 30}}, "C503"),
        ({"facts": {"县域排名": 99999}}, "C503"),
        ({"facts": {"县域排名": 1.5}}, "C502"),
        ({"readings": {"重大修饰两者": "maybe"}}, "C502"),
        ({"facts": [1, 2, 3]}, "C500"),
        ([1, 2], "C500"),
        ("just a string", "C500"),
        ({"facts": {}, "extra": 1}, "C500"),
    ]
    for body, code in cases:
        _problem(client.post("/api/verdict", json=body), 422, "case", [code])
    _problem(client.post("/api/verdict", content=b"{not json"), 422, "case", ["C500"])
    _problem(client.post("/api/verdict", content=b""), 422, "case", ["C500"])
    _problem(client.post("/api/verdict", content=b'{"facts": {"a": NaN}}'), 422, "case")
    _problem(client.post("/api/verdict", content=b'{"facts": {}, "facts": {}}'), 422, "case", ["C505"])
    _problem(client.post("/api/verdict", content=b"\xff\xfe\x00bad"), 400, "encoding")
    _problem(client.post("/api/verdict", content=b"{}", headers={"content-length": "abc"}), 400)


def test_deep_json_and_yaml(client):
    for depth in (100, 5_000, 30_000):
        _problem(client.post("/api/verdict", content=("[" * depth + "]" * depth).encode()), 422, "case", ["C500"])
        deep = '{"facts": ' + '{"a": ' * depth + "1" + "}" * depth + "}"
        _problem(client.post("/api/verdict", content=deep.encode()), 422, "case", ["C500"])
    _problem(client.post("/api/load?fmt=yaml", content=("- " * 2000 + "x").encode()), 422, "case", ["C500"])
    _problem(client.post("/api/load?fmt=yaml", content=b"facts: !!python/object:os.system {}"), 422, "case")
    _problem(client.post("/api/load?fmt=xml", content=b"facts: {}"), 400, "format")


def test_script_tags_are_never_markup(client):
    tag = "<script>alert(1)</script>"
    for body in ({"facts": {"党委研究结论": tag}}, {"facts": {tag: True}}, {"readings": {tag: True}},
                 {"id": tag, "facts": {}}):
        r = client.post("/api/verdict", json=body)
        _no_stack(r)
        assert r.headers["content-type"].startswith("application/json")
    # a goal with markup: the JSON error and the HTML page both keep it as text
    r = client.post("/api/verdict?goal=" + tag, json={"facts": {}})
    _problem(r, 422, "goal")
    r = client.get("/", params={"goal": tag})
    assert r.status_code == 422 and r.headers["content-type"].startswith("text/html")
    assert tag not in r.text and "&lt;script&gt;" in r.text
    # a case id with markup or a path: the download name is fixed, the YAML holds the text
    r = client.post("/download/case.yaml", json={"id": "../../etc/passwd\r\nX: y", "facts": {"谋取私利": False}})
    assert r.status_code == 200
    assert r.headers["content-disposition"] == 'attachment; filename="case.yaml"'
    assert yaml.safe_load(r.text)["id"] == "../../etc/passwd\r\nX: y"


def test_no_path_from_a_request_is_opened(client):
    for path in ("/static/../../pyproject.toml", "/static/%2e%2e%2fapp.py", "/static/app.py",
                 "/static//etc/passwd", "/../pyproject.toml", "/policy/rc.policy"):
        r = client.get(path)
        _no_stack(r)
        assert r.status_code == 404, path
        assert "[project]" not in r.text and "root:" not in r.text
    for what in ("..%2Fpyproject.toml", "passwd", "case.yaml.exe"):
        _problem(client.post(f"/download/{what}", json={"facts": {}}), 404)
    # a case naming a file is just a string: the loader never opens it
    _problem(client.post("/api/load?fmt=yaml", content=b"/etc/passwd"), 422, "case", ["C500"])
    _problem(client.post("/api/verdict", content=b'"/etc/passwd"'), 422, "case", ["C500"])


def test_wrong_methods_and_goals(client):
    _problem(client.get("/api/verdict"), 405)
    _problem(client.post("/api/nothing", json={}), 404)
    r = client.get("/nothing")
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    _problem(client.post("/api/verdict?goal=不是结果", json={"facts": {}}), 422, "goal")
    many = "&".join(["goal=容错决定"] * 50)
    _problem(client.post("/api/verdict?" + many, json={"facts": {}}), 400, "goal")
    _problem(client.post("/api/verdict?goal=" + "容" * 300, json={"facts": {}}), 400, "goal")
    # an unknown language is Chinese
    r = client.post("/api/verdict?lang=<x>", json={"facts": {"容错程序已启动": False}})
    assert r.status_code == 200 and r.json()["outcomes"][0]["word"] in ("成立", "不成立", "未定", "裁量", "因解释而异")


def test_inadmissible_case_is_a_clear_answer(client):
    # 重大不良社会影响 implies 不良社会影响 (an assumption): both given otherwise is C506, as in `verifier case`
    r = client.post("/api/verdict", json={"facts": {"重大不良社会影响": True, "不良社会影响": False}})
    assert r.status_code == 200
    body = r.json()
    assert body["admissible"] is False and {d["code"] for d in body["diagnostics"]} == {"C506"}


# ------------------------------------------------------------------ time and load limits

def test_slow_ruling_times_out_and_the_server_keeps_answering(service):
    class Slow:
        def __getattr__(self, name):
            return getattr(service, name)

        def verdict(self, case, goal, lang="zh"):
            time.sleep(1.5)
            return {"ok": True, "slow": True}

    app = create_app(service=Slow(), timeout=0.3, max_pending=2)
    with TestClient(app, raise_server_exceptions=False) as c:
        start = time.perf_counter()
        body = _problem(c.post("/api/verdict", json={"facts": {}}), 504, "timeout")
        assert "still working" in body["message"] and "仍在计算" in body["message"]
        assert time.perf_counter() - start < 1.2
        assert c.get("/healthz").json()["ok"]           # the event loop is free
        assert c.get("/").status_code == 200
        # more distinct slow rulings than the queue holds: busy, at once
        codes = [c.post("/api/verdict", json={"facts": {"谋取私利": v}}).status_code for v in (True, False)]
        assert 503 in codes
        time.sleep(3.5)
        r = c.post("/api/verdict", json={"facts": {}})     # the same request picks up the answer
        assert r.status_code == 200 and r.json()["slow"] is True


def test_a_failing_ruling_is_a_500_without_a_stack(service):
    class Broken:
        def __getattr__(self, name):
            return getattr(service, name)

        def verdict(self, case, goal, lang="zh"):
            raise ValueError("boom at /secret/path")

    with TestClient(create_app(service=Broken()), raise_server_exceptions=False) as c:
        body = _problem(c.post("/api/verdict", json={"facts": {}}), 500, "internal")
        assert "ValueError" in body["message"] and "/secret/path" not in body["message"]


def test_concurrent_requests_are_serialised(client):
    cases = [{"facts": {"容错程序已启动": True, "谋取私利": v, "党委研究结论": "同意容错"}} for v in (True, False)]
    out = {}

    def ask(i):
        out[i] = client.post("/api/verdict", json=cases[i % 2]).json()
    threads = [threading.Thread(target=ask, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert out[0] == out[2] and out[1] == out[3]


# ------------------------------------------------------------------ verdicts equal the library's

def _suite_cases():
    picks = [("rc_conditions.yaml", 0), ("rc_conditions.yaml", 1), ("jl_e1.yaml", 0), ("jl_measures.yaml", 33),
             ("real/01_funds_moved.yaml", 0), ("rc_procedure.yaml", 0)]
    out = []
    for name, i in picks:
        doc = yaml.safe_load((CASES / name).read_text(encoding="utf-8"))
        c = doc["cases"][i]
        out.append(pytest.param(c["facts"], c.get("readings", {}), list(c["expect"]), id=f"{name}#{i}"))
    return out


@pytest.mark.parametrize("facts, readings, asked", _suite_cases())
def test_verdict_equals_the_library(client, service, facts, readings, asked):
    """The page's verdict is `verifier case --ask`'s: RulingEngine.rule on the same case."""
    r = client.post("/api/verdict", params=[("goal", a) for a in asked],
                    json={"id": "t", "facts": facts, "readings": readings})
    assert r.status_code == 200, r.text[:500]
    body = r.json()
    goal, bad = parse_asked(asked, service.policy)
    assert not bad
    expected = RulingEngine(service.policy, certify=False).rule(
        make_case("t", facts, readings), only=set(goal), explain=False)
    assert {o["outcome"]: o["status"] for o in body["outcomes"]} == {
        outcome_text(o.outcome): o.status for o in expected.outcomes}
    for o, e in zip(body["outcomes"], expected.outcomes):
        assert [d["name"] for d in o["depends_on"]] == list(e.depends_on)
    # the deciding clauses are those of the ruling's bottom line (decided outcomes)
    from verifier.rulings.render import deciding_clauses

    decided = {o.outcome for o in expected.outcomes if o.status != "OPEN" and all(v.status != "OPEN" for v in o.verdicts)}
    explained = RulingEngine(service.policy, certify=False).rule(make_case("t", facts, readings), only=decided)
    clauses = {outcome_text(o.outcome): deciding_clauses(o.verdicts, service.policy) for o in explained.outcomes}
    x = client.post("/api/explain", params=[("goal", a) for a in asked],
                    json={"id": "t", "facts": facts, "readings": readings}).json()
    assert x["clauses"] == clauses
    assert set(x["clause_text"]) == {c for cs in clauses.values() for c in cs}


def test_verdict_equals_verifier_case_ask(client, tmp_path, capsys):
    """One case through the command line itself."""
    from verifier.cli import main

    doc = yaml.safe_load((CASES / "real" / "01_funds_moved.yaml").read_text(encoding="utf-8"))
    c = doc["cases"][0]
    (tmp_path / "c.yaml").write_text(yaml.safe_dump({"facts": c["facts"], "readings": c["readings"]},
                                                    allow_unicode=True), encoding="utf-8")
    asked = ["容错决定", "可以 予以容错"]
    argv = ["case", str(POLICY), "--facts", str(tmp_path / "c.yaml"), "--format", "json"]
    for a in asked:
        argv += ["--ask", a]
    code = main(argv)
    assert code in (0, 1)
    cli = json.loads(capsys.readouterr().out)
    r = client.post("/api/verdict", params=[("goal", a) for a in asked],
                    json={"facts": c["facts"], "readings": c["readings"]})
    web = {o["outcome"]: o["status"] for o in r.json()["outcomes"]}
    assert web == {v["outcome"]: v["status"] for v in cli["verdicts"]}


def test_next_question_is_the_interviews(client, service):
    from verifier.rulings.interview import next_json

    facts = {"容错程序已启动": True, "党委研究结论": "同意容错"}
    r = client.post("/api/next", json={"facts": facts})
    assert r.status_code == 200
    goal, _ = parse_asked(["容错决定", "可以 予以容错"], service.policy)
    expected = next_json(RulingEngine(service.policy, certify=False), service.policy, make_case("web", facts), goal)
    assert r.json()["question"] == expected["question"]


def test_proof_and_downloads(client):
    facts = {"容错程序已启动": True, "党委研究结论": "同意容错"}
    p = client.post("/api/proof", json={"facts": facts}).json()
    proven = [o for o in p["outcomes"] if o["status"] == "PROVEN"]
    assert proven and proven[0]["proofs"][0]["certificate"]
    assert proven[0]["proofs"][0]["cvc5"] == "unsat" and "RC-PR4" in proven[0]["proofs"][0]["clauses"]
    assert "python -m verifier.certificates" in p["recheck"] and "RC-PR4" in p["text"]
    r = client.post("/download/case.yaml", json={"facts": facts})
    assert yaml.safe_load(r.text)["facts"] == facts
    r = client.post("/download/ruling.md?lang=en", json={"facts": facts})
    assert r.headers["content-type"].startswith("text/markdown") and "PROVEN" in r.text
    r = client.post("/download/certificates.zip", json={"facts": facts})
    z = zipfile.ZipFile(io.BytesIO(r.content))
    names = z.namelist()
    assert "case.yaml" in names and "ruling.md" in names and "README.txt" in names
    certs = [n for n in names if n.startswith("certificates/") and n.endswith(".smt2")]
    assert {n.split("/")[1][:-5] for n in certs} >= {c for o in p["outcomes"] for v in o["proofs"]
                                                    for c in [v["certificate"]] if c}
    from verifier.certificates import check_smt2
    assert all(check_smt2(z.read(n).decode()) == "unsat" for n in certs)


def test_load_a_case_file(client):
    text = (CASES / "real" / "01_funds_moved.yaml").read_text(encoding="utf-8")
    doc = yaml.safe_load(text)
    case_yaml = yaml.safe_dump({"id": "x", "facts": doc["cases"][0]["facts"]}, allow_unicode=True)
    r = client.post("/api/load?fmt=yaml", content=case_yaml.encode())
    assert r.status_code == 200 and r.json()["facts"] == doc["cases"][0]["facts"]
    # a policy test file is not a case file: the loader says where
    body = _problem(client.post("/api/load?fmt=yaml", content=text.encode()), 422, "case", ["C500"])
    assert body["diagnostics"][0]["line"] >= 1


def test_serve_is_a_command():
    from verifier.cli import build_parser

    args = build_parser("serve").parse_args(["serve", "--port", "0"])
    assert args.host == "127.0.0.1" and args.port == 0
