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
    )
