"""Offline and installable: a visited course opens and saves with the network cut, and a new
deployment is taken up only when the learner agrees, never as a mix of versions."""

from __future__ import annotations

import json
from pathlib import Path

from playwright.sync_api import Browser, expect

from tests.browser.helpers import FORM, form
from tests.conftest import fixture_site, mkdocs_build, serve


def test_a_visited_course_works_offline_and_updates_when_asked(
    browser: Browser, tmp_path: Path
) -> None:
    source, site = tmp_path / "course", tmp_path / "site"
    fixture_site(source)
    assert mkdocs_build(source / "mkdocs.yml", site).returncode == 0
    manifest = json.loads((site / "manifest.webmanifest").read_text(encoding="utf-8"))
    assert manifest["name"] == "Fixture Course" and manifest["display"] == "standalone"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    worker = (site / "sw.js").read_text(encoding="utf-8")
    assert "workbook.pdf" not in worker and '"./"' in worker
    for url in serve(site):
        context = browser.new_context(service_workers="allow")
        page = context.new_page()
        page.goto(url)
        page.evaluate("navigator.serviceWorker.ready")
        page.reload()  # the worker answers from now on
        assert page.evaluate("!!navigator.serviceWorker.controller")

        context.set_offline(True)
        page.reload()
        form(page).get_by_label("Your name").fill("Written on a train")
        expect(form(page).locator("[data-status]")).to_contain_text("Saved at")
        page.goto(url + "?from=elsewhere")  # any visited page, even with a query
        expect(form(page).get_by_label("Your name")).to_have_value("Written on a train")
        context.set_offline(False)

        # a new deployment: the open page keeps its version until the learner reloads
        index = source / "docs" / "index.md"
        index.write_text(index.read_text(encoding="utf-8") + "\nA sentence of version two.\n")
        assert mkdocs_build(source / "mkdocs.yml", site).returncode == 0
        page.reload()
        notice = page.locator(".cb-update")
        expect(notice).to_contain_text("A new version of this course is available.")
        expect(page.locator("body")).not_to_contain_text("A sentence of version two.")
        notice.get_by_role("button", name="Reload").click()
        expect(page.locator("body")).to_contain_text("A sentence of version two.")
        expect(form(page).get_by_label("Your name")).to_have_value("Written on a train")
        assert page.locator(FORM).count() == 1
        context.close()


def test_turning_offline_off_removes_the_worker(browser: Browser, tmp_path: Path) -> None:
    source, site = tmp_path / "course", tmp_path / "site"
    fixture_site(source)
    assert mkdocs_build(source / "mkdocs.yml", site).returncode == 0
    for url in serve(site):
        context = browser.new_context(service_workers="allow")
        page = context.new_page()
        page.goto(url)
        page.evaluate("navigator.serviceWorker.ready")
        config = source / "mkdocs.yml"
        config.write_text(
            config.read_text(encoding="utf-8").replace(
                "  - worksheets\n", "  - worksheets:\n      offline: false\n"
            ),
            encoding="utf-8",
        )
        assert mkdocs_build(config, site).returncode == 0
        assert not (site / "manifest.webmanifest").exists()
        page.evaluate("navigator.serviceWorker.getRegistration().then(r => r && r.update())")
        page.wait_for_function(
            "async () => !(await navigator.serviceWorker.getRegistration())"
            " && (await caches.keys()).length == 0",
            timeout=10_000,
        )
        context.close()
