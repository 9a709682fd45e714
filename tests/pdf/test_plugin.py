"""The ``workbook`` plugin in real builds: links, the cache, serve, and personalised workbooks."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from urllib.parse import urljoin

import pytest
from coursebook.answers import new_answers
from coursebook.mkdocs_plugins.workbook.plugin import (
    KEPT_WARNINGS_BYTES,
    _kept_warnings,
    _public_url,
)
from mkdocs.commands.build import build
from mkdocs.config import load_config
from PIL import Image
from pypdf import PdfReader

from tests.pdf.conftest import PDFSITE, Course, build_verbose, copy_project, set_workbook_options

DOWNLOAD = re.compile(r'<p class="cb-workbook-download">(.*?)</p>', re.S)


def html_pages(site: Path) -> list[Path]:
    return [p for p in site.rglob("*.html") if p.name != "404.html"]


def test_every_page_links_both_pdfs(any_course: Course) -> None:
    pages = html_pages(any_course.site)
    assert len(pages) >= 3
    for page in pages:
        block = DOWNLOAD.search(page.read_text(encoding="utf-8"))
        assert block, f"{page} has no workbook download links"
        hrefs = re.findall(r'<a href="([^"]+)" download>', block.group(1))
        assert len(hrefs) == 2
        base = page.relative_to(any_course.site).as_posix()
        targets = {urljoin(f"http://site.invalid/{base}", h) for h in hrefs}
        # relative links, so they work under any base URL and from any folder
        assert all(not h.startswith(("/", "http")) for h in hrefs)
        assert targets == {
            "http://site.invalid/workbook.pdf",
            "http://site.invalid/workbook-print.pdf",
        }


def test_warm_rebuild_reuses_the_cached_pdfs(pdfsite_whole: Course, tmp_path: Path) -> None:
    pdfsite = pdfsite_whole
    assert "building the fillable and print PDF" in pdfsite.log
    cache = pdfsite.project / ".cache" / "plugin" / "workbook"
    before = {p.name: p.stat().st_mtime_ns for p in cache.glob("*.pdf")}
    assert len(before) == 2
    again = build_verbose(pdfsite.project / "mkdocs.yml", tmp_path / "site")
    assert again.returncode == 0, again.log
    assert "fillable PDF unchanged, reused from the cache" in again.log
    assert "print PDF unchanged, reused from the cache" in again.log
    assert "building the" not in again.log
    assert {p.name: p.stat().st_mtime_ns for p in cache.glob("*.pdf")} == before
    for name in ("workbook.pdf", "workbook-print.pdf"):
        assert (tmp_path / "site" / name).read_bytes() == (pdfsite.site / name).read_bytes()


def test_a_changed_page_rebuilds(tmp_path: Path) -> None:
    project = copy_project(PDFSITE, tmp_path / "project")
    config = project / "mkdocs.yml"
    set_workbook_options(config, variants=["print"])
    first = build_verbose(config, tmp_path / "one")
    assert first.returncode == 0, first.log
    assert "building the print PDF" in first.log
    page = project / "docs" / "more" / "deep.md"
    page.write_text(page.read_text() + "\nA sentence added later.\n")
    second = build_verbose(config, tmp_path / "two")
    assert "building the print PDF" in second.log
    text = "".join(
        p.extract_text() for p in PdfReader(tmp_path / "two" / "workbook-print.pdf").pages
    )
    assert "A sentence added later." in text
    # variants: only the print PDF exists, and the pages link only to it
    assert not (tmp_path / "two" / "workbook.pdf").exists()
    block = DOWNLOAD.search((tmp_path / "two" / "index.html").read_text())
    assert block and "workbook-print.pdf" in block.group(1) and "workbook.pdf" not in block.group(1)
    # a problem met making the PDF is said again when the PDF is reused: --strict still fails
    page.write_text(page.read_text() + '\n<img src="not-there.png" alt="Gone">\n')
    problem = "image 'not-there.png' not found"
    for build_dir, made in (("three", "building the print PDF"), ("four", "print PDF unchanged")):
        strict = build_verbose(config, tmp_path / build_dir)
        assert made in strict.log
        assert strict.returncode == 1 and [w for w in strict.warnings if problem in w], strict.log
    # a --dirty build renders only the changed page: the PDF is kept, not remade without the rest
    pdf = (tmp_path / "two" / "workbook-print.pdf").read_bytes()
    page.write_text(page.read_text() + "\nAnother sentence.\n")
    dirty = build_verbose(config, tmp_path / "two", strict=False, extra=("--dirty",))
    assert dirty.returncode == 0, dirty.log
    assert "the PDFs are not rebuilt" in dirty.log
    assert (tmp_path / "two" / "workbook-print.pdf").read_bytes() == pdf


def test_warnings_kept_beside_a_cached_pdf_are_read_as_untrusted(tmp_path: Path) -> None:
    """The cache folder may come with a course from elsewhere: what it says is shown as
    plain lines, and anything not ours is ignored."""
    pdf = tmp_path / "print-abc.pdf"
    kept = tmp_path / "print-abc.warnings.json"
    assert _kept_warnings(pdf) == []  # none kept
    kept.write_text(json.dumps({"pdf": pdf.name, "warnings": ["One (a/): \x1b[31mred\nline", 7]}))
    assert _kept_warnings(pdf) == ["One (a/): \ufffd[31mred\ufffdline"]
    for other in (
        {"pdf": "fillable-abc.pdf", "warnings": ["for another PDF"]},
        {"pdf": pdf.name, "warnings": "not a list"},
        ["not", "a", "record"],
        {"pdf": pdf.name, "warnings": ["x" * 100]} | {"padding": "y" * KEPT_WARNINGS_BYTES},
    ):
        kept.write_text(json.dumps(other))
        assert _kept_warnings(pdf) == [], other
    kept.write_bytes(b"\xff{not json")
    assert _kept_warnings(pdf) == []


def test_serve_skips_the_pdfs_unless_asked(tmp_path: Path) -> None:
    project = copy_project(PDFSITE, tmp_path / "project")
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(tmp_path / "served"))
    config.plugins.on_startup(command="serve", dirty=False)
    build(config)
    assert not (tmp_path / "served" / "workbook.pdf").exists()
    assert "cb-workbook-download" not in (tmp_path / "served" / "index.html").read_text()

    set_workbook_options(project / "mkdocs.yml", build_on_serve=True, variants=["print"])
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(tmp_path / "served2"))
    config.plugins.on_startup(command="serve", dirty=False)
    build(config)
    assert (tmp_path / "served2" / "workbook-print.pdf").is_file()

    # and enabled: false turns everything off, in a plain build too
    text = (project / "mkdocs.yml").read_text()
    (project / "mkdocs.yml").write_text(text.replace('"build_on_serve": true', '"enabled": false'))
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(tmp_path / "off"))
    build(config)
    assert not list((tmp_path / "off").glob("*.pdf"))
    assert "cb-workbook-download" not in (tmp_path / "off" / "index.html").read_text()


ANSWERS = {
    "name": "Ada Lovelace",
    "story": "I started in nursing.\nNow I want product work.",
    "industries": ["health tech", "", "insurance"],
    "sources": ["LinkedIn Learning", "alumni"],
    "stance": "In a hurry",
    "confidence": 3,
    "deadline": "2025-06-30",
    "log": [
        {"who": "Grace", "when": "2025-05-02", "notes": "Met for coffee", "thanked": True},
        {"who": "Linus", "when": "", "notes": "", "thanked": False},
        {"who": "Ken", "when": "", "notes": "", "thanked": False},
        {
            "who": "Barbara",
            "when": "",
            "notes": "Fourth row: more than the PDF has",
            "thanked": True,
        },
    ],
}


BRANDING = """
extra:
  coursebook:
    subtitle: Coaching notes for the brave
    coach:
      name: Sam Rivera
      email: sam@example.org
      website: https://coach.example.org
    colors:
      primary: "#00695c"
