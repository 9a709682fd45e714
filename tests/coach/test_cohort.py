"""A coach's cohort at once: one ``coursebook pdf`` over several answers files, ``answers summary``,
and the coach notes kept out of everything a learner sees.

One batch of four clients and a broken file runs once for the module; the tests read what
it wrote. The course is the fixture site (worksheet ``every-field``, every field type)
with the review page and the workbook plugin, built once.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import Result
from coursebook.cli.pdf import slug
from coursebook.pdf.fill import FillTemplate
from PIL import Image
from pypdf import PdfReader, PdfWriter

from tests.coach.conftest import cli
from tests.conftest import ROOT, fixture_site, mkdocs_build, valid_answers

NOTES = "named person"
"""Words of the fixture worksheet's coach notes, and of no other text of the course."""


def answers(client: str | None, values: dict[str, Any], updated: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "format": "coursebook-answers",
        "version": 1,
        "course": "fixture-course",
        "exported": "2025-05-01T12:00:00.000Z",
        "worksheets": {"every-field": {"version": 2, "updated": updated, "values": values}},
    }
    if client is not None:
        data["client"] = client
    return data


# Every field type across the four clients: one answers all eight questions (two lines of a
# textarea, one long enough to wrap), one has a longer table than the layout's default rows.
CLIENTS: dict[str, tuple[str | None, dict[str, Any], str]] = {
    "ana.json": (
        "Ana Lima",
        {
            "name": "Ana",
            "story": "Nurse for nine years, now looking at health-tech product work "
            "because the ward taught me how software fails the people who use it.\n"
            "Second line.",
            "industries": ["Health tech", "Medical devices", "Public health"],
            "sources": ["LinkedIn", "alumni"],
            "stance": "Curious",
            "confidence": 5,
            "deadline": "2025-05-01",
            "log": [
                {"who": "Dana", "when": "2025-03-20", "notes": "Two\nlines", "thanked": True},
                {"who": "Eli", "when": "", "notes": "", "thanked": False},
            ],
        },
        "2025-04-01T18:05:00.000Z",
    ),
    "soren.json": (
        "Søren Ødegaard",
        {
            "name": "Søren",
            "sources": ["alumni"],
            "stance": "Hurried",
            "confidence": 1,
            "log": [
                {"who": f"Person {n}", "when": "", "notes": "", "thanked": n == 4}
                for n in range(1, 6)
            ],
        },
        "2025-04-02T09:00:00.000Z",
    ),
    "zoe.json": (
        "Zoë Quinn 李",
        {"name": "Zoë «Q» 🎉", "industries": ["a", "", "c", "d", "e"]},
        "2025-04-03T10:30:00.000Z",
    ),
    "dana-answers.json": (None, {"deadline": "2024-02-29"}, "2025-04-04T11:00:00.000Z"),
}
NAMES = {file: client or Path(file).stem for file, (client, _, _) in CLIENTS.items()}
ANSWERED = {"ana.json": 8, "soren.json": 5, "zoe.json": 2, "dana-answers.json": 1}
BROKEN = '{"format": "coursebook-answers", "version": 1, "worksheets": [}'


