"""A coach's whole path, values compared at every step: fill in the browser, export, personalised
filled PDF, a viewer's edits, extract, import back into the site."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader, PdfWriter

from tests.browser.helpers import EVERY_VALUE, FORM, fill_every_field, read_form
from tests.coach.conftest import BRANDING, LOGO, cli
from tests.conftest import ROOT, fixture_site, mkdocs_build, serve, valid_answers


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture site (worksheet ``every-field``), branded, with the review page and the workbook plugin."""
    project = tmp_path_factory.mktemp("coach-path") / "course"
    fixture_site(project)
    shutil.copy(ROOT / "content" / "review.md", project / "docs" / "review.md")
    (project / "docs" / "assets").mkdir()
    (project / "docs" / "assets" / "logo.svg").write_text(LOGO, encoding="utf-8")
    config = yaml.safe_load((project / "mkdocs.yml").read_text(encoding="utf-8"))
    config["plugins"].append("workbook")
    config["extra"] = {"coursebook": BRANDING}
    (project / "mkdocs.yml").write_text(
        yaml.safe_dump(config, allow_unicode=True), encoding="utf-8"
    )
    return project


@pytest.fixture(scope="module")
def course_url(course: Path) -> Iterator[str]:
    build = mkdocs_build(course / "mkdocs.yml", course / "site")
    assert build.returncode == 0, build.log
    assert build.warnings == [], build.log
    yield from serve(course / "site")


def local(url: str) -> bool:
    parts = urlsplit(url[len("blob:") :] if url.startswith("blob:") else url)
    return parts.scheme == "data" or parts.hostname == "127.0.0.1"


def test_the_branded_pdf_names_course_coach_and_client(
    course: Path, course_url: str, tmp_path: Path
) -> None:
    # the site's own workbook carries the branding ...
    reader = PdfReader(course / "site" / "workbook.pdf")
    text = "".join("".join(page.extract_text() for page in reader.pages).split())
    for expected in ("FixtureCourse", "Fivecon", "AnaLima", "ana@example.org", "coach.example.org"):
        assert expected in text, expected
    # ... and a client's copy adds the client's name, on the cover and in the footer
    made = cli(
        "pdf",
        "--client",
        "Zoë Quinn",
        "-o",
        str(tmp_path / "z.pdf"),
        "-f",
        str(course / "mkdocs.yml"),
    )
    assert made.exit_code == 0, made.output
    pages = ["".join(p.extract_text().split()) for p in PdfReader(tmp_path / "z.pdf").pages]
    assert "ZoëQuinn" in pages[0]
    assert sum("ZoëQuinn" in p for p in pages[1:]) >= 1


def test_fill_export_pdf_edit_extract_import(
    page: Page, browser: Browser, course: Path, course_url: str, tmp_path: Path
) -> None:
    outside: list[str] = []
    page.on("request", lambda r: None if local(r.url) else outside.append(r.url))
    config = str(course / "mkdocs.yml")

    # 1. the client fills the worksheet on the site and exports
    page.goto(course_url)
    fill_every_field(page)
    assert read_form(page) == EVERY_VALUE
    with page.expect_download() as info:
        page.locator(FORM).get_by_role("button", name="Export answers").click()
    exported = tmp_path / "client.json"
    info.value.save_as(exported)
    data = valid_answers(exported.read_text(encoding="utf-8"))
    assert data["worksheets"]["every-field"]["values"] == EVERY_VALUE

    # 2. the coach makes the client's own filled workbook
    made = cli(
        "pdf",
        "--client",
        "Sam Ortega",
        "--answers",
        str(exported),
        "-o",
        str(tmp_path / "sam.pdf"),
        "-f",
        config,
    )
    assert made.exit_code == 0, made.output
    fields = PdfReader(tmp_path / "sam.pdf").get_fields() or {}
    assert fields["every-field:name"]["/V"] == EVERY_VALUE["name"]
    assert fields["every-field:stance"]["/V"] == "/Hurried"
    as_handed = cli("answers", "extract", str(tmp_path / "sam.pdf"), "-f", config)
    assert valid_answers(as_handed.stdout)["worksheets"]["every-field"]["values"] == EVERY_VALUE

    # 3. the client edits it in a PDF viewer and sends it back
    writer = PdfWriter(clone_from=tmp_path / "sam.pdf")
    writer.update_page_form_field_values(
        None,
        {
            "every-field:story": "Rewritten\nin the PDF",
            "every-field:stance": "/Curious",
            "every-field:log:2:thanked": "/on",
            "every-field:industries:5": "hydrogen",
        },
        auto_regenerate=False,
    )
    writer.write(tmp_path / "returned.pdf")
    edited: dict[str, Any] = json.loads(json.dumps(EVERY_VALUE))
    edited["story"] = "Rewritten\nin the PDF"
    edited["stance"] = "Curious"
    edited["log"][1]["thanked"] = True
    edited["industries"].append("hydrogen")

    # 4. the coach extracts the answers file ...
    back = cli(
        "answers",
        "extract",
        str(tmp_path / "returned.pdf"),
        "-o",
        str(tmp_path / "back.json"),
        "-f",
        config,
    )
    assert back.exit_code == 0, back.output
    returned = valid_answers((tmp_path / "back.json").read_text(encoding="utf-8"))
    assert returned["course"] == data["course"]
    assert returned["worksheets"]["every-field"]["values"] == edited

    # 5. ... which a fresh browser imports, replacing what it had
    fresh = browser.new_context()
    other = fresh.new_page()
    other.on("request", lambda r: None if local(r.url) else outside.append(r.url))
    other.goto(course_url)
    other.locator(f"{FORM} [data-import-file]").set_input_files(str(tmp_path / "back.json"))
    dialog = other.get_by_role("dialog")
    dialog.get_by_role("button", name="Replace").click()
    expect(dialog).to_be_hidden()
    assert read_form(other) == edited
    other.reload()
    assert read_form(other) == edited
    fresh.close()

    # 6. the review page shows the same answers, as text
    page.goto(course_url + "review/")
    page.locator("#cb-review-file").set_input_files(str(tmp_path / "back.json"))
    answers = page.locator("[data-review-output]")
    expect(answers.locator("h2")).to_have_text(["Sam Ortega"])  # extract kept the client's name
    expect(answers.locator("h3")).to_have_text(["Every field type"])
    expect(answers.locator("dt", has_text="Your story so far").locator("+ dd")).to_have_text(
        "Rewritten\nin the PDF"
    )
    expect(answers.locator("dt", has_text="Your stance").locator("+ dd")).to_have_text("Curious")
    assert outside == []
