"""YAML text in, plain data plus the line/column of every key and value out.

PyYAML's ``safe_load`` forgets positions and silently keeps the last of two duplicate
keys; building the data from the parser's events ourselves keeps both facts. It also
keeps hostile files harmless: the events come from an iterative parser (PyYAML's
composer recurses, in C, and deep nesting can crash it), nesting is limited to
``MAX_DEPTH``, and aliases are refused, since a few of them can expand a small file into
billions of values ("billion laughs"). Worksheets never need them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

Path = tuple[str | int, ...]
MAX_DEPTH = 32


@dataclass
class Positions:
    """Where each value (and each mapping key) of a document starts, 1-based."""

    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def of_value(self, path: Path) -> tuple[int, int]:
        """Position of the value at ``path``, or of its nearest known parent."""
        while path not in self.values and path:
            path = path[:-1]
        return self.values.get(path, (1, 1))

    def of_key(self, path: Path) -> tuple[int, int]:
        """Position of the key naming ``path`` (falls back to its value)."""
        return self.keys.get(path) or self.of_value(path)


class DuplicateKeyError(Exception):
    """A mapping repeats a key; carries both positions."""

    def __init__(self, key: str, line: int, column: int, first_line: int) -> None:
        super().__init__(key)
        self.key, self.line, self.column, self.first_line = key, line, column, first_line


class LimitError(Exception):
    """Something a worksheet never needs and a hostile file uses: an alias, deep nesting."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _shown(text: str) -> str:
    return repr(text if len(text) <= 30 else text[:30] + "…")


def _mark(event: Any) -> tuple[int, int]:
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


@dataclass
class _Open:
    """A mapping or sequence being filled, with the key waiting for its value."""

    value: dict[Any, Any] | list[Any]
    path: Path
    key: str | None = None
    key_mark: tuple[int, int] = (1, 1)


def _build(loader: Any) -> tuple[Any, Positions]:
    positions = Positions()
    stack: list[_Open] = []
    root: Any = None

    def place(value: Any, event: yaml.Event) -> Path | None:
        """Put a finished value where it belongs; returns its path (None for a mapping key)."""
        nonlocal root
        if not stack:
            root = value
            positions.values[()] = _mark(event)
            return ()
        top = stack[-1]
        if isinstance(top.value, list):
            path = (*top.path, len(top.value))
            top.value.append(value)
        elif top.key is None:
            if isinstance(value, dict | list):
                raise LimitError("a key must be text, not a list or a mapping", *_mark(event))
            key = value if isinstance(value, str) else str(value)
            if key in top.value:
                line, column = _mark(event)
                raise DuplicateKeyError(key, line, column, positions.keys[(*top.path, key)][0])
            top.key, top.key_mark = key, _mark(event)
            return None
        else:
            path = (*top.path, top.key)
            top.value[top.key] = value
            positions.keys[path] = top.key_mark
            top.key = None
        positions.values[path] = _mark(event)
        return path

    while loader.check_event():
        event: Any = loader.get_event()
        if isinstance(event, yaml.AliasEvent):
            raise LimitError(
                f"YAML aliases (*{event.anchor}) are not allowed in a worksheet; "
                "write the value out in full",
                *_mark(event),
            )
        if isinstance(event, yaml.ScalarEvent):
            tag = loader.resolve(yaml.ScalarNode, event.value, event.implicit)
            if event.tag not in (None, "!"):
                tag = event.tag
            start: Any = event.start_mark  # libyaml's marks are duck-typed
            end: Any = event.end_mark
            node = yaml.ScalarNode(tag, event.value, start, end, event.style)
            try:
                value = loader.construct_object(node, deep=True)
            except (ValueError, KeyError, TypeError, AttributeError, OverflowError):
                # PyYAML's constructors fail this way on "!!int abc", "2001-13-45", 5,000 digits
                raise LimitError(
                    f"cannot read {_shown(event.value)} as {tag.rsplit(':', 1)[-1]}",
                    *_mark(event),
                ) from None
            if isinstance(value, str) and _LONE_SURROGATE.search(value):
                raise LimitError(
                    "holds a character that is not text (an unpaired surrogate such as \\ud800)",
                    *_mark(event),
                )
            place(value, event)
        elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            if len(stack) >= MAX_DEPTH:
                raise LimitError(
                    f"nested more than {MAX_DEPTH} levels deep; a worksheet needs far fewer",
                    *_mark(event),
                )
            container: dict[Any, Any] | list[Any] = (
                {} if isinstance(event, yaml.MappingStartEvent) else []
            )
            path = place(container, event)
            if path is None:
                raise LimitError("a key must be text, not a list or a mapping", *_mark(event))
            stack.append(_Open(container, path))
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            stack.pop()
        elif isinstance(event, yaml.DocumentStartEvent) and root is not None:
            raise LimitError(
                "more than one YAML document (a second '---'); a worksheet is one", *_mark(event)
            )
    return root, positions


# libyaml parses the same events with the same marks several times faster; its error
# texts differ, so a document it rejects is parsed again by the pure-Python parser
_FAST_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str) -> tuple[Any, Positions]:
    """Parse one YAML document; raises ``yaml.YAMLError``, ``DuplicateKeyError`` or ``LimitError``."""
    if _FAST_LOADER is not yaml.SafeLoader:
        try:
            return _parse(text, _FAST_LOADER)
        except yaml.YAMLError:
            pass  # reported below, in the pure-Python parser's words
    return _parse(text, yaml.SafeLoader)


def _parse(text: str, loader_class: type[yaml.SafeLoader]) -> tuple[Any, Positions]:
    loader = loader_class(text)
    try:
        return _build(loader)
    finally:
        loader.dispose()
