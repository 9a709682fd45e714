"""Page Markdown in, the ``/// worksheet | <id>`` blocks it uses (with line numbers) out."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from coursebook.model.errors import WorksheetError

_BLOCK = re.compile(r"^(?P<indent>[ \t]*)(?P<slashes>/{3,})[ \t]*worksheet\b(?P<rest>.*)$")
_ARGUMENT = re.compile(r"^[ \t]*\|[ \t]*(?P<id>\S*)[ \t]*(?P<extra>.*)$")
_CLOSE = re.compile(r"^[ \t]*(?P<slashes>/{3,})[ \t]*$")
_FENCE = re.compile(r"^[ \t]*(?P<fence>`{3,}|~{3,})")


@dataclass(frozen=True)
class WorksheetReference:
    """One worksheet block in a page: the id it names and the line it starts on."""

    worksheet_id: str
    line: int


def _scan(markdown: str) -> list[tuple[int, str]]:
    """(line, text after 'worksheet') for every block opener outside fenced code."""
    found = []
    fence: str | None = None
    for number, text in enumerate(markdown.splitlines(), start=1):
        opening = _FENCE.match(text)
        if fence is None and opening:
            fence = opening.group("fence")
            continue
        if fence is not None:
            if (
                opening
                and opening.group("fence")[0] == fence[0]
                and len(opening.group("fence")) >= len(fence)
            ):
                fence = None
            continue
        block = _BLOCK.match(text)
        if block:
            found.append((number, block.group("rest")))
    return found


def find_references(markdown: str) -> list[WorksheetReference]:
    """The worksheet blocks of a page that name an id (see ``check_references`` for the rest)."""
    refs = []
    for line, rest in _scan(markdown):
        argument = _ARGUMENT.match(rest)
        if argument and argument.group("id"):
            refs.append(WorksheetReference(argument.group("id"), line))
    return refs


def check_references(page: str, markdown: str, known: Collection[str]) -> list[WorksheetError]:
    """Every malformed or dangling worksheet block of one page, as ``page:line`` errors."""
    errors = []
    for line, rest in _scan(markdown):
        argument = _ARGUMENT.match(rest)
        if not argument or not argument.group("id"):
            errors.append(
                WorksheetError(
                    page,
                    "worksheet block without an id (expected '/// worksheet | <worksheet-id>')",
                    line,
                )
            )
            continue
        worksheet_id, extra = argument.group("id"), argument.group("extra")
        if extra:
            errors.append(
                WorksheetError(
                    page,
                    f"unexpected text after the worksheet id: '{extra}' (expected '/// worksheet | {worksheet_id}')",
                    line,
                )
            )
        elif worksheet_id not in known:
            choices = ", ".join(sorted(known)) or "none: the worksheets folder is empty"
            errors.append(
                WorksheetError(
                    page, f"unknown worksheet '{worksheet_id}' (known worksheets: {choices})", line
                )
            )
    return errors


def repeated_references(refs: list[WorksheetReference]) -> list[tuple[WorksheetReference, int]]:
    """Each worksheet placed more than once in one page: its first block and how many
    times it is placed (the form is shown at the first; the repeats stay empty)."""
    first: dict[str, WorksheetReference] = {}
    count: dict[str, int] = {}
    for ref in refs:
        first.setdefault(ref.worksheet_id, ref)
        count[ref.worksheet_id] = count.get(ref.worksheet_id, 0) + 1
    return [(first[i], n) for i, n in count.items() if n > 1]


def drop_repeated_blocks(markdown: str) -> str:
    """The page without the second and later blocks of a worksheet it places more than once.

    Those blocks would render empty anyway; taking them out before conversion also spares
    Python-Markdown's block parser, whose time grows with the square of the number of
    blocks in a page (20,000 repeats took a minute).
    """
    refs = find_references(markdown)
    seen: set[str] = set()
    repeats = []
    for ref in refs:
        if ref.worksheet_id in seen:
            repeats.append(ref.line)
        seen.add(ref.worksheet_id)
    if not repeats:
        return markdown
    lines = markdown.splitlines(keepends=True)
    drop: set[int] = set()
    for line in repeats:
        start = line - 1
        opener = _BLOCK.match(lines[start].rstrip("\r\n"))
        slashes = len(opener.group("slashes")) if opener else 3
        # the block takes no body: its end is the next line of as many slashes, if near
        for end in range(start + 1, min(start + 20, len(lines))):
            close = _CLOSE.match(lines[end].rstrip("\r\n"))
            if close and len(close.group("slashes")) == slashes:
                drop.update(range(start, end + 1))
                break
    return "".join(text for number, text in enumerate(lines) if number not in drop)
