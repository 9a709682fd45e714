"""Rendered forms, and worksheets' Markdown text, kept between builds.

In: a worksheet (or a text), what else its HTML is made from (the course's messages and
Markdown set-up), and a function rendering it. Out: the form's HTML and its search digest
(``coursebook.html.search_text``), or the text's HTML, from the last build when nothing
they depend on changed, else rendered now and kept.

Rendering the default course's seven forms, Markdown included, was about 40 ms of every
warm build; rendering their coach notes for the review page, 10 to 20 ms more. Entries live in the course folder's ``.cache``, which may come from someone
else, and a form goes into its page after the page is sanitised: an entry is named by a
hash keyed with this user's secret and sealed with an HMAC of its contents under that
secret (``coursebook.keyed``), so only an entry this user's own build wrote, unchanged, is
ever used. Anything else is rendered again.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from coursebook.html.search_text import search_digest
from coursebook.i18n import Catalogue
from coursebook.keyed import code_digest, keyed_digest, seal, sealed_by_us
from coursebook.model import Worksheet

FORMAT = 2
MAX_ENTRY_BYTES = 16 * 1024 * 1024  # far above any form; a bigger file is not ours
KEEP_SPARE = 32  # entries kept beyond this build's own (other configs, recent edits)
# what a form's HTML is made by: our templates and code, the model, the messages'
# code, and the libraries turning its text into HTML
CODE = ("html", "model", "i18n/catalogue.py")
LIBRARIES = ("markdown", "pymdown-extensions", "nh3", "jinja2")


@dataclass(frozen=True)
class Form:
    html: str
    search: str


class KeptForms:
    """The forms of one build; ``folder`` None keeps nothing."""

    def __init__(self, folder: Path | None, catalogue: Catalogue, markdown: object) -> None:
        self.folder = folder
        self.settings = [
            FORMAT,
            code_digest(CODE, LIBRARIES),
            [catalogue.language, catalogue.messages],
            markdown,
        ]
        self.used: set[str] = set()

    def form(self, worksheet: Worksheet, render: Callable[[], str]) -> Form:
        """``worksheet``'s form, kept or rendered now by ``render``."""
        return self._kept(["form", repr(worksheet)], render)

    def text(self, text: str, render: Callable[[str], str]) -> str:
        """Worksheet Markdown (coach notes) as HTML, kept or rendered now by ``render``."""
        return self._kept(["text", text], lambda: render(text)).html

    def _kept(self, made_from: list[str], render: Callable[[], str]) -> Form:
        name = keyed_digest(self.settings, made_from)
        self.used.add(name)
        kept = self._read(name)
        if kept is not None:
            return kept
        html = render()
        form = Form(html, search_digest(html))
        self._write(name, form)
        return form

    def _path(self, name: str) -> Path | None:
        return None if self.folder is None else self.folder / f"{name}.json"

    def _read(self, name: str) -> Form | None:
        path = self._path(name)
        if path is None:
            return None
        try:
            if path.stat().st_size > MAX_ENTRY_BYTES:
                return None
            entry = json.loads(path.read_bytes())
            html, search, mark = entry["html"], entry["search"], entry["seal"]
            if not (isinstance(html, str) and isinstance(search, str) and isinstance(mark, str)):
                return None
            if not sealed_by_us(_contents(name, html, search), mark):
                return None
            return Form(html, search)
        except (OSError, ValueError, KeyError, TypeError):
            return None  # absent, damaged or not ours: rendered again

    def _write(self, name: str, form: Form) -> None:
        path = self._path(name)
        if path is None:
            return
        mark = seal(_contents(name, form.html, form.search))
        entry = {"html": form.html, "search": form.search, "seal": mark}
        partial = path.with_name(f".{path.name}.{os.getpid()}.part")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial.write_text(json.dumps(entry, ensure_ascii=False), encoding="utf-8")
            os.replace(partial, path)
        except OSError:  # a cache that cannot be written only costs time
            with contextlib.suppress(OSError):
                partial.unlink()

    def prune(self) -> None:
        """Drop the oldest entries this build did not use, beyond ``KEEP_SPARE``."""
        if self.folder is None:
            return
        others = []
        try:
            for path in self.folder.glob("*.json"):
                if path.stem not in self.used:
                    others.append((path.stat().st_mtime, path))
        except OSError:
            return
        others.sort(reverse=True)
        for _, old in others[KEEP_SPARE:]:
            with contextlib.suppress(OSError):  # another build may be pruning too
                old.unlink()


def _contents(name: str, html: str, search: str) -> bytes:
    """What the seal covers: the entry's name too, so a sealed entry moved under another
    name is not taken for that one."""
    return "\0".join((name, html, search)).encode("utf-8")
