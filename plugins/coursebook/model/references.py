"""Page Markdown in, the ``/// worksheet | <id>`` blocks it uses (with line numbers) out."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from coursebook.model.errors import WorksheetError

_BLOCK = re.compile(r"^(?P<indent>[ \t]*)/{3,}[ \t]*worksheet\b(?P<rest>.*)$")
_ARGUMENT = re.compile(r"^[ \t]*\|[ \t]*(?P<id>\S*)[ \t]*(?P<extra>.*)$")
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
