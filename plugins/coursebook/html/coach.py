"""A course's ``Branding`` in, the site's branding HTML out: the footer line and the ``/// coach`` box."""

from __future__ import annotations

import xml.etree.ElementTree as etree
from typing import Any
from urllib.parse import urlsplit

from markdown import Markdown
from markupsafe import Markup
from pymdownx.blocks import BlocksExtension, BlocksProcessor
from pymdownx.blocks.block import Block

from coursebook.branding import Branding, Coach


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


def footer_html(branding: Branding) -> Markup:
    """One footer paragraph: the course title and subtitle, and the coach's contact if set."""
    parts = [Markup('<span class="cb-brand__title">{}</span>').format(branding.title)]
    if branding.subtitle:
        parts.append(Markup('<span class="cb-brand__subtitle">{}</span>').format(branding.subtitle))
    coach = branding.coach
    if coach is not None:
        who = Markup("Your coach: {}").format(coach.name) if coach.name else Markup("Contact")
        links = _contact_links(coach)
        parts.append(
            Markup('<span class="cb-brand__coach">{}</span>').format(
                who + (Markup(" · ") + Markup(" · ").join(links) if links else Markup(""))
            )
        )
    return Markup('<p class="cb-brand">{}</p>').format(Markup(" — ").join(parts))


def coach_box_html(branding: Branding) -> Markup:
    """The "Your coach" contact box, or nothing when the course names no coach."""
    coach = branding.coach
    if coach is None:
        return Markup("")
    items = []
    if coach.email:
        items.append(
            Markup("<li>Email: {}</li>").format(_contact_links(Coach(email=coach.email))[0])
        )
    if coach.website:
        items.append(
            Markup("<li>Website: {}</li>").format(_contact_links(Coach(website=coach.website))[0])
        )
    name = Markup('<p class="cb-coach__name">{}</p>').format(coach.name) if coach.name else ""
    them = coach.name or "your coach"
    return Markup(
        '<aside class="cb-coach" aria-labelledby="cb-coach-title">\n'
        '<h2 class="cb-coach__title" id="cb-coach-title">Your coach</h2>\n'
        "{name}\n"
        '<ul class="cb-coach__contact">{items}</ul>\n'
        "<p>To share your work, export your answers and send the file to {them}, "
        "or send the PDF workbook once you have filled it in.</p>\n"
        "</aside>\n"
    ).format(name=name, items=Markup("").join(items), them=them)


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
        block.text = self.md.htmlStash.store(str(coach_box_html(branding)))
        for child in list(block):
            block.remove(child)


class CoachBlockExtension(BlocksExtension):  # type: ignore[misc]
    """Registers the ``coach`` block for a course's ``branding``."""

    def __init__(self, branding: Branding, **kwargs: Any):
        self.branding = branding
        super().__init__(**kwargs)

    def extendMarkdownBlocks(self, md: Markdown, block_mgr: BlocksProcessor) -> None:
        block_mgr.register(CoachBlock, {"branding": self.branding})
