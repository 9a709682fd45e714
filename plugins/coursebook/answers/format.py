"""Answers documents made and written: the format's name and version, a new document, its JSON text.

Reading one goes through the answers contract (``coursebook.answers.contract``)."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from functools import cache
from importlib.resources import files
from typing import Any

FORMAT = "coursebook-answers"
VERSION = 1

Answers = dict[str, Any]


@cache
def answers_schema() -> dict[str, Any]:
    """The published JSON Schema of the answers file (the format; each course's
    ``answers-contract.json`` says what its fields accept)."""
    schema: dict[str, Any] = json.loads(
        files("coursebook.answers").joinpath("answers.schema.json").read_text("utf-8")
    )
    return schema


def now_iso() -> str:
    """The current UTC time as ISO 8601 with a Z, as the browser writes it."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_answers(
    course: str, worksheets: dict[str, dict[str, Any]] | None = None, **extra: Any
) -> Answers:
    """A fresh answers document; ``worksheets`` maps id -> {version, updated, values}."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "course": course,
        "exported": now_iso(),
        **extra,
        "worksheets": worksheets or {},
    }


def dump_answers(answers: Answers) -> str:
    """Answers as pretty, stable JSON text (UTF-8, not ASCII-escaped)."""
    return json.dumps(answers, ensure_ascii=False, indent=2) + "\n"
