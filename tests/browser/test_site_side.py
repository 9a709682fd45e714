"""The site-side half of the runtime: course data, workbook list, published schema, message wording."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from coursebook.answers.format import answers_schema
from coursebook.html import render_workbook
from coursebook.i18n import CatalogueError, load_catalogue
from coursebook.model import load_worksheets

from tests.conftest import FIXTURES, ROOT, course_data, fixture_site, mkdocs_build


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.items: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "li" and "data-workbook-item" in a:
            self.items.append((a["data-workbook-item"] or "", None))
        if tag == "a" and "cb-workbook__link" in (a.get("class") or "") and self.items:
            self.items[-1] = (self.items[-1][0], a.get("href"))


def test_the_answers_schema_is_published(default_site: Path) -> None:
    published = json.loads((default_site / "schema" / "answers.schema.json").read_text("utf-8"))
    assert published == answers_schema()


def test_every_page_loads_the_course_data(default_site: Path) -> None:
    worksheets = load_worksheets(ROOT / "worksheets", ROOT)
    scripts = list((default_site / "assets" / "coursebook").glob("course-*.js"))
    assert len(scripts) == 1  # one file, cached once, for every page
    for page in sorted(default_site.rglob("index.html")):
        config = course_data(page)
        assert config["namespace"] == "informational-interviews"
        assert config["language"] == "en" and config["dir"] == "ltr"
        assert config["messages"] == load_catalogue("en").browser()
        sheets = config["worksheets"]
        assert isinstance(sheets, dict) and set(sheets) == set(worksheets)
        for ws_id, entry in sheets.items():
            assert entry["fields"] == [f.id for f in worksheets[ws_id].fields]
            assert entry["url"] and (default_site / entry["url"] / "index.html").is_file()


def test_the_workbook_lists_every_worksheet_in_reading_order(default_site: Path) -> None:
    html = (default_site / "workbook" / "index.html").read_text("utf-8")
    parser = Links()
    parser.feed(html)
    ids = [ws_id for ws_id, _ in parser.items]
    assert ids[:2] == ["define-your-space", "people-to-meet"]  # chapter 2 comes first
    assert ids[-1] == "commitment"  # chapter 6
    assert sorted(ids) == sorted(load_worksheets(ROOT / "worksheets", ROOT))
    for ws_id, href in parser.items:
        assert href and href.endswith(f"#cb-{ws_id}")
        target = (default_site / "workbook" / href.split("#")[0] / "index.html").resolve()
        assert f'id="cb-{ws_id}"' in target.read_text("utf-8"), href
    for action in ("Export all answers", "Import answers", "Clear all answers"):
        assert action in html


def test_material_search_dialog_is_named_on_every_page(default_site: Path) -> None:
    for page in sorted(default_site.rglob("*.html")):
        html = page.read_text("utf-8")
        if 'data-md-component="search"' in html:
            assert 'role="dialog" aria-label="Search"' in html, page


def test_a_worksheet_on_no_page_is_listed_without_a_link() -> None:
    worksheets = load_worksheets(FIXTURES / "site" / "worksheets", FIXTURES / "site")
    html = render_workbook(worksheets.values(), {}, load_catalogue("en"))
    assert 'data-workbook-item="every-field"' in html
    assert "cb-workbook__link" in html and 'class="cb-workbook__link" href' not in html
    assert "8 questions" in html


def test_message_overrides_replace_the_defaults_and_unknown_ids_are_named() -> None:
    ours = load_catalogue("en", {"runtime.saved": "Gespeichert um {time}"})
    assert ours("runtime.saved", time="10:42") == "Gespeichert um 10:42"
    assert ours("runtime.cleared") == load_catalogue("en")("runtime.cleared")
    assert load_catalogue("en", {"runtime.savd": "x"}).unknown == ("runtime.savd",)
    with pytest.raises(CatalogueError, match="'savd' is not a message id"):
        load_catalogue("en", {"savd": "x"})


def test_a_course_words_its_own_messages(tmp_path: Path) -> None:
    source = tmp_path / "course"
    fixture_site(source)
    config = source / "mkdocs.yml"
    text = config.read_text("utf-8").replace(
        "  - worksheets\n",
        '  - worksheets:\n      messages:\n        runtime.saved: "Gespeichert um {time}"\n'
        '        form.export: "Antworten exportieren"\n',
    )
    config.write_text(text, encoding="utf-8")
    build = mkdocs_build(config, tmp_path / "site")
    assert build.returncode == 0, build.log
    messages = course_data(tmp_path / "site" / "index.html")["messages"]
    assert messages["runtime.saved"] == "Gespeichert um {time}"
    assert ">Antworten exportieren</button>" in (tmp_path / "site" / "index.html").read_text()

    config.write_text(text.replace("runtime.saved:", "runtime.savd:"), encoding="utf-8")
    build = mkdocs_build(config, tmp_path / "site")
    assert build.returncode != 0  # --strict: the warning fails the build
    assert any("unknown message id(s) runtime.savd" in w for w in build.warnings), build.log
