"""``coursebook pdf``: a course + clients' names and answers in, one workbook PDF per client out.

The course is built once, with the site's own build (MkDocs', or ProperDocs' for a course
configured with ``properdocs.yml``: the ``workbook`` plugin makes the PDF exactly as
``mkdocs build`` or ``properdocs build`` would). The fillable workbook is laid out once, blank,
with as many list and table rows as the widest client needs, and each client's copy is
that PDF with their answers and name filled in (``coursebook.pdf.fill``): milliseconds
each. The print workbook typesets answers, so each client's is laid out from the same
prepared book. Clients are done in parallel, on every core.
"""

from __future__ import annotations

import dataclasses
import logging
import multiprocessing
import os
import re
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from coursebook.answers import read_answers_file, render, to_pdf_fields
from coursebook.answers.fields import CLIENT_FIELD, INFO_CLIENT
from coursebook.branding import BrandingError, load_branding
from coursebook.cli.answers import expand
from coursebook.cli.common import (
    CONFIG_OPTION,
    FORCE_OPTION,
    Course,
    check_output,
    collect_log,
    course_inputs,
    fail,
    load_course,
    out,
    say,
    warn,
    write_output,
)
from coursebook.cli.engine import engine_for


@dataclass
class Client:
    """One workbook to make: whose it is, their answers (read through the contract), and where."""

    name: str | None
    answers: dict[str, Any] | None
    source: Path | None
    output: Path = Path()


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--client", help="The client's name, on the cover (with a single answers file, or none)."
)
@click.option(
    "--answers",
    "answers_paths",
    multiple=True,
    type=click.Path(path_type=Path),
    help="A client's exported answers file, or a folder of them; more may follow (--answers "
    "answers/*.json). Several clients: one workbook each, named after the client.",
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
    type=click.Path(path_type=Path),
    help="The PDF to write [default: workbook-<client>.pdf]; with several clients, the folder "
    "[default: workbooks].",
)
@FORCE_OPTION
@CONFIG_OPTION
@click.argument(
    "more_answers", metavar="[FILES_OR_FOLDERS]...", nargs=-1, type=click.Path(path_type=Path)
)
def pdf(
    client: str | None,
    answers_paths: tuple[Path, ...],
    print_variant: bool,
    output: Path | None,
    force: bool,
    config_file: str | None,
    more_answers: tuple[Path, ...],
) -> None:
    """Build personalised workbook PDFs: one client, or a whole cohort at once.

    FILES_OR_FOLDERS: more answers files or folders, as for --answers (so `--answers
    answers/*.json` works). With answers, each client's answers are already in the
    fillable fields (still editable), so you can hand back a workbook with the client's
    work in it; with --print, they are typeset on the lines. The name on the cover is
    --client, else the answers file's client, else the file's name. A file that cannot be
    read is reported and the others go on; the exit status is then 1. Existing PDFs are
    kept unless --force.
    """
    started = time.perf_counter()
    # `--answers a.json b.json` (a shell's *.json): click gives the option one value
    answers_paths = (*answers_paths, *more_answers)
    course = load_course(config_file)
    try:  # before the long build: the plugin would stop on the same mistake
        load_branding(
            course.project.site_name, course.project.settings.get("extra"), course.project.source
        )
    except BrandingError as exc:
        fail(str(exc))
    files = expand(answers_paths)
    if answers_paths and not files:
        fail(f"{answers_paths[0]}: no answers files (.json) found")
    if client is not None and len(files) > 1:
        fail("--client names one client: give it with one answers file, or none")
    clients, failed = _read_clients(course, files, client)
    if not clients and len(files) == 1:
        raise SystemExit(1)  # its one line said why
    if not clients:
        fail(f"none of the {len(files)} answers files could be read")
    batch = len(files) > 1
    variant = "print" if print_variant else "fillable"
    inputs = [*files, *course_inputs(course)]
    _place(clients, output, batch, print_variant, force, inputs)

    if batch:
        say(f"building the course's {variant} workbook once, then {len(clients)} from it…")
    else:
        who = f" for {clients[0].name}" if clients[0].name else ""
        say(f"building the {variant} workbook{who} with the site (this takes a little while)…")
    with tempfile.TemporaryDirectory(prefix="coursebook-pdf-") as site_dir:
        if batch:
            shape = None if print_variant else _widest(clients)
            plugin, warnings = _build(course, Path(site_dir), variant, shape)
        else:  # one client: laid out with their name and answers, as the site's build would
            plugin, warnings = _build(course, Path(site_dir), variant, None, clients[0])
    warn(warnings)
    if batch:
        made = _make_all(plugin, clients, variant, force, inputs, started)
    else:
        one = clients[0]
        write_output(one.output, plugin.pdfs[variant], force, inputs)
        who = f" for {one.name}" if one.name else ""
        source = f", with answers from {one.source}" if one.source else ""
        out(f"wrote {one.output} ({variant}{who}{source}; {len(plugin.pdfs[variant]) // 1024} KB)")
        return
    took = time.perf_counter() - started
    unread = f"; {failed} answers file{'s' if failed != 1 else ''} could not be read"
    say(
        f"done: {made} of {len(clients) + failed} workbooks in {took:.1f} s{unread if failed else ''}"
    )
    if failed or made < len(clients):
        raise SystemExit(1)


