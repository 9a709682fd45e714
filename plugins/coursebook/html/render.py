"""A ``Worksheet`` in, the HTML of its accessible web form out (Jinja2, autoescaped)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import jinja2
from markupsafe import Markup

from coursebook.i18n import Catalogue
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


def render_worksheet(worksheet: Worksheet, markdown: MarkdownToHtml, t: Catalogue) -> str:
    """The worksheet as ``<form data-worksheet="<id>">``; ``markdown`` renders intro and
    guidance, ``t`` gives the words around the author's own (buttons, dialogs)."""
    template = _environment().get_template("worksheet.html.j2")
    html = template.render(ws=worksheet, markdown=lambda text: Markup(markdown(text)), t=t)
    return html.strip() + "\n"
