"""What a workbook is made from, with no MkDocs in sight: ``Book`` and its ``Chapter`` pages."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from coursebook.i18n import Catalogue, load_catalogue
from coursebook.model import Worksheet

Variant = Literal["fillable", "print"]
VARIANTS: tuple[Variant, ...] = ("fillable", "print")
"""``fillable``: AcroForm fields to type into; ``print``: ruled lines to write on, tagged."""

PAPER_SIZES = {"A4": "A4", "Letter": "letter"}
"""Paper size option -> CSS ``@page size``."""


@dataclass(frozen=True)
class Chapter:
    """One course page: its title (as in the navigation), site URL and rendered HTML content.

    ``url`` is the page's URL relative to the site root (``""`` for the home page,
    ``"why/"`` or ``"why.html"``); links between pages are resolved against it.
    ``html`` is the page body as Markdown rendered it, without the theme around it.
    """

    title: str
    url: str
    html: str


@dataclass(frozen=True)
class Contact:
    """Who the course comes from, for the cover and the footer."""

    name: str | None = None
    email: str | None = None
    website: str | None = None


@dataclass(frozen=True)
class Book:
    """Everything a workbook PDF is made from.

    ``answers`` is an answers-file document (``coursebook.answers`` format); when given,
    its values are filled into the fields (fillable) or typeset on the lines (print).
    ``asset_dirs`` are searched, in order, for images that pages refer to by relative URL
    (the built site first, then the docs folder). ``site_url``, when known, turns links to
    site pages that are not chapters into absolute web links. ``markdown`` renders worksheet
    text (intro, help, guidance); it should never pass raw HTML through.
    """

    title: str
    chapters: tuple[Chapter, ...]
    worksheets: Mapping[str, Worksheet] = field(default_factory=dict)
    subtitle: str | None = None
    author: str | None = None
    date: str | None = None
    language: str = "en"
    logo: Path | None = None
    primary_color: str = "#4051b5"
    accent_color: str = "#4051b5"
    contact: Contact = field(default_factory=Contact)
    client: str | None = None
    course: str | None = None
    """The course's storage namespace: written into the PDF, read back by ``extract``."""
    answers: Mapping[str, Any] | None = None
    paper_size: str = "A4"
    font_family: str = "DejaVu Sans"
    asset_dirs: tuple[Path, ...] = ()
    remote_assets: bool = False
    """Fetch images the pages take from the web (off: the PDF reads only course files)."""
    site_url: str | None = None
    markdown: Callable[[str], str] | None = field(default=None, compare=False, repr=False)
    t: Catalogue = field(default_factory=lambda: load_catalogue("en"), compare=False, repr=False)
    """The words of the book around the author's own (cover, contents, hints)."""

    def values(self, worksheet_id: str) -> Mapping[str, Any]:
        """The answer values given for one worksheet (empty if none)."""
        if not self.answers:
            return {}
        entry = (self.answers.get("worksheets") or {}).get(worksheet_id) or {}
        values = entry.get("values") or {}
        return values if isinstance(values, Mapping) else {}
