"""Helpers shared by commands: loading a policy set and reporting its diagnostics."""
from __future__ import annotations

import sys

from ..diagnostics.render import render_text
from ..load import Loaded, load_policy

DEFAULT_PATHS = ["policy/"]


def load_or_report(paths, lang: str = "both") -> Loaded | None:
    """Load the policies; on any error print the diagnostics to stderr and return None."""
    loaded = load_policy(paths or DEFAULT_PATHS)
    if not loaded.ok:
        for d in loaded.diagnostics:
            print(render_text(d, loaded.sources, lang), file=sys.stderr)
        return None
    return loaded
