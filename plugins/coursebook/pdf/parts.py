"""A long workbook laid out in parts and joined, so that memory stays flat at any length.

In: a ``Parts`` (the front, that is the cover and contents, and a few chapters per part, each
a complete HTML document) and a function laying out one HTML document. Out: one PDF with
the pages, page numbers, contents, links, bookmarks, form fields and tag structure of the
book laid out whole.

WeasyPrint keeps every laid-out page until it writes the file, so a 1,000-page book needs
over a gigabyte. Here one part is laid out at a time:

1. the front with placeholder page numbers, to learn how many pages it takes;
2. each part in turn, its first page numbered after the pages before it. Links to another
   part would be dropped by WeasyPrint (no such anchor in this document), so they arrive as
   ``coursebook-xref:`` links and are turned back into named destinations;
3. the front again, with the contents' real page numbers;
4. every part is written with its objects numbered after the previous parts', and the
   parts are joined into one file (``coursebook.pdf.join``).

Where a core is free, each part is written in a forked process while the next is laid
out.
"""

from __future__ import annotations

import gc
import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import quote, unquote

import pydyf

from coursebook.pdf.forked import Forked, ForkedError
from coursebook.pdf.join import (
    RESERVED,
    XREF_SCHEME,
    CannotJoin,
    PartFinisher,
    PartPdf,
    join,
    last_object,
)

__all__ = [
    "PAGE_SLOT",
    "PART_CSS",
    "XREF_SCHEME",
    "CannotJoin",
    "Parts",
    "group_chapters",
    "lay_out_in_parts",
    "link_across",
    "numbered_front",
]

PAGE_SLOT = ' data-page="8888"'
"""On each contents entry of the front: the page number, a placeholder until it is known."""
PART_CSS = "\n.cb-contents a::after { content: leader('. ') attr(data-page); }\n"
"""Added to the stylesheet of the front and of every part."""

# in tags only: text may hold the same characters, but never an unescaped "<"
_ID = re.compile(r'<[a-zA-Z][^<>]*?\sid="([^"]+)"')
_HREF = re.compile(r'(<a\s[^<>]*?href=")#([^"]+)"')
_CONTENTS_LINK = re.compile(
    r'href="(#|' + re.escape(XREF_SCHEME) + r')([^"]+)"' + re.escape(PAGE_SLOT)
)


@dataclass(frozen=True)
class Parts:
    """A book as a front and parts, each a whole HTML document."""

    front: str
    parts: tuple[str, ...]

    @property
    def size(self) -> int:
        """Characters of the largest document (what one layout's memory grows with)."""
        return max(len(self.front), *(len(part) for part in self.parts))


def group_chapters(sizes: Sequence[int], budget: int) -> list[range]:
    """Consecutive chapters grouped into parts of at most ``budget`` characters (a chapter
    longer than that is a part of its own)."""
    groups: list[range] = []
    start, total = 0, 0
    for index, size in enumerate(sizes):
        if index > start and total + size > budget:
            groups.append(range(start, index))
            start, total = index, 0
        total += size
    if start < len(sizes):
        groups.append(range(start, len(sizes)))
    return groups


def link_across(documents: Sequence[str]) -> list[str]:
    """Each document with its links to an anchor of another document made
    ``coursebook-xref:`` links; links to no anchor at all stay as they are, so WeasyPrint
    still reports them."""
    ids = [
        {name for name in map(html.unescape, _ID.findall(doc)) if _anchorable(name)}
        for doc in documents
    ]
    everywhere = set().union(*ids)

    def relink(own: set[str]) -> Callable[[re.Match[str]], str]:
        def swap(match: re.Match[str]) -> str:
            name = unquote(html.unescape(match.group(2)))  # the anchor WeasyPrint looks for
            if name in own or name not in everywhere:
                return match.group(0)
            return f'{match.group(1)}{XREF_SCHEME}{quote(name, safe="")}"'

        return swap

    return [_HREF.sub(relink(own), doc) for doc, own in zip(documents, ids, strict=True)]


def _anchorable(name: str) -> bool:
    """Whether WeasyPrint makes an anchor of this id: it quotes the id in a CSS string, which
    a quote, a backslash or a line break would end or break (it then warns, and a link to
    the id is dropped with a warning: a link across parts must be too)."""
    return not any(char in name for char in '"\\\n\r\f')


def _target(match: re.Match[str]) -> str:
    """The anchor a contents entry links to, from ``href="#..."`` or a link across parts."""
    scheme, name = match.group(1), match.group(2)
    return html.unescape(name) if scheme == "#" else unquote(html.unescape(name))


def contents_targets(front: str) -> list[str]:
    """The anchors the front's contents give a page number for."""
    return [_target(match) for match in _CONTENTS_LINK.finditer(front)]


