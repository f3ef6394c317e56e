"""Build the worked amendments and their impact reports.

Each amendments/NN-name/ holds README.md (what changed and why) and edits.yaml (exact
text replacements applied to a copy of policy/). This script copies policy/*.policy into
the folder, applies the edits (each `find` must occur exactly once), and writes the impact
report reports/amendments/NN-name.md with ``verifier.diff``; the report ends with the cases
that change: every recorded case of tests/cases/ (the policy test suites, tests/cases/real/
included) re-ruled under both versions (``verifier.diff.precedents``, as ``verifier diff
policy amendments/NN-name --cases tests/cases``). Run from the repository root:

    python amendments/build.py            # rebuild every amendment and report
    python amendments/build.py --check    # exit 1 if a copy or a report is stale
"""
from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from verifier.diff import diff_policies  # noqa: E402
from verifier.diff.precedents import CasesImpact, iter_corpus, rule_corpus  # noqa: E402
from verifier.diff.precedents import render_markdown as cases_markdown  # noqa: E402
from verifier.diff.render import render_markdown  # noqa: E402
from verifier.load import load_policy  # noqa: E402

POLICY = ROOT / "policy"
REPORTS = ROOT / "reports" / "amendments"
CORPUS = ROOT / "tests" / "cases"


def amendments() -> list[Path]:
    return sorted(p for p in (ROOT / "amendments").iterdir() if (p / "edits.yaml").is_file())


def amended_texts(folder: Path) -> dict[str, str]:
    """{file name: amended text} for every policy/*.policy (edits applied)."""
    texts = {p.name: p.read_text(encoding="utf-8") for p in sorted(POLICY.glob("*.policy"))}
    for edit in yaml.safe_load((folder / "edits.yaml").read_text(encoding="utf-8"))["edits"]:
        text = texts[edit["file"]]
        count = text.count(edit["find"])
        if count != 1:
            raise SystemExit(f"{folder.name}: `find` occurs {count} times in {edit['file']}:\n{edit['find']}")
        texts[edit["file"]] = text.replace(edit["find"], edit["replace"])
    return texts


def title(folder: Path) -> str:
    first = (folder / "README.md").read_text(encoding="utf-8").splitlines()[0]
    return first.lstrip("# ").strip()


def report(folder: Path, findings: bool = True, cases: bool | None = None) -> str:
    """The impact report of one amendment (its copy must be in place). ``cases`` (default:
    with the findings) adds the recorded cases that change, after the findings."""
    old, new = load_policy([str(POLICY)]), load_policy([str(folder)])
    if not (old.ok and new.ok):
        bad = [d for d in old.diagnostics + new.diagnostics if d.is_error]
        raise SystemExit(f"{folder.name}: cannot load: {[str(d.span) + ' ' + d.message() for d in bad]}")
    rel = lambda p: str(Path(p).resolve().relative_to(ROOT))  # noqa: E731
    diff = diff_policies(old.policy, new.policy, old_label="policy/",
                         new_label=f"amendments/{folder.name}/", findings=findings,
                         show_path=rel, rulings=True)
    text = render_markdown(diff, "zh", f"修改的影响:{title(folder)}")
    if findings if cases is None else cases:
        text += "\n" + cases_section(old.policy, new.policy)
    return text


def cases_section(old, new) -> str:
    """"Cases that change": tests/cases/ re-ruled under both versions."""
    records = rule_corpus(old, new, iter_corpus([CORPUS]), progress=False)
    for r in records:
        r["source"] = str(Path(r["source"]).resolve().relative_to(ROOT))
        for d in r.get("diagnostics", []):
            d["file"] = str(Path(d["file"]).resolve().relative_to(ROOT))
    impact = CasesImpact("tests/cases/", (), tuple(records))
    return cases_markdown(impact).rstrip() + "\n"


def build(check: bool = False) -> int:
    stale = []
    REPORTS.mkdir(parents=True, exist_ok=True)
    for folder in amendments():
        for name, text in amended_texts(folder).items():
            target = folder / name
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                stale.append(str(target))
                if not check:
                    target.write_text(text, encoding="utf-8")
        out = REPORTS / f"{folder.name}.md"
        if check and any(x.startswith(str(folder)) for x in stale):
            stale.append(str(out))
            continue
        text = report(folder)
        if not out.exists() or out.read_text(encoding="utf-8") != text:
            stale.append(str(out))
            if not check:
                out.write_text(text, encoding="utf-8")
    for s in stale:
        print(("stale: " if check else "wrote: ") + s)
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(build("--check" in sys.argv))
