"""A fillable workbook filled in a PDF viewer in, its field values and an answers document out (pypdf).

Field names follow ``coursebook.answers.fields``: ``<worksheet>:<field>[:<row>[:<column>]]``;
the answers then go through the course's answers contract, like any answers file.
Viewers store values differently, so reading is lenient: a radio group gives its chosen
state's name (or, for a PDF that keeps ``/Opt``, the export value the state indexes),
a checkbox is ticked for any state but ``/Off``, and ``\\r`` line ends become ``\\n``.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from coursebook.answers.contract import MAX_DEPTH, Notice, display, nesting_depth, read_answers
from coursebook.answers.fields import (
    CLIENT_FIELD,
    INFO_CLIENT,
    INFO_COURSE,
    INFO_WORKSHEETS,
    PdfValue,
    values_from_pdf,
)
from coursebook.answers.format import Answers, new_answers, now_iso

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


@dataclass
class FilledPdf:
    """What a workbook PDF holds: its field values, the on-state of each ticked box, and
    the document information coursebook wrote (course, client, worksheet versions)."""

    fields: dict[str, PdfValue | None] = field(default_factory=dict)
    states: dict[str, str] = field(default_factory=dict)
    info: dict[str, str] = field(default_factory=dict)


def read_filled_pdf(pdf: bytes | Path | str) -> FilledPdf:
    """Every form field of the PDF and its value: text as ``str``, checkboxes as ``bool``,
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
            metadata: Mapping[str, Any] = reader.metadata or {}
    except FileNotFoundError:
        raise ExtractError(f"{where}: no such file") from None
    except IsADirectoryError:
        raise ExtractError(f"{where}: is a directory, not a PDF") from None
    except OSError as exc:
        raise ExtractError(f"{where}: cannot read the file ({exc.strerror or exc})") from None
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise ExtractError(f"{where}: not a readable PDF ({display(str(exc), 120)})") from None
    filled = FilledPdf()
    for key in (INFO_COURSE, INFO_CLIENT, INFO_WORKSHEETS):
        text = metadata.get(f"/{key}")
        if isinstance(text, str):
            filled.info[key] = text
    for name, entry in fields.items():
        if "/Parent" in entry and "." in name:
            # a radio widget repeating its group's name (WeasyPrint): the group holds the value
            continue
        kind = entry.get("/FT")
        if kind in ("/Btn", "/Tx", "/Ch"):
            filled.fields[name] = _field_value(kind, entry)
            state = entry.get("/V")
            if filled.fields[name] is True and state is not None:
                filled.states[name] = str(state).removeprefix("/")
    return filled


def read_pdf_fields(pdf: bytes | Path | str) -> dict[str, PdfValue | None]:
    """Every form field of the PDF -> its value (see ``read_filled_pdf``)."""
    return read_filled_pdf(pdf).fields


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


@dataclass
class Extracted:
    """The answers read out of a workbook, through the course's answers contract.

    ``notices`` say what was normalised or kept aside (dates typed as text, an older
    worksheet's answers); ``ignored`` names PDF fields that could not be placed.
    """

    answers: Answers
    notices: list[Notice]
    ignored: list[str]


def extract_answers(
    pdf: bytes | Path | str,
    contract: Mapping[str, Any],
    course: str,
    *,
    require_fields: bool = True,
) -> Extracted:
    """The answers in a filled workbook, as the site would export them.

    The client's name comes from the cover's name field, else from the workbook's
    information; worksheets keep the version the workbook was made with, so answers of an
    older version migrate as an answers file's would. Worksheets left empty in the PDF are
    not written: importing the file must never clear answers a learner keeps elsewhere.
    With ``require_fields``, raises ``ExtractError`` for a PDF without form fields or whose
    fields belong to none of the course's worksheets, and for answers the contract refuses.
    """
    where = "PDF" if isinstance(pdf, bytes) else str(pdf)
    filled = read_filled_pdf(pdf)
    sheets: Mapping[str, Any] = contract["worksheets"]
    by_worksheet: dict[str, dict[str, PdfValue | None]] = {}
    for name, value in filled.fields.items():
        worksheet_id, _, rest = name.partition(":")
        if rest and worksheet_id in sheets:
            by_worksheet.setdefault(worksheet_id, {})[name] = value
    if require_fields and not filled.fields:
        raise ExtractError(
            f"{where}: the PDF has no form fields (expected the fillable workbook, "
            "not the print version)"
        )
    if require_fields and not by_worksheet:
        names = sorted(filled.fields)
        sample = ", ".join(display(n) for n in names[:3]) + (", …" if len(names) > 3 else "")
        raise ExtractError(
            f"{where}: none of its {len(names)} form fields belong to this course's worksheets "
            f"(found {sample}); is it the workbook of another course?"
        )
    versions = _versions(filled.info.get(INFO_WORKSHEETS))
    stored: dict[str, dict[str, Any]] = {}
    ignored: list[str] = []
    updated = now_iso()
    for worksheet_id, found in by_worksheet.items():
        values, skipped = values_from_pdf(worksheet_id, found, filled.states, sheets[worksheet_id])
        ignored += [
            f"{where}: field '{display(n, 80)}' has no place in this course" for n in skipped
        ]
        if values:
            version = versions.get(worksheet_id, sheets[worksheet_id]["version"])
            stored[worksheet_id] = {"version": version, "updated": updated, "values": values}
    extra: dict[str, Any] = {}
    client = filled.fields.get(CLIENT_FIELD)
    client = client.strip() if isinstance(client, str) else ""
    if client or filled.info.get(INFO_CLIENT):
        extra["client"] = client or filled.info[INFO_CLIENT]
    document = new_answers(filled.info.get(INFO_COURSE) or course, stored, **extra)
    reading = read_answers(document, contract, where)
    if reading.answers is None:
        assert reading.error is not None
        raise ExtractNotice(reading.error)
    return Extracted(reading.answers, reading.notices, ignored)


class ExtractNotice(ExtractError):
    """Answers the contract refuses, as a catalogue message to render in the course's words."""

    def __init__(self, notice: Notice) -> None:
        super().__init__(notice.id)
        self.notice = notice


def _versions(text: str | None) -> dict[str, int]:
    """The worksheet versions a workbook was made with (its document information)."""
    text = text or "{}"
    if len(text) > 100_000 or nesting_depth(text) > MAX_DEPTH:
        return {}  # a hostile file's information: not worth parsing, never a crash
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {
        k: v for k, v in data.items() if isinstance(v, int) and not isinstance(v, bool) and v >= 1
    }
