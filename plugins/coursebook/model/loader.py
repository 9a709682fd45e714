"""Worksheet YAML files in, ``Worksheet`` objects out; every mistake as a ``file:line:col`` error."""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Iterable
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jsonschema

import yaml

from coursebook import __version__
from coursebook.keyed import keyed_hash
from coursebook.model.errors import WorksheetError, WorksheetErrors
from coursebook.model.worksheet import FIELD_TYPES, Column, Field, Option, Section, Worksheet
from coursebook.model.yamlpos import DuplicateKeyError, LimitError, Positions, parse_yaml

SCHEMA_FILE = "worksheet.schema.json"
WORKSHEET_SUFFIXES = (".yml", ".yaml")
MAX_BYTES = 1_000_000
"""A worksheet file larger than this is refused (the longest real one is a few KB)."""


@cache
def worksheet_schema() -> dict[str, Any]:
    """The published JSON Schema of the worksheet format."""
    text = files("coursebook.model").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _validator() -> jsonschema.protocols.Validator:
    # imported here: a warm build whose worksheets come from the cache never needs it
    import jsonschema

    cls = jsonschema.validators.validator_for(worksheet_schema())
    return cls(worksheet_schema())


_TYPE_NAMES = {
    "string": "text",
    "integer": "a whole number",
    "array": "a list",
    "object": "a mapping of keys",
    "boolean": "true or false",
}


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _subject(path: tuple[str | int, ...], data: Any) -> str:
    """Name what a path points at: ``field 'industries'`` rather than ``sections/0/fields/2``."""
    names: list[str] = []
    node = data
    for i, step in enumerate(path):
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            break
        parent = path[i - 1] if i else None
        if isinstance(step, int) and isinstance(node, dict):
            kind = {
                "sections": "section",
                "fields": "field",
                "columns": "column",
                "options": "option",
            }.get(str(parent), "item")
            label = node.get("id") or node.get("value") or node.get("title")
            names.append(f"{kind} '{label}'" if isinstance(label, str) else f"{kind} {step + 1}")
    return ", ".join(names)


def _object_kind(path: tuple[str | int, ...], instance: Any) -> str:
    if not path:
        return "worksheet"
    parent = path[-2] if len(path) >= 2 else None
    if parent == "sections":
        return "section"
    if parent == "columns":
        return "column"
    if parent == "options":
        return "option"
    if parent == "fields" and isinstance(instance, dict):
        kind = instance.get("type")
        return f"field-{kind}" if kind in FIELD_TYPES else "field"
    return ""


def _allowed_keys(kind: str) -> list[str]:
    schema = worksheet_schema()
    node = schema if kind == "worksheet" else schema["$defs"].get(kind, {})
    return list(node.get("properties", {}))


