"""Hostile-input suite: the CLI run in-process or under limits, background builds, the checks
every case shares (one line naming the file, no traceback, nothing raw on the terminal).

Slow work (site builds, PDFs, cases that must finish within 30 s) starts in the background
when the first test of this folder runs: each module lists its jobs in ``BACKGROUND``, and
tests wait for the result they need. Modules run in ``ORDER``, quick ones first, so the
builds are done by the time the browser and PDF modules need them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser

from tests.conftest import serve
from tests.hostile.browser import Tab
from tests.hostile.helpers import HERE, ORDER, Background


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run this folder's modules in ``ORDER`` (other tests keep their places)."""
    slots = [i for i, item in enumerate(items) if Path(str(item.path)).parent == HERE]

    def rank(item: pytest.Item) -> int:
        stem = Path(str(item.path)).stem
        return ORDER.index(stem) if stem in ORDER else len(ORDER)

    ordered = sorted((items[i] for i in slots), key=rank)
    for slot, item in zip(slots, ordered, strict=True):
        items[slot] = item


@pytest.fixture(scope="session", autouse=True)
def background(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Background]:
    """Starts the ``BACKGROUND`` jobs of every module of this folder that is to run, lowest
    rank first: what the first modules need, and the jobs that run for 30 s when they fail."""
    jobs = Background()
    modules: dict[str, Any] = {}
    for item in request.session.items:
        module = getattr(item, "module", None)
        if module is not None and Path(str(item.path)).parent == HERE:
            modules.setdefault(module.__name__, module)
    queue: list[tuple[int, str, Any]] = []
    for module in modules.values():
        make = getattr(module, "BACKGROUND", None)
        if make is None:
            continue
        for name, job in make(tmp_path_factory).items():
            # a job is a callable (ranked with its module) or (rank, callable)
            rank, run = (
                job if isinstance(job, tuple) else (getattr(module, "BACKGROUND_RANK", 50), job)
            )
            queue.append((rank, name, run))
    for _, name, run in sorted(queue, key=lambda entry: entry[0]):
        jobs.submit(name, run)
    yield jobs
    jobs.close()


# ---- the browser ---------------------------------------------------------------------


@pytest.fixture(scope="session")
def hostile_url(background: Background) -> Iterator[str]:
    """The course of hostile pages and worksheets (``sitecourse``), built once and served."""
    build = background.result("hostile-site")
    assert build.returncode == 0, build.log[-3000:]
    yield from serve(build.site)


@pytest.fixture(scope="module")
def tab(browser: Browser) -> Iterator[Tab]:
    """One tab for a module's cases, in a fresh browser context (storage starts empty)."""
    context = browser.new_context()
    yield Tab(context.new_page())
    context.close()
