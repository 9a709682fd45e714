"""A ``Worksheet`` (and any answers) in, its HTML for the PDF out: fields, or lines to write on."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from markupsafe import Markup

from coursebook.answers.fields import to_pdf_fields
from coursebook.i18n import Catalogue
from coursebook.model import Worksheet
from coursebook.pdf.book import Variant
from coursebook.pdf.templating import environment

TYPESET_LINE = 2_000
"""Most characters of a one-line answer (text, date, list entry, table cell) printed on the
page. The answers contract allows far more, but WeasyPrint measures a word in a table cell
or a narrow box again for each place it could break, so time grows with the square of its
length (a 100,000-character cell: minutes). The rest stays in the answers file, and the
page says how much."""
TYPESET_BLOCK = 100_000
"""And of a textarea, which is laid out once, line by line: the contract's own limit."""


def typeset(value: object, multiline: bool, t: Catalogue) -> str:
    """An answer as printed: cut at the limit for its kind, with a note of what is left."""
    text = str(value)
    limit = TYPESET_BLOCK if multiline else TYPESET_LINE
    if len(text) <= limit:
        return text
    return text[:limit] + " " + t("pdf.continues", count=len(text) - limit)


def render_pdf_worksheet(
    worksheet: Worksheet,
    variant: Variant,
    values: Mapping[str, Any],
    markdown: Callable[[str], str],
    t: Catalogue,
) -> str:
    """The worksheet's PDF HTML; ``values`` (answer values) are filled in or typeset."""
    template = environment().get_template("worksheet.html.j2")
    return template.render(
        ws=worksheet,
        variant=variant,
        values=values,
        flat=to_pdf_fields(worksheet, values),
        markdown=lambda text: Markup(markdown(text)),
        t=t,
        typeset=lambda value, multiline: typeset(value, multiline, t),
    )