@dataclass
class Batch:
    config: str
    site: Path
    folder: Path
    out: Path
    result: Result

    def workbook(self, file: str) -> Path:
        return self.out / f"workbook-{slug(NAMES[file])}.pdf"


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Batch:
    """The course built once, then one batch of four clients and a broken file."""
    work = tmp_path_factory.mktemp("cohort")
    project = work / "course"
    fixture_site(project)
    shutil.copy(ROOT / "content" / "review.md", project / "docs" / "review.md")
    config = yaml.safe_load((project / "mkdocs.yml").read_text(encoding="utf-8"))
    config["plugins"] = ["search", *config["plugins"], {"workbook": {"exclude": ["review.md"]}}]
    (project / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    build = mkdocs_build(project / "mkdocs.yml", project / "site")
    assert build.returncode == 0, build.log
    assert build.warnings == [], build.log

    folder = work / "answers"
    folder.mkdir()
    for file, (client, values, updated) in CLIENTS.items():
        data = valid_answers(json.dumps(answers(client, values, updated)))
        (folder / file).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    (folder / "broken.json").write_text(BROKEN, encoding="utf-8")
    out = work / "workbooks"
    result = cli("pdf", "--answers", str(folder), "-o", str(out), "-f", str(project / "mkdocs.yml"))
    return Batch(str(project / "mkdocs.yml"), project / "site", folder, out, result)


def pdf_text(path: Path) -> str:
    """A PDF's page text, without spaces (pypdf spaces out some runs of text)."""
    return "".join("".join(page.extract_text() for page in PdfReader(path).pages).split())


# ---- the batch -----------------------------------------------------------------------


def test_one_broken_file_is_one_line_and_the_others_are_made(batch: Batch) -> None:
    assert batch.result.exit_code == 1
    lines = batch.result.stderr.splitlines()
    broken = [line for line in lines if "broken.json" in line]
    assert broken == [f"{batch.folder / 'broken.json'}: not readable as JSON text"]
    progress = [line for line in lines if line.startswith("[")]
    assert len(progress) == 4
    for file, name in NAMES.items():
        pattern = rf"\[[1-4]/4\] {re.escape(name)}: wrote {re.escape(str(batch.workbook(file)))} \(\d+ KB\) · \d+\.\d s"
        assert [p for p in progress if re.fullmatch(pattern, p)], (name, progress)
    assert re.fullmatch(
        r"done: 4 of 5 workbooks in \d+\.\d s; 1 answers file could not be read", lines[-1]
    )
    assert sorted(p.name for p in batch.out.iterdir()) == [
        "workbook-ana-lima.pdf",
        "workbook-dana-answers.pdf",
        "workbook-soren-odegaard.pdf",
        "workbook-zoe-quinn.pdf",
    ]


def test_every_workbook_gives_back_its_clients_name_and_answers(batch: Batch) -> None:
    for file, (_, values, _) in CLIENTS.items():
        back = cli("answers", "extract", str(batch.workbook(file)), "-f", batch.config)
        assert back.exit_code == 0, back.output
        data = valid_answers(back.stdout)
        assert data["client"] == NAMES[file]
        assert data["worksheets"]["every-field"]["values"] == values, file
        # the name is on the cover, in the name field
        fields = PdfReader(batch.workbook(file)).get_fields() or {}
        assert fields["client"].get("/V") == NAMES[file]


def test_without_force_nothing_is_replaced(batch: Batch) -> None:
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in batch.out.iterdir()}
    again = cli("pdf", "--answers", str(batch.folder), "-o", str(batch.out), "-f", batch.config)
    assert again.exit_code == 1
    assert f"{batch.workbook('ana.json')}: already exists; add --force to replace it" in (
        again.stderr.splitlines()
    )
    assert "building" not in again.stderr  # refused before the long build
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in batch.out.iterdir()} == before


def test_print_batch_typesets_each_clients_answers(batch: Batch, tmp_path: Path) -> None:
    files = [batch.folder / "ana.json", batch.folder / "soren.json"]
    made = cli(
        "pdf", "--print", "--answers", *map(str, files), "-o", str(tmp_path), "-f", batch.config
    )
    assert made.exit_code == 0, made.output
    ana, soren = (
        tmp_path / "workbook-ana-lima-print.pdf",
        tmp_path / "workbook-soren-odegaard-print.pdf",
    )
    assert sorted(tmp_path.iterdir()) == [ana, soren]
    for path in (ana, soren):
        assert not PdfReader(path).get_fields()
    ana_text, soren_text = pdf_text(ana), pdf_text(soren)
    assert "AnaLima" in ana_text and "Medicaldevices" in ana_text and "Dana" in ana_text
    assert "SørenØdegaard" in soren_text and "Person4" in soren_text
    assert "Medicaldevices" not in soren_text  # each has their own answers only


