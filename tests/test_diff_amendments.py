"""The worked amendments: copies match policy/ + edits, and the impact reports are fresh.

The reports are regenerated without the findings section (analysing both versions of the
real policies takes tens of seconds); the outcome sections must match the committed
reports exactly. `python amendments/build.py` rebuilds everything.
"""
from __future__ import annotations

import importlib.util

import pytest

from helpers import ROOT

_spec = importlib.util.spec_from_file_location("amendments_build", ROOT / "amendments" / "build.py")
build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build)

FOLDERS = build.amendments() if (ROOT / "policy").is_dir() else []


def _without_findings(text: str) -> str:
    head = text.split("\n## 发现\n")[0].split("\n## Findings\n")[0]
    return "\n".join(line for line in head.splitlines()
                     if not line.startswith(("| findings introduced", "| 发现:新增"))).rstrip() + "\n"


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda f: f.name)
def test_amended_copy_and_report_are_fresh(folder):
    for name, text in build.amended_texts(folder).items():
        assert (folder / name).read_text(encoding="utf-8") == text, \
            f"{folder.name}/{name} is stale: run python amendments/build.py"
    committed = (build.REPORTS / f"{folder.name}.md").read_text(encoding="utf-8")
    assert _without_findings(build.report(folder, findings=False)) == _without_findings(committed), \
        f"reports/amendments/{folder.name}.md is stale: run python amendments/build.py"


def test_reports_show_the_expected_flips():
    texts = {f.name: (build.REPORTS / f"{f.name}.md").read_text(encoding="utf-8") for f in FOLDERS}
    if not texts:
        pytest.skip("no amendments")
    fm = texts["01-force-majeure"]
    assert "### `不得 予以容错`" in fm and "R-X4 [RC-X4] 生效" in fm
    assert "### `可以 予以容错`" in fm and "被 R-X4 推翻" in fm
    acc = texts["02-accountable-no-reward"]
    assert "### `应当 给予物质奖励`" in acc and "### `不得 予以鼓励激励`" in acc
    assert "## 情形:原先可能的情形,修改后不再可能" in acc
    county = texts["03-county-ranking"]
    assert "### `考核评价结果符合`" in county and "县域排名" in county