def _message(error: jsonschema.ValidationError, data: Any, pos: Positions) -> WorksheetError:
    """Turn one JSON Schema error into the sentence an author needs."""
    path = tuple(error.absolute_path)
    # jsonschema types these as "Any | Unset"; a reported error always has them set
    instance: Any = error.instance
    expected_value: Any = error.validator_value
    last = path[-1] if path else None
    subject = _subject(path, data)
    prefix = f"{subject}: " if subject else ""
    key = path[-1] if path and isinstance(path[-1], str) else None
    kinds = {"sections": "section", "fields": "field", "columns": "column", "options": "option"}
    parent = str(path[-2]) if len(path) >= 2 else ""
    item = kinds.get(parent, "item")
    keyname = (
        f"'{key}'" if key else (f"{item} {last + 1}" if isinstance(last, int) else "the worksheet")
    )
    line, col = pos.of_value(path)
    validator = error.validator

    if validator == "additionalProperties":
        kind = _object_kind(path, instance)
        allowed = _allowed_keys(kind)
        unknown = [k for k in instance if k not in allowed]
        first = unknown[0] if unknown else "?"
        line, col = pos.of_key((*path, first))
        what = (
            f"a {kind.removeprefix('field-')} field" if kind.startswith("field-") else f"a {kind}"
        )
        what = what.replace("a option", "an option")
        return WorksheetError(
            "",
            f"{prefix}unknown key '{first}' for {what} (expected one of: {', '.join(allowed)})",
            line,
            col,
        )
    if validator == "required":
        missing = [k for k in expected_value if k not in instance]
        return WorksheetError("", f"{prefix}missing required key '{missing[0]}'", line, col)
    if validator == "type":
        expected = _TYPE_NAMES.get(str(expected_value), str(expected_value))
        hint = ""
        if expected_value == "string" and isinstance(instance, bool | int | float):
            hint = "; put it in quotes"
        return WorksheetError(
            "",
            f"{prefix}{keyname} must be {expected} (got {_describe(instance)}{hint})",
            line,
            col,
        )
    if validator in ("enum", "const") and key == "type":
        options = expected_value if validator == "enum" else [expected_value]
        kind = "column type" if len(path) >= 2 and path[-3:-2] == ("columns",) else "field type"
        kind = "column type" if "columns" in path else "field type"
        return WorksheetError(
            "",
            f"{prefix}unknown {kind} {_describe(instance)} (expected one of: {', '.join(options)})",
            line,
            col,
        )
    if validator == "pattern":
        return WorksheetError(
            "",
            f"{prefix}{keyname} must be lowercase letters, digits and single hyphens, "
            f"starting with a letter (got {_describe(instance)})",
            line,
            col,
        )
    if validator == "minLength":
        return WorksheetError("", f"{prefix}{keyname} must not be empty", line, col)
    if validator == "minItems":
        n = expected_value
        return WorksheetError(
            "", f"{prefix}{keyname} needs at least {n} item{'s' if n > 1 else ''}", line, col
        )
    if validator in ("minimum", "maximum"):
        bound = "at least" if validator == "minimum" else "at most"
        return WorksheetError(
            "",
            f"{prefix}{keyname} must be {bound} {expected_value} (got {_describe(instance)})",
            line,
            col,
        )
    if (
        validator == "oneOf"
        and key is None
        and isinstance(instance, list | bool | int | float | type(None))
    ):
        hint = "; put it in quotes" if isinstance(instance, bool | int | float) else ""
        return WorksheetError(
            "",
            f"{prefix}option {last + 1 if isinstance(last, int) else '?'} must be text or a mapping with value and label "
            f"(got {_describe(instance)}{hint})",
            line,
            col,
        )
    if validator == "oneOf" and isinstance(instance, dict) and path and path[-2:-1] == ("options",):
        allowed = _allowed_keys("option")
        extra = [k for k in instance if k not in allowed]
        if extra:
            line, col = pos.of_key((*path, extra[0]))
            return WorksheetError(
                "",
                f"{prefix}unknown key '{extra[0]}' for an option (expected one of: value, label)",
                line,
                col,
            )
        missing = [k for k in allowed if k not in instance]
        if missing:
            return WorksheetError("", f"{prefix}missing required key '{missing[0]}'", line, col)
    if validator == "oneOf" and key == "renamed_from":
        return WorksheetError(
            "", f"{prefix}'renamed_from' must be a field id or a list of field ids", line, col
        )
    return WorksheetError("", f"{prefix}{error.message}", line, col)


def _best_errors(data: Any) -> list[jsonschema.ValidationError]:
    """Schema errors, reduced to the most specific ones (one per place)."""
    found: list[jsonschema.ValidationError] = []
    for error in _validator().iter_errors(data):
        # if/then and oneOf wrap the useful error: dig for the deepest leaves
        stack = [error]
        while stack:
            e = stack.pop()
            if e.context and e.validator != "oneOf":
                stack.extend(e.context)
            elif e.validator == "oneOf" and e.context:
                # a string option failing its object branch: report the object branch's leaf
                leaves = [c for c in e.context if c.validator not in ("type",)]
                if isinstance(e.instance, dict) and leaves:
                    stack.extend(leaves)
                else:
                    found.append(e)
            else:
                found.append(e)
    return found


def _validate(data: Any, pos: Positions, display: str) -> list[WorksheetError]:
    errors = []
    seen: set[tuple[int | None, int | None, str]] = set()
    for schema_error in _best_errors(data):
        err = _message(schema_error, data, pos)
        err.path = display
        if (err.line, err.column, err.message) not in seen:
            seen.add((err.line, err.column, err.message))
            errors.append(err)
    return errors


def _options(raw: list[Any]) -> tuple[Option, ...]:
    return tuple(
        Option(o, o) if isinstance(o, str) else Option(o["value"], o["label"]) for o in raw
    )


