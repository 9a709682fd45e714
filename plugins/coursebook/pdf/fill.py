"""A fillable workbook laid out once + one client's answers in, that client's workbook out (pypdf).

Laying a workbook out takes seconds; filling its fields takes a few milliseconds. For a
cohort, the workbook is laid out once, blank, with as many rows as the widest client
needs, and each client's copy is the same bytes plus an incremental update that sets the
fields' values, the cover's name field and the document information. Values are set the
way ``FormFinisher`` sets them at layout time (``/V`` on text fields, the viewer draws them
with ``/NeedAppearances``; on-states for boxes and radio buttons, whose appearances the
layout drew), so a filled copy looks as one laid out with the answers would. The
structure tree (tags) is not touched.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject


def fill_workbook(
    template: bytes,
    values: Mapping[str, str | bool],
    info: Mapping[str, str],
) -> bytes:
    """``template`` with ``values`` in its fields (by field name) and ``info`` in its metadata.

    Text fields take strings; a checkbox takes ``True`` (its own on-state) ; a radio group
    takes the option value to choose. Names the template lacks are ignored: the caller
    lays the template out with room for every value.
    """
    writer = PdfWriter(io.BytesIO(template), incremental=True)
    form: Any = writer.root_object["/AcroForm"].get_object()
    for reference in form["/Fields"]:
        field = reference.get_object()
        name = str(field.get("/T", ""))
        if name not in values:
            continue
        _set(field, values[name])
    if info:
        writer.add_metadata({f"/{key}": text for key, text in info.items()})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _set(field: DictionaryObject, value: str | bool) -> None:
    kind = field.get("/FT")
    kids = [k.get_object() for k in field.get("/Kids", [])]
    if kind == "/Tx" and isinstance(value, str):
        field[NameObject("/V")] = TextStringObject(value)
    elif kind == "/Btn" and kids:  # a radio group: the kid whose state is the value turns on
        state = NameObject(f"/{value}")  # pypdf escapes what a name cannot hold
        for kid in kids:
            on = state in _states(kid)
            kid[NameObject("/AS")] = state if on else NameObject("/Off")
        field[NameObject("/V")] = state
    elif kind == "/Btn" and value is True:  # a checkbox: its own on-state
        states = [s for s in _states(field) if s != "/Off"]
        if states:
            field[NameObject("/V")] = field[NameObject("/AS")] = NameObject(states[0])


def _states(widget: Any) -> list[str]:
    appearance = widget.get("/AP", {}).get("/N", {})
    return [str(k) for k in appearance] if isinstance(appearance, Mapping) else []
