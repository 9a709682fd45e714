"""The shipped course: nav complete, each worksheet on exactly one page, strict build, metadata."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from coursebook.project import Project

from tests.conftest import ROOT

PROJECT = Project.load(ROOT / "mkdocs.yml")


def nav_files(nav: list[Any]) -> list[str]:
    found: list[str] = []
    for item in nav:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        if isinstance(value, list):
            found.extend(nav_files(value))
        elif isinstance(value, str) and not value.startswith(("http://", "https://")):
            found.append(value)
    return found


def test_every_nav_page_exists() -> None:
    pages = nav_files(PROJECT.nav)
    assert len(pages) >= 8
    for page in pages:
        assert (PROJECT.docs_dir / page).is_file(), page


def test_every_worksheet_is_used_on_exactly_one_page() -> None:
    worksheets, errors = PROJECT.check()
    assert errors == []
    used = PROJECT.references()
    assert len(worksheets) >= 7
    for worksheet_id in worksheets:
        assert len(used.get(worksheet_id, [])) == 1, (worksheet_id, used.get(worksheet_id))
    assert set(used) <= set(worksheets)


def test_built_course_has_every_worksheet_form(default_site: Path) -> None:
    worksheets, _ = PROJECT.check()
    forms: list[str] = []
    for page in default_site.rglob("*.html"):
        forms += re.findall(
            r'<form class="cb-worksheet" data-worksheet="([a-z0-9-]+)"', page.read_text()
        )
    assert sorted(forms) == sorted(worksheets)


def test_search_finds_the_worksheets_questions_and_none_of_their_controls(
    default_site: Path,
) -> None:
    """A result must land on something a learner can see: not a closed dialog, a row
    template (``__n__``) or the buttons the runtime shows."""
    index = json.loads((default_site / "search" / "search_index.json").read_text())
    entries = index["docs"]
    text = " ".join(entry["title"] + " " + entry["text"] for entry in entries)
    assert "Industries you want to work in or sell to" in text  # a question: found
    for control in (
        "__n__",
        "Clear your answers?",
        "Import answers?",
        "Export answers",
        "Add Industry",
    ):
        assert control not in text, control
    assert not [
        e["location"] for e in entries if e["location"].endswith(("-clear-title", "-import-title"))
    ]


def test_every_chapter_has_a_description_for_search_and_social(default_site: Path) -> None:
    for page in nav_files(PROJECT.nav):
        html_path = default_site / (
            "index.html" if page == "index.md" else page[:-3] + "/index.html"
        )
        html = html_path.read_text()
        match = re.search(r'<meta name="description" content="([^"]+)"', html)
        assert match, page
        assert match.group(1) != PROJECT.settings["site_description"], (
            f"{page} reuses the site description"
        )


def test_no_third_party_fonts_or_hosts_in_pages(default_site: Path) -> None:
    for page in default_site.rglob("*.html"):
        html = page.read_text()
        assert "fonts.googleapis" not in html and "fonts.gstatic" not in html, page


def test_the_next_links_walk_the_learner_through_and_leave_the_coach_page_out(
    default_site: Path,
) -> None:
    chain, page = [], default_site / "index.html"
    while True:
        html = page.read_text(encoding="utf-8")
        chain.append(page.parent.relative_to(default_site).as_posix())
        found = re.search(r'<a href="([^"]+)" class="md-footer__link md-footer__link--next"', html)
        if not found:
            break
        page = (page.parent / found.group(1) / "index.html").resolve()
    assert chain[0] == "." and chain[-2:] == ["workbook", "privacy"]
    assert chain[-3] == "next-steps"  # the last chapter leads to the learner's own workbook
    assert "review" not in chain
    # still there, and reachable from the first page
    assert (default_site / "review" / "index.html").is_file()
    assert 'href="review/"' in (default_site / "index.html").read_text(encoding="utf-8")
