"""Category 3: resource exhaustion.

Inputs built to take a process's memory or time: YAML alias bombs and deep nesting in a
worksheet and in ``mkdocs.yml``, files past the size limits, deep and huge answers files,
filled PDFs with enormous row numbers, thousands of fields or deeply nested document
information, a page that repeats one worksheet block twenty thousand times, and single
enormous words in a page and in answers for the print PDF. Each runs in its own process,
killed at 30 s; each must end by itself within 30 s, under 1 GiB, with one line naming
the file (and the place) where it is refused, and no traceback.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from tests.conftest import FIXTURES
from tests.hostile.helpers import (
    CONTRACT,
    Run,
    copy_course,
    coursebook,
    form_pdf,
    mkdocs,
    run_limited,
)

BACKGROUND_RANK = 30
PLAN = "id: plan\ntitle: Plan\nversion: 1\nsections:\n  - title: Next\n    fields:\n"


def bomb(levels: int = 12) -> str:
    """'Billion laughs': each alias doubles ten times over; a tiny file, 10**12 values."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for n in range(1, levels):
        lines.append(f"a{n}: &a{n} [" + ",".join([f"*a{n - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Hostile:
    name: str
    file: str
    """Which file of the contract course to write (relative to it)."""
    content: Callable[[], bytes]
    names: tuple[str, ...]
    """What the refusal must name: the file, and the place where there is one."""


VALIDATE = [
    Hostile(
        "worksheet alias bomb",
        "worksheets/plan.yml",
        lambda: (bomb() + PLAN).encode(),
        ("plan.yml", ":2"),
    ),
    Hostile(
        "worksheet nested 100,000 deep in flow style",
        "worksheets/plan.yml",
        lambda: (PLAN + "      - " + "[" * 100_000 + "]" * 100_000 + "\n").encode(),
        ("plan.yml", ":7"),
    ),
    Hostile(
        "worksheet nested 3,000 deep in block style",
        "worksheets/plan.yml",
        lambda: (PLAN + "".join(" " * (6 + 2 * n) + f"k{n}:\n" for n in range(3000))).encode(),
        ("plan.yml", ":"),
    ),
    Hostile(
        "worksheet of 2 MB",
        "worksheets/plan.yml",
        lambda: (PLAN + "#" + "x" * 2_000_000 + "\n").encode(),
        ("plan.yml", "MB"),
    ),
    Hostile(
        "mkdocs.yml alias bomb",
        "mkdocs.yml",
        lambda: ("site_name: Contract\nplugins:\n  - worksheets\n" + bomb()).encode(),
        ("mkdocs.yml",),
    ),
    Hostile(
        "mkdocs.yml nested 10,000 deep",
        "mkdocs.yml",
        lambda: ("site_name: Contract\nx: " + "[" * 10_000 + "]" * 10_000 + "\n").encode(),
        ("mkdocs.yml",),
    ),
    Hostile(
        "mkdocs.yml of 2 MB",
        "mkdocs.yml",
        lambda: ("site_name: Contract\n#" + "x" * 2_000_000 + "\n").encode(),
        ("mkdocs.yml", "MB"),
    ),
    Hostile(
        "page of 21 MB",
        "docs/index.md",
        lambda: b"# Big\n\n" + b"word " * 4_200_000,
        ("index.md", "MB"),
    ),
]


def validate(root: Path, case: Hostile) -> Run:
    course = copy_course(CONTRACT, root / "course")
    (course / case.file).write_bytes(case.content())
    return run_limited(coursebook("validate", "-f", course / "mkdocs.yml"), course)


@pytest.mark.parametrize("case", VALIDATE, ids=[c.name for c in VALIDATE])
def test_validate_refuses_within_the_limits(background: Any, case: Hostile) -> None:
    run: Run = background.result(f"validate: {case.name}")
    run.within_limits()
    assert run.returncode == 1, run.output[-500:]
    assert run.lines_naming(*case.names), run.stderr[-800:]


def answers(worksheets: Any, **top: Any) -> bytes:
    document = {"format": "coursebook-answers", "version": 1, **top, "worksheets": worksheets}
    return json.dumps(document).encode()


ANSWERS = [
    ("nested 1,000,000 deep", lambda: b"[" * 1_000_000 + b"]" * 1_000_000, "JSON"),
    ("objects nested 200,000 deep", lambda: b'{"a":' * 200_000 + b"1" + b"}" * 200_000, "JSON"),
    ("11 MB", lambda: answers({}).replace(b"{", b"{" + b" " * 11_000_000, 1), "MB"),
    (
        "100,000 answers in one worksheet",
        lambda: answers({"profile": {"values": {f"f{i}": "x" for i in range(100_000)}}}),
        "profile",
    ),
    (
        "a 100,000-digit number",
        lambda: b'{"format": "coursebook-answers", "version": 1' + b"0" * 100_000 + b"}",
        "JSON",
    ),
    (
        "a 9 MB answer",
        lambda: answers({"profile": {"version": 3, "values": {"story": "w" * 9_000_000}}}),
        "story",
    ),
    (
        "a list of 1,000,000 entries",
        lambda: answers({"profile": {"version": 3, "values": {"industries": ["a"] * 1_000_000}}}),
        "industries",
    ),
]


def show(root: Path, content: Callable[[], bytes]) -> Run:
    path = root / "client.json"
    path.write_bytes(content())
    return run_limited(coursebook("answers", "show", path, "-f", CONTRACT / "mkdocs.yml"), root)


@pytest.mark.parametrize(
    ("name", "content", "place"), ANSWERS, ids=[name for name, _, _ in ANSWERS]
)
def test_answers_show_refuses_within_the_limits(
    background: Any, name: str, content: Callable[[], bytes], place: str
) -> None:
    run: Run = background.result(f"show: {name}")
    run.within_limits()
    assert run.returncode == 1, run.output[-500:]
    assert run.lines_naming("client.json", place), run.stderr[-800:]


def summary(root: Path) -> Run:
    sheets = {f"w{n}": {"values": {f"f{i}": "x" for i in range(1000)}} for n in range(200)}
    (root / "client.json").write_bytes(answers(sheets))
    return run_limited(coursebook("answers", "summary", root, "-f", CONTRACT / "mkdocs.yml"), root)


def test_answers_summary_of_200_worksheets_of_1000_answers(background: Any) -> None:
    """Within the file's limits: read, counted and summarised in time."""
    run: Run = background.result("summary of 200,000 answers")
    run.within_limits()
    assert run.returncode == 0, run.output[-500:]


PDFS = [
    (
        "row numbers of 14 digits",
        lambda: form_pdf(
            {
                "profile:name": "Sam",
                "profile:industries:99999999999999": "x",
                "profile:log:99999999999:who": "y",
                "profile:sources:4294967297": "z",
            }
        ),
        0,
    ),
    (
        "5,000 fields",
        lambda: form_pdf({f"profile:log:{i}:who": "x" for i in range(1, 5_001)}),
        0,
    ),
    (
        "document information nested 100,000 deep",
        lambda: form_pdf(
            {"profile:name": "Sam"}, {"CoursebookWorksheets": "[" * 100_000 + "]" * 100_000}
        ),
        None,
    ),
    (
        "a 1 MB text answer",
        lambda: form_pdf({"profile:name": "n" * 1_000_000}),
        1,
    ),
]


def extract(root: Path, content: Callable[[], bytes]) -> Run:
    pdf = root / "returned.pdf"
    pdf.write_bytes(content())
    output = root / "a.json"
    return run_limited(
        coursebook("answers", "extract", pdf, "-o", output, "-f", CONTRACT / "mkdocs.yml"), root
    )


@pytest.mark.parametrize(("name", "content", "status"), PDFS, ids=[name for name, _, _ in PDFS])
def test_answers_extract_ends_within_the_limits(
    background: Any, name: str, content: Callable[[], bytes], status: int | None
) -> None:
    """``status`` None: read (0) or refused with one line (1), as long as it ends well."""
    run: Run = background.result(f"extract: {name}")
    run.within_limits()
    assert run.returncode in ((0, 1) if status is None else (status,)), run.output[-500:]
    if run.returncode:
        assert run.lines_naming("returned.pdf"), run.stderr[-500:]


# ---- long words and repeated blocks: builds, in the background ---------------------

PDFSITE = FIXTURES / "pdfsite"
WORD = "w" * 200_000


def _course(root: Path) -> Path:
    copy_course(PDFSITE, root)
    return root


def long_word_page(root: Path) -> Run:
    course = _course(root)
    (course / "docs" / "more" / "deep.md").write_text(f"# Deep\n\n{WORD}\n", encoding="utf-8")
    return run_limited(mkdocs("build", "-f", course / "mkdocs.yml", "-d", course / "site"), course)


NESTED = 3_000


def deeply_nested_page(root: Path) -> Run:
    """A page of elements nested 3,000 deep, a word at each level: copying, writing and
    laying such a tree out recurse past Python's stack."""
    course = _course(root)
    page = "".join(f"<div>level{n} " for n in range(NESTED)) + "</div>" * NESTED
    (course / "docs" / "more" / "deep.md").write_text(f"# Deep\n\n{page}\n", encoding="utf-8")
    return run_limited(mkdocs("build", "-f", course / "mkdocs.yml", "-d", course / "site"), course)


def print_answers(root: Path, values: dict[str, Any], *options: str) -> Run:
    course = _course(root)
    path = course / "sam.json"
    path.write_bytes(answers({"practice": {"version": 1, "values": values}}, client="Sam"))
    command = coursebook(
        "pdf", "--answers", path, *options, "-o", course / "out.pdf", "-f", course / "mkdocs.yml"
    )
    return run_limited(command, course)


def repeated_blocks(root: Path) -> Run:
    course = copy_course(CONTRACT, root)
    (course / "docs" / "index.md").write_text(
        "/// worksheet | profile\n///\n\n" * 20_000, encoding="utf-8"
    )
    return run_limited(mkdocs("build", "-f", course / "mkdocs.yml", "-d", course / "site"), course)


AT_LIMITS = {
    "name": "t" * 5_000,  # the answers contract's longest text answer and list entry
    "industries": ["l" * 5_000],
    "story": "s" * 100_000,  # and its longest textarea answer and table cell
    "log": [{"who": "c" * 100_000}],
}
"""One answers file with a single unbroken word as long as the contract allows in each kind
of field (alone, the 5,000-character list entry already takes the print PDF past 30 s)."""
FAILING_FAST = 1
"""Background rank of the jobs that run for 30 s when they fail: started early."""
JOBS: dict[str, tuple[int, Callable[[Path], Run]]] = {
    "a 200,000-character word in a page, both PDFs": (25, long_word_page),
    "a page nesting elements 3,000 deep, both PDFs": (25, deeply_nested_page),
    "the longest words the answers take, fillable PDF": (
        25,
        lambda root: print_answers(root, AT_LIMITS),
    ),
    "the longest words the answers take, print PDF": (
        FAILING_FAST,
        lambda root: print_answers(root, AT_LIMITS, "--print"),
    ),
    "one worksheet block repeated 20,000 times in a 580 KB page": (FAILING_FAST, repeated_blocks),
}


QUICK = 30
"""Background rank of the cases that take a second or two each: after every build."""


def BACKGROUND(factory: Any) -> dict[str, Any]:
    """Every case of this module runs in the background: each is a process of its own."""
    jobs: dict[str, Any] = {}
    for name, (rank, job) in JOBS.items():
        root = factory.mktemp("hostile-long") / "course"
        jobs[name] = (rank, lambda job=job, root=root: job(root))
    for case in VALIDATE:
        root = factory.mktemp("hostile-limit")
        jobs[f"validate: {case.name}"] = (QUICK, lambda root=root, case=case: validate(root, case))
    for name, content, _ in ANSWERS:
        root = factory.mktemp("hostile-limit")
        jobs[f"show: {name}"] = (QUICK, lambda root=root, c=content: show(root, c))
    root = factory.mktemp("hostile-limit")
    jobs["summary of 200,000 answers"] = (QUICK, lambda root=root: summary(root))
    for name, content, _ in PDFS:
        root = factory.mktemp("hostile-limit")
        jobs[f"extract: {name}"] = (QUICK, lambda root=root, c=content: extract(root, c))
    return jobs


@pytest.mark.parametrize("name", list(JOBS), ids=list(JOBS))
def test_long_inputs_are_built_within_the_limits(background: Any, name: str) -> None:
    run: Run = background.result(name)
    run.within_limits()
    assert run.returncode == 0, run.output[-800:]


def test_a_page_nested_too_deep_is_named_and_its_words_kept(background: Any) -> None:
    run: Run = background.result("a page nesting elements 3,000 deep, both PDFs")
    assert len(run.lines_naming("(more/deep/)", "nested over 64 deep")) == 1, run.stderr
    site = Path(run.args[-1])
    for name in ("workbook.pdf", "workbook-print.pdf"):
        text = "".join(page.extract_text() for page in PdfReader(site / name).pages)
        assert "level0" in text and f"level{NESTED - 1}" in text
