"""A course folder's ``mkdocs.yml`` in, the paths and settings coursebook needs out (no MkDocs import)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from coursebook.model import (
    Worksheet,
    WorksheetError,
    WorksheetErrors,
    check_references,
    find_references,
)
from coursebook.model.loader import load_worksheets


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml while ignoring tags such as ``!!python/name:`` and ``!ENV``."""


def _ignore_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)  # type: ignore[arg-type]


_TolerantLoader.add_multi_constructor("", _ignore_tag)


@dataclass
class Project:
    """What coursebook needs from a course folder."""

    root: Path
    site_name: str
    docs_dir: Path
    worksheets_dir: Path
    nav: list[Any] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, config_file: Path | str = "mkdocs.yml") -> Project:
        """Read ``mkdocs.yml``; raises ``WorksheetErrors`` if it is missing or not YAML."""
        path = Path(config_file)
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=_TolerantLoader) or {}
        except OSError as exc:
            raise WorksheetErrors(
                [WorksheetError(str(path), f"cannot read the site config ({exc.strerror})")]
            ) from None
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark
            raise WorksheetErrors(
                [
                    WorksheetError(
                        str(path), f"invalid YAML: {exc.problem}", mark.line + 1 if mark else None
                    )
                ]
            ) from None
        root = path.resolve().parent
        options = plugin_options(data, "worksheets")
        return cls(
            root=root,
            site_name=str(data.get("site_name", "")),
            docs_dir=root / str(data.get("docs_dir", "docs")),
            worksheets_dir=root / str(options.get("worksheets_dir", "worksheets")),
            nav=data.get("nav") or [],
            settings=data,
        )

    def display(self, path: Path) -> str:
        """``path`` relative to the project folder, for messages."""
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

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
            text = page.read_text(encoding="utf-8")
            errors.extend(check_references(self.display(page), text, known))
        return worksheets, errors

    def references(self) -> dict[str, list[str]]:
        """Worksheet id -> the pages that use it."""
        used: dict[str, list[str]] = {}
        for page in self.pages():
            for ref in find_references(page.read_text(encoding="utf-8")):
                used.setdefault(ref.worksheet_id, []).append(self.display(page))
        return used


def plugin_options(config: dict[str, Any], name: str) -> dict[str, Any]:
    """The options given to plugin ``name`` in a parsed ``mkdocs.yml`` (empty if none)."""
    for entry in config.get("plugins") or []:
        if entry == name:
            return {}
        if isinstance(entry, dict) and name in entry:
            return dict(entry[name] or {})
    return {}
