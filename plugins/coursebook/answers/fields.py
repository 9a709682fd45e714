"""A worksheet's answer values <-> flat PDF form fields named ``<worksheet>:<field>[:<row>[:<column>]]``.

Naming (rows and checklist options count from 1):

- text, textarea, date: ``ws:field`` (text)
- choice, scale:        ``ws:field`` (radio group; on-state = option value / the number)
- list:                 ``ws:field:<row>`` (text)
- checklist:            ``ws:field:<option number>`` (checkbox)
- table:                ``ws:field:<row>:<column id>`` (text; checkbox columns: checkbox)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from coursebook.model import Field, Worksheet

PdfValue = str | bool


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


def from_pdf_fields(worksheet: Worksheet, fields: Mapping[str, PdfValue | None]) -> dict[str, Any]:
    """PDF field values (as read back) -> answer values; empty fields give no value.

    Lists and tables keep their row positions up to the last non-empty row, so a learner's
    blank line in the middle stays where it was.
    """
    values: dict[str, Any] = {}
    for f in worksheet.fields:
        base = f"{worksheet.id}:{f.id}"
        if f.type in ("text", "textarea", "date", "choice"):
            text = fields.get(base)
            if isinstance(text, str) and text != "":
                values[f.id] = text
        elif f.type == "scale":
            text = fields.get(base)
            if isinstance(text, str) and text.lstrip("-").isdigit():
                values[f.id] = int(text)
        elif f.type == "list":
            rows = _numbered(fields, base)
            entries = [fields.get(f"{base}:{row}") for row in range(1, max(rows, default=0) + 1)]
            texts = [e if isinstance(e, str) else "" for e in entries]
            while texts and texts[-1] == "":
                texts.pop()
            if texts:
                values[f.id] = texts
        elif f.type == "checklist":
            ticked = [
                o.value
                for n, o in enumerate(f.options, start=1)
                if fields.get(f"{base}:{n}") is True
            ]
            if ticked:
                values[f.id] = ticked
        elif f.type == "table":
            rows = _numbered(fields, base)
            table: list[dict[str, Any]] = []
            for row in range(1, max(rows, default=0) + 1):
                cells: dict[str, Any] = {}
                for c in f.columns:
                    cell = fields.get(f"{base}:{row}:{c.id}")
                    if c.type == "checkbox":
                        cells[c.id] = cell is True
                    else:
                        cells[c.id] = cell if isinstance(cell, str) else ""
                table.append(cells)
            while table and not any(v not in ("", False) for v in table[-1].values()):
                table.pop()
            if table:
                values[f.id] = table
    return values


def _numbered(fields: Mapping[str, Any], base: str) -> list[int]:
    rows = []
    for name in fields:
        if name.startswith(base + ":"):
            head = name[len(base) + 1 :].split(":", 1)[0]
            if head.isdigit():
                rows.append(int(head))
    return rows
