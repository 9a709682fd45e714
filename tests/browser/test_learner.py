"""What a learner meets around the saving: phone-sized rows with undo, the status in view,
printing every typed character, My workbook's progress and backup reminder, and the
hand-off to a coach."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Locator, Page, expect
from pypdf import PdfReader

from tests.browser.conftest import Watch
from tests.browser.helpers import form
from tests.coach.conftest import Site
from tests.coach.conftest import branded_site as branded_site  # the fixture
from tests.conftest import serve

LONG = (
    "Renewable energy storage for rural cooperatives, with community ownership and grid balancing"
)


@pytest.fixture
def phone(browser: Browser, watch: Watch) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 360, "height": 740}, has_touch=True)
    watch.attach(context)
    yield context.new_page()
    context.close()


def test_on_a_phone_the_input_takes_the_row_and_remove_is_compact(
    phone: Page, fixture_url: str
) -> None:
    phone.goto(fixture_url)
    industries = form(phone).locator("[data-field=industries]")
    industries.get_by_role("button", name="Add Industry").click()
    for row in industries.locator("[data-row]").all():
        box, field = row.bounding_box(), row.locator("input").bounding_box()
        remove = row.get_by_role("button", name=re.compile(r"^Remove Industry \d$"))
        button = remove.bounding_box()
        assert box and field and button
        assert field["width"] >= 0.7 * box["width"]  # the text box takes most of the row
        assert 40 <= button["width"] <= 48 and button["height"] >= 40  # one thumb-sized square
    # the worksheet's actions sit in even columns
    widths = {
        round(b.bounding_box()["width"]) for b in form(phone).locator("[data-actions] button").all()
    }  # type: ignore[index]
    assert len(widths) == 1


def values(field: Locator) -> list[str]:
    found: list[str] = field.locator("input").evaluate_all("xs => xs.map(x => x.value)")
    return found


def test_a_removed_row_can_be_brought_back(wpage: Page, fixture_url: str) -> None:
    wpage.goto(fixture_url)
    industries = form(wpage).locator("[data-field=industries]")
    for n, text in enumerate(["solar", "wind", "storage"], start=1):  # three rows to begin with
        industries.get_by_label(f"Industry {n}", exact=True).fill(text)
    industries.get_by_role("button", name="Remove Industry 2").click()
    note = industries.locator("[data-row-note]")
    expect(note).to_contain_text("Removed Industry 2")
    expect(note).to_have_attribute("role", "status")  # said politely, focus stays put
    assert values(industries) == ["solar", "storage"]
    note.get_by_role("button", name="Undo").click()
    expect(note).to_contain_text("Industry 2 is back")
    assert values(industries) == ["solar", "wind", "storage"]
    wpage.reload()
    assert values(form(wpage).locator("[data-field=industries]")) == ["solar", "wind", "storage"]


def test_reaching_the_maximum_says_so(wpage: Page, fixture_url: str) -> None:
    wpage.goto(fixture_url)
    industries = form(wpage).locator("[data-field=industries]")
    add = industries.get_by_role("button", name="Add Industry")
    while add.is_visible():
        add.click()
    expect(industries.locator("[data-row]")).to_have_count(5)
    expect(industries.locator("[data-row-note]")).to_have_text(
        "That is the most this field takes: 5 entries."
    )


def test_the_save_status_stays_in_view_while_typing_anywhere_in_a_long_worksheet(
    phone: Page, site_url: str
) -> None:
    phone.goto(site_url + "conversation/")
    plan = phone.locator("form[data-worksheet=conversation-plan]")
    bar = plan.locator("[data-bar]")
    height = phone.viewport_size["height"]  # type: ignore[index]
    fields = plan.locator("textarea, input[type=text]")
    for target in (fields.first, fields.last):
        target.fill(LONG)
        expect(plan.locator("[data-status]")).to_contain_text("Saved at")
        box = bar.bounding_box()
        assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height + 1
        expect(bar).to_contain_text(re.compile(r"\d+ of \d+ answered"))


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_printing_keeps_every_character_typed(wpage: Page, site_url: str, paper: str) -> None:
    wpage.goto(site_url + "follow-through/")
    sheet = wpage.locator("form[data-worksheet=commitment]")
    lines = []
    for n, box in enumerate(sheet.locator("input[type=text].cb-input").all()):
        lines.append(f"{LONG} (answer {n})")
        box.fill(lines[-1])
    long_answers = sheet.locator("textarea").all()
    for n, box in enumerate(long_answers):
        box.fill(" ".join(f"w{n}x{i}" for i in range(300)))
    wpage.emulate_media(media="print")  # as the browser's own print: no beforeprint event
    pdf = PdfReader(io.BytesIO(wpage.pdf(format=paper)))
    pages = [" ".join(page.extract_text().split()) for page in pdf.pages]
    text = " ".join(pages)
    # one-line answers wrap rather than being cut at the field's edge ...
    assert lines and [line for line in lines if line not in text] == []
    # ... and every word of every long answer is on paper (the order of text on a page
    # is the order it was painted, so words are counted, not matched as one string)
    words = set(text.split())
    typed = {f"w{n}x{i}" for n in range(len(long_answers)) for i in range(300)}
    assert long_answers and sorted(typed - words) == []


def test_my_workbook_shows_progress_and_nudges_a_backup(
    wpage: Page, site_url: str, tmp_path: Path
) -> None:
    wpage.goto(site_url + "your-space/")
    space = wpage.locator("form[data-worksheet=define-your-space]")
    space.get_by_label("Industry 1", exact=True).fill("health tech")
    wpage.goto(site_url + "workbook/")
    dash = wpage.locator("[data-dash]")
    expect(dash).to_contain_text(re.compile(r"1 of \d+ questions answered"))
    expect(dash.locator("[data-dash-next-link]")).to_have_text(
        "Carry on where you left off: Define your space"
    )
    expect(dash.locator("[data-dash-backup]")).to_contain_text("You have not exported")
    with wpage.expect_download() as download:
        dash.get_by_role("button", name="Back up now").click()
    download.value.save_as(tmp_path / "backup.json")
    expect(dash.locator("[data-dash-backup]")).to_contain_text("holds every answer")
    wpage.goto(site_url + "your-space/")
    space.get_by_label("Industry 2", exact=True).fill("insurance")
    wpage.goto(site_url + "workbook/")
    expect(dash.locator("[data-dash-backup]")).to_contain_text(
        re.compile(r"1 answer changed since your last backup \((this minute|\d+ minutes? ago)\)\.")
    )
    dash.locator("[data-dash-next-link]").click()
    wpage.wait_for_url(re.compile(r"/your-space/#cb-define-your-space$"))


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_my_workbook_with_answers_is_axe_clean(
    browser: Browser, site_url: str, scheme: str
) -> None:
    context = browser.new_context(color_scheme=scheme)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(site_url + "your-space/")
    page.locator("form[data-worksheet=define-your-space]").get_by_label(
        "Industry 1", exact=True
    ).fill("health tech")
    page.goto(site_url + "workbook/")
    expect(page.locator("[data-dash-backup]")).to_be_visible()
    results = Axe().run(page)
    context.close()
    assert results.violations_count == 0, results.generate_report()


def test_send_to_my_coach_saves_the_file_and_opens_a_draft(
    page: Page, branded_site: Site, tmp_path: Path
) -> None:
    # a headless browser has no mail program: record where the draft would have gone
    page.add_init_script(
        """const click = HTMLAnchorElement.prototype.click;
           HTMLAnchorElement.prototype.click = function () {
             if (this.href.startsWith("mailto:")) { window.__mailto = this.href; return; }
             return click.call(this);
           };"""
    )
    for url in serve(branded_site.site):
        page.goto(url + "workbook/")
        page.evaluate("localStorage.setItem('my-course:first-steps', JSON.stringify("
                      "{storage: 1, version: 1, fields: {goal: {value: 'A new role', updated: new Date().toISOString()}}}))")  # fmt: skip
        page.reload()
        with page.expect_download() as download:
            page.get_by_role("button", name="Send to my coach").click()
        name = download.value.suggested_filename
        mailto = page.evaluate("window.__mailto")
        assert mailto.startswith(
            "mailto:ana@example.org?subject=My%20answers%3A%20My%20Course&body="
        )
        assert re.search(name.replace(".", r"\."), mailto)  # the draft names the file to attach
        expect(page.locator("[data-workbook] [data-status]")).to_contain_text(f"Saved {name}")


def test_without_a_coach_email_there_is_no_send_button(wpage: Page, site_url: str) -> None:
    wpage.goto(site_url + "workbook/")
    expect(wpage.get_by_role("button", name="Export all answers")).to_be_visible()
    expect(wpage.get_by_role("button", name="Send to my coach")).to_have_count(0)
