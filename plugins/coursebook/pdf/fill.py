"""A fillable workbook laid out once + one client's answers in, that client's workbook out.

Laying a workbook out takes seconds; filling its fields takes a few milliseconds. For a
cohort, the workbook is laid out once, blank, with as many rows as the widest client
needs, and read once (``FillTemplate``: pypdf finds every field); each client's copy is
the same bytes plus an incremental update, written here, holding only the objects that
change: the fields given a value (and a radio group's buttons), and the document
information. Values are set the way ``FormFinisher`` sets them at layout time (``/V`` on
text fields, the viewer draws them with ``/NeedAppearances``; on-states for boxes and
radio buttons, whose appearances the layout drew), so a filled copy looks as one laid out
with the answers would. The structure tree (tags) is not touched.

pypdf's own incremental writer reads and copies every object of the document first,
about a second per client for the default course, which is why the update is written here.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    TextStringObject,
)


@dataclass(frozen=True)
class _Field:
    """One field of the template: where it is, what it holds, and its radio buttons if a group."""

    reference: IndirectObject
    data: DictionaryObject
    kids: tuple[tuple[IndirectObject, DictionaryObject], ...]


class FillTemplate:
    """A laid-out fillable workbook, read once; ``fill`` makes each client's copy from it.

    Reading it (pypdf, only the objects the fields need) is done once per cohort; the
    object is then shared by every client's fill, and never changed by one.
    """

    def __init__(self, pdf: bytes) -> None:
        # a last line without an end of line would run into the update's first
        self.pdf = pdf if pdf.endswith((b"\n", b"\r")) else pdf + b"\n"
        reader = PdfReader(io.BytesIO(pdf))
        trailer = reader.trailer
        self._root = trailer.raw_get("/Root")
        info = trailer.raw_get("/Info") if "/Info" in trailer else None
        self._info_reference = info if isinstance(info, IndirectObject) else None
        self._info = DictionaryObject(info.get_object()) if info is not None else None
        self._id = trailer.get("/ID")
        self._size = int(cast(Any, trailer["/Size"]))
        self._previous = _last_startxref(pdf)
        # the update's cross-reference section is of the same kind as the one before it
        self._stream = not pdf[self._previous : self._previous + 4].startswith(b"xref")
        self.fields: dict[str, _Field] = {}
        root: Any = trailer["/Root"]
        form = root.get("/AcroForm")
        for reference in form.get_object().get("/Fields", []) if form is not None else []:
            field = reference.get_object()
            name = str(field.get("/T", ""))
            if not name or not isinstance(reference, IndirectObject):
                continue  # never made by the workbook: its fields are objects of their own
            kids = tuple(
                (kid, cast(DictionaryObject, kid.get_object()))
                for kid in (field.raw_get("/Kids") if "/Kids" in field else [])
                if isinstance(kid, IndirectObject)
            )
            self.fields[name] = _Field(reference, field, kids)

    def fill(self, values: Mapping[str, str | bool], info: Mapping[str, str]) -> bytes:
        """The template with ``values`` in its fields (by field name) and ``info`` in its metadata.

        Text fields take strings; a checkbox takes ``True`` (its own on-state); a radio
        group takes the option value to choose. Names the template lacks are ignored: the
        caller lays the template out with room for every value.
        """
        changed: dict[tuple[int, int], DictionaryObject] = {}
        for name, value in values.items():
            field = self.fields.get(name)
            if field is not None:
                _set(field, value, changed)
        size = self._size
        trailer = DictionaryObject({NameObject("/Root"): self._root})
        if info:
            merged = DictionaryObject(self._info or {})
            for key, text in info.items():
                merged[NameObject(f"/{key}")] = TextStringObject(text)
            if self._info_reference is not None:
                reference = self._info_reference
            else:  # the layout wrote no information dictionary: a new object
                reference, size = IndirectObject(size, 0, None), size + 1
            changed[reference.idnum, reference.generation] = merged
            trailer[NameObject("/Info")] = reference
        elif self._info_reference is not None:
            trailer[NameObject("/Info")] = self._info_reference
        if self._id is not None:
            trailer[NameObject("/ID")] = self._id
        return self.pdf + _update(
            len(self.pdf), changed, trailer, size, self._previous, self._stream
        )


def fill_workbook(
    template: bytes | FillTemplate,
    values: Mapping[str, str | bool],
    info: Mapping[str, str],
) -> bytes:
    """``template`` with ``values`` in its fields and ``info`` in its metadata (see ``FillTemplate.fill``).

    For many copies of one template, make the ``FillTemplate`` once and pass it each time.
    """
    prepared = template if isinstance(template, FillTemplate) else FillTemplate(template)
    return prepared.fill(values, info)


def _set(
    field: _Field, value: str | bool, changed: dict[tuple[int, int], DictionaryObject]
) -> None:
    kind = field.data.get("/FT")
    data = DictionaryObject(field.data)  # a copy: the template serves every client
    if kind == "/Tx" and isinstance(value, str):
        data[NameObject("/V")] = TextStringObject(value)
    elif kind == "/Btn" and field.kids:  # a radio group: the kid whose state is the value turns on
        state = NameObject(f"/{value}")  # written with #xx escapes where a name needs them
        for reference, kid in field.kids:
            copy = DictionaryObject(kid)
            copy[NameObject("/AS")] = state if state in _states(kid) else NameObject("/Off")
            changed[reference.idnum, reference.generation] = copy
        data[NameObject("/V")] = state
    elif kind == "/Btn" and value is True:  # a checkbox: its own on-state
        states = [s for s in _states(field.data) if s != "/Off"]
        if not states:
            return
        data[NameObject("/V")] = data[NameObject("/AS")] = NameObject(states[0])
    else:
        return
    changed[field.reference.idnum, field.reference.generation] = data


def _states(widget: DictionaryObject) -> list[str]:
    appearance = widget.get("/AP", {}).get("/N", {})
    return [str(k) for k in appearance] if isinstance(appearance, Mapping) else []


def _last_startxref(pdf: bytes) -> int:
    """Where the template's last cross-reference section starts (its ``startxref``)."""
    at = pdf.rindex(b"startxref")
    return int(pdf[at + len(b"startxref") :].split(maxsplit=1)[0])


