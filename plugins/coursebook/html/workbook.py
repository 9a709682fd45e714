"""Worksheets and links to the pages that hold them in, the "My workbook" list (and its block) out."""

from __future__ import annotations

import xml.etree.ElementTree as etree
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from markdown import Markdown
from pymdownx.blocks import BlocksExtension, BlocksProcessor
from pymdownx.blocks.block import Block

from coursebook.html.render import _environment
from coursebook.i18n import Catalogue
from coursebook.model import Worksheet


def render_workbook(
    worksheets: Iterable[Worksheet],
    links: Mapping[str, str | None],
    t: Catalogue,
    coach_email: str | None = None,
) -> str:
    """Every worksheet, in the given order, with its link (``None``: not on any page) and size.

    The browser runtime turns each size into progress, fills the summary (progress,
    where to carry on, the backup reminder) and adds whole-course export, import and clear,
    and "Send to my coach" when the course names a coach's email.
    """
    template = _environment().get_template("workbook.html.j2")
    items = [(ws, links.get(ws.id)) for ws in worksheets]
    return template.render(items=items, t=t, coach_email=coach_email).strip() + "\n"


class WorkbookBlock(Block):  # type: ignore[misc]
    """``/// workbook``: replaced by the list of every worksheet with its progress."""

    NAME = "workbook"

    def on_create(self, parent: etree.Element) -> etree.Element:
        return etree.SubElement(parent, "div", {"class": "cb-workbook-block"})

    def on_markdown(self) -> str:
        return "raw"

    def on_end(self, block: etree.Element) -> None:
        render: Callable[[], str] = self.config["render"]
        block.text = self.md.htmlStash.store(self.config["hold"](render()))
        for child in list(block):
            block.remove(child)


class WorkbookBlockExtension(BlocksExtension):  # type: ignore[misc]
    """Registers the ``workbook`` block; ``render()`` gives the list for the page being converted."""

    def __init__(self, render: Callable[[], str], hold: Callable[[str], str] = str, **kwargs: Any):
        self.render = render
        self.hold = hold
        super().__init__(**kwargs)

    def extendMarkdownBlocks(self, md: Markdown, block_mgr: BlocksProcessor) -> None:
        block_mgr.register(WorkbookBlock, {"render": self.render, "hold": self.hold})
