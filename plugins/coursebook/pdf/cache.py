"""A ``Book`` and a variant in, the hash of everything its PDF is made from out (the cache key).

Covers the chapters' HTML, the worksheets, the answers, every book setting, the bytes of
the logo and of each image the pages use, the code and templates of this package and the
WeasyPrint version: if none of these changed, the PDF would come out the same.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import fields
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from coursebook.keyed import code_digest, keyed_hash
from coursebook.pdf.book import Book
from coursebook.pdf.chapters import page_key

# A superset of the images the chapters use, found without parsing (fast on warm builds):
# matched in the lower-cased page, and the literal first, so the engine can skip to each
# "src" (twenty times faster than \b and IGNORECASE); the lookbehind is the \b
_SOURCE = re.compile(r"""src(?<!\wsrc)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_ANY_CASE = re.compile(_SOURCE.pattern, re.IGNORECASE)


def _code_digest() -> str:
    """What changes the output when this package or WeasyPrint changes."""
    return code_digest(("pdf", "answers/fields.py", "i18n/catalogue.py"), ("weasyprint",))


def _sources(html: str) -> Iterator[str]:
    """Every value of anything named like ``src`` in ``html``."""
    lowered = html.lower()
    # a few letters lower-case to two: then the offsets differ, and case is ignored instead
    found = _SOURCE.finditer(lowered) if len(lowered) == len(html) else _ANY_CASE.finditer(html)
    for match in found:
        group = next(g for g in (1, 2, 3) if match.start(g) >= 0)
        yield html[match.start(group) : match.end(group)]


def _image_files(book: Book) -> Iterator[tuple[str, Path]]:
    for chapter in book.chapters:
        for src in _sources(chapter.html):
            target = urlsplit(urljoin("http://book.invalid/" + chapter.url, src))
            if target.netloc != "book.invalid":
                continue
            key = page_key(target.path)
            for folder in book.asset_dirs:
                if key and (folder / key).is_file():
                    yield key, folder / key
                    break


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "missing"


_OWN_HASHING = ("chapters", "worksheets", "markdown", "logo", "asset_dirs", "t")


def fingerprint(book: Book, variant: str, settings: Mapping[str, Any] | None = None) -> str:
    """A hex digest naming this book's ``variant`` PDF; ``settings`` adds anything else it depends on."""
    return fingerprints(book, [variant], settings)[variant]


def fingerprints(
    book: Book, variants: Iterable[str], settings: Mapping[str, Any] | None = None
) -> dict[str, str]:
    """``fingerprint`` of each variant, the book (its pages and image files) hashed once.
    Keyed by this user's secret: a course folder cannot bring a PDF the cache would take
    for one it made."""
    digest = keyed_hash(
        [_code_digest(), settings or {}],
        [book.t.language, book.t.messages],
        {f.name: getattr(book, f.name) for f in fields(book) if f.name not in _OWN_HASHING},
        # each page by its hash: as JSON text it cost four times as much to hash
        *(
            [chapter.title, chapter.url, hashlib.sha256(chapter.html.encode()).hexdigest()]
            for chapter in book.chapters
        ),
        *(repr(book.worksheets[worksheet_id]) for worksheet_id in sorted(book.worksheets)),
        _file_digest(book.logo) if book.logo else None,
        # images by site path, not file path: the same site built elsewhere is the same book
        sorted({key: _file_digest(p) for key, p in _image_files(book)}.items()),
    )
    keys = {}
    for variant in variants:
        own = digest.copy()
        own.update(f"\0variant:{variant}".encode())
        keys[variant] = own.hexdigest()
    return keys
