"""PDF stage: a ``Book`` (course pages + worksheets + optional answers) in, workbook PDFs out.

``build_pdf(book, "fillable")`` makes the workbook with a real AcroForm field per answer,
named as ``coursebook.answers.fields`` says; ``build_pdf(book, "print")`` makes the tagged
print workbook with ruled lines; ``start_pdfs`` makes them in a forked process while the
caller goes on (``preload_pdfs``: one forked earlier, importing WeasyPrint meanwhile);
``fingerprint`` names a build for the cache (``fingerprints``: several variants at once).
``coursebook.pdf.extract`` reads a filled workbook back into an answers document.
Knows nothing of MkDocs: the ``workbook`` plugin builds the ``Book``.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from coursebook.pdf.book import PAPER_SIZES, VARIANTS, Book, Chapter, Contact, Variant
from coursebook.pdf.cache import fingerprint, fingerprints

if TYPE_CHECKING:
    from coursebook.pdf.build import (
        book_html,
        build_pdf,
        build_pdfs,
        is_css_color,
        is_font_name,
        preload_pdfs,
        start_pdfs,
    )

_BUILD = {
    "book_html",
    "build_pdf",
    "build_pdfs",
    "is_css_color",
    "is_font_name",
    "preload_pdfs",
    "start_pdfs",
}


def __getattr__(name: str) -> Any:
    """The build functions, imported on first use: a warm build that finds its PDFs in the
    cache never loads the PDF pipeline (and its PDF library)."""
    if name in _BUILD:
        return getattr(import_module("coursebook.pdf.build"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "PAPER_SIZES",
    "VARIANTS",
    "Book",
    "Chapter",
    "Contact",
    "Variant",
    "book_html",
    "build_pdf",
    "build_pdfs",
    "fingerprint",
    "fingerprints",
    "is_css_color",
    "is_font_name",
    "preload_pdfs",
    "start_pdfs",
]