def _serialize(obj: PdfObject) -> bytes:
    out = io.BytesIO()
    obj.write_to_stream(out)
    return out.getvalue()


def _update(
    start: int,
    changed: Mapping[tuple[int, int], DictionaryObject],
    trailer: DictionaryObject,
    size: int,
    previous: int,
    stream: bool,
) -> bytes:
    """An incremental update appended at offset ``start``: the changed objects, then a
    cross-reference section naming them, of the template's kind (a stream, or a table),
    with ``/Prev`` to the template's last one."""
    body = io.BytesIO()
    offsets: dict[int, tuple[int, int]] = {}
    for (number, generation), obj in sorted(changed.items()):
        offsets[number] = (start + body.tell(), generation)
        body.write(b"%d %d obj\n" % (number, generation))
        body.write(_serialize(obj))
        body.write(b"\nendobj\n")
    xref_offset = start + body.tell()
    trailer = DictionaryObject(trailer)
    trailer[NameObject("/Prev")] = NumberObject(previous)
    if stream:  # the stream names itself too, as the next object
        offsets[size] = (xref_offset, 0)
        size += 1
    trailer[NameObject("/Size")] = NumberObject(size)
    sections: list[list[int]] = []  # [first number, count]
    for number in sorted(offsets):
        if sections and sum(sections[-1]) == number:
            sections[-1][1] += 1
        else:
            sections.append([number, 1])
    if stream:
        width = max(4, (xref_offset.bit_length() + 7) // 8)
        rows = b"".join(
            b"\x01" + offsets[n][0].to_bytes(width, "big") + offsets[n][1].to_bytes(2, "big")
            for n in sorted(offsets)
        )
        packed = zlib.compress(rows)
        trailer.update(
            {
                NameObject("/Type"): NameObject("/XRef"),
                NameObject("/Index"): ArrayObject(NumberObject(n) for s in sections for n in s),
                NameObject("/W"): ArrayObject(NumberObject(w) for w in (1, width, 2)),
                NameObject("/Filter"): NameObject("/FlateDecode"),
                NameObject("/Length"): NumberObject(len(packed)),
            }
        )
        body.write(b"%d 0 obj\n" % (size - 1))
        body.write(_serialize(trailer))
        body.write(b"\nstream\n" + packed + b"\nendstream\nendobj\n")
    else:
        body.write(b"xref\n")
        for first, count in sections:
            body.write(b"%d %d\n" % (first, count))
            for n in range(first, first + count):
                body.write(b"%010d %05d n\r\n" % offsets[n])
        body.write(b"trailer\n")
        body.write(_serialize(trailer))
        body.write(b"\n")
    body.write(b"startxref\n%d\n%%%%EOF\n" % xref_offset)
    return body.getvalue()
