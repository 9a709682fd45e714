"""Folders of the course in, the only way WeasyPrint may read a file or a URL out.

A page from a content pack can point an image or an attachment at any file on the
coach's disk (``file:///home/coach/.ssh/id_rsa``, ``../../secret``, a symbolic link in
``content/``), and the PDF would carry it to every client. So every WeasyPrint call gets
this fetcher: files are served only when their real path (links followed) is inside one
of the course's folders, ``data:`` URLs are read in place, and web addresses only when
the author opted in (``remote_assets``). Everything else is refused and remembered, to be
reported as a warning.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

MAX_BYTES = 50_000_000
"""Largest file or download a PDF may embed."""


def inside(path: Path, folders: Sequence[Path]) -> bool:
    """True when ``path``'s real location (links followed) is in one of ``folders``."""
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return False
    return any(real.is_relative_to(folder.resolve()) for folder in folders)


def course_fetcher(folders: Sequence[Path], remote: bool, refused: list[str]) -> Any:
    """A WeasyPrint ``URLFetcher`` confined to ``folders``; each refusal is added to
    ``refused`` as ``"<url> (<why>)"``. WeasyPrint is imported only here, when laying out."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class CourseFetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            parts = urlsplit(url)
            scheme = parts.scheme.lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file" and not parts.netloc:
                path = Path(url2pathname(unquote(parts.path)))
                if inside(path, folders) and path.is_file() and path.stat().st_size <= MAX_BYTES:
                    return URLFetcherResponse(url, path.open("rb"))
                refuse(url, "it is outside the course's folders")
            if scheme in ("http", "https") and remote:
                return super().fetch(url, headers)
            if scheme in ("http", "https"):
                refuse(url, "web addresses are not fetched unless remote_assets is on")
            refuse(url, f"'{scheme or 'no'}' addresses are not read")

    def refuse(url: str, why: str) -> NoReturn:
        refused.append(f"{url} ({why})")
        raise ValueError(f"coursebook refused to read {url}: {why}")

    return CourseFetcher(timeout=10, allowed_protocols={"file", "data", "http", "https"})
