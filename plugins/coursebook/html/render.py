"""A ``Worksheet`` in, the HTML of its accessible web form out (Jinja2, autoescaped)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import jinja2
from markupsafe import Markup

from coursebook.model import Worksheet

MarkdownToHtml = Callable[[str], str]


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("coursebook.html", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    return env


def render_worksheet(worksheet: Worksheet, markdown: MarkdownToHtml) -> str:
    """The worksheet as ``<form data-worksheet="<id>">``; ``markdown`` renders intro and guidance."""
    template = _environment().get_template("worksheet.html.j2")
    html = template.render(ws=worksheet, markdown=lambda text: Markup(markdown(text)))
    return html.strip() + "\n"