"""


@pytest.fixture(scope="module")
def personal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture course built for one client with her answers, on Letter paper, branded for
    a coach (logo, contact, colours) and with another font."""
    root = tmp_path_factory.mktemp("personal")
    project = copy_project(PDFSITE, root / "project")
    answers = new_answers(
        "pdf-fixture-course",
        {"practice": {"version": 1, "updated": None, "values": ANSWERS}},
    )
    (project / "ada.json").write_text(json.dumps(answers), encoding="utf-8")
    set_workbook_options(
        project / "mkdocs.yml",
        client="Ada Lovelace",
        answers="ada.json",
        paper_size="Letter",
        font_family="DejaVu Serif",
        cover={"date": "Spring 2025", "logo": "images/chart.png"},
    )
    with (project / "mkdocs.yml").open("a", encoding="utf-8") as config:
        config.write(BRANDING)
    built = build_verbose(project / "mkdocs.yml", root / "site")
    assert built.returncode == 0, built.log
    return root / "site"


def test_answers_are_prefilled_and_still_fields(personal: Path) -> None:
    fields = PdfReader(personal / "workbook.pdf").get_fields() or {}
    values = {name: field.get("/V") for name, field in fields.items()}
    assert values["practice:name"] == "Ada Lovelace"
    assert values["practice:story"] == "I started in nursing.\nNow I want product work."
    assert values["practice:industries:1"] == "health tech"
    assert values["practice:industries:2"] == ""
    assert values["practice:industries:3"] == "insurance"
    # a ticked checklist box's state is its option's value: the PDF says what was ticked
    assert values["practice:sources:1"] == "/LinkedIn Learning"
    assert values["practice:sources:2"] == "/alumni"
    assert values["practice:stance"] == "/In a hurry"
    assert values["practice:confidence"] == "/3"
    assert values["practice:deadline"] == "2025-06-30"
    assert values["practice:log:1:thanked"] == "/on"
    assert values["practice:log:2:thanked"] == "/Off"
    # room for every answer: the table grew a fourth row
    assert values["practice:log:4:notes"] == "Fourth row: more than the PDF has"
    assert values["practice:log:4:thanked"] == "/on"


