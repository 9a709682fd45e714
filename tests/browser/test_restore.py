"""Autosave and restore in a real Chromium: every field type, rows, progress, status, focus."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.helpers import EVERY_VALUE, FORM, fill_every_field, form, read_form, stored

KEY = "fixture-course:every-field"


def test_every_field_type_survives_a_reload(wpage: Page, fixture_url: str) -> None:
    wpage.goto(fixture_url)
    fill_every_field(wpage)
    assert read_form(wpage) == EVERY_VALUE
    wpage.reload()
    assert read_form(wpage) == EVERY_VALUE
    doc = stored(wpage, KEY)
    assert doc["storage"] == 1 and doc["version"] == 2
    assert {k: e["value"] for k, e in doc["fields"].items()} == EVERY_VALUE
    assert all(e["updated"].endswith("Z") for e in doc["fields"].values())


def test_saves_while_typing_without_blur_or_change(wpage: Page, fixture_url: str) -> None:
    wpage.goto(fixture_url)
    box = form(wpage).get_by_label("Your story so far")
    box.press_sequentially("typed, never left")
    # the debounced save lands while focus stays in the field
    expect(form(wpage).locator("[data-status]")).to_contain_text("Saved at")
    expect(box).to_be_focused()
    wpage.reload()
    expect(form(wpage).get_by_label("Your story so far")).to_have_value("typed, never left")


def test_rows_added_and_removed_come_back_the_same(wpage: Page, fixture_url: str) -> None:
    wpage.goto(fixture_url)
    f = form(wpage)
    for n, text in enumerate(["a", "b", "c"], start=1):
        f.get_by_label(f"Industry {n}", exact=True).fill(text)
    f.get_by_role("button", name="Add Industry").click()
    expect(f.get_by_label("Industry 4", exact=True)).to_be_focused()
    f.get_by_label("Industry 4", exact=True).fill("d")
    f.get_by_role("button", name="Remove Industry 2").click()
    assert read_form(wpage)["industries"] == ["a", "c", "d"]
    # focus goes to the row that took the removed one's place, never lost to <body>
    expect(f.get_by_label("Industry 2", exact=True)).to_be_focused()
    # a list never shrinks below its minimum of 2 rows
    f.get_by_role("button", name="Remove Industry 1").click()
    expect(f.get_by_role("button", name="Remove Industry 1")).to_be_hidden()
    f.get_by_role("button", name="Add Conversation").click()
    f.get_by_role("group", name="Conversation 3").get_by_label("Who").fill("Dee")
    f.get_by_role("button", name="Remove Conversation 1").click()
    before = read_form(wpage)
    assert before["industries"] == ["c", "d"]
    assert [r["who"] for r in before["log"]] == ["", "Dee"]
    wpage.reload()
    assert read_form(wpage) == before
    expect(form(wpage).locator("[data-rows] > [data-row]")).to_have_count(4)


def test_list_stops_at_its_maximum(wpage: Page, fixture_url: str) -> None:
    wpage.goto(fixture_url)
    add = form(wpage).get_by_role("button", name="Add Industry")
    add.click()
    add.click()
    expect(form(wpage).get_by_label("Industry 5", exact=True)).to_be_visible()
    expect(add).to_be_hidden()


def test_progress_counts_answered_fields(wpage: Page, fixture_url: str) -> None:
    wpage.goto(fixture_url)
    progress = form(wpage).locator("[data-progress]")
    expect(progress).to_have_text("0 of 8 answered")
    form(wpage).get_by_label("Your name").fill("Sam")
    form(wpage).get_by_label("Curious").check()
    expect(progress).to_have_text("2 of 8 answered")
    form(wpage).get_by_label("Your name").fill("   ")
    expect(progress).to_have_text("1 of 8 answered")


def test_status_is_polite_and_focus_stays(wpage: Page, fixture_url: str) -> None:
    wpage.goto(fixture_url)
    status = form(wpage).locator("[data-status]")
    expect(status).to_have_attribute("role", "status")
    name = form(wpage).get_by_label("Your name")
    name.fill("Sam")
    name.press("Tab")  # leaving the field saves at once
    expect(status).to_have_text(__import__("re").compile(r"^Saved at \d"))
    expect(form(wpage).locator("#cb-every-field-story")).to_be_focused()
    expect(form(wpage).locator("[data-alert]")).to_be_hidden()


def test_actions_and_row_buttons_appear_only_with_the_runtime(page: Page, fixture_url: str) -> None:
    page.context.route("**/coursebook.js", lambda route: route.abort())
    page.goto(fixture_url)
    expect(page.locator(f"{FORM} [data-actions]")).to_be_hidden()
    expect(page.locator(f"{FORM} [data-add-row]").first).to_be_hidden()
    # without the script the form still takes typing
    page.locator(f"{FORM} #cb-every-field-name").fill("still usable")
