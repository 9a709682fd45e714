"""Worksheets in, the ``/// answers-review`` block out: a file picker plus the worksheets' structure as JSON.

The browser runtime (``review.js``) reads a client's answers file locally and lays the
answers out under this structure; nothing about the answers is known at build time.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as etree
from collections.abc import Callable, Sequence
from typing import Any

from markdown import Markdown
from markupsafe import Markup
from pymdownx.blocks import BlocksExtension, BlocksProcessor
from pymdownx.blocks.block import Block

from coursebook.model import Field, Worksheet


def _field(f: Field) -> dict[str, Any]:
    spec: dict[str, Any] = {"id": f.id, "label": f.label, "type": f.type}
    if f.options:
        spec["options"] = [[o.value, o.label] for o in f.options]
    if f.type == "scale":
        spec["max"] = f.scale_max
    if f.columns:
        spec["columns"] = [[c.id, c.label, c.type] for c in f.columns]
    return spec


def review_structure(course: str, worksheets: Sequence[Worksheet]) -> dict[str, Any]:
    """What the review page needs to show answers: titles, sections, labels, options, columns."""
    return {
        "course": course,
        "worksheets": [
            {
                "id": ws.id,
                "title": ws.title,
                "sections": [
                    {"title": s.title, "fields": [_field(f) for f in s.fields if f.holds_answer]}
                    for s in ws.sections
                ],
            }
            for ws in worksheets
        ],
    }


def review_html(course: str, worksheets: Sequence[Worksheet]) -> Markup:
    """The review widget: a labelled file input, a status line, an output area and the structure."""
    # an attribute, not a <script type="application/json">: Material's instant navigation
    # re-runs scripts in the content it swaps in, and JSON run as JavaScript fails
    data = json.dumps(review_structure(course, worksheets), ensure_ascii=False)
    return Markup(
        '<div class="cb-review" data-answers-review data-review-structure="{}">\n'
        '<p class="cb-review__pick"><label for="cb-review-file">Client\'s answers file</label>\n'
        '<input type="file" id="cb-review-file" accept=".json,application/json"></p>\n'
        '<p class="cb-review__status" role="status" data-review-status></p>\n'
        '<div class="cb-review__answers" data-review-output></div>\n'
        "</div>\n"
    ).format(data)


class AnswersReviewBlock(Block):  # type: ignore[misc]
    """``/// answers-review``: replaced by the review widget for every worksheet of the course."""

    NAME = "answers-review"
    ARGUMENT = False

    def on_create(self, parent: etree.Element) -> etree.Element:
        return etree.SubElement(parent, "div", {"class": "cb-review-block"})

    def on_markdown(self) -> str:
        return "raw"

    def on_end(self, block: etree.Element) -> None:
        worksheets: Callable[[], Sequence[Worksheet]] = self.config["worksheets"]
        block.text = self.md.htmlStash.store(str(review_html(self.config["course"], worksheets())))
        for child in list(block):
            block.remove(child)


class AnswersReviewExtension(BlocksExtension):  # type: ignore[misc]
    """Registers the ``answers-review`` block; ``worksheets`` gives them in course order."""

    def __init__(self, course: str, worksheets: Callable[[], Sequence[Worksheet]], **kwargs: Any):
        self.course = course
        self.worksheets = worksheets
        super().__init__(**kwargs)

    def extendMarkdownBlocks(self, md: Markdown, block_mgr: BlocksProcessor) -> None:
        block_mgr.register(
            AnswersReviewBlock, {"course": self.course, "worksheets": self.worksheets}
        )
