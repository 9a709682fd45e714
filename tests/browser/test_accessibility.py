"""axe-core finds nothing on any page of the built course, in the light and the dark palette."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from coursebook.answers import new_answers
from playwright.sync_api import Browser, Page

from tests.browser.conftest import Watch
from tests.browser.helpers import FORM, form

SCHEMES = {"light": "default", "dark": "slate"}


def violations(axe: Axe, page: Page) -> list[str]:
    found: list[dict[str, Any]] = axe.run(page).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]}: {v['help']}"
        for v in found
    ]


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()


@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_page_has_no_axe_violations(
    browser: Browser, default_site: Path, site_url: str, axe: Axe, scheme: str
) -> None:
    # also the privacy check for every page: nothing but 127.0.0.1, no console or page error.
    # Material picks its palette from prefers-color-scheme on a browser's first visit
    context = browser.new_context(color_scheme=scheme)  # type: ignore[arg-type]
    watch = Watch()
    watch.attach(context)
    page = context.new_page()
    found: dict[str, list[str]] = {}
    pages = sorted(p.relative_to(default_site).as_posix() for p in default_site.rglob("*.html"))
    assert len(pages) >= 10
    for rel in pages:
        page.goto(site_url + rel.removesuffix("index.html"))
        assert page.evaluate("document.body.dataset.mdColorScheme") == SCHEMES[scheme]
        if page.locator("form[data-worksheet], [data-workbook]").count():
            # axe must see what the runtime shows (actions, progress), not the bare HTML
            page.locator("[data-actions]").first.wait_for()
        result = violations(axe, page)
        if result:
            found[rel] = result
    context.close()
    assert found == {}
    assert watch.errors == [] and watch.requests == []


@pytest.mark.parametrize("scheme", SCHEMES)
def test_warnings_kept_answers_and_the_dialog_have_no_axe_violations(
    browser: Browser, fixture_url: str, axe: Axe, tmp_path: Path, scheme: str
) -> None:
    context = browser.new_context(
        color_scheme=scheme,  # type: ignore[arg-type]
        user_agent="Mozilla/5.0 (Macintosh) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
    )
    page = context.new_page()
    page.goto(fixture_url)
    page.evaluate(
        "localStorage.setItem('fixture-course:every-field', JSON.stringify({storage: 1, version: 1, "
        "fields: {gone: {value: 'an old answer', updated: '2024-01-01T00:00:00.000Z'}}}))"
    )
    page.add_init_script(
        "Storage.prototype.setItem = () => { throw new DOMException('full', 'QuotaExceededError'); };"
    )
    page.reload()
    form(page).get_by_label("Your name").fill("Sam")
    form(page).locator("[data-alert]").wait_for()
    form(page).locator("[data-kept]").evaluate("d => d.open = true")
    assert violations(axe, page) == []
    path = tmp_path / "a.json"
    path.write_text(
        json.dumps(new_answers("x", {"every-field": {"values": {"name": "A"}}})), encoding="utf-8"
    )
    page.locator(f"{FORM} [data-import-file]").set_input_files(str(path))
    page.get_by_role("dialog").wait_for()
    assert violations(axe, page) == []
    context.close()


def test_axe_sees_real_problems(wpage: Page, fixture_url: str, axe: Axe, watch: Watch) -> None:
    # the check is live: an unlabelled control added to the page is reported
    wpage.goto(fixture_url)
    wpage.evaluate("document.querySelector('form').append(document.createElement('input'))")
    assert any(v.startswith("label") for v in violations(axe, wpage))