def test_a_filled_copy_is_made_in_milliseconds(batch: Batch) -> None:
    """Each copy is the template plus only what changes; pypdf's own incremental writer
    copied every object first (0.15 CPU s on this small course, 1 s on the default one)."""
    blank = (batch.site / "workbook.pdf").read_bytes()
    template = FillTemplate(blank)
    values = {"every-field:name": "Ana", "every-field:stance": "Curious"}
    started = time.process_time()
    for _ in range(5):
        filled = template.fill(values, {"CoursebookClient": "Ana"})
    assert (time.process_time() - started) / 5 < 0.03
    assert filled.startswith(blank)
    # the name field, the stance group and its two buttons, the information, the xref stream
    assert len(re.findall(rb"^\d+ 0 obj\n", filled[len(blank) :], re.MULTILINE)) == 6
    fields = PdfReader(io.BytesIO(filled)).get_fields() or {}
    assert fields["every-field:name"]["/V"] == "Ana"
    assert fields["every-field:stance"]["/V"] == "/Curious"


def test_a_template_with_a_cross_reference_table_is_filled_too(batch: Batch) -> None:
    """WeasyPrint writes a cross-reference stream; a template rewritten with a classic table
    (as pypdf writes) gets an update of that kind, and reads back the same."""
    rewritten = io.BytesIO()
    PdfWriter(clone_from=batch.site / "workbook.pdf").write(rewritten)
    assert b"\ntrailer" in rewritten.getvalue()[-2000:]
    filled = FillTemplate(rewritten.getvalue()).fill(
        {"every-field:story": "two\nlines", "every-field:sources:2": True, "client": "Zoë"},
        {"CoursebookClient": "Zoë"},
    )
    reader = PdfReader(io.BytesIO(filled))
    fields = reader.get_fields() or {}
    assert fields["every-field:story"]["/V"] == "two\nlines"
    assert fields["every-field:sources:2"]["/V"] == "/alumni"
    assert fields["client"]["/V"] == "Zoë"
    assert reader.metadata is not None and reader.metadata["/CoursebookClient"] == "Zoë"
    assert filled.rstrip().endswith(b"%%EOF") and b"\ntrailer" in filled[-2000:]


# ---- the filled appearance --------------------------------------------------------------


def ink(path: Path, field: str, tmp_path: Path, state: str | None = None) -> tuple[int, int]:
    """Dark pixels inside a field's box (for a radio group, the button of ``state``), as
    poppler draws the PDF at 100 dpi, and how many separate lines of them there are."""
    reader = PdfReader(path)
    for number, page in enumerate(reader.pages, start=1):
        for annotation in page.get("/Annots", []):
            widget = annotation.get_object()
            parent = widget.get("/Parent")
            name = widget.get("/T") if parent is None else parent.get_object().get("/T")
            states = widget.get("/AP", {}).get("/N", {})
            if name != field or (state is not None and state not in states):
                continue
            stem = tmp_path / f"{path.stem}-{number}"
            if not stem.with_suffix(".pgm").exists():
                subprocess.run(
                    ["pdftoppm", "-r", "100", "-gray", "-singlefile", "-f", str(number),
                     "-l", str(number), str(path), str(stem)],
                    check=True,
                )  # fmt: skip
            image = Image.open(stem.with_suffix(".pgm"))
            scale, height = 100 / 72, float(page.mediabox.height)
            xs, ys = (
                [float(v) for v in widget["/Rect"][::2]],
                [float(v) for v in widget["/Rect"][1::2]],
            )
            x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
            box = (
                int(x0 * scale) + 3,
                int((height - y1) * scale) + 3,
                int(x1 * scale) - 3,
                int((height - y0) * scale) - 3,
            )
            pixels = image.crop(box)
            gray, width = pixels.convert("L").tobytes(), pixels.width
            dark = [[v < 110 for v in gray[r : r + width]] for r in range(0, len(gray), width)]
            inked = [any(row) for row in dark]
            lines = sum(1 for r, on in enumerate(inked) if on and (r == 0 or not inked[r - 1]))
            return sum(sum(row) for row in dark), lines
    raise AssertionError(f"no widget {field} in {path}")


