"""Helpers shared by the hostile-input modules: the CLI in-process or under limits, checks."""

from __future__ import annotations

import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result
from coursebook.cli.main import main

from tests.conftest import FIXTURES, Build

HERE = Path(__file__).resolve().parent
CONTRACT = FIXTURES / "contract"
LIMIT_SECONDS = 30.0
LIMIT_BYTES = 1 << 30  # 1 GiB

ORDER = [
    "test_encodings",
    "test_terminal",
    "test_overwrite",
    "test_script",
    "test_site_import",
    "test_pdf_files",
    "test_exhaustion",
]
"""Quick in-process modules first, the browser ones once their site is built, and last the
module whose slowest cases (30 s each when they fail) run in the background meanwhile."""

# what a terminal acts on or what hides and reorders text: C0 and C1 controls (tab and
# newline aside), bidi overrides and isolates, lone surrogates
RAW_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


# ---- the CLI -------------------------------------------------------------------------


def run_cli(*args: object) -> Result:
    """``coursebook ARGS`` in this process; an exception is kept in the result, not raised."""
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=True)


def crash(result: Result) -> str | None:
    """The traceback of a command that ended in an exception (not ``sys.exit``), else None."""
    if result.exception is None or isinstance(result.exception, SystemExit):
        return None
    assert result.exc_info is not None
    return "".join(traceback.format_exception(*result.exc_info))


def no_crash(result: Result) -> None:
    """The command ended by itself: no exception, no traceback printed."""
    trace = crash(result)
    last = "\n".join((trace or "").rstrip().splitlines()[-4:])
    assert trace is None, f"ended in a traceback:\n{last}"
    assert "Traceback" not in result.output


def refused(result: Result, *names: str) -> str:
    """The command refused its input: a non-zero exit status (1, or click's 2 for a bad
    argument), no traceback, and a line on stderr that names each of ``names`` (the file,
    then the place). Returns that line."""
    no_crash(result)
    assert result.exit_code in (1, 2), (result.exit_code, result.output[-800:])
    lines = [line for line in result.stderr.splitlines() if all(n in line for n in names)]
    assert lines, f"no line names {names}:\n{result.stderr[-1200:]}"
    return lines[0]


def terminal_safe(text: str) -> None:
    """Nothing a terminal would obey (escape sequences, bidi overrides) in ``text``."""
    found = sorted({f"U+{ord(c):04X}" for c in RAW_CONTROL.findall(text)})
    assert not found, f"raw control characters reach the terminal: {found}\n{text[-600:]!r}"


# ---- files -------------------------------------------------------------------------


def copy_course(source: Path, target: Path) -> Path:
    """A writable copy of a course folder, without caches or built sites."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(".cache", "site"))
    return target


def snapshot(*paths: Path) -> dict[str, tuple[bytes, int] | None]:
    """Bytes and modification time of each path (None for one that does not exist)."""
    seen: dict[str, tuple[bytes, int] | None] = {}
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file():
                    seen[str(child)] = (child.read_bytes(), child.stat().st_mtime_ns)
            seen[str(path)] = (b"<dir>", len(list(path.iterdir())))
        elif path.exists():
            seen[str(path)] = (path.read_bytes(), path.stat().st_mtime_ns)
        else:
            seen[str(path)] = None
    return seen


# ---- a process under the limits ----------------------------------------------------


@dataclass
class Run:
    """A command run in its own process group under the suite's time and memory limits."""

    args: list[str]
    returncode: int | None
    """None: killed at a limit."""
    stdout: str
    stderr: str
    seconds: float
    """Processor time it used (user and system): its own work, however busy the machine."""
    wall: float
    max_rss: int
    """Largest resident size, in bytes."""

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def within_limits(self) -> None:
        assert self.returncode is not None, (
            f"still running after {self.seconds:.0f} s of work ({self.wall:.0f} s), killed: "
            f"{' '.join(self.args)[:300]}\n{self.output[-600:]}"
        )
        assert self.seconds < LIMIT_SECONDS, f"took {self.seconds:.1f} s"
        assert self.max_rss < LIMIT_BYTES, f"used {self.max_rss / 2**20:.0f} MiB"
        assert "Traceback" not in self.output, self.output[-1500:]

    def lines_naming(self, *names: str) -> list[str]:
        return [line for line in self.stderr.splitlines() if all(n in line for n in names)]


