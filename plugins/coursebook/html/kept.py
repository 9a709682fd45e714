"""Rendered forms, worksheets' Markdown text and sanitised pages, kept between builds.

In: what an entry's HTML is made from (a worksheet, a text, a page's HTML), what else it
depends on (the course's messages and Markdown set-up, our code) and a function making
it. Out: the HTML (a form with its search digest, ``coursebook.html.search_text``; a page
with the addresses sanitising took out of it), from the last build when nothing it depends
on changed, else made now and kept.

A warm build of the default course spent about 40 ms rendering its seven forms, 10 to
20 ms rendering their coach notes for the review page, and about 1 ms sanitising each page
(200 ms for a course of 200 chapters). Entries live in the course folder's ``.cache``,
which may come from someone else, and what they hold goes into pages unchecked: an entry
is named by a hash keyed with this user's secret and sealed with an HMAC of its contents
under that secret (``coursebook.keyed``), so only an entry this user's own build wrote,
unchanged, is ever used. Anything else is made again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coursebook.html.sanitise import clean_page, dropped_addresses
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
# what a page's sanitising depends on besides the page
PAGE_CODE = ("html/kept.py", "html/sanitise.py", "answers/contract.py")
PAGE_LIBRARIES = ("nh3",)


@dataclass(frozen=True)
class Form:
    html: str
    search: str


class Kept:
    """Sealed entries of text fields in ``folder`` (None keeps nothing), each named by a
    keyed hash of ``settings`` and of what it is made from."""

    def __init__(self, folder: Path | None, settings: Any) -> None:
        self.folder = folder
        self.settings = settings
        self.used: set[str] = set()

    def kept(
        self, made_from: Any, fields: tuple[str, ...], make: Callable[[], dict[str, str]]
    ) -> dict[str, str]:
        """The entry made from ``made_from``, whose text ``fields`` are kept, or made now
        by ``make`` and kept."""
        entry = self.read(made_from, fields)
        if entry is None:
            entry = make()
            self.write(made_from, entry)
        return entry

    def read(self, made_from: Any, fields: tuple[str, ...]) -> dict[str, str] | None:
        """The kept entry made from ``made_from``, if it has these ``fields`` and is ours."""
        name = keyed_digest(self.settings, made_from)
        self.used.add(name)
        entry = self._read(name)
        return entry if entry is not None and sorted(entry) == sorted(fields) else None

    def write(self, made_from: Any, entry: dict[str, str]) -> None:
        self._write(keyed_digest(self.settings, made_from), entry)

    def _path(self, name: str) -> Path | None:
        return None if self.folder is None else self.folder / f"{name}.json"

    def _read(self, name: str) -> dict[str, str] | None:
        path = self._path(name)
        if path is None:
            return None
        try:
            if path.stat().st_size > MAX_ENTRY_BYTES:
                return None
            stored = json.loads(path.read_bytes())
            fields, mark = stored["fields"], stored["seal"]
            if not (
                isinstance(fields, dict)
                and all(isinstance(v, str) for v in fields.values())
                and isinstance(mark, str)
            ):
                return None
            if not sealed_by_us(_contents(name, fields), mark):
                return None
            return fields
        except (OSError, ValueError, KeyError, TypeError):
            return None  # absent, damaged or not ours: made again

    def _write(self, name: str, fields: dict[str, str]) -> None:
        path = self._path(name)
        if path is None:
            return
        stored = {"fields": fields, "seal": seal(_contents(name, fields))}
        write_entry(path, json.dumps(stored, ensure_ascii=False).encode("utf-8"))

    def prune(self) -> None:
        """Drop the oldest entries this build did not use, beyond ``KEEP_SPARE``."""
        if self.folder is not None:
            prune_entries(self.folder, "*.json", self.used, KEEP_SPARE)


class KeptForms(Kept):
    """The forms and worksheet texts of one build."""

    def __init__(self, folder: Path | None, catalogue: Catalogue, markdown: object) -> None:
        settings = [
            FORMAT,
            code_digest(CODE, LIBRARIES),
            [catalogue.language, catalogue.messages],
            markdown,
        ]
        super().__init__(folder, settings)

    def form(self, worksheet: Worksheet, render: Callable[[], str]) -> Form:
        """``worksheet``'s form, kept or rendered now by ``render``."""

        def make() -> dict[str, str]:
            html = render()
            return {"html": html, "search": search_digest(html)}

        entry = self.kept(["form", repr(worksheet)], ("html", "search"), make)
        return Form(entry["html"], entry["search"])

    def text(self, text: str, render: Callable[[str], str]) -> str:
        """Worksheet Markdown (coach notes) as HTML, kept or rendered now by ``render``."""
        return self.kept(["text", text], ("html",), lambda: {"html": render(text)})["html"]


