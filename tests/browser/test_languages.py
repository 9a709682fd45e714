"""A course in Arabic, in Chromium: the page and its forms run right to left, and what the
runtime says while the learner types is in Arabic (the French and Arabic builds' HTML,
course data and PDFs are checked without a browser in tests/test_i18n.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from coursebook.i18n import load_catalogue
from playwright.sync_api import Page, expect

from tests.conftest import serve


@pytest.fixture(scope="module")
def arabic_url(language_courses: dict[str, Path]) -> Iterator[str]:
    yield from serve(language_courses["ar"])


def test_an_arabic_worksheet_is_mirrored_and_speaks_arabic(page: Page, arabic_url: str) -> None:
    page.goto(arabic_url)
    form = page.locator("form.cb-worksheet").first
    assert form.evaluate("f => getComputedStyle(f).direction") == "rtl"
    field = form.locator("input[type=text]").first
    label = form.locator(f"label[for='{field.get_attribute('id')}']")
    text = label.evaluate(
        "l => { const r = document.createRange(); r.selectNodeContents(l);"
        " const b = r.getBoundingClientRect(); return [b.left, b.right]; }"
    )
    box = field.bounding_box()
    assert box
    # the label's words start where the field starts: at the right
    assert abs(text[1] - (box["x"] + box["width"])) < 3 and text[0] > box["x"] + 20, (text, box)

    t = load_catalogue("ar")
    total = form.locator("[data-field]").count()
    field.fill("خطوة أولى")
    expect(form.locator("[data-progress]")).to_have_text(
        t("runtime.progress", count=1, total=total)
    )
    saved_prefix = t("runtime.saved", time="").strip()
    expect(form.locator("[data-status]")).to_contain_text(saved_prefix)
    status = form.locator("[data-status]").inner_text()
    assert not any(word in status for word in ("Saved", "answered", "AM", "PM")), status
