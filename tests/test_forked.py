"""Work in a forked process (pdf/forked.py), and the PDFs made beside MkDocs' own work
(``start_pdfs``): results, failures and what is reported come back as if made here."""

from __future__ import annotations

import dataclasses
import os
import signal
import sys
import threading
import time
from pathlib import Path

import pytest
from coursebook.pdf import Book, Chapter
from coursebook.pdf import build as pdf_build
from coursebook.pdf.forked import ForkedError, Worker

PARENT = os.getpid()


def test_a_forked_function_hands_back_its_result_or_its_failure() -> None:
    assert Worker(lambda _: {"pages": 3, "data": b"%PDF"}).result() == {"pages": 3, "data": b"%PDF"}

    def fails(_: object) -> None:
        raise ValueError("no such chapter")

    with pytest.raises(ForkedError, match="ValueError: no such chapter"):
        Worker(fails).result()

    def dies(_: object) -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    with pytest.raises(ForkedError, match="without a result"):
        Worker(dies).result()


def test_a_stopped_process_is_gone() -> None:
    def waits(_: object) -> None:
        signal.pause()

    work = Worker(waits)
    work.stop()
    with pytest.raises(ChildProcessError):  # ended, and waited for
        os.waitpid(work.pid, os.WNOHANG)


def test_a_child_whose_parent_stopped_listening_ends_there(tmp_path: Path) -> None:
    """It cannot hand its result over; it must not come back into the parent's code either
    (it would go on with the parent's work: a second build writing the same site)."""
    came_back = tmp_path / "came-back"
    me = os.getpid()
    try:
        work = Worker(lambda _: time.sleep(0.3) or b"x" * 1_000_000)  # more than a pipe holds
    finally:
        if os.getpid() != me:
            came_back.write_text("the child came back")
            os._exit(1)
    work.channel.close()  # the parent stops listening before the child writes
    os.waitpid(work.pid, 0)
    assert not came_back.exists()


BOOK = Book(title="T", chapters=(Chapter("One", "", "<p>Text</p>"),))


@pytest.fixture
def can_fork(monkeypatch: pytest.MonkeyPatch) -> None:
    """Threads an earlier test left (a test server) would keep ``start_pdfs`` from forking;
    these tests fork nothing that threads could upset."""
    monkeypatch.setattr(pdf_build, "_can_fork", lambda: True)


@pytest.mark.usefixtures("can_fork")
def test_pdfs_made_aside_report_their_lines_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    """The HTML is made here, the layouts in the forked process; the lines of both come
    back in the order made, preparation first."""
    prepare_jobs = pdf_build.prepare_jobs

    def prepare(book: Book, variants: list[str], *, log: object, warn: object) -> object:
        assert os.getpid() == PARENT  # made here
        warn("One (index.md): image 'x.png' not found")  # type: ignore[operator]
        return prepare_jobs(book, variants, log=log, warn=warn)  # type: ignore[arg-type]

    def lay_out_jobs(jobs: list[pdf_build.Job], *, log: object, warn: object) -> object:
        assert os.getpid() != PARENT  # laid out in the forked process
        assert "<p>Text</p>" in jobs[0].html
        log("print: laid out 3 pages")  # type: ignore[operator]
        warn("refused to read /etc/passwd")  # type: ignore[operator]
        return {job.variant: b"%PDF-" + job.variant.encode() for job in jobs}

    monkeypatch.setattr(pdf_build, "prepare_jobs", prepare)
    monkeypatch.setattr(pdf_build, "lay_out_jobs", lay_out_jobs)
    underway = pdf_build.start_pdfs(BOOK, ["print"])
    assert underway is not None
    lines: list[str] = []
    pdfs = underway.result(
        log=lambda m: lines.append(f"log {m}"), warn=lambda m: lines.append(f"warn {m}")
    )
    assert pdfs == {"print": b"%PDF-print"}
    assert lines == [
        "warn One (index.md): image 'x.png' not found",
        "log print: 1 chapters prepared",
        "log print: laid out 3 pages",
        "warn refused to read /etc/passwd",
    ]


