"""Page HTML to book HTML, without WeasyPrint: ids, links, images, tabs, details, web-only parts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from coursebook.pdf import Book, Chapter, fingerprint, fingerprints
from coursebook.pdf.chapters import PreparedChapter, prepare_chapters
from coursebook.pdf.forms import pdf_name

TABS = """
<div class="tabbed-set tabbed-alternate" data-tabs="1:2"><input checked="checked" id="__tabbed_1_1" name="__tabbed_1" type="radio" /><input id="__tabbed_1_2" name="__tabbed_1" type="radio" /><div class="tabbed-labels"><label for="__tabbed_1_1">Email</label><label for="__tabbed_1_2">Phone <em>call</em></label></div>
<div class="tabbed-content">
<div class="tabbed-block"><p>Write it.</p></div>
<div class="tabbed-block"><p>Say it.</p></div>
</div>
</div>
"""


def prepare(*chapters: Chapter, **book: object) -> tuple[list[PreparedChapter], list[str]]:
    problems: list[str] = []
    prepared = prepare_chapters(
        Book(title="T", chapters=chapters, **book),  # type: ignore[arg-type]
        lambda worksheet_id: None,
        problems.append,
    )
    return prepared, problems


def test_ids_are_prefixed_per_chapter_and_links_follow() -> None:
    (one, two), problems = prepare(
        Chapter(
            "One", "", '<h1 id="top">One</h1><p><a href="#top">up</a> <a href="two/#b">b</a></p>'
        ),
        Chapter(
            "Two",
            "two/",
            '<h1 id="top">Two</h1><h2 id="b">B</h2>'
            '<p><a href="../">home</a> <a href="../#nowhere">lost</a> <a href="../index.html#top">t</a></p>',
        ),
    )
    assert problems == []
    assert 'id="c1-top"' in one.html and 'id="c2-top"' in two.html
    assert 'href="#c1-top"' in one.html
    assert 'href="#c2-b"' in one.html
    assert 'href="#c1">home' in two.html
    assert 'href="#c1">lost' in two.html  # a missing anchor falls back to the chapter
    assert 'href="#c1-top">t' in two.html


def test_a_link_finds_an_id_as_written_or_percent_decoded() -> None:
    (one,), problems = prepare(
        Chapter(
            "One",
            "",
            '<h2 id="caf%C3%A9">Raw</h2><h2 id="thé">Decoded</h2>'
            '<p><a href="#caf%C3%A9">a</a> <a href="#th%C3%A9">b</a> <a href="#caf%C3%A8">c</a></p>',
        ),
    )
    assert problems == []
    assert 'href="#c1-caf%25C3%25A9">a' in one.html  # WeasyPrint decodes it once
    assert 'href="#c1-thé">b' in one.html
    assert 'href="#c1">c' in one.html  # neither way: the chapter


def test_links_outside_the_book() -> None:
    html = (
        '<p><a href="https://example.com/x">web</a> <a href="mailto:a@b.org">mail</a> '
        '<a href="../review/">review</a> <a href="javascript:alert(1)">bad</a></p>'
    )
    (chapter,), _ = prepare(Chapter("One", "one/", html))
    assert 'href="https://example.com/x"' in chapter.html
    assert 'href="mailto:a@b.org"' in chapter.html
    # a page not in the book, on a site whose address is unknown: text stays, link goes
    assert "<p>" in chapter.html and ">review<" not in chapter.html and "review" in chapter.html
    assert "javascript" not in chapter.html and "bad" in chapter.html
    (chapter,), _ = prepare(Chapter("One", "one/", html), site_url="https://course.example/")
    assert 'href="https://course.example/review/"' in chapter.html


def test_tabs_are_laid_out_one_after_another_under_headings() -> None:
    (chapter,), _ = prepare(Chapter("One", "", f"<h2 id='x'>Contact</h2>{TABS}"))
    html = chapter.html
    assert "<input" not in html and "tabbed-set" not in html
    assert '<h3 class="cb-tab__label">Email</h3>' in html
    assert '<h3 class="cb-tab__label">Phone <em>call</em></h3>' in html
    assert html.index("Email") < html.index("Write it.") < html.index("Phone")
    assert html.index("Phone") < html.index("Say it.")


def test_details_open_into_admonitions_and_web_only_parts_go() -> None:
    html = (
        '<h1 id="t">T<a class="headerlink" href="#t" title="Permanent link">¶</a></h1>'
        '<details class="note"><summary>More</summary><p>Inside.</p></details>'
        '<ul class="task-list"><li class="task-list-item"><label class="task-list-control">'
        '<input type="checkbox" disabled checked/><span class="task-list-indicator"></span></label> Done</li></ul>'
        "<script>var x = 1;</script><button>Press</button>"
    )
    (chapter,), _ = prepare(Chapter("T", "", html))
    out = chapter.html
    assert "¶" not in out and "headerlink" not in out
    assert "<details" not in out
    assert (
        '<div class="admonition note"><p class="admonition-title">More</p><p>Inside.</p></div>'
        in out
    )
    assert "☑" in out and "<input" not in out
    assert "<script" not in out and "Press" not in out


def test_images_resolve_to_files_or_are_reported(tmp_path: Path) -> None:
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "a.png").write_bytes(b"png")
    (chapter,), problems = prepare(
        Chapter(
            "Deep",
            "more/deep/",
            '<p><img alt="A" src="../../img/a.png"> <img alt="Gone" src="x.png"></p>',
        ),
        asset_dirs=(tmp_path,),
    )
    assert f'src="{(tmp_path / "img" / "a.png").as_uri()}"' in chapter.html
    assert "[Gone]" in chapter.html
    assert problems == ["Deep (more/deep/): image 'x.png' not found"]


def test_a_chapter_without_a_heading_gets_its_title() -> None:
    (chapter,), _ = prepare(Chapter("Plain page", "plain/", "<p>Text</p>"))
    assert chapter.html.startswith('<h1 id="c1-title">Plain page</h1>')


def test_fingerprint_follows_every_input(tmp_path: Path) -> None:
    image = tmp_path / "a.png"
    image.write_bytes(b"one")
    page = Chapter("One", "", '<img src="a.png">')
    book = Book(title="T", chapters=(page,), asset_dirs=(tmp_path,))
    key = fingerprint(book, "print")
    assert fingerprint(book, "print") == key
    assert fingerprint(Book(title="T", chapters=(page,), asset_dirs=(tmp_path,)), "print") == key
    assert fingerprint(book, "fillable") != key
    assert (
        fingerprint(Book(title="T", chapters=(page,), asset_dirs=(tmp_path,), client="A"), "print")
        != key
    )
    both = fingerprints(book, ["print", "fillable"])
    assert both == {"print": key, "fillable": fingerprint(book, "fillable")}
    image.write_bytes(b"two")
    assert fingerprint(book, "print") != key


@pytest.mark.parametrize(
    "html",
    [
        "<img src=\"a.png\"><img src='b.png'><img src=c.png>",
        "<IMG SRC=\"a.png\"><img Src = 'b.png'><img data-src=c.png>",
        # letters that lower-case to two: offsets in the lower-cased page would be off
        "İİİ <img src=\"a.png\"> İ<img SRC='b.png'> <video poster=x src=c.png>",
    ],
)
def test_every_image_a_chapter_names_is_in_the_key(tmp_path: Path, html: str) -> None:
    for name in ("a.png", "b.png", "c.png"):
        (tmp_path / name).write_bytes(b"one")
    book = Book(title="T", chapters=(Chapter("One", "", html),), asset_dirs=(tmp_path,))
    key = fingerprint(book, "print")
    for name in ("a.png", "b.png", "c.png"):
        (tmp_path / name).write_bytes(b"two")
        assert fingerprint(book, "print") != key, name
        key = fingerprint(book, "print")
    # "src" inside another name is not an address
    (tmp_path / "d.png").write_bytes(b"one")
    other = Book(
        title="T", chapters=(Chapter("One", "", '<img xsrc="d.png">'),), asset_dirs=(tmp_path,)
    )
    key = fingerprint(other, "print")
    (tmp_path / "d.png").write_bytes(b"two")
    assert fingerprint(other, "print") == key


def test_pdf_names_escape_what_a_name_cannot_hold() -> None:
    assert pdf_name("curious") == "curious"
    assert pdf_name("In a hurry") == "In#20a#20hurry"
    assert pdf_name("a/b#c") == "a#2Fb#23c"
    assert pdf_name("café") == "caf#C3#A9"


def test_a_worksheets_heading_and_introduction_stay_with_it() -> None:
    html = (
        "<h2>Earlier</h2><p>Far away.</p><p>Not the lead.</p>"
        '<h2 id="ws">Worksheet: plan</h2><p class="note">Fill this in.</p><p>Then go on.</p>'
        '<div class="cb-worksheet-block"><form data-worksheet="plan"></form></div>'
    )
    (chapter,) = prepare_chapters(
        Book(title="T", chapters=(Chapter("One", "", html),)),
        lambda worksheet_id: '<section class="cb-ws">the sheet</section>',
    )
    assert '<h2 id="c1-ws" class="cb-lead">Worksheet: plan</h2>' in chapter.html
    assert '<p class="cb-lead note">Fill this in.</p><p class="cb-lead">Then go on.</p>' in (
        chapter.html
    )
    assert "<p>Not the lead.</p>" in chapter.html and "<h2>Earlier</h2>" in chapter.html


def test_elements_nested_too_deep_are_kept_as_their_text_and_the_page_named() -> None:
    """Copying a tree for the second variant, writing it out and laying it out all recurse:
    past ``MAX_NESTING`` levels a page keeps its words, in order, without the nesting."""
    from coursebook.pdf.chapters import MAX_NESTING, prepare_variants

    words = [f"w{n}" for n in range(5_000)]
    deep = "".join(f"<div><em>{word}</em> " for word in words) + "</div>" * len(words)
    book = Book(
        title="T", chapters=(Chapter("Deep", "deep/", deep), Chapter("Flat", "", "<p>x</p>"))
    )
    problems: list[str] = []
    prepared = prepare_variants(
        book, {"fillable": lambda _: None, "print": lambda _: None}, problems.append
    )
    assert problems == [
        f"Deep (deep/): elements nested over {MAX_NESTING} deep are kept as their text alone"
    ]
    for chapter, _flat in prepared.values():
        assert chapter.html.count("<div>") <= MAX_NESTING
        assert re.sub(r"<[^>]+>", " ", chapter.html).split() == ["Deep", *words]  # + its title


def test_a_tree_within_the_limit_is_left_alone_and_text_comes_in_document_order() -> None:
    from coursebook.pdf.chapters import _text_of, flatten_deep, parse_fragment, serialize_children

    body = parse_fragment(
        "<p>a<b>b<i>c</i>d<!-- note -->e</b>f</p><ul><li>g<ul><li>h</li></ul></li></ul>"
    )
    before = serialize_children(body)
    assert not flatten_deep(body, limit=4)
    assert serialize_children(body) == before
    assert _text_of(body) == "abcdefgh"  # in order, tails included; the comment gives none
    assert flatten_deep(body, limit=2)
    assert serialize_children(body) == "<p>a<b>bcde</b>f</p><ul><li>gh</li></ul>"
