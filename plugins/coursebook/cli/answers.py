"""``coursebook answers``: answers files and filled workbooks in, answers JSON or Markdown out."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click

from coursebook.answers import AnswersError, dump_answers, load_answers
from coursebook.answers.markdown import answers_markdown, unknown_answers
from coursebook.cli.common import CONFIG_OPTION, fail, load_course, warn
from coursebook.pdf.extract import ExtractError, extract_answers


@click.group()
def answers() -> None:
    """Work with a client's answers: read a filled PDF workbook, show an answers file."""


@answers.command()
@click.argument("pdf", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the answers file here (default: print it).",
)
@CONFIG_OPTION
def extract(pdf: Path, output: Path | None, config_file: str) -> None:
    """Read the answers out of a fillable workbook PDF that was filled in a PDF viewer.

    Writes the same answers file the site exports, ready to import on the site or to pass
    to `coursebook pdf --answers`. Worksheets left empty in the PDF are not included.
    """
    course = load_course(config_file)
    try:
        data, warnings = extract_answers(pdf, course.worksheets, course.namespace)
    except ExtractError as exc:
        fail(str(exc))
    warn(warnings)
    text = dump_answers(data)
    count = sum(len(w["values"]) for w in data["worksheets"].values())
    sheets = len(data["worksheets"])
    summary = (
        f"{sheets} worksheet{'s' if sheets != 1 else ''}, {count} answer{'s' if count != 1 else ''}"
    )
    if output is None:
        click.echo(text, nl=False)
        click.echo(f"read {pdf}: {summary}", err=True)
        return
    _write_atomically(output, text)
    click.echo(f"wrote {output}: {summary}", err=True)


@answers.command()
@click.argument("answers_file", metavar="ANSWERS", type=click.Path(dir_okay=False, path_type=Path))
@CONFIG_OPTION
def show(answers_file: Path, config_file: str) -> None:
    """Print an answers file as Markdown: every answered worksheet, in course order."""
    course = load_course(config_file)
    try:
        data = load_answers(answers_file)
    except AnswersError as exc:
        fail(str(exc))
    warn(
        f"{answers_file}: {line} (shown at the end)"
        for line in unknown_answers(data, course.worksheets)
    )
    title = f"Answers: {course.project.site_name or answers_file.name}"
    click.echo(answers_markdown(data, course.ordered, title), nl=False)


def _write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` only once the new text is safely on disk."""
    temp = None
    try:
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".answers-")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temp, path)
    except OSError as exc:
        if temp is not None and os.path.exists(temp):
            os.unlink(temp)
        fail(f"{path}: cannot write the answers file ({exc.strerror or exc})")
