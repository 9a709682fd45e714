"""Both workbook PDFs of both courses, read back with pypdf and rendered with poppler."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from coursebook.answers import build_contract
from coursebook.answers.fields import pdf_field_names
from coursebook.pdf.extract import extract_answers
from coursebook.project import Project
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import Destination, StreamObject

from tests.pdf.conftest import Course

MULTILINE = 1 << 12
RADIO = 1 << 15


def expected_fields(course: Course) -> dict[str, str]:
    names: dict[str, str] = {"client": "text"}  # the cover's name field
    for worksheet in course.worksheets.values():
        names.update(pdf_field_names(worksheet))
    return names


def kind(field: Any) -> str:
    flags = int(field.get("/Ff", 0))
    if field.get("/FT") == "/Tx":
        return "multiline" if flags & MULTILINE else "text"
    if field.get("/FT") == "/Btn":
        return "radio" if flags & RADIO else "checkbox"
    return str(field.get("/FT"))


def top_outline(reader: PdfReader) -> list[str]:
    return [item.title for item in reader.outline if isinstance(item, Destination)]


def page_of(reader: PdfReader, text: str) -> int:
    for number, page in enumerate(reader.pages):
        if text in page.extract_text():
            return number
    raise AssertionError(f"no page shows {text!r}")


def render(pdf: Path, page: int, tmp_path: Path) -> Image.Image:
    """One page as pixels, by poppler's pdftoppm (page counts from 0)."""
    stem = tmp_path / f"{pdf.stem}-{page}"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", "-f", str(page + 1), "-l", str(page + 1), pdf, stem],
        check=True,
    )
    (png,) = tmp_path.glob(f"{stem.name}*.png")
    return Image.open(png).convert("L")


def ink(image: Image.Image) -> float:
    """Share of pixels that are not white."""
    histogram = image.histogram()
    return 1 - sum(histogram[245:]) / sum(histogram)


def test_both_pdfs_exist_with_pages(any_course: Course) -> None:
    for reader in (any_course.fillable, any_course.printable):
        assert len(reader.pages) > 2  # cover, contents, chapters


def test_default_fillable_pdf_stays_small(course: Course) -> None:
    assert (course.site / "workbook.pdf").stat().st_size < 1_500_000


def test_outline_is_the_nav_chapters(any_course: Course) -> None:
    assert any_course.chapters, "the course has chapters"
    assert "Web only" not in any_course.chapters  # pdf: false in its front matter
    assert top_outline(any_course.fillable) == any_course.chapters
    assert top_outline(any_course.printable) == any_course.chapters


def test_every_worksheet_field_is_an_acroform_field(any_course: Course) -> None:
    fields = any_course.fillable.get_fields() or {}
    expected = expected_fields(any_course)
    assert expected, "the course has worksheets"
    assert {name: kind(fields[name]) for name in fields} == expected


def test_radio_groups_are_one_field_with_kids(any_course: Course) -> None:
    fields = any_course.fillable.get_fields() or {}
    radios = [f for f in fields.values() if kind(f) == "radio"]
    assert radios
    for field in radios:
        kids = [k.get_object() for k in field["/Kids"]]
        assert len(kids) >= 2
        assert all("/T" not in kid for kid in kids)
    # the widgets used to appear a second time as "<group>.<group>"
    assert not any("." in name for name in fields)


def test_radio_states_are_the_option_values(pdfsite: Course) -> None:
    fields = pdfsite.fillable.get_fields() or {}
    assert fields["practice:stance"]["/_States_"] == ["/Curious", "/In a hurry"]
    assert fields["practice:confidence"]["/_States_"] == ["/1", "/2", "/3", "/4", "/5"]


def test_text_fields_say_which_row_and_column(pdfsite: Course) -> None:
    fields = pdfsite.fillable.get_fields() or {}
    assert fields["practice:log:2:notes"]["/TU"] == "Conversation 2: Notes"
    assert fields["practice:industries:3"]["/TU"] == "Industry 3"


