"""Options of the ``worksheets`` plugin, as written under ``plugins:`` in ``mkdocs.yml``."""

from __future__ import annotations

from mkdocs.config import config_options as c
from mkdocs.config.base import Config


class WorksheetsConfig(Config):
    enabled = c.Type(bool, default=True)
    """Turn the plugin off without removing it from ``mkdocs.yml``."""

    worksheets_dir = c.Type(str, default="worksheets")
    """Folder of worksheet YAML files, relative to ``mkdocs.yml``."""

    trust_page_html = c.Type(bool, default=False)
    """Pass the pages' HTML through as written. Off, every page is sanitised by allowlist:
    no scripts, styles, iframes, event handlers or ``javascript:`` links, whatever the
    Markdown or a content pack contains. Turn on only for pages you wrote yourself."""

    offline = c.Type(bool, default=True)
    """Let browsers keep the course for offline use and install it to the home screen (a
    service worker, ``sw.js``, and a web app manifest). Turned off, the site ships a worker
    that removes any earlier one from browsers that had it."""

    storage_namespace = c.Optional(c.Type(str))
    """Prefix of the browser storage keys; defaults to a slug of ``site_name``.

    Give each course on one web origin its own namespace so their answers never mix."""

    messages = c.Type((dict, str), default={})
    """Any of coursebook's sentences in the course's own words: a mapping of message id ->
    text (ids and ``{placeholders}`` as in ``coursebook/i18n/messages/en.json``), or the
    path, relative to ``mkdocs.yml``, of a whole catalogue file for a language coursebook
    does not ship. The language itself is ``theme.language``."""
