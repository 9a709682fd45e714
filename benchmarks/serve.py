"""``mkdocs serve`` after an edit: seconds from saving a file to the served page showing it.

The default course is copied to a scratch folder and served; then, in turn, a worksheet's
YAML and a chapter's Markdown are edited (a new word each time) and the served page is
polled until the word appears. The same Markdown edit is timed on the site served without
our plugins, the baseline. Each figure includes MkDocs' own file watching, which is the
same on both sides. PDFs are not built while serving (``build_on_serve`` is off by
default), so this is the site's rebuild alone.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from course import OURS, copy_default_course, with_plugins, write_config
from measure import MKDOCS_ENV

WORKSHEET = ("worksheets/define-your-space.yml", "your-space/")
PAGE = ("content/why.md", "why/")
"""A file to edit and the page that shows it."""


@dataclass
class ServeResult:
    """Seconds from each save to the served page showing the edit."""

    worksheet: list[float] = field(default_factory=list)
    page: list[float] = field(default_factory=list)
    page_without: list[float] = field(default_factory=list)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            text: str = response.read().decode("utf-8", "replace")
            return text
    except OSError:
        return ""


def _wait_for(url: str, word: str, limit: float = 60) -> float:
    """Poll ``url`` until it contains ``word``; the seconds it took."""
    start = time.perf_counter()
    while time.perf_counter() - start < limit:
        if word in _fetch(url):
            return time.perf_counter() - start
        time.sleep(0.02)
    raise TimeoutError(f"{url} did not show {word!r} in {limit:.0f} s")


class _Server:
    """``mkdocs serve`` of one config on a free port, stopped on exit."""

    def __init__(self, config: Path) -> None:
        self.port = _free_port()
        self.config = config
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> _Server:
        cmd = [sys.executable, "-m", "mkdocs", "serve", "-q", "-f", str(self.config)]
        # with live reload on: MkDocs watches no file without it
        cmd += ["-a", f"127.0.0.1:{self.port}"]
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        self.proc = subprocess.Popen(
            cmd,
            cwd=self.config.parent,
            env={**env, **MKDOCS_ENV},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_for(self.url(""), "</html>", 120)
        return self

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=30)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _timed_edits(server: _Server, course: Path, target: tuple[str, str], runs: int) -> list[float]:
    """Save ``runs`` edits of one file, one at a time, each waited for on its page."""
    file, page = target
    path = course / file
    marker = "Zqx0"  # a word that is in no page, renamed on every edit
    # in running text, never in a heading (its anchor would change)
    anchor = "ask " if file.endswith(".md") else "intro: |\n  "
    _edit(path, anchor, f"{anchor}{marker} ")
    _wait_for(server.url(page), marker)
    seconds = []
    for run in range(1, runs + 1):
        word = f"Zqx{run}"
        time.sleep(1.5)  # let the watcher settle, so each save is one rebuild
        _edit(path, marker, word)
        seconds.append(_wait_for(server.url(page), word))
        marker = word
    _edit(path, f"{marker} ", "")
    return seconds


def measure_serve(work: Path, runs: int) -> ServeResult:
    """The default course served with and without our plugins; ``runs`` edits of each kind."""
    result = ServeResult()
    course = work / "serve-course"
    config = copy_default_course(course)
    plugins = config.get("plugins") or []
    on = write_config(course, "serve-with.yml", {**config, "plugins": plugins})
    off = write_config(
        course, "serve-without.yml", {**config, "plugins": with_plugins(plugins, {}, drop=OURS)}
    )
    with _Server(on) as server:
        result.worksheet = _timed_edits(server, course, WORKSHEET, runs)
        result.page = _timed_edits(server, course, PAGE, runs)
    with _Server(off) as server:
        result.page_without = _timed_edits(server, course, PAGE, runs)
    return result


if __name__ == "__main__":
    import tempfile

    from measure import median

    with tempfile.TemporaryDirectory() as scratch:
        measured = measure_serve(Path(scratch), int(sys.argv[1]) if len(sys.argv) > 1 else 3)
    for name, values in vars(measured).items():
        print(f"{name}: median {median(values):.2f} s, {[round(v, 2) for v in values]}")
