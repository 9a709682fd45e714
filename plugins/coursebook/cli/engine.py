"""The site engine the CLI runs a course's config and build through: MkDocs 1.x or ProperDocs.

ProperDocs continues MkDocs 1.x under its own name, with the same configuration, plugin API
and themes. A course whose config is ``properdocs.yml`` is loaded and built with ProperDocs,
and so is every course when MkDocs is not installed; otherwise MkDocs does it, as
``mkdocs build`` would. Only this module and the commands that build import either engine.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coursebook.cli.common import fail


@dataclass(frozen=True)
class Engine:
    """An engine's name and the three parts of its API the CLI uses."""

    name: str
    load_config: Callable[..., Any]
    build: Callable[..., None]
    error: type[Exception]


def installed(name: str) -> bool:
    """Whether the module ``name`` can be imported (a module blocked with ``None`` cannot)."""
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def _mkdocs_loaded() -> bool:
    """Whether this process already runs MkDocs' own modules (ProperDocs cannot replace them)."""
    module = sys.modules.get("mkdocs")
    return module is not None and module.__name__ == "mkdocs"


def engine_name(config_file: Path) -> str:
    """``"properdocs"`` or ``"mkdocs"``: the engine to run the course configured by ``config_file``."""
    has_properdocs, has_mkdocs = installed("properdocs"), installed("mkdocs")
    wants_properdocs = config_file.name.startswith("properdocs.")
    if has_properdocs and (not has_mkdocs or (wants_properdocs and not _mkdocs_loaded())):
        return "properdocs"
    if has_mkdocs:
        return "mkdocs"
    fail(
        f"{config_file.name}: neither MkDocs nor ProperDocs is installed; "
        "install coursebook again (pip install coursebook) or ProperDocs (pip install properdocs)"
    )


def engine_for(config_file: Path) -> Engine:
    """The engine for ``config_file``, imported; Material's notice about its own end of
    life and MkDocs 2 is not printed (it is not the coach's concern on every command)."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    if engine_name(config_file) == "properdocs":
        # from here on every `mkdocs.*` import (our plugins', Material's) is ProperDocs'
        import properdocs.replacement  # noqa: F401
        from properdocs.commands.build import build as properdocs_build
        from properdocs.config import load_config as properdocs_load_config
        from properdocs.exceptions import ProperDocsException

        return Engine("properdocs", properdocs_load_config, properdocs_build, ProperDocsException)
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    return Engine("mkdocs", load_config, build, MkDocsException)
