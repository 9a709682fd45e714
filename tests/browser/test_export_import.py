"""Export, import and clear: the answers file round trip, what import shows, hostile files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from coursebook.answers import dump_answers, new_answers
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import Watch
from tests.browser.helpers import EVERY_VALUE, FORM, fill_every_field, form, read_form
from tests.conftest import ROOT, valid_answers


def export(page: Page, scope: str, tmp_path: Path, button: str = "Export answers") -> Any:
    with page.expect_download() as info:
        page.locator(scope).get_by_role("button", name=button).click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    return target


def import_file(page: Page, scope: str, path: Path) -> None:
    with page.expect_file_chooser() as chooser:
        page.locator(scope).get_by_role("button", name="Import answers").click()
    chooser.value.set_files(str(path))


def test_export_to_a_fresh_browser_and_import_gives_the_same_values(
    wpage: Page, fixture_url: str, browser: Browser, tmp_path: Path, watch: Watch
) -> None:
    wpage.goto(fixture_url)
    fill_every_field(wpage)
    path = export(wpage, FORM, tmp_path)
    assert path.name.startswith("fixture-course-every-field-") and path.suffix == ".json"
    data = valid_answers(path.read_text(encoding="utf-8"))  # the core's own validator
    assert data["course"] == "fixture-course"
    assert data["worksheets"]["every-field"]["version"] == 2
    assert data["worksheets"]["every-field"]["values"] == EVERY_VALUE

    fresh = browser.new_context()
    watch.attach(fresh)
    page = fresh.new_page()
    page.goto(fixture_url)
    page.locator(f"{FORM} [data-import-file]").set_input_files(str(path))
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text(
        "Every field type: merging changes 8 answers, replacing changes 8."
    )
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    dialog.get_by_role("button", name="Merge").click()
    expect(dialog).to_be_hidden()
    assert read_form(page) == EVERY_VALUE
    expect(page.locator(f"{FORM} [data-status]")).to_contain_text(
        "Imported answers into 1 worksheet"
    )
    page.reload()
    assert read_form(page) == EVERY_VALUE
    fresh.close()


def test_merge_keeps_the_newer_answer_of_each_field_and_replace_is_exact(
    wpage: Page, fixture_url: str, tmp_path: Path
) -> None:
    wpage.goto(fixture_url)
    form(wpage).get_by_label("Your name").fill("Typed")
    form(wpage).get_by_label("Deadline").fill("2025-01-02")
    # the file's name is older than the one typed here, its story newer: each has its time
    answers = new_answers(
        "fixture-course",
        {
            "every-field": {
                "version": 2,
                "updated": "2099-01-01T00:00:00.000Z",
                "times": {"name": "2001-01-01T00:00:00.000Z", "story": "2099-01-01T00:00:00.000Z"},
                "values": {"name": "From file", "story": "Written later, elsewhere"},
            }
        },
    )
    path = tmp_path / "other-device.json"
    path.write_text(dump_answers(answers), encoding="utf-8")
    import_file(wpage, FORM, path)
    dialog = wpage.get_by_role("dialog")
    expect(dialog).to_contain_text("merging changes 1 answer, replacing changes 3.")
    dialog.get_by_role("button", name="Merge").click()
    expect(form(wpage).get_by_label("Your name")).to_have_value("Typed")  # newer here
    expect(form(wpage).get_by_label("Your story so far")).to_have_value("Written later, elsewhere")
    # focus returns to the button that opened the dialog, not to the top of the page
    expect(form(wpage).get_by_role("button", name="Import answers")).to_be_focused()
    expect(form(wpage).get_by_label("Deadline")).to_have_value("2025-01-02")
    import_file(wpage, FORM, path)
    expect(dialog).to_contain_text("merging changes 0 answers, replacing changes 2.")
    dialog.get_by_role("button", name="Replace").click()
    expect(form(wpage).get_by_label("Deadline")).to_have_value("")
    expect(form(wpage).get_by_label("Your name")).to_have_value("From file")


def test_an_export_carries_a_time_for_every_answer(wpage: Page, fixture_url: str) -> None:
    wpage.goto(fixture_url)
    form(wpage).get_by_label("Your name").fill("Sam")
    form(wpage).get_by_label("Curious").check()
    entry = wpage.evaluate("coursebook.exportAll()")["worksheets"]["every-field"]
    assert set(entry["times"]) == set(entry["values"]) == {"name", "stance"}
    assert entry["updated"] == max(entry["times"].values())


def test_cancel_changes_nothing(wpage: Page, fixture_url: str, tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(
        dump_answers(new_answers("x", {"every-field": {"values": {"name": "From file"}}})),
        encoding="utf-8",
    )
    wpage.goto(fixture_url)
    form(wpage).get_by_label("Your name").fill("Mine")
    import_file(wpage, FORM, path)
    expect(wpage.get_by_role("dialog")).to_contain_text("comes from another course (“x”)")
    wpage.keyboard.press("Escape")
    expect(wpage.get_by_role("dialog")).to_be_hidden()
    expect(form(wpage).get_by_label("Your name")).to_have_value("Mine")


def test_whole_course_export_and_import_on_the_workbook_page(
    wpage: Page, site_url: str, browser: Browser, tmp_path: Path, watch: Watch
) -> None:
    wpage.goto(site_url + "your-space/")
    wpage.locator("form[data-worksheet='define-your-space']").get_by_label(
        "Industry 1", exact=True
    ).fill("solar")
    wpage.locator("form[data-worksheet='people-to-meet']").locator("input[type=text]").first.fill(
        "Dana"
    )
    wpage.goto(site_url + "follow-through/")
    wpage.locator("form[data-worksheet='commitment'] input[type=date]").first.fill("2025-05-01")
    wpage.goto(site_url + "workbook/")
    expect(wpage.locator("[data-workbook-item='define-your-space'] [data-progress]")).to_have_text(
        "1 of 4 answered"
    )
    path = export(wpage, "[data-workbook]", tmp_path, "Export all answers")
    data = valid_answers(path.read_text(encoding="utf-8"), ROOT / "worksheets")
    assert set(data["worksheets"]) == {"define-your-space", "people-to-meet", "commitment"}

    fresh = browser.new_context()
    watch.attach(fresh)
    page = fresh.new_page()
    page.goto(site_url + "workbook/")
    import_file(page, "[data-workbook]", path)
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("listitem")).to_have_count(3)
    dialog.get_by_role("button", name="Replace").click()
    expect(page.locator("[data-workbook-item='commitment'] [data-progress]")).to_contain_text(
        "1 of"
    )
    page.goto(site_url + "your-space/")
    expect(
        page.locator("form[data-worksheet='define-your-space']").get_by_label(
            "Industry 1", exact=True
        )
    ).to_have_value("solar")
    # clear everything, after confirming
    page.goto(site_url + "workbook/")
    page.locator("[data-workbook]").get_by_role("button", name="Clear all answers").click()
    page.get_by_role("dialog").get_by_role("button", name="Clear answers").click()
    expect(page.locator("[data-workbook-item='define-your-space'] [data-progress]")).to_have_text(
        "0 of 4 answered"
    )
    exported = page.evaluate("coursebook.exportAll()")
    assert exported["worksheets"] == {}
    fresh.close()


def test_clear_asks_first(wpage: Page, fixture_url: str) -> None:
    wpage.goto(fixture_url)
    form(wpage).get_by_label("Your name").fill("Sam")
    form(wpage).get_by_role("button", name="Clear answers").click()
    dialog = wpage.get_by_role("dialog")
    expect(dialog).to_contain_text("Every field type")
    dialog.get_by_role("button", name="Cancel").click()
    expect(form(wpage).get_by_label("Your name")).to_have_value("Sam")
    form(wpage).get_by_role("button", name="Clear answers").click()
    dialog.get_by_role("button", name="Clear answers").click()
    expect(form(wpage).get_by_label("Your name")).to_have_value("")
    wpage.reload()
    expect(form(wpage).get_by_label("Your name")).to_have_value("")
    expect(form(wpage).locator("[data-rows] > [data-row]")).to_have_count(5)


HOSTILE = [
    "<img src=x onerror=\"window.__pwned='img'\">",
    "<script>window.__pwned='script'</script>",
    '"><svg onload="window.__pwned=\'svg\'">',
]


def test_a_hostile_file_stays_text(wpage: Page, fixture_url: str, tmp_path: Path) -> None:
    dialogs: list[str] = []
    wpage.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    values = {
        "name": HOSTILE[0],
        "story": HOSTILE[1],
        "industries": HOSTILE,
        "log": [{"who": HOSTILE[2], "notes": HOSTILE[0], "thanked": True}],
        "no-longer-here": HOSTILE[1],
    }
    path = tmp_path / f"{HOSTILE[0][:20]}.json"
    path.write_text(
        json.dumps(new_answers(HOSTILE[1], {"every-field": {"values": values}})), encoding="utf-8"
    )
    wpage.goto(fixture_url)
    import_file(wpage, FORM, path)
    dialog = wpage.get_by_role("dialog")
    expect(dialog).to_contain_text(HOSTILE[1])  # the course name, shown as text
    dialog.get_by_role("button", name="Merge").click()
    got = read_form(wpage)
    assert got["name"] == HOSTILE[0] and got["story"] == HOSTILE[1]
    assert got["industries"] == HOSTILE
    assert got["log"][0]["who"] == HOSTILE[2]
    kept = form(wpage).locator("[data-kept]")
    expect(kept).to_be_visible()
    expect(kept.locator("dd")).to_have_text(HOSTILE[1])
    wpage.reload()
    assert read_form(wpage)["industries"] == HOSTILE
    assert wpage.evaluate("window.__pwned") is None
    assert wpage.locator("img[src=x], svg[onload]").count() == 0
    assert not wpage.evaluate(
        "[...document.querySelectorAll('script')].some(s => s.textContent.includes('__pwned'))"
    )
    assert dialogs == []
    handlers = wpage.evaluate(
        "[...document.querySelectorAll('*')].filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length"
    )
    assert handlers == 0