_LETTERS = str.maketrans(
    {"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ß": "ss", "ł": "l",
     "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "TH", "\u0131": "i"}
)  # fmt: skip
"""Latin letters that Unicode does not decompose into a base letter and a mark."""


def slug(name: str) -> str:
    """A file-name-safe form of a name: 'José Núñez' -> 'jose-nunez', 'Søren' -> 'soren'."""
    plain = unicodedata.normalize("NFKD", name.translate(_LETTERS))
    ascii_name = plain.encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60].strip("-") or "client"


def _read_clients(
    course: Course, files: Sequence[Path], client: str | None
) -> tuple[list[Client], int]:
    """Each answers file read through the contract; a refused one is reported and skipped."""
    if not files:
        return [Client(client, None, None)], 0
    clients, failed = [], 0
    for path in files:
        reading = read_answers_file(path, course.contract, str(path))
        if reading.answers is None:
            assert reading.error is not None
            say(render(reading.error, course.catalogue))
            failed += 1
            continue
        warn(render(n, course.catalogue) for n in reading.notices)
        name = client or reading.answers.get("client") or (path.stem if len(files) > 1 else None)
        clients.append(Client(str(name) if name else None, reading.answers, path))
    return clients, failed


def _place(
    clients: Sequence[Client],
    output: Path | None,
    batch: bool,
    print_variant: bool,
    force: bool,
    inputs: Sequence[Path],
) -> None:
    """Where each workbook goes; fails before any work if one would replace a file."""
    suffix = "-print" if print_variant else ""
    if not batch:
        name = clients[0].name
        clients[0].output = output or Path(
            f"workbook{'-' + slug(name) if name else ''}{suffix}.pdf"
        )
    else:
        folder = output or Path("workbooks")
        if folder.exists() and not folder.is_dir():
            fail(f"{folder}: with several clients, -o names a folder, and this is a file")
        taken: set[str] = set()
        for client in clients:
            stem = f"workbook-{slug(client.name or 'client')}{suffix}"
            candidate, n = stem, 1
            while candidate in taken:  # two clients of one name keep both workbooks
                n += 1
                candidate = f"{stem}-{n}"
            taken.add(candidate)
            client.output = folder / f"{candidate}.pdf"
    for client in clients:
        check_output(client.output, force, inputs)


def _widest(clients: Sequence[Client]) -> dict[str, Any]:
    """Answers with, for each list and table, as many empty rows as the longest client's:
    laid out with these, the one workbook has room for every client's answers."""
    rows: dict[tuple[str, str], int] = {}
    for client in clients:
        for worksheet_id, entry in ((client.answers or {}).get("worksheets") or {}).items():
            for field_id, value in (entry.get("values") or {}).items():
                if isinstance(value, list):
                    key = (worksheet_id, field_id)
                    rows[key] = max(rows.get(key, 0), len(value))
    shape: dict[str, Any] = {"worksheets": {}}
    for (worksheet_id, field_id), count in rows.items():
        values = shape["worksheets"].setdefault(worksheet_id, {"values": {}})["values"]
        values[field_id] = [""] * count
    return shape


# ---- the one build -------------------------------------------------------------------


