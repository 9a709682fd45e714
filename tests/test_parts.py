"""How a long book is cut into parts (pdf/parts.py); the joined PDFs are checked against the
book laid out whole in tests/pdf/test_workbook_pdfs.py."""

from __future__ import annotations

from coursebook.pdf.parts import XREF_SCHEME, group_chapters, link_across, numbered_front


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
    first = '<section id="c1"><p>See <a href="#c2-x">there</a> and <a href="#c1">here</a>.</p>'
    second = (
        '<section id="c2"><h2 id="c2-x">X</h2><a href="#missing">gone</a>'
        '<a class="k" href="#c1">back</a> <p>text: href="#c1" id="c9"</p></section>'
    )
    one, two = link_across([first, second])
    assert f'<a href="{XREF_SCHEME}c2-x">there</a>' in one
    assert '<a href="#c1">here</a>' in one  # same part: WeasyPrint resolves it
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
