"""Category 6: destroying work.

``-o`` of ``answers extract`` and ``pdf`` pointed at an existing file, at the command's own
input (by another spelling, a hard link, a symbolic link), at a worksheet, at the course's
``mkdocs.yml``: without ``--force`` nothing changes (bytes and modification time), and
``--force`` never replaces an input. ``new --force`` into a folder holding symbolic links
(a file, a folder, a dangling link, a worksheet) that point outside it: nothing outside the
target may change or appear.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES
from tests.hostile.helpers import (
    CONTRACT,
    copy_course,
    coursebook,
    form_pdf,
    no_crash,
    refused,
    run_cli,
    run_limited,
    snapshot,
)

BACKGROUND_RANK = 5
ANSWERS = {"format": "coursebook-answers", "version": 1, "client": "Sam", "worksheets": {}}


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """A copy of the contract course, a filled PDF and an answers file beside it."""
    root = copy_course(CONTRACT, tmp_path / "course")
    (root / "returned.pdf").write_bytes(form_pdf({"profile:name": "Sam"}))
    (root / "sam.json").write_text(json.dumps(ANSWERS), encoding="utf-8")
    return root


def extract(course: Path, output: Path | str, *force: str) -> Any:
    return run_cli(
        "answers",
        "extract",
        course / "returned.pdf",
        "-o",
        output,
        *force,
        "-f",
        course / "mkdocs.yml",
    )


def unchanged(before: dict[str, Any], *paths: Path) -> None:
    after = snapshot(*paths)
    changed = [p for p in before if before[p] != after.get(p)]
    added = [p for p in after if p not in before]
    assert (changed, added) == ([], []), f"changed: {changed}; appeared: {added}"


# ---- answers extract -o ---------------------------------------------------------


def test_extract_keeps_an_existing_answers_file(course: Path) -> None:
    before = snapshot(course / "sam.json")
    refused(extract(course, course / "sam.json"), "sam.json", "--force")
    unchanged(before, course / "sam.json")


def test_extract_never_writes_over_its_own_pdf(course: Path) -> None:
    before = snapshot(course / "returned.pdf")
    refused(extract(course, course / "returned.pdf"), "returned.pdf")
    refused(extract(course, course / "returned.pdf", "--force"), "returned.pdf")
    unchanged(before, course / "returned.pdf")


def test_extract_never_writes_over_its_pdf_by_another_spelling(course: Path) -> None:
    (course / "sub").mkdir()
    before = snapshot(course / "returned.pdf")
    refused(extract(course, course / "sub" / ".." / "returned.pdf", "--force"), "returned.pdf")
    unchanged(before, course / "returned.pdf")


def test_extract_never_writes_over_a_hard_link_to_its_pdf(course: Path) -> None:
    os.link(course / "returned.pdf", course / "alias.pdf")
    before = snapshot(course / "returned.pdf")
    refused(extract(course, course / "alias.pdf", "--force"), "alias.pdf")
    unchanged(before, course / "returned.pdf")


def test_extract_never_writes_through_a_symlink_to_its_pdf(course: Path) -> None:
    (course / "link.json").symlink_to(course / "returned.pdf")
    before = snapshot(course / "returned.pdf")
    refused(extract(course, course / "link.json", "--force"), "link.json")
    unchanged(before, course / "returned.pdf")


def test_extract_keeps_a_worksheet(course: Path) -> None:
    sheet = course / "worksheets" / "plan.yml"
    before = snapshot(sheet)
    refused(extract(course, sheet), "plan.yml")
    unchanged(before, sheet)


def test_extract_with_force_never_replaces_the_course_config_it_reads(course: Path) -> None:
    before = snapshot(course / "mkdocs.yml")
    refused(extract(course, course / "mkdocs.yml", "--force"), "mkdocs.yml")
    unchanged(before, course / "mkdocs.yml")


def test_extract_with_force_replaces_a_link_not_the_file_it_points_at(
    course: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("keep me\n", encoding="utf-8")
    (course / "out.json").symlink_to(outside)
    before = snapshot(outside)
    result = extract(course, course / "out.json", "--force")
    no_crash(result)
    unchanged(before, outside)


def test_extract_refuses_a_folder(course: Path) -> None:
    before = snapshot(course / "docs")
    refused(extract(course, course / "docs", "--force"), "docs")
    unchanged(before, course / "docs")


def test_extract_with_force_replaces_whole_and_leaves_no_temporary_file(course: Path) -> None:
    target = course / "old.json"
    target.write_text("old\n", encoding="utf-8")
    result = extract(course, target, "--force")
    no_crash(result)
    assert result.exit_code == 0, result.output
    assert json.loads(target.read_text("utf-8"))["worksheets"]["profile"]["values"] == {
        "name": "Sam"
    }
    assert sorted(p.name for p in course.iterdir() if p.name.startswith(".")) == []


# ---- coursebook pdf -o -----------------------------------------------------------


def pdf(course: Path, *args: object) -> Any:
    return run_cli("pdf", *args, "-f", course / "mkdocs.yml")


def test_pdf_keeps_an_existing_file(course: Path) -> None:
    (course / "sam.pdf").write_bytes(b"%PDF- the workbook I sent last week")
    before = snapshot(course / "sam.pdf")
    refused(pdf(course, "--answers", course / "sam.json", "-o", course / "sam.pdf"), "sam.pdf")
    unchanged(before, course / "sam.pdf")


def test_pdf_never_writes_over_the_answers_it_reads(course: Path) -> None:
    before = snapshot(course / "sam.json")
    args = ("--answers", course / "sam.json", "-o", course / "sam.json")
    refused(pdf(course, *args), "sam.json")
    refused(pdf(course, *args, "--force"), "sam.json")
    unchanged(before, course / "sam.json")


def test_pdf_never_writes_through_a_symlink_to_the_answers(course: Path) -> None:
    (course / "out.pdf").symlink_to(course / "sam.json")
    before = snapshot(course / "sam.json")
    refused(
        pdf(course, "--answers", course / "sam.json", "-o", course / "out.pdf", "--force"),
        "out.pdf",
    )
    unchanged(before, course / "sam.json")


def test_pdf_keeps_a_worksheet(course: Path) -> None:
    sheet = course / "worksheets" / "profile.yml"
    before = snapshot(sheet)
    refused(pdf(course, "--answers", course / "sam.json", "-o", sheet), "profile.yml")
    unchanged(before, sheet)


def test_pdf_keeps_the_default_output_name(course: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without -o the file is workbook-<client>.pdf in the current folder."""
    monkeypatch.chdir(course)
    (course / "workbook-sam.pdf").write_bytes(b"%PDF- mine")
    before = snapshot(course / "workbook-sam.pdf")
    refused(pdf(course, "--answers", course / "sam.json"), "workbook-sam.pdf")
    unchanged(before, course / "workbook-sam.pdf")


