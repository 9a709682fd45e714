"""A course folder's config file in, the paths and settings coursebook needs out (no MkDocs import).

The config is ``mkdocs.yml``, or ``properdocs.yml`` for courses built with ProperDocs.
It is read as untrusted input: a file that is not UTF-8, not YAML, far too large, or
built to expand without end ("billion laughs" aliases) gives one line naming it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from coursebook.i18n import Catalogue, load_catalogue
from coursebook.model import (
    Worksheet,
    WorksheetError,
    WorksheetErrors,
    check_references,
    find_references,
)
from coursebook.model.loader import load_worksheets

CONFIG_NAMES = ("mkdocs.yml", "properdocs.yml")
"""Config files a course folder may have, in the order they are looked for."""
MAX_CONFIG_BYTES = 1_000_000
MAX_PAGE_BYTES = 20_000_000
MAX_EXPANDED = 100_000
"""Values a config may hold once its aliases are followed; far above any real site."""


class ProjectError(Exception):
    """A config file or page that cannot be read; ``str()`` is one line naming it."""

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        self.path, self.message, self.line = path, message, line
        super().__init__(f"{path}:{line}: {message}" if line else f"{path}: {message}")


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml while ignoring tags such as ``!!python/name:`` and ``!ENV``."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except (ValueError, KeyError, TypeError, AttributeError, OverflowError) as exc:
            # PyYAML's constructors fail this way on "!!int abc" or "2001-13-45": say where
            raise _UnreadableValue(node.start_mark.line + 1, str(exc)) from None


class _UnreadableValue(Exception):
    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line, self.reason = line, reason


def _ignore_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)  # type: ignore[arg-type]


_TolerantLoader.add_multi_constructor("", _ignore_tag)


def find_config(start: Path | None = None) -> Path:
    """The course config in ``start`` (the current folder): mkdocs.yml, else properdocs.yml."""
    folder = start or Path(".")
    for name in CONFIG_NAMES:
        if (folder / name).is_file():
            return folder / name
    return folder / CONFIG_NAMES[0]


def _expanded_size(value: Any, limit: int) -> int:
    """How many values ``value`` holds with every alias followed, counted up to ``limit``.

    Aliases make YAML data a graph whose nodes are shared; walking it as a tree (as the
    nav is walked) would take exponential time. Sizes are memoised per node, so this is
    linear in the nodes.
    """
    sizes: dict[int, int] = {}

    def size(node: Any) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        sizes[key] = limit + 1  # a cycle counts as too large
        children = (
            node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        )
        total = 1
        for child in children:
            total += size(child)
            if total > limit:
                break
        sizes[key] = min(total, limit + 1)
        return sizes[key]

    return size(value)


def read_text(path: Path, what: str, limit: int, shown: str | None = None) -> str:
    """A text file as UTF-8 (a leading BOM dropped); raises ``ProjectError`` with the reason."""
    name = shown or path.as_posix()
    try:
        if path.stat().st_size > limit:
            raise ProjectError(name, f"larger than {limit // 1_000_000} MB; not a {what}")
        content = path.read_bytes()
    except OSError as exc:
        raise ProjectError(name, f"cannot read the {what} ({exc.strerror})") from None
    if b"\x00" in content:
        raise ProjectError(
            name,
            "holds a NUL byte, which text never does (a UTF-16 file?); save it as UTF-8",
            content[: content.index(b"\x00")].count(b"\n") + 1,
        )
    try:
        return content.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise ProjectError(
            name,
            f"not UTF-8 text (byte 0x{content[exc.start]:02x} cannot be read); "
            "save the file as UTF-8",
            line,
        ) from None


@dataclass
class Project:
    """What coursebook needs from a course folder."""

    root: Path
    site_name: str
    docs_dir: Path
    worksheets_dir: Path
    nav: list[Any] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    source: str = "mkdocs.yml"

    @classmethod
    def load(cls, config_file: Path | str | None = None) -> Project:
        """Read the config (``None``: find it in the current folder); raises ``ProjectError``
        or ``WorksheetErrors`` (for YAML mistakes, with their line)."""
        path = Path(config_file) if config_file else find_config()
        text = read_text(path, "site config", MAX_CONFIG_BYTES)
        try:
            data = yaml.load(text, Loader=_TolerantLoader) or {}
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark
            raise WorksheetErrors(
                [
                    WorksheetError(
                        str(path), f"invalid YAML: {exc.problem}", mark.line + 1 if mark else None
                    )
                ]
            ) from None
        except yaml.YAMLError as exc:
            raise ProjectError(str(path), f"invalid YAML ({exc})") from None
        except RecursionError:
            raise ProjectError(str(path), "nested too deeply to be a site config") from None
        except _UnreadableValue as exc:
            raise ProjectError(
                str(path), f"a value cannot be read ({exc.reason})", exc.line
            ) from None
        if not isinstance(data, dict):
            raise ProjectError(str(path), "a site config is a mapping of settings")
        if _expanded_size(data, MAX_EXPANDED) > MAX_EXPANDED:
            raise ProjectError(
                str(path),
                f"its YAML aliases expand to more than {MAX_EXPANDED:,} values; not a site config",
            )
        root = path.resolve().parent
        options = plugin_options(data, "worksheets")
        nav = data.get("nav")
        return cls(
            root=root,
            site_name=str(data.get("site_name", "")),
            docs_dir=root / str(data.get("docs_dir", "docs")),
            worksheets_dir=root / str(options.get("worksheets_dir", "worksheets")),
            nav=nav if isinstance(nav, list) else [],
            settings=data,
            source=path.name,
        )

    @property
    def language(self) -> str:
        """The course's language tag (``theme.language``, or ``theme.locale``)."""
        theme = self.settings.get("theme")
        if isinstance(theme, dict):
            return str(theme.get("language") or theme.get("locale") or "en")
        return "en"

    def catalogue(self) -> Catalogue:
        """The course's messages, as its build uses them; raises ``CatalogueError``."""
        overrides = plugin_options(self.settings, "worksheets").get("messages")
        if not isinstance(overrides, dict | str):
            overrides = None
        return load_catalogue(self.language, overrides, source=self.source, base=self.root)

    def display(self, path: Path) -> str:
        """``path`` relative to the project folder, for messages."""
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    def read_page(self, path: Path) -> str:
        """A page's Markdown; raises ``ProjectError`` naming the page."""
        return read_text(path, "page", MAX_PAGE_BYTES, self.display(path))

    def pages(self) -> list[Path]:
        """Every Markdown page under the docs folder, sorted."""
        return sorted(self.docs_dir.rglob("*.md")) if self.docs_dir.is_dir() else []

    def check(self) -> tuple[dict[str, Worksheet], list[WorksheetError]]:
        """Load every worksheet and check every page's worksheet blocks: all mistakes, one list."""
        errors: list[WorksheetError] = []
        try:
            worksheets = load_worksheets(self.worksheets_dir, self.root)
        except WorksheetErrors as exc:
            worksheets, errors = {}, list(exc.errors)
            known = (
                {p.stem for p in self.worksheets_dir.rglob("*.y*ml")}
                if self.worksheets_dir.is_dir()
                else set()
            )
        else:
            known = set(worksheets)
        for page in self.pages():
            try:
                text = self.read_page(page)
            except ProjectError as exc:
                errors.append(WorksheetError(exc.path, exc.message, exc.line))
                continue
            errors.extend(check_references(self.display(page), text, known))
        return worksheets, errors

    def references(self) -> dict[str, list[str]]:
        """Worksheet id -> the pages that use it."""
        used: dict[str, list[str]] = {}
        for page in self.pages():
            try:
                text = self.read_page(page)
            except ProjectError:
                continue  # reported by check()
            for ref in find_references(text):
                used.setdefault(ref.worksheet_id, []).append(self.display(page))
        return used


def plugin_options(config: dict[str, Any], name: str) -> dict[str, Any]:
    """The options given to plugin ``name`` in a parsed ``mkdocs.yml`` (empty if none)."""
    plugins = config.get("plugins")
    for entry in plugins if isinstance(plugins, list) else []:
        if entry == name:
            return {}
        if isinstance(entry, dict) and name in entry:
            options = entry[name]
            return dict(options) if isinstance(options, dict) else {}
    return {}
