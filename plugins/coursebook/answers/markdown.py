"""An answers document (read through the contract) + the course's worksheets in, readable Markdown out."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from coursebook.i18n import Catalogue
from coursebook.model import Field, Option, Worksheet


def answers_markdown(
    answers: Mapping[str, Any],
    worksheets: Sequence[Worksheet],
    title: str,
    t: Catalogue,
    *,
    coach_notes: bool = True,
) -> str:
    """The answered worksheets, in course order, with every field (unanswered ones marked).

    ``answers`` has been read through the answers contract (renamed fields moved).
    ``worksheets`` is the course's worksheets in course order. Each worksheet's coach
    notes come first, quoted, unless ``coach_notes`` is false. Answers kept from an older
    version follow their worksheet; answers for worksheets the course does not have are
    listed at the end, so nothing in the file goes unseen.
    """
    stored: Mapping[str, Any] = answers.get("worksheets", {})
    out = [f"# {_inline(title)}", ""]
    about = []
    if answers.get("client"):
        about.append(_inline(t("show.client", client=answers["client"])))
    if answers.get("course"):
        about.append(_inline(t("show.course", course=answers["course"])))
    if answers.get("exported"):
        about.append(_inline(t("show.exported", date=answers["exported"])))
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
            out += [f"_{_inline(t('show.updated', date=entry['updated']))}_", ""]
        if coach_notes and ws.coach_notes:
            # the notes are the author's own Markdown: quoted as written
            notes = [f"> **{_inline(t('show.coach_notes'))}**", ">"]
            notes += [f"> {line}".rstrip() for line in ws.coach_notes.strip().splitlines()]
            out += [*notes, ""]
        for section in ws.sections:
            fields = [f for f in section.fields if f.holds_answer]
            if not fields:
                continue
            out += [f"### {_inline(section.title)}", ""]
            for f in fields:
                out += [f"**{_inline(f.label)}**", "", *_value(f, values.get(f.id), t), ""]
        kept = [k for k in values if k not in ws.field_index and _has(values[k])]
        if kept:
            out += [f"### {_inline(t('show.kept'))}", ""]
            for key in kept:
                base, _, version = key.partition("@v")
                label = ws.field_index[base].label if base in ws.field_index else base
                if version:
                    label = t("runtime.kept_label", label=label, version=int(version.rstrip("+")))
                old = values[key]
                text = old if isinstance(old, str) else json.dumps(old, ensure_ascii=False)
                out += [f"**{_inline(label)}**", "", *_paragraph(text), ""]
    if not shown:
        out += [f"_{_inline(t('show.nothing'))}_", ""]
    extra = _leftovers(stored, {ws.id: ws for ws in worksheets}, known)
    if extra:
        out += [f"## {_inline(t('show.not_in_course'))}", "", *extra, ""]
    return "\n".join(out).rstrip("\n") + "\n"


def _value(f: Field, value: Any, t: Catalogue) -> list[str]:
    if value is None or value == "" or value == []:
        return [f"_{_inline(t('show.no_answer'))}_"]
    if f.type == "scale":
        return [_inline(t("show.scale", value=value, max=f.scale_max))]
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
        return _table(f, value, t)
    if isinstance(value, str):
        return _paragraph(value)
    return [_inline(json.dumps(value, ensure_ascii=False))]


def _option_label(options: Sequence[Option], value: Any) -> str:
    for option in options:
        if option.value == value:
            return option.label
    return "" if value is None else str(value)


def _table(f: Field, rows: list[Any], t: Catalogue) -> list[str]:
    head = "| " + " | ".join(_cell(c.label) for c in f.columns) + " |"
    rule = "| " + " | ".join("---" for _ in f.columns) + " |"
    lines = [head, rule]
    for row in rows:
        cells = row if isinstance(row, Mapping) else {}
        texts = []
        for c in f.columns:
            cell = cells.get(c.id)
            if c.type == "checkbox":
                texts.append(_cell(t("show.yes") if cell is True else t("show.no")))
            else:
                texts.append(_cell("" if cell is None else str(cell)))
        lines.append("| " + " | ".join(texts) + " |")
    return lines


def _has(value: Any) -> bool:
    return value not in (None, "", [], False)


def _leftovers(
    stored: Mapping[str, Any], course: Mapping[str, Worksheet], known: set[str]
) -> list[str]:
    """The answers of worksheets this course does not have."""
    lines = []
    for worksheet_id, entry in stored.items():
        if worksheet_id in known:
            continue
        for field_id, value in entry.get("values", {}).items():
            shown = json.dumps(value, ensure_ascii=False)
            lines.append(f"- {_inline(worksheet_id)} / {_inline(field_id)}: {_inline(shown)}")
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
