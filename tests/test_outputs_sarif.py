"""SARIF 2.1.0 output checked by hand against the essential structure of the schema."""
from __future__ import annotations

import json
import re

import pytest

from helpers import check_ok
from verifier.analysis import analyse
from verifier.diagnostics.codes import REGISTRY
from verifier.load import load_policy
from verifier.report import render_sarif
from verifier.report.sarif import FINGERPRINT_KEY

POLICY = """
document T title "t"
clause T-1 "一"
clause T-2 "二"
fact a : bool label "甲" cites T-1
fact b : bool label "乙" cites T-2
action act
rule R-1 cites T-1 if a then may act
rule R-2 cites T-2 if b then must not act
rule R-3 cites T-2 if a and not a then must act
property P-1 cites T-2 : b implies not may act
"""

LEVELS = {"error", "warning", "note"}


def check_sarif(log: dict) -> None:
    """The parts of the SARIF 2.1.0 schema that consumers (GitHub code scanning) rely on."""
    assert log["version"] == "2.1.0"
    assert log["$schema"].startswith("https://") and "sarif-2.1.0" in log["$schema"]
    assert isinstance(log["runs"], list) and len(log["runs"]) == 1
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert isinstance(driver["name"], str) and driver["name"]
    rules = driver["rules"]
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids))
    for r in rules:
        assert set(r) >= {"id", "name", "shortDescription", "defaultConfiguration"}
        assert isinstance(r["shortDescription"]["text"], str) and r["shortDescription"]["text"]
        assert r["defaultConfiguration"]["level"] in LEVELS
        assert re.fullmatch(r"[A-Za-z][A-Za-z0-9-]*", r["name"])
    for res in run["results"]:
        assert res["ruleId"] in ids and ids[res["ruleIndex"]] == res["ruleId"]
        assert res["level"] in LEVELS
        assert isinstance(res["message"]["text"], str) and res["message"]["text"]
        for loc in res.get("locations", []) + res.get("relatedLocations", []):
            phys = loc["physicalLocation"]
            uri = phys["artifactLocation"]["uri"]
            assert not uri.startswith("/") and "://" not in uri and "\\" not in uri
            region = phys["region"]
            assert isinstance(region["startLine"], int) and region["startLine"] >= 1
            assert isinstance(region["startColumn"], int) and region["startColumn"] >= 1
            if "endLine" in region:
                assert region["endLine"] >= region["startLine"]
        fp = res["partialFingerprints"]
        assert isinstance(fp[FINGERPRINT_KEY], str) and fp[FINGERPRINT_KEY]
        assert isinstance(res.get("properties", {}), dict)


@pytest.fixture(scope="module")
def policy():
    return check_ok(POLICY)


def test_sarif_of_analysis(policy):
    log = json.loads(render_sarif(analyse(policy), policy))
    check_sarif(log)
    run = log["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == sorted(REGISTRY)
    by_code = {}
    for res in run["results"]:
        by_code.setdefault(res["ruleId"], []).append(res)
    assert {"A401", "A406", "A409"} <= set(by_code)
    conflict = by_code["A401"][0]
    assert conflict["level"] == "error"
    assert conflict["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "t0.policy"
    assert conflict["locations"][0]["physicalLocation"]["region"]["startLine"] == 8
    assert conflict["properties"]["witness"] == {"a": True, "b": True}
    assert conflict["properties"]["rules"] == ["R-1", "R-2"]
    assert len(conflict["relatedLocations"]) == 2
    assert by_code["A406"][0]["level"] == "warning"


def test_rule_levels_follow_the_registry():
    log = json.loads(render_sarif([], None))
    levels = {r["id"]: r["defaultConfiguration"]["level"] for r in log["runs"][0]["tool"]["driver"]["rules"]}
    for code, c in REGISTRY.items():
        assert levels[code] == {"error": "error", "warning": "warning", "info": "note"}[c.severity]
    assert log["runs"][0]["results"] == []


def test_broken_file_gets_a_sarif(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "坏.policy").write_text("文档 X\n事实 a 布尔\n", encoding="utf-8")
    loaded = load_policy(["坏.policy"])
    assert not loaded.ok
    log = json.loads(render_sarif(None, loaded))
    check_sarif(log)
    results = log["runs"][0]["results"]
    assert results and all(r["ruleId"].startswith("V") for r in results)
    uri = results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "%E5%9D%8F.policy"        # percent-encoded relative path


def test_fingerprints_stable_under_moves(policy):
    """Fingerprints do not depend on lines: the same policy shifted down keeps them."""
    shifted = check_ok("\n\n\n" + POLICY)
    fps = lambda p: sorted(r["partialFingerprints"][FINGERPRINT_KEY]     # noqa: E731
                           for r in json.loads(render_sarif(analyse(p), p))["runs"][0]["results"])
    assert fps(policy) == fps(shifted)


def test_sarif_deterministic(policy):
    a = analyse(policy)
    assert render_sarif(a, policy) == render_sarif(analyse(policy), policy)
