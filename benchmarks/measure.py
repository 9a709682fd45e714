"""Timing and peak memory of subprocesses, medians, and the facts of the machine they ran on."""

from __future__ import annotations

import datetime
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

MKDOCS_ENV = {"NO_MKDOCS_2_WARNING": "1"}
"""Environment added to every ``mkdocs`` run: no end-of-life banner."""


class RunFailed(RuntimeError):
    """A measured command exited with an error; the message holds its output."""


class RunTimedOut(RuntimeError):
    """A measured command ran past its time limit and was stopped."""

    def __init__(self, command: str, limit: float) -> None:
        super().__init__(f"{command} did not finish in {limit:.0f} s")
        self.limit = limit


@dataclass(frozen=True)
class Sample:
    """One measured run: wall-clock seconds, CPU seconds and the peak resident memory.

    CPU seconds (user + system, the process and the children it waited for) barely move when
    other work shares the machine; wall-clock seconds do, so ratios are given in both.
    """

    seconds: float
    cpu: float
    peak_bytes: int
    output: str


def _wait(pid: int, limit: float | None) -> tuple[int, Any]:
    """``wait4`` for ``pid``; past ``limit`` seconds, kill it and raise ``TimeoutError``."""
    if limit is None:
        _, status, usage = os.wait4(pid, 0)
        return status, usage
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            return status, usage
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    os.wait4(pid, 0)
    raise TimeoutError


def run(
    cmd: Sequence[str | Path],
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
) -> Sample:
    """Run ``cmd`` to completion; its own peak RSS comes from ``wait4`` (not other children's)."""
    full_env = {**os.environ, **MKDOCS_ENV, **(env or {})}
    # as people run it: Python keeps the compiled modules it imports (the warm-up run
    # writes them); a shell that turns that off would make every run compile ours again
    full_env.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [str(c) for c in cmd], cwd=cwd, env=full_env, stdout=out, stderr=subprocess.STDOUT
        )
        try:
            status, usage = _wait(proc.pid, timeout)
        except TimeoutError:
            proc.returncode = -9
            raise RunTimedOut(" ".join(str(c) for c in cmd), timeout or 0) from None
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    if proc.returncode != 0:
        command = " ".join(str(c) for c in cmd)
        raise RunFailed(f"{command} exited with {proc.returncode}:\n{text[-4000:]}")
    return Sample(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, text)


def mkdocs_build(
    config: Path, site: Path, python: Path | str = sys.executable, timeout: float | None = None
) -> Sample:
    """A real ``mkdocs build`` in a subprocess, from the config's folder."""
    cmd = [python, "-m", "mkdocs", "build", "-q", "-f", config, "-d", site]
    return run(cmd, cwd=config.parent, timeout=timeout)


def median(values: Sequence[float]) -> float:
    """The median of a non-empty sequence."""
    return float(statistics.median(values))


def summary(samples: Sequence[Sample]) -> dict[str, float]:
    """Runs of one command: median, fastest and slowest wall-clock seconds, median CPU."""
    secs = [s.seconds for s in samples]
    return {
        "median": median(secs),
        "min": min(secs),
        "max": max(secs),
        "cpu": median([s.cpu for s in samples]),
    }


def spread(values: Sequence[float]) -> float:
    """Relative spread of the runs: (max - min) / median, to show how noisy a figure is."""
    mid = median(values)
    return (max(values) - min(values)) / mid if mid else 0.0


def repeat(runs: int, step: Callable[[], Sample]) -> list[Sample]:
    """``step`` run ``runs`` times in a row."""
    return [step() for _ in range(runs)]


def rmtree(path: Path) -> None:
    """Remove a folder if it exists."""
    shutil.rmtree(path, ignore_errors=True)


def version(dist: str) -> str:
    """The installed version of a distribution, or 'not installed'."""
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def chromium_version(executable: str) -> str:
    """``chromium --version`` (first line of stdout), or why it is unknown."""
    try:
        out = subprocess.run([executable, "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"unavailable ({exc.__class__.__name__})"
    return out.stdout.strip().splitlines()[0] if out.stdout.strip() else "unknown"


def os_name() -> str:
    """The OS's pretty name from os-release, else the platform string."""
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    return platform.platform()


def memory_gib() -> float:
    """Physical memory in GiB."""
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30


def cpu_model() -> str:
    """The processor's model name, where Linux tells it."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def checkout(root: Path) -> str:
    """The commit measured, and whether the code under ``plugins/`` differed from it."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "plugins", "pyproject.toml"],
            cwd=root,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        return "unknown"
    if not head:
        return "unknown"
    return f"{head} (plus uncommitted changes under plugins/)" if dirty else head


_LOOP = "s = 0\nfor i in range(15_000_000):\n    s += i\n"
"""The yardstick's work: a fixed pure-Python loop of a second or two."""


def _loops(count: int) -> float:
    """Wall-clock seconds for ``count`` copies of the loop started together, until all end."""
    start = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-c", _LOOP]) for _ in range(count)]
    for proc in procs:
        proc.wait()
    return time.perf_counter() - start


def two_at_once(runs: int = 3) -> str:
    """How much work two processes at once get done, against one: 2.00x on two free cores,
    1.00x when the second gives nothing. Our PDF builds run two processes at once and
    mkdocs-to-pdf one, so this says how far a wall-clock ratio between them can be trusted."""
    alone, paired = [], []
    for _ in range(runs):  # interleaved, so that drift falls on both
        alone.append(_loops(1))
        paired.append(_loops(2))
    one, two = median(alone), median(paired)
    return f"{2 * one / two:.2f}\u00d7 one's work (the loop alone {one:.2f} s, two at once {two:.2f} s)"


def machine(chromium: str, root: Path) -> dict[str, str]:
    """Facts that make the figures comparable: hardware, OS, tool versions, date, commit."""
    return {
        "Date": datetime.date.today().isoformat(),
        "Commit": checkout(root),
        "CPU": f"{os.cpu_count()} cores ({cpu_model()})",
        "Memory": f"{memory_gib():.0f} GiB",
        "OS": os_name(),
        "Python": platform.python_version(),
        "WeasyPrint": version("weasyprint"),
        "MkDocs": version("mkdocs"),
        "Material for MkDocs": version("mkdocs-material"),
        "Chromium": chromium_version(chromium),
        "Load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }
