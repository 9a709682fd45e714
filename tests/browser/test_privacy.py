"""No network, strict CSP, file://, print, the Safari backup note.

Every page of the course is also loaded, with requests and errors watched, by
``test_accessibility.py``.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, Page, Route, expect

from tests.browser.conftest import Watch, is_local
from tests.browser.helpers import EVERY_VALUE, FORM, fill_every_field, form, read_form
from tests.conftest import fixture_site, mkdocs_build


def test_the_runtime_itself_makes_no_request(wpage: Page, fixture_url: str, tmp_path: Path) -> None:
    wpage.goto(fixture_url)
    wpage.wait_for_load_state("networkidle")
    seen: list[str] = []
    wpage.on("request", lambda r: seen.append(r.url))
    fill_every_field(wpage)
    with wpage.expect_download() as info:
        form(wpage).get_by_role("button", name="Export answers").click()
    info.value.save_as(tmp_path / "a.json")
    form(wpage).locator("[data-import-file]").set_input_files(str(tmp_path / "a.json"))
    wpage.get_by_role("dialog").get_by_role("button", name="Merge").click()
    form(wpage).get_by_role("button", name="Clear answers").click()
    wpage.get_by_role("dialog").get_by_role("button", name="Cancel").click()
    # the page's own blob (the download) never leaves the browser; the one other request is
    # the runtime's file reader, from the site itself, fetched when a file is first opened
    assert [u for u in seen if not u.startswith("blob:")] == [
        fixture_url + "assets/coursebook/lazy/answers.js"
    ]
    assert all(is_local(u) for u in seen)


def test_works_under_a_strict_content_security_policy(
    wpage: Page, fixture_url: str, watch: Watch
) -> None:
    # Material's own theme has three small inline scripts, which this policy blocks;
    # the runtime needs nothing beyond script-src 'self'.
    watch.expected.append("Executing inline script violates the following Content Security")

    def with_csp(route: Route) -> None:
        response = route.fetch()
        route.fulfill(
            response=response,
            headers={
                **response.headers,
                "content-security-policy": "script-src 'self'; object-src 'none'",
            },
        )

    wpage.route(fixture_url, with_csp)
    wpage.goto(fixture_url)
    assert wpage.evaluate("typeof coursebook") == "object"
    fill_every_field(wpage)
    expect(form(wpage).locator("[data-status]")).to_contain_text("Saved at")
    wpage.reload()
    assert read_form(wpage) == EVERY_VALUE
    violations = [e for e in watch.errors if "coursebook" in e]
    assert violations == []


def test_works_from_files_on_disk(browser: Browser, tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert mkdocs_build(fixture_site(tmp_path / "source") / "mkdocs.yml", site).returncode == 0
    context = browser.new_context()
    watch = Watch()
    watch.attach(context)
    page = context.new_page()
    page.goto((site / "index.html").as_uri())
    fill_every_field(page)
    expect(form(page).locator("[data-status]")).to_contain_text("Saved at")
    page.reload()
    assert read_form(page) == EVERY_VALUE
    assert watch.errors == [] and watch.requests == []
    context.close()


def test_print_shows_only_the_worksheet_with_its_answers(wpage: Page, fixture_url: str) -> None:
    # a headless browser has no print dialog: record the call and keep the print classes
    wpage.add_init_script(
        "window.print = () => { window.__printed = (window.__printed || 0) + 1; };"
    )
    wpage.goto(fixture_url)
    form(wpage).get_by_label("Your story so far").fill("\n".join(f"line {n}" for n in range(30)))
    form(wpage).get_by_role("button", name="Print worksheet").click()
    assert wpage.evaluate("window.__printed") == 1
    wpage.emulate_media(media="print")
    wpage.evaluate("dispatchEvent(new Event('beforeprint'))")
    expect(wpage.locator(FORM)).to_be_visible()
    for chrome in (".md-header", ".md-sidebar--primary", ".md-footer", "h1", "[data-actions]"):
        expect(wpage.locator(chrome).first).to_be_hidden()
    # on paper the controls give way to their text, printed whole, not cut at the box's edge
    box = form(wpage).get_by_label("Your story so far")
    expect(box).to_be_hidden()
    printed = form(wpage).locator(".cb-field--textarea .cb-print-value")
    expect(printed).to_be_visible()
    assert printed.inner_text() == "\n".join(f"line {n}" for n in range(30))
    wpage.evaluate("dispatchEvent(new Event('afterprint'))")
    wpage.emulate_media(media="screen")
    expect(wpage.locator("h1")).to_be_visible()
    assert wpage.locator(".cb-print-target, .cb-print-path").count() == 0


SAFARI = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Safari/605.1.15"
)


def test_safari_users_are_told_to_keep_an_export(
    browser: Browser, fixture_url: str, site_url: str
) -> None:
    context = browser.new_context(user_agent=SAFARI)
    page = context.new_page()
    page.goto(fixture_url)
    expect(page.locator(f"{FORM} [data-storage-note]")).to_be_visible()
    expect(page.locator(f"{FORM} [data-storage-note]")).to_contain_text("7 days")
    page.goto(site_url + "workbook/")
    expect(page.locator("[data-workbook] [data-storage-note]")).to_be_visible()
    context.close()


def test_other_browsers_do_not_see_the_safari_note(wpage: Page, fixture_url: str) -> None:
    wpage.goto(fixture_url)
    expect(form(wpage).locator("[data-actions]")).to_be_visible()
    expect(form(wpage).locator("[data-storage-note]")).to_be_hidden()


def test_persistent_storage_is_requested_once_answers_exist(wpage: Page, fixture_url: str) -> None:
    wpage.add_init_script(
        """window.__persist = 0;
           navigator.storage.persist = () => { window.__persist++; return Promise.resolve(false); };"""
    )
    wpage.goto(fixture_url)
    assert wpage.evaluate("window.__persist") == 0
    form(wpage).get_by_label("Your name").fill("Sam")
    expect(form(wpage).locator("[data-status]")).to_contain_text("Saved at")
    form(wpage).get_by_label("Curious").check()
    expect(form(wpage).locator("[data-progress]")).to_have_text("2 of 8 answered")
    assert wpage.evaluate("window.__persist") == 1
