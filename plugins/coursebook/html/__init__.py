"""HTML stage: a ``Worksheet`` in, an accessible ``<form data-worksheet>`` out.

``render_worksheet`` does the HTML; ``WorksheetBlockExtension`` is the Python-Markdown
extension behind ``/// worksheet | <id>``; ``safe_markdown`` renders worksheet text
with the site's extensions but never lets raw HTML through (``markdown_settings``: that
set-up as a cache key); ``render_workbook`` and
``WorkbookBlockExtension`` (``/// workbook``) list every worksheet for the "My workbook"
page; ``close_theme_gaps`` fixes Material markup that accessibility checkers flag.
Every word around the author's own comes from a ``coursebook.i18n.Catalogue``.
"""

from coursebook.html.block import WorksheetBlockExtension
from coursebook.html.markdown_text import markdown_settings, safe_markdown
from coursebook.html.render import render_worksheet
from coursebook.html.theme import close_theme_gaps
from coursebook.html.workbook import WorkbookBlockExtension, render_workbook

__all__ = [
    "WorkbookBlockExtension",
    "WorksheetBlockExtension",
    "close_theme_gaps",
    "markdown_settings",
    "render_workbook",
    "render_worksheet",
    "safe_markdown",
]
