"""Positions: the verifier's spans (1-based line and column, in characters of the
original text) and normalised offsets, to and from LSP positions (0-based, in the code
units the client negotiated, UTF-16 by default)."""
from __future__ import annotations

from bisect import bisect_left

from lsprotocol import types as t
from pygls.workspace.position_codec import PositionCodec, ServerTextPosition

from ..model.nodes import Span
from ..syntax.source import Source


def lines_of(text: str) -> list[str]:
    """The lines of ``text`` split at ``\\n`` only, as the verifier numbers them."""
    return text.split("\n")


class Positions:
    """Converts positions for one file's text with the client's position codec."""

    def __init__(self, text: str, codec: PositionCodec | None = None, source: Source | None = None):
        self.text, self.source = text, source
        self.codec = codec or PositionCodec()
        self.lines = lines_of(text)
        starts, total = [], 0
        for line in self.lines:
            starts.append(total)
            total += len(line) + 1
        self.starts = starts

    def position(self, line: int, column: int) -> t.Position:
        """1-based (line, column in characters) -> an LSP position; clamped to the text."""
        line0 = min(max(line - 1, 0), len(self.lines) - 1)
        col0 = min(max(column - 1, 0), len(self.lines[line0]))
        return self.codec.position_to_client_units(self.lines, ServerTextPosition(line0, col0))

    def range(self, span: Span) -> t.Range:
        """A span as an LSP range (an empty or unknown end becomes the start's line end)."""
        if span.line <= 0:
            return t.Range(t.Position(0, 0), t.Position(0, 0))
        start = self.position(span.line, span.column)
        if span.end_line <= 0:
            line = self.lines[min(span.line, len(self.lines)) - 1]
            end = self.position(span.line, len(line) + 1)
        else:
            end = self.position(span.end_line, span.end_column)
        return t.Range(start, end)

    def offset_range(self, start: int, end: int) -> t.Range:
        """Normalised offsets [start, end) -> an LSP range."""
        if self.source is None:
            return t.Range(t.Position(0, 0), t.Position(0, 0))
        return self.range(self.source.span(start, end))

    def original_offset(self, pos: t.Position) -> int:
        """An LSP position -> an offset into the original text."""
        if not self.lines:
            return 0
        line0 = min(max(pos.line, 0), len(self.lines) - 1)
        server = self.codec.position_from_client_units(
            self.lines, t.Position(line0, max(pos.character, 0)))
        return self.starts[line0] + min(server.character, len(self.lines[line0]))

    def offset(self, pos: t.Position) -> int:
        """An LSP position -> an offset into the normalised text (``Source.text``)."""
        orig = self.original_offset(pos)
        if self.source is None:
            return orig
        return bisect_left(self.source.origin, orig)


def original_position(positions: Positions, offset: int) -> t.Position:
    """An offset into the original text -> an LSP position."""
    line0 = max(bisect_left(positions.starts, offset + 1) - 1, 0)
    return positions.position(line0 + 1, offset - positions.starts[line0] + 1)


def span_offsets(positions: Positions, span: Span) -> tuple[int, int]:
    """A span -> [start, end) offsets into the original text (end: the line end if unknown)."""
    line0 = min(max(span.line - 1, 0), len(positions.lines) - 1)
    start = positions.starts[line0] + max(span.column - 1, 0)
    if span.end_line > 0:
        e0 = min(span.end_line - 1, len(positions.lines) - 1)
        end = positions.starts[e0] + max(span.end_column - 1, 0)
    else:
        end = positions.starts[line0] + len(positions.lines[line0])
    return start, max(start, end)
