"""A ``Book`` in, PDF bytes out: the fillable workbook or the tagged print workbook (WeasyPrint)."""

from __future__ import annotations

import dataclasses
import json
import logging
import multiprocessing
import os
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Protocol

from markupsafe import Markup

from coursebook import __version__
from coursebook.answers.fields import (
    INFO_CLIENT,
    INFO_COURSE,
    INFO_WORKSHEETS,
    checkbox_states,
    to_pdf_fields,
)
from coursebook.html import safe_markdown
from coursebook.pdf.book import PAPER_SIZES, VARIANTS, Book, Variant
from coursebook.pdf.chapters import PreparedChapter, prepare_variants
from coursebook.pdf.fetch import course_fetcher
from coursebook.pdf.forked import ForkedError, Worker
from coursebook.pdf.forms import FormFinisher
from coursebook.pdf.parts import (
    PAGE_SLOT,
    PART_CSS,
    CannotJoin,
    Parts,
    group_chapters,
    lay_out_in_parts,
    link_across,
)
from coursebook.pdf.templating import LINE_MM, display_url, environment
from coursebook.pdf.worksheets import render_pdf_worksheet
from coursebook.pdf.writing import quicker_weasyprint

Report = Callable[[str], None]

_COLOR = re.compile(
    r"#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,30}|(rgb|rgba|hsl|hsla)\(\s*[0-9.%,\s/+-]+\)", re.ASCII
)
_FONT_NAME = re.compile(r"[\w .'-]+")


def is_css_color(value: str) -> bool:
    """True for a hex, named, ``rgb()`` or ``hsl()`` colour (nothing that could break the CSS)."""
    return bool(_COLOR.fullmatch(value.strip()))


