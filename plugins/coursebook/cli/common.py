"""Shared by the CLI commands: a course folder in, its worksheets and contract out; safe output.

Everything printed passes through ``safe_text``: a client's answers file can hold terminal
escape sequences, and they must be shown, not obeyed. Every file written goes through
``write_output``: never over an existing file without ``--force``, never over the
command's own input, and never half-written.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import click

from coursebook.answers.contract import build_contract, month_names
from coursebook.i18n import Catalogue, CatalogueError
from coursebook.model import Worksheet, WorksheetErrors
from coursebook.ordering import course_order, nav_pages
from coursebook.project import Project, ProjectError, plugin_options

CONFIG_OPTION = click.option(
    "-f",
    "--config-file",
    default=None,
    type=click.Path(dir_okay=False),
    help="The course's config file [default: mkdocs.yml, else properdocs.yml].",
)
FORCE_OPTION = click.option(
    "--force", is_flag=True, help="Replace output files that already exist."
)

# control characters, and the invisible ones that reorder or hide text
_UNSAFE = re.compile(
    "[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2069\ufeff\ud800-\udfff]"
)


def safe_text(text: str, *, one_line: bool = False) -> str:
    """``text`` with every character a terminal would act on shown as an escape (``\\x1b``)."""

    def escape(match: re.Match[str]) -> str:
        code = ord(match.group())
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    text = _UNSAFE.sub(escape, text)
    if one_line:
        text = text.replace("\n", "\\n").replace("\t", "\\t")
    return text


def out(text: str, nl: bool = True) -> None:
    """Print to stdout, escaped."""
    click.echo(safe_text(text), nl=nl)


def say(line: str) -> None:
    """One line to stderr, escaped (progress and results)."""
    click.echo(safe_text(line, one_line=True), err=True)


def fail(*lines: str) -> NoReturn:
    """Print each line to stderr and exit with status 1 (no traceback)."""
    for line in lines:
        say(line)
    sys.exit(1)


def warn(lines: Iterable[str]) -> None:
    for line in lines:
        say(f"warning: {line}")


@dataclass
class Course:
    """A loaded course: its project, worksheets by id and in reading order, storage
    namespace, messages, and (built when asked for) its answers contract."""

    project: Project
    worksheets: dict[str, Worksheet]
    ordered: list[Worksheet]
    namespace: str
    catalogue: Catalogue
    _contract: dict[str, Any] | None = field(default=None, repr=False)

    @property
    def contract(self) -> dict[str, Any]:
        """What each field accepts and how old answers migrate, as the site publishes it."""
        if self._contract is None:
            months = month_names(self.catalogue.language)
            self._contract = build_contract(self.ordered, self.namespace, months)
        return self._contract


def load_course(config_file: str | None) -> Course:
    """Read the course's config and every worksheet; on any mistake print it and exit 1."""
    try:
        project = Project.load(config_file)
    except (WorksheetErrors, ProjectError) as exc:
        fail(*(str(e) for e in getattr(exc, "errors", [exc])))
    worksheets, errors = project.check()
    if errors:
        fail(*(str(e) for e in errors))
    try:
        pages = [project.read_page(p) for p in nav_pages(project.nav, project.docs_dir)]
        catalogue = project.catalogue()
    except (CatalogueError, ProjectError) as exc:
        fail(str(exc))
    return Course(
        project, worksheets, course_order(worksheets, pages), namespace_of(project), catalogue
    )


def namespace_of(project: Project) -> str:
    """The storage namespace the site writes into exported answers (as the plugin computes it)."""
    option = plugin_options(project.settings, "worksheets").get("storage_namespace")
    return str(option) if option else storage_namespace(project.site_name)


def storage_namespace(site_name: str) -> str:
    """A stable storage prefix from the site name: 'My Course!' -> 'my-course'."""
    return re.sub(r"[^a-z0-9]+", "-", site_name.lower()).strip("-") or "coursebook"


@contextmanager
def collect_log() -> Iterator[list[tuple[int, str]]]:
    """The engine's warnings and errors (MkDocs' or ProperDocs', with their plugins' and
    Material's), kept to be reported as one line each (info is dropped)."""
    messages: list[tuple[int, str]] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines = record.getMessage().splitlines()
            if any(line.lstrip().startswith('File "') for line in lines):
                # the engine put a traceback in its message: its first and last lines say it
                lines = [lines[0], lines[-1]]
            messages.append((record.levelno, " ".join(" ".join(lines).split())))

    handler = Collect(logging.WARNING)
    loggers = [logging.getLogger(name) for name in ("mkdocs", "properdocs")]
    saved = [(logger.level, logger.propagate) for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    try:
        yield messages
    finally:
        for logger, (level, propagate) in zip(loggers, saved, strict=True):
            logger.removeHandler(handler)
            logger.setLevel(level)
            logger.propagate = propagate


def course_inputs(course: Course) -> list[Path]:
    """What a command reads from the course, never to be written over: the config, and
    the folders of pages and worksheets."""
    project = course.project
    return [project.root / project.source, project.docs_dir, project.worksheets_dir]


def check_output(path: Path, force: bool, inputs: Sequence[Path] = ()) -> None:
    """Fail unless ``path`` may be written: not an input of this command (a file, or
    anything inside an input folder), not a folder, and, without ``--force``, not an
    existing file."""
    for source in inputs:
        if _same_file(path, source) or (source.is_dir() and _within(path, source)):
            fail(f"{path}: is an input of this command; choose another output file")
    if path.is_dir():
        fail(f"{path}: is a folder; give a file name")
    if (path.exists() or path.is_symlink()) and not force:
        fail(f"{path}: already exists; add --force to replace it")


def _within(path: Path, folder: Path) -> bool:
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except OSError:
        return False


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except OSError:
        return False


def write_output(path: Path, data: bytes, force: bool, inputs: Sequence[Path] = ()) -> None:
    """Write ``data`` to ``path`` through a temporary file renamed into place.

    Checked first with ``check_output``. A symbolic link at ``path`` is replaced by the
    file, never written through.
    """
    check_output(path, force, inputs)
    temp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(temp, 0o666 & ~_umask())
        os.replace(temp, path)
    except OSError as exc:
        if temp is not None and os.path.exists(temp):
            os.unlink(temp)
        fail(f"{path}: cannot write the file ({exc.strerror or exc})")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
