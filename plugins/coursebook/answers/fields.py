"""A worksheet's answer values <-> flat PDF form fields named ``<worksheet>:<field>[:<row>[:<column>]]``.

Naming (rows and checklist options count from 1):

- text, textarea, date: ``ws:field`` (text)
- choice, scale:        ``ws:field`` (radio group; on-state = option value / the number)
- list:                 ``ws:field:<row>`` (text)
- checklist:            ``ws:field:<option number>`` (checkbox)
- table:                ``ws:field:<row>:<column id>`` (text; checkbox columns: checkbox)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from coursebook.model import Field, Worksheet

PdfValue = str | bool

INFO_COURSE = "CoursebookCourse"
INFO_CLIENT = "CoursebookClient"
INFO_WORKSHEETS = "CoursebookWorksheets"
"""Document information keys of a workbook PDF: the course's namespace, the client's name,
and the version of each worksheet (JSON), so a filled workbook can be read back and migrated."""
CLIENT_FIELD = "client"
"""The cover's name field: no ``:``, so it can never be a worksheet's field."""


def list_slots(field: Field, value: Any = None) -> int:
    """How many entry fields a list gets in the PDF: room for the answers, ``max`` if set, else 5."""
    have = len(value) if isinstance(value, list) else 0
    base = field.max if field.max else max(field.rows, field.min, 5)
    return max(base, have)


def table_slots(field: Field, value: Any = None) -> int:
    """How many rows a table gets in the PDF: room for the answers, else its initial rows (at least 3)."""
    have = len(value) if isinstance(value, list) else 0
    base = max(field.rows, field.min_rows, 3)
    if field.max_rows:
        base = min(base, field.max_rows) if field.max_rows >= field.rows else base
    return max(base, have)


def pdf_field_names(
    worksheet: Worksheet, values: Mapping[str, Any] | None = None
) -> dict[str, str]:
    """Every PDF field name of a worksheet -> its kind: ``text``, ``multiline``, ``checkbox`` or ``radio``."""
    values = values or {}
    names: dict[str, str] = {}
    for f in worksheet.fields:
        base = f"{worksheet.id}:{f.id}"
        if f.type in ("text", "date"):
            names[base] = "text"
        elif f.type == "textarea":
            names[base] = "multiline"
        elif f.type in ("choice", "scale"):
            names[base] = "radio"
        elif f.type == "list":
            for row in range(1, list_slots(f, values.get(f.id)) + 1):
                names[f"{base}:{row}"] = "text"
        elif f.type == "checklist":
            for number in range(1, len(f.options) + 1):
                names[f"{base}:{number}"] = "checkbox"
        elif f.type == "table":
            for row in range(1, table_slots(f, values.get(f.id)) + 1):
                for c in f.columns:
                    kind = {"checkbox": "checkbox", "textarea": "multiline"}.get(c.type, "text")
                    names[f"{base}:{row}:{c.id}"] = kind
    return names


def checkbox_states(worksheet: Worksheet) -> dict[str, str]:
    """Each checklist box's field name -> its option value (the box's on-state in the PDF)."""
    return {
        f"{worksheet.id}:{f.id}:{number}": option.value
        for f in worksheet.fields
        if f.type == "checklist"
        for number, option in enumerate(f.options, start=1)
    }


def to_pdf_fields(worksheet: Worksheet, values: Mapping[str, Any]) -> dict[str, PdfValue]:
    """Answer values -> PDF field values (only fields with something in them)."""
    out: dict[str, PdfValue] = {}
    for f in worksheet.fields:
        value = values.get(f.id)
        if value in (None, "", []):
            continue
        base = f"{worksheet.id}:{f.id}"
        if f.type in ("text", "textarea", "date", "choice") or f.type == "scale":
            out[base] = str(value)
        elif f.type == "list" and isinstance(value, list):
            for row, entry in enumerate(value, start=1):
                if entry:
                    out[f"{base}:{row}"] = str(entry)
        elif f.type == "checklist" and isinstance(value, list):
            for number, option in enumerate(f.options, start=1):
                if option.value in value:
                    out[f"{base}:{number}"] = True
        elif f.type == "table" and isinstance(value, list):
            for row, cells in enumerate(value, start=1):
                if not isinstance(cells, dict):
                    continue
                for c in f.columns:
                    cell = cells.get(c.id)
                    if c.type == "checkbox":
                        if cell is True:
                            out[f"{base}:{row}:{c.id}"] = True
                    elif cell:
                        out[f"{base}:{row}:{c.id}"] = str(cell)
    return out


def values_from_pdf(
    worksheet_id: str,
    found: Mapping[str, PdfValue | None],
    states: Mapping[str, str],
    sheet: Mapping[str, Any],
) -> tuple[dict[str, Any], list[str]]:
    """One worksheet's PDF fields (as read back) -> answer values under the PDF's own field ids.

    Works from the names and kinds of the fields themselves, so a workbook made from an
    older version of the worksheet still reads; ``sheet`` (the worksheet's entry in the
    answers contract) types scales, numbers old checklists and bounds every row and option
    number. Empty fields give no value; lists and tables keep their rows up to the last
    one with something in it. Also returns the names that were ignored, one line each.
    """
    fields: Mapping[str, Any] = sheet.get("fields", {})
    renamed: Mapping[str, str] = sheet.get("renamed", {})

    def spec_of(field_id: str) -> Mapping[str, Any]:
        spec = fields.get(field_id) or fields.get(renamed.get(field_id, ""))
        return spec if isinstance(spec, Mapping) else {}

    singles: dict[str, Any] = {}
    numbered: dict[str, dict[int, Any]] = {}
    ticked: dict[str, dict[int, str]] = {}
    cells: dict[str, dict[int, dict[str, Any]]] = {}
    ignored: list[str] = []
    for name, value in found.items():
        parts = name.split(":")
        field_id = parts[1] if len(parts) > 1 else ""
        spec = spec_of(field_id)
        bound = _bound(spec)
        if not _ID.match(field_id) or len(parts) > 4:
            ignored.append(name)
            continue
        if len(parts) == 2:
            if isinstance(value, str) and value != "":
                singles[field_id] = _typed(value, spec)
            continue
        row = parts[2]
        if not row.isdigit() or len(row) > 6 or not 1 <= int(row) <= bound:
            ignored.append(name)
            continue
        number = int(row)
        if len(parts) == 3 and isinstance(value, bool):
            if value:
                option = _ticked_option(states.get(name), spec, number)
                if option is None:
                    ignored.append(name)
                else:
                    ticked.setdefault(field_id, {})[number] = option
            else:
                ticked.setdefault(field_id, {})
        elif len(parts) == 3:
            numbered.setdefault(field_id, {})[number] = value if isinstance(value, str) else ""
        elif _ID.match(parts[3]):
            table = cells.setdefault(field_id, {})
            table.setdefault(number, {})[parts[3]] = value if isinstance(value, bool | str) else ""
        else:
            ignored.append(name)
    values: dict[str, Any] = dict(singles)
    for field_id, by_number in ticked.items():
        if by_number:
            values[field_id] = [by_number[n] for n in sorted(by_number)]
    for field_id, rows in numbered.items():
        entries = [rows.get(n, "") for n in range(1, max(rows) + 1)]
        while entries and entries[-1] == "":
            entries.pop()
        if entries:
            values[field_id] = entries
    for field_id, table in cells.items():
        columns: Mapping[str, str] = spec_of(field_id).get("columns", {})
        blank = {c: (False if kind == "checkbox" else "") for c, kind in columns.items()}
        grid = [{**blank, **table.get(n, {})} for n in range(1, max(table) + 1)]
        while grid and not any(v not in ("", False) for v in grid[-1].values()):
            grid.pop()
        if grid:
            values[field_id] = grid
    return values, ignored


_ID = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
_GENERIC_STATES = ("on", "On", "Yes", "yes", "1", "true")


def _bound(spec: Mapping[str, Any]) -> int:
    """The highest row or option number a field can have in a PDF of this course."""
    if spec.get("type") == "checklist":
        return len(spec.get("options", []))
    limit = spec.get("max")
    return limit if isinstance(limit, int) and spec.get("type") in ("list", "table") else 500


def _typed(text: str, spec: Mapping[str, Any]) -> Any:
    if spec.get("type") == "scale" and re.fullmatch(r"-?[0-9]{1,6}", text):
        return int(text)
    return text


def _ticked_option(state: str | None, spec: Mapping[str, Any], number: int) -> str | None:
    """What a ticked checklist box means: its own on-state (new workbooks), else the
    option at its number in the current worksheet (workbooks made before states were named)."""
    if state and state not in _GENERIC_STATES:
        return state
    options = spec.get("options", [])
    if spec.get("type") == "checklist" and 1 <= number <= len(options):
        return str(options[number - 1][0])
    return None
