"""Worksheets in, the answers contract out; an answers document + the contract in, one verdict out.

The contract is data, generated from the worksheet model and published with the site
(``schema/answers-contract.json``): for each worksheet its version, what each field accepts
(type, bounds, options, columns) and which old field ids moved where (``renamed_from``).

``read_answers`` is the one way an answers document is read: the site's import and review
page run ``runtime/lazy/answers.js``, which follows this code step for step, and every
command of the CLI runs this. Both give the same verdict: a refusal (one message), or
the answers with renamed fields moved, values normalised where no guessing is involved
(``"yes"`` for a ticked box, ``30/01/2026`` for a date) and answers that no longer fit an
older version kept aside under ``<field>@v<version>``, each change reported as a notice.
Messages are catalogue ids with parameters, so both sides print the same words.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import Any

from coursebook.model import Worksheet

CONTRACT_FORMAT = "coursebook-contract"
LIMITS = {
    "text": 5_000,  # characters in a text, date or choice answer, a list entry
    "textarea": 100_000,  # characters in a textarea answer or a table cell
    "rows": 500,  # entries of a list, rows of a table, when the worksheet sets no maximum
    "fields": 1_000,  # answers in one worksheet
    "worksheets": 500,  # worksheets in one file
    "megabytes": 10,  # size of an answers file
}
ID = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
KEY = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*(@v[0-9]{1,6}\+*)?$")
_ASIDE = re.compile(r"@v[0-9]")
# whitespace as both JavaScript and Python agree on it (their \s and strip() differ)
_TRIM = re.compile(r"^[ \t\n\r\u00a0]+|[ \t\n\r\u00a0]+$")
_ISO = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")
_YMD = re.compile(r"^([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})$")
_DMY = re.compile(r"^([0-9]{1,2})[-/.]([0-9]{1,2})[-/.]([0-9]{4})$")
_D_MONTH_Y = re.compile(r"^([0-9]{1,2})\.?[ \u00a0]+([^0-9 \u00a0,.]+)\.?,?[ \u00a0]+([0-9]{4})$")
_MONTH_D_Y = re.compile(
    r"^([^0-9 \u00a0,.]+)\.?[ \u00a0]+([0-9]{1,2})(?:st|nd|rd|th)?,?[ \u00a0]+([0-9]{4})$"
)
_HIDDEN = re.compile(
    "[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_TRUE = ("yes", "true", "on", "1", "x")
_FALSE = ("no", "false", "off", "0", "")


@dataclass(frozen=True)
class Notice:
    """A message: a catalogue id and its parameters (text, numbers, or lists of names,
    which the catalogue quotes and joins as the language does)."""

    id: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class Reading:
    """What reading an answers document gave: the answers, or why there are none.

    ``answers`` is the document with each known worksheet's values migrated and
    normalised (unknown worksheets and fields kept as they were); ``None`` when refused.
    """

    answers: dict[str, Any] | None
    error: Notice | None = None
    notices: list[Notice] = field(default_factory=list)


class Refused(Exception):
    """Raised inside the reader; becomes ``Reading.error``."""

    def __init__(self, notice: Notice) -> None:
        super().__init__(notice.id)
        self.notice = notice


# ---- the contract -------------------------------------------------------------------


def _options(f: Any) -> list[list[str]]:
    return [[o.value, o.label] for o in f.options]


def field_spec(f: Any) -> dict[str, Any]:
    """What one field accepts, as plain data."""
    if f.type in ("text", "date"):
        return {"type": f.type, "max": LIMITS["text"]}
    if f.type == "textarea":
        return {"type": "textarea", "max": LIMITS["textarea"]}
    if f.type in ("choice", "checklist"):
        return {"type": f.type, "options": _options(f)}
    if f.type == "scale":
        return {"type": "scale", "min": f.scale_min, "max": f.scale_max}
    if f.type == "list":
        return {"type": "list", "max": f.max or LIMITS["rows"], "length": LIMITS["text"]}
    if f.type == "table":
        return {
            "type": "table",
            "max": f.max_rows or LIMITS["rows"],
            "columns": {c.id: c.type for c in f.columns},
            "length": LIMITS["textarea"],
        }
    raise ValueError(f"no answers for field type {f.type}")


def build_contract(
    worksheets: Iterable[Worksheet], course: str, months: Mapping[str, int] | None = None
) -> dict[str, Any]:
    """The contract of a course's worksheets; ``months`` maps month names to numbers (dates)."""
    return {
        "format": CONTRACT_FORMAT,
        "version": 1,
        "course": course,
        "limits": LIMITS,
        "months": dict(months or english_months()),
        "worksheets": {
            ws.id: {
                "version": ws.version,
                "renamed": {old: f.id for f in ws.fields for old in f.renamed_from},
                "fields": {f.id: field_spec(f) for f in ws.fields},
            }
            for ws in worksheets
        },
    }


