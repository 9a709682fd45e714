"""A ``Worksheet`` in, the HTML of its accessible web form out (Jinja2, autoescaped)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

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
        bytecode_cache=compiled_template_cache(),
    )
    return env


def compiled_template_cache() -> jinja2.BytecodeCache | None:
    """Jinja's cache of compiled templates, so a build compiles a template only when
    coursebook's copy of it changed (the form template took about 70 ms of every build).

    In the user's own cache folder, never in a course folder: compiled templates are code,
    and a course folder may come from someone else. None when that folder is not writable.
    """
    import platformdirs

    folder = Path(platformdirs.user_cache_dir("coursebook")) / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))


def render_worksheet(worksheet: Worksheet, markdown: MarkdownToHtml, t: Catalogue) -> str:
    """The worksheet as ``<form data-worksheet="<id>">``; ``markdown`` renders intro and
    guidance, ``t`` gives the words around the author's own (buttons, dialogs)."""
    template = _environment().get_template("worksheet.html.j2")
    html = template.render(ws=worksheet, markdown=lambda text: Markup(markdown(text)), t=t)
    return html.strip() + "\n"
