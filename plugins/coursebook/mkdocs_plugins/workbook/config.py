"""Options of the ``workbook`` plugin, as written under ``plugins:`` in ``mkdocs.yml``."""

from __future__ import annotations

from mkdocs.config import config_options as c
from mkdocs.config.base import Config


class CoverConfig(Config):
    """What the cover says; every value left out comes from the site config."""

    title = c.Optional(c.Type(str))
    """Course title on the cover and in the PDF metadata; defaults to ``site_name``."""

    subtitle = c.Optional(c.Type(str))
    """Line under the title; defaults to ``extra.coursebook.subtitle``, then ``site_description``."""

    author = c.Optional(c.Type(str))
    """Author or coach named on the cover and in the metadata; defaults to
    ``extra.coursebook.coach.name``, then ``site_author``."""

    date = c.Optional(c.Type(str))
    """Date on the cover, as written (e.g. ``Spring 2025``); defaults to the month of the build."""

    logo = c.Optional(c.Type(str))
    """Image on the cover, relative to ``docs_dir`` (or to ``mkdocs.yml``); defaults to
    ``extra.coursebook.logo``. Leave it out for no logo."""


class WorkbookConfig(Config):
    enabled = c.Type(bool, default=True)
    """Turn the plugin off without removing it from ``mkdocs.yml`` (no PDFs, no links)."""

    variants = c.ListOfItems(c.Choice(("fillable", "print")), default=["fillable", "print"])
    """Which PDFs to build: ``fillable`` (form fields) and/or ``print`` (lines to write on)."""

    fillable_filename = c.Type(str, default="workbook.pdf")
    """File name of the fillable PDF in the built site."""

    print_filename = c.Type(str, default="workbook-print.pdf")
    """File name of the print PDF in the built site."""

    paper_size = c.Choice(("A4", "Letter"), default="A4")
    """Paper size of both PDFs."""

    font_family = c.Type(str, default="DejaVu Sans")
    """Font family of the text and the form fields (an installed font; DejaVu Sans ships
    with Debian's ``fonts-dejavu-core``). A field's font is embedded whole in the fillable PDF."""

    cover = c.SubConfig(CoverConfig)
    """Cover texts and logo: ``title``, ``subtitle``, ``author``, ``date``, ``logo``."""

    exclude = c.ListOfItems(c.Type(str), default=[])
    """Pages left out of the PDFs, as paths in ``docs_dir`` (glob patterns allowed), e.g.
    web-only pages. A page can also leave itself out with ``pdf: false`` in its front matter."""

    client = c.Optional(c.Type(str))
    """Name of the person the workbook is for, printed on the cover and in the footer."""

    answers = c.Optional(c.Type(str))
    """Answers file (exported from the site) whose values are filled into the fillable PDF
    and typeset in the print PDF; relative to ``mkdocs.yml``."""

    remote_assets = c.Type(bool, default=False)
    """Fetch images that pages take from web addresses. Off, the PDFs read only files of the
    course (a warning names each address left out), so building never contacts a server."""

    build_on_serve = c.Type(bool, default=False)
    """Also build the PDFs during ``mkdocs serve``; off so that live reload stays fast."""

    download_links = c.Type(bool, default=True)
    """Add a "Workbook (PDF)" download line at the end of every page."""