_TICK = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    """Processor time of a running process so far (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])) / _TICK


def run_limited(
    args: list[str], cwd: Path, limit: float = LIMIT_SECONDS, env: dict[str, str] | None = None
) -> Run:
    """Run ``args`` in ``cwd``; killed (with its children) once it has used ``limit`` seconds
    of processor time, or four times that on the clock. The time is measured as processor
    time so that a busy machine (other test runs, the builds beside it) does not make a
    quick case look slow. It is never allowed more than a few GiB of address space (so a
    runaway case fails instead of taking the machine down); its peak resident size is what
    is checked against 1 GiB."""

    def guard() -> None:
        cap = 2 * LIMIT_BYTES + 2 * 2**30  # address space is larger than the resident size
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    full_env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONUNBUFFERED": "1", **(env or {})}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(
            args,
            cwd=cwd,
            stdout=out,
            stderr=err,
            stdin=subprocess.DEVNULL,
            env=full_env,
            start_new_session=True,
            preexec_fn=guard,
        )
        code: int | None = None
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                code = os.waitstatus_to_exitcode(status)
                break
            wall = time.perf_counter() - started
            if _cpu_seconds(proc.pid) > limit or wall > 4 * limit:
                os.killpg(proc.pid, signal.SIGKILL)
                _, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.05)
        wall = time.perf_counter() - started
        cpu = usage.ru_utime + usage.ru_stime
        proc.returncode = code if code is not None else -9  # reaped here, not by Popen
        out.seek(0)
        err.seek(0)
        return Run(
            [str(a) for a in args],
            code,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
            cpu,
            wall,
            usage.ru_maxrss * 1024,
        )


def coursebook(*args: object) -> list[str]:
    """The command line of ``coursebook ARGS`` in a new process."""
    return [sys.executable, "-m", "coursebook.cli", *(str(a) for a in args)]


def mkdocs(*args: object) -> list[str]:
    return [sys.executable, "-m", "mkdocs", *(str(a) for a in args)]


def as_build(run: Run, site: Path) -> Build:
    return Build(site, run.returncode if run.returncode is not None else -9, run.output)


# ---- background work ---------------------------------------------------------------


class Background:
    """Jobs that run beside the tests, four at a time (most of a build waits on files or on
    the other core); each result is waited for by name."""

    def __init__(self) -> None:
        self.pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="hostile")
        self.jobs: dict[str, Future[Any]] = {}

    def submit(self, name: str, job: Callable[[], Any]) -> None:
        if name not in self.jobs:
            self.jobs[name] = self.pool.submit(job)

    def result(self, name: str) -> Any:
        assert name in self.jobs, f"no background job {name!r}"
        return self.jobs[name].result(timeout=600)

    def close(self) -> None:
        for job in self.jobs.values():
            job.cancel()
        self.pool.shutdown(wait=True)


# ---- filled PDFs, as a viewer would leave them -------------------------------------


def form_pdf(fields: dict[str, str], info: dict[str, str] | None = None) -> bytes:
    """A one-page PDF whose AcroForm has a text field per entry of ``fields`` (name -> value),
    and ``info`` in its document information."""
    import io

    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject
    from pypdf.generic import TextStringObject as Text

    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)
    refs = ArrayObject()
    for name, value in fields.items():
        field = DictionaryObject(
            {
                NameObject("/FT"): NameObject("/Tx"),
                NameObject("/T"): Text(name),
                NameObject("/V"): Text(value),
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Widget"),
                NameObject("/Rect"): ArrayObject([NumberObject(0)] * 4),
            }
        )
        refs.append(writer._add_object(field))
    page[NameObject("/Annots")] = refs
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject({NameObject("/Fields"): refs})
    if info:
        writer.add_metadata({f"/{k}": v for k, v in info.items()})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
