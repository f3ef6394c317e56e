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


# ---------------------------------------------------------------- YAML

def read_yaml(text: str) -> Node | None:
    """Parse one YAML document into a located tree (None for an empty document)."""
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        return None if root is None else _from_yaml(loader, root)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        raise ReadError(f"{exc.problem or exc.context}", line, col) from None
    except yaml.YAMLError as exc:
        raise ReadError(str(exc)) from None
    finally:
        loader.dispose()


def _from_yaml(loader, node) -> Node:
    line, col = node.start_mark.line + 1, node.start_mark.column + 1
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        triples = []
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            triples.append((key, _from_yaml(loader, key_node), _from_yaml(loader, value_node)))
        return Node(Mapping(triples), line, col)
    if isinstance(node, yaml.SequenceNode):
        return Node(Sequence(_from_yaml(loader, n) for n in node.value), line, col)
    return Node(loader.construct_object(node, deep=True), line, col)


# ---------------------------------------------------------------- JSON

def read_json(text: str, first_line: int = 1) -> Node:
    """Parse JSON into a located tree; keys are located by scanning the text."""
    locator = _KeyLocator(text, first_line)
    try:
        value = json.loads(text, object_pairs_hook=lambda pairs: ("\0obj", pairs))
    except json.JSONDecodeError as exc:
        raise ReadError(exc.msg, exc.lineno + first_line - 1, exc.colno) from None
    return _from_json(value, locator, first_line)


def _from_json(value, locator: "_KeyLocator", line: int) -> Node:
    if isinstance(value, tuple) and value and value[0] == "\0obj":
        triples = []
        for key, item in value[1]:
            key_line = locator.next_line(key)
            triples.append((key, Node(key, key_line), _from_json(item, locator, key_line)))
        return Node(Mapping(triples), line)
    if isinstance(value, list):
        return Node(Sequence(_from_json(v, locator, line) for v in value), line)
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
