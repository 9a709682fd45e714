"""Pages in reading order + worksheets in, the worksheets in the order a learner meets them out."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from coursebook.model import Worksheet, find_references


def course_order(worksheets: Mapping[str, Worksheet], pages: Iterable[str]) -> list[Worksheet]:
    """Worksheets in the order the page texts use them; unused ones last, by id."""
    ordered: dict[str, Worksheet] = {}
    for text in pages:
        for ref in find_references(text):
            worksheet = worksheets.get(ref.worksheet_id)
            if worksheet is not None:
                ordered.setdefault(worksheet.id, worksheet)
    for worksheet_id in sorted(worksheets):
        ordered.setdefault(worksheet_id, worksheets[worksheet_id])
    return list(ordered.values())


def nav_pages(nav: Any, docs_dir: Path) -> list[Path]:
    """The Markdown files of an ``mkdocs.yml`` ``nav`` in reading order, then any others sorted.

    Without a nav, MkDocs orders pages by path with ``index.md`` first; so do we.
    """
    listed: list[Path] = []

    def walk(entry: Any, depth: int) -> None:
        if depth > 20:  # nav sections are a few levels deep; a config nested deeper is hostile
            return
        if isinstance(entry, str):
            if entry.endswith(".md"):
                listed.append(docs_dir / entry)
        elif isinstance(entry, Mapping):
            for value in entry.values():
                walk(value, depth + 1)
        elif isinstance(entry, list):
            for item in entry:
                walk(item, depth + 1)

    walk(nav or [], 0)
    others = sorted(
        (p for p in docs_dir.rglob("*.md") if p not in listed) if docs_dir.is_dir() else [],
        key=lambda p: (p.parent != docs_dir or p.name != "index.md", p.as_posix()),
    )
    return [p for p in listed if p.is_file()] + others
