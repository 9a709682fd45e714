"""Our blocks' HTML in, a placeholder out; after the page is sanitised, the HTML back in.

The page sanitiser must not see the worksheet forms (it would strip their controls), and
must not let an author's raw HTML pass for one. A block hands its HTML to ``Slots.hold``,
which returns an empty ``<div>`` naming a slot with a secret made for this build; once the
page is clean, ``Slots.fill`` puts the HTML where the placeholders are. A placeholder typed
by an author cannot guess the secret and is dropped.

A form held with its search digest (``coursebook.html.search_text``) can stand in the page
as that digest while a search indexer reads it (``for_search``), and come back whole
afterwards (``after_search``): the digest sits between two comments naming its slot.
"""

from __future__ import annotations

import re
import secrets

ATTRIBUTE = "data-cb-slot"


class Slots:
    """The held HTML of the pages being built."""

    def __init__(self) -> None:
        self.secret = secrets.token_hex(12)
        self.held: dict[str, str] = {}
        self.search: dict[str, str] = {}
        self.placed: dict[str, list[str]] = {}  # page -> the slots filled into it
        self._pattern = re.compile(rf'<div {ATTRIBUTE}="([0-9a-f]+):(\d+)"></div>')

    def hold(self, html: str, search: str | None = None) -> str:
        """A placeholder for ``html``; ``search``, what an indexer may read instead."""
        number = str(len(self.held))
        self.held[number] = html
        if search is not None:
            self.search[number] = search
        return f'<div {ATTRIBUTE}="{self.secret}:{number}"></div>'

    def fill(self, page: str, key: str = "") -> str:
        """``page`` with each placeholder replaced by its HTML (forged ones removed);
        ``key`` names the page for ``for_search``."""
        placed: list[str] = []

        def put(match: re.Match[str]) -> str:
            if match.group(1) != self.secret or match.group(2) not in self.held:
                return ""
            placed.append(match.group(2))
            return self.held[match.group(2)]

        filled = self._pattern.sub(put, page)
        self.placed[key] = placed
        return filled

    def _marks(self, number: str) -> tuple[str, str]:
        return (
            f"<!--cb-search {self.secret}:{number}-->",
            f"<!--/cb-search {self.secret}:{number}-->",
        )

    def for_search(self, page: str, key: str = "") -> str:
        """``page`` (filled as ``key``) with each form held with a digest swapped for it."""
        for number in self.placed.get(key, ()):
            search = self.search.get(number)
            if search is not None:
                start, end = self._marks(number)
                page = page.replace(self.held[number], start + search + end, 1)
        return page

    def after_search(self, page: str, key: str = "") -> str | None:
        """``page`` with the forms back whole; None if a digest is no longer where it was
        put (something between changed it), so the caller can keep the page it had."""
        for number in self.placed.get(key, ()):
            if number not in self.search:
                continue
            start, end = self._marks(number)
            first = page.find(start)
            last = page.find(end, first)
            if first < 0 or last < 0:
                if self.held[number] in page:
                    continue  # never swapped (the page changed before the indexer)
                return None
            page = page[:first] + self.held[number] + page[last + len(end) :]
        return page