def _field(raw: dict[str, Any], line: int) -> Field:
    kind = raw["type"]
    renamed = raw.get("renamed_from", ())
    common: dict[str, Any] = {
        "id": raw.get("id", ""),
        "type": kind,
        "label": raw.get("label", ""),
        "help": raw.get("help"),
        "placeholder": raw.get("placeholder"),
        "line": line,
        "renamed_from": (renamed,) if isinstance(renamed, str) else tuple(renamed),
    }
    if kind == "textarea":
        common["lines"] = raw.get("lines", 4)
    elif kind == "list":
        common.update(
            min=raw.get("min", 0),
            max=raw.get("max"),
            item_label=raw.get("item_label", "Entry"),
        )
        rows = raw.get("rows", 3)
        rows = max(rows, common["min"])
        common["rows"] = min(rows, common["max"]) if common["max"] else rows
    elif kind in ("checklist", "choice"):
        common["options"] = _options(raw["options"])
    elif kind == "scale":
        common.update(
            scale_min=raw.get("min", 1),
            scale_max=raw.get("max", 5),
            min_label=raw.get("min_label"),
            max_label=raw.get("max_label"),
        )
    elif kind == "table":
        columns = tuple(
            Column(
                c["id"],
                c["label"],
                c.get("type", "text"),
                c.get("placeholder"),
                c.get("lines", 3),
            )
            for c in raw["columns"]
        )
        min_rows, max_rows = raw.get("min_rows", 0), raw.get("max_rows")
        rows = max(raw.get("rows", 1), min_rows)
        common.update(
            columns=columns,
            min_rows=min_rows,
            max_rows=max_rows,
            rows=min(rows, max_rows) if max_rows else rows,
            row_label=raw.get("row_label", "Row"),
        )
    elif kind == "guidance":
        common["text"] = raw["text"]
    return Field(**common)


def _check_semantics(
    data: dict[str, Any], pos: Positions, display: str, stem: str
) -> list[WorksheetError]:
    """Rules JSON Schema cannot say: unique ids, sensible bounds, the id matching the file name."""
    errors: list[WorksheetError] = []

    def err(path: tuple[str | int, ...], message: str) -> None:
        line, col = pos.of_value(path)
        subject = _subject(path[:-1] if path and isinstance(path[-1], str) else path, data)
        errors.append(
            WorksheetError(display, f"{subject}: {message}" if subject else message, line, col)
        )

    if data["id"] != stem:
        err(
            ("id",), f"worksheet id '{data['id']}' does not match the file name (expected '{stem}')"
        )

    field_lines: dict[str, int] = {}
    section_lines: dict[str, int] = {}
    for s, section in enumerate(data["sections"]):
        if "id" in section:
            if section["id"] in section_lines:
                err(
                    ("sections", s, "id"),
                    f"duplicate section id '{section['id']}' (first used on line {section_lines[section['id']]})",
                )
            section_lines.setdefault(section["id"], pos.of_value(("sections", s, "id"))[0])
        for f, raw in enumerate(section["fields"]):
            here: tuple[str | int, ...] = ("sections", s, "fields", f)
            fid = raw.get("id")
            if fid is not None:
                if fid in field_lines:
                    err(
                        (*here, "id"),
                        f"duplicate field id '{fid}' (first used on line {field_lines[fid]})",
                    )
                field_lines.setdefault(fid, pos.of_value((*here, "id"))[0])
            kind = raw["type"]
            low, high = raw.get("min"), raw.get("max")
            if kind == "list" and low is not None and high is not None and low > high:
                err((*here, "min"), f"'min' ({low}) is greater than 'max' ({high})")
            if kind == "scale" and raw.get("min", 1) >= raw.get("max", 5):
                err(
                    (*here, "min"),
                    f"'min' ({raw.get('min', 1)}) must be lower than 'max' ({raw.get('max', 5)})",
                )
            if kind == "table":
                lo, hi = raw.get("min_rows"), raw.get("max_rows")
                if lo is not None and hi is not None and lo > hi:
                    err((*here, "min_rows"), f"'min_rows' ({lo}) is greater than 'max_rows' ({hi})")
                col_lines: dict[str, int] = {}
                for c, column in enumerate(raw["columns"]):
                    if column["id"] in col_lines:
                        err(
                            (*here, "columns", c, "id"),
                            f"duplicate column id '{column['id']}' (first used on line {col_lines[column['id']]})",
                        )
                    col_lines.setdefault(column["id"], pos.of_value((*here, "columns", c, "id"))[0])
            if kind in ("checklist", "choice"):
                values: dict[str, int] = {}
                for o, option in enumerate(raw["options"]):
                    value = option if isinstance(option, str) else option["value"]
                    if value in values:
                        err(
                            (*here, "options", o),
                            f"duplicate option '{value}' (first used on line {values[value]})",
                        )
                    values.setdefault(value, pos.of_value((*here, "options", o))[0])
    for s, section in enumerate(data["sections"]):
        for f, raw in enumerate(section["fields"]):
            old = raw.get("renamed_from", [])
            for name in [old] if isinstance(old, str) else old:
                if name in field_lines:
                    err(
                        ("sections", s, "fields", f, "renamed_from"),
                        f"'renamed_from' names '{name}', which is still a field id (line {field_lines[name]})",
                    )
    return errors