def test_filled_with_pypdf_and_read_back(pdfsite: Course, tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=pdfsite.site / "workbook.pdf")
    typed = {
        "client": "Ada Lovelace",
        "practice:name": "Ada Lovelace",
        "practice:story": "First line\nSecond line",
        "practice:stance": "/In a hurry",
        "practice:confidence": "/4",
        "practice:sources:2": "/alumni",  # a checklist box's on-state is its option's value
        "practice:log:1:who": "Grace",
        "practice:log:1:thanked": "/on",
    }
    for page in writer.pages:
        writer.update_page_form_field_values(page, typed, auto_regenerate=False)
    out = io.BytesIO()
    writer.write(out)
    fields = PdfReader(io.BytesIO(out.getvalue())).get_fields() or {}
    assert {name: fields[name].get("/V") for name in typed} == typed
    contract = build_contract(pdfsite.worksheets.values(), "pdf-fixture-course")
    found = extract_answers(out.getvalue(), contract, "pdf-fixture-course")
    assert found.answers["client"] == "Ada Lovelace"
    assert found.answers["course"] == "pdf-fixture-course"  # from the workbook's own information
    assert found.answers["worksheets"]["practice"]["values"] == {
        "name": "Ada Lovelace",
        "story": "First line\nSecond line",
        "stance": "In a hurry",
        "confidence": 4,
        "sources": ["alumni"],
        "log": [{"who": "Grace", "when": "", "notes": "", "thanked": True}],
    }
    assert found.notices == [] and found.ignored == []


def test_internal_links_resolve_to_pages(any_course: Course) -> None:
    reader = any_course.fillable
    destinations = reader.named_destinations
    internal = 0
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            link = annotation.get_object()
            if link.get("/Subtype") != "/Link" or "/Dest" not in link:
                continue
            name = str(link["/Dest"])
            assert name in destinations, f"link to {name} goes nowhere"
            assert reader.get_destination_page_number(destinations[name]) >= 0
            internal += 1
    assert internal > len(any_course.chapters)  # at least the contents entries


def link_targets(reader: PdfReader, page: int) -> list[str]:
    targets = []
    for annotation in reader.pages[page].get("/Annots") or []:
        link = annotation.get_object()
        if "/Dest" in link:
            targets.append(str(link["/Dest"]))
        elif "/A" in link and "/URI" in link["/A"]:
            targets.append(str(link["/A"]["/URI"]))
    return targets


def test_cross_page_links_land_on_their_heading(pdfsite: Course) -> None:
    reader = pdfsite.fillable
    welcome = page_of(reader, "This page has the parts")
    targets = link_targets(reader, welcome)
    assert "https://example.com/reference" in targets  # external links stay clickable
    heading = next(t for t in targets if t.endswith("the-practice-worksheet"))
    goal = reader.get_destination_page_number(reader.named_destinations[heading])
    assert goal == page_of(reader, "The practice worksheet")
    # from a page in a subfolder (../index.md#...) back to the first chapter
    deep = page_of(reader, "This page lives in a subfolder")
    back = next(t for t in link_targets(reader, deep) if t.startswith("c1"))
    assert reader.get_destination_page_number(reader.named_destinations[back]) == welcome
    # ids found as a browser finds them: as written ("notes%20raw"), then decoded ("café")
    welcome_targets = set(link_targets(reader, welcome))
    for anchor, heading_text in (("notes%20raw", "Notes kept raw"), ("café", "Notes in café")):
        target = next(t for t in welcome_targets if t.endswith(f"-{anchor}"))
        goal = reader.get_destination_page_number(reader.named_destinations[target])
        assert goal == page_of(reader, heading_text)


