"""Browser-test fixtures: the fixture site built and served once, and a watch on every page."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page

from tests.conftest import fixture_site, mkdocs_build, serve


@pytest.fixture(scope="session")
def fixture_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The fixture site (worksheet ``every-field`` on its home page), built once and served."""
    root = tmp_path_factory.mktemp("fixture-site")
    site = root / "site"
    build = mkdocs_build(fixture_site(root / "source") / "mkdocs.yml", site)
    assert build.returncode == 0, build.log
    yield from serve(site)


def is_local(url: str) -> bool:
    """True for the test server, files on disk, and blob:/data: URLs the page made itself."""
    parts = urlsplit(url)
    if parts.scheme == "blob":
        parts = urlsplit(url[len("blob:") :])
    return parts.scheme in ("data", "file") or parts.hostname == "127.0.0.1"


@dataclass
class Watch:
    """Everything a page did that a learner should never meet: errors and outside requests."""

    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    expected: list[str] = field(default_factory=list)

    def attach(self, target: Page | BrowserContext) -> None:
        target.on("request", self._request)
        target.on("console", lambda m: m.type == "error" and self._error(f"console: {m.text}"))
        if isinstance(target, Page):
            target.on("pageerror", lambda e: self._error(f"page error: {e}"))
        else:
            target.on("weberror", lambda e: self._error(f"page error: {e.error}"))

    def _request(self, request: object) -> None:
        url = request.url  # type: ignore[attr-defined]
        if not is_local(url):
            self.requests.append(url)

    def _error(self, text: str) -> None:
        if not any(part in text for part in self.expected):
            self.errors.append(text)


@pytest.fixture
def watch(context: BrowserContext) -> Iterator[Watch]:
    """Fails the test if any page of ``context`` (or one attached later) logs an error or leaves 127.0.0.1."""
    w = Watch()
    w.attach(context)
    yield w
    assert w.errors == []
    assert w.requests == []


@pytest.fixture
def wpage(page: Page, watch: Watch) -> Page:
    """The ``page`` fixture, watched."""
    return page
