"""Storage faults: full, blocked, disabled, corrupt. Never a lost answer, never a script error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Watch
from tests.browser.helpers import EVERY_VALUE, fill_every_field, form, read_form
from tests.conftest import valid_answers

KEY = "fixture-course:every-field"

QUOTA = """Storage.prototype.setItem = function () {
  throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
};"""
BLOCKED = """Storage.prototype.setItem = function () {
  throw new DOMException("The operation is insecure.", "SecurityError");
};"""


@pytest.mark.parametrize(
    ("script", "warning"),
    [(QUOTA, "storage for the site is full"), (BLOCKED, "not letting the site save answers")],
    ids=["quota", "blocked"],
)
def test_a_failing_save_warns_and_keeps_answers_for_export(
    wpage: Page, fixture_url: str, tmp_path: Path, script: str, warning: str
) -> None:
    wpage.add_init_script(script)
    wpage.goto(fixture_url)
    name = form(wpage).get_by_label("Your name")
    name.fill("first words")
    alert = form(wpage).locator("[data-alert]")
    expect(alert).to_contain_text(warning)
    expect(alert).to_contain_text("use Export to keep them in a file")
    expect(form(wpage).locator("[data-status]")).to_have_text("Not saved in this browser")
    expect(name).to_be_focused()  # the warning never takes the learner out of the field
    # typing goes on: every field still takes answers
    fill_every_field(wpage)
    assert read_form(wpage) == EVERY_VALUE
    with wpage.expect_download() as info:
        form(wpage).get_by_role("button", name="Export answers").click()
    path = tmp_path / "rescued.json"
    info.value.save_as(path)
    data = valid_answers(path.read_text(encoding="utf-8"))
    assert data["worksheets"]["every-field"]["values"] == EVERY_VALUE


def test_storage_that_cannot_even_be_opened(wpage: Page, fixture_url: str, watch: Watch) -> None:
    # what Chromium does when a learner blocks site data: touching localStorage throws.
    # Material's own inline palette script reads localStorage unguarded and throws then;
    # that one error is Material's, so it is allowed, and errors are traced to their file.
    watch.expected.append("Access is denied for this document.")
    wpage.add_init_script(
        """Object.defineProperty(window, "localStorage", {
             get() { throw new DOMException("Access is denied for this document.", "SecurityError"); }
           });
           window.__errorFiles = [];
           addEventListener("error", e => window.__errorFiles.push(e.filename));"""
    )
    wpage.goto(fixture_url)
    assert not [f for f in wpage.evaluate("window.__errorFiles") if "coursebook" in f]
    expect(form(wpage).locator("[data-alert]")).to_contain_text("not letting the site save")
    form(wpage).get_by_label("Your name").fill("still here")
    form(wpage).get_by_label("Curious").check()
    exported = wpage.evaluate("coursebook.exportAll()")
    assert exported["worksheets"]["every-field"]["values"] == {
        "name": "still here",
        "stance": "Curious",
    }
    assert not [f for f in wpage.evaluate("window.__errorFiles") if "coursebook" in f]


def test_the_warning_goes_once_saving_works_again(wpage: Page, fixture_url: str) -> None:
    wpage.add_init_script(
        """const real = Storage.prototype.setItem;
           Storage.prototype.setItem = function (k, v) {
             if (window.__full) throw new DOMException("full", "QuotaExceededError");
             return real.call(this, k, v);
           };
           window.__full = true;"""
    )
    wpage.goto(fixture_url)
    form(wpage).get_by_label("Your name").fill("held in memory")
    expect(form(wpage).locator("[data-alert]")).to_be_visible()
    wpage.evaluate("window.__full = false")
    form(wpage).get_by_label("Hurried").check()
    expect(form(wpage).locator("[data-alert]")).to_be_hidden()
    wpage.reload()
    # what was typed while storage was full is saved with the next successful write
    expect(form(wpage).get_by_label("Your name")).to_have_value("held in memory")


def test_corrupt_stored_answers_are_set_aside_not_overwritten(
    wpage: Page, fixture_url: str
) -> None:
    wpage.goto(fixture_url)
    wpage.evaluate('k => localStorage.setItem(k, \'{"storage": 1, "fields": {"name": tru\')', KEY)
    wpage.reload()
    alert = form(wpage).locator("[data-alert]")
    expect(alert).to_contain_text("could not be read, so they were set aside unchanged")
    entries = wpage.evaluate("Object.entries(localStorage)")
    aside = [(k, v) for k, v in entries if k.startswith(KEY + ":corrupt:")]
    assert aside == [(aside[0][0], '{"storage": 1, "fields": {"name": tru')]
    expect(alert).to_contain_text(aside[0][0])
    # the learner carries on; the set-aside copy is never touched
    form(wpage).get_by_label("Your name").fill("fresh start")
    expect(form(wpage).locator("[data-status]")).to_contain_text("Saved at")
    wpage.reload()
    expect(form(wpage).get_by_label("Your name")).to_have_value("fresh start")
    expect(alert).to_be_hidden()
    assert wpage.evaluate("k => localStorage.getItem(k)", aside[0][0]) == aside[0][1]


def test_wrong_shape_counts_as_corrupt(wpage: Page, fixture_url: str) -> None:
    wpage.goto(fixture_url)
    wpage.evaluate("k => localStorage.setItem(k, JSON.stringify([1, 2, 3]))", KEY)
    wpage.reload()
    expect(form(wpage).locator("[data-alert]")).to_contain_text("set aside")
    assert read_form(wpage)["name"] == ""


def test_corrupt_answers_that_cannot_be_set_aside_are_never_overwritten(
    wpage: Page, fixture_url: str
) -> None:
    wpage.goto(fixture_url)
    wpage.evaluate("k => localStorage.setItem(k, 'not json at all')", KEY)
    wpage.add_init_script(QUOTA)
    wpage.reload()
    expect(form(wpage).locator("[data-alert]")).to_contain_text("could not be read or set aside")
    form(wpage).get_by_label("Your name").fill("typed")
    form(wpage).get_by_label("Your name").press("Tab")
    expect(form(wpage).locator("[data-status]")).to_have_text("Not saved in this browser")
    assert wpage.evaluate("k => localStorage.getItem(k)", KEY) == "not json at all"
    exported = wpage.evaluate("coursebook.exportAll()")
    assert json.dumps(exported["worksheets"]["every-field"]["values"]) == '{"name": "typed"}'
