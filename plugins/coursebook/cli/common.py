"""Shared by the CLI commands: a course folder in, its worksheets (or a one-line failure and exit 1) out."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NoReturn

import click

from coursebook.model import Worksheet, WorksheetErrors
from coursebook.ordering import course_order, nav_pages
from coursebook.project import Project, plugin_options

CONFIG_OPTION = click.option(
    "-f",
    "--config-file",
    default="mkdocs.yml",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="The course's MkDocs config.",
)


def fail(*lines: str) -> NoReturn:
    """Print each line to stderr and exit with status 1 (no traceback)."""
    for line in lines:
        click.echo(line, err=True)
    sys.exit(1)


def warn(lines: Iterable[str]) -> None:
    for line in lines:
        click.echo(f"warning: {line}", err=True)


@dataclass
class Course:
    """A loaded course: its project, worksheets by id and in reading order, storage namespace."""

    project: Project
    worksheets: dict[str, Worksheet]
    ordered: list[Worksheet]
    namespace: str


def load_course(config_file: str) -> Course:
    """Read ``mkdocs.yml`` and every worksheet; on any mistake print it and exit 1."""
    try:
        project = Project.load(config_file)
    except WorksheetErrors as exc:
        fail(*(str(e) for e in exc.errors))
    worksheets, errors = project.check()
    if errors:
        fail(*(str(e) for e in errors))
    pages = [p.read_text(encoding="utf-8") for p in nav_pages(project.nav, project.docs_dir)]
    return Course(project, worksheets, course_order(worksheets, pages), namespace_of(project))


def namespace_of(project: Project) -> str:
    """The storage namespace the site writes into exported answers (as the plugin computes it)."""
    from coursebook.mkdocs_plugins.worksheets.plugin import storage_namespace

    option = plugin_options(project.settings, "worksheets").get("storage_namespace")
    return str(option) if option else storage_namespace(project.site_name)
