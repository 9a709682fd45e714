"""WeasyPrint's AcroForm in, a form any PDF library can fill out (a WeasyPrint ``finisher``).

What WeasyPrint writes, and what this changes:

- each radio widget repeats the group's ``/T``, and is listed in ``/Fields`` beside its
  group, so pypdf sees the group twice (``a.a``) and cannot set it: kids lose ``/T``
  and leave ``/Fields``, so every choice and scale is one field with kids;
- radio on-states are ``/0``, ``/1``... with the real values in ``/Opt``: states are
  renamed to the option values themselves (``/curious``, ``/3``), which is what
  ``coursebook.answers.fields`` promises and what every viewer reports as the value;
- ``/DA`` carries a graphics-state operator (``/a1 gs``) that is not allowed there and
  makes poppler reject the field's appearance: it is dropped;
- text values are written into ``/V`` here rather than in the HTML, where WeasyPrint
  would also paint them on the page (the viewer then draws them a second time);
- checkboxes and radio buttons get a ``/DA`` (ZapfDingbats, in ``/DR``) and a ``/MK /CA``
  glyph: with ``/NeedAppearances`` (which pre-filled text fields need) viewers redraw
  every widget, and poppler-based ones drew ticked boxes empty without them;
- a checklist's boxes are all ``/on`` when ticked: each is renamed to its option's value
  (``states``), so a filled PDF says what was ticked even after the worksheet changes;
- ``info`` entries (course, client, worksheet versions) go into the document information,
  for ``coursebook answers extract`` to read back.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pydyf

_GRAPHICS_STATE = re.compile(rb"/\S+\s+gs\s*")
_NAME_SAFE = frozenset(
    b"!\"$&'*+,-.0123456789:;=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ^_`abcdefghijklmnopqrstuvwxyz|~"
)


def pdf_name(text: str) -> str:
    """``text`` as the body of a PDF name object (UTF-8, ``#xx`` escapes), without the slash."""
    return "".join(
        chr(byte) if byte in _NAME_SAFE else f"#{byte:02X}" for byte in text.encode("utf-8")
    )


def _text(value: Any) -> str | None:
    if isinstance(value, pydyf.String):
        string = value.string
        return string.decode("utf-8", "replace") if isinstance(string, bytes) else str(string)
    return None


class FormFinisher:
    """Fix WeasyPrint's form fields in place; ``values`` fills text fields by field name."""

    def __init__(
        self,
        values: Mapping[str, str | bool] | None = None,
        states: Mapping[str, str] | None = None,
        info: Mapping[str, str] | None = None,
    ) -> None:
        self.values = dict(values or {})
        self.states = dict(states or {})
        self.info = dict(info or {})
        self.fields = 0

    def __call__(self, document: Any, pdf: pydyf.PDF) -> None:
        for name, text in self.info.items():
            pdf.info[name] = pydyf.String(text)
        form = pdf.catalog.get("AcroForm")
        if not form:
            return
        by_reference = {
            obj.reference: obj for obj in pdf.objects if isinstance(obj, pydyf.Dictionary)
        }
        kids: set[bytes] = set()
        dingbats = self._add_dingbats(pdf, form, by_reference)
        for obj in by_reference.values():
            if obj.get("Subtype") != "/Widget":
                continue
            if obj.get("FT") == "/Btn" or "Parent" in obj:
                obj["DA"] = pydyf.String(f"0 g /{dingbats} 0 Tf".encode())
                # ZapfDingbats "4" is a check mark, "l" a filled circle
                obj.setdefault("MK", pydyf.Dictionary())["CA"] = pydyf.String(
                    "l" if "Parent" in obj else "4"
                )
            if isinstance(obj.get("DA"), pydyf.String) and isinstance(obj["DA"].string, bytes):
                obj["DA"] = pydyf.String(_GRAPHICS_STATE.sub(b"", obj["DA"].string))
            if "Parent" in obj:
                obj.pop("T", None)
                obj.pop("TU", None)
                kids.add(obj.reference)
            elif obj.get("FT") == "/Btn" and (_text(obj.get("T")) or "") in self.states:
                self._name_checkbox(obj, self.states[_text(obj.get("T")) or ""])
            elif obj.get("FT") == "/Tx":
                value = self.values.get(_text(obj.get("T")) or "")
                if isinstance(value, str):
                    obj["V"] = pydyf.String(value)
        for group in by_reference.values():
            if "Kids" in group and "Opt" in group:
                self._name_states(group, by_reference)
        form["Fields"] = pydyf.Array(ref for ref in form["Fields"] if ref not in kids)
        self.fields = len(form["Fields"])

    @staticmethod
    def _add_dingbats(
        pdf: pydyf.PDF, form: pydyf.Dictionary, by_reference: Mapping[bytes, Any]
    ) -> str:
        """Put ZapfDingbats (a standard font, nothing to embed) in the form's resources."""

        def resolve(value: Any) -> Any:
            return by_reference.get(value, value) if isinstance(value, bytes) else value

        resources = resolve(form.get("DR"))
        fonts = resolve(resources.get("Font")) if isinstance(resources, dict) else None
        font = pydyf.Dictionary({"Type": "/Font", "Subtype": "/Type1", "BaseFont": "/ZapfDingbats"})
        pdf.add_object(font)
        if isinstance(fonts, dict):
            fonts["ZaDb"] = font.reference
        elif isinstance(resources, dict):
            resources["Font"] = pydyf.Dictionary({"ZaDb": font.reference})
        return "ZaDb"

    @staticmethod
    def _name_checkbox(box: pydyf.Dictionary, value: str) -> None:
        """``/on`` -> ``/<value>``, in the appearance, the state and the value."""
        state = f"/{pdf_name(value)}"
        appearance = box["AP"]["N"]
        box["AP"]["N"] = pydyf.Dictionary({state[1:]: appearance["on"]})
        if box.get("AS") == "/on":
            box["AS"] = box["V"] = state

    @staticmethod
    def _name_states(group: pydyf.Dictionary, by_reference: Mapping[bytes, Any]) -> None:
        values = [_text(option) or "" for option in group.pop("Opt")]
        for index, reference in enumerate(group["Kids"]):
            kid = by_reference[reference]
            state = pdf_name(values[index])
            appearance = kid["AP"]["N"]
            kid["AP"]["N"] = pydyf.Dictionary({state: appearance[index]})
            if kid.get("AS") != "/Off":
                kid["AS"] = f"/{state}"
                group["V"] = f"/{state}"
