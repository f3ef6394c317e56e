"""YAML and JSON readers that keep line numbers and report duplicated keys.

Both produce the same small tree of ``Node`` values: a mapping is a tuple of
``(key, key_node, value_node)`` triples (duplicates kept, so the caller can report them),
a sequence a tuple of nodes, a scalar its Python value.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

import yaml


@dataclass(frozen=True)
class Node:
    value: object
    line: int          # 1-based
    column: int = 1    # 1-based

    @property
    def is_mapping(self) -> bool:
        return isinstance(self.value, Mapping)

    @property
    def is_sequence(self) -> bool:
        return isinstance(self.value, Sequence)


class Mapping(tuple):
    """(key, key_node, value_node) triples in source order, duplicates kept."""


class Sequence(tuple):
    """Nodes in source order."""


class ReadError(Exception):
    """The text is not well-formed YAML / JSON; carries a line and column."""

    def __init__(self, reason: str, line: int = 0, column: int = 0):
        super().__init__(reason)
        self.reason, self.line, self.column = reason, line, column


MAX_DEPTH = 64            # nesting of mappings and lists in a case
MAX_NODES = 20_000        # values in a case, aliases counted once per use (no alias bombs)
MAX_DIGITS = 1_000        # digits of an integer in a case (Python refuses > 4,300)


class LongInt:
    """An integer literal with more than MAX_DIGITS digits, kept as its digit count (the
    case checker reports it as out of range, located)."""

    def __init__(self, digits: int):
        self.digits = digits

    def __repr__(self) -> str:
        return f"an integer of {self.digits} digits"

    __str__ = __repr__


_SCALARS = (bool, int, float, str, type(None), LongInt)


def _position(text: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of a character offset."""
    offset = max(0, min(offset, len(text)))
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _too_deep_at(text: str, limit: int = MAX_DEPTH) -> tuple[int, int]:
    """Where the bracket nesting first exceeds ``limit`` (strings skipped), else where the
    indentation is deepest (block YAML); (1, 1) when neither says."""
    depth, quote, escaped = 0, None, False
    for i, ch in enumerate(text):
        if quote:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch in "[{":
            depth += 1
            if depth > limit:
                return _position(text, i)
        elif ch in "]}":
            depth -= 1
    lines = text.splitlines() or [""]
    deepest = max(range(len(lines)), key=lambda n: len(lines[n]) - len(lines[n].lstrip()))
    return deepest + 1, len(lines[deepest]) - len(lines[deepest].lstrip()) + 1


# ---------------------------------------------------------------- YAML

class _Loader(yaml.SafeLoader):
    """SafeLoader whose integers never exceed MAX_DIGITS digits (a longer one is a LongInt)."""

    def construct_yaml_int(self, node):
        digits = sum(ch.isdigit() for ch in str(node.value))
        if digits > MAX_DIGITS:
            return LongInt(digits)
        return super().construct_yaml_int(node)


_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)


def read_yaml(text: str) -> Node | None:
    """Parse one YAML document into a located tree (None for an empty document)."""
    loader = None
    try:
        loader = _Loader(text)          # checks the characters: a ReaderError here
        root = loader.get_single_node()
        return None if root is None else _Builder(loader).build(root, 0)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        raise ReadError(f"{exc.problem or exc.context}", line or 1, col or 1) from None
    except yaml.reader.ReaderError as exc:
        line, col = _position(text, exc.position)
        what = f"the character U+{exc.character:04X}" if isinstance(exc.character, int) else "a character"
        raise ReadError(f"{what} is not allowed in YAML ({exc.reason})", line, col) from None
    except yaml.YAMLError as exc:
        raise ReadError(str(exc).splitlines()[0] if str(exc) else "not valid YAML", 1, 1) from None
    except RecursionError:
        raise ReadError(f"the case nests more than {MAX_DEPTH} levels deep", *_too_deep_at(text)) from None
    finally:
        if loader is not None:
            loader.dispose()


