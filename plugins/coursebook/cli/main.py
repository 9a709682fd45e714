"""``coursebook`` command line: arguments in, exit status and one-line messages out."""

from __future__ import annotations

import sys

import click

from coursebook import __version__
from coursebook.cli.common import CONFIG_OPTION
from coursebook.model import WorksheetErrors
from coursebook.project import Project


@click.group()
@click.version_option(__version__, prog_name="coursebook")
def main() -> None:
    """Publish a self-paced course with a workbook."""


@main.command()
@CONFIG_OPTION
def validate(config_file: str) -> None:
    """Check every worksheet file and every worksheet block in the pages."""
    try:
        project = Project.load(config_file)
    except WorksheetErrors as exc:
        _fail(exc)
    worksheets, errors = project.check()
    if errors:
        _fail(WorksheetErrors(errors))
    used = project.references()
    for worksheet in worksheets.values():
        pages = used.get(worksheet.id, [])
        if not pages:
            click.echo(
                f"{worksheet.source}: warning: worksheet '{worksheet.id}' is not used on any page",
                err=True,
            )
        elif len(pages) > 1:
            click.echo(
                f"{worksheet.source}: warning: worksheet '{worksheet.id}' is used on {len(pages)} pages",
                err=True,
            )
    count = sum(len(p) for p in used.values())
    click.echo(
        f"ok: {len(worksheets)} worksheets, {len(project.pages())} pages, {count} worksheet blocks"
    )


def _fail(exc: WorksheetErrors) -> None:
    for error in exc.errors:
        click.echo(str(error), err=True)
    n = len(exc.errors)
    click.echo(f"{n} error{'s' if n != 1 else ''} found", err=True)
    sys.exit(1)


# the commands in their own modules register last, so they can import from this one freely
from coursebook.cli.answers import answers  # noqa: E402
from coursebook.cli.new import new  # noqa: E402
from coursebook.cli.pdf import pdf  # noqa: E402

main.add_command(new)
main.add_command(answers)
main.add_command(pdf)
