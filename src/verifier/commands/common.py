"""Helpers shared by commands: loading a policy set and reporting its diagnostics."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from ..diagnostics import DEFAULT_LANG
from ..diagnostics.render import render_many
from ..load import Loaded, load_policy

DEFAULT_PATHS = ["policy/"]


def load_or_report(paths, lang: str = DEFAULT_LANG) -> Loaded | None:
    """Load the policies; on any error print the diagnostics to stderr and return None."""
    loaded = load_policy(paths or DEFAULT_PATHS)
    if not loaded.ok:
        print(render_many(loaded.diagnostics, loaded.sources, lang), file=sys.stderr)
        return None
    return loaded


def parse_readings(items: list[str], policy, lang: str = DEFAULT_LANG) -> tuple[dict[str, bool] | None, str | None]:
    """``["名=true", …]`` -> readings dict, or an error message (in ``lang``)."""
    out = {}
    zh = lang == "zh"
    for item in items:
        name, _, value = item.partition("=")
        value = value.strip().lower()
        if value not in ("true", "false", "为真", "为假"):
            return None, (f"--reading {item!r}:请写 名称=true 或 名称=false" if zh else
                          f"--reading {item!r}: write NAME=true or NAME=false")
        if name not in policy.interpretations:
            known = ", ".join(sorted(policy.interpretations)) or ("无" if zh else "none")
            return None, (f"--reading {item!r}:{name!r} 不是解释(已声明:{known})" if zh else
                          f"--reading {item!r}: {name!r} is not an interpretation (known: {known})")
        out[name] = value in ("true", "为真")
    return out, None


def outcome_problem(option: str, text: str, policy, lang: str = DEFAULT_LANG) -> str:
    """``error: --ask 'x' names no outcome — hint: …`` in ``lang``."""
    from ..rulings.select import suggest
    hint = suggest(text, policy)
    if lang != "zh":
        return f"error: {option} {text!r} names no outcome — hint: {hint}"
    _, _, close = hint.partition("; did you mean ")
    close = f";是否指 {close.rstrip('?')}?" if close else ""
    return (f"error: {option} {text!r} 不是任何结论 — hint: 请写决定项(容错决定)、D = x、"
            f"应当/可以/不得 X,或术语{close}")


def output_problem(path, folder: bool = False) -> str | None:
    """Why ``path`` cannot be written as an output file (or, with ``folder``, used as an
    output folder), or None. Checked before any work, so a long run never ends in a
    traceback and nothing is lost: a folder where a file is wanted (or the reverse), a path
    under a file, a place that cannot be written. Missing parent folders are fine (they
    are created when the output is written)."""
    path = Path(path)
    if path.exists() or path.is_symlink():
        if folder:
            if not path.is_dir():
                return "it exists and is not a folder"
            return None if os.access(path, os.W_OK | os.X_OK) else "the folder is not writable"
        if path.is_dir():
            return "it is a folder; give a file name"
        if not path.is_file():
            return "it exists and is not a regular file"
        return None if os.access(path, os.W_OK) else "the file is not writable"
    parent = path.parent
    while not parent.exists():
        if parent.is_symlink():
            return f"{parent} is a broken link"
        parent = parent.parent
    if not parent.is_dir():
        return f"{parent} is a file, not a folder"
    if not os.access(parent, os.W_OK | os.X_OK):
        return f"cannot create files in {parent}"
    return None


def report_output_problem(option: str, path, folder: bool = False, lang: str = DEFAULT_LANG,
                          problem: str | None = None) -> bool:
    """Print a V104 diagnostic and return True when the output cannot be written."""
    from ..diagnostics import diag
    from ..diagnostics.render import render_text
    from ..model.nodes import Span

    problem = problem or output_problem(path, folder)
    if problem:
        what = "a folder" if folder else "a file"
        d = diag("V104", Span(str(path), 1, 1), path=path, reason=problem,
                 hint=f"{option} takes {what} that can be written; nothing was done")
        print(render_text(d, {}, lang), file=sys.stderr)
    return bool(problem)


def positive_ms(text: str) -> int:
    """argparse type of ``--timeout-ms``: a whole number of milliseconds, at least 1."""
    import argparse

    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: give a time in milliseconds, 1 or more (e.g. 10000)")
    return value