def test_a_link_to_a_worksheet_lands_on_it(pdfsite: Course) -> None:
    """The worksheet keeps its web anchor (``#cb-<id>``) in the PDF, where no heading's
    anchor can take it (the build is strict: an anchor defined twice would fail it)."""
    reader = pdfsite.fillable
    page = page_of(reader, "Jump back to")
    target = next(t for t in link_targets(reader, page) if t.endswith("cb-practice"))
    goal = reader.get_destination_page_number(reader.named_destinations[target])
    assert goal == page_of(reader, "of every type.")  # the worksheet's intro


def test_fillable_pdf_is_tagged_with_its_fields(any_course: Course) -> None:
    catalog = any_course.fillable.trailer["/Root"]
    assert "/StructTreeRoot" in catalog
    assert bool(catalog["/AcroForm"]["/NeedAppearances"])


def test_print_pdf_is_tagged_and_has_no_fields(any_course: Course) -> None:
    reader = any_course.printable
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert catalog["/Lang"] == "en"
    assert "/AcroForm" not in catalog
    assert not reader.get_fields()


def test_metadata_names_the_course(any_course: Course) -> None:
    for reader in (any_course.fillable, any_course.printable):
        meta = reader.metadata
        assert meta is not None
        assert meta.title and meta.title in reader.pages[0].extract_text()
        author = Project.load(any_course.project / "mkdocs.yml").settings.get("site_author")
        assert meta.author == author  # the default course names no author: never the tool
        assert "coursebook" not in reader.pages[0].extract_text().lower()
        assert reader.trailer["/Root"]["/Lang"] == "en"


def test_pdfsite_metadata(pdfsite: Course) -> None:
    meta = pdfsite.fillable.metadata
    assert meta is not None
    assert (meta.title, meta.author) == ("PDF Fixture Course", "Test Author")


def test_contents_lists_chapters_with_page_numbers(pdfsite: Course) -> None:
    contents = pdfsite.printable.pages[1].extract_text()
    for title, number in (("Welcome", 3), ("Practice sheet", 4)):
        assert any(
            line.startswith(title) and line.rstrip().endswith(str(number))
            for line in contents.splitlines()
        ), contents


def test_running_header_and_page_numbers(pdfsite: Course) -> None:
    reader = pdfsite.fillable
    last = len(reader.pages) - 1
    second_page_of_sheet = page_of(reader, "How confident are you?")
    text = reader.pages[second_page_of_sheet].extract_text()
    assert "Practice sheet" in text  # the running header
    assert str(second_page_of_sheet + 1) in text.split()
    assert str(last + 1) in reader.pages[last].extract_text().split()


def test_page_content_survives_print(pdfsite: Course) -> None:
    text = "\n".join(page.extract_text() for page in pdfsite.printable.pages)
    for expected in (
        "Admonition body text that must be printed",
        "Hidden on the web until opened",  # <details>, opened
        "First tab",
        "Text of the first tab",
        "Second tab",
        "Text of the second tab",  # hidden on the web until its tab is chosen
        "Read the page",  # a table cell
        "def greet(name):",
        "The footnote text",
        "A done task",
        "Write your answers on the lines",  # /// pdf-only
        "A nested block that stays on paper too.",
        "The last paragraph of the practice page.",
    ):
        assert expected in text
    for web_only in (
        "¶",
        "Export answers",
        "Clear answers",
        "coursebook-config",
        "fillable PDF",
        "they save in this browser",  # /// web-only
    ):
        assert web_only not in text


def test_pdf_only_passages_stay_off_the_site(pdfsite: Course) -> None:
    html = (pdfsite.site / "practice" / "index.html").read_text(encoding="utf-8")
    assert "they save in this browser" in html
    assert "Write your answers on the lines" not in html
    assert "stays on paper too" not in html
    assert "The last paragraph of the practice page." in html


def test_images_are_embedded(pdfsite: Course) -> None:
    reader = pdfsite.printable
    for text in ("This page has the parts", "This page lives in a subfolder"):
        resources = reader.pages[page_of(reader, text)]["/Resources"]
        images = [
            x
            for x in (resources.get("/XObject") or {}).values()
            if x.get_object().get("/Subtype") == "/Image"
        ]
        assert images, f"no image on the page with {text!r}"


