"""``coursebook pdf``: a course + a client's name and answers in, that client's workbook PDF out.

A thin layer over the site's own MkDocs build: the ``workbook`` plugin's ``client``,
``answers`` and ``variants`` options are overridden, the site is built into a temporary
folder, and the one PDF asked for is copied out.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from coursebook.answers import AnswersError, load_answers
from coursebook.answers.markdown import unknown_answers
from coursebook.branding import BrandingError, load_branding
from coursebook.cli.common import CONFIG_OPTION, fail, load_course, warn


@click.command()
@click.option("--client", help="The client's name, printed on the cover and in the footer.")
@click.option(
    "--answers",
    "answers_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The client's exported answers file: filled into the PDF's fields (or typeset, with --print).",
)
@click.option(
    "--print",
    "print_variant",
    is_flag=True,
    help="Make the print workbook (answers typeset, lines to write on) instead of the fillable one.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the PDF [default: workbook-<client>.pdf].",
)
@CONFIG_OPTION
def pdf(
    client: str | None,
    answers_file: Path | None,
    print_variant: bool,
    output: Path | None,
    config_file: str,
) -> None:
    """Build the workbook PDF for one client.

    With --answers, the client's answers are already in the fillable fields (still
    editable), so you can hand back a workbook with the client's work in it.
    """
    course = load_course(config_file)
    try:  # before the long build: the plugin would stop on the same mistake
        load_branding(
            course.project.site_name, course.project.settings.get("extra"), Path(config_file).name
        )
    except BrandingError as exc:
        fail(str(exc))
    data = None
    if answers_file is not None:
        try:
            data = load_answers(answers_file)
        except AnswersError as exc:
            fail(str(exc))
        warn(
            f"{answers_file}: {line}; kept in the file, not in the PDF"
            for line in unknown_answers(data, course.worksheets)
        )
        if client is None and isinstance(data.get("client"), str):
            client = data["client"] or None
    variant = "print" if print_variant else "fillable"
    if output is None:
        name = "workbook" + (f"-{slug(client)}" if client else "")
        output = Path(name + ("-print" if print_variant else "") + ".pdf")
    root = course.project.root
    overrides = {
        "client": client,
        "answers": str(answers_file.resolve()) if answers_file is not None else None,
        "variants": [variant],
    }
    click.echo(
        f"building the {variant} workbook{f' for {client}' if client else ''} "
        "with the site (this takes a little while)…",
        err=True,
    )
    with tempfile.TemporaryDirectory(prefix="coursebook-pdf-") as site_dir:
        filename, warnings = _build(Path(config_file).resolve(), root, site_dir, overrides)
        # the plugin reports the same unknown answers we already named: say it once
        again = f"{overrides['answers']}: "
        warn(w for w in warnings if not (again in w and w.endswith("it is not in the PDF")))
        built = Path(site_dir) / filename
        if not built.is_file():
            fail(f"{config_file}: the build made no {variant} PDF ({filename})")
        try:
            output.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(built, output)
        except OSError as exc:
            fail(f"{output}: cannot write the PDF ({exc.strerror or exc})")
    size = output.stat().st_size
    who = f" for {client}" if client else ""
    filled = f", with answers from {answers_file}" if answers_file else ""
    click.echo(f"wrote {output} ({variant}{who}{filled}; {size // 1024} KB)")


def slug(name: str) -> str:
    """A file-name-safe form of a name: 'José Núñez' -> 'jose-nunez'."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "client"


def _build(
    config_file: Path, root: Path, site_dir: str, overrides: dict[str, Any]
) -> tuple[str, list[str]]:
    """Build the site into ``site_dir`` with the workbook options overridden.

    Returns the file name of the PDF and the build's warnings; fails with one line on errors.
    """
    # Material prints a notice about MkDocs 2 on every build; it is not the coach's concern
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    with _collect_log() as messages, _working_directory(root):
        try:
            config = load_config(str(config_file), site_dir=site_dir)
            plugin = config.plugins.get("workbook")
            if plugin is None or not plugin.config.get("enabled", True):
                fail(
                    f"{config_file.name}: the workbook plugin is not enabled "
                    "(add `- workbook` under plugins:)"
                )
            for key, value in overrides.items():
                plugin.config[key] = value
            config.plugins.on_startup(command="build", dirty=False)
            try:
                build(config)
            finally:
                config.plugins.on_shutdown()
        except MkDocsException as exc:
            errors = [m for level, m in messages if level >= logging.ERROR]
            fail(*(errors or [f"{config_file.name}: {exc}"]))
        filename = str(
            plugin.config[
                "fillable_filename" if overrides["variants"] == ["fillable"] else "print_filename"
            ]
        )
    return filename, [m for level, m in messages if level == logging.WARNING]


@contextmanager
def _collect_log() -> Iterator[list[tuple[int, str]]]:
    """MkDocs' warnings and errors, kept to be reported as one line each (info is dropped)."""
    messages: list[tuple[int, str]] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            text = " ".join(record.getMessage().split())
            messages.append((record.levelno, text))

    logger = logging.getLogger("mkdocs")
    handler = Collect(logging.WARNING)
    old_level, old_propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        yield messages
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
        logger.propagate = old_propagate


@contextmanager
def _working_directory(path: Path) -> Iterator[None]:
    """Builds run from the course folder, as ``mkdocs build`` does: some extensions
    (pymdownx.snippets) resolve their paths against the working directory."""
    previous = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)
