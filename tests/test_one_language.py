"""One language per run (issue 14) and Markdown in the text's order (issue 12).

``--lang`` defaults to Chinese; ``--lang en`` prints no "English / 中文" pair and no
Chinese heading; ``--lang zh`` prints no English hint; ``--lang both`` prints both.
``check --format markdown`` shows the findings in the tiers and groups of the text.
"""
from __future__ import annotations

import contextlib
import io
import os
import re
from pathlib import Path

import pytest

import golden_groups
from regen_golden import GOLDEN
from verifier.cli import main
from verifier.diagnostics.hints import translate_hint

BAD = GOLDEN / "bad"
BAD_CASES = sorted(p.stem if p.is_file() else p.name for p in BAD.iterdir()
                   if p.suffix == ".policy" or p.is_dir())
ROOT = Path(__file__).resolve().parent.parent

# two English words in a row: prose, not a code, a path or a keyword
ENGLISH_PROSE = re.compile(r"\b[A-Za-z]{2,}(?:'[a-z]+)? [A-Za-z]{2,}\b")
# words only Chinese prose uses (names in the policies never contain them)
CHINESE_PROSE = ("是否指", "请", "须", "此处", "应为", "删去", "不成立", "未声明", "从未", "文档头", "名称中")


def run(args, cwd) -> tuple[int, str]:
    out = io.StringIO()
    old = os.getcwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            code = main(args)
    finally:
        os.chdir(old)
    return code, out.getvalue()


def _bad_arg(name: str) -> str:
    return name if (BAD / name).is_dir() else f"{name}.policy"


def _hints(text: str) -> list[str]:
    return [line.split("= hint: ", 1)[1] for line in text.splitlines() if "= hint: " in line]


def _heads(text: str) -> list[str]:
    """The diagnostic head lines (``file:line:col: severity[CODE] message``)."""
    return [line for line in text.splitlines() if re.search(r"(error|warning|info)\[[A-Z]\d{3}\]", line)]


@pytest.mark.parametrize("name", BAD_CASES)
def test_zh_prints_no_english_hint_or_message(name):
    code, out = run(["check", _bad_arg(name), "--lang", "zh", "--no-cache"], BAD)
    assert code in (0, 2)
    for hint in _hints(out):
        assert not ENGLISH_PROSE.search(hint), hint
    for head in _heads(out):
        message = head.split("] ", 1)[1]
        assert not ENGLISH_PROSE.search(message), head
    assert not any(line.startswith(("failed:", "ok:")) for line in out.splitlines())


@pytest.mark.parametrize("name", BAD_CASES)
def test_en_prints_no_chinese_pair(name):
    code, out = run(["check", _bad_arg(name), "--lang", "en", "--no-cache"], BAD)
    for line in _hints(out) + _heads(out):
        assert not any(word in line for word in CHINESE_PROSE), line
        assert " / 是否指" not in line and "关键字" not in line


def test_default_is_one_language_and_both_only_when_asked():
    _, default = run(["check", "11_keyword_inside_name.policy", "--no-cache"], BAD)
    _, zh = run(["check", "11_keyword_inside_name.policy", "--lang", "zh", "--no-cache"], BAD)
    _, both = run(["check", "11_keyword_inside_name.policy", "--lang", "both", "--no-cache"], BAD)
    assert default == zh
    assert "名称中含有关键字 «以上» 时须用「」括起" in zh and "is a keyword" not in zh
    assert "is a keyword" in both and "名称中含有关键字" in both


def test_v111_hint_and_arguments_in_the_chosen_language():
    _, zh = run(["check", "12_missing_then.policy", "--lang", "zh", "--no-cache"], BAD)
    _, en = run(["check", "12_missing_then.policy", "--lang", "en", "--no-cache"], BAD)
    assert "应为 属于, 并且, 或者, 蕴含, 那么" in zh and " / then" not in zh
    assert "= hint: 这条声明的写法见 docs/language.md" in zh
    assert "expected in, and, or, implies, then" in en and "那么 /" not in en
    assert "= hint: see docs/language.md for the form of this declaration" in en


def test_every_hint_of_the_golden_mistakes_has_a_chinese_form():
    from verifier.load import load_policy
    seen = 0
    for name in BAD_CASES:
        for d in load_policy([str(BAD / _bad_arg(name))]).diagnostics:
            if d.hint:
                seen += 1
                assert not ENGLISH_PROSE.search(translate_hint(d.hint, "zh")), d.hint
                assert not any(w in translate_hint(d.hint, "en") for w in CHINESE_PROSE), d.hint
    assert seen >= 20


