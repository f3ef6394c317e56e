"""verifier.diff: the semantic diff of two policy versions (issue 6).

API::

    diff_policies(old, new, *, old_label, new_label, findings=True, max_cubes=8,
                  timeout_ms=10000, show_path=str) -> Diff
    merge(old, new) -> Merged              # both versions in one PolicySet
    resolve_side(spec, ...) -> Side        # a file, a folder or a git revision
    render(diff, fmt, lang) -> str         # text / json / markdown / sarif

For every outcome atom (term, must/may/must not X, D = x; matched by name) the diff
either proves that both versions decide every case admissible on both sides the same
way (unsat of old_o xor new_o), or gives, per direction (LOST: old true -> new false;
GAINED: old false -> new true), the condition under which it flips as a DNF of
prime-implicant cubes over the facts the outcome depends on, a minimised witness case
replayed through verifier.evaluate on both versions, and the rules concluding the
outcome that apply in the witness on each side. Cases admissible on one side only are
reported separately; findings are matched by fingerprint.
"""
from .compare import DiffReplayError, diff_policies
from .merge import Merged, merge
from .report import (CHANGED, GAINED, LOST, SAME, UNKNOWN, AdmissibilityDiff, Change,
                     DeclChange, Diff, FindingsDelta, OutcomeDiff, RuleUse, Witness)

__all__ = ["AdmissibilityDiff", "CHANGED", "Change", "DeclChange", "Diff", "DiffReplayError",
           "FindingsDelta", "GAINED", "LOST", "Merged", "OutcomeDiff", "RuleUse", "SAME",
           "UNKNOWN", "Witness", "diff_policies", "merge"]
