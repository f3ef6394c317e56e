"""verifier.report: every output format of an analysis, and the generated reports.

One function per format, all with the same signature::

    render(fmt, result, loaded=None, colour=False) -> str     # fmt in FORMATS
    render_text(result, loaded=None, colour=False, *, lang="both", expand=False) -> str
    render_json(result, loaded=None, colour=False) -> str      # schema verifier/findings v2
    render_sarif(result, loaded=None, colour=False) -> str     # SARIF 2.1.0
    render_markdown(result, loaded=None, colour=False, *, lang="both") -> str

Text and Markdown show the findings in the drafter's order (tiers and groups, one code:
``verifier.analysis.groups`` and the entries of ``verifier.report.text``), in one language
(``lang`` "zh" / "en") or both; the commands pass ``--lang`` (default "zh").

``result`` is a ``verifier.analysis.Analysis``, any sequence of ``Finding``, or None when
nothing was analysed (a policy that failed to load still gets JSON / SARIF / Markdown of
its diagnostics). ``loaded`` is a ``verifier.load.Loaded`` (policy, load diagnostics,
sources), a bare ``PolicySet``, or None. ``colour`` only affects text. Output is
deterministic: sorted keys, stable order, no timestamps, paths relative to the current
directory. The formats are described in docs/output-format.md.

Also: ``codes_markdown()`` (docs/codes.md from the registry), ``story_zh(...)`` (a
finding's witness told in Chinese), ``build_reports(...)`` / ``stale_reports(...)``
(what ``verifier report`` writes to reports/).
"""
from __future__ import annotations

from .codes_doc import codes_markdown
from .jsonfmt import SCHEMA, VERSION, render_json
from .markdown import render_markdown
from .sarif import render_sarif
from .text import render_text

RENDERERS = {"text": render_text, "json": render_json, "sarif": render_sarif,
             "markdown": render_markdown}
FORMATS = tuple(RENDERERS)


def render(fmt: str, result, loaded=None, colour: bool = False) -> str:
    """Render ``result`` (Analysis / findings / None) with the load result in format ``fmt``."""
    try:
        renderer = RENDERERS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}") from None
    return renderer(result, loaded, colour)


__all__ = ["FORMATS", "RENDERERS", "SCHEMA", "VERSION", "codes_markdown", "render",
           "render_json", "render_markdown", "render_sarif", "render_text"]
