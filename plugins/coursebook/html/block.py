"""The ``/// worksheet | <id>`` Markdown block in, the worksheet's rendered form out.

A Python-Markdown extension (pymdownx.blocks), so any engine built on
Python-Markdown can use it; it knows nothing of MkDocs.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree
from collections.abc import Callable, Mapping
from typing import Any

from markdown import Markdown
from pymdownx.blocks import BlocksExtension, BlocksProcessor
from pymdownx.blocks.block import Block

from coursebook.model import Worksheet


class WorksheetBlock(Block):  # type: ignore[misc]
    """``/// worksheet | <id>``: replaced by the worksheet's form, once per page: a repeat
    would give the page the same field ids twice (the site warns of it; see
    ``repeated_references``) and is left empty."""

    NAME = "worksheet"
    ARGUMENT = True

    def on_create(self, parent: etree.Element) -> etree.Element:
        return etree.SubElement(parent, "div", {"class": "cb-worksheet-block"})

    def on_markdown(self) -> str:
        # the block takes no body: anything inside it is kept as raw text, not parsed
        return "raw"

    def on_end(self, block: etree.Element) -> None:
        worksheets: Mapping[str, Worksheet] = self.config["worksheets"]
        render: Callable[[Worksheet], str] = self.config["render"]
        worksheet_id = self.argument.strip()
        worksheet = worksheets.get(worksheet_id)
        if worksheet is None:
            # pages are checked (with line numbers) before conversion; this is a last guard
            raise KeyError(f"unknown worksheet '{worksheet_id}'")
        for child in list(block):
            block.remove(child)
        placed: set[str] = self.config["placed"]
        if worksheet_id in placed:
            block.text = ""
            return
        placed.add(worksheet_id)
        block.text = self.md.htmlStash.store(self.config["hold"](render(worksheet)))


class WorksheetBlockExtension(BlocksExtension):  # type: ignore[misc]
    """Registers the ``worksheet`` block; ``render`` turns a worksheet into HTML, ``hold``
    keeps that HTML out of the page until the page is sanitised (``Slots.hold``)."""

    def __init__(
        self,
        worksheets: Mapping[str, Worksheet],
        render: Callable[[Worksheet], str],
        hold: Callable[[str], str] = str,
        **kwargs: Any,
    ):
        self.worksheets = worksheets
        self.render = render
        self.hold = hold
        super().__init__(**kwargs)

    def extendMarkdownBlocks(self, md: Markdown, block_mgr: BlocksProcessor) -> None:
        # called once per Markdown instance, that is once per page: `placed` is the page's
        block_mgr.register(
            WorksheetBlock,
            {
                "worksheets": self.worksheets,
                "render": self.render,
                "hold": self.hold,
                "placed": set(),
            },
        )
