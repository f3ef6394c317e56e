"""``verifier ask [POLICY...] --goal OUTCOME [--facts FILE]``: an interview that asks only
what matters, one question at a time, until the goal is decided; ``--next`` answers one
step as JSON (for the web page and scripts)."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..cases import make_case, read_case_file
from ..diagnostics import has_errors
from ..exitcodes import INPUT_ERROR, OK
from .common import load_or_report, outcome_problem

YES = {"是", "y", "yes", "true", "对", "有"}
NO = {"否", "n", "no", "false", "不", "没有", "无"}
UNKNOWN = {"不知道", "?", "？", "unknown", "skip", ""}


def register(sub) -> None:
    p = sub.add_parser("ask", help="interview: ask the most decisive question until the goal is decided")
    p.add_argument("paths", nargs="*", metavar="POLICY", help="policy files or folders (default: policy/)")
    p.add_argument("--goal", action="append", required=True, metavar="OUTCOME",
                   help="what to decide: a decision (容错决定), \"D = x\", \"可以 X\", an action or a term (repeatable)")
    p.add_argument("--facts", metavar="FILE", help="a case file with what is known already")
    p.add_argument("--next", action="store_true", help="answer one step (no terminal): the verdict and the next question")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--lang", choices=("zh", "en"), default="zh",
                   help="language of questions, the ruling, messages and hints (default zh)")
    p.add_argument("-o", "--output", metavar="FILE", help="write the case file (YAML) at the end; never overwrites")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..rulings import RulingEngine
    from ..rulings.select import parse_asked

    loaded = load_or_report(args.paths, args.lang)
    if loaded is None:
        return INPUT_ERROR
    policy = loaded.policy
    goal, bad = parse_asked(args.goal, policy)
    if bad:
        for text in bad:
            print(outcome_problem("--goal", text, policy, args.lang), file=sys.stderr)
        return INPUT_ERROR
    if args.output and Path(args.output).exists():
        print(f"error: {args.output} exists; the interview never overwrites a file — hint: choose a new name",
              file=sys.stderr)
        return INPUT_ERROR
    case = make_case("interview")
    if args.facts:
        cases, diags = read_case_file(args.facts, policy)
        if has_errors(diags) or not cases:
            from .case import _print_diagnostics
            _print_diagnostics(diags, args.lang)
            return INPUT_ERROR
        case = cases[0]
    engine = RulingEngine(policy)
    if args.next:
        from ..rulings.interview import next_json
        print(json.dumps(next_json(engine, policy, case, goal), ensure_ascii=False, indent=2, sort_keys=True))
        return OK
    return _interview(args, engine, policy, case, goal)


def _interview(args, engine, policy, case, goal) -> int:
    from ..rulings.interview import step, with_answer
    from ..rulings.render import render_text

    skip: set[str] = set()
    asked = 0
    while True:
        s = step(engine, case, goal, frozenset(skip))
        if s.question is None or not s.ruling.admissible:
            break
        fact = policy.facts[s.question.fact]
        value = _prompt(fact, policy, asked + 1)
        if value is None and sys.stdin.closed:
            break
        asked += 1
        if value is _EOF:
            break
        if value is None:
            skip.add(fact.name)
            continue
        case = with_answer(case, fact.name, value)
    ruling = engine.rule(case, only=set(goal))
    print()
    sys.stdout.write(render_text(ruling, policy, args.lang))
    text = _case_yaml(case)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"case written: {args.output}", file=sys.stderr)
    else:
        print("\n# case file:\n" + text)
    return OK


_EOF = object()


def _prompt(fact, policy, number: int):
    """Ask one question on the terminal; the parsed answer, None for 不知道, _EOF at the end of input."""
    from ..model import BoolType, EnumType

    t = fact.type
    cites = ", ".join(fact.meta.cites)
    print(f"\n问题 {number}:{fact.meta.label or fact.name}({fact.name};{cites})")
    if fact.meta.phrase:
        print(f"  原文:{fact.meta.phrase}")
    choices = "是 / 否 / 不知道" if isinstance(t, BoolType) else (
        " / ".join(t.labels) + " / 不知道" if isinstance(t, EnumType) else f"{t.lo}..{t.hi} / 不知道")
    while True:
        print(f"  回答({choices}):", end=" ", flush=True)
        line = sys.stdin.readline()
        if not line:
            return _EOF
        answer = line.strip()
        if answer.lower() in UNKNOWN:
            return None
        if isinstance(t, BoolType) and (answer.lower() in YES or answer.lower() in NO):
            return answer.lower() in YES
        if isinstance(t, EnumType) and answer in t.labels:
            return answer
        if not isinstance(t, (BoolType, EnumType)) and answer.lstrip("-").isdigit() and t.lo <= int(answer) <= t.hi:
            return int(answer)
        print(f"  无法理解「{answer}」,请回答 {choices}")


def _case_yaml(case) -> str:
    import yaml

    data = {"id": case.key, "facts": dict(case.facts)}
    if case.readings:
        data["readings"] = dict(case.readings)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=True)
