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
    CannotJoin,
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


def test_parts_laid_out_in_turn_or_at_once_are_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One part at a time, in this process, or parts at once in forked processes (their
    page numbers made afterwards): the same bytes, pages, numbering and links."""
    import weasyprint
    from pypdf import PdfReader

    chapters = [
        f'<section class="cb-chapter" id="c{n}"><h1 id="c{n}-t">Chapter {n}</h1>'
        + "<p>Words enough for a page. </p>" * 40
        + f'<p><a href="#c{(n % 3) + 1}-t">to the next chapter</a></p>'
        + f'<img src="missing-{n}.png" alt=""></section>'
        for n in (1, 2, 3)
    ]
    style = "<style>@page { @bottom-right { content: counter(page) } }" + PART_CSS + "</style>"
    head = f"<html lang='en'><head><title>A &lt;/style&gt; title</title>{style}</head>"
    front = (
        f"{head}<body><nav class='cb-contents'>"
        + "".join(f'<a href="#c{n}-t"{PAGE_SLOT}>No. {n}</a> ' for n in (1, 2, 3))
        + "</nav></body></html>"
    )
    documents = link_across([front, *(f"{head}<body>{c}</body></html>" for c in chapters)])
    parts = Parts(documents[0], tuple(documents[1:]))

    class Forms:
        fields = 0

        def __call__(self, document: object, pdf: object) -> None:
            pass

    warnings: list[str] = []

    def lay_out(html: str) -> weasyprint.Document:
        warnings.extend(re.findall(r"missing-\d", html))
        return weasyprint.HTML(string=html).render()

    def write(document: weasyprint.Document, finisher: object) -> bytes:
        return document.write_pdf(finisher=finisher, pdf_tags=True)  # type: ignore[no-any-return]

    # a part that fails in its process: the caller is told, and no process is left behind
    forked: list[int] = []
    fork = os.fork

    def recorded_fork() -> int:
        pid = fork()
        if pid:
            forked.append(pid)
        return pid

    def fails_on_the_second(html: str) -> weasyprint.Document:
        if "Chapter 2" in html:
            raise RuntimeError("the second part cannot be laid out")
        return lay_out(html)

    monkeypatch.setattr(os, "fork", recorded_fork)
    with pytest.raises(CannotJoin, match="part 2: RuntimeError: the second part"):
        lay_out_in_parts(parts, fails_on_the_second, write, Forms, workers=2)
    assert len(forked) >= 2
    for pid in forked:
        with pytest.raises(ChildProcessError):  # ended, and waited for
            os.waitpid(pid, os.WNOHANG)
    monkeypatch.undo()

    made = []
    for workers in (1, 2, 3):
        warnings.clear()
        pdf, pages, _ = lay_out_in_parts(
            parts, lay_out, write, Forms, workers=workers, carried=(warnings,)
        )
        (tmp_path / f"{workers}.pdf").write_bytes(pdf)
        reader = PdfReader(tmp_path / f"{workers}.pdf", strict=True)
        assert len(reader.pages) == pages
        text = [page.extract_text() for page in reader.pages]
        destinations = {
            name: reader.get_destination_page_number(dest)
            for name, dest in reader.named_destinations.items()
        }
        assert destinations["c2-t"] == next(i for i, t in enumerate(text) if "Chapter 2" in t)
        # what the parts' processes noted comes back, in order
        assert warnings == ["missing-1", "missing-2", "missing-3"]
        made.append((re.sub(rb"/(CreationDate|ModDate) [^/>]*|/ID \[[^]]*\]", b"", pdf), text))
    assert made[0] == made[1] == made[2]
    text = made[0][1]
    # every page is numbered in turn, and the contents give each chapter its page
    assert [t.split()[-1] for t in text[1:]] == [str(n) for n in range(2, len(text) + 1)]
    assert re.search(
        rf"No. 3[ .]*{text.index(next(t for t in text if 'Chapter 3' in t)) + 1}\b", text[0]
    )


def test_pydyf_lists_pages_once_while_weasyprint_writes() -> None:
    """The page list is kept between questions, answers as pydyf would at every page count,
    and pydyf is itself again afterwards."""
    import pydyf
    from coursebook.pdf.writing import pages_listed_once

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


def test_pydyf_deflates_at_the_level_asked_and_is_itself_again_afterwards() -> None:
    """Streams written meanwhile are deflated at the level given (the same bytes zlib gives
    at that level), stay readable, and pydyf asks for its own level again afterwards."""
    import zlib

    import pydyf
    from coursebook.pdf.writing import deflate_at

    text = b"".join(b"BT /F1 10 Tf 72 %d Td (Line %d) Tj ET\n" % (n, n) for n in range(3000))

    def written() -> bytes:
        stream = pydyf.Stream([text], compress=True)
        data: bytes = stream.data
        return data.split(b"stream\n", 1)[1].rsplit(b"\nendstream", 1)[0]

    own = written()
    with deflate_at(1):
        quick = written()
    assert zlib.decompress(quick) == zlib.decompress(own) == text
    level_1 = zlib.compressobj(1)
    assert quick == level_1.compress(text) + level_1.flush() != own
    assert written() == own


def test_parts_are_for_memory_only_when_variants_keep_the_cores_busy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from coursebook.pdf.build import PART_HTML_CHARS, WHOLE_UP_TO, part_budget

    monkeypatch.delenv("COURSEBOOK_PDF_PART_CHARS", raising=False)
    between = (WHOLE_UP_TO + PART_HTML_CHARS) // 2
    assert part_budget(WHOLE_UP_TO) > WHOLE_UP_TO  # whole
    assert part_budget(between) < between  # in parts, to be laid out at once
    assert part_budget(between, variants=2) > between  # whole: the variants fill the cores
    assert part_budget(3 * PART_HTML_CHARS, variants=2) <= PART_HTML_CHARS  # memory


def test_a_book_in_parts_laid_out_at_once_reports_what_each_part_met(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through ``build_pdf``: each chapter a part, as many at a time as there are cores;
    a file refused in a part's process (here, the fetcher given no folder at all) is
    reported all the same."""
    from coursebook.pdf import Book, Chapter, build_pdf
    from coursebook.pdf import build as pdf_build
    from pypdf import PdfReader

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.png").write_bytes(b"\x89PNG not really")
    chapters = tuple(
        Chapter(
            f"Chapter {n}",
            f"c{n}/",
            f"<h1>Chapter {n}</h1>"
            + "<p>Words for the page. </p>" * 30
            + ('<img src="../a.png" alt="">' if n == 3 else ""),
        )
        for n in (1, 2, 3, 4)
    )
    fetcher = pdf_build.course_fetcher
    monkeypatch.setattr(
        pdf_build, "course_fetcher", lambda folders, remote, refused: fetcher((), remote, refused)
    )
    monkeypatch.setenv("COURSEBOOK_PDF_PART_CHARS", "1")
    monkeypatch.delenv("COURSEBOOK_PDF_WORKERS", raising=False)
    monkeypatch.setattr(pdf_build, "_can_fork", lambda: True)  # a test server's thread aside
    lines: list[str] = []
    warnings: list[str] = []
    pdf = build_pdf(
        Book(title="T", chapters=chapters, asset_dirs=(docs,)),
        "print",
        log=lines.append,
        warn=warnings.append,
    )
    cores = min(os.cpu_count() or 1, 4)  # four chapters, four parts: one each at most
    at_once = f", {cores} at a time" if cores > 1 else ""
    (laid,) = (line for line in lines if "laid out" in line)
    assert re.fullmatch(rf"print: laid out \d+ pages in 5 parts{at_once}", laid)
    refused = [w for w in warnings if w.startswith("refused to read")]
    assert len(refused) == 1 and "a.png (it is outside the course's folders)" in refused[0]
    (tmp_path / "book.pdf").write_bytes(pdf)
    reader = PdfReader(tmp_path / "book.pdf", strict=True)
    assert [page.extract_text().split()[-1] for page in reader.pages[1:]] == [
        str(n) for n in range(2, len(reader.pages) + 1)
    ]
