"""Category 5: terminal safety.

A client's answers file, a filled PDF or a file name can hold terminal escape sequences
(CSI ``\\x1b[…``, OSC ``\\x1b]0;…\\x07`` that retitles the window, 8-bit CSI ``\\x9b``),
carriage returns and backspaces that overwrite a line, bidi overrides (U+202E) and lone
surrogates. Through ``answers show``, ``answers summary``, ``answers extract``, ``pdf``,
``validate`` and ``new``, none may reach stdout or stderr raw: each is shown escaped (or
replaced), the command ends by itself, and its exit status says whether it read the file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.hostile.helpers import (
    CONTRACT,
    copy_course,
    form_pdf,
    no_crash,
    run_cli,
    terminal_safe,
)

CONFIG = CONTRACT / "mkdocs.yml"
CSI = "\x1b[31mRED\x1b[0m"
OSC = "\x1b]0;pwned\x07"
CLEAR = "\x1b[2J\x1b[H"
C1 = "\x9b31mC1"
BIDI = "abc\u202edcba"
ISOLATE = "\u2066iso\u2069"
OVERWRITE = "safe\rEVIL\x08\x08"


def doc(worksheets: Any, **top: Any) -> dict[str, Any]:
    return {"format": "coursebook-answers", "version": 1, **top, "worksheets": worksheets}


def profile(values: dict[str, Any], **entry: Any) -> dict[str, Any]:
    return doc({"profile": {"version": 3, "values": values, **entry}})


SHOWN = {
    "client with a colour sequence": doc({}, client=CSI),
    "client that retitles the window": doc({}, client=OSC),
    "client with a bidi isolate": doc({}, client=ISOLATE),
    "course with a clear-screen sequence": doc({}, course=CLEAR),
    "exported time with an escape": doc({}, exported=CSI),
    "text answer that clears the screen": profile({"name": CLEAR}),
    "textarea that overwrites its line": profile({"story": OVERWRITE}),
    "list entries with 8-bit CSI": profile({"industries": [C1, "ok"]}),
    "table cell with a bidi override": profile({"log": [{"who": BIDI, "notes": OSC}]}),
    "date typed with an escape": profile({"deadline": f"30/01/2026{CSI}"}),
    "lone surrogate in an answer": profile({"name": "a\ud800b"}),
    "answer kept for a gone field": profile({"mood": OSC}),
    "worksheet update time with an escape": profile({"name": "x"}, updated=OSC),
    "answers of a worksheet the course lacks": doc({"retired": {"values": {"x": CLEAR}}}),
}
REFUSED = {
    "worksheet id with an escape": doc({f"x{CSI}": {"values": {}}}),
    "field id with an escape": profile({f"name{OSC}": "x"}),
    "a bad value with an escape": profile({"confidence": OSC}),
    "a choice with a bidi override": profile({"stance": BIDI}),
}


def write(path: Path, data: Any) -> Path:
    # json.dumps keeps the escapes as \\u001b in the file: what matters is what they become
    path.write_text(json.dumps(data, ensure_ascii=True), encoding="utf-8")
    return path


def safe(result: Any) -> None:
    no_crash(result)
    terminal_safe(result.stdout)
    terminal_safe(result.stderr)


@pytest.mark.parametrize("name", list(SHOWN), ids=list(SHOWN))
def test_answers_show_escapes_what_a_terminal_would_obey(tmp_path: Path, name: str) -> None:
    path = write(tmp_path / "client.json", SHOWN[name])
    result = run_cli("answers", "show", path, "-f", CONFIG)
    safe(result)
    assert result.exit_code == 0, result.output[-600:]


@pytest.mark.parametrize("name", list(REFUSED), ids=list(REFUSED))
def test_a_refusal_quoting_the_file_is_escaped_too(tmp_path: Path, name: str) -> None:
    path = write(tmp_path / "client.json", REFUSED[name])
    result = run_cli("answers", "show", path, "-f", CONFIG)
    safe(result)
    assert result.exit_code == 1


def test_a_file_name_with_escapes(tmp_path: Path) -> None:
    """Every message names the file: a name picked by the client must not act either."""
    path = write(tmp_path / f"sam{OSC}{CSI}.json", profile({"deadline": "30/01/2026"}))
    for args in (("show", path), ("summary", path), ("summary", tmp_path)):
        safe(run_cli("answers", *args, "-f", CONFIG))
    path.write_text("{", encoding="utf-8")
    result = run_cli("answers", "show", path, "-f", CONFIG)
    safe(result)
    assert result.exit_code == 1


@pytest.mark.parametrize("as_csv", [False, True], ids=["table", "csv"])
def test_answers_summary_escapes_clients_and_times(tmp_path: Path, as_csv: bool) -> None:
    write(tmp_path / "a.json", doc({}, client=OSC))
    write(tmp_path / "b.json", profile({"name": "x"}, updated=f"2026-01-01T10:00{CSI}"))
    write(tmp_path / "c.json", doc({}, client=BIDI + C1))
    result = run_cli("answers", "summary", tmp_path, *(["--csv"] if as_csv else []), "-f", CONFIG)
    safe(result)
    assert result.exit_code == 0, result.output[-600:]


@pytest.mark.parametrize(
    ("name", "fields", "info"),
    [
        ("client field with an escape", {"profile:name": "x", "client": OSC}, None),
        ("answer with an escape", {"profile:name": CLEAR + BIDI, "profile:story": OVERWRITE}, None),
        ("field name with an escape", {"profile:name": "x", f"profile:name{CSI}:1": "y"}, None),
        ("client in the document information", {"profile:name": "x"}, {"CoursebookClient": OSC}),
        ("course in the document information", {"profile:name": "x"}, {"CoursebookCourse": CSI}),
        ("only foreign fields with escapes", {f"tax{CSI}": "x", f"year{OSC}": "y"}, None),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_answers_extract_escapes_what_the_pdf_holds(
    tmp_path: Path, name: str, fields: dict[str, str], info: dict[str, str] | None
) -> None:
    pdf = tmp_path / f"returned{BIDI}.pdf"
    pdf.write_bytes(form_pdf(fields, info))
    safe(run_cli("answers", "extract", pdf, "-f", CONFIG))
    safe(run_cli("answers", "extract", pdf, "-o", tmp_path / "out.json", "-f", CONFIG))


def test_coursebook_pdf_escapes_the_client_it_names(tmp_path: Path) -> None:
    """The client's name is printed before the build starts (this course has no workbook
    plugin, so the command stops right after saying whom it builds for)."""
    course = copy_course(CONTRACT, tmp_path / "course")
    answers = write(tmp_path / "sam.json", doc({}, client=f"Sam{OSC}{CSI}"))
    result = run_cli(
        "pdf", "--answers", answers, "-o", tmp_path / "x.pdf", "-f", course / "mkdocs.yml"
    )
    safe(result)
    assert result.exit_code == 1
    result = run_cli(
        "pdf", "--client", f"Sam{CLEAR}", "-o", tmp_path / "x.pdf", "-f", course / "mkdocs.yml"
    )
    safe(result)


def test_coursebook_pdf_escapes_a_refused_answers_file(tmp_path: Path) -> None:
    answers = write(tmp_path / f"sam{CSI}.json", profile({"confidence": OSC}))
    result = run_cli("pdf", "--answers", answers, "-f", CONFIG)
    safe(result)
    assert result.exit_code == 1


def test_validate_escapes_file_names_and_values(tmp_path: Path) -> None:
    course = copy_course(CONTRACT, tmp_path / "course")
    sheet = course / "worksheets" / "plan.yml"
    sheet.write_text(
        sheet.read_text(encoding="utf-8").replace("type: text", 'type: "\\e[31mcalendar"'),
        encoding="utf-8",
    )
    (course / "worksheets" / f"x{CSI}.yml").write_text("id: x\n", encoding="utf-8")
    (course / "docs" / "index.md").write_text(f"/// worksheet | {CLEAR}\n///\n", encoding="utf-8")
    result = run_cli("validate", "-f", course / "mkdocs.yml")
    safe(result)
    assert result.exit_code == 1


def test_new_escapes_the_folder_it_names(tmp_path: Path) -> None:
    result = run_cli("new", tmp_path / f"course{OSC}", "--blank")
    safe(result)
    assert result.exit_code == 0