class KeptPages(Kept):
    """Pages' HTML as sanitised by ``clean_page``, in one build.

    A page holding our forms holds placeholders naming this build's slot secret
    (``coursebook.html.slots``), new every build: an entry is kept with ``NEUTRAL`` in its
    place, and given this build's secret back when used. A page that holds ``NEUTRAL``
    itself, before or after sanitising (an entity can spell it), is not kept: it could pass
    for a page with placeholders.
    """

    NEUTRAL = "cb-kept-slot"

    def __init__(self, folder: Path | None) -> None:
        super().__init__(folder, [FORMAT, code_digest(PAGE_CODE, PAGE_LIBRARIES)])

    def clean(self, html: str, secret: str) -> tuple[str, list[tuple[str, str]]]:
        """``html`` sanitised, and the addresses taken out of it (``dropped_addresses``);
        ``secret`` is this build's slot secret."""
        if self.NEUTRAL in html:
            return clean_page(html), dropped_addresses(html)
        # named by the page's hash: hashing the page as JSON text cost more than reading it
        made_from = [
            "page",
            hashlib.sha256(html.replace(secret, self.NEUTRAL).encode()).hexdigest(),
        ]
        entry = self.read(made_from, ("html", "dropped"))
        if entry is not None:
            dropped = [(str(e), str(a)) for e, a in json.loads(entry["dropped"])]
            return entry["html"].replace(self.NEUTRAL, secret), dropped
        cleaned, dropped = clean_page(html), dropped_addresses(html)
        if self.NEUTRAL not in cleaned:
            kept = {"html": cleaned.replace(secret, self.NEUTRAL), "dropped": json.dumps(dropped)}
            self.write(made_from, kept)
        return cleaned, dropped


def write_entry(path: Path, data: bytes) -> None:
    """Write a cache entry whole or not at all (another build may be reading it)."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(data)
        os.replace(partial, path)
    except OSError:  # a cache that cannot be written only costs time
        with contextlib.suppress(OSError):
            partial.unlink()


def prune_entries(folder: Path, pattern: str, used: set[str], spare: int) -> None:
    """Drop the oldest entries matching ``pattern`` whose names are not in ``used``,
    beyond the ``spare`` newest."""
    others = []
    try:
        for path in folder.glob(pattern):
            if path.stem not in used:
                others.append((path.stat().st_mtime, path))
    except OSError:
        return
    others.sort(reverse=True)
    for _, old in others[spare:]:
        with contextlib.suppress(OSError):  # another build may be pruning too
            old.unlink()


def _contents(name: str, fields: dict[str, str]) -> bytes:
    """What the seal covers, each part length-prefixed so no two entries read alike: the
    entry's name too, so a sealed entry moved under another name is not taken for that one.
    (Not JSON: escaping a page's worth of text was most of a kept page's cost.)"""
    parts = [name, *(text for key in sorted(fields) for text in (key, fields[key]))]
    return b"".join(b"%d:%s" % (len(data), data) for data in (p.encode("utf-8") for p in parts))
