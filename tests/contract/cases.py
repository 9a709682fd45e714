"""Answers files, good and bad, for the contract course (``tests/fixtures/contract``).

Each case is the bytes of a file and what every reader must make of it: refused with a
message id, or accepted with these values (and these notices). The same cases run through
the Python reader, the browser's reader, the site's import, the review page and the CLI.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Case:
    name: str
    content: bytes
    refused: str | None = None
    """The message id of the refusal; None: accepted."""
    values: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Worksheet id -> the values every reader must end up with (when given)."""
    notices: tuple[str, ...] = ()
    """The notice ids, in order (when accepted)."""


def doc(worksheets: Any, **top: Any) -> dict[str, Any]:
    return {
        "format": "coursebook-answers",
        "version": 1,
        "course": "contract-course",
        **top,
        "worksheets": worksheets,
    }


def encode(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def profile(values: dict[str, Any], version: int | None = 3, **entry: Any) -> bytes:
    sheet: dict[str, Any] = {"values": values, **entry}
    if version is not None:
        sheet["version"] = version
    return encode(doc({"profile": sheet}))


EVERYTHING = {
    "name": "Zoë Ölçer",
    "story": "First line\nsecond line <script>alert(1)</script>",
    "industries": ["solar", "", "wind"],
    "sources": ["alumni", "LinkedIn"],
    "stance": "hurried",
    "confidence": 4,
    "deadline": "2026-01-30",
    "log": [{"who": "Ana", "when": "2026-02-01", "notes": "Kind.\nShort.", "thanked": True}],
}

CASES: list[Case] = [
    # ---- accepted as they are
    Case("empty file of answers", encode(doc({}))),
    Case("every field type", profile(EVERYTHING), values={"profile": EVERYTHING}),
    Case("empty values", profile({"name": "", "story": None, "industries": [], "log": []})),
    Case("a byte order mark", b"\xef\xbb\xbf" + encode(doc({}))),
    Case(
        "per-field times",
        profile({"name": "A"}, times={"name": "2026-01-01T00:00:00.000Z"}),
        values={"profile": {"name": "A"}},
    ),
    Case("no version: the current one", profile({"name": "A"}, version=None)),
    Case("a client and a course", encode(doc({}, client="Zoë", exported="2026-01-01"))),
    Case(
        "a whole number written 4.0",
        b'{"format": "coursebook-answers", "version": 1, '
        b'"worksheets": {"profile": {"values": {"confidence": 4.0}}}}',
        values={"profile": {"confidence": 4}},
    ),
    # ---- normalised, the same way everywhere, and said
    Case(
        "a ticked box written yes",
        profile({"log": [{"who": "A", "thanked": "yes"}]}),
        values={"profile": {"log": [{"who": "A", "thanked": True}]}},
        notices=("answers.normalised_cell",),
    ),
    Case(
        "an ISO date with spaces",
        profile({"deadline": " 2026-01-30 "}),
        values={"profile": {"deadline": "2026-01-30"}},
        notices=("answers.normalised",),
    ),
    Case(
        "a date typed day first",
        profile({"deadline": "30/01/2026"}),
        values={"profile": {"deadline": "2026-01-30"}},
        notices=("answers.normalised",),
    ),
    Case(
        "a date with a month name",
        profile({"deadline": "January 30, 2026", "log": [{"when": "1 Feb 2026"}]}),
        values={"profile": {"deadline": "2026-01-30", "log": [{"when": "2026-02-01"}]}},
        notices=("answers.normalised", "answers.normalised_cell"),
    ),
    Case(
        "a date that reads two ways is kept as typed",
        profile({"deadline": "03/04/2026", "log": [{"when": "04/05/2026"}]}),
        values={"profile": {"deadline": "03/04/2026", "log": [{"when": "04/05/2026"}]}},
        notices=("answers.date_as_text", "answers.date_as_text_cell"),
    ),
    Case(
        "a scale written as text",
        profile({"confidence": "4"}),
        values={"profile": {"confidence": 4}},
        notices=("answers.normalised",),
    ),
    Case(
        "a choice given by its label",
        profile({"stance": "In a hurry"}),
        values={"profile": {"stance": "hurried"}},
        notices=("answers.normalised",),
    ),
    Case(
        "a list given as one text",
        profile({"industries": "solar"}),
        values={"profile": {"industries": ["solar"]}},
        notices=("answers.normalised",),
    ),
    Case(
        "a checklist given as one value",
        profile({"sources": "School alumni network"}),
        values={"profile": {"sources": ["alumni"]}},
        notices=("answers.normalised",),
    ),
    Case(
        "a number where text goes",
        profile({"name": 42}),
        values={"profile": {"name": "42"}},
        notices=("answers.normalised",),
    ),
    # ---- older versions migrate
    Case(
        "a renamed field moves",
        profile({"full-name": "Sam"}, version=2),
        values={"profile": {"name": "Sam"}},
    ),
    Case(
        "renamed twice",
        profile({"who": "Sam"}, version=1),
        values={"profile": {"name": "Sam"}},
    ),
    Case(
        "what no longer fits is kept aside",
        profile({"confidence": 7, "mood": "calm"}, version=2),
        values={"profile": {"confidence@v2": 7, "mood": "calm"}},
        notices=("answers.kept_aside", "answers.unknown_field"),
    ),
    Case(
        "a worksheet the course does not have",
        encode(doc({"retired": {"values": {"x": "y"}}, "constructor": {"values": {}}})),
        notices=("answers.unknown_worksheet", "answers.unknown_worksheet"),
    ),
    # ---- refused, with the same words everywhere
    Case("not JSON", b"{ not json", refused="answers.not_json"),
    Case(
        "NaN is not JSON",
        b'{"format": "coursebook-answers", "version": NaN}',
        refused="answers.not_json",
    ),
    Case("nested a hundred deep", b"[" * 100 + b"]" * 100, refused="answers.not_json"),
    Case("not UTF-8", '{"client": "Zoé"}'.encode("latin-1"), refused="answers.not_utf8"),
    Case("a list at the top", b"[1, 2]", refused="answers.not_answers"),
    Case("another format", b'{"format": "something-else"}', refused="answers.not_answers"),
    Case("a newer format", encode({**doc({}), "version": 2}), refused="answers.format_newer"),
    Case(
        "a version written as text",
        encode({**doc({}), "version": "1"}),
        refused="answers.format_version",
    ),
    Case("a course that is not text", encode(doc({}, course={"a": 1})), refused="answers.bad_text"),
    Case("a client that is a number", encode(doc({}, client=7)), refused="answers.bad_text"),
    Case("worksheets as a list", encode(doc([])), refused="answers.no_worksheets"),
    Case(
        "a prototype name as a worksheet",
        b'{"format": "coursebook-answers", "version": 1, '
        b'"worksheets": {"__proto__": {"values": {}}}}',
        refused="answers.bad_worksheet_id",
    ),
    Case(
        "a worksheet id with spaces",
        encode(doc({"Bad Id": {"values": {}}})),
        refused="answers.bad_worksheet_id",
    ),
    Case(
        "a worksheet without values",
        encode(doc({"profile": {"version": 3}})),
        refused="answers.bad_entry",
    ),
    Case("version zero", profile({}, version=0), refused="answers.bad_version"),
    Case("a newer worksheet", profile({"name": "A"}, version=4), refused="answers.worksheet_newer"),
    Case(
        "a prototype name as a field",
        b'{"format": "coursebook-answers", "version": 1, '
        b'"worksheets": {"profile": {"values": {"__proto__": "x"}}}}',
        refused="answers.bad_field_id",
    ),
    Case("a scale out of range", profile({"confidence": 12}), refused="answers.bad_value"),
    Case(
        "a choice the field does not offer",
        profile({"stance": "Bored"}),
        refused="answers.bad_value",
    ),
    Case(
        "a box neither ticked nor not",
        profile({"log": [{"thanked": "maybe"}]}),
        refused="answers.bad_value",
    ),
    Case(
        "more entries than the list allows",
        profile({"industries": ["a", "b", "c", "d"]}),
        refused="answers.bad_value",
    ),
    Case(
        "a column the table does not have",
        profile({"log": [{"mood": "x"}]}),
        refused="answers.bad_value",
    ),
    Case("text far too long", profile({"name": "x" * 5001}), refused="answers.bad_value"),
    Case("true for text", profile({"name": True}), refused="answers.bad_value"),
    Case("an object in a list", profile({"industries": [{"a": 1}]}), refused="answers.bad_value"),
    Case(
        "an object kept for no field",
        profile({"gone": {"a": {"b": 1}}}),
        refused="answers.bad_value",
    ),
    Case("an update time that is a number", profile({}, updated=5), refused="answers.bad_text"),
    Case("times that are not an object", profile({}, times=["x"]), refused="answers.bad_text"),
]
