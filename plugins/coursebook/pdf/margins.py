"""Page numbers given after layout: a part of the workbook laid out before its first page
number is known.

In: a WeasyPrint layout made inside ``LaterMargins()`` (pages numbered from 1). Out: the
same pages, once ``number_from(first)`` is called, with their margin boxes (running
headers, footer, page number) made as if the part had started at page ``first``.

WeasyPrint makes margin boxes after every page of a document is laid out, from each page's
counters, and nothing on a page's content depends on them. Parts laid out at the same time
cannot know how many pages the parts before them take; with their margin boxes made
afterwards, they need not. The page counter is the only one moved: ``counter(pages)``
would count the part's pages alone (the workbook's stylesheet does not use it).

This reaches into two functions of WeasyPrint's layout; ``available()`` says whether the
installed WeasyPrint has them as expected, and callers lay the parts out one after the
other where it does not.
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable
from importlib import import_module
from types import ModuleType
from typing import Any

_EXPECTED = {
    "make_margin_boxes": ["context", "page", "state"],
    "layout_backgrounds": ["page", "get_image_from_uri"],
}


def _layout() -> ModuleType:
    # imported when first laying out: WeasyPrint takes a while to import
    return import_module("weasyprint.layout")


def available() -> bool:
    """Whether this WeasyPrint makes margin boxes the way ``LaterMargins`` defers them."""
    try:
        layout = _layout()
    except ImportError:
        return False
    for name, parameters in _EXPECTED.items():
        function = getattr(layout, name, None)
        if not callable(function):
            return False
        if list(inspect.signature(function).parameters) != parameters:
            return False
    return True


class LaterMargins:
    """While active, WeasyPrint lays out pages without their margin boxes (and without
    their backgrounds, which are laid out with them); ``number_from`` makes both."""

    def __init__(self) -> None:
        self._pending: list[tuple[Any, Any, Any, int]] = []
        self._saved: dict[str, Callable[..., Any]] = {}

    def __enter__(self) -> LaterMargins:
        if not available():
            raise RuntimeError("this WeasyPrint cannot make margin boxes afterwards")
        layout = _layout()
        self._saved = {name: getattr(layout, name) for name in _EXPECTED}

        def later(context: Any, page: Any, state: Any) -> tuple[()]:
            # the page's index and counters now; the boxes once its number is known
            self._pending.append((context, page, copy.deepcopy(state), context.current_page))
            return ()

        setattr(layout, "make_margin_boxes", later)  # noqa: B010 - a module of WeasyPrint's
        setattr(layout, "layout_backgrounds", lambda page, get_image_from_uri: None)  # noqa: B010
        return self

    def __exit__(self, *exc: object) -> None:
        layout = _layout()
        for name, function in self._saved.items():
            setattr(layout, name, function)

    def number_from(self, first: int) -> None:
        """Make every page's margin boxes, its first page numbered ``first``."""
        make_margin_boxes = self._saved["make_margin_boxes"]
        layout_backgrounds = self._saved["layout_backgrounds"]
        pending, self._pending = self._pending, []
        for context, page, state, index in pending:
            counters = state[1]
            if counters.get("page"):
                counters["page"][-1] += first - 1
            context.current_page = index  # running headers are looked up by page
            page.children = (*page.children, *make_margin_boxes(context, page, state))
            layout_backgrounds(page, context.get_image_from_uri)
