"""A course's ``Branding`` in, the site's branding HTML out: the footer line and the ``/// coach`` box."""

from __future__ import annotations

import xml.etree.ElementTree as etree
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from markdown import Markdown
from markupsafe import Markup, escape
from pymdownx.blocks import BlocksExtension, BlocksProcessor
from pymdownx.blocks.block import Block

from coursebook.branding import Branding, Coach
from coursebook.i18n import Catalogue


def _website_text(url: str) -> str:
    """``https://www.example.org/`` -> ``www.example.org``: what a reader would type."""
    parts = urlsplit(url)
    return (parts.netloc + parts.path).rstrip("/") or url


def _contact_links(coach: Coach) -> list[Markup]:
    links = []
    if coach.email:
        links.append(Markup('<a href="mailto:{0}">{0}</a>').format(coach.email))
    if coach.website:
        links.append(
            Markup('<a href="{0}" rel="noopener">{1}</a>').format(
                coach.website, _website_text(coach.website)
            )
        )
    return links


def footer_html(branding: Branding, t: Catalogue) -> Markup:
    """One footer paragraph: the course title and subtitle, and the coach's contact if set."""
    parts = [Markup('<span class="cb-brand__title">{}</span>').format(branding.title)]
    if branding.subtitle:
        parts.append(Markup('<span class="cb-brand__subtitle">{}</span>').format(branding.subtitle))
    coach = branding.coach
    if coach is not None:
        who = t("coach.footer", name=coach.name) if coach.name else t("coach.footer_contact")
        links = _contact_links(coach)
        parts.append(
            Markup('<span class="cb-brand__coach">{}</span>').format(
                escape(who) + (Markup(" · ") + Markup(" · ").join(links) if links else Markup(""))
            )
        )
    return Markup('<p class="cb-brand">{}</p>').format(Markup(" — ").join(parts))


def made_with_html(t: Catalogue) -> Markup:
    """Material's "Made with Material for MkDocs" line, in the course's language."""
    link = Markup(
        '<a href="https://squidfunk.github.io/mkdocs-material/" target="_blank" rel="noopener">'
        "Material for MkDocs</a>"
    )
    return _with_link(t("theme.made_with", link="\0"), link)


def coach_box_html(branding: Branding, t: Catalogue) -> Markup:
    """The "Your coach" contact box, or nothing when the course names no coach."""
    coach = branding.coach
    if coach is None:
        return Markup("")
    items = []
    # the link goes where the message puts its placeholder, so a translation may move it
    if coach.email:
        link = _contact_links(Coach(email=coach.email))[0]
        items.append(Markup("<li>{}</li>").format(_with_link(t("coach.email", email="\0"), link)))
    if coach.website:
        link = _contact_links(Coach(website=coach.website))[0]
        items.append(
            Markup("<li>{}</li>").format(_with_link(t("coach.website", website="\0"), link))
        )
    name = Markup('<p class="cb-coach__name">{}</p>').format(coach.name) if coach.name else ""
    share = t("coach.share", coach=coach.name) if coach.name else t("coach.share_anyone")
    return Markup(
        '<aside class="cb-coach" aria-labelledby="cb-coach-title">\n'
        '<h2 class="cb-coach__title" id="cb-coach-title">{title}</h2>\n'
        "{name}\n"
        '<ul class="cb-coach__contact">{items}</ul>\n'
        "<p>{share}</p>\n"
        "</aside>\n"
    ).format(title=t("coach.title"), name=name, items=Markup("").join(items), share=share)


def _with_link(text: str, link: Markup) -> Markup:
    """``text`` escaped, with its ``\\0`` marker replaced by ``link``."""
    before, _, after = text.partition("\0")
    return escape(before) + link + escape(after)


class CoachBlock(Block):  # type: ignore[misc]
    """``/// coach``: replaced by the "Your coach" contact box (empty without a coach)."""

    NAME = "coach"
    ARGUMENT = False

    def on_create(self, parent: etree.Element) -> etree.Element:
        return etree.SubElement(parent, "div", {"class": "cb-coach-block"})

    def on_markdown(self) -> str:
        return "raw"

    def on_end(self, block: etree.Element) -> None:
        branding: Branding = self.config["branding"]
        html = str(coach_box_html(branding, self.config["t"]))
        block.text = self.md.htmlStash.store(self.config["hold"](html))
        for child in list(block):
            block.remove(child)


class CoachBlockExtension(BlocksExtension):  # type: ignore[misc]
    """Registers the ``coach`` block for a course's ``branding``."""

    def __init__(
        self, branding: Branding, t: Catalogue, hold: Callable[[str], str] = str, **kwargs: Any
    ):
        self.branding = branding
        self.t = t
        self.hold = hold
        super().__init__(**kwargs)

    def extendMarkdownBlocks(self, md: Markdown, block_mgr: BlocksProcessor) -> None:
        block_mgr.register(CoachBlock, {"branding": self.branding, "t": self.t, "hold": self.hold})