class _Builder:
    """YAML nodes -> located tree, with a depth limit, a budget on values (aliases count
    every time they are used) and recursive aliases refused."""

    def __init__(self, loader):
        self.loader, self.count, self.active = loader, 0, set()

    def _fail(self, node, reason: str):
        raise ReadError(reason, node.start_mark.line + 1, node.start_mark.column + 1)

    def build(self, node, depth: int) -> Node:
        line, col = node.start_mark.line + 1, node.start_mark.column + 1
        self.count += 1
        if self.count > MAX_NODES:
            self._fail(node, f"the case holds more than {MAX_NODES} values (aliases expanded)")
        if depth > MAX_DEPTH:
            self._fail(node, f"the case nests more than {MAX_DEPTH} levels deep")
        if id(node) in self.active:
            self._fail(node, "an alias refers to a value that contains it")
        if isinstance(node, yaml.MappingNode):
            if node.tag not in ("tag:yaml.org,2002:map",):
                self._fail(node, f"{_tag(node)} is not a mapping; write `name: value` lines")
            self.active.add(id(node))
            self.loader.flatten_mapping(node)
            triples = []
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    self._fail(key_node, "a key must be a name, not a list or mapping")
                key = self._scalar(key_node)
                triples.append((key, Node(key, key_node.start_mark.line + 1, key_node.start_mark.column + 1),
                                self.build(value_node, depth + 1)))
            self.active.discard(id(node))
            return Node(Mapping(triples), line, col)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != "tag:yaml.org,2002:seq":
                self._fail(node, f"{_tag(node)} is not allowed in a case")
            self.active.add(id(node))
            items = Sequence(self.build(n, depth + 1) for n in node.value)
            self.active.discard(id(node))
            return Node(items, line, col)
        return Node(self._scalar(node), line, col)

    def _scalar(self, node):
        try:
            value = self.loader.construct_object(node, deep=True)
        except Exception as exc:        # PyYAML's constructors raise many kinds on bad scalars
            self._fail(node, f"{_tag(node)} {node.value!r:.40} is not a valid value ({type(exc).__name__})")
        if not isinstance(value, _SCALARS):
            self._fail(node, f"{_tag(node)} values ({type(value).__name__}) are not allowed in a case; "
                             "write true/false, an integer or a label")
        return value


def _tag(node) -> str:
    tag = node.tag or ""
    return "!!" + tag.rsplit(":", 1)[-1] if tag.startswith("tag:yaml.org,2002:") else tag or "the value"


# ---------------------------------------------------------------- JSON

def _parse_int(digits: str) -> int:
    n = len(digits.lstrip("-"))
    return LongInt(n) if n > MAX_DIGITS else int(digits)


def read_json(text: str, first_line: int = 1) -> Node:
    """Parse JSON into a located tree; keys are located by scanning the text."""
    locator = _KeyLocator(text, first_line)
    try:
        value = json.loads(text, object_pairs_hook=lambda pairs: ("\0obj", pairs), parse_int=_parse_int)
    except json.JSONDecodeError as exc:
        raise ReadError(exc.msg, exc.lineno + first_line - 1, exc.colno) from None
    except RecursionError:
        line, col = _too_deep_at(text)
        raise ReadError(f"the case nests more than {MAX_DEPTH} levels deep", line + first_line - 1, col) from None
    except ValueError as exc:
        raise ReadError(str(exc)[:200], first_line, 1) from None
    try:
        return _from_json(value, locator, first_line, 0)
    except RecursionError:
        line, col = _too_deep_at(text)
        raise ReadError(f"the case nests more than {MAX_DEPTH} levels deep", line + first_line - 1, col) from None


def _from_json(value, locator: "_KeyLocator", line: int, depth: int) -> Node:
    if depth > MAX_DEPTH:
        raise RecursionError
    if isinstance(value, tuple) and value and value[0] == "\0obj":
        triples = []
        for key, item in value[1]:
            key_line = locator.next_line(key)
            triples.append((key, Node(key, key_line), _from_json(item, locator, key_line, depth + 1)))
        return Node(Mapping(triples), line)
    if isinstance(value, list):
        return Node(Sequence(_from_json(v, locator, line, depth + 1) for v in value), line)
    return Node(value, line)


class _KeyLocator:
    """Finds the line of each successive occurrence of a JSON object key."""

    def __init__(self, text: str, first_line: int):
        self.text, self.first_line = text, first_line
        self.one_line = "\n" not in text.rstrip("\n")      # a JSON Lines record: no search
        self.seen: dict[str, int] = {}

    def next_line(self, key: str) -> int:
        if self.one_line:
            return self.first_line
        n = self.seen.get(key, 0)
        self.seen[key] = n + 1
        pattern = re.compile(re.escape(json.dumps(key, ensure_ascii=False)) + r"\s*:")
        matches = list(pattern.finditer(self.text))
        if not matches:
            return self.first_line
        pos = matches[min(n, len(matches) - 1)].start()
        return self.first_line + self.text.count("\n", 0, pos)