def english_months() -> dict[str, int]:
    """English month names and their usual abbreviations, lower case."""
    names = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ]
    found: dict[str, int] = {}
    for number, name in enumerate(names, start=1):
        found[name] = number
        found[name[:3]] = number
    found["sept"] = 9
    return found


def month_names(language: str) -> dict[str, int]:
    """English month names plus those of ``language`` (CLDR, through Babel), lower case."""
    from babel import Locale, UnknownLocaleError

    found = english_months()
    try:
        locale = Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return found
    for context in ("format", "stand-alone"):
        for width in ("wide", "abbreviated"):
            for number, name in locale.months[context][width].items():
                key = _trim(str(name)).lower().rstrip(".")
                if key and not re.search(r"[0-9 \u00a0,.]", key):
                    found.setdefault(key, int(number))
    return found


# ---- helpers that answers.js mirrors ----------------------------------------------


def _trim(text: str) -> str:
    return _TRIM.sub("", text)


def is_safe_integer(value: Any) -> bool:
    """True for numbers JavaScript holds exactly as integers (and Python floats like 4.0)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return abs(value) <= 2**53 - 1
    return isinstance(value, float) and value.is_integer() and abs(value) <= 2**53 - 1


def is_number(value: Any) -> bool:
    """A finite JSON number (not true/false)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def display(text: str, limit: int = 40) -> str:
    """``text`` safe to show in one line anywhere: hidden and control characters replaced,
    cut to ``limit`` characters (code points, as JavaScript's ``Array.from`` counts)."""
    text = _HIDDEN.sub("\ufffd", text)
    return text[:limit] + "…" if len(text) > limit else text


def number_text(value: float) -> str | None:
    """A number as both languages write it, or ``None`` where their spellings differ."""
    if is_safe_integer(value):
        return str(int(value))
    if 1e-4 <= abs(value) < 1e15:
        return repr(float(value))
    return None


def got(value: Any) -> Notice:
    """What was found, for a message."""
    if value is None:
        return Notice("answers.got_nothing")
    if value is True:
        return Notice("answers.got_true")
    if value is False:
        return Notice("answers.got_false")
    if isinstance(value, str):
        return Notice("answers.got_text", {"value": display(value)})
    if is_number(value):
        text = number_text(value)
        if text is not None:
            return Notice("answers.got_number", {"value": text})
        return Notice("answers.got_number", {"value": "…"})
    if isinstance(value, list):
        return Notice("answers.got_list")
    return Notice("answers.got_object")


