"""Real ``mkdocs build`` runs of a tiny site: forms in pages, and author mistakes as file:line errors."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import course_data, fixture_site, mkdocs_build


@pytest.fixture
def site_dir(tmp_path: Path) -> Path:
    """A writable copy of the fixture site."""
    project = tmp_path / "project"
    fixture_site(project)
    return project


def validate(project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "coursebook.cli", "validate"],
        cwd=project,
        capture_output=True,
        text=True,
    )


def test_fixture_site_builds_with_its_worksheet(site_dir: Path, tmp_path: Path) -> None:
    build = mkdocs_build(site_dir / "mkdocs.yml", tmp_path / "out")
    assert build.returncode == 0, build.log
    assert build.warnings == []
    page = (tmp_path / "out" / "index.html").read_text()
    assert page.count('<form class="cb-worksheet" data-worksheet="every-field"') == 1
    # a worksheet block inside a code fence is shown as code, not rendered or checked
    assert "/// worksheet | not-checked-inside-code" in page
    assert (tmp_path / "out" / "assets" / "coursebook" / "coursebook.css").is_file()
    schema = json.loads((tmp_path / "out" / "schema" / "worksheet.schema.json").read_text())
    assert schema["title"] == "coursebook worksheet"
    settings = course_data(tmp_path / "out" / "index.html")
    assert settings["namespace"] == "fixture-course"
    assert settings["worksheets"]["every-field"]["version"] == 2


def test_worksheet_markdown_uses_the_site_extensions(site_dir: Path, tmp_path: Path) -> None:
    ws = site_dir / "worksheets" / "every-field.yml"
    ws.write_text(
        ws.read_text().replace(
            "  This worksheet uses", "  !!! tip\n      Admonition.\n\n  This worksheet uses"
        )
    )
    build = mkdocs_build(site_dir / "mkdocs.yml", tmp_path / "out")
    assert build.returncode == 0, build.log
    page = (tmp_path / "out" / "index.html").read_text()
    assert '<div class="admonition tip">' in page


def test_bad_worksheet_stops_the_build_with_file_and_line(site_dir: Path, tmp_path: Path) -> None:
    ws = site_dir / "worksheets" / "every-field.yml"
    ws.write_text(ws.read_text().replace("        type: date\n", "        type: calendar\n", 1))
    build = mkdocs_build(site_dir / "mkdocs.yml", tmp_path / "out")
    assert build.returncode != 0
    expected = (
        "worksheets/every-field.yml:52:15: section 'picks', field 'deadline': unknown field type "
        "'calendar' (expected one of: text, textarea, list, checklist, choice, scale, date, table, guidance)"
    )
    assert expected in build.log
    assert "Traceback" not in build.log
    check = validate(site_dir)
    assert check.returncode == 1
    assert check.stderr.splitlines()[0] == expected


def test_missing_worksheet_reference_names_page_and_line(site_dir: Path, tmp_path: Path) -> None:
    page = site_dir / "docs" / "index.md"
    page.write_text(page.read_text() + "\nMore.\n\n/// worksheet | no-such-sheet\n///\n")
    build = mkdocs_build(site_dir / "mkdocs.yml", tmp_path / "out")
    assert build.returncode != 0
    expected = "docs/index.md:15: unknown worksheet 'no-such-sheet' (known worksheets: every-field)"
    assert expected in build.log
    assert "Traceback" not in build.log
    check = validate(site_dir)
    assert check.returncode == 1
    assert check.stderr.splitlines()[0] == expected


def test_block_without_id_is_an_error(site_dir: Path, tmp_path: Path) -> None:
    page = site_dir / "docs" / "index.md"
    page.write_text("---\ntitle: Front matter counts\n---\n\n/// worksheet\n///\n")
    build = mkdocs_build(site_dir / "mkdocs.yml", tmp_path / "out")
    assert build.returncode != 0
    assert "docs/index.md:5: worksheet block without an id" in build.log


def test_unused_worksheet_is_a_warning_that_strict_turns_into_failure(
    site_dir: Path, tmp_path: Path
) -> None:
    spare = site_dir / "worksheets" / "spare.yml"
    spare.write_text(
        "id: spare\ntitle: Spare\nversion: 1\nsections:\n  - title: S\n    fields:\n"
        "      - {id: a, type: text, label: A}\n"
    )
    build = mkdocs_build(site_dir / "mkdocs.yml", tmp_path / "out")
    assert build.returncode != 0
    assert "worksheets/spare.yml: worksheet 'spare' is not used on any page" in build.log
    lenient = mkdocs_build(site_dir / "mkdocs.yml", tmp_path / "out2", strict=False)
    assert lenient.returncode == 0


def test_validate_passes_a_good_site(site_dir: Path) -> None:
    check = validate(site_dir)
    assert check.returncode == 0, check.stderr
    assert check.stdout.strip() == "ok: 1 worksheets, 1 pages, 1 worksheet blocks"


def test_serve_rebuilds_when_a_worksheet_changes(site_dir: Path) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=site_dir,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**__import__("os").environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert server.stdout is not None
    lines: list[str] = []

    def wait_for(text: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = server.stdout.readline()  # type: ignore[union-attr]
            lines.append(line)
            if text in line:
                return
        raise AssertionError(f"{text!r} not seen in:\n{''.join(lines)}")

    try:
        wait_for("Serving on")
        time.sleep(1)
        ws = site_dir / "worksheets" / "every-field.yml"
        ws.write_text(ws.read_text().replace("title: Every field type", "title: Changed title"))
        wait_for("Detected file changes")
        wait_for("Building documentation")
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_a_second_build_loads_what_the_first_kept(site_dir: Path, tmp_path: Path) -> None:
    """The theme's compiled templates and the sanitised pages are loaded, not made again,
    and what sanitising took out is said again each time."""
    (site_dir / "docs" / "more.md").write_text(
        "# More\n\n[Run](javascript:alert(1)) and [read](https://example.org/).\n"
    )
    first = mkdocs_build(site_dir / "mkdocs.yml", tmp_path / "one", strict=False)
    assert first.returncode == 0, first.log
    cache = site_dir / ".cache" / "plugin" / "worksheets"
    written = {
        p: p.stat().st_mtime_ns for kind in ("templates", "pages") for p in (cache / kind).iterdir()
    }
    templates = [p for p in written if p.parent.name == "templates"]
    pages = [p for p in written if p.parent.name == "pages"]
    assert len(templates) > 20  # Material's base, partials and the 404 page
    assert len(pages) == 2
    second = mkdocs_build(site_dir / "mkdocs.yml", tmp_path / "two", strict=False)
    assert second.returncode == 0, second.log
    # each entry was read, not made and written again
    assert {p: p.stat().st_mtime_ns for p in written} == written
    for page in ("index.html", "404.html", "more/index.html"):
        assert (tmp_path / "two" / page).read_text() == (tmp_path / "one" / page).read_text()
    assert "javascript:" not in (tmp_path / "two" / "more" / "index.html").read_text()
    for build in (first, second):
        assert build.warnings == [
            "WARNING -  coursebook: docs/more.md: a href 'javascript:alert(1)' is not a web, "
            "mail or relative address; it is taken out of the site and the PDFs"
        ]