def load_worksheet(path: Path | str, display_path: str | None = None) -> Worksheet:
    """Read and validate one worksheet file; raises ``WorksheetErrors`` listing every mistake."""
    path = Path(path)
    display = display_path or str(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise WorksheetErrors(
                [
                    WorksheetError(
                        display, f"larger than {MAX_BYTES // 1_000_000} MB; not a worksheet"
                    )
                ]
            )
        content = path.read_bytes()
    except OSError as exc:
        raise WorksheetErrors(
            [WorksheetError(display, f"cannot read the file ({exc.strerror})")]
        ) from None
    return parse_worksheet(content, display, path.stem)


def parse_worksheet(content: bytes, display: str, stem: str) -> Worksheet:
    """One worksheet file's bytes -> a ``Worksheet``; ``stem`` is the id the file name gives."""
    if b"\x00" in content:
        line = content[: content.index(b"\x00")].count(b"\n") + 1
        raise WorksheetErrors(
            [
                WorksheetError(
                    display,
                    "holds a NUL byte, which text never does (a UTF-16 file?); save it as UTF-8",
                    line,
                )
            ]
        )
    try:
        text = content.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise WorksheetErrors(
            [
                WorksheetError(
                    display,
                    f"not UTF-8 text (byte 0x{content[exc.start]:02x} cannot be read); "
                    "save the file as UTF-8",
                    line,
                )
            ]
        ) from None
    try:
        data, pos = parse_yaml(text)
    except DuplicateKeyError as exc:
        raise WorksheetErrors(
            [
                WorksheetError(
                    display,
                    f"duplicate key '{exc.key}' (first used on line {exc.first_line})",
                    exc.line,
                    exc.column,
                )
            ]
        ) from None
    except LimitError as exc:
        raise WorksheetErrors(
            [WorksheetError(display, exc.message, exc.line, exc.column)]
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        problem = exc.problem or "invalid YAML"
        context = f" ({exc.context})" if exc.context else ""
        where = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise WorksheetErrors(
            [WorksheetError(display, f"invalid YAML: {problem}{context}", *where)]
        ) from None
    except yaml.YAMLError as exc:
        raise WorksheetErrors([WorksheetError(display, f"invalid YAML: {exc}")]) from None
    if data is None:
        raise WorksheetErrors(
            [
                WorksheetError(
                    display,
                    "the file is empty (expected a worksheet: id, title, version, sections)",
                    1,
                    1,
                )
            ]
        )
    if not isinstance(data, dict):
        raise WorksheetErrors(
            [
                WorksheetError(
                    display, f"a worksheet must be a mapping of keys (got {_describe(data)})", 1, 1
                )
            ]
        )

    errors = _validate(data, pos, display)
    if not errors:
        errors = _check_semantics(data, pos, display, stem)
    if errors:
        raise WorksheetErrors(errors)
    sections = tuple(
        Section(
            title=s["title"],
            id=s.get("id"),
            intro=s.get("intro"),
            fields=tuple(
                _field(raw, pos.of_value(("sections", i, "fields", j))[0])
                for j, raw in enumerate(s["fields"])
            ),
        )
        for i, s in enumerate(data["sections"])
    )
    return Worksheet(
        id=data["id"],
        title=data["title"],
        version=data["version"],
        intro=data.get("intro"),
        coach_notes=data.get("coach_notes"),
        sections=sections,
        source=display,
    )


def worksheet_files(directory: Path) -> list[Path]:
    """The worksheet files under ``directory``, sorted (an absent folder has none)."""
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.rglob("*") if p.suffix in WORKSHEET_SUFFIXES and p.is_file())


def load_worksheets(
    directory: Path | str, root: Path | str | None = None, cache_dir: Path | str | None = None
) -> dict[str, Worksheet]:
    """Load every worksheet in a folder; raises ``WorksheetErrors`` with the mistakes of all files.

    Paths in messages are relative to ``root`` (the project folder) when given. With
    ``cache_dir``, a valid worksheet is kept there keyed by a hash of its file, so an
    unchanged file is not parsed and validated again.
    """
    directory = Path(directory)
    base = Path(root) if root is not None else None
    cache = Path(cache_dir) if cache_dir is not None else None
    found: dict[str, Worksheet] = {}
    errors: list[WorksheetError] = []
    for path in worksheet_files(directory):
        display = _display(path, base)
        try:
            worksheet = _load_cached(path, display, cache)
        except WorksheetErrors as exc:
            errors.extend(exc.errors)
            continue
        if worksheet.id in found:
            errors.append(
                WorksheetError(
                    display,
                    f"duplicate worksheet id '{worksheet.id}' (already defined in {found[worksheet.id].source})",
                    1,
                )
            )
            continue
        found[worksheet.id] = worksheet
    if errors:
        raise WorksheetErrors(errors)
    return found


CACHE_FORMAT = 1


def _load_cached(path: Path, display: str, cache: Path | None) -> Worksheet:
    """The worksheet of ``path``, from the cache when its bytes are unchanged.

    An entry is plain JSON holding the file's digest: reading one can never run code, and
    an entry that does not check out (edited, damaged, another version) is ignored. The
    digest is keyed by this user's secret (``coursebook.keyed``), so an entry a course
    folder brings along is never found: every worksheet of it is validated here.
    """
    if cache is None:
        return load_worksheet(path, display)
    try:
        if path.stat().st_size > MAX_BYTES:
            return load_worksheet(path, display)  # reports the size
        content = path.read_bytes()
    except OSError:
        return load_worksheet(path, display)  # reports the read error
    # keyed by this user's secret: a course folder cannot bring an entry of its own
    hashed = keyed_hash(__version__, display)
    hashed.update(content)
    digest = hashed.hexdigest()
    entry = cache / f"{digest}.json"
    try:
        cached = json.loads(entry.read_text("utf-8"))
        if cached.get("cache") == CACHE_FORMAT and cached.get("digest") == digest:
            return _worksheet_from_data(cached["worksheet"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass  # absent or not ours: load the file itself
    worksheet = parse_worksheet(content, display, path.stem)
    record = {"cache": CACHE_FORMAT, "digest": digest, "worksheet": dataclasses.asdict(worksheet)}
    try:
        cache.mkdir(parents=True, exist_ok=True)
        partial = entry.with_name(f".{entry.name}.{os.getpid()}.part")
        partial.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
        os.replace(partial, entry)
    except OSError:
        pass  # a cache that cannot be written only costs time
    return worksheet


def _worksheet_from_data(data: dict[str, Any]) -> Worksheet:
    """A ``Worksheet`` back from ``dataclasses.asdict`` output (raises on anything else)."""

    def field_of(raw: dict[str, Any]) -> Field:
        raw = dict(raw)
        raw["renamed_from"] = tuple(str(n) for n in raw["renamed_from"])
        raw["options"] = tuple(Option(str(o["value"]), str(o["label"])) for o in raw["options"])
        raw["columns"] = tuple(Column(**c) for c in raw["columns"])
        return Field(**raw)

    sections = tuple(
        Section(
            title=str(s["title"]),
            fields=tuple(field_of(f) for f in s["fields"]),
            id=s["id"],
            intro=s["intro"],
        )
        for s in data["sections"]
    )
    data = {k: v for k, v in data.items() if k not in ("sections", "field_index")}
    return Worksheet(sections=sections, **data)


def _display(path: Path, base: Path | None) -> str:
    if base is not None:
        try:
            return path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def iter_answer_fields(worksheets: Iterable[Worksheet]) -> Iterable[tuple[Worksheet, Field]]:
    """Every (worksheet, answer field) pair, in order."""
    for worksheet in worksheets:
        for f in worksheet.fields:
            yield worksheet, f
