"""Hashes for what a build keeps in a course folder's ``.cache``, keyed by this user's secret.

In: the parts an entry is made from (any JSON-able values), or the code that makes it.
Out: ``keyed_digest`` (the hex name of an entry, started with ``local_secret()``, so a
course folder cannot bring an entry a build would take for its own), ``seal`` (an HMAC of
an entry's contents, for entries whose contents go into pages unchecked) and
``code_digest`` (what changes when coursebook's code or a library it names changes).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from coursebook import __version__
from coursebook.secret import local_secret

PACKAGE = Path(__file__).resolve().parent


def _stable(value: Any) -> str:
    """A stand-in for what JSON cannot hold: a function by its name (its ``repr`` would
    give an address that changes every run), anything else by its ``repr``."""
    if callable(value) and hasattr(value, "__qualname__"):
        return f"{getattr(value, '__module__', '')}.{value.__qualname__}"
    return repr(value)


def keyed_digest(*parts: Any) -> str:
    """The hex name of an entry made from ``parts`` (length-prefixed, so no two different
    sequences of parts hash alike)."""
    digest = hashlib.sha256(local_secret())
    for part in parts:
        text = json.dumps(part, sort_keys=True, default=_stable, ensure_ascii=False)
        digest.update(f"{len(text)}:".encode())
        digest.update(text.encode("utf-8"))
    return digest.hexdigest()


def seal(data: bytes) -> str:
    """An HMAC of ``data`` under this user's secret: only their own builds can make it."""
    return hmac.new(local_secret(), data, hashlib.sha256).hexdigest()


def sealed_by_us(data: bytes, mark: str) -> bool:
    return hmac.compare_digest(seal(data), mark)


@cache
def code_digest(folders: tuple[str, ...], distributions: tuple[str, ...] = ()) -> str:
    """The coursebook version, the versions of ``distributions`` and the bytes of every
    ``.py`` file and template under each of ``folders`` (relative to this package)."""
    digest = hashlib.sha256(__version__.encode())
    for name in distributions:
        try:
            digest.update(f"\0{name}={version(name)}".encode())
        except PackageNotFoundError:
            digest.update(f"\0{name}=none".encode())
    for path in _sources(PACKAGE / folder for folder in folders):
        digest.update(f"\0{path.relative_to(PACKAGE).as_posix()}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _sources(folders: Iterable[Path]) -> list[Path]:
    found: list[Path] = []
    for folder in folders:
        if folder.is_file():
            found.append(folder)
            continue
        found += sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix != ".pyc")
    return found