@pytest.mark.parametrize("variant", ["workbook.pdf", "workbook-print.pdf"])
def test_cover_and_worksheet_pages_are_not_blank(
    pdfsite: Course, variant: str, tmp_path: Path
) -> None:
    pdf = pdfsite.site / variant
    reader = PdfReader(pdf)
    cover = render(pdf, 0, tmp_path)
    assert ink(cover) > 0.02  # the colour band, the title
    sheet = page_of(reader, "Your story so far")
    assert ink(render(pdf, sheet, tmp_path)) > 0.03
    blank = Image.new("L", cover.size, 255)
    assert ink(blank) == 0


def test_worksheet_field_is_never_split_across_pages(pdfsite: Course) -> None:
    reader = pdfsite.fillable
    fields = reader.get_fields() or {}
    heights = {}
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            widget = annotation.get_object()
            if widget.get("/Subtype") == "/Widget" and "/T" in widget:
                _, y1, _, y2 = (float(v) for v in widget["/Rect"])
                heights[str(widget["/T"])] = abs(y2 - y1)
    # a textarea keeps its whole writing space, 4 lines of 7.5 mm (less its border), in one widget
    assert heights["practice:story"] == pytest.approx(4 * 7.5 / 25.4 * 72 - 1.2, abs=0.5)
    assert set(heights) | {n for n, f in fields.items() if kind(f) == "radio"} == set(fields)


def test_variants_laid_out_side_by_side_are_the_ones_laid_out_in_turn(
    pdfsite_whole: Course, tmp_path: Path
) -> None:
    """The fixture site's PDFs (laid out in two processes when the machine allows) against
    the same site built with one process: the same bytes, apart from the dates and the
    file identifiers."""
    import re

    pdfsite = pdfsite_whole
    if (os.cpu_count() or 1) > 1:
        assert "laying out 2 PDFs in 2 processes" in pdfsite.log
    # built in the same folder (image names in a PDF come from their addresses), laid out
    # again rather than taken from the PDF cache
    shutil.rmtree(pdfsite.project / ".cache")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "COURSEBOOK_PDF_WORKERS": "1"}
    args = [sys.executable, "-m", "mkdocs", "build", "-f", str(pdfsite.project / "mkdocs.yml")]
    run = subprocess.run([*args, "-d", str(tmp_path / "site")], capture_output=True, env=env)
    assert run.returncode == 0, run.stderr
    assert b"processes" not in run.stderr
    varying = re.compile(rb"/(CreationDate|ModDate) \(D:[^)]*\)|/ID \[<[0-9a-f]+> <[0-9a-f]+>\]")
    for name in ("workbook.pdf", "workbook-print.pdf"):
        side_by_side = varying.sub(b"", (pdfsite.site / name).read_bytes())
        in_turn = varying.sub(b"", (tmp_path / "site" / name).read_bytes())
        assert side_by_side == in_turn, name


def page_texts(pdf: Path) -> list[str]:
    """Each page's text as poppler lays it out (footers and contents numbers included).
    Ligatures are spelt out: a font subset maps its "fi" glyph to the text it first drew,
    "ﬁ" or "fi", and the parts have their own subsets."""
    run = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True)
    return unicodedata.normalize("NFKC", run.stdout.decode("utf-8")).split("\f")


def bookmarks(reader: PdfReader, items: list[Any] | None = None) -> list[Any]:
    found: list[Any] = []
    for item in reader.outline if items is None else items:
        if isinstance(item, list):
            found.append(bookmarks(reader, item))
        else:
            found.append((item.title, reader.get_destination_page_number(item)))
    return found


