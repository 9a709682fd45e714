"""The workbook download line on the served course, in Chromium: it works and is axe-clean."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

BLOCK = ".cb-workbook-download"


def test_download_links_fetch_the_pdfs_from_any_page(page: Page, site_url: str) -> None:
    for path in ("", "why/", "conversation/"):
        page.goto(site_url + path)
        block = page.locator(BLOCK)
        expect(block).to_be_visible()
        for name, file in (("fillable PDF", "workbook.pdf"), ("print PDF", "workbook-print.pdf")):
            link = block.get_by_role("link", name=name)
            expect(link).to_have_attribute("download", "")
            href = link.evaluate("a => a.href")
            assert href == site_url + file
            response = page.request.get(href)
            assert response.ok
            assert response.body()[:5] == b"%PDF-"


def test_download_line_is_axe_clean_in_both_colour_schemes(page: Page, site_url: str) -> None:
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        page.goto(site_url + "why/")
        expect(page.locator(BLOCK)).to_be_visible()
        results = Axe().run(page, context=BLOCK)
        assert results.violations_count == 0, results.generate_report()
