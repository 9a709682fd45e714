"""Worksheet rendering: golden HTML for every field type, accessible structure, inert YAML text."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from coursebook.html import WorksheetBlockExtension, render_worksheet, safe_markdown
from coursebook.i18n import load_catalogue
from coursebook.model import (
    drop_repeated_blocks,
    find_references,
    load_worksheet,
    repeated_references,
)
from markdown import Markdown

from tests.golden import check_golden

RENDER = Path(__file__).parent / "golden" / "render"
MARKDOWN = safe_markdown(["admonition", "attr_list", "md_in_html"])


def render(case: str) -> str:
    return render_worksheet(load_worksheet(RENDER / f"{case}.yml"), MARKDOWN, load_catalogue("en"))


@pytest.mark.parametrize("case", sorted(p.stem for p in RENDER.glob("*.yml")))
def test_render_is_golden(case: str) -> None:
    check_golden(render(case), RENDER / f"{case}.html")


class Controls(HTMLParser):
    """Collects controls, labels, ids and the fieldset/legend nesting of rendered HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict[str, str | None]] = []
        self.label_for: set[str] = set()
        self.ids: list[str] = []
        self.fieldsets = 0
        self.legends = 0
        self.tags: list[str] = []
        self.in_template = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append(tag)
        if tag == "template":
            self.in_template += 1
        if self.in_template:
            return
        if a.get("id"):
            self.ids.append(a["id"] or "")
        if tag in ("input", "textarea", "select"):
            self.controls.append(a)
        if tag == "label" and a.get("for"):
            self.label_for.add(a["for"] or "")
        self.fieldsets += tag == "fieldset"
        self.legends += tag == "legend"

    def handle_endtag(self, tag: str) -> None:
        if tag == "template":
            self.in_template -= 1


def test_every_control_has_a_label_and_ids_are_unique() -> None:
    parsed = Controls()
    parsed.feed(render("every-field"))
    assert len(parsed.controls) > 20
    for control in parsed.controls:
        assert control["id"] in parsed.label_for, control
    assert len(parsed.ids) == len(set(parsed.ids))
    assert parsed.fieldsets == parsed.legends > 0


def test_help_is_tied_with_aria_describedby() -> None:
    html = render("every-field")
    assert 'aria-describedby="cb-every-field-name-help"' in html
    assert 'id="cb-every-field-name-help"' in html


def test_form_contract() -> None:
    html = render("every-field")
    assert html.startswith('<form class="cb-worksheet" data-worksheet="every-field"')
    for action in ("Export", "Import", "Clear", "Print"):
        assert f"{action} answers" in html or f"{action} worksheet" in html
    assert 'name="log:1:thanked"' in html and 'name="industries:2"' in html


def test_yaml_text_renders_inert() -> None:
    html = render("xss")
    parsed = Controls()
    parsed.feed(html)
    assert "script" not in parsed.tags
    assert "img" not in parsed.tags
    assert "iframe" not in parsed.tags
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert 'href="javascript' not in html
    # an attribute value cannot be broken out of
    assert 'placeholder="&#34; autofocus onfocus=&#34;alert(6)"' in html


def test_a_worksheet_placed_twice_on_a_page_is_rendered_once() -> None:
    """The repeat would give the page every field id twice; it is taken out before the
    Markdown is converted, up to its closing line, and the text around it stays."""
    page = (
        "Intro\n\n/// worksheet | w\n///\n\nBetween\n\n"
        "```\n/// worksheet | w\n```\n\n"  # in code: not a block
        "//// worksheet | w\n////\n\nAfter\n"
    )
    refs = find_references(page)
    assert [(ref.worksheet_id, n) for ref, n in repeated_references(refs)] == [("w", 2)]
    dropped = drop_repeated_blocks(page)
    assert dropped.count("worksheet | w") == 2  # the first block and the one in code
    assert "////" not in dropped and "Between" in dropped and "After" in dropped

    worksheet = load_worksheet(RENDER / "every-field.yml")
    rendered: list[str] = []

    def render_form(ws: object) -> str:
        rendered.append(str(ws))
        return "<form></form>"

    md = Markdown(extensions=[WorksheetBlockExtension({"w": worksheet}, render_form)])
    html = md.convert(page)  # the repeat left in: the block itself renders it empty
    assert len(rendered) == 1 and html.count("<form>") == 1


def test_compiled_templates_are_kept_in_the_users_cache_only(tmp_path: Path) -> None:
    """Compiled templates are code: they go to the user's cache folder (here redirected),
    and a second process loads them from there instead of compiling again."""
    import os
    import subprocess
    import sys

    script = (
        "from coursebook.html.render import _environment\n"
        "from coursebook.pdf.templating import environment\n"
        "_environment().get_template('worksheet.html.j2')\n"
        "environment().get_template('book.html.j2')\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "user-cache")}
    folder = tmp_path / "user-cache" / "coursebook" / "templates"
    written = []
    for _ in range(2):
        run = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True)
        assert run.returncode == 0, run.stderr
        written.append({p.name: p.stat().st_mtime_ns for p in folder.glob("*.cache")})
    assert len(written[0]) == 2  # the form and the book (templates it includes load when used)
    assert written[1] == written[0]  # loaded, not compiled and written again
