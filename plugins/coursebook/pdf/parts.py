"""A long workbook laid out in parts and joined, so that memory stays flat at any length.

In: a ``Parts`` (the front, that is the cover and contents, and a few chapters per part, each
a complete HTML document) and a function laying out one HTML document. Out: one PDF with
the pages, page numbers, contents, links, bookmarks, form fields and tag structure of the
book laid out whole.

WeasyPrint keeps every laid-out page until it writes the file, so a 1,000-page book needs
over a gigabyte. Here a part at a time is laid out (or a few at once, one per core):

1. the front with placeholder page numbers, to learn how many pages it takes;
2. each part, its first page numbered after the pages before it. Links to another part
   would be dropped by WeasyPrint (no such anchor in this document), so they arrive as
   ``coursebook-xref:`` links and are turned back into named destinations;
3. the front again, with the contents' real page numbers;
4. every part is written with its objects numbered after the previous parts', and the
   parts are joined into one file (``coursebook.pdf.join``).

Parts laid out at once do not know their first page number while they are laid out: their
margin boxes, page numbers included, are made once it is known (``coursebook.pdf.margins``).
"""

from __future__ import annotations

import gc
import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Protocol
from urllib.parse import quote, unquote

import pydyf

from coursebook.pdf import margins
from coursebook.pdf.forked import DONE, Worker
from coursebook.pdf.join import (
    RESERVED,
    XREF_SCHEME,
    CannotJoin,
    PartFinisher,
    PartPdf,
    join,
    last_object,
)
from coursebook.pdf.margins import LaterMargins

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
    workers: int = 1,
    carried: Sequence[list[str]] = (),
) -> tuple[bytes, int, int]:
    """The book laid out one part at a time and joined: (PDF, pages, form fields).

    ``lay_out`` turns HTML into a WeasyPrint document, ``write`` writes one with a finisher,
    ``forms`` makes the form finisher each part runs first. With ``workers`` above one
    (and a WeasyPrint whose margin boxes ``coursebook.pdf.margins`` can make afterwards),
    that many parts are laid out at once, each in a forked process; else one after the
    other, here. ``carried`` are lists the work adds to (WeasyPrint's warnings, addresses
    refused); what a forked process adds to them is added here too. Either way the PDF is
    the same.
    """
    if workers > 1 and len(parts.parts) > 1 and margins.available():
        return _AtOnce(parts, lay_out, write, forms, workers, carried).run()
    return _one_by_one(parts, lay_out, write, forms)


def _one_by_one(
    parts: Parts,
    lay_out: Callable[[str], Any],
    write: Callable[[Any, Finisher], bytes],
    forms: Callable[[], _Forms],
) -> tuple[bytes, int, int]:
    """The front is laid out first to learn its length, then each part numbered after it,
    then the front again with the contents' page numbers; should that change the front's
    length, the parts are laid out once more."""
    wanted = set(contents_targets(parts.front))
    front_pages = len(lay_out(_first_page(parts.front, 1)).pages)
    gc.collect()
    for _attempt in range(2):
        writer = _PartWriter(forms)
        page = front_pages + 1
        anchors: dict[str, int] = {}
        for part in parts.parts:
            document = lay_out(_first_page(part, page))
            for name, index in _anchors(document, wanted).items():
                anchors.setdefault(name, page + index)
            page += len(document.pages)
            writer.write(document, write)
            del document
            gc.collect()  # the part's boxes, before the next part is laid out
        front = lay_out(_first_page(numbered_front(parts.front, anchors), 1))
        if len(front.pages) != front_pages:
            front_pages = len(front.pages)
            continue
        writer.write(front, write)
        return join([writer.parts[-1], *writer.parts[:-1]]), page - 1, writer.fields
    raise CannotJoin("the contents kept changing length")


def _anchors(document: Any, wanted: set[str]) -> dict[str, int]:
    """Each wanted anchor's first page in ``document``, counted from 0."""
    found: dict[str, int] = {}
    for index, laid in enumerate(document.pages):
        for name in laid.anchors:
            if name in wanted:
                found.setdefault(name, index)
    return found


class _PartWriter:
    """Writes laid-out parts in turn, each numbered after the one before."""

    def __init__(self, forms: Callable[[], _Forms]) -> None:
        self._forms = forms
        self.base, self.keys, self.fields = RESERVED, 0, 0
        self.streams: dict[str, int] = {}
        self.parts: list[PartPdf] = []

    def write(self, document: Any, write: Callable[[Any, Finisher], bytes]) -> None:
        forms = self._forms()
        finisher = PartFinisher(forms, self.base, self.keys, self.streams)
        finisher.part.data = write(document, finisher)
        self.take(finisher.part, forms.fields)

    def take(self, part: PartPdf, fields: int) -> None:
        """``part``, written, is the next: the one after it is numbered after its objects."""
        self.parts.append(part)
        self.base, self.keys = last_object(part.data), self.keys + part.keys
        self.streams, self.fields = part.streams, self.fields + fields


LAID = "laid"
"""A part's first message: laid out, in so many pages, with these contents anchors."""