def js_key_order(keys: Iterable[str]) -> list[str]:
    """Keys in the order JavaScript gives an object's own properties: array indexes
    first, in numeric order, then the others as they came."""
    indexes, others = [], []
    for key in keys:
        if re.fullmatch(r"0|[1-9][0-9]{0,9}", key) and int(key) < 2**32 - 1:
            indexes.append(key)
        else:
            others.append(key)
    return sorted(indexes, key=int) + others


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _iso(year: int, month: int, day: int) -> str | None:
    days = [31, 29 if _is_leap(year) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    if year < 1 or not 1 <= month <= 12 or not 1 <= day <= days[month - 1]:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def read_date(text: str, months: Mapping[str, int]) -> str | None:
    """A date typed by a person as an ISO date, when it reads only one way; else ``None``.

    ``2026-01-30``, ``2026/1/30``, ``30/01/2026``, ``30.1.2026``, ``30 January 2026``,
    ``Jan 30, 2026``; ``03/04/2026`` could be March or April, so it is not read.
    """
    text = _trim(text)
    if m := _YMD.match(text):
        return _iso(int(m[1]), int(m[2]), int(m[3]))
    if m := _DMY.match(text):
        a, b, year = int(m[1]), int(m[2]), int(m[3])
        if a > 12 >= b or a == b:
            return _iso(year, b, a)
        if b > 12 >= a:
            return _iso(year, a, b)
        return None
    if m := _D_MONTH_Y.match(text):
        month = months.get(m[2].lower())
        return _iso(int(m[3]), month, int(m[1])) if month else None
    if m := _MONTH_D_Y.match(text):
        month = months.get(m[1].lower())
        return _iso(int(m[3]), month, int(m[2])) if month else None
    return None


# ---- the reader -------------------------------------------------------------------


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


class _Misfit(Exception):
    """A value that does not fit its field."""


@dataclass
class _Context:
    file: str
    worksheet: str
    months: Mapping[str, int]
    notices: list[Notice]

    def where(self, field_id: str, **params: Any) -> dict[str, Any]:
        return {"file": self.file, "worksheet": self.worksheet, "field": field_id, **params}

    def say(
        self, message_id: str, field_id: str, cell: tuple[int, str] | None, **params: Any
    ) -> None:
        """Add a notice about a field, or about one cell of a table (``_cell`` messages)."""
        if cell is not None:
            message_id += "_cell"
            params.update(row=cell[0], column=cell[1])
        self.notices.append(Notice(message_id, self.where(field_id, **params)))


def _text_value(value: Any, limit: int) -> tuple[Any, bool]:
    """A text answer, and whether it was changed to become one."""
    if value is None or isinstance(value, str):
        if isinstance(value, str) and len(value) > limit:
            raise _Misfit
        return value, False
    if is_number(value) and number_text(value) is not None:
        return number_text(value), True
    raise _Misfit


def _date_value(
    value: Any, ctx: _Context, field_id: str, cell: tuple[int, str] | None = None
) -> tuple[Any, bool]:
    if value is None or value == "":
        return value, False
    if not isinstance(value, str) or len(value) > LIMITS["text"]:
        raise _Misfit
    if _ISO.match(value) and read_date(value, ctx.months) == value:
        return value, False
    iso = read_date(value, ctx.months)
    if iso is not None:
        return iso, True
    ctx.say("answers.date_as_text", field_id, cell, value=display(value))
    return value, False


def _checkbox_value(value: Any) -> tuple[bool | None, bool]:
    if value is None or isinstance(value, bool):
        return value, False
    if is_number(value) and value in (0, 1):
        return value == 1, True
    if isinstance(value, str):
        word = _trim(value).lower()
        if word in _TRUE:
            return True, True
        if word in _FALSE:
            return False, True
    raise _Misfit


def _option_value(value: Any, options: Sequence[Sequence[str]]) -> tuple[str, bool]:
    if not isinstance(value, str):
        raise _Misfit
    values = [o[0] for o in options]
    if value in values:
        return value, False
    trimmed = _trim(value)
    if trimmed in values:
        return trimmed, True
    by_label = [o[0] for o in options if o[1] == trimmed]
    if len(by_label) == 1:
        return by_label[0], True
    raise _Misfit


def _fit(value: Any, spec: Mapping[str, Any], ctx: _Context, field_id: str) -> tuple[Any, bool]:
    """The value as the field keeps it, and whether it had to be normalised; ``_Misfit`` if
    it cannot be read without guessing."""
    kind = spec["type"]
    if kind in ("text", "textarea"):
        return _text_value(value, spec["max"])
    if kind == "date":
        return _date_value(value, ctx, field_id)
    if kind == "choice":
        if value is None or value == "":
            return value, False
        return _option_value(value, spec["options"])
    if kind == "scale":
        if value is None or value == "":
            return value, False
        number = value
        if isinstance(value, str) and re.fullmatch(r"-?[0-9]{1,6}", _trim(value)):
            number = int(_trim(value))
        if not is_safe_integer(number) or not spec["min"] <= number <= spec["max"]:
            raise _Misfit
        return int(number), number is not value
    if kind == "checklist":
        if value is None:
            return value, False
        changed = isinstance(value, str)
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or len(items) > len(spec["options"]):
            raise _Misfit
        kept: list[str] = []
        for item in items:
            option, moved = _option_value(item, spec["options"])
            changed = changed or moved or option in kept
            if option not in kept:
                kept.append(option)
        return kept, changed
    if kind == "list":
        if value is None:
            return value, False
        changed = isinstance(value, str)
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or len(items) > spec["max"]:
            raise _Misfit
        entries = []
        for item in items:
            text, moved = _text_value(item, spec["length"])
            changed = changed or moved or text is None
            entries.append("" if text is None else text)
        return entries, changed
    if kind == "table":
        if value is None:
            return value, False
        if not isinstance(value, list) or len(value) > spec["max"]:
            raise _Misfit
        rows = []
        for number, row in enumerate(value, start=1):
            if not isinstance(row, dict):
                raise _Misfit
            cells: dict[str, Any] = {}
            for column in js_key_order(row):
                column_type = spec["columns"].get(column)
                if column_type is None:
                    raise _Misfit
                cell = row[column]
                if column_type == "checkbox":
                    cells[column], moved = _checkbox_value(cell)
                elif column_type == "date":
                    cells[column], moved = _date_value(cell, ctx, field_id, (number, column))
                else:
                    cells[column], moved = _text_value(cell, spec["length"])
                if moved:
                    # said cell by cell: "a list read as a list" would tell the reader nothing
                    ctx.say(
                        "answers.normalised",
                        field_id,
                        (number, column),
                        got=got(cell),
                        value=got(cells[column]),
                    )
            rows.append(cells)
        return rows, False
    raise _Misfit


def _expected(spec: Mapping[str, Any], limits: Mapping[str, int]) -> Notice:
    kind = spec["type"]
    if kind in ("text", "textarea"):
        return Notice("answers.expect_text", {"max": spec["max"]})
    if kind == "date":
        return Notice("answers.expect_date")
    if kind in ("choice", "checklist"):
        names = [display(o[0]) for o in spec["options"]]
        return Notice(f"answers.expect_{kind}", {"options": names})
    if kind == "scale":
        return Notice("answers.expect_scale", {"min": spec["min"], "max": spec["max"]})
    if kind == "list":
        return Notice("answers.expect_list", {"max": spec["max"], "length": spec["length"]})
    return Notice("answers.expect_table", {"max": spec["max"], "columns": list(spec["columns"])})


def _usable(value: Any) -> bool:
    """The shape of any answer the format allows (for answers the course has no field for)."""

    def scalar(v: Any) -> bool:
        return v is None or isinstance(v, str | bool) or is_number(v)

    if isinstance(value, list):
        if len(value) > LIMITS["rows"]:
            return False
        return all(scalar(v) and not isinstance(v, bool) for v in value) or all(
            isinstance(r, dict) and len(r) <= 100 and all(scalar(c) for c in r.values())
            for r in value
        )
    return scalar(value)


def render(notice: Notice, t: Any) -> str:
    """A notice in words, through a ``Catalogue`` (parameters that are notices first)."""
    params = {k: render(v, t) if isinstance(v, Notice) else v for k, v in notice.params.items()}
    text: str = t(notice.id, **params)
    return text


def nesting_depth(text: str, stop: int = 1_000) -> int:
    """How deep the arrays and objects of valid JSON text nest, without parsing it.

    Strings are taken out, then each innermost pair of brackets is removed once per level
    (a few C-speed passes for real files) or, for deeper text, the depth is a running sum.
    Never Python's recursion, which ``json.loads`` would exhaust on hostile input. For text
    that is not JSON the count means nothing, and ``json.loads`` refuses it anyway.
    """
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    depth = 0
    while brackets and depth < 8:
        brackets, pairs = _PAIR.subn("", brackets)
        if not pairs:
            return depth
        depth += 1
    if not brackets:
        return depth
    steps = (1 if c in "[{" else -1 for c in brackets)
    return depth + max(accumulate(steps, initial=0))


# an unterminated string runs to the end: matched too, so no start is ever tried twice;
# possessive repeats skip a string of millions of characters or escapes in one pass,
# without a backtracking record per character (a gigabyte at 9 MB of text otherwise)
_STRING = re.compile(r'"[^"\\]*+(?:\\.[^"\\]*+)*+(?:"|\\?\Z)', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_PAIR = re.compile(r"\[\]|\{\}")
MAX_DEPTH = 64


def parse_answers_bytes(content: bytes, file: str) -> tuple[Any, Notice | None]:
    """Answers file bytes as parsed JSON, or the reason they are not (as the site decides)."""
    name = display(file, 80)
    if len(content) > LIMITS["megabytes"] * 1_000_000:
        return None, Notice("answers.too_big", {"file": name, "limit": LIMITS["megabytes"]})
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return None, Notice("answers.not_utf8", {"file": name})
    text = text.removeprefix("\ufeff")
    if nesting_depth(text, MAX_DEPTH) > MAX_DEPTH:
        return None, Notice("answers.not_json", {"file": name})

    def no_constants(word: str) -> None:
        raise ValueError(word)  # NaN and Infinity are not JSON

    import json

    try:
        return json.loads(text, parse_constant=no_constants), None
    except (ValueError, RecursionError):
        return None, Notice("answers.not_json", {"file": name})


def read_answers_file(path: Path, contract: Mapping[str, Any], name: str | None = None) -> Reading:
    """An answers file read from disk through the contract (size, encoding, JSON, answers)."""
    shown = name or str(path)
    try:
        if not path.is_file():
            return Reading(None, Notice("answers.unreadable", {"file": display(shown, 80)}))
        if path.stat().st_size > LIMITS["megabytes"] * 1_000_000:
            return Reading(
                None,
                Notice(
                    "answers.too_big", {"file": display(shown, 80), "limit": LIMITS["megabytes"]}
                ),
            )
        content = path.read_bytes()
    except OSError:
        return Reading(None, Notice("answers.unreadable", {"file": display(shown, 80)}))
    data, problem = parse_answers_bytes(content, shown)
    if problem is not None:
        return Reading(None, problem)
    return read_answers(data, contract, shown)


def _refuse(message_id: str, **params: Any) -> Refused:
    return Refused(Notice(message_id, params))


def read_answers(
    data: Any, contract: Mapping[str, Any], file: str, *, now: str | None = None
) -> Reading:
    """Read a parsed answers document against a course's contract (see the module doc)."""
    file = display(file, 80)
    notices: list[Notice] = []
    try:
        answers = _read(data, contract, file, notices)
    except Refused as refused:
        return Reading(None, refused.notice, [])
    return Reading(answers, None, notices)


def _read(
    data: Any, contract: Mapping[str, Any], file: str, notices: list[Notice]
) -> dict[str, Any]:
    if not isinstance(data, dict) or data.get("format") != "coursebook-answers":
        raise _refuse("answers.not_answers", file=file)
    version: Any = data.get("version")
    if version != 1 or isinstance(version, bool):
        if is_safe_integer(version) and version > 1:
            raise _refuse("answers.format_newer", file=file, version=int(version))
        raise _refuse("answers.format_version", file=file, version=got_text(version))
    for key in ("course", "client", "exported"):
        if data.get(key) is not None and not isinstance(data[key], str):
            raise _refuse("answers.bad_text", file=file, key=key)
    stored = data.get("worksheets")
    if not isinstance(stored, dict) or len(stored) > LIMITS["worksheets"]:
        raise _refuse("answers.no_worksheets", file=file)
    known: Mapping[str, Any] = contract["worksheets"]
    months: Mapping[str, int] = contract.get("months", {})
    out: dict[str, Any] = {}
    for worksheet_id in js_key_order(stored):
        if not ID.match(worksheet_id):
            raise _refuse("answers.bad_worksheet_id", file=file, worksheet=display(worksheet_id))
        entry = stored[worksheet_id]
        values = entry.get("values") if isinstance(entry, dict) else None
        if not isinstance(values, dict) or len(values) > LIMITS["fields"]:
            raise _refuse("answers.bad_entry", file=file, worksheet=worksheet_id)
        saved = entry.get("version")
        if saved is not None and (not is_safe_integer(saved) or saved < 1):
            raise _refuse("answers.bad_version", file=file, worksheet=worksheet_id)
        for key in ("updated",):
            if entry.get(key) is not None and not isinstance(entry[key], str):
                raise _refuse("answers.bad_text", file=file, key=key)
        times = entry.get("times")
        if times is not None and (
            not isinstance(times, dict) or not all(isinstance(v, str) for v in times.values())
        ):
            raise _refuse("answers.bad_text", file=file, key="times")
        for key in js_key_order(values):
            if not KEY.match(key):
                raise _refuse(
                    "answers.bad_field_id", file=file, worksheet=worksheet_id, field=display(key)
                )
        sheet = known.get(worksheet_id) if worksheet_id in known else None
        ctx = _Context(file, worksheet_id, months, notices)
        if sheet is None:
            for key in js_key_order(values):
                _check_usable(values[key], ctx, key)
            notices.append(
                Notice("answers.unknown_worksheet", {"file": file, "worksheet": worksheet_id})
            )
            out[worksheet_id] = entry
            continue
        current = sheet["version"]
        saved = current if saved is None else int(saved)
        if saved > current:
            raise _refuse(
                "answers.worksheet_newer",
                file=file,
                worksheet=worksheet_id,
                version=saved,
                current=current,
            )
        out[worksheet_id] = {
            **entry,
            "version": current,
            "values": _migrate(values, sheet, saved, ctx),
        }
    return {**data, "worksheets": out}


def got_text(value: Any) -> str:
    """``value`` as the words of a message (what ``got`` says, without quotes for text)."""
    notice = got(value)
    return str(notice.params.get("value", notice.id.rsplit("_", 1)[-1]))


def _check_usable(value: Any, ctx: _Context, key: str) -> None:
    if not _usable(value):
        raise _refuse(
            "answers.bad_value",
            **ctx.where(display(key)),
            got=got(value),
            expected=Notice("answers.expect_any"),
        )


def _migrate(
    values: Mapping[str, Any], sheet: Mapping[str, Any], saved: int, ctx: _Context
) -> dict[str, Any]:
    """A worksheet's values moved to their current fields and checked against them."""
    fields: Mapping[str, Any] = sheet["fields"]
    renamed: Mapping[str, str] = sheet["renamed"]
    moved: dict[str, Any] = {}
    for key in js_key_order(values):
        target = renamed.get(key) if key in renamed else None
        free = target is not None and (target not in values or _empty(values[target]))
        if free and (target not in moved or _empty(moved[target])):
            moved[str(target)] = values[key]
            continue
        if key not in moved:
            moved[key] = values[key]
    out: dict[str, Any] = {}
    for key in js_key_order(moved):
        value = moved[key]
        spec = fields.get(key) if key in fields else None
        if spec is None:
            _check_usable(value, ctx, key)
            if not _ASIDE.search(key) and not _empty(value):
                ctx.notices.append(Notice("answers.unknown_field", ctx.where(key)))
            out[key] = value
            continue
        try:
            fitted, changed = _fit(value, spec, ctx, key)
        except _Misfit:
            if saved == sheet["version"]:
                raise _refuse(
                    "answers.bad_value",
                    **ctx.where(key),
                    got=got(value),
                    expected=_expected(spec, LIMITS),
                ) from None
            _check_usable(value, ctx, key)
            aside = f"{key}@v{saved}"
            while aside in moved or aside in out:
                aside += "+"
            out[aside] = value
            ctx.notices.append(
                Notice("answers.kept_aside", ctx.where(key, version=saved, key=aside))
            )
            continue
        if changed:
            ctx.notices.append(
                Notice(
                    "answers.normalised",
                    ctx.where(key, got=got(value), value=got(fitted)),
                )
            )
        out[key] = fitted
    return out