def test_print_variant_typesets_the_answers(personal: Path) -> None:
    reader = PdfReader(personal / "workbook-print.pdf")
    text = "\n".join(page.extract_text() for page in reader.pages)
    for answer in (
        "Ada Lovelace",
        "I started in nursing.",
        "Now I want product work.",
        "health tech",
        "insurance",
        "2025-06-30",
        "Met for coffee",
        "Fourth row: more than the PDF has",
    ):
        assert answer in text
    assert "Prepared for Ada Lovelace" in reader.pages[0].extract_text()


def test_cover_footer_paper_and_font_follow_the_options(personal: Path) -> None:
    for name in ("workbook.pdf", "workbook-print.pdf"):
        reader = PdfReader(personal / name)
        cover = reader.pages[0]
        text = cover.extract_text()
        for expected in (
            "Prepared for Ada Lovelace",
            "Coaching notes for the brave",  # subtitle from the branding
            "Sam Rivera",
            "sam@example.org",
            "coach.example.org",
            "Spring 2025",
        ):
            assert expected in text
        uris = [a.get_object()["/A"]["/URI"] for a in cover.get("/Annots") or []]
        assert {"mailto:sam@example.org", "https://coach.example.org"} <= set(uris)
        logos = cover["/Resources"]["/XObject"].values()
        assert any(x.get_object().get("/Subtype") == "/Image" for x in logos)
        box = cover.mediabox
        assert (round(float(box.width)), round(float(box.height))) == (612, 792)
        assert "Prepared for Ada Lovelace · Sam Rivera" in reader.pages[3].extract_text()
        assert reader.metadata is not None and reader.metadata.author == "Sam Rivera"
        fonts = {
            str(font.get_object()["/BaseFont"])
            for page in reader.pages
            for font in (page["/Resources"].get("/Font") or {}).values()
        }
        assert any("DejaVu-Serif" in f for f in fonts), fonts