def is_font_name(value: str) -> bool:
    """True for a plain font family name such as ``DejaVu Serif``."""
    return bool(_FONT_NAME.fullmatch(value.strip()))


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string, safe inside a ``<style>`` element."""
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ").replace("<", "\\3C ")
    )
    return f'"{escaped}"'


@cache
def _stylesheet() -> str:
    return files("coursebook.pdf").joinpath("templates/book.css").read_text("utf-8")


def _prelude(book: Book) -> str:
    """The per-book part of the stylesheet: paper, colours, fonts, running texts."""
    primary = book.primary_color if is_css_color(book.primary_color) else "#4051b5"
    accent = book.accent_color if is_css_color(book.accent_color) else primary
    family = book.font_family if is_font_name(book.font_family) else "DejaVu Sans"
    fonts = f'{css_string(family)}, "DejaVu Sans", sans-serif'
    footer = " · ".join(
        part
        for part in (
            book.client and book.t("pdf.prepared_for", client=book.client),
            book.contact.name,
            book.contact.website and display_url(book.contact.website),
        )
        if part
    )
    return (
        f"@page {{ size: {PAPER_SIZES.get(book.paper_size, 'A4')}; }}\n"
        f":root {{ --cb-primary: {primary}; --cb-accent: {accent}; --cb-font: {fonts};"
        # form fields embed their font whole: one face for all of them keeps the file small
        f' --cb-field-font: {fonts}; --cb-mono: "DejaVu Sans Mono", monospace;'
        f" --cb-line: {LINE_MM}mm; }}\n"
        f"html {{ string-set: course {css_string(book.title)}, footer {css_string(footer)}; }}\n"
    )


def _mirrored(book: Book) -> str:
    """Right to left, the running texts change sides: the page number goes to the left.
    After the stylesheet, whose plain @page rule it overrides (pages cannot be selected by
    ``dir``); the named pages that hide running texts still win, being more specific."""
    if book.t.direction != "rtl":
        return ""
    return (
        "\n@page {"
        " @top-left { content: string(course); color: #777; }"
        " @top-right { content: string(chapter); color: #555; }"
        " @bottom-left { content: counter(page); font-size: 9pt; color: #333; }"
        " @bottom-right { content: string(footer); font-size: 8pt; color: #777; } }\n"
    )


@contextmanager
def _weasyprint_messages(warn: Report | None) -> Iterator[None]:
    """Route WeasyPrint's warnings (bad CSS, unreachable images) to ``warn`` while building."""
    logger = logging.getLogger("weasyprint")
    seen: set[str] = set()

    class Forward(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            message = record.getMessage()
            if warn and message not in seen:
                seen.add(message)
                warn(f"WeasyPrint: {message}")

    handler = Forward(logging.WARNING)
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def book_html(book: Book, variant: Variant, warn: Report | None = None) -> str:
    """The whole workbook as one HTML document (what WeasyPrint lays out)."""
    return _book_template(book, variant, _chapters(book, variant, warn), warn)()


def _chapters(book: Book, variant: Variant, warn: Report | None) -> list[PreparedChapter]:
    """The chapters prepared for one variant alone."""
    return prepare_variants(book, {variant: _worksheets(book, variant)}, warn)[variant]


def _worksheets(book: Book, variant: Variant) -> Callable[[str], str | None]:
    """A worksheet's HTML in this variant, by id (None if the book has no such worksheet)."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown workbook variant '{variant}' (expected one of {VARIANTS})")
    markdown = book.markdown or safe_markdown()

    def render(worksheet_id: str) -> str | None:
        worksheet = book.worksheets.get(worksheet_id)
        if worksheet is None:
            return None
        return render_pdf_worksheet(worksheet, variant, book.values(worksheet_id), markdown, book.t)

    return render


RenderBook = Callable[..., str]
"""``render(sections=None, front=True, extra_css="", page_slot="")``: the book's HTML with
these chapter sections (all by default), with or without the cover and contents."""


def _book_template(
    book: Book, variant: Variant, chapters: list[PreparedChapter], warn: Report | None
) -> RenderBook:
    """The book template bound to everything but which sections it shows."""
    logo = None
    if book.logo is not None:
        if book.logo.is_file():
            logo = book.logo.resolve().as_uri()
        elif warn:
            warn(f"logo '{book.logo}' not found; the cover has none")
    for chapter in chapters:
        chapter.html = Markup(chapter.html)
    template = environment().get_template("book.html.j2")
    css = _prelude(book) + _stylesheet() + _mirrored(book)

    def render(
        sections: Sequence[PreparedChapter] | None = None,
        *,
        front: bool = True,
        extra_css: str = "",
        page_slot: str = "",
    ) -> str:
        return template.render(
            book=book,
            variant=variant,
            chapters=chapters,
            sections=chapters if sections is None else sections,
            front=front,
            page_slot=Markup(page_slot),
            logo=logo,
            css=Markup(css + extra_css),
            version=__version__,
            t=book.t,
        )

    return render


@dataclass(frozen=True)
class Job:
    """One PDF to lay out: all WeasyPrint needs, as plain data (the HTML is already made)."""

    variant: Variant
    html: str
    base_url: str | None
    values: dict[str, str | bool] = field(default_factory=dict)
    states: dict[str, str] = field(default_factory=dict)
    info: dict[str, str] = field(default_factory=dict)
    folders: tuple[Path, ...] = ()
    """The only places WeasyPrint may read files from (``CourseFetcher``)."""
    remote: bool = False
    parts: Parts | None = None
    """A long book also as a front and parts, laid out one at a time (``pdf/parts.py``)."""
    workers: int = 1
    """How many of its parts to lay out at once, each in a forked process (cores are free)."""

    @property
    def size(self) -> int:
        """Characters of the largest document laid out at once."""
        return self.parts.size if self.parts else len(self.html)


@dataclass
class Result:
    """A laid-out PDF with the progress lines and warnings its making produced."""

    pdf: bytes
    log: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def prepare_job(
    book: Book,
    variant: Variant,
    warn: Report | None = None,
    chapters: list[PreparedChapter] | None = None,
    variants: int = 1,
) -> Job:
    """Everything one variant needs, with the chapters prepared (unless given) and the
    worksheets rendered; ``variants`` is how many are made together (``part_budget``)."""
    values: dict[str, str | bool] = {}
    states: dict[str, str] = {}
    if variant == "fillable":
        for worksheet_id, worksheet in book.worksheets.items():
            values.update(to_pdf_fields(worksheet, book.values(worksheet_id)))
            states.update(checkbox_states(worksheet))
    base = book.asset_dirs[0].resolve().as_uri() + "/" if book.asset_dirs else None
    folders = (*book.asset_dirs, *([book.logo] if book.logo else []))
    if chapters is None:
        chapters = _chapters(book, variant, warn)
    render = _book_template(book, variant, chapters, warn)
    html = render()
    parts = None
    budget = part_budget(len(html), variants)
    if len(html) > budget and len(chapters) > 1:
        groups = group_chapters([len(chapter.html) for chapter in chapters], budget)
        documents = [render([], extra_css=PART_CSS, page_slot=PAGE_SLOT)]
        documents += [
            render([chapters[i] for i in group], front=False, extra_css=PART_CSS)
            for group in groups
        ]
        documents = link_across(documents)
        parts = Parts(documents[0], tuple(documents[1:]))
    info = pdf_info(book)
    return Job(variant, html, base, values, states, info, folders, book.remote_assets, parts)


PART_HTML_CHARS = 400_000
"""The most HTML laid out at once: WeasyPrint's memory grows with what it lays out at once,
by about 300 bytes per character of HTML."""
WHOLE_UP_TO = 250_000
"""A book of up to this many characters of HTML is laid out whole; a longer one in parts of
a quarter of it, at least ``PART_MIN_CHARS`` and at most ``PART_HTML_CHARS`` (four parts
or more: two cores lay them out two at a time with little left over). Where several
variants are made together they keep the cores busy themselves: a book is then laid out
whole up to ``PART_HTML_CHARS``, since parts cost more work than the whole (each has its
own cascade, fonts and objects to join: about 5 % of the CPU time at 20 chapters). Parts
never depend on the machine, so neither do the PDF's bytes; where cores are free, parts
are laid out at once."""
PART_MIN_CHARS = 60_000


def part_budget(total: int, variants: int = 1) -> int:
    """Characters of HTML per part for a book of ``total`` made with ``variants`` - 1
    others (more than ``total``: whole); ``COURSEBOOK_PDF_PART_CHARS`` from the
    environment overrides it."""
    setting = os.environ.get("COURSEBOOK_PDF_PART_CHARS", "")
    if setting.isdigit():
        return max(1, int(setting))
    if total <= (WHOLE_UP_TO if variants < 2 else PART_HTML_CHARS):
        return total + 1
    return min(PART_HTML_CHARS, max(PART_MIN_CHARS, total // 4))


def pdf_info(book: Book) -> dict[str, str]:
    """What ``extract`` reads back from a workbook: whose it is, which course and versions."""
    info = {
        INFO_WORKSHEETS: json.dumps(
            {ws.id: ws.version for ws in book.worksheets.values()}, separators=(",", ":")
        )
    }
    if book.course:
        info[INFO_COURSE] = book.course
    if book.client:
        info[INFO_CLIENT] = book.client
    return info


def write_options(variant: Variant) -> dict[str, object]:
    """What WeasyPrint is asked for when writing: both are tagged (headings, lists, tables,
    and the fields as /Form, for screen readers); the print one also declares PDF/UA-1."""
    options: dict[str, object] = {"pdf_tags": True}
    if variant == "print":
        options["pdf_variant"] = "pdf/ua-1"
    return options


def run_job(job: Job) -> Result:
    """Lay out and write one PDF (the slow part), whole or in parts."""
    import weasyprint  # imported here: it takes a while, and sites without PDFs never need it

    result = Result(b"")
    started = time.perf_counter()
    refused: list[str] = []
    fetcher = course_fetcher(job.folders, job.remote, refused)

    def lay_out(html: str) -> weasyprint.Document:
        return weasyprint.HTML(string=html, base_url=job.base_url, url_fetcher=fetcher).render()

    options = write_options(job.variant)
    fields = 0
    with _weasyprint_messages(result.warnings.append), quicker_weasyprint():
        pdf = None
        if job.parts is not None:
            try:
                pdf, pages, fields = lay_out_in_parts(
                    job.parts,
                    lay_out,
                    lambda document, finisher: document.write_pdf(finisher=finisher, **options),
                    lambda: FormFinisher(job.values, job.states, job.info),
                    workers=job.workers,
                    carried=(result.warnings, refused),
                )
                at_once = f", {job.workers} at a time" if job.workers > 1 else ""
                result.log.append(
                    f"{job.variant}: laid out {pages} pages in {len(job.parts.parts) + 1} parts"
                    + at_once
                )
            except CannotJoin as exc:
                result.log.append(f"{job.variant}: laying out whole ({exc})")
        if pdf is None:
            document = lay_out(job.html)
            result.log.append(f"{job.variant}: laid out {len(document.pages)} pages")
            finisher = FormFinisher(job.values, job.states, job.info)
            pdf = document.write_pdf(finisher=finisher, **options)
            fields = finisher.fields
    assert isinstance(pdf, bytes)
    result.pdf = pdf
    result.warnings += [f"refused to read {what}" for what in dict.fromkeys(refused)]
    count = f", {fields} form fields" if job.variant == "fillable" else ""
    result.log.append(
        f"{job.variant}: wrote {len(pdf) / 1e6:.2f} MB{count} "
        f"in {time.perf_counter() - started:.1f} s"
    )
    return result


def build_pdf(
    book: Book,
    variant: Variant = "fillable",
    *,
    log: Report | None = None,
    warn: Report | None = None,
) -> bytes:
    """The workbook PDF.

    ``fillable``: every answer is an AcroForm field named ``<worksheet>:<field>[:row[:col]]``,
    pre-filled from ``book.answers``, tagged. ``print``: ruled lines instead of fields, answers
    typeset on them, tagged (PDF/UA-1) with language and title. ``log`` receives one line
    per stage, ``warn`` one line per problem the author should fix.
    """
    return build_pdfs(book, [variant], log=log, warn=warn)[variant]


def build_pdfs(
    book: Book,
    variants: Sequence[Variant],
    *,
    log: Report | None = None,
    warn: Report | None = None,
) -> dict[Variant, bytes]:
    """Several variants of the workbook, laid out side by side when they can be: their
    HTML made (``prepare_jobs``), then laid out and written (``lay_out_jobs``)."""
    return lay_out_jobs(prepare_jobs(book, variants, log=log, warn=warn), log=log, warn=warn)


def prepare_jobs(
    book: Book,
    variants: Sequence[Variant],
    *,
    log: Report | None = None,
    warn: Report | None = None,
) -> list[Job]:
    """The HTML of every variant, made in order (its warnings are reported against the
    pages they concern): everything the layouts need, as plain data."""
    renders = {variant: _worksheets(book, variant) for variant in variants}
    prepared = prepare_variants(book, renders, warn)
    jobs: list[Job] = []
    for variant in variants:
        jobs.append(prepare_job(book, variant, warn, prepared[variant], len(variants)))
        if log:
            log(f"{variant}: {len(book.chapters)} chapters prepared")
    return jobs


def lay_out_jobs(
    jobs: Sequence[Job],
    *,
    log: Report | None = None,
    warn: Report | None = None,
) -> dict[Variant, bytes]:
    """Each job laid out and written, WeasyPrint's slow part: in forked worker processes,
    one per variant and core, when ``concurrent_layouts`` allows it, else one after the
    other. Either way the PDFs are the same."""
    workers = concurrent_layouts(jobs)
    # cores the variants leave free lay out the parts of each at once
    jobs = [dataclasses.replace(job, workers=part_workers(job, workers)) for job in jobs]
    if workers > 1:
        if log:
            log(f"laying out {len(jobs)} PDFs in {workers} processes")
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            results = pool.map(run_job, jobs, chunksize=1)
    else:
        results = [run_job(job) for job in jobs]
    for result in results:
        for line in result.log:
            if log:
                log(line)
        for line in result.warnings:
            if warn:
                warn(line)
    return {job.variant: result.pdf for job, result in zip(jobs, results, strict=True)}


Lines = list[tuple[bool, str]]
"""Progress lines and warnings (``True``), in the order made."""


def _kept_in(lines: Lines) -> dict[str, Report]:
    """``log`` and ``warn`` that keep their lines in ``lines``, to be said later."""
    return {
        "log": lambda line: lines.append((False, line)),
        "warn": lambda line: lines.append((True, line)),
    }


def _say(lines: Lines, log: Report | None, warn: Report | None) -> None:
    for is_warning, line in lines:
        report = warn if is_warning else log
        if report:
            report(line)


def _laid_out(jobs: Sequence[Job]) -> tuple[dict[Variant, bytes], Lines]:
    """``lay_out_jobs``, with its lines kept to be said by another process."""
    lines: Lines = []
    return lay_out_jobs(jobs, **_kept_in(lines)), lines


class _Process(Protocol):
    def result(self) -> Any: ...

    def stop(self) -> None: ...


class PdfsUnderWay:
    """Jobs laid out in a forked process, so that the caller goes on meanwhile (MkDocs
    writes the site's pages while the PDFs are laid out). ``result`` waits for the PDFs and
    passes on the progress lines and warnings of their making, those of their preparation
    first; should the process fail, they are laid out here instead, so that an error is
    met and reported exactly as without it."""

    def __init__(self, jobs: Sequence[Job], prepared: Lines, process: _Process) -> None:
        self.jobs, self.prepared = list(jobs), prepared
        self._process: _Process | None = process

    def result(
        self, *, log: Report | None = None, warn: Report | None = None
    ) -> dict[Variant, bytes]:
        """The PDFs (waits for them)."""
        process, self._process = self._process, None
        if process is None:
            raise RuntimeError("the result of these PDFs was already taken")
        _say(self.prepared, log, warn)
        try:
            pdfs, lines = process.result()
        except ForkedError as exc:
            if log:
                log(f"laying the PDFs out again in this process ({exc})")
            return lay_out_jobs(self.jobs, log=log, warn=warn)
        _say(lines, log, warn)
        return dict(pdfs)

    def stop(self) -> None:
        """Stop the process (the build failed and will not ask for the PDFs)."""
        if self._process is not None:
            self._process.stop()
            self._process = None


class Preloaded:
    """A process forked early that imports WeasyPrint (about 0.4 s) while the caller goes
    on, then lays out the jobs it is given (``start``), or is stopped unused. For a first
    build, when the PDFs are sure to be needed and the pages are not yet converted."""

    def __init__(self) -> None:
        self._worker: Worker | None = Worker(_preloaded)

    def start(self, jobs: Sequence[Job]) -> Worker | None:
        """The preloaded process, laying ``jobs`` out; None if it cannot take them (it is
        gone, or they cannot be sent)."""
        worker, self._worker = self._worker, None
        if worker is None:
            return None
        try:
            worker.channel.send(list(jobs))
        except Exception:  # pickling raises many types; the caller lays them out otherwise
            worker.stop()
            return None
        return worker

    def stop(self) -> None:
        """Stop the process, unused."""
        if self._worker is not None:
            self._worker.stop()
            self._worker = None


def _preloaded(channel: Connection) -> tuple[dict[Variant, bytes], Lines]:
    import weasyprint  # noqa: F401 - the slow import, while the caller converts its pages

    return _laid_out(channel.recv())


def preload_pdfs() -> Preloaded | None:
    """A ``Preloaded`` process, or None where this process cannot fork."""
    return Preloaded() if _can_fork() else None


def start_pdfs(
    book: Book, variants: Sequence[Variant], preloaded: Preloaded | None = None
) -> PdfsUnderWay | None:
    """The PDFs under way in a forked process (``preloaded``, if given and able), their HTML
    made here first (``prepare_jobs``: while a preloaded process still imports WeasyPrint,
    and so that the process laying out starts small); or None where this process cannot
    fork (another system, or threads running, as under ``serve``): build them when needed."""
    if preloaded is None and not _can_fork():
        return None
    prepared: Lines = []
    jobs = prepare_jobs(book, variants, **_kept_in(prepared))
    process = preloaded.start(jobs) if preloaded is not None else None
    if process is None:
        if not _can_fork():
            return None  # (rare: threads started since) made when needed, prepared again
        process = Worker(lambda channel: _laid_out(jobs))
    return PdfsUnderWay(jobs, prepared, process)


LAYOUT_BYTES_PER_HTML_BYTE = 250
"""Peak memory of one WeasyPrint layout per byte of its HTML, with room to spare (measured
at about 180 for the benchmark's synthetic courses, 10 to 200 chapters)."""


def concurrent_layouts(jobs: Sequence[Job]) -> int:
    """How many layouts to run at once: one per job, at most one per core, and only when
    the system can fork (workers then share the prepared jobs and WeasyPrint's imports
    without starting again), the process has no other thread, and the estimated memory of
    them all fits in half of what is available. ``COURSEBOOK_PDF_WORKERS=N`` caps the
    processes laying out at once, variants and parts together (1: none side by side)."""
    wanted = _workers_wanted(len(jobs))
    if wanted < 2 or not _can_fork():
        return 1
    need = sum(job.size for job in sorted(jobs, key=lambda j: -j.size)[:wanted])
    available = _available_memory()
    if available is None or need * LAYOUT_BYTES_PER_HTML_BYTE > available // 2:
        return 1
    return wanted


def part_workers(job: Job, layouts: int) -> int:
    """How many parts of ``job`` to lay out at once while ``layouts`` variants are laid out
    side by side: the cores each variant has to itself, and only where the system can
    fork and the parts' estimated memory fits in half of what is available."""
    if job.parts is None or not _can_fork():
        return 1
    wanted = min(_workers_wanted(os.cpu_count() or 1) // max(1, layouts), len(job.parts.parts))
    available = _available_memory()
    if available is None or wanted < 2:
        return 1
    fits = (available // 2) // max(1, job.parts.size * LAYOUT_BYTES_PER_HTML_BYTE * layouts)
    return max(1, min(wanted, fits))


def _workers_wanted(jobs: int) -> int:
    """One per job, at most one per core and at most ``COURSEBOOK_PDF_WORKERS``."""
    wanted = min(jobs, os.cpu_count() or 1)
    setting = os.environ.get("COURSEBOOK_PDF_WORKERS", "")
    if setting.isdigit():
        wanted = min(wanted, max(1, int(setting)))
    return wanted


def _can_fork() -> bool:
    """Whether worker processes can be forked: the system can, and this process has no
    other thread (forking a process with threads, as under ``serve``, can hang)."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def _available_memory() -> int | None:
    """Bytes of memory the system can give without swapping (Linux), else None."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None
