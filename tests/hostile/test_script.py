"""Category 1: script in the learner's browser.

Hostile page Markdown (raw HTML, ``attr_list`` attributes, entity-encoded ``javascript:``
links, front matter) and hostile worksheet text (intro, guidance, help, labels, titles,
options, coach notes) from one course built once (``sitecourse``). Each page is opened in
Chromium: no payload may run (``window.__pwned`` never set, no dialog), nothing script-
capable may be left in the content, no page error, no request leaves 127.0.0.1, the page
stays where it is, and each worksheet still saves under ``<namespace>:<worksheet-id>``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import serve
from tests.hostile import sitecourse
from tests.hostile.browser import Tab, storage
from tests.hostile.sitecourse import NAMESPACE, PAGE_CASES, SHEET_CASES, PageCase, SheetCase

BACKGROUND_RANK = 10
BACKGROUND = sitecourse.background_jobs


def page_url(hostile_url: str, folder: str, name: str) -> str:
    return f"{hostile_url}{folder}/{sitecourse.page_slug(name)}/"


@pytest.mark.parametrize("case", PAGE_CASES, ids=[c.name for c in PAGE_CASES])
def test_page_markdown_runs_no_script(tab: Tab, hostile_url: str, case: PageCase) -> None:
    tab.open(page_url(hostile_url, "p", case.name))
    tab.observe().check()


@pytest.mark.parametrize("case", SHEET_CASES, ids=[c.name for c in SHEET_CASES])
def test_worksheet_text_runs_no_script_and_answers_save_under_their_key(
    tab: Tab, hostile_url: str, case: SheetCase
) -> None:
    page = tab.page
    visit = tab.open(page_url(hostile_url, "w", case.name))
    tab.observe()
    # the page's data holds the worksheet exactly as written
    title = page.evaluate("(id) => (coursebookCourse.worksheets[id] || {}).title", case.id)
    assert title == sitecourse.expected_title(case)
    form = page.locator(f"form[data-worksheet='{case.id}']")
    assert form.count() == 1
    before = storage(page)
    text = f"saved {case.name}"
    form.locator("input[name='answer']").fill(text)
    form.locator("input[name='answer']").blur()
    key = f"{NAMESPACE}:{case.id}"
    page.wait_for_function(
        "([k, t]) => (localStorage.getItem(k) || '').includes(t)", arg=[key, text], timeout=3000
    )
    after = storage(page)
    assert json.loads(after[key])["fields"]["answer"]["value"] == text
    changed = {k for k in after if before.get(k) != after[k]}
    assert changed == {key}, f"answers saved under other keys too: {changed}"
    visit.pwned = page.evaluate("window.__pwned")
    visit.check()


def client_file(tmp_path: Path, worksheets: dict[str, Any], name: str = "client.json") -> Path:
    path = tmp_path / name
    document = {
        "format": "coursebook-answers",
        "version": 1,
        "course": NAMESPACE,
        "client": "Client <b>",
        "worksheets": worksheets,
    }
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_the_workbook_page_lists_hostile_titles_as_text(tab: Tab, hostile_url: str) -> None:
    tab.open(f"{hostile_url}workbook/")
    visit = tab.observe()
    for case in SHEET_CASES:
        item = tab.page.locator(f"[data-workbook-item='{case.id}'] .cb-workbook__link")
        assert item.text_content() == sitecourse.expected_title(case), case.name
    visit.check()


def test_the_review_page_shows_hostile_worksheets_and_coach_notes_as_text(
    tab: Tab, hostile_url: str, tmp_path: Path
) -> None:
    page = tab.page
    tab.open(f"{hostile_url}review/")
    answered = {c.id: {"version": 1, "values": {"answer": f"from {c.name}"}} for c in SHEET_CASES}
    page.locator("#cb-review-file").set_input_files(str(client_file(tmp_path, answered)))
    out = page.locator("[data-review-output]")
    out.locator("h3").first.wait_for()
    visit = tab.observe()
    titles = out.locator("h3").all_text_contents()
    assert sorted(titles) == sorted(sitecourse.expected_title(c) for c in SHEET_CASES)
    notes = [c for c in SHEET_CASES if c.where == ("coach_notes",)]
    assert out.locator("aside.cb-review__notes").count() == len(notes)
    visit.check()


def test_front_matter_in_the_navigation_of_every_page_runs_no_script(
    tab: Tab, background: Any
) -> None:
    """A page's front matter is shown by the theme on every page (its navigation)."""
    build = background.result("hostile-nav-site")
    assert build.returncode == 0, build.log[-3000:]
    for url in serve(build.site):
        tab.open(url)  # the home page, which only links to the page with the front matter
        tab.observe(".md-sidebar--primary").check()
