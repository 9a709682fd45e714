"""HTML stage: a ``Worksheet`` in, an accessible ``<form data-worksheet>`` out.

``render_worksheet`` does the HTML; ``WorksheetBlockExtension`` is the Python-Markdown
extension behind ``/// worksheet | <id>``; ``safe_markdown`` renders worksheet text
with the site's extensions but never lets raw HTML through.
"""

from coursebook.html.block import WorksheetBlockExtension
from coursebook.html.markdown_text import safe_markdown
from coursebook.html.render import render_worksheet

__all__ = ["WorksheetBlockExtension", "render_worksheet", "safe_markdown"]
