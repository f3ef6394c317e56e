"""Helpers shared by commands: loading a policy set and reporting its diagnostics."""
from __future__ import annotations

import sys

from ..diagnostics.render import render_many
from ..load import Loaded, load_policy

DEFAULT_PATHS = ["policy/"]


def load_or_report(paths, lang: str = "both") -> Loaded | None:
    """Load the policies; on any error print the diagnostics to stderr and return None."""
    loaded = load_policy(paths or DEFAULT_PATHS)
    if not loaded.ok:
        print(render_many(loaded.diagnostics, loaded.sources, lang), file=sys.stderr)
        return None
    return loaded


def parse_readings(items: list[str], policy) -> tuple[dict[str, bool] | None, str | None]:
    """``["名=true", …]`` -> readings dict, or an error message."""
    out = {}
    for item in items:
        name, _, value = item.partition("=")
        value = value.strip().lower()
        if value not in ("true", "false", "为真", "为假"):
            return None, f"--reading {item!r}: write NAME=true or NAME=false"
        if name not in policy.interpretations:
            known = ", ".join(sorted(policy.interpretations)) or "none"
            return None, f"--reading {item!r}: {name!r} is not an interpretation (known: {known})"
        out[name] = value in ("true", "为真")
    return out, None