def test_grouped_text_headers_follow_the_language():
    en = golden_groups.render(["--lang", "en"])
    zh = golden_groups.render([])
    assert "Act on: errors and warnings" in en and not re.search("[\u4e00-\u9fff]", en.splitlines()[0])
    assert "需要处理" not in en and "命题(" not in en and "properties (2)" in en
    assert "需要处理:错误与警告 (3)" in zh and "Act on" not in zh and "properties (" not in zh
    for word in ("witness:", "readings:", "rules:", "findings", "overlaps"):
        assert word not in zh


# ---------------------------------------------------------------- case files

CASE = "facts:\n  谋取私: true\n  违反党的纪律: \"true\"\nfoo: 1\n"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_case_hints_in_one_language(tmp_path, lang):
    (tmp_path / "c.yaml").write_text(CASE, encoding="utf-8")
    code, out = run(["case", str(ROOT / "policy"), "--facts", "c.yaml", "--lang", lang], tmp_path)
    assert code == 2
    hints = _hints(out)
    assert len(hints) == 3
    for line in hints + _heads(out):
        if lang == "zh":
            assert not ENGLISH_PROSE.search(line.split("] ", 1)[-1]), line
        else:
            assert not any(word in line for word in CHINESE_PROSE), line
    if lang == "zh":
        assert "是否指「谋取私利」" in out and "未知的键 foo" in out
    else:
        assert "did you mean 「谋取私利」" in out and "unknown key foo" in out


# ---------------------------------------------------------------- markdown

def _markdown(args) -> str:
    code, out = run(["check", "g.policy", "--format", "markdown", "--no-cache", *args], golden_groups.GROUPS)
    assert code == 1
    return out


def test_markdown_follows_the_text_order_and_groups():
    md = _markdown(["--lang", "en"])
    text = golden_groups.render(["--lang", "en"])
    tiers = [line[3:] for line in md.splitlines() if line.startswith("## ")]
    assert tiers == ["Act on: errors and warnings (3)", "Review: what a drafter should look at (1)",
                     "The rest: notes (8)"]
    assert [line for line in text.splitlines() if line and not line[0].isspace()][:3] == \
        ["Act on: errors and warnings (3)", "Review: what a drafter should look at (1)", "The rest: notes (8)"]
    # the findings to act on in full, in the text's order
    acted = re.findall(r"^### (\w+) (A\d{3})", md, re.M)
    assert acted == [("error", "A409"), ("warning", "A412"), ("warning", "A413")]
    assert [c for _, c in acted] == re.findall(r"^  \S+: \w+\[(A\d{3})\]", text, re.M)[:3]
    # the rest: one entry per group, in the text's order, the same words
    rest_md = [line[2:].replace("\\", "").replace("**", "") for line in md.split("## The rest")[1].splitlines()
               if line.startswith("- ")]
    rest_text = [line.strip() for line in text.split("The rest: notes (8)")[1].splitlines()
                 if line.startswith("  [")]
    assert rest_md == rest_text
    # groups expand: every member of the A403 and A402 groups in a <details> list
    assert md.count("<details><summary>3 findings</summary>") == 2
    assert "  - R-1 × R-2" in md and "  - R-1 × X-1" in md
    assert md.index("[A402]") < md.index("[A403]") < md.index("[A405]") < md.index("[A410]")
    assert "## Findings by clause" not in md


def test_markdown_one_language_and_deterministic():
    zh, en, both = _markdown([]), _markdown(["--lang", "en"]), _markdown(["--lang", "both"])
    assert "## 需要处理:错误与警告 (3)" in zh and "Act on" not in zh
    assert "## Act on: errors and warnings (3)" in en and "需要处理" not in en
    assert "## 需要处理:错误与警告 / Act on: errors and warnings (3)" in both
    assert "命题 P-2 不成立" in zh and "property P-2 does not hold" not in zh
    assert _markdown([]) == zh


# ---------------------------------------------------------------- stories

