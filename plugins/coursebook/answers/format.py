"""Answers files in and out: parse + validate (one-line errors), create, serialise."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema

FORMAT = "coursebook-answers"
VERSION = 1

Answers = dict[str, Any]


class AnswersError(Exception):
    """An answers file that cannot be used; ``str()`` is one line naming the file and the place."""


@cache
def answers_schema() -> dict[str, Any]:
    """The published JSON Schema of the answers file."""
    schema: dict[str, Any] = json.loads(
        files("coursebook.answers").joinpath("answers.schema.json").read_text("utf-8")
    )
    return schema


def parse_answers(text: str, source: str = "answers file") -> Answers:
    """Parse and validate answers JSON text; raises ``AnswersError``."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise AnswersError(
            f"{source}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg})"
        ) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise AnswersError(
            f'{source}: not a coursebook answers file (expected "format": "{FORMAT}")'
        )
    if data.get("version") != VERSION:
        raise AnswersError(
            f"{source}: answers file version {data.get('version')!r} is not supported (expected {VERSION})"
        )
    validator = jsonschema.Draft202012Validator(answers_schema())
    error = jsonschema.exceptions.best_match(validator.iter_errors(data))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        raise AnswersError(f"{source}: {where}: {error.message}")
    return data


def load_answers(path: Path | str) -> Answers:
    """Read and validate an answers file; raises ``AnswersError``."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise AnswersError(f"{path}: cannot read the answers file ({exc})") from None
    return parse_answers(text, str(path))


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