def _build(
    course: Course,
    site_dir: Path,
    variant: str,
    shape: dict[str, Any] | None,
    client: Client | None = None,
) -> tuple[Any, list[str]]:
    """Build the site into ``site_dir`` with only ``variant``, for ``client`` or none.

    Returns the ``workbook`` plugin (holding the book and the PDF it made) and the build's
    warnings; fails with one line on errors.
    """
    config_file = course.project.root / course.project.source
    engine = engine_for(config_file)
    with collect_log() as messages, _working_directory(course.project.root):
        try:
            config = engine.load_config(str(config_file), site_dir=str(site_dir))
            plugin = config.plugins.get("workbook")
            if plugin is None or not plugin.config.get("enabled", True):
                fail(
                    f"{config_file.name}: the workbook plugin is not enabled "
                    "(add `- workbook` under plugins:)"
                )
            plugin.config["client"] = client.name if client else None
            plugin.config["answers"] = None
            # a cohort's print workbooks are laid out per client from the book
            laid_out = client is not None or variant == "fillable"
            plugin.config["variants"] = [variant] if laid_out else []
            plugin.shape = client.answers if client else shape
            config.plugins.on_startup(command="build", dirty=False)
            try:
                engine.build(config)
            finally:
                config.plugins.on_shutdown()
        except engine.error as exc:
            errors = [m for level, m in messages if level >= logging.ERROR]
            fail(*(errors or [f"{config_file.name}: {exc}"]))
    if plugin.book is None or (plugin.config["variants"] and variant not in plugin.pdfs):
        fail(f"{config_file.name}: the build made no {variant} workbook")
    return plugin, [m for level, m in messages if level == logging.WARNING]


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


# ---- one workbook per client, in parallel -----------------------------------------------

_JOB: dict[str, Any] = {}
"""What every worker needs, set before the workers start (inherited when forked)."""


def _one(index: int) -> tuple[int, bytes | str]:
    """Client ``index``'s workbook, or a one-line reason it could not be made."""
    client: Client = _JOB["clients"][index]
    try:
        if _JOB["variant"] == "fillable":
            return index, _fill(client)
        from coursebook.pdf import build_pdf

        book = dataclasses.replace(_JOB["book"], client=client.name, answers=client.answers)
        return index, build_pdf(book, "print")
    except Exception as exc:  # one client's failure must not stop the others
        return index, f"{client.source or client.name}: the workbook could not be made ({exc})"


def _fill(client: Client) -> bytes:
    book = _JOB["book"]
    values: dict[str, str | bool] = {}
    stored = (client.answers or {}).get("worksheets") or {}
    for worksheet_id, worksheet in book.worksheets.items():
        entry = stored.get(worksheet_id) or {}
        values.update(to_pdf_fields(worksheet, entry.get("values") or {}))
    info = {}
    if client.name:
        values[CLIENT_FIELD] = client.name
        info[INFO_CLIENT] = client.name
    result: bytes = _JOB["template"].fill(values, info)
    return result


def _make_all(
    plugin: Any,
    clients: Sequence[Client],
    variant: str,
    force: bool,
    inputs: Sequence[Path],
    started: float,
) -> int:
    """Make every client's workbook, writing each as it comes; returns how many were written."""
    template = None
    if variant == "fillable":  # read once, here: the forked workers share what was read
        from coursebook.pdf.fill import FillTemplate

        template = FillTemplate(plugin.pdfs[variant])
    _JOB.update(clients=list(clients), variant=variant, book=plugin.book, template=template)
    total, made = len(clients), 0

    def done(index: int, result: bytes | str) -> None:
        nonlocal made
        client = clients[index]
        step = f"[{made + 1 if isinstance(result, bytes) else '!'}/{total}]"
        if isinstance(result, str):
            say(f"{step} {result}")
            return
        write_output(client.output, result, force, inputs)
        made += 1
        say(
            f"{step} {client.name or 'workbook'}: wrote {client.output} "
            f"({len(result) // 1024} KB) · {time.perf_counter() - started:.1f} s"
        )

    for index, result in _run(_one, range(total)):
        done(index, result)
    return made


def _run(
    work: Callable[[int], tuple[int, bytes | str]], items: range
) -> Iterator[tuple[int, bytes | str]]:
    """``work`` over ``items`` on every core when the system can fork, else one by one."""
    workers = min(len(items), os.cpu_count() or 1)
    if workers > 1 and "fork" in multiprocessing.get_all_start_methods():
        # forked workers share the built book and the laid-out template without copying
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            yield from pool.imap_unordered(work, items)
    else:
        for item in items:
            yield work(item)
