"""Hashes for what a build keeps in a course folder's ``.cache``, keyed by this user's secret.

In: the parts an entry is made from (JSON-able values; ``stable`` makes settings so), or
the code that makes it. Out: ``keyed_hash`` / ``keyed_digest`` (the hash naming an entry,
started with ``local_secret()``, so a course folder cannot bring an entry a build would
take for its own), ``seal`` (an HMAC of an entry's contents, for entries whose contents go
into pages unchecked) and ``code_digest`` (what changes when coursebook's code or a library
it names changes).
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


def stable(value: Any) -> Any:
    """``value`` in a form whose text is the same from one run to the next: mappings
    sorted, sets sorted, functions by name, other objects by type (their ``repr`` would
    give an address that changes every run)."""
    if isinstance(value, dict):
        return {str(k): stable(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, list | tuple | set | frozenset):
        items = [stable(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if callable(value) and hasattr(value, "__qualname__"):
        return f"{getattr(value, '__module__', '')}.{value.__qualname__}"
    return f"{type(value).__module__}.{type(value).__qualname__}"


def keyed_hash(*parts: Any) -> Any:
    """The hash (a ``hashlib`` object, to go on with) of ``parts``, each as JSON and
    length-prefixed, so that no two different sequences of parts hash alike."""
    digest = hashlib.sha256(local_secret())
    for part in parts:
        text = json.dumps(part, sort_keys=True, default=str, ensure_ascii=False)
        digest.update(f"{len(text)}:".encode())
        digest.update(text.encode("utf-8"))
    return digest


def keyed_digest(*parts: Any) -> str:
    """The hex name of an entry made from ``parts``."""
    return str(keyed_hash(*parts).hexdigest())


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
