"""``coursebook new DIR``: a directory in, a complete buildable course site (from a packaged template) out."""

from __future__ import annotations

import re
import shutil
from importlib.resources import as_file
from importlib.resources import files as package_files
from pathlib import Path

import click

from coursebook.cli.common import fail

SCHEMA_FILE = "worksheet.schema.json"
_MODELINE = re.compile(r"^# yaml-language-server: \$schema=.*$", re.MULTILINE)


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--blank",
    is_flag=True,
    help="Start from a minimal course with one example worksheet instead of the full course.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Write into a directory that is not empty, replacing files with the same names.",
)
def new(directory: Path, blank: bool, force: bool) -> None:
    """Create a new course site in DIRECTORY.

    Without --blank, the site starts as the informational-interview course, ready to
    adapt: chapters in content/, worksheets in worksheets/, settings and branding in
    mkdocs.yml.
    """
    if directory.exists() and not directory.is_dir():
        fail(f"{directory}: exists and is not a directory")
    if directory.is_dir() and any(directory.iterdir()) and not force:
        fail(
            f"{directory}: directory is not empty; choose a new one, or add --force to write "
            "into it (files with the same names are replaced)"
        )
    template = package_files("coursebook").joinpath("scaffold", "blank" if blank else "course")
    with as_file(template) as source:
        if not (source / "mkdocs.yml").is_file():
            fail(f"{source}: the course template is missing from the installed package")
        try:
            # copytree follows symlinks: the packaged template may link to the course files
            shutil.copytree(
                source,
                directory,
                dirs_exist_ok=True,
                ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
            )
        except (OSError, shutil.Error) as exc:
            fail(f"{directory}: cannot write the course ({exc})")
    # Material refuses a custom_dir that does not exist, and packaging drops empty folders
    (directory / "site_src").mkdir(exist_ok=True)
    _link_schema(directory)
    worksheets = len(list((directory / "worksheets").glob("*.yml")))
    click.echo(
        f"Created a course in {directory} with {worksheets} "
        f"worksheet{'s' if worksheets != 1 else ''}."
    )
    click.echo("Next, preview it while you edit it (then build it with `mkdocs build`):\n")
    click.echo(f"  cd {_shell_quote(str(directory))}")
    click.echo("  mkdocs serve")


def _link_schema(directory: Path) -> None:
    """Give editors the worksheet JSON Schema: a copy at the top, named in each worksheet file."""
    schema = package_files("coursebook.model").joinpath(SCHEMA_FILE).read_bytes()
    (directory / SCHEMA_FILE).write_bytes(schema)
    modeline = f"# yaml-language-server: $schema=../{SCHEMA_FILE}"
    for path in (directory / "worksheets").glob("*.yml"):
        text = path.read_text(encoding="utf-8")
        updated = _MODELINE.sub(lambda _: modeline, text, count=1)
        if updated != text:
            path.write_text(updated, encoding="utf-8")


def _shell_quote(text: str) -> str:
    return text if re.fullmatch(r"[\w@%+=:,./-]+", text) else "'" + text.replace("'", "'\\''") + "'"
