"""WeasyPrint made cheaper to run, around one layout and write: ``quicker_weasyprint()``.

In: nothing (a context manager). Out, while it is active: PDFs with the same content, made
with less work by WeasyPrint's PDF writer (pydyf) and Python's garbage collector; only
their streams are deflated at another level (``deflate_at``). Each change below leaves
pydyf or the collector as they were when it ends, and leaves a pydyf that is not shaped as
expected alone.
"""

from __future__ import annotations

import gc
import types
import zlib
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import pydyf

__all__ = [
    "DEFLATE_LEVEL",
    "deflate_at",
    "fewer_collections",
    "pages_listed_once",
    "quicker_weasyprint",
]

DEFLATE_LEVEL = 6
"""zlib's level for the PDF's streams, those pydyf writes (``deflate_at``) and those of a
book joined from parts (``coursebook.pdf.join``). pydyf asks for 9, the slowest: on the
benchmark's workbooks level 6 deflates the same streams in a quarter of the time, for 2 to
3 % more bytes (benchmarks/RESULTS.md)."""


@contextmanager
def quicker_weasyprint() -> Iterator[None]:
    """Every change of this module, for as long as WeasyPrint lays out and writes."""
    with ExitStack() as changes:
        changes.enter_context(fewer_collections())
        changes.enter_context(pages_listed_once())
        changes.enter_context(deflate_at(DEFLATE_LEVEL))
        yield


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Keep Python's garbage collector from walking everything while WeasyPrint lays out.

    WeasyPrint makes millions of short-lived objects; with the default thresholds the
    collector runs often and each run also walks the caller's objects (a whole MkDocs site).
    Freezing those and collecting less often cut layout time by about a fifth for ~1 % more
    memory (benchmarks/RESULTS.md).
    """
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(100_000, thresholds[1], thresholds[2])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


@contextmanager
def pages_listed_once() -> Iterator[None]:
    """Make pydyf's list of page references cheap to ask for while WeasyPrint writes.

    WeasyPrint asks for the whole list once per tagged element and per link, and pydyf
    builds it afresh each time, so writing a tagged document of n pages with e elements
    costs n times e: a tenth to a fifth of writing a 270-page part. The list is kept for as
    long as the number of pages stays the same; pages are only ever added.
    """
    original = getattr(pydyf.PDF, "page_references", None)
    if not isinstance(original, property) or original.fget is None:
        yield  # another pydyf: leave it alone
        return
    build = original.fget

    def page_references(pdf: pydyf.PDF) -> Any:
        kids = len(pdf.pages["Kids"])
        kept = pdf.__dict__.get("_coursebook_page_references")
        if kept is None or kept[0] != kids:
            kept = (kids, build(pdf))
            pdf.__dict__["_coursebook_page_references"] = kept
        return kept[1]

    pydyf.PDF.page_references = property(page_references)
    try:
        yield
    finally:
        pydyf.PDF.page_references = original


@contextmanager
def deflate_at(level: int) -> Iterator[None]:
    """pydyf's streams deflated at ``level`` instead of the level it asks for.

    pydyf calls ``zlib.compressobj(level=9)`` through the ``zlib`` name of its module; that
    name is given a stand-in whose ``compressobj`` takes ``level`` whatever it is asked.
    The streams stay valid Flate streams, so a reader sees no difference but their size.
    """
    original = getattr(pydyf, "zlib", None)
    if original is not zlib:
        yield  # another pydyf: leave it alone
        return

    def compressobj(*args: Any, **kwargs: Any) -> Any:
        if args:
            args = (level, *args[1:])
        else:
            kwargs["level"] = level
        return zlib.compressobj(*args, **kwargs)

    stand_in = types.SimpleNamespace(
        **{name: getattr(zlib, name) for name in dir(zlib) if not name.startswith("__")}
    )
    stand_in.compressobj = compressobj
    pydyf.zlib = stand_in
    try:
        yield
    finally:
        pydyf.zlib = original
