"""Timing and peak memory of subprocesses, medians, and the facts of the machine they ran on."""

from __future__ import annotations

import datetime
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

MKDOCS_ENV = {"NO_MKDOCS_2_WARNING": "1"}
"""Environment added to every ``mkdocs`` run: no end-of-life banner."""


class RunFailed(RuntimeError):
    """A measured command exited with an error; the message holds its output."""


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


def run(
    cmd: Sequence[str | Path], cwd: Path | None = None, env: Mapping[str, str] | None = None
) -> Sample:
    """Run ``cmd`` to completion; its own peak RSS comes from ``wait4`` (not other children's)."""
    full_env = {**os.environ, **MKDOCS_ENV, **(env or {})}
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [str(c) for c in cmd], cwd=cwd, env=full_env, stdout=out, stderr=subprocess.STDOUT
        )
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    if proc.returncode != 0:
        command = " ".join(str(c) for c in cmd)
        raise RunFailed(f"{command} exited with {proc.returncode}:\n{text[-4000:]}")
    return Sample(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, text)


def mkdocs_build(config: Path, site: Path, python: Path | str = sys.executable) -> Sample:
    """A real ``mkdocs build`` in a subprocess, from the config's folder."""
    return run([python, "-m", "mkdocs", "build", "-q", "-f", config, "-d", site], cwd=config.parent)


def median(values: Sequence[float]) -> float:
    """The median of a non-empty sequence."""
    return float(statistics.median(values))


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


def machine(chromium: str) -> dict[str, str]:
    """Facts that make the figures comparable: hardware, OS, tool versions, date."""
    return {
        "Date": datetime.date.today().isoformat(),
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
