"""A worksheet changes under saved answers: renamed fields move, removed ones are kept and exported."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.helpers import form
from tests.conftest import fixture_site, mkdocs_build, serve

KEY = "fixture-course:every-field"

STANCE = """      - id: stance
        type: choice
        label: Your stance
        options: [Curious, Hurried]
"""


def test_schema_change_migrates_and_keeps_every_value(wpage: Page, tmp_path: Path) -> None:
    source, site = tmp_path / "course", tmp_path / "site"
    fixture_site(source)
    sheet = source / "worksheets" / "every-field.yml"
    assert mkdocs_build(source / "mkdocs.yml", site).returncode == 0
    server = serve(site)
    url = next(server)
    try:
        wpage.goto(url)
        f = form(wpage)
        f.get_by_label("Your name").fill("Sam")
        f.get_by_label("Curious").check()
        f.get_by_role("radio", name="4", exact=True).check()
        f.get_by_label("Industry 1", exact=True).fill("solar")
        expect(f.locator("[data-status]")).to_contain_text("Saved at")
        expect(f.locator("[data-kept]")).to_be_hidden()

        # version 3: `name` becomes `full-name`, `stance` goes, the scale shrinks to 1..3
        text = sheet.read_text(encoding="utf-8")
        assert STANCE in text
        text = text.replace("version: 2", "version: 3").replace(STANCE, "")
        text = text.replace(
            "      - id: name\n", "      - id: full-name\n        renamed_from: name\n"
        )
        text = text.replace(
            "        max: 5\n        min_label", "        max: 3\n        min_label"
        )
        sheet.write_text(text, encoding="utf-8")
        build = mkdocs_build(source / "mkdocs.yml", site)
        assert build.returncode == 0, build.log

        wpage.reload()
        f = form(wpage)
        expect(f).to_have_attribute("data-worksheet-version", "3")
        expect(f.get_by_label("Your name")).to_have_value("Sam")
        expect(f.get_by_label("Industry 1", exact=True)).to_have_value("solar")
        expect(f.get_by_role("radio", name="3", exact=True)).not_to_be_checked()
        kept = f.locator("[data-kept]")
        expect(kept).to_be_visible()
        # shown by label, with the version they were saved under (a removed field: its id)
        expect(kept.locator("dt")).to_have_text(
            ["stance", "How confident are you? (saved with version 2)"]
        )
        expect(kept.locator("dd")).to_have_text(["Curious", "4"])

        fields = wpage.evaluate("k => JSON.parse(localStorage.getItem(k))", KEY)
        assert fields["version"] == 3
        values = {k: e["value"] for k, e in fields["fields"].items()}
        assert values == {
            "full-name": "Sam",
            "industries": ["solar", "", ""],
            "stance": "Curious",
            "confidence@v2": 4,
        }
        exported = wpage.evaluate("coursebook.exportAll()")["worksheets"]["every-field"]
        assert exported["version"] == 3
        assert exported["values"] == values
        # the kept values are still there after the learner goes on working
        f.get_by_role("radio", name="2", exact=True).check()
        wpage.reload()
        expect(form(wpage).locator("[data-kept] dd")).to_have_text(["Curious", "4"])
    finally:
        server.close()
