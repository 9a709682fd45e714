"""Options of the ``worksheets`` plugin, as written under ``plugins:`` in ``mkdocs.yml``."""

from __future__ import annotations

from mkdocs.config import config_options as c
from mkdocs.config.base import Config


class WorksheetsConfig(Config):
    enabled = c.Type(bool, default=True)
    """Turn the plugin off without removing it from ``mkdocs.yml``."""

    worksheets_dir = c.Type(str, default="worksheets")
    """Folder of worksheet YAML files, relative to ``mkdocs.yml``."""

    storage_namespace = c.Optional(c.Type(str))
    """Prefix of the browser storage keys; defaults to a slug of ``site_name``.

    Give each course on one web origin its own namespace so their answers never mix."""

    messages = c.Type(dict, default={})
    """The browser runtime's sentences, by id, in the course's own words (see
    ``coursebook.html.messages.MESSAGES`` for the ids and ``{placeholders}``)."""
