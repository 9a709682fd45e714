"""Page Markdown in, the ``pymdownx.snippets`` markers that would paste a file from outside
the course out (with line numbers).

Snippets paste files into pages, and so into the site and both PDFs. Their own check keeps
a path under its base folder as written, but a link inside the course can still lead out
of it (to a key, a password file); this follows every link, and the snippets' own snippets,
before the page is converted.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pymdownx.snippets import SnippetPreprocessor

_MARKER = SnippetPreprocessor.RE_ALL_SNIPPETS
"""pymdownx's own pattern of a marker line, so both read the same markers."""

_RANGE = re.compile(r"(?i)(?:(?::-?[0-9]*){1,2}(?:,[-0-9:]*)*|:[a-z][-_0-9a-z]*)$")
_LONGEST_PATH = 4096
"""Longer paths name no file (the system's limit), and are not looked at."""
MAX_DEPTH = 8
"""Snippets within snippets followed this deep (pymdownx stops sooner on a loop)."""
MAX_BYTES = 2_000_000
"""Snippet files larger than this are not read for further snippets."""


@dataclass(frozen=True)
class Escape:
    """A marker on ``line`` of the page that leads to ``target``, a file outside the course."""

    line: int
    path: str
    target: Path


def snippet_paths(markdown: str) -> list[tuple[int, str]]:
    """(line, path) of every file a page's snippet markers name, line ranges and sections
    taken off; escaped markers (``;--8<--``) and web addresses left out."""
    found: list[tuple[int, str]] = []
    in_block = False
    for number, text in enumerate(markdown.splitlines(), start=1):
        marker = _MARKER.match(text)
        if marker and marker.group("escape"):
            continue
        if marker and marker.group("block_marker"):
            in_block = not in_block
            continue
        path = marker.group("snippet")[1:-1] if marker else (text if in_block else "")
        path = path.strip()
        if path and not path.startswith(";"):
            path = _RANGE.sub("", path) if len(path) <= _LONGEST_PATH else ""
            if path and not path.startswith(("http://", "https://")):
                found.append((number, path))
    return found


def escaping_snippets(
    markdown: str, bases: Sequence[Path], course: Path, depth: int = 0
) -> list[Escape]:
    """Every marker of ``markdown`` whose file (found in ``bases`` in order, as pymdownx
    looks; ``bases`` absolute) or whose own snippets lead outside ``course``. A path that
    pymdownx itself refuses (``..``, absolute) is not an escape: it is never read."""
    escapes = []
    course = course.resolve()
    for line, path in snippet_paths(markdown):
        for base in bases:
            candidate = base / path
            # pymdownx's own check (restrict_base_path, which must stay on): the path as
            # written, links not followed, must be under the base, else it is not read
            if not Path(os.path.abspath(candidate)).is_relative_to(base):
                continue
            if not os.path.exists(candidate):  # as pymdownx asks: False on any error
                continue
            try:
                target = candidate.resolve(strict=True)
            except (OSError, RuntimeError):  # a loop of links: pymdownx cannot read it either
                continue
            if not target.is_relative_to(course):
                escapes.append(Escape(line, path, target))
            elif depth < MAX_DEPTH and target.is_file() and target.stat().st_size <= MAX_BYTES:
                text = target.read_text(encoding="utf-8", errors="replace")
                if escaping_snippets(text, bases, course, depth + 1):
                    escapes.append(Escape(line, path, target))
            break
    return escapes
