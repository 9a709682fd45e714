"""Worksheets in, the ``/// answers-review`` block out: a file picker, the worksheets' structure
and their coach notes.

The browser runtime (``lazy/review.js``) reads clients' answers files locally, through the
answers contract, and lays them out: a table of the cohort, then one client's answers
under this structure, each worksheet with its coach notes. Nothing about the answers is
known at build time, and nothing is sent anywhere.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as etree
from collections.abc import Callable, Sequence
from typing import Any

from markdown import Markdown
from markupsafe import Markup, escape
from pymdownx.blocks import BlocksExtension, BlocksProcessor
from pymdownx.blocks.block import Block

from coursebook.i18n import Catalogue
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


def review_html(
    course: str,
    worksheets: Sequence[Worksheet],
    t: Catalogue,
    markdown: Callable[[str], str] | None = None,
) -> Markup:
    """The review widget: a labelled file input (several files), status and alert lines, the
    cohort table and answers areas, the structure, and each worksheet's coach notes."""
    # an attribute, not a <script type="application/json">: Material's instant navigation
    # re-runs scripts in the content it swaps in, and JSON run as JavaScript fails
    data = json.dumps(review_structure(course, worksheets), ensure_ascii=False)
    # coach notes are author Markdown, sanitised by `markdown`; review.js copies them in.
    # Material's search leaves them out of the index, whose snippets every learner sees
    render = markdown or (lambda text: str(escape(text)))
    notes = Markup("").join(
        Markup('<template data-coach-notes="{}" data-search-exclude>{}</template>\n').format(
            ws.id, Markup(render(ws.coach_notes))
        )
        for ws in worksheets
        if ws.coach_notes
    )
    return Markup(
        '<div class="cb-review" data-answers-review data-review-structure="{data}">\n'
        '<p class="cb-review__pick"><label for="cb-review-file">{label}</label>\n'
        '<input type="file" id="cb-review-file" accept=".json,application/json" multiple></p>\n'
        '<p class="cb-review__status" role="status" data-review-status></p>\n'
        '<div class="cb-review__alert" role="alert" data-review-alert></div>\n'
        '<div class="cb-review__cohort" data-review-table></div>\n'
        '<div class="cb-review__answers" data-review-output></div>\n'
        "{notes}"
        "</div>\n"
    ).format(data=data, label=t("review.file"), notes=notes)


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
        html = review_html(
            self.config["course"], worksheets(), self.config["t"], self.config["markdown"]
        )
        block.text = self.md.htmlStash.store(self.config["hold"](str(html)))
        for child in list(block):
            block.remove(child)


class AnswersReviewExtension(BlocksExtension):  # type: ignore[misc]
    """Registers the ``answers-review`` block; ``worksheets`` gives them in course order,
    ``markdown`` renders (and sanitises) their coach notes."""

    def __init__(
        self,
        course: str,
        worksheets: Callable[[], Sequence[Worksheet]],
        t: Catalogue,
        hold: Callable[[str], str] = str,
        markdown: Callable[[str], str] | None = None,
        **kwargs: Any,
    ):
        self.course = course
        self.worksheets = worksheets
        self.t = t
        self.hold = hold
        self.markdown = markdown
        super().__init__(**kwargs)

    def extendMarkdownBlocks(self, md: Markdown, block_mgr: BlocksProcessor) -> None:
        block_mgr.register(
            AnswersReviewBlock,
            {
                "course": self.course,
                "worksheets": self.worksheets,
                "t": self.t,
                "hold": self.hold,
                "markdown": self.markdown,
            },
        )