class _AtOnce:
    """Parts laid out at once in forked processes, ``workers`` at a time, in order.

    Each process lays its part out with page numbers left for later (``LaterMargins``) and
    says how many pages it took and where the contents' anchors are. Once every part before
    it has said so, it is told its first page number and paints its pages; once the part
    before it is written, it is told where to number its objects from, and writes. The
    front is laid out here meanwhile, to learn its length; once every part is laid out, a
    process of its own lays it out with the contents' page numbers and writes it last
    (should its length have changed, everything is done once more, knowing it).
    """

    def __init__(
        self,
        parts: Parts,
        lay_out: Callable[[str], Any],
        write: Callable[[Any, Finisher], bytes],
        forms: Callable[[], _Forms],
        workers: int,
        carried: Sequence[list[str]],
    ) -> None:
        self.parts, self.lay_out, self.write, self.forms = parts, lay_out, write, forms
        self.workers, self.carried = workers, carried
        self.wanted = set(contents_targets(parts.front))

    def run(self) -> tuple[bytes, int, int]:
        front_pages: int | None = None
        for _attempt in range(2):
            done = self._attempt(front_pages)
            if isinstance(done, tuple):
                return done
            front_pages = done
        raise CannotJoin("the contents kept changing length")

    def _attempt(self, front_pages: int | None) -> tuple[bytes, int, int] | int:
        """The joined book, or the front's length if it came out other than assumed.

        Part ``count`` (one after the last) is the front with the contents' page numbers:
        its own process lays it out as soon as every part is laid out, and writes it last.
        """
        count = len(self.parts.parts)
        running: dict[int, Worker] = {}
        laid: dict[int, tuple[int, dict[str, int]]] = {}
        firsts: list[int] = []  # each part's first page number, once known
        writer = _PartWriter(self.forms)
        started = numbered = 0  # processes started; parts told where to number objects from
        try:
            while len(writer.parts) <= count:
                while started < count and len(running) < self.workers:
                    running[started] = Worker(self._work(started))
                    started += 1
                if front_pages is None:  # while the first parts are laid out
                    front_pages = len(self.lay_out(_first_page(self.parts.front, 1)).pages)
                    gc.collect()
                while (index := len(firsts)) < count and index in running:
                    if index and index - 1 not in laid:
                        break
                    first = firsts[-1] + laid[index - 1][0] if index else front_pages + 1
                    running[index].channel.send(first)
                    firsts.append(first)
                if started == count and len(laid) == count:
                    anchors: dict[str, int] = {}
                    for index, first in enumerate(firsts):
                        for name, page in laid[index][1].items():
                            anchors.setdefault(name, first + page)
                    running[count] = Worker(self._front(numbered_front(self.parts.front, anchors)))
                    started += 1
                if count in laid and laid[count][0] != front_pages:
                    return laid[count][0]
                # the next part to write, once the one before it is written (and, for a
                # part, once its first page number was sent: messages arrive in order)
                ready = numbered == len(writer.parts) and numbered in running
                if ready and (numbered < len(firsts) or numbered == count):
                    running[numbered].channel.send((writer.base, writer.keys, writer.streams))
                    numbered += 1
                for channel in wait([worker.channel for worker in running.values()]):
                    index = next(i for i, w in running.items() if w.channel is channel)
                    self._heard(index, running, laid, writer)
        finally:
            for worker in running.values():
                worker.stop()
        front = writer.parts.pop()
        pages = firsts[-1] + laid[count - 1][0] - 1
        return join([front, *writer.parts]), pages, writer.fields

    def _heard(
        self,
        index: int,
        running: dict[int, Worker],
        laid: dict[int, tuple[int, dict[str, int]]],
        writer: _PartWriter,
    ) -> None:
        worker = running[index]
        try:
            kind, *said = worker.channel.recv()
        except (EOFError, OSError):
            raise CannotJoin(f"part {index + 1}: its process ended without a result") from None
        if kind == LAID:
            laid[index] = (said[0], said[1])
        elif kind == DONE:
            part, fields, added = said[0]
            worker.finished()
            del running[index]
            writer.take(part, fields)
            for kept, more in zip(self.carried, added, strict=True):
                kept += [item for item in more if item not in kept]
        else:
            raise CannotJoin(f"part {index + 1}: {said[0] if said else kind}")

    def _front(self, front: str) -> Callable[[Connection], Any]:
        """What the process laying out the numbered front does."""

        def work(channel: Connection) -> tuple[PartPdf, int, list[list[str]]]:
            seen = [len(kept) for kept in self.carried]
            document = self.lay_out(_first_page(front, 1))
            channel.send((LAID, len(document.pages), {}))
            return self._written(document, channel, seen)

        return work

    def _written(
        self, document: Any, channel: Connection, seen: list[int]
    ) -> tuple[PartPdf, int, list[list[str]]]:
        """``document`` painted, then numbered as told once the part before is written, and
        written; with what the work added to the carried lists."""
        forms = self.forms()
        finishers: list[PartFinisher] = []

        def finish(laid_out: Any, pdf: pydyf.PDF) -> None:
            base, keys, streams = channel.recv()
            finishers.append(PartFinisher(forms, base, keys, streams))
            finishers[0](laid_out, pdf)

        data = self.write(document, finish)
        finishers[0].part.data = data
        added = [kept[count:] for kept, count in zip(self.carried, seen, strict=True)]
        return finishers[0].part, forms.fields, added

    def _work(self, index: int) -> Callable[[Connection], Any]:
        """What the process laying out part ``index`` does (it returns the written part)."""

        def work(channel: Connection) -> tuple[PartPdf, int, list[list[str]]]:
            seen = [len(kept) for kept in self.carried]
            with LaterMargins() as later:
                document = self.lay_out(_first_page(self.parts.parts[index], 1))
            channel.send((LAID, len(document.pages), _anchors(document, self.wanted)))
            later.number_from(channel.recv())
            return self._written(document, channel, seen)

        return work