def test_answers_the_workbook_cannot_place_are_reported(tmp_path: Path) -> None:
    project = copy_project(PDFSITE, tmp_path / "project")
    answers = new_answers(
        "pdf-fixture-course",
        {
            "practice": {"version": 1, "updated": None, "values": {"gone": "x", "name": "Ada"}},
            "retired-sheet": {"version": 1, "updated": None, "values": {"a": "b"}},
        },
    )
    (project / "old.json").write_text(json.dumps(answers), encoding="utf-8")
    set_workbook_options(project / "mkdocs.yml", answers="old.json", variants=["print"])
    built = build_verbose(project / "mkdocs.yml", tmp_path / "site", strict=False)
    assert built.returncode == 0, built.log
    # kept in the file, named in the build's log (so --strict fails)
    assert "old.json: worksheet “practice” has no field “gone”; the answer is kept" in built.log
    assert "old.json: this course has no worksheet “retired-sheet”" in built.log
    assert len(built.warnings) == 2


def test_a_broken_answers_file_stops_the_build_with_its_name(tmp_path: Path) -> None:
    project = copy_project(PDFSITE, tmp_path / "project")
    (project / "bad.json").write_text('{"format": "coursebook-answers",\n  "version": 1,,}')
    set_workbook_options(project / "mkdocs.yml", answers="bad.json")
    built = build_verbose(project / "mkdocs.yml", tmp_path / "site")
    assert built.returncode != 0
    assert "workbook: bad.json: not readable as JSON text" in built.log


def test_a_local_preview_address_never_ends_up_in_the_pdf() -> None:
    assert _public_url("https://courses.ana-lima.net/") == "https://courses.ana-lima.net/"
    for nowhere in (
        "http://127.0.0.1:8000/",
        "http://localhost:8000/",
        None,
        "",
        "https://informational-interviews.example.org/",  # a placeholder, reserved for examples
        "https://course.example/",
    ):
        assert _public_url(nowhere) is None


def widget_pixels(pdf: Path, name: str, tmp_path: Path) -> tuple[int, int]:
    """Dark and total pixels inside the widget of field ``name``, as poppler draws the page."""
    reader = PdfReader(pdf)
    for number, page in enumerate(reader.pages):
        for annotation in page.get("/Annots") or []:
            widget = annotation.get_object()
            if widget.get("/T") == name:
                x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
                height = float(page.mediabox.height)
                stem = tmp_path / f"w{number}"
                pages = ["-f", str(number + 1), "-l", str(number + 1)]
                run = subprocess.run(
                    ["pdftoppm", "-png", "-r", "144", *pages, str(pdf), str(stem)],
                    capture_output=True,
                    text=True,
                )
                assert run.returncode == 0 and run.stderr == "", run.stderr
                (png,) = tmp_path.glob(f"{stem.name}*.png")
                image = Image.open(png).convert("L")
                scale = 144 / 72
                left, right = sorted((x1 * scale, x2 * scale))
                top, bottom = sorted(((height - y1) * scale, (height - y2) * scale))
                inset = (right - left) * 0.25  # inside the border
                box = image.crop((left + inset, top + inset, right - inset, bottom - inset))
                histogram = box.histogram()
                return sum(histogram[:128]), sum(histogram)
    raise AssertionError(f"no widget named {name}")


def test_prefilled_ticks_are_drawn_by_poppler(personal: Path, tmp_path: Path) -> None:
    ticked, total = widget_pixels(personal / "workbook.pdf", "practice:sources:1", tmp_path)
    (tmp_path / "b").mkdir()
    empty, _ = widget_pixels(personal / "workbook.pdf", "practice:log:2:thanked", tmp_path / "b")
    assert empty == 0
    assert ticked > total * 0.05
