"""The review page in a real browser: a coach opens a client's answers file; it is read locally, shown as text."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.coach.conftest import cli
from tests.conftest import ROOT

CLIENT_FILE: dict[str, Any] = {
    "format": "coursebook-answers",
    "version": 1,
    "course": "informational-interviews",
    "exported": "2025-04-02T08:00:00.000Z",
    "client": "Mira K.",
    "worksheets": {
        "interview-log": {
            "version": 1,
            "updated": "2025-04-01T18:00:00.000Z",
            "values": {
                "conversations": [
                    {
                        "who": "Dana, product lead",
                        "date": "2025-03-20",
                        "path": "Support → sales engineering\n→ product",
                        "thanks": True,
                    },
                    {"who": "Eli", "thanks": False},
                ],
                "repeated": "Everyone mentioned <b>mentors</b>.",
            },
        },
        "define-your-space": {
            "version": 1,
            "updated": None,
            "values": {
                "industries": ["Health tech", "<img src=x onerror=window.__pwned=1>"],
                "space-statement": "",
            },
        },
        "conversation-plan": {
            "version": 1,
            "values": {"prepared-questions": ["before-this", "how-started"], "comfort": 4},
        },
        "ghost-sheet": {"values": {"x": "y"}},
    },
}


def is_local(url: str) -> bool:
    parts = urlsplit(url[len("blob:") :] if url.startswith("blob:") else url)
    return parts.scheme == "data" or parts.hostname == "127.0.0.1"


@pytest.fixture
def requests(page: Page) -> Iterator[list[str]]:
    """Every URL the page asks for, from the moment the test starts."""
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url))
    yield seen


def open_file(page: Page, data: bytes, name: str = "mira-answers.json") -> None:
    page.locator("#cb-review-file").set_input_files(
        files=[{"name": name, "mimeType": "application/json", "buffer": data}]
    )


def test_a_client_file_is_read_locally_and_shown_as_text(
    page: Page, site_url: str, requests: list[str]
) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(site_url + "review/")
    page.wait_for_load_state("networkidle")
    before = len(requests)

    open_file(page, json.dumps(CLIENT_FILE).encode())
    status = page.locator("[data-review-status]")
    expect(status).to_have_text("1 answers file read.")
    out = page.locator("[data-review-output]")
    expect(out.locator("h2")).to_have_text(["Mira K."])  # whose answers these are
    expect(out).to_contain_text("Not in this course (not shown): ghost-sheet")
    # course order: define-your-space comes before conversation-plan and interview-log
    titles = out.locator("h3").all_inner_texts()
    assert titles == ["Define your space", "Conversation plan", "Interview log"]

    # hostile values stay text: no element made, no script run
    expect(out.get_by_text("<img src=x onerror=window.__pwned=1>")).to_be_visible()
    expect(out.get_by_text("Everyone mentioned <b>mentors</b>.")).to_be_visible()
    assert out.locator("img, b").count() == 0
    assert page.evaluate("window.__pwned") is None

    # every field type read by its label; checklists by option label in worksheet order
    space = out.locator("article", has=page.get_by_role("heading", name="Define your space"))
    expect(space.locator("dt", has_text="Your space in one sentence").locator("+ dd")).to_have_text(
        "No answer"
    )
    plan = out.locator("article", has=page.get_by_role("heading", name="Conversation plan"))
    expect(plan.locator("dd", has_text="/ 5")).to_have_text("4 / 5")
    expect(plan.locator("dd li")).to_have_text(
        [
            "How did you first get into this kind of work?",
            "What were you doing just before this role, and how did you make the move?",
        ]
    )
    log = out.locator("article", has=page.get_by_role("heading", name="Interview log"))
    table = log.get_by_role("table")
    expect(table.get_by_role("columnheader")).to_have_text(
        [
            "Name and role",
            "Category",
            "Introduced by",
            "Date",
            "Their path",
            "What surprised you",
            "Thank-you sent",
            "Introducer updated",
            "Referrals offered (copy each into People to meet)",
            "Follow-up action",
            "Follow up by",
            "Next contact",
        ]
    )
    first = table.get_by_role("row").nth(1).get_by_role("cell")
    expect(first.nth(0)).to_have_text("Dana, product lead")
    expect(first.nth(6)).to_have_text("Yes")
    # the client's line breaks survive (pre-wrap), as text
    assert first.nth(4).inner_text() == "Support → sales engineering\n→ product"
    expect(table.get_by_role("row").nth(2).get_by_role("cell").nth(6)).to_have_text("No")

    # nothing left the page: no request at all after the file was chosen, none ever to elsewhere
    assert requests[before:] == []
    assert [u for u in requests if not is_local(u)] == []
    assert errors == []

    # printable: the picker is hidden on paper, the answers are not
    page.emulate_media(media="print")
    expect(page.locator(".cb-review__pick")).to_be_hidden()
    expect(out.locator("h2").first).to_be_visible()


def test_the_page_with_answers_is_axe_clean(page: Page, site_url: str) -> None:
    page.goto(site_url + "review/")
    open_file(page, json.dumps(CLIENT_FILE).encode())
    expect(page.locator("[data-review-output] h3")).to_have_count(3)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_a_wrong_file_says_so_and_clears_the_last_one(page: Page, site_url: str) -> None:
    page.goto(site_url + "review/")
    open_file(page, json.dumps(CLIENT_FILE).encode())
    expect(page.locator("[data-review-output] h3")).to_have_count(3)
    open_file(page, b'{"some": "other json"}', name="notes.json")
    expect(page.locator("[data-review-alert]")).to_have_text(
        'notes.json: not a coursebook answers file (expected "format": "coursebook-answers")'
    )
    expect(page.locator("[data-review-status]")).to_have_text(
        "0 answers files read. 1 file could not be used:"
    )
    expect(page.locator("[data-review-output] h3")).to_have_count(0)
    open_file(page, b"not json at all <script>", name="bad.json")
    expect(page.locator("[data-review-alert]")).to_have_text("bad.json: not readable as JSON text")


def test_the_review_script_is_inert_elsewhere_and_wakes_on_instant_navigation(
    page: Page, site_url: str
) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(site_url)
    assert page.locator("[data-answers-review]").count() == 0
    # instant navigation to the review page still brings the widget to life
    page.goto(site_url)
    # no longer in the Previous/Next chain: linked from Start here
    page.get_by_role("link", name="review page").first.click()
    page.wait_for_url("**/review/")
    open_file(page, json.dumps(CLIENT_FILE).encode())
    expect(page.locator("[data-review-output] h3")).to_have_count(3)
    assert errors == []


def test_review_works_when_reached_by_instant_navigation(page: Page, course_url: str) -> None:
    """review.js loads lazily (only on the page that needs it), also after an instant page swap."""
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(course_url)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("[...document.scripts].some(s => s.src.endsWith('review.js'))") is False
    page.evaluate("document.body.dataset.sameDocument = 'yes'")
    page.locator("a[href$='review/']").first.click()
    page.wait_for_url("**/review/")
    # the body marker survives only if Material swapped the page in place
    assert page.evaluate("document.body.dataset.sameDocument") == "yes"
    open_file(page, json.dumps(CLIENT_FILE).encode())
    expect(page.locator("[data-review-output] h3")).to_have_count(3)
    assert errors == []


def test_several_files_make_a_cohort_table_counted_as_answers_summary_counts(
    page: Page, site_url: str, tmp_path: Path
) -> None:
    noor = {
        "format": "coursebook-answers",
        "version": 1,
        "client": "Noor A.",
        "worksheets": {
            "commitment": {
                "version": 2,
                "updated": "2025-04-03T09:00:00.000Z",
                "values": {"how-many": "5", "confidence": 3, "first-actions": ["", ""]},
            }
        },
    }
    files = {"mira-answers.json": CLIENT_FILE, "noor.json": noor}
    for name, data in files.items():
        (tmp_path / name).write_text(json.dumps(data), encoding="utf-8")
    summary = cli("answers", "summary", str(tmp_path), "--csv", "-f", str(ROOT / "mkdocs.yml"))
    assert summary.exit_code == 0, summary.output
    head, *rows = list(csv.reader(io.StringIO(summary.stdout)))
    assert [r[0] for r in rows] == ["Mira K.", "Noor A."]

    page.goto(site_url + "review/")
    page.locator("#cb-review-file").set_input_files(
        files=[
            *(
                {"name": n, "mimeType": "application/json", "buffer": json.dumps(d).encode()}
                for n, d in files.items()
            ),
            {"name": "broken.json", "mimeType": "application/json", "buffer": b"{"},
        ]
    )
    expect(page.locator("[data-review-status]")).to_have_text(
        "2 answers files read. 1 file could not be used:"
    )
    expect(page.locator("[data-review-alert]")).to_have_text(
        "broken.json: not readable as JSON text"
    )
    table = page.locator("[data-review-table] table")
    expect(table.locator("caption")).to_have_text("Your clients")
    expect(table.get_by_role("columnheader")).to_have_text(["Client", *head[2:-1], "Last change"])
    for row in rows:  # the same counts as the command line's, one row per client
        line = table.get_by_role("row").filter(has=page.get_by_role("button", name=row[0]))
        cells = line.get_by_role("cell")
        expect(cells).to_have_count(len(head) - 2)  # no file column; the name is a row header
        for n, count in enumerate(row[2:-1]):
            expect(cells.nth(n)).to_have_text(count.replace("/", " / "))
        expect(cells.last).to_contain_text("2025")

    # the first client is shown; a row's button shows that client, with the coach notes
    out = page.locator("[data-review-output]")
    expect(out.locator("h2")).to_have_text("Mira K.")
    table.get_by_role("button", name="Noor A.").click()
    expect(out.locator("h2")).to_have_text("Noor A.")
    notes = out.locator("article", has=page.get_by_role("heading", name="Commitment")).locator(
        "aside"
    )
    expect(notes.locator("h4")).to_have_text("Coach notes")
    expect(notes).to_contain_text("A sentence with an action, a number and a date")
