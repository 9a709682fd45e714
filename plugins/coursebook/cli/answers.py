"""``coursebook answers``: answers files and filled workbooks in, answers JSON, Markdown or a cohort table out.

Every answers file is read through the course's answers contract, as the site reads it:
the same refusals, the same messages, renamed fields moved, old answers kept aside.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

import click

from coursebook.answers import dump_answers, read_answers_file, render
from coursebook.answers.markdown import answers_markdown
from coursebook.answers.summary import ClientRow, summary_row
from coursebook.cli.common import (
    CONFIG_OPTION,
    FORCE_OPTION,
    Course,
    check_output,
    course_inputs,
    fail,
    load_course,
    out,
    say,
    warn,
    write_output,
)
from coursebook.pdf.extract import ExtractError, ExtractNotice, extract_answers


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def answers() -> None:
    """Work with clients' answers: read filled PDF workbooks, show or summarise answers files."""


@answers.command()
@click.argument("pdf", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the answers file here (default: print it).",
)
@FORCE_OPTION
@CONFIG_OPTION
def extract(pdf: Path, output: Path | None, force: bool, config_file: str | None) -> None:
    """Read the answers out of a fillable workbook PDF that was filled in a PDF viewer.

    Writes the same answers file the site exports, with the client's name, ready to import
    on the site or to pass to `coursebook pdf --answers`. Dates typed in the PDF are read
    when they can mean only one day; others are kept as typed, with a warning. Worksheets
    left empty in the PDF are not included.
    """
    course = load_course(config_file)
    inputs = [pdf, *course_inputs(course)]
    if output is not None:
        check_output(output, force, inputs)  # before the work, as after it
    try:
        found = extract_answers(pdf, course.contract, course.namespace)
    except ExtractNotice as exc:
        fail(render(exc.notice, course.catalogue))
    except ExtractError as exc:
        fail(str(exc))
    warn(found.ignored)
    warn(render(n, course.catalogue) for n in found.notices)
    data = found.answers
    text = dump_answers(data)
    count = sum(len(w["values"]) for w in data["worksheets"].values())
    sheets = len(data["worksheets"])
    summary = (
        f"{sheets} worksheet{'s' if sheets != 1 else ''}, {count} answer{'s' if count != 1 else ''}"
    )
    if data.get("client"):
        summary += f", client {data['client']}"
    if output is None:
        out(text, nl=False)
        say(f"read {pdf}: {summary}")
        return
    write_output(output, text.encode("utf-8"), force, inputs)
    say(f"wrote {output}: {summary}")


@answers.command()
@click.argument("answers_file", metavar="ANSWERS", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--no-coach-notes", is_flag=True, help="Leave out each worksheet's notes for the coach."
)
@CONFIG_OPTION
def show(answers_file: Path, no_coach_notes: bool, config_file: str | None) -> None:
    """Print an answers file as Markdown: every answered worksheet, in course order.

    Each worksheet comes with its coach notes (what to look for, warning signs) unless
    --no-coach-notes is given.
    """
    course = load_course(config_file)
    t = course.catalogue
    reading = read_answers_file(answers_file, course.contract, str(answers_file))
    if reading.answers is None:
        assert reading.error is not None
        fail(render(reading.error, t))
    warn(render(n, t) for n in reading.notices)
    title = t("show.title", course=course.project.site_name or answers_file.name)
    out(
        answers_markdown(reading.answers, course.ordered, title, t, coach_notes=not no_coach_notes),
        nl=False,
    )


@answers.command()
@click.argument(
    "paths", metavar="FILES_OR_FOLDERS...", nargs=-1, required=True, type=click.Path(path_type=Path)
)
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV instead of a table.")
@CONFIG_OPTION
def summary(paths: tuple[Path, ...], as_csv: bool, config_file: str | None) -> None:
    """One row per client: how much of each worksheet is answered, and the last change.

    Takes answers files and folders of them (every .json file in a folder). A file that
    cannot be read is reported and left out; the exit status is then 1.
    """
    course = load_course(config_file)
    t = course.catalogue
    rows: list[ClientRow] = []
    failed = 0
    for path in expand(paths):
        reading = read_answers_file(path, course.contract, str(path))
        if reading.answers is None:
            assert reading.error is not None
            say(render(reading.error, t))
            failed += 1
            continue
        rows.append(summary_row(reading.answers, course.ordered, path))
    if as_csv:
        out(_csv(rows, course), nl=False)
    else:
        out(_table(rows, course))
    if failed:
        fail(f"{failed} of {failed + len(rows)} files could not be read")


def expand(paths: Iterable[Path]) -> list[Path]:
    """Answers files named, and the .json files of folders named, in a stable order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(
                p for p in path.iterdir() if p.suffix.lower() == ".json" and p.is_file()
            )
        else:
            found.append(path)
    return found


def _cells(row: ClientRow) -> list[str]:
    return [f"{done}/{total}" for done, total in row.counts]


def _csv(rows: list[ClientRow], course: Course) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["client", "file", *(ws.title for ws in course.ordered), "last change"])
    for row in rows:
        writer.writerow([_spreadsheet_safe(row.client), row.file, *_cells(row), row.updated])
    return buffer.getvalue()


def _spreadsheet_safe(text: str) -> str:
    """A cell a spreadsheet will show as text, never run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _table(rows: list[ClientRow], course: Course) -> str:
    numbers = [str(n) for n in range(1, len(course.ordered) + 1)]
    head = ["client", *numbers, "last change"]
    body = [[row.client, *_cells(row), row.updated] for row in rows]
    widths = [max(len(r[i]) for r in [head, *body]) for i in range(len(head))]

    def line(cells: list[str]) -> str:
        first, *rest = cells
        return "  ".join(
            [first.ljust(widths[0]), *(c.rjust(w) for c, w in zip(rest, widths[1:], strict=True))]
        ).rstrip()

    legend = [f"{n}  {ws.title}" for n, ws in zip(numbers, course.ordered, strict=True)]
    return "\n".join([line(head), *(line(r) for r in body), "", *legend])