def test_pdf_for_a_cohort_keeps_existing_workbooks(course: Path) -> None:
    clients = course / "clients"
    clients.mkdir()
    for name in ("Ana", "Ben"):
        (clients / f"{name}.json").write_text(
            json.dumps({**ANSWERS, "client": name}), encoding="utf-8"
        )
    out = course / "workbooks"
    out.mkdir()
    (out / "workbook-ben.pdf").write_bytes(b"%PDF- Ben's, annotated by hand")
    before = snapshot(out)
    refused(pdf(course, "--answers", clients, "-o", out), "workbook-ben.pdf")
    unchanged(before, out)


def _pdf_over_its_config(root: Path) -> Any:
    """``coursebook pdf -o mkdocs.yml --force -f mkdocs.yml`` on a course that builds."""
    copy_course(FIXTURES / "pdfsite", root)
    before = snapshot(root / "mkdocs.yml")
    run = run_limited(
        coursebook("pdf", "-o", root / "mkdocs.yml", "--force", "-f", root / "mkdocs.yml"),
        root,
        limit=120,
    )
    return before, run, snapshot(root / "mkdocs.yml")


def BACKGROUND(factory: Any) -> dict[str, Any]:
    root = factory.mktemp("hostile-pdf-config") / "course"
    return {"pdf over its config": lambda: _pdf_over_its_config(root)}


def test_pdf_with_force_never_replaces_the_course_config_it_reads(background: Any) -> None:
    before, run, after = background.result("pdf over its config")
    assert "Traceback" not in run.output, run.output[-800:]
    assert after == before, f"mkdocs.yml was replaced; the command said: {run.output[-300:]}"
    assert run.returncode == 1


# ---- coursebook new --force --------------------------------------------------------


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "outside"
    (folder / "docs").mkdir(parents=True)
    (folder / "settings.yml").write_text("mine: true\n", encoding="utf-8")
    (folder / "notes.yml").write_text("my notes\n", encoding="utf-8")
    (folder / "docs" / "keep.md").write_text("# Mine\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("link", "target"),
    [
        ("mkdocs.yml", "settings.yml"),
        ("content", "docs"),
        ("worksheet.schema.json", "not-yet-there.json"),
        ("worksheets/first-steps.yml", "notes.yml"),
    ],
    ids=[
        "a file link",
        "a folder link",
        "a dangling link",
        "a worksheet link",
    ],
)
def test_new_force_writes_nothing_outside_the_target(
    tmp_path: Path, outside: Path, link: str, target: str
) -> None:
    course = tmp_path / "course"
    (course / link).parent.mkdir(parents=True, exist_ok=True)
    (course / link).symlink_to(outside / target, target_is_directory=(outside / target).is_dir())
    before = snapshot(outside)
    result = run_cli("new", course, "--blank", "--force")
    no_crash(result)
    unchanged(before, outside)
    assert not (outside / "not-yet-there.json").exists()
    assert (course / "mkdocs.yml").is_file() or result.exit_code == 1