@pytest.mark.usefixtures("can_fork")
def test_pdfs_whose_process_dies_are_made_here_instead(monkeypatch: pytest.MonkeyPatch) -> None:
    """A process killed (out of memory, say) costs time, never the PDFs; an error is then met
    here, as it would be without the process, and reported the usual way."""

    def lay_out_jobs(jobs: list[pdf_build.Job], *, log: object, warn: object) -> object:
        if os.getpid() != PARENT:
            os.kill(os.getpid(), signal.SIGKILL)
        return {"fillable": b"%PDF-made-here"}

    monkeypatch.setattr(pdf_build, "lay_out_jobs", lay_out_jobs)
    underway = pdf_build.start_pdfs(BOOK, ["fillable"])
    assert underway is not None
    lines: list[str] = []
    assert underway.result(log=lines.append) == {"fillable": b"%PDF-made-here"}
    assert lines == [
        "fillable: 1 chapters prepared",
        "laying the PDFs out again in this process (the process ended without a result)",
    ]
    with pytest.raises(RuntimeError):
        underway.result()  # taken once


def test_no_process_is_forked_while_another_thread_runs() -> None:
    """Forking a process with threads (``mkdocs serve`` has some) can hang the copy: the
    PDFs are then made in on_post_build, in this process."""
    done = threading.Event()
    thread = threading.Thread(target=done.wait)
    thread.start()
    try:
        assert pdf_build.start_pdfs(BOOK, ["print"]) is None
    finally:
        done.set()
        thread.join()


def test_a_worker_talks_both_ways_then_hands_back_its_result() -> None:
    def work(channel: object) -> str:
        channel.send(("asks", 2))  # type: ignore[attr-defined]
        told = channel.recv()  # type: ignore[attr-defined]
        return f"told {told}"

    worker = Worker(work)
    assert worker.channel.recv() == ("asks", 2)
    worker.channel.send(40)
    assert worker.result() == "told 40"
    with pytest.raises(ChildProcessError):
        os.waitpid(worker.pid, os.WNOHANG)

    def fails(channel: object) -> None:
        raise KeyError("part 3")

    with pytest.raises(ForkedError, match="KeyError: 'part 3'"):
        Worker(fails).result()


def test_a_worker_whose_parent_stops_listening_leaves(tmp_path: Path) -> None:
    came_back = tmp_path / "came-back"
    me = os.getpid()
    try:
        worker = Worker(lambda channel: channel.recv())
    finally:
        if os.getpid() != me:
            came_back.write_text("the child came back")
            os._exit(1)
    worker.channel.close()  # gone without a word: the child's recv fails, and it leaves
    os.waitpid(worker.pid, 0)
    assert not came_back.exists()


@pytest.mark.usefixtures("can_fork")
def test_a_preloaded_process_imports_the_pdf_library_before_it_has_the_jobs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Started before the pages exist, it lays out the jobs it is later given, made from the
    book here; jobs it cannot be sent leave it stopped, and the caller lays them out
    another way."""

    def lay_out_jobs(jobs: list[pdf_build.Job], *, log: object, warn: object) -> object:
        log(f"weasyprint loaded first: {'weasyprint' in sys.modules}")  # type: ignore[operator]
        return {job.variant: job.html.encode() for job in jobs}

    monkeypatch.setattr(pdf_build, "lay_out_jobs", lay_out_jobs)
    monkeypatch.delitem(sys.modules, "weasyprint", raising=False)
    preloaded = pdf_build.preload_pdfs()
    assert preloaded is not None
    # a book holding a function (another plugin's Markdown, say): only its jobs are sent
    later = dataclasses.replace(BOOK, title="Later", markdown=lambda text: text)
    underway = pdf_build.start_pdfs(later, ["print"], preloaded)
    assert underway is not None
    lines: list[str] = []
    assert b"<title>Later</title>" in underway.result(log=lines.append)["print"]
    assert lines == ["print: 1 chapters prepared", "weasyprint loaded first: True"]
    assert preloaded.start([]) is None  # used once

    # jobs that cannot be sent
    job = pdf_build.prepare_jobs(BOOK, ["print"])[0]
    unsendable = dataclasses.replace(job, info={"made by": lambda: "a plugin"})  # type: ignore[dict-item]
    preloaded = pdf_build.preload_pdfs()
    assert preloaded is not None
    worker = preloaded._worker
    assert worker is not None
    assert preloaded.start([unsendable]) is None
    with pytest.raises(ChildProcessError):
        os.waitpid(worker.pid, os.WNOHANG)
    underway = pdf_build.start_pdfs(BOOK, ["print"], preloaded)
    assert underway is not None  # laid out the usual way instead
    assert b"<title>T</title>" in underway.result()["print"]

    # one never used is stopped
    preloaded = pdf_build.preload_pdfs()
    assert preloaded is not None and preloaded._worker is not None
    pid = preloaded._worker.pid
    preloaded.stop()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
