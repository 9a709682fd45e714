"""A fillable workbook filled in a PDF viewer in, its field values and an answers document out (pypdf).

Field names follow ``coursebook.answers.fields``: ``<worksheet>:<field>[:<row>[:<column>]]``.
Viewers store values differently, so reading is lenient: a radio group gives its chosen
state's name (or, for a PDF that keeps ``/Opt``, the export value the state indexes),
a checkbox is ticked for any state but ``/Off``, and ``\\r`` line ends become ``\\n``.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from coursebook.answers import new_answers
from coursebook.answers.fields import PdfValue, from_pdf_fields, pdf_field_names
from coursebook.answers.format import Answers, now_iso
from coursebook.model import Worksheet

_RADIO = 1 << 15
_PUSH_BUTTON = 1 << 16


class ExtractError(Exception):
    """A PDF that cannot give answers; ``str()`` is one line naming the file."""


@contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """pypdf logs every oddity of a viewer-made file; callers report what matters."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def read_pdf_fields(pdf: bytes | Path | str) -> dict[str, PdfValue | None]:
    """Every form field of the PDF -> its value: text as ``str``, checkboxes as ``bool``,
    radio groups as the chosen option's value (``None`` when nothing is chosen).

    Raises ``ExtractError`` for a file that is missing, unreadable, not a PDF or locked.
    """
    where = "PDF" if isinstance(pdf, bytes) else str(pdf)
    try:
        with _quiet_pypdf():
            reader = PdfReader(io.BytesIO(pdf) if isinstance(pdf, bytes) else Path(pdf))
            if reader.is_encrypted and not reader.decrypt(""):
                raise ExtractError(
                    f"{where}: the PDF is password-protected; save an unprotected copy first"
                )
            fields = reader.get_fields() or {}
    except FileNotFoundError:
        raise ExtractError(f"{where}: no such file") from None
    except IsADirectoryError:
        raise ExtractError(f"{where}: is a directory, not a PDF") from None
    except OSError as exc:
        raise ExtractError(f"{where}: cannot read the file ({exc.strerror or exc})") from None
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ExtractError(f"{where}: not a readable PDF ({exc})") from None
    values: dict[str, PdfValue | None] = {}
    for name, field in fields.items():
        if "/Parent" in field and "." in name:
            # a radio widget repeating its group's name (WeasyPrint): the group holds the value
            continue
        kind = field.get("/FT")
        if kind in ("/Btn", "/Tx", "/Ch"):
            values[name] = _field_value(kind, field)
    return values


def _field_value(kind: str, field: Mapping[str, Any]) -> PdfValue | None:
    value = field.get("/V")
    if kind == "/Btn":
        flags = int(field.get("/Ff", 0) or 0)
        if flags & _PUSH_BUTTON:
            return None
        state = str(value) if value is not None else "/Off"
        if flags & _RADIO:
            return _radio_value(state, field.get("/Opt"))
        return state not in ("/Off", "Off", "")
    if isinstance(value, list):  # a multiple-choice list box: its first choice
        value = value[0] if value else None
    if value is None:
        return ""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    # viewers end lines with \r (as the PDF standard's text fields do); the answers use \n
    return str(value).replace("\r\n", "\n").replace("\r", "\n")


def _radio_value(state: str, options: Any) -> str | None:
    name = state[1:] if state.startswith("/") else state
    if name in ("Off", ""):
        return None
    # with /Opt, the PDF standard makes the state names indices into the export values
    if isinstance(options, list) and name.isdigit() and int(name) < len(options):
        option = options[int(name)]
        if isinstance(option, list):
            option = option[0] if option else ""
        return str(option)
    return name


def read_pdf_answers(
    pdf: bytes | Path | str, worksheets: Mapping[str, Worksheet], course: str
) -> Answers:
    """An answers document holding what was typed into a workbook PDF (worksheets with answers only)."""
    answers, _ = extract_answers(pdf, worksheets, course, require_fields=False)
    return answers


def extract_answers(
    pdf: bytes | Path | str,
    worksheets: Mapping[str, Worksheet],
    course: str,
    *,
    require_fields: bool = True,
) -> tuple[Answers, list[str]]:
    """The answers in a filled workbook, and warnings about fields the course does not have.

    Worksheets left empty in the PDF are not written: importing the file must never clear
    answers a learner keeps elsewhere. With ``require_fields``, raises ``ExtractError`` for
    a PDF without form fields or whose fields belong to none of the course's worksheets.
    """
    where = "PDF" if isinstance(pdf, bytes) else str(pdf)
    fields = read_pdf_fields(pdf)
    by_worksheet: dict[str, dict[str, PdfValue | None]] = {}
    for name, value in fields.items():
        worksheet_id, _, rest = name.partition(":")
        if rest and worksheet_id in worksheets:
            by_worksheet.setdefault(worksheet_id, {})[name] = value
    if require_fields and not fields:
        raise ExtractError(
            f"{where}: the PDF has no form fields (expected the fillable workbook, not the print version)"
        )
    if require_fields and not by_worksheet:
        sample = ", ".join(sorted(fields)[:3]) + (", …" if len(fields) > 3 else "")
        raise ExtractError(
            f"{where}: none of its {len(fields)} form fields belong to this course's worksheets "
            f"(found {sample}); is it the workbook of another course?"
        )
    warnings: list[str] = []
    stored: dict[str, dict[str, Any]] = {}
    updated = now_iso()
    for worksheet_id, found in by_worksheet.items():
        worksheet = worksheets[worksheet_id]
        known = pdf_field_names(worksheet, _widest(worksheet, found))
        for name in sorted(set(found) - set(known)):
            warnings.append(
                f"{where}: field '{name}' is not in worksheet '{worksheet_id}' of this course (ignored)"
            )
        values = from_pdf_fields(worksheet, {k: v for k, v in found.items() if k in known})
        if values:
            stored[worksheet_id] = {
                "version": worksheet.version,
                "updated": updated,
                "values": values,
            }
    return new_answers(course, stored), warnings


def _widest(worksheet: Worksheet, found: Mapping[str, Any]) -> dict[str, list[None]]:
    """Stand-in values making ``pdf_field_names`` list as many rows as the PDF has."""
    rows: dict[str, list[None]] = {}
    for name in found:
        parts = name.split(":")
        if (
            len(parts) >= 3
            and parts[2].isdigit()
            and parts[1] in worksheet.field_index
            and int(parts[2]) > len(rows.get(parts[1], []))
        ):
            rows[parts[1]] = [None] * int(parts[2])
    return rows