def test_filled_values_look_as_in_a_single_clients_layout(batch: Batch, tmp_path: Path) -> None:
    """Poppler draws each filled field of a batch workbook as in the workbook laid out for
    that client alone: about as much ink in each box, and the long answer wrapped."""
    single = tmp_path / "single.pdf"
    made = cli(
        "pdf", "--answers", str(batch.folder / "ana.json"), "-o", str(single), "-f", batch.config
    )
    assert made.exit_code == 0, made.output
    filled, blank = batch.workbook("ana.json"), batch.site / "workbook.pdf"
    for field, state in (
        ("every-field:name", None),
        ("every-field:story", None),
        ("every-field:industries:2", None),
        ("every-field:sources:1", None),
        ("every-field:stance", "/Curious"),
        ("every-field:log:1:thanked", None),
    ):
        ours, lines = ink(filled, field, tmp_path, state)
        theirs, their_lines = ink(single, field, tmp_path, state)
        empty, _ = ink(blank, field, tmp_path, state)
        assert ours > empty + 10, (field, ours, empty)
        assert abs(ours - theirs) <= 0.2 * max(ours, theirs), (field, ours, theirs)
        assert lines == their_lines, (field, lines, their_lines)
        if field == "every-field:story":
            assert lines >= 3  # two lines of answer, the first wrapped


# ---- answers summary ----------------------------------------------------------------------


def test_summary_has_one_row_per_client(batch: Batch) -> None:
    result = cli("answers", "summary", str(batch.folder), "-f", batch.config)
    assert result.exit_code == 1  # the broken file
    assert result.stderr.splitlines() == [
        f"{batch.folder / 'broken.json'}: not readable as JSON text",
        "1 of 5 files could not be read",
    ]
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["client", "1", "last", "change"]
    rows = lines[1 : lines.index("")]
    assert len(rows) == 4
    for file, name in NAMES.items():
        updated = CLIENTS[file][2]
        when = f"{updated[:10]} {updated[11:16]} UTC"
        [row] = [r for r in rows if r.startswith(name + " ")]
        assert row.split()[-4:] == [f"{ANSWERED[file]}/8", *when.split()], row
    assert lines[-1] == "1  Every field type"


def test_summary_csv_is_one_row_per_client(batch: Batch) -> None:
    result = cli("answers", "summary", str(batch.folder), "--csv", "-f", batch.config)
    assert result.exit_code == 1
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["file"] for r in rows] == sorted(CLIENTS)
    for row in rows:
        file = row["file"]
        updated = CLIENTS[file][2]
        assert row == {
            "client": NAMES[file],
            "file": file,
            "Every field type": f"{ANSWERED[file]}/8",
            "last change": f"{updated[:10]} {updated[11:16]} UTC",
        }


# ---- coach notes --------------------------------------------------------------------------


def test_coach_notes_are_shown_to_the_coach_and_can_be_left_out(batch: Batch) -> None:
    path = str(batch.folder / "ana.json")
    shown = cli("answers", "show", path, "-f", batch.config)
    assert shown.exit_code == 0, shown.output
    assert "> **Look for** a story with a " + NOTES + " in it." in shown.stdout
    left_out = cli("answers", "show", path, "--no-coach-notes", "-f", batch.config)
    assert left_out.exit_code == 0, left_out.output
    assert NOTES not in left_out.stdout
    assert "Nurse for nine years" in left_out.stdout


def test_coach_notes_are_in_no_learner_page_no_search_result_and_no_pdf(
    batch: Batch, tmp_path: Path
) -> None:
    pages = sorted(batch.site.rglob("*.html"))
    review = batch.site / "review" / "index.html"
    assert review in pages and NOTES in review.read_text(encoding="utf-8")  # the coach's page
    assert [p for p in pages if p != review and NOTES in p.read_text(encoding="utf-8")] == []
    # search results show snippets of any page, the review page's included
    index = (batch.site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert NOTES not in index
    made = cli(
        "pdf", "--print", "--answers", str(batch.folder / "zoe.json"), "-o",
        str(tmp_path / "zoe.pdf"), "-f", batch.config,
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    pdfs = [
        batch.site / "workbook.pdf",
        batch.site / "workbook-print.pdf",
        tmp_path / "zoe.pdf",
        *batch.out.iterdir(),
    ]
    for pdf in pdfs:
        text = pdf_text(pdf)
        assert "Everyfieldtype" in text, pdf  # the worksheet is there ...
        assert "namedperson" not in text, pdf  # ... without its notes
