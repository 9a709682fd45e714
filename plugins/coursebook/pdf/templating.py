"""The Jinja2 environment of the PDF templates (package data in ``templates/``), with its filters."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

import jinja2

from coursebook.answers.fields import list_slots, table_slots
from coursebook.html.render import compiled_template_cache
from coursebook.model import Column

LINE_MM = 7.5
"""Height of one line of writing space, in millimetres (handwriting needs 7-9 mm)."""


def display_url(url: str) -> str:
    """A web address as people write it: ``https://www.example.com/`` -> ``www.example.com``."""
    parts = urlsplit(url)
    return (parts.netloc + parts.path.rstrip("/")) or url


@dataclass(frozen=True)
class ColumnRun:
    """Neighbouring table columns laid out together: short ones side by side, long ones stacked."""

    short: bool
    columns: tuple[Column, ...]


def column_runs(columns: Sequence[Column]) -> list[ColumnRun]:
    """Columns in their order, grouped into runs of short (one-line) and long (textarea) ones."""
    runs: list[ColumnRun] = []
    for column in columns:
        short = column.type != "textarea"
        if runs and runs[-1].short == short:
            runs[-1] = ColumnRun(short, (*runs[-1].columns, column))
        else:
            runs.append(ColumnRun(short, (column,)))
    return runs


@cache
def environment() -> jinja2.Environment:
    """Autoescaping, strict about undefined names, with the helpers the templates use."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("coursebook.pdf", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        bytecode_cache=compiled_template_cache(),
    )
    env.globals.update(
        list_slots=list_slots, table_slots=table_slots, column_runs=column_runs, line_mm=LINE_MM
    )
    env.filters["display_url"] = display_url
    return env
