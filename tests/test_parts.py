"""How a long book is cut into parts (pdf/parts.py); the joined PDFs are checked against the
book laid out whole in tests/pdf/test_workbook_pdfs.py."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from coursebook.pdf.parts import (
    PAGE_SLOT,
    PART_CSS,
    XREF_SCHEME,
    Parts,
    group_chapters,
    lay_out_in_parts,
    link_across,
    numbered_front,
)


def test_chapters_are_grouped_in_order_within_the_budget() -> None:
    assert group_chapters([40, 40, 40, 10, 90, 200, 5], 100) == [
        range(0, 2),
        range(2, 4),
        range(4, 5),
        range(5, 6),  # longer than the budget: a part of its own
        range(6, 7),
    ]
    assert group_chapters([], 100) == []
    assert group_chapters([1, 1, 1], 1) == [range(0, 1), range(1, 2), range(2, 3)]


def test_only_links_to_another_part_change() -> None:
    first = (
        '<section id="c1"><p>See <a href="#c2-x">there</a> and <a href="#c1">here</a>.</p>'
        '<a href="#c2-a&quot;b">quoted</a> <a href="#c2-%25d">percent</a>'
    )
    second = (
        '<section id="c2"><h2 id="c2-x">X</h2><a href="#missing">gone</a><h2 id="c2-%d">%</h2>'
        '<h3 id="c2-a&quot;b">no anchor in WeasyPrint</h3>'
        '<a class="k" href="#c1">back</a> <p>text: href="#c1" id="c9"</p></section>'
    )
    one, two = link_across([first, second])
    assert f'<a href="{XREF_SCHEME}c2-x">there</a>' in one
    assert f'<a href="{XREF_SCHEME}c2-%25d">percent</a>' in one  # decoded as WeasyPrint does
    assert '<a href="#c1">here</a>' in one  # same part: WeasyPrint resolves it
    # an id WeasyPrint makes no anchor of: the link stays, for WeasyPrint to drop and report
    assert '<a href="#c2-a&quot;b">quoted</a>' in one
    assert '<a href="#missing">' in two  # no such anchor: left for WeasyPrint to report
    assert f'<a class="k" href="{XREF_SCHEME}c1">back</a>' in two
    assert 'text: href="#c1" id="c9"' in two  # words, not a tag


def test_contents_numbers_replace_the_placeholders() -> None:
    front = (
        f'<a href="{XREF_SCHEME}c%C3%A9" data-page="8888">A</a>'
        '<a href="#c2" data-page="8888">B</a><a href="#c3" data-page="8888">C</a>'
    )
    numbered = numbered_front(front, {"cé": 3, "c2": 12})
    assert 'data-page="3">A' in numbered and 'data-page="12">B' in numbered
    assert 'data-page="">C' in numbered  # not found: no number rather than a wrong one


def test_parts_written_in_turn_or_while_the_next_is_laid_out_are_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a spare core (or fork) each part is written before the next is laid out;
    both ways give the same pages, numbering and links."""
    import weasyprint
    from pypdf import PdfReader

    chapters = [
        f'<section class="cb-chapter" id="c{n}"><h1 id="c{n}-t">Chapter {n}</h1>'
        + "<p>Words enough for a page. </p>" * 40
        + f'<p><a href="#c{3 - n}-t">to the other chapter</a></p></section>'
        for n in (1, 2)
    ]
    style = "<style>@page { @bottom-right { content: counter(page) } }" + PART_CSS + "</style>"
    front = (
        f"<html lang='en'><head><title>A &lt;/style&gt; title</title>{style}</head><body><nav class='cb-contents'>"
        f'<a href="#c1-t"{PAGE_SLOT}>One</a> <a href="#c2-t"{PAGE_SLOT}>Two</a></nav></body></html>'
    )
    documents = link_across(
        [
            front,
            *(
                f"<html lang='en'><head><title>A &lt;/style&gt; title</title>{style}</head><body>{c}</body></html>"
                for c in chapters
            ),
        ]
    )
    parts = Parts(documents[0], tuple(documents[1:]))

    class Forms:
        fields = 0

        def __call__(self, document: object, pdf: object) -> None:
            pass

    def lay_out(html: str) -> weasyprint.Document:
        return weasyprint.HTML(string=html).render()

    def write(document: weasyprint.Document, finisher: object) -> bytes:
        return document.write_pdf(finisher=finisher, pdf_tags=True)  # type: ignore[no-any-return]

    # a layout that fails half-way leaves no process behind, whatever was being written
    laid: list[str] = []

    def fails_on_the_second(html: str) -> weasyprint.Document:
        laid.append(html)
        if len(laid) == 3:  # the front, the first part, then the second part
            raise RuntimeError("the second part cannot be laid out")
        return lay_out(html)

    forked: list[int] = []
    fork = os.fork

    def recorded_fork() -> int:
        pid = fork()
        if pid:
            forked.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", recorded_fork)
    with pytest.raises(RuntimeError):
        lay_out_in_parts(parts, fails_on_the_second, write, Forms, fork=True)
    assert forked
    for pid in forked:
        with pytest.raises(ChildProcessError):  # ended, and waited for
            os.waitpid(pid, os.WNOHANG)
    monkeypatch.undo()

    texts = []
    for fork in (False, True):
        pdf, pages, _ = lay_out_in_parts(parts, lay_out, write, Forms, fork=fork)
        (tmp_path / f"{fork}.pdf").write_bytes(pdf)
        reader = PdfReader(tmp_path / f"{fork}.pdf", strict=True)
        assert len(reader.pages) == pages
        text = [page.extract_text() for page in reader.pages]
        destinations = {
            name: reader.get_destination_page_number(dest)
            for name, dest in reader.named_destinations.items()
        }
        assert destinations["c2-t"] == next(i for i, t in enumerate(text) if "Chapter 2" in t)
        texts.append((text, destinations))
    assert texts[0] == texts[1]
    contents = texts[0][0][0]
    # the contents give each chapter the number of the page it is on
    assert re.search(rf"Two[ .]*{texts[0][1]['c2-t'] + 1}\b", contents), contents


def test_pydyf_lists_pages_once_while_weasyprint_writes() -> None:
    """The page list is kept between questions, answers as pydyf would at every page count,
    and pydyf is itself again afterwards."""
    import pydyf
    from coursebook.pdf.build import pages_listed_once

    original = pydyf.PDF.page_references
    pdf = pydyf.PDF()
    with pages_listed_once():
        for _ in range(3):
            asked = pdf.page_references
            assert pdf.page_references is asked  # kept, not built again
            assert asked == original.fget(pdf)
            pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
        assert len(pdf.page_references) == 3 and pdf.page_references == original.fget(pdf)
    assert pydyf.PDF.page_references is original
