"""PDF-test fixtures: the PDF fixture site and the default course, each built once, read with pypdf."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from coursebook.model import Worksheet, load_worksheets
from coursebook.project import Project, plugin_options
from mkdocs.utils.meta import get_data
from pypdf import PdfReader

from tests.conftest import FIXTURES, ROOT, Build

PDFSITE = FIXTURES / "pdfsite"


@dataclass
class Course:
    """A built course: its project folder, site, log and both PDFs read with pypdf."""

    project: Path
    site: Path
    log: str
    worksheets: dict[str, Worksheet]
    chapters: list[str]

    @property
    def fillable(self) -> PdfReader:
        return PdfReader(self.site / "workbook.pdf")

    @property
    def printable(self) -> PdfReader:
        return PdfReader(self.site / "workbook-print.pdf")


def chapter_titles(config: Path) -> list[str]:
    """The nav titles of the pages the workbook plugin puts in the PDF, in order."""
    project = Project.load(config)
    excluded = set(plugin_options(project.settings, "workbook").get("exclude", []))
    titles = []
    for entry in project.nav:
        (title, page), *_ = entry.items()
        _, meta = get_data((project.docs_dir / page).read_text(encoding="utf-8"))
        if page not in excluded and meta.get("pdf") is not False:
            titles.append(title)
    return titles


def copy_project(source: Path, target: Path) -> Path:
    """A writable copy of a course folder (so its PDF cache starts empty and stays out of git)."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(".cache", "site"))
    return target


def build_verbose(
    config: Path,
    site: Path,
    *,
    strict: bool = True,
    extra: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
) -> Build:
    """A real ``mkdocs build`` with info messages in the log (the plugin reports its stages there)."""
    args = [sys.executable, "-m", "mkdocs", "build", "-f", str(config), "-d", str(site), *extra]
    if strict:
        args.append("--strict")
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    run = subprocess.run(args, capture_output=True, text=True, env=environment, cwd=config.parent)
    return Build(site, run.returncode, run.stdout + run.stderr)


def set_workbook_options(config: Path, **options: Any) -> None:
    """Rewrite the ``workbook`` entry of ``plugins:`` in a copied ``mkdocs.yml``."""
    text = config.read_text(encoding="utf-8")
    entry = "  - workbook: " + json.dumps(options) + "\n"
    assert "  - workbook\n" in text
    config.write_text(text.replace("  - workbook\n", entry), encoding="utf-8")


def built_pdfsite(root: Path, env: dict[str, str] | None = None) -> Course:
    """The PDF fixture site copied under ``root`` and built strict."""
    project = copy_project(PDFSITE, root / "project")
    build = build_verbose(project / "mkdocs.yml", project.parent / "site", env=env)
    assert build.returncode == 0, build.log
    assert build.warnings == [], build.log
    return Course(
        project,
        build.site,
        build.log,
        load_worksheets(project / "worksheets", project),
        chapter_titles(project / "mkdocs.yml"),
    )


@pytest.fixture(scope="session")
def pdfsite_whole(tmp_path_factory: pytest.TempPathFactory) -> Course:
    """The PDF fixture site (image, table, admonition, tabs, links, every field type), built
    once, each PDF laid out as one document."""
    return built_pdfsite(tmp_path_factory.mktemp("pdfsite"))


@pytest.fixture(scope="session")
def pdfsite_in_parts(tmp_path_factory: pytest.TempPathFactory) -> Course:
    """The same site with each chapter laid out as a part of its own and the parts joined
    (``pdf/parts.py``; a long book is laid out so), one part after the other (parts laid
    out at once give the same bytes: tests/test_parts.py)."""
    env = {"COURSEBOOK_PDF_PART_CHARS": "1", "COURSEBOOK_PDF_WORKERS": "1"}
    return built_pdfsite(tmp_path_factory.mktemp("pdfsite-parts"), env)


@pytest.fixture(scope="session", params=["pdfsite_whole", "pdfsite_in_parts"])
def pdfsite(request: pytest.FixtureRequest) -> Course:
    """The PDF fixture site, laid out whole and in parts: every check holds for both."""
    built: Course = request.getfixturevalue(request.param)
    return built


@pytest.fixture(scope="session")
def course(default_site: Path) -> Course:
    """The shipped course (built once per session by the shared ``default_site`` fixture)."""
    return Course(
        ROOT,
        default_site,
        "",
        load_worksheets(ROOT / "worksheets", ROOT),
        chapter_titles(ROOT / "mkdocs.yml"),
    )


@pytest.fixture(params=["pdfsite_whole", "pdfsite_in_parts", "course"])
def any_course(request: pytest.FixtureRequest) -> Course:
    """Each built course in turn: the fixture site and the default course."""
    built: Course = request.getfixturevalue(request.param)
    return built