def annotations(reader: PdfReader) -> list[tuple[int, str, str, str]]:
    """Every link and field widget: page, kind, target or name, and the structure element
    it belongs to."""
    tree = reader.trailer["/Root"]["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    parents = dict(zip(tree[::2], tree[1::2], strict=True))
    found = []
    for number, page in enumerate(reader.pages):
        marked = parents[page["/StructParents"]]  # each page's marked content has its elements
        assert all(element.get_object()["/Type"] == "/StructElem" for element in marked)
        for reference in page.get("/Annots") or []:
            annotation = reference.get_object()
            if "/A" in annotation:
                target = annotation["/A"]["/URI"]
            elif "/Parent" in annotation:
                target = annotation["/Parent"].get_object()["/T"]  # a radio button's group
            else:
                target = annotation.get("/Dest") or annotation.get("/T")
            element = parents[annotation["/StructParent"]].get_object()
            kind = str(annotation["/Subtype"])
            found.append((number, kind, str(target), str(element["/S"])))
    return sorted(found)


def objects(reader: PdfReader) -> list[Any]:
    """Every object in use in the file."""
    numbers = set(reader.xref_objStm) | {n for table in reader.xref.values() for n in table}
    return [reader.get_object(number) for number in sorted(numbers)]


def structure(reader: PdfReader) -> list[str]:
    """The tag tree in reading order, as element types."""
    kinds: list[str] = []

    def walk(element: Any) -> None:
        element = element.get_object()
        if isinstance(element, dict) and element.get("/Type") == "/StructElem":
            kinds.append(str(element["/S"]))
            kids = element.get("/K")
            for kid in kids if isinstance(kids, list) else [kids]:
                if kid is not None:
                    walk(kid)

    root = reader.trailer["/Root"]["/StructTreeRoot"]
    for element in root["/K"]:
        walk(element)
    return kinds


@pytest.mark.parametrize("name", ["workbook.pdf", "workbook-print.pdf"])
def test_a_book_laid_out_in_parts_is_the_book_laid_out_whole(
    pdfsite_whole: Course, pdfsite_in_parts: Course, name: str
) -> None:
    """Each chapter laid out on its own and the parts joined: the same pages with the same
    words, page numbers and contents numbers; the same bookmarks, destinations, links,
    fields and tag tree; a file poppler reads without a complaint."""
    chapters = len(pdfsite_whole.chapters)
    assert f"pages in {chapters + 1} parts" in pdfsite_in_parts.log
    whole, parts = pdfsite_whole.site / name, pdfsite_in_parts.site / name
    assert page_texts(parts) == page_texts(whole)
    joined, single = PdfReader(parts, strict=True), PdfReader(whole, strict=True)
    assert bookmarks(joined) == bookmarks(single)
    assert {
        name: joined.get_destination_page_number(dest)
        for name, dest in joined.named_destinations.items()
    } == {
        name: single.get_destination_page_number(dest)
        for name, dest in single.named_destinations.items()
    }
    assert annotations(joined) == annotations(single)
    assert structure(joined) == structure(single)
    assert {k: v.get("/V") for k, v in (joined.get_fields() or {}).items()} == {
        k: v.get("/V") for k, v in (single.get_fields() or {}).items()
    }
    assert joined.metadata == single.metadata
    assert joined.trailer["/Root"]["/Lang"] == single.trailer["/Root"]["/Lang"]
    # each part embeds its own font subsets, but what parts share (images, the form's
    # font embedded whole) is written once
    shared = [
        hashlib.sha256(repr(sorted(stream.items())).encode() + stream.get_data()).hexdigest()
        for stream in objects(joined)
        if isinstance(stream, StreamObject)
        and (stream.get("/Subtype") == "/Image" or "/Length1" in stream)
    ]
    assert len(shared) == len(set(shared))
    assert len(shared) > 2  # images, and the fonts
    render = subprocess.run(
        ["pdftoppm", "-r", "20", "-png", str(parts), str(pdfsite_in_parts.project / "page")],
        capture_output=True,
    )
    assert render.returncode == 0 and render.stderr == b"", render.stderr
