"""Messages stage: a language code (``theme.language``) and a course's overrides in, a ``Catalogue`` out.

Every sentence coursebook shows to people (web forms, the browser runtime, My workbook,
the review page, both PDFs, ``answers show``) lives in ``messages/<language>.json``: one
flat JSON object, message id -> text. ``{name}`` marks a value filled in at run time,
always as text. A message that depends on a number is an object of CLDR plural
categories (``{"one": "…", "other": "…"}``), chosen by its ``{count}``: Babel's rules
here, ``Intl.PluralRules`` in the browser, so both pick the same form.

The browser gets its share of the same catalogue (``Catalogue.browser``), so Python and
JavaScript never keep two copies of a sentence.
"""

from coursebook.i18n.catalogue import (
    BROWSER_PREFIXES,
    Catalogue,
    CatalogueError,
    Message,
    available_languages,
    english,
    fill,
    load_catalogue,
    read_catalogue,
)

__all__ = [
    "BROWSER_PREFIXES",
    "Catalogue",
    "CatalogueError",
    "Message",
    "available_languages",
    "english",
    "fill",
    "load_catalogue",
    "read_catalogue",
]
