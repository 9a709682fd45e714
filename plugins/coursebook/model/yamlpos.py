"""YAML text in, plain data plus the line/column of every key and value out.

PyYAML's ``safe_load`` forgets positions and silently keeps the last of two
duplicate keys; composing the node tree ourselves keeps both facts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

Path = tuple[str | int, ...]


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


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _convert(node: yaml.Node, loader: yaml.SafeLoader, path: Path, pos: Positions) -> Any:
    pos.values[path] = _mark(node)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            key = key if isinstance(key, str) else str(key)
            if key in result:
                line, column = _mark(key_node)
                raise DuplicateKeyError(key, line, column, pos.keys[(*path, key)][0])
            pos.keys[(*path, key)] = _mark(key_node)
            result[key] = _convert(value_node, loader, (*path, key), pos)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, loader, (*path, i), pos) for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


# libyaml composes the same nodes with the same marks several times faster; its error
# texts differ, so a document it rejects is parsed again by the pure-Python loader
_FAST_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str) -> tuple[Any, Positions]:
    """Parse one YAML document; raises ``yaml.YAMLError`` or ``DuplicateKeyError``."""
    if _FAST_LOADER is not yaml.SafeLoader:
        try:
            return _parse(text, _FAST_LOADER)
        except yaml.YAMLError:
            pass  # reported below, in the pure-Python loader's words
    return _parse(text, yaml.SafeLoader)


def _parse(text: str, loader_class: type[yaml.SafeLoader]) -> tuple[Any, Positions]:
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        positions = Positions()
        data = None if node is None else _convert(node, loader, (), positions)
        return data, positions
    finally:
        loader.dispose()
