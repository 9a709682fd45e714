"""Answers documents in (read through the contract), one row per client out: how much of each
worksheet is answered and when the client last changed anything.

``coursebook answers summary`` prints these rows; the review page counts the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coursebook.answers.contract import display
from coursebook.model import Worksheet


def filled(value: Any) -> bool:
    """Whether an answer says anything: text that is not blank, a number, a ticked box, or
    a list or row holding one of those (as the browser runtime decides)."""
    if isinstance(value, list):
        return any(filled(v) for v in value)
    if isinstance(value, dict):
        return any(filled(v) for v in value.values())
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return True
    return isinstance(value, str) and value.strip() != ""


@dataclass(frozen=True)
class ClientRow:
    """One client: name (or the file's), the file, (answered, total) per worksheet, last change."""

    client: str
    file: str
    counts: list[tuple[int, int]]
    updated: str


def summary_row(
    answers: Mapping[str, Any], worksheets: Sequence[Worksheet], path: Path
) -> ClientRow:
    """The row of one client's answers, worksheets in course order."""
    stored: Mapping[str, Any] = answers.get("worksheets", {})
    counts = []
    times = []
    for ws in worksheets:
        entry = stored.get(ws.id) or {}
        values = entry.get("values") or {}
        counts.append((sum(1 for f in ws.fields if filled(values.get(f.id))), len(ws.field_index)))
        if isinstance(entry.get("updated"), str):
            times.append(entry["updated"])
    client = answers.get("client") or path.stem
    last = max(times, default="")
    return ClientRow(display(str(client), 60), path.name, counts, _readable(last))


def _readable(iso: str) -> str:
    """``2026-11-30T14:03:07.311Z`` -> ``2026-11-30 14:03 UTC`` (other text as it is)."""
    if len(iso) >= 16 and iso[10] == "T":
        zone = " UTC" if iso.endswith("Z") else ""
        return f"{iso[:10]} {iso[11:16]}{zone}"
    return display(iso, 30)