STORY_POLICY = """文档 S
条款 S-1 "排名前列的县(市)区,予以表彰。"
条款 S-2 "获得荣誉的,予以表彰。"
事实 激励主体类型 : 枚举 {干部, 县市区} 依据 S-1
事实 排名靠前 : 布尔 依据 S-1
事实 获得荣誉 : 布尔 依据 S-2
事实 另获荣誉 : 布尔 依据 S-2
动作 表彰
规则 R-1 依据 S-1 如果 激励主体类型 = 县市区 并且 排名靠前 那么 应当 表彰
规则 R-2 依据 S-2 如果 获得荣誉 那么 应当 表彰
规则 R-3 依据 S-2 如果 另获荣誉 那么 应当 表彰
"""


def test_stories_name_the_subject_from_the_facts_involved():
    from verifier.analysis import analyse
    from verifier.report.base import prepare
    from verifier.report.story import story_zh
    from helpers import check_ok
    policy = check_ok(STORY_POLICY)
    ri = prepare(analyse(policy), policy)
    stories = {f.rule_ids: story_zh(ri, f) for f in ri.findings if f.code == "A403"}
    assert stories[("R-1", "R-2")].startswith("设想一个县市区")           # the county's rule
    assert "干部" not in stories[("R-1", "R-2")]
    assert stories[("R-2", "R-3")].startswith("设想一个受评价主体(干部或县市区均可)")


# every hint the project builds (one sample of each form), in Chinese and in English
SAMPLE_HINTS = [
    "split the document into several files", "save the file as UTF-8",
    "this looks like a binary file, not a policy", "start the file with a header: 文档 ID / document ID",
    "fix these first; the rest of the file was not parsed", "split the expression with derived terms (术语 / term)",
    'close it on the same line with " or 」', "finish the declaration",
    "a keyword is missing before this name, or the previous declaration is unfinished",
    "integers in a policy have at most 18 digits", "keep one; remove the other",
    "title/source/uses belong to the document header", "write NAME 属于 {a, b} with an enumeration or decision",
    "rename one of them", "load that document too", "cite a clause ID declared with 条款 / clause",
    "write [low..high]", "add 依据 CLAUSE-ID / cites CLAUSE-ID", "declare it first (an integer fact)",
    "give a .policy file or a folder that holds some", "policy files end in .policy",
    "-o takes a file that can be written; nothing was done", "check the path and its permissions",
    "run `verifier baseline` to produce one",
    "give a .yaml, .yml or .json case file, or a folder / .jsonl file of cases",
    "the case must be a YAML mapping with a `facts:` section",
    "write `facts:` followed by `name: value` lines (`facts: {}` for a case with no facts)",
    "write `id:` followed by a string or a number", "first given on line 2; keep one of them",
    "facts go under `facts:` — write `facts:` then `  谋取私利: …`",
    "a case has the keys id, description, facts, readings; did you mean 「facts」?",
    "write `interpretation: true` or `interpretation: false` under `readings:`",
    "not an interpretation; readings name interpretations (宽松解释); did you mean 「宽松解释」?",
    "not an interpretation; readings name interpretations (the policy declares none)",
    "a reading is true or false", "宽松解释 is a interpretation; put it under `readings:`",
    "可予容错 is a term; it is computed from the facts, not given",
    "that is the label of the fact 谋取私利; name facts by their declared name",
    "write true or false", "排名 ranges over [0..5]", "write an integer in [0..5] without quotes",
    "write one of the labels 从轻, 减轻", "the labels are 从轻, 减轻; did you mean 「减轻」?",
    "assumption 假设1 holds in no case (given the facts' declared ranges and the other assumptions); "
    "no case is admissible under this policy — fix the assumption",
    "谋取私利 = true cannot hold together with assumption 假设1 — RC-1「…」",
    "the readings admit no reading of the interpretations",
    "the record is not a decision the text allows here; deciding rules: R-1(RC-1)",
    "deciding rules: R-1(RC-1)", "save the case as UTF-8 in a regular file",
    "each entry of `cases:` is a mapping with facts", "a test case has the keys cases, policy",
]


@pytest.mark.parametrize("hint", SAMPLE_HINTS)
def test_every_form_of_hint_has_both_languages(hint):
    zh, en = translate_hint(hint, "zh"), translate_hint(hint, "en")
    assert not ENGLISH_PROSE.search(re.sub(r"`[^`]*`", "", zh)), zh       # (code in backquotes aside)
    assert not any(word in en for word in CHINESE_PROSE) and " / 是否指" not in en, en
    assert translate_hint(hint, "both") == (en if zh == en else f"{en} / {zh}")
