"""The HTML report: its structure (every page, every rule of a decision drawn as an SVG
node, self-contained), determinism, and a real headless Chromium opening it (graph
rendered, filters change what is shown, a screenshot saved under the test's tmp dir)."""
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import golden_groups
from verifier.evaluate import Atom, index
from verifier.report.graph import decision_graph, targets
from verifier.report.reports import build_reports, write_reports

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    policy = out / "g.policy"
    policy.write_text(golden_groups.POLICY, encoding="utf-8")
    files, loaded = build_reports([str(policy)], None, str(out / "reports"), None)
    assert loaded.ok
    write_reports(files)
    return out / "reports" / "html", loaded, files


def test_pages_and_graphs(report):
    html, loaded, _ = report
    p = loaded.policy
    assert (html / "index.html").is_file()
    for cid in p.clauses:
        assert (html / "clause" / f"{cid}.html").is_file()
    index_text = (html / "index.html").read_text(encoding="utf-8")
    assert "http://" not in index_text.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "<script src" not in index_text and "<link" not in index_text     # self-contained
    for i, target in enumerate(targets(p), 1):
        page = (html / "graph" / f"{i:02d}.html").read_text(encoding="utf-8")
        rules = set(re.findall(r'data-kind="rule" data-id="([^"]+)"', page))
        assert rules == set(decision_graph(p, target).rule_ids())
        ix = index(p)
        concluding = {r for m in ("must", "may", "must_not") for r in ix.concluding.get(Atom(m, target), ())}
        assert concluding <= rules
        assert 'class="edge prevails"' in page                           # X-1 over the routes


def test_html_is_deterministic(report, tmp_path):
    _, _, files = report
    policy = tmp_path / "g.policy"
    policy.write_text(golden_groups.POLICY, encoding="utf-8")
    code = ("import sys, json; from verifier.report.reports import build_reports; "
            "f, _ = build_reports([sys.argv[1]], None, 'x', None); "
            "print(json.dumps({k: v for k, v in f.items() if '/html/' in k}, sort_keys=True))")
    runs = [subprocess.run([sys.executable, "-c", code, str(policy)], capture_output=True, text=True,
                           cwd=tmp_path, env={"PYTHONHASHSEED": str(seed), "PATH": "/usr/bin:/bin",
                                              "PYTHONPATH": str(ROOT / "src")}).stdout for seed in (1, 2)]
    assert runs[0] and runs[0] == runs[1]


def _chromium():
    for browser in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(browser)
        if path:
            return path, shutil.which("chromedriver")
    return None, None


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    browser, chromedriver = _chromium()
    if browser is None or chromedriver is None:
        pytest.skip("no Chromium with chromedriver installed (apt-get install chromium chromium-driver)")
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
    from selenium.webdriver.chrome.service import Service
    opts = webdriver.ChromeOptions()
    opts.binary_location = browser
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1280,1600", f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"):
        opts.add_argument(arg)
    d = webdriver.Chrome(service=Service(chromedriver), options=opts)
    yield d
    d.quit()


def test_in_headless_chromium(report, driver, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select
    html, loaded, _ = report
    driver.get((html / "index.html").as_uri())
    visible = lambda: [e for e in driver.find_elements(By.CSS_SELECTOR, ".finding") if e.is_displayed()]  # noqa: E731
    for g in driver.find_elements(By.CSS_SELECTOR, "details.group"):
        driver.execute_script("arguments[0].open = true", g)
    everything = len(visible())
    assert everything == len(driver.find_elements(By.CSS_SELECTOR, ".finding")) > 3
    Select(driver.find_element(By.ID, "f-severity")).select_by_value("error")
    errors = visible()
    assert 0 < len(errors) < everything and all(e.get_attribute("data-severity") == "error" for e in errors)
    Select(driver.find_element(By.ID, "f-severity")).select_by_value("")
    Select(driver.find_element(By.ID, "f-reading")).select_by_value("紧急亦须报备=false")
    assert len(visible()) <= everything
    driver.save_screenshot(str(tmp_path / "index.png"))
    target = targets(loaded.policy)[0]
    driver.get((html / "graph" / "01.html").as_uri())
    nodes = driver.find_elements(By.CSS_SELECTOR, "svg.graph g.node.rule")
    assert {n.get_attribute("data-id") for n in nodes} == set(decision_graph(loaded.policy, target).rule_ids())
    assert all(n.size["width"] > 0 for n in nodes)                         # rendered, laid out
    driver.save_screenshot(str(tmp_path / "graph.png"))
    driver.find_element(By.CSS_SELECTOR, "svg.graph g.node.rule a text").click()   # through to its clause
    assert driver.find_element(By.TAG_NAME, "h1").text in loaded.policy.clauses
    assert (tmp_path / "index.png").stat().st_size > 1000
