"""Our blocks' HTML in, a placeholder out; after the page is sanitised, the HTML back in.

The page sanitiser must not see the worksheet forms (it would strip their controls), and
must not let an author's raw HTML pass for one. A block hands its HTML to ``Slots.hold``,
which returns an empty ``<div>`` naming a slot with a secret made for this build; once the
page is clean, ``Slots.fill`` puts the HTML where the placeholders are. A placeholder typed
by an author cannot guess the secret and is dropped.
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
        self._pattern = re.compile(rf'<div {ATTRIBUTE}="([0-9a-f]+):(\d+)"></div>')

    def hold(self, html: str) -> str:
        """A placeholder for ``html``."""
        number = str(len(self.held))
        self.held[number] = html
        return f'<div {ATTRIBUTE}="{self.secret}:{number}"></div>'

    def fill(self, page: str) -> str:
        """``page`` with each placeholder replaced by its HTML (forged ones removed)."""

        def put(match: re.Match[str]) -> str:
            if match.group(1) != self.secret:
                return ""
            return self.held.get(match.group(2), "")

        return self._pattern.sub(put, page)
