"""Source text: decoding, NFKC normalisation with a map back to original positions."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from bisect import bisect_right

from ..model.nodes import Span


@dataclass(frozen=True)
class Source:
    """A file's original text, its NFKC-normalised form, and the offset map between them."""

    path: str
    original: str
    text: str
    origin: tuple[int, ...]          # normalised offset -> original offset
    line_starts: tuple[int, ...]     # original offsets where lines start

    def span(self, start: int, end: int) -> Span:
        """The span (1-based line/column in the original text) of normalised [start, end)."""
        a = self._orig(start)
        b = self._orig(max(start, end - 1)) + 1 if end > start else a
        la, ca = self._line_col(a)
        lb, cb = self._line_col(b)
        return Span(self.path, la, ca, lb, cb)

    def _orig(self, offset: int) -> int:
        if offset >= len(self.origin):
            return len(self.original)
        return self.origin[offset]

    def _line_col(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1

    def line(self, number: int) -> str:
        """The original text of line ``number`` (1-based), without its newline."""
        # from line_starts (the lines spans count), not a splitlines() of the whole text per
        # call: 10,000 diagnostics on a 10,000-rule file took 15 s that way
        if not 0 < number <= len(self.line_starts):
            return ""
        start = self.line_starts[number - 1]
        end = self.line_starts[number] - 1 if number < len(self.line_starts) else len(self.original)
        if start >= len(self.original) and number > 1:
            return ""
        return self.original[start:end].rstrip("\r\n")


def normalise(path: str, original: str) -> Source:
    """NFKC character by character, remembering where each output character came from.
    Text whose every distinct character is its own NFKC form (the usual case: the
    bundled policies) maps onto itself, offset for offset, without the per-character
    walk."""
    starts = [0] + [i + 1 for i, ch in enumerate(original) if ch == "\n"]
    if all(ord(ch) <= 0x7F or unicodedata.normalize("NFKC", ch) == ch for ch in set(original)):
        return Source(path, original, original, tuple(range(len(original))), tuple(starts))
    pieces, origin = [], []
    for i, ch in enumerate(original):
        n = unicodedata.normalize("NFKC", ch) if ord(ch) > 0x7F else ch
        pieces.append(n)
        origin.extend([i] * len(n))
    return Source(path, original, "".join(pieces), tuple(origin), tuple(starts))
