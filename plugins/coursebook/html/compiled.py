"""Theme templates compiled once and kept between builds.

In: a Jinja environment (MkDocs' theme environment, at ``on_env``) and a folder. Out: the
environment's ``bytecode_cache`` set, so that a template whose source has not changed is
loaded as the code it compiled to last time instead of being parsed and compiled again.

MkDocs makes a new environment every build, ``mkdocs serve``'s rebuilds included, and
compiles every template it renders: for the default course, Material's 43 templates took
about 0.2 s of CPU, more than everything our plugins do in a warm build.

Loading compiled code runs it, and ``.cache`` lies in the course folder, which may come from
someone else: as with the kept forms (``coursebook.html.kept``), an entry is named by a hash
keyed with this user's secret and sealed with an HMAC of its contents under that secret
(``coursebook.keyed``). Only an entry this user's own build wrote, unchanged, is unpacked;
anything else is compiled again. Jinja itself throws away an entry made from another
source.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import Any

from jinja2 import BytecodeCache, Environment
from jinja2 import __version__ as jinja_version
from jinja2.bccache import Bucket

from coursebook.html.kept import prune_entries, write_entry
from coursebook.keyed import keyed_digest, seal, sealed_by_us, stable

MAX_ENTRY_BYTES = 8 * 1024 * 1024  # Material's largest compiled template is under 100 KB
KEEP_SPARE = 64  # entries kept beyond this build's own (other themes, other courses' venvs)
SEAL_CHARS = 64  # a hex SHA-256 HMAC, ahead of the compiled code


def keep_compiled(env: Environment, folder: Path) -> KeptTemplates | None:
    """Give ``env`` a bytecode cache in ``folder``, unless something already gave it one."""
    if env.bytecode_cache is not None:
        return None
    kept = KeptTemplates(folder, compiled_by(env))
    env.bytecode_cache = kept
    return kept


def compiled_by(env: Environment) -> Any:
    """What the code a template compiles to depends on besides its source: the Python and
    Jinja versions, the syntax and the environment's compile-time settings."""
    return stable(
        [
            sys.version,
            jinja_version,
            [
                env.block_start_string,
                env.block_end_string,
                env.variable_start_string,
                env.variable_end_string,
                env.comment_start_string,
                env.comment_end_string,
                env.line_statement_prefix,
                env.line_comment_prefix,
                env.trim_blocks,
                env.lstrip_blocks,
                env.newline_sequence,
                env.keep_trailing_newline,
                env.optimized,
                env.is_async,
            ],
            sorted(env.extensions),
            # constants are finalised, escaped and filtered at compile time
            env.finalize,
            env.autoescape,
            sorted(env.filters),
            sorted(env.tests),
        ]
    )


class KeptTemplates(BytecodeCache):
    """Compiled templates in ``folder``, for environments set up as ``settings`` says."""

    def __init__(self, folder: Path, settings: Any) -> None:
        self.folder = folder
        self.settings = settings
        self.used: set[str] = set()

    def _path(self, bucket: Bucket) -> Path:
        name = keyed_digest(self.settings, bucket.key)
        self.used.add(name)
        return self.folder / f"{name}.jinja"

    def load_bytecode(self, bucket: Bucket) -> None:
        path = self._path(bucket)
        try:
            if path.stat().st_size > MAX_ENTRY_BYTES:
                return
            data = path.read_bytes()
        except OSError:
            return  # absent or unreadable: compiled again
        mark, code = data[:SEAL_CHARS], data[SEAL_CHARS:]
        try:
            if not sealed_by_us(_contents(path.stem, code), mark.decode("ascii")):
                return
        except UnicodeDecodeError:
            return
        bucket.bytecode_from_string(code)  # resets the bucket if Jinja finds it stale

    def dump_bytecode(self, bucket: Bucket) -> None:
        path = self._path(bucket)
        code = bucket.bytecode_to_string()
        write_entry(path, seal(_contents(path.stem, code)).encode("ascii") + code)

    def clear(self) -> None:
        for path in self._entries():
            with contextlib.suppress(OSError):
                path.unlink()

    def prune(self) -> None:
        """Drop the oldest entries this build did not use, beyond ``KEEP_SPARE``."""
        prune_entries(self.folder, "*.jinja", self.used, KEEP_SPARE)

    def _entries(self) -> list[Path]:
        try:
            return list(self.folder.glob("*.jinja"))
        except OSError:
            return []


def _contents(name: str, code: bytes) -> bytes:
    """What the seal covers: the entry's name too, so a sealed entry copied under another
    name is not taken for that template."""
    return name.encode("ascii") + b"\0" + code
