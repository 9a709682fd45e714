"""Typed worksheet objects: what a validated worksheet YAML file becomes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

FIELD_TYPES = (
    "text",
    "textarea",
    "list",
    "checklist",
    "choice",
    "scale",
    "date",
    "table",
    "guidance",
)
"""Every field type a worksheet may use, in the order the README documents them."""

ANSWER_FIELD_TYPES = tuple(t for t in FIELD_TYPES if t != "guidance")
"""Field types that hold an answer (``guidance`` is read-only text)."""

COLUMN_TYPES = ("text", "textarea", "date", "checkbox")
"""Control types a table column may use."""


@dataclass(frozen=True)
class Option:
    """One option of a checklist or choice: ``value`` is stored, ``label`` is shown."""

    value: str
    label: str


@dataclass(frozen=True)
class Column:
    """One named column of a table field."""

    id: str
    label: str
    type: str = "text"
    placeholder: str | None = None
    lines: int = 3


@dataclass(frozen=True)
class Field:
    """One field of a worksheet; which attributes matter depends on ``type``."""

    id: str
    type: str
    label: str = ""
    help: str | None = None
    placeholder: str | None = None
    line: int = 0
    renamed_from: tuple[str, ...] = ()
    # textarea: writing space, in lines (web height, printed ruled lines)
    lines: int = 4
    # list: repeatable short entries
    min: int = 0
    max: int | None = None
    rows: int = 3
    item_label: str = "Entry"
    # checklist / choice
    options: tuple[Option, ...] = ()
    # scale
    scale_min: int = 1
    scale_max: int = 5
    min_label: str | None = None
    max_label: str | None = None
    # table
    columns: tuple[Column, ...] = ()
    min_rows: int = 0
    max_rows: int | None = None
    row_label: str = "Row"
    # guidance: Markdown text
    text: str = ""

    @property
    def holds_answer(self) -> bool:
        """True for every type except read-only guidance."""
        return self.type != "guidance"

    @property
    def scale_values(self) -> range:
        """The numbers a scale offers, inclusive."""
        return range(self.scale_min, self.scale_max + 1)


@dataclass(frozen=True)
class Section:
    """A titled group of fields (a ``fieldset`` on the web, a block in the PDF)."""

    title: str
    fields: tuple[Field, ...]
    id: str | None = None
    intro: str | None = None


@dataclass(frozen=True)
class Worksheet:
    """A whole worksheet, as loaded from ``worksheets/<id>.yml``."""

    id: str
    title: str
    version: int
    sections: tuple[Section, ...]
    intro: str | None = None
    coach_notes: str | None = None
    """Markdown for the coach (review page, ``answers show``); never shown to learners."""
    source: str = ""
    field_index: dict[str, Field] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for section in self.sections:
            for f in section.fields:
                if f.holds_answer:
                    self.field_index[f.id] = f

    @property
    def fields(self) -> Iterator[Field]:
        """The fields that hold answers, in page order."""
        return iter(self.field_index.values())

    def field(self, field_id: str) -> Field:
        """The answer field with this id (``KeyError`` if there is none)."""
        return self.field_index[field_id]
