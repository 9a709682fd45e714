"""A secret of this user's that names the cache entries kept in a course folder.

In: nothing. Out: ``local_secret()``, 32 random bytes kept in the user's own cache folder
(made on first use, readable by that user alone). The caches in a course folder's
``.cache`` (worksheets read, PDFs made) name each entry by a hash of what it was made from;
that hash starts with this secret. A course folder can come from someone else, and
without the secret nobody can name an entry a build would take for its own: a PDF
published as the workbook, or a worksheet that was never validated. Where the user's cache
folder cannot be written, each process makes a secret of its own: nothing is reused, and
nothing is wrong.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

SECRET_BYTES = 32


@cache
def local_secret() -> bytes:
    """This user's secret (the same in every process of theirs)."""
    import platformdirs

    path = Path(platformdirs.user_cache_dir("coursebook")) / "cache-secret"
    try:
        return _kept(path) or _made(path)
    except OSError:
        return os.urandom(SECRET_BYTES)


def _kept(path: Path) -> bytes | None:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    if len(data) != SECRET_BYTES:
        raise OSError(f"{path} is not a secret of ours")
    return data


def _made(path: Path) -> bytes:
    """A new secret, written whole before anyone can read it; of several processes making
    one at once, the first to link its file wins, and the others use its secret."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(os.urandom(SECRET_BYTES))
    try:
        os.link(partial, path)
    except FileExistsError:
        pass
    finally:
        partial.unlink(missing_ok=True)
    return _kept(path) or os.urandom(SECRET_BYTES)
