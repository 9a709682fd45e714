"""The shipped default course copied to a scratch folder, with configs that turn our plugins on or off."""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import yaml
from coursebook.project import Project

ROOT = Path(__file__).resolve().parent.parent
OURS = ("worksheets", "workbook")
"""Our MkDocs plugins, by entry-point name."""


def plugin_available(name: str) -> bool:
    """Whether an MkDocs plugin of that entry-point name is installed."""
    return bool(entry_points(group="mkdocs.plugins", name=name))


def plugin_name(entry: str | dict[str, Any]) -> str:
    """The name of one item of ``plugins:`` (a string or a one-key mapping)."""
    return entry if isinstance(entry, str) else next(iter(entry))


def with_plugins(
    plugins: Iterable[str | dict[str, Any]],
    add: dict[str, dict[str, Any]],
    drop: Iterable[str] = (),
) -> list[str | dict[str, Any]]:
    """``plugins`` without ``drop``, with each of ``add`` present and given those options."""
    dropped = set(drop)
    out: list[str | dict[str, Any]] = []
    seen: set[str] = set()
    for entry in plugins:
        name = plugin_name(entry)
        if name in dropped:
            continue
        if name in add:
            options = {} if isinstance(entry, str) else dict(entry[name] or {})
            options.update(add[name])
            entry = {name: options} if options else name
            seen.add(name)
        out.append(entry)
    out += [{n: o} if o else n for n, o in add.items() if n not in seen]
    return out


def copy_default_course(dest: Path) -> dict[str, Any]:
    """Copy the shipped course (config, content, worksheets, theme overrides) to ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    config = Project.load(ROOT / "mkdocs.yml").settings
    folders = {
        str(config.get("docs_dir", "docs")),
        str((config.get("theme") or {}).get("custom_dir", "")),
        "worksheets",
    }
    for options in config.get("plugins") or []:
        if isinstance(options, dict) and "worksheets" in options:
            folders.add(str((options["worksheets"] or {}).get("worksheets_dir", "worksheets")))
    for folder in sorted(f for f in folders if f):
        if (ROOT / folder).is_dir():
            shutil.copytree(ROOT / folder, dest / folder, dirs_exist_ok=True)
    return dict(config)


def write_config(dest: Path, name: str, config: dict[str, Any]) -> Path:
    """Write ``config`` as ``dest/name``."""
    path = dest / name
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path
