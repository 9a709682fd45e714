"""pymdownx.snippets confined to the course: no marker, link or setting pastes a file from
outside the course folder into a page (and so into the site and both PDFs)."""

from __future__ import annotations

from pathlib import Path

import pytest
from coursebook.model.snippets import escaping_snippets, snippet_paths

from tests.conftest import FIXTURES, mkdocs_build
from tests.pdf.conftest import copy_project


def test_every_marker_form_is_found() -> None:
    page = (
        '--8<-- "a.md"\n'
        "  --8<-- 'b.md:3:5'\n"  # line range
        ';--8<-- "escaped.md"\n'
        '--8<-- "c.md:section-name"\n'
        "--8<--\nd.md\n;e.md\n\nf.md:1:2\n--8<--\n"
        '--8<-- "https://example.org/x.md"\n'
        '```\n--8<-- "in-code.md"\n```\n'  # snippets run before code blocks are parsed
    )
    assert [path for _, path in snippet_paths(page)] == [
        "a.md",
        "b.md",
        "c.md",
        "d.md",
        "f.md",
        "in-code.md",
    ]


def test_links_out_of_the_course_are_found_through_snippets_of_snippets(tmp_path: Path) -> None:
    course, outside = tmp_path / "course", tmp_path / "outside"
    (course / "inc").mkdir(parents=True)
    outside.mkdir()
    (outside / "key.txt").write_text("secret", encoding="utf-8")
    (course / "inc" / "ok.md").write_text("fine", encoding="utf-8")
    (course / "inc" / "link.md").symlink_to(outside / "key.txt")
    (course / "inc" / "nested.md").write_text('--8<-- "inc/link.md"\n', encoding="utf-8")
    page = '--8<-- "inc/ok.md"\n--8<-- "inc/nested.md"\n--8<-- "inc/link.md"\n'
    escapes = escaping_snippets(page, [course], course)
    assert [(e.line, e.path) for e in escapes] == [(2, "inc/nested.md"), (3, "inc/link.md")]
    assert escapes[1].target == (outside / "key.txt").resolve()


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """The PDF fixture course with pymdownx.snippets on, and a link to a file outside it."""
    project = copy_project(FIXTURES / "pdfsite", tmp_path / "course")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace("markdown_extensions:\n", "markdown_extensions:\n  - pymdownx.snippets\n"),
        encoding="utf-8",
    )
    (tmp_path / "secret.txt").write_text("SECRET-KEY-1234", encoding="utf-8")
    (project / "notes.md").symlink_to(tmp_path / "secret.txt")
    return project


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ("page", "snippet 'notes.md' leads to a file outside the course"),
        ("base_path", "base_path '..'"),
        ("restrict", "restrict_base_path: false"),
    ],
)
def test_the_build_stops_with_one_line(course: Path, change: str, named: str) -> None:
    config = course / "mkdocs.yml"
    page = next((course / "docs").glob("*.md"))
    if change == "page":
        page.write_text(page.read_text("utf-8") + '\n--8<-- "notes.md"\n', encoding="utf-8")
    else:
        options = "base_path: ['..']" if change == "base_path" else "restrict_base_path: false"
        text = config.read_text("utf-8")
        config.write_text(
            text.replace("  - pymdownx.snippets\n", f"  - pymdownx.snippets:\n      {options}\n"),
            encoding="utf-8",
        )
    build = mkdocs_build(config, course / "site")
    assert build.returncode == 1
    # MkDocs itself adds "Error reading page '…'" before an error raised for a page
    errors = [line for line in build.log.splitlines() if line.startswith("ERROR")]
    assert len([line for line in errors if named in line]) == 1, build.log
    assert len(errors) <= 2, build.log
    assert "Traceback" not in build.log
    leaked = [
        p for p in (course / "site").rglob("*") if p.is_file() and b"SECRET" in p.read_bytes()
    ]
    assert not leaked


def test_paths_pymdownx_refuses_itself_are_not_escapes(tmp_path: Path) -> None:
    """``..`` and absolute paths never leave the base as pymdownx checks them (written,
    links not followed), so the page builds and they stay out."""
    course = tmp_path / "course"
    course.mkdir()
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    page = f'--8<-- "../secret.txt"\n--8<-- "{tmp_path / "secret.txt"}"\n'
    assert escaping_snippets(page, [course], course) == []


def test_hostile_markers_end_quickly_without_an_error(tmp_path: Path) -> None:
    """A path longer than any file name, a loop of links, a long run of ranges."""
    import time

    (tmp_path / "a.md").symlink_to(tmp_path / "b.md")
    (tmp_path / "b.md").symlink_to(tmp_path / "a.md")
    page = (
        f'--8<-- "{"x" * 5000}"\n--8<-- "a.md"\n--8<-- "x{",1:1" * 50_000}"\n'
        + '--8<-- "a"'
        + '"a' * 20_000
        + "\n"
    )
    started = time.process_time()
    assert escaping_snippets(page, [tmp_path], tmp_path) == []
    assert time.process_time() - started < 5
