"""An answers document + the course's worksheets in, the answers as readable Markdown out.

Also says what an answers file holds that the course does not have (``unknown_answers``),
so callers can warn about it without dropping it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from coursebook.model import Field, Option, Worksheet

NO_ANSWER = "_No answer_"


def unknown_answers(answers: Mapping[str, Any], worksheets: Mapping[str, Worksheet]) -> list[str]:
    """One line per worksheet or field in ``answers`` that the course does not have."""
    lines = []
    for worksheet_id, entry in answers.get("worksheets", {}).items():
        worksheet = worksheets.get(worksheet_id)
        if worksheet is None:
            lines.append(f"worksheet '{worksheet_id}' is not in this course")
            continue
        for field_id in entry.get("values", {}):
            if field_id not in worksheet.field_index:
                lines.append(f"worksheet '{worksheet_id}' has no field '{field_id}'")
    return lines


def answers_markdown(
    answers: Mapping[str, Any], worksheets: Sequence[Worksheet], title: str = "Answers"
) -> str:
    """The answered worksheets, in course order, with every field (unanswered ones marked).

    ``worksheets`` is the course's worksheets in course order. Values the course has no
    place for are listed at the end as they are, so nothing in the file goes unseen.
    """
    stored: Mapping[str, Any] = answers.get("worksheets", {})
    out = [f"# {_inline(title)}", ""]
    about = []
    if answers.get("client"):
        about.append(f"Client: {_inline(str(answers['client']))}")
    if answers.get("course"):
        about.append(f"Course: {_inline(str(answers['course']))}")
    if answers.get("exported"):
        about.append(f"Exported: {_inline(str(answers['exported']))}")
    if about:
        out += ["  \n".join(about), ""]
    known = {ws.id for ws in worksheets}
    shown = 0
    for ws in worksheets:
        entry = stored.get(ws.id)
        if entry is None:
            continue
        shown += 1
        values: Mapping[str, Any] = entry.get("values", {})
        out += [f"## {_inline(ws.title)}", ""]
        if entry.get("updated"):
            out += [f"_Last changed: {_inline(str(entry['updated']))}_", ""]
        for section in ws.sections:
            fields = [f for f in section.fields if f.holds_answer]
            if not fields:
                continue
            out += [f"### {_inline(section.title)}", ""]
            for f in fields:
                out += [f"**{_inline(f.label)}**", "", *_value(f, values.get(f.id)), ""]
    if not shown:
        out += ["_This file holds no answers for this course's worksheets._", ""]
    extra = _leftovers(stored, {ws.id: ws for ws in worksheets}, known)
    if extra:
        out += ["## Not in this course", "", *extra, ""]
    return "\n".join(out).rstrip("\n") + "\n"


def _value(f: Field, value: Any) -> list[str]:
    if value is None or value == "" or value == []:
        return [NO_ANSWER]
    if f.type == "scale":
        return [f"{_inline(str(value))} / {f.scale_max}"]
    if f.type == "choice":
        return _paragraph(_option_label(f.options, value))
    if f.type == "checklist" and isinstance(value, list):
        # in the worksheet's option order, then any values it no longer offers
        known = [o.value for o in f.options]
        ticked = [v for v in known if v in value] + [v for v in value if v not in known]
        return [_bullet(_option_label(f.options, v)) for v in ticked]
    if f.type == "list" and isinstance(value, list):
        return [_bullet("" if v is None else str(v)) for v in value]
    if f.type == "table" and isinstance(value, list):
        return _table(f, value)
    if isinstance(value, str):
        return _paragraph(value)
    return [_inline(json.dumps(value, ensure_ascii=False))]


def _option_label(options: Sequence[Option], value: Any) -> str:
    for option in options:
        if option.value == value:
            return option.label
    return "" if value is None else str(value)


def _table(f: Field, rows: list[Any]) -> list[str]:
    head = "| " + " | ".join(_cell(c.label) for c in f.columns) + " |"
    rule = "| " + " | ".join("---" for _ in f.columns) + " |"
    lines = [head, rule]
    for row in rows:
        cells = row if isinstance(row, Mapping) else {}
        texts = []
        for c in f.columns:
            cell = cells.get(c.id)
            if c.type == "checkbox":
                texts.append("Yes" if cell is True else "No")
            else:
                texts.append(_cell("" if cell is None else str(cell)))
        lines.append("| " + " | ".join(texts) + " |")
    return lines


def _leftovers(
    stored: Mapping[str, Any], course: Mapping[str, Worksheet], known: set[str]
) -> list[str]:
    lines = []
    for worksheet_id, entry in stored.items():
        worksheet = course.get(worksheet_id) if worksheet_id in known else None
        for field_id, value in entry.get("values", {}).items():
            if worksheet is None or field_id not in worksheet.field_index:
                shown = json.dumps(value, ensure_ascii=False)
                lines.append(f"- `{worksheet_id}` / `{field_id}`: {_inline(shown)}")
    return lines


_INLINE_MARKUP = set("\\`*_[]|")
# raw HTML and entities: no backslash escape works for them in every Markdown dialect
_HTML_START = re.compile(r"<(?=[A-Za-z/!?])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
_BLOCK_START = re.compile(r"^(\s*)([#>+-])|^(\s*\d+)([.)])")


def _escape(text: str) -> str:
    """Backslash what would turn a learner's text into Markdown markup, and nothing more."""
    text = "".join("\\" + c if c in _INLINE_MARKUP else c for c in text)
    text = _HTML_START.sub("&lt;", _ENTITY.sub("&amp;", text))
    return _BLOCK_START.sub(
        lambda m: (m.group(1) or m.group(3) or "") + "\\" + (m.group(2) or m.group(4)), text
    )


def _inline(text: str) -> str:
    return _escape(" ".join(text.split()))


def _paragraph(text: str) -> list[str]:
    """Multi-line text kept line by line (hard breaks), blank lines kept as empty lines."""
    lines = [_escape(line.rstrip()) for line in text.splitlines()] or [""]
    last = len(lines) - 1
    return [
        line + "  " if line and i < last and lines[i + 1] else line for i, line in enumerate(lines)
    ]


def _bullet(text: str) -> str:
    lines = [_escape(line.rstrip()) for line in text.splitlines()] or [""]
    first, *rest = lines
    return "\n".join([f"- {first}".rstrip(), *(f"  {line}" for line in rest if line)])


def _cell(text: str) -> str:
    return "<br>".join(_escape(line.strip()) for line in text.splitlines()) or " "