def numbered_front(front: str, pages: dict[str, int]) -> str:
    """The front with each contents entry's page number in place of the placeholder."""

    def number(match: re.Match[str]) -> str:
        page = pages.get(_target(match))
        shown = "" if page is None else str(page)
        return f'href="{match.group(1)}{match.group(2)}" data-page="{shown}"'

    return _CONTENTS_LINK.sub(number, front)


def _first_page(document: str, number: int) -> str:
    """The document with its first page numbered ``number``: a rule at the end of its
    stylesheet, the first ``</style>`` (text before it, the title, is escaped)."""
    rule = f"@page :first {{ counter-reset: page {number}; }}\n"
    return document.replace("</style>", rule + "</style>", 1)


Finisher = Callable[[Any, pydyf.PDF], None]


class _Forms(Protocol):
    """Our form finisher (``coursebook.pdf.forms.FormFinisher``): a finisher that counts."""

    fields: int

    def __call__(self, document: Any, pdf: pydyf.PDF) -> None: ...


def lay_out_in_parts(
    parts: Parts,
    lay_out: Callable[[str], Any],
    write: Callable[[Any, Finisher], bytes],
    forms: Callable[[], _Forms],
    *,
    fork: bool = False,
    messages: list[str] | None = None,
) -> tuple[bytes, int, int]:
    """The book laid out one part at a time and joined: (PDF, pages, form fields).

    ``lay_out`` turns HTML into a WeasyPrint document, ``write`` writes one with a finisher,
    ``forms`` makes the form finisher each part runs first. The front is laid out first to
    learn its length, then each part numbered after it, then the front again with the
    contents' page numbers; should that change the front's length, the parts are laid out
    once more. With ``fork``, each part is written in a forked process while the next one
    is laid out (writing is about a third of the time); ``messages`` (WeasyPrint's
    warnings, gathered by the caller) then also gets those the writers met.
    """
    wanted = set(contents_targets(parts.front))
    front_pages = len(lay_out(_first_page(parts.front, 1)).pages)
    gc.collect()
    for _attempt in range(2):
        with _PartWriter(write, forms, fork, messages if messages is not None else []) as writer:
            page = front_pages + 1
            anchors: dict[str, int] = {}
            for part in parts.parts:
                document = lay_out(_first_page(part, page))
                for index, laid in enumerate(document.pages):
                    for name in laid.anchors:
                        if name in wanted:
                            anchors.setdefault(name, page + index)
                page += len(document.pages)
                writer.write(document)
                del document
                gc.collect()  # the part's boxes, before the next part is laid out
            front = lay_out(_first_page(numbered_front(parts.front, anchors), 1))
            if len(front.pages) != front_pages:
                front_pages = len(front.pages)
                continue
            writer.write(front)
            laid_out = writer.finish()
            return join([laid_out[-1], *laid_out[:-1]]), page - 1, writer.fields
    raise CannotJoin("the contents kept changing length")


class _PartWriter:
    """Writes laid-out parts in turn, each numbered after the one before; in a forked
    process per part when ``fork`` (the result of one is waited for before the next is
    numbered, by which time it is usually done)."""

    def __init__(
        self,
        write: Callable[[Any, Finisher], bytes],
        forms: Callable[[], _Forms],
        fork: bool,
        messages: list[str],
    ) -> None:
        self._write, self._forms, self._fork, self._messages = write, forms, fork, messages
        self.base, self.keys, self.fields = RESERVED, 0, 0
        self.streams: dict[str, int] = {}
        self.parts: list[PartPdf] = []
        self._pending: Forked | None = None

    def _one(self, document: Any) -> tuple[PartPdf, int, list[str]]:
        seen = len(self._messages)
        forms = self._forms()
        finisher = PartFinisher(forms, self.base, self.keys, self.streams)
        data = self._write(document, finisher)
        finisher.part.data = data
        return finisher.part, forms.fields, self._messages[seen:]

    def _take(self, part: PartPdf, fields: int, messages: list[str]) -> None:
        self.parts.append(part)
        self.base, self.keys = last_object(part.data), self.keys + part.keys
        self.streams, self.fields = part.streams, self.fields + fields
        self._messages += [m for m in messages if m not in self._messages]

    def _wait(self) -> None:
        if self._pending is not None:
            pending, self._pending = self._pending, None
            try:
                self._take(*pending.result())
            except ForkedError as exc:
                raise CannotJoin(f"writing a part: {exc}") from None

    def write(self, document: Any) -> None:
        self._wait()
        if self._fork:
            self._pending = Forked(lambda: self._one(document))
        else:
            part, fields, _ = self._one(document)
            self._take(part, fields, [])

    def finish(self) -> list[PartPdf]:
        self._wait()
        return self.parts

    def __enter__(self) -> _PartWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        """A part still being written when the layout stops (an error, or the contents
        changed length) is stopped rather than left waiting to hand its result over."""
        if self._pending is not None:
            self._pending.stop()
            self._pending = None
