"""PDF stage: a ``Book`` (course pages + worksheets + optional answers) in, workbook PDFs out.

``build_pdf(book, "fillable")`` makes the workbook with a real AcroForm field per answer,
named as ``coursebook.answers.fields`` says; ``build_pdf(book, "print")`` makes the tagged
print workbook with ruled lines; ``fingerprint`` names a build for the cache.
``coursebook.pdf.extract`` reads a filled workbook back into an answers document.
Knows nothing of MkDocs: the ``workbook`` plugin builds the ``Book``.
"""

from coursebook.pdf.book import PAPER_SIZES, VARIANTS, Book, Chapter, Contact, Variant
from coursebook.pdf.build import (
    book_html,
    build_pdf,
    build_pdfs,
    is_css_color,
    is_font_name,
)
from coursebook.pdf.cache import fingerprint

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
    "is_css_color",
    "is_font_name",
]
