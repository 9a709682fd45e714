"""Instant navigation and two tabs on the default course (Material's navigation.instant)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import Watch

SPACE = "form[data-worksheet='define-your-space']"
KEY = "informational-interviews:define-your-space"


def test_values_survive_instant_navigation_and_autosave_keeps_working(
    wpage: Page, course_url: str
) -> None:
    wpage.goto(course_url + "your-space/")
    form = wpage.locator(SPACE)
    form.get_by_label("Your space in one sentence").fill("Energy storage in the Nordics")
    # leave at once: the debounced save must not be lost to the page swap
    wpage.evaluate("window.__same_document = true")
    wpage.locator(".md-footer__link--next").click()
    wpage.wait_for_url("**/finding-people/")
    assert wpage.evaluate("window.__same_document") is True, "not an instant navigation"
    wpage.go_back()
    wpage.wait_for_url("**/your-space/")
    assert wpage.evaluate("window.__same_document") is True
    form = wpage.locator(SPACE)
    expect(form.get_by_label("Your space in one sentence")).to_have_value(
        "Energy storage in the Nordics"
    )
    # the swapped-in form saves too
    form.get_by_label("Industry 1", exact=True).fill("batteries")
    expect(form.locator("[data-status]")).to_contain_text("Saved at")
    assert wpage.evaluate("window.__same_document") is True
    wpage.reload()
    expect(wpage.locator(SPACE).get_by_label("Industry 1", exact=True)).to_have_value("batteries")


def test_instant_navigation_by_the_sidebar_restores_answers(wpage: Page, course_url: str) -> None:
    wpage.goto(course_url + "your-space/")
    wpage.locator(SPACE).get_by_label("Place 1", exact=True).fill("Oslo")
    wpage.evaluate("window.__same_document = true")
    wpage.locator(".md-nav--primary").get_by_role("link", name="My workbook").click()
    wpage.wait_for_url("**/workbook/")
    item = wpage.locator("[data-workbook-item='define-your-space']")
    expect(item.locator("[data-progress]")).to_have_text("1 of 4 answered")
    item.get_by_role("link").click()
    wpage.wait_for_url("**/your-space/#cb-define-your-space")
    assert wpage.evaluate("window.__same_document") is True
    expect(wpage.locator(SPACE).get_by_label("Place 1", exact=True)).to_have_value("Oslo")


def test_edits_in_one_tab_appear_in_the_other(wpage: Page, course_url: str, watch: Watch) -> None:
    other = wpage.context.new_page()
    wpage.goto(course_url + "your-space/")
    other.goto(course_url + "your-space/")
    a, b = wpage.locator(SPACE), other.locator(SPACE)
    a.get_by_label("Industry 1", exact=True).fill("solar")
    expect(b.get_by_label("Industry 1", exact=True)).to_have_value("solar")
    # different fields edited in each tab: both kept
    b.get_by_label("Place 1", exact=True).fill("Lisbon")
    a.get_by_label("Profession 1", exact=True).fill("analyst")
    expect(a.get_by_label("Place 1", exact=True)).to_have_value("Lisbon")
    expect(b.get_by_label("Profession 1", exact=True)).to_have_value("analyst")
    # the same field: the newest edit wins in both tabs
    a.get_by_label("Industry 1", exact=True).fill("wind")
    expect(b.get_by_label("Industry 1", exact=True)).to_have_value("wind")
    b.get_by_label("Industry 1", exact=True).fill("hydro")
    expect(a.get_by_label("Industry 1", exact=True)).to_have_value("hydro")
    # a row added in one tab appears in the other
    a.get_by_role("button", name="Add place").click()
    a.get_by_label("Place 3", exact=True).fill("Porto")
    expect(b.get_by_label("Place 3", exact=True)).to_have_value("Porto")
    expect(b.locator("[data-progress]")).to_have_text("3 of 4 answered")
    other.reload()
    values = other.evaluate(f"JSON.parse(localStorage.getItem('{KEY}')).fields")
    assert values["industries"]["value"][0] == "hydro"
    assert values["geographies"]["value"] == ["Lisbon", "", "Porto"]
    assert values["professions"]["value"][0] == "analyst"


def test_clear_in_one_tab_clears_the_other(wpage: Page, course_url: str) -> None:
    other = wpage.context.new_page()
    wpage.goto(course_url + "your-space/")
    other.goto(course_url + "your-space/")
    wpage.locator(SPACE).get_by_label("Industry 1", exact=True).fill("solar")
    expect(other.locator(SPACE).get_by_label("Industry 1", exact=True)).to_have_value("solar")
    other.locator(SPACE).get_by_role("button", name="Clear answers").click()
    other.get_by_role("dialog").get_by_role("button", name="Clear answers").click()
    expect(wpage.locator(SPACE).get_by_label("Industry 1", exact=True)).to_have_value("")
