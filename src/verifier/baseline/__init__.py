"""verifier.baseline: accepted findings, so a gate fails only on new ones.

API::

    load_baseline(path) -> (Baseline | None, tuple[Diagnostic, ...])   # errors: exit 2
    apply_baseline(findings, baseline) -> (new, accepted, stale)
    dump_baseline(findings, fmt="yaml", previous=None, min_severity="warning") -> str
    stale_lines(stale) -> list[str]                                    # for text output

A baseline file (YAML, or JSON when it ends in .json)::

    version: 1
    accepted:
      - fingerprint: 3f2a…          # Finding.fingerprint (code + sorted rule ids + subject)
        code: A403
        rules: [R-C1, R-C2]
        subject: null
        message: "rules R-C1, R-C2 can apply together with the same conclusion"
        justification: "RC-C1 and RC-C2 overlap on purpose"
        accepted_by: "张三 2024-05-01"

Findings are matched by fingerprint, never by line; an entry whose finding is gone is
**stale** and is reported so the baseline can be pruned.
"""
from .baseline import (Baseline, BaselineEntry, apply_baseline, dump_baseline, load_baseline,
                       stale_lines)

__all__ = ["Baseline", "BaselineEntry", "apply_baseline", "dump_baseline", "load_baseline",
           "stale_lines"]
