"""The ``/// web-only`` and ``/// pdf-only`` Markdown blocks in, marked ``<div>`` elements out.

A passage that only makes sense on the site ("type into the form below") goes in
``/// web-only``; the PDF workbook leaves it out. A passage for paper ("write on the lines")
goes in ``/// pdf-only``; the site drops it once the workbook has taken its copy of the page.
The contents are ordinary Markdown.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Markdown
from pymdownx.blocks import BlocksExtension, BlocksProcessor
from pymdownx.blocks.block import Block

WEB_ONLY = "cb-web-only"
PDF_ONLY = "cb-pdf-only"


class _OnlyBlock(Block):  # type: ignore[misc]
    CLASS = ""

    def on_create(self, parent: etree.Element) -> etree.Element:
        return etree.SubElement(parent, "div", {"class": self.CLASS})


class WebOnlyBlock(_OnlyBlock):
    """``/// web-only``: shown on the site, left out of the PDF workbook."""

    NAME = "web-only"
    CLASS = WEB_ONLY


class PdfOnlyBlock(_OnlyBlock):
    """``/// pdf-only``: printed in the PDF workbook, left out of the site."""

    NAME = "pdf-only"
    CLASS = PDF_ONLY


class OnlyBlocksExtension(BlocksExtension):  # type: ignore[misc]
    """Registers ``web-only`` and ``pdf-only``."""

    def extendMarkdownBlocks(self, md: Markdown, block_mgr: BlocksProcessor) -> None:
        block_mgr.register(WebOnlyBlock, {})
        block_mgr.register(PdfOnlyBlock, {})


_OPEN = re.compile(r"<div\b[^>]*>|</div\s*>", re.IGNORECASE)
_PDF_ONLY_START = re.compile(rf'<div class="{PDF_ONLY}">')


def drop_pdf_only(html: str) -> str:
    """``html`` without its ``/// pdf-only`` passages (the site's copy of a page).

    The blocks are written by ``PdfOnlyBlock`` as ``<div class="cb-pdf-only">``; their end
    is found by counting the ``div`` elements nested in them.
    """
    out: list[str] = []
    position = 0
    while (start := _PDF_ONLY_START.search(html, position)) is not None:
        out.append(html[position : start.start()])
        depth = 0
        end = len(html)
        for tag in _OPEN.finditer(html, start.start()):
            depth += -1 if tag.group(0).startswith("</") else 1
            if depth == 0:
                end = tag.end()
                break
        position = end
    out.append(html[position:])
    return "".join(out)
