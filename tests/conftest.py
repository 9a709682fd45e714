"""Shared fixtures: real MkDocs builds, a local HTTP server, and Debian's Chromium for Playwright."""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

# golden-file comparisons live in a helper module; show their diffs like a test's own asserts
pytest.register_assert_rewrite("tests.golden")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CHROMIUM = os.environ.get("COURSEBOOK_CHROMIUM", "/usr/bin/chromium")


@dataclass
class Build:
    """The result of one ``mkdocs build``: where the site is, the exit code and the log."""

    site: Path
    returncode: int
    log: str

    @property
    def warnings(self) -> list[str]:
        # not `mkdocs build -q`: it hides warnings from --strict as well as from us
        return [line for line in self.log.splitlines() if line.startswith(("WARNING", "ERROR"))]


def fixture_site(dest: Path) -> Path:
    """A writable copy of the fixture site at ``dest``, without what builds left in the
    source tree (a ``.cache`` from another run would change what a build keeps)."""
    shutil.copytree(FIXTURES / "site", dest, ignore=shutil.ignore_patterns(".cache", "site"))
    return dest


def mkdocs_build(config: Path, site: Path, *extra: str, strict: bool = True) -> Build:
    """Run a real ``mkdocs build`` of ``config`` into ``site`` in a subprocess."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    args = [
        sys.executable,
        "-m",
        "mkdocs",
        "build",
        "-f",
        str(config),
        "-d",
        str(site),
        *extra,
    ]
    if strict:
        args.append("--strict")
    run = subprocess.run(args, capture_output=True, text=True, env=env, cwd=config.parent)
    return Build(site, run.returncode, run.stdout + run.stderr)


def course_data(page: Path) -> dict[str, Any]:
    """The runtime's course data (``course-<hash>.js``) that a built page loads."""
    found = re.search(
        r'<script src="([^"]*assets/coursebook/course-[0-9a-f]+\.js)"', page.read_text("utf-8")
    )
    assert found, f"{page} loads no course data"
    script = (page.parent / found.group(1)).read_text("utf-8")
    prefix = "self.coursebookCourse="
    assert script.startswith(prefix), script[:80]
    data: dict[str, Any] = json.loads(script[len(prefix) :].rstrip().rstrip(";"))
    return data


def valid_answers(text: str, worksheets_dir: Path = FIXTURES / "site" / "worksheets") -> Any:
    """The answers document in ``text``, after checking that the course's contract accepts it
    as it is (no refusal, nothing to normalise): what every reader of the course would read."""
    from coursebook.answers import build_contract, read_answers
    from coursebook.answers.contract import parse_answers_bytes
    from coursebook.model import load_worksheets

    data, problem = parse_answers_bytes(text.encode("utf-8"), "answers.json")
    assert problem is None, problem
    contract = build_contract(load_worksheets(worksheets_dir).values(), "test")
    reading = read_answers(data, contract, "answers.json")
    assert reading.answers is not None, reading.error
    assert [n for n in reading.notices if n.id == "answers.normalised"] == []
    return data


@pytest.fixture(scope="session")
def default_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped course, built once per test session with ``--strict``."""
    site = tmp_path_factory.mktemp("default-site")
    build = mkdocs_build(ROOT / "mkdocs.yml", site)
    assert build.returncode == 0, build.log
    assert not build.warnings, build.log
    return site


PACKAGED = (
    "pyproject.toml",
    "README.md",
    "LICENSE",
    "mkdocs.yml",
    "plugins",
    "content",
    "worksheets",
    "site_src",
)
"""What a wheel is built from: the package and the course files its templates link to."""


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real wheel of the package, built from a copy of the repo (symlinks kept).

    The copy keeps the build's scratch folders out of the working tree. pip fetches the
    build backend the way ``pip install`` does, so this needs the package index.
    """
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    source.mkdir()
    for name in PACKAGED:
        if (ROOT / name).is_dir():
            shutil.copytree(
                ROOT / name,
                source / name,
                symlinks=True,
                ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"),
            )
        elif (ROOT / name).exists():
            shutil.copy2(ROOT / name, source / name)
    run = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "-q", "-w", str(work)],
        capture_output=True,
        text=True,
    )
    if run.returncode != 0 and any(
        sign in run.stderr
        for sign in ("NewConnectionError", "No matching distribution found for setuptools")
    ):
        pytest.skip("building a wheel needs the package index for setuptools")
    assert run.returncode == 0, run.stderr
    return next(work.glob("coursebook-*.whl"))


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass

    def send_head(self) -> object:
        # a test rebuilds the site and reloads: a file rewritten within the same second
        # would be "not modified" (times have whole seconds), and the browser keep the old
        del self.headers["If-Modified-Since"]
        return super().send_head()

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 (a free port) until the generator is closed."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def site_url(default_site: Path) -> Iterator[str]:
    """Base URL of the built default course, served locally."""
    yield from serve(default_site)


@pytest.fixture(scope="session")
def course_url(default_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The default course served as if at its ``site_url``, so instant navigation is on.

    Material only takes over links listed in the sitemap, matched with the site_url's port;
    a copy of the site gets a sitemap that names the test server instead.
    """
    site = tmp_path_factory.mktemp("course") / "site"
    shutil.copytree(default_site, site)
    for url in serve(site):
        sitemap = site / "sitemap.xml"
        text = sitemap.read_text(encoding="utf-8")
        root = re.search(r"<loc>(.*?)</loc>", text)
        assert root, "the default course needs a site_url for instant navigation"
        sitemap.write_text(text.replace(root.group(1), url), encoding="utf-8")
        yield url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, object]) -> dict[str, object]:
    """pytest-playwright: no service workers, except where a test asks for one.

    The course's worker keeps each version of a site until the learner reloads on purpose:
    tests that rebuild a site between page loads would see the old one, and installing it
    in every fresh browser profile costs time. test_offline.py allows it.
    """
    return {**browser_context_args, "service_workers": "block"}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, object]) -> dict[str, object]:
    """pytest-playwright: use Debian's Chromium, with no background network traffic."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def language_courses(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The blank course scaffolded by ``coursebook new --language`` and built (strict, both
    PDFs) in French and in Arabic: language -> built site."""
    from click.testing import CliRunner
    from coursebook.cli.main import main

    sites = {}
    for language, title in (("fr", "Cours"), ("ar", "دورة")):
        root = tmp_path_factory.mktemp(f"course-{language}")
        options = ["--title", title, "--coach", "Claire", "--site-url", "https://example.org/"]
        result = CliRunner().invoke(
            main, ["new", str(root / "c"), "--blank", "--language", language, *options]
        )
        assert result.exit_code == 0, result.output
        build = mkdocs_build(root / "c" / "mkdocs.yml", root / "site")
        assert build.returncode == 0, build.log
        sites[language] = root / "site"
    return sites
