"""``coursebook answers show``: an answers file as Markdown, in worksheet and field order."""

from __future__ import annotations

import json
from pathlib import Path

import markdown

from tests.coach.conftest import cli
from tests.conftest import FIXTURES

CONFIG = str(FIXTURES / "site" / "mkdocs.yml")

ANSWERS = {
    "format": "coursebook-answers",
    "version": 1,
    "course": "fixture-course",
    "exported": "2025-03-01T09:30:00.000Z",
    "client": "Zoë",
    "worksheets": {
        "ghost": {"values": {"x": "kept"}},
        "every-field": {
            "version": 2,
            "updated": "2025-03-01T09:00:00.000Z",
            "values": {
                "log": [
                    {
                        "who": "Ana | Bo",
                        "when": "2025-02-01",
                        "notes": "two\nlines",
                        "thanked": True,
                    },
                    {"who": "Cy", "when": "", "notes": "", "thanked": False},
                ],
                "confidence": 4,
                "sources": ["alumni", "LinkedIn"],
                "stance": "Hurried",
                "industries": ["energy", "*bold*"],
                "story": "First line\nsecond line\n\n# not a heading",
                "name": "<img src=x onerror=alert(1)>",
                "old-field": "from version 1",
            },
        },
    },
}


def show(tmp_path: Path, answers: dict[str, object]) -> tuple[int, str, str]:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers), encoding="utf-8")
    result = cli("answers", "show", str(path), "-f", CONFIG)
    return result.exit_code, result.stdout, result.stderr


def test_every_field_type_reads_as_markdown_in_field_order(tmp_path: Path) -> None:
    code, out, err = show(tmp_path, ANSWERS)
    assert code == 0, err
    expected = [
        "# Answers: Fixture Course",
        "Client: Zoë  \nCourse: fixture\\-course  \nExported: 2025-03-01T09:30:00.000Z".replace(
            "\\-", "-"
        ),
        "## Every field type",
        "_Last changed: 2025-03-01T09:00:00.000Z_",
        "### Words",
        "**Your name**\n\n&lt;img src=x onerror=alert(1)>",
        "**Your story so far**\n\nFirst line  \nsecond line\n\n\\# not a heading",
        "**Industries**\n\n- energy\n- \\*bold\\*",
        "### Picks",
        # checklists by their labels, in the worksheet's option order
        "**Sources you will use**\n\n- LinkedIn\n- School alumni network",
        "**Your stance**\n\nHurried",
        "**How confident are you?**\n\n4 / 5",
        "**Deadline**\n\n_No answer_",
        "### Log",
        "**Conversations**\n\n| Who | Date | Notes | Thank\\-you sent |".replace("\\-", "-"),
        "| Ana \\| Bo | 2025-02-01 | two<br>lines | Yes |",
        "| Cy |   |   | No |",
        # an answer the worksheet has no field for stays with its worksheet, labelled
        "### Earlier answers, and answers to questions the worksheet no longer asks",
        "**old-field**\n\nfrom version 1",
        "## Not in this course",
        '- ghost / x: "kept"',
    ]
    position = 0
    for piece in expected:
        found = out.find(piece, position)
        assert found >= 0, f"{piece!r} not after position {position} in:\n{out}"
        position = found + len(piece)
    assert err.splitlines() == [
        f"warning: {tmp_path / 'answers.json'}: this course has no worksheet “ghost”; its answers are kept",
        f"warning: {tmp_path / 'answers.json'}: worksheet “every-field” has no field “old-field”; the answer is kept",
    ]


def test_the_output_is_markdown_that_keeps_learner_text_as_text(tmp_path: Path) -> None:
    _, out, _ = show(tmp_path, ANSWERS)
    html = markdown.markdown(out, extensions=["tables"])
    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<h1>not a heading</h1>" not in html
    assert "<em>bold</em>" not in html
    assert "<td>Ana | Bo</td>" in html
    assert html.count("<h2>") == 2  # the worksheet, and "Not in this course"


def test_sources_checklist_order_follows_the_worksheet_not_the_file(tmp_path: Path) -> None:
    _, out, _ = show(tmp_path, ANSWERS)
    assert out.index("- LinkedIn") < out.index("- School alumni network")


def test_a_file_without_answers_for_this_course_says_so(tmp_path: Path) -> None:
    code, out, _ = show(tmp_path, {"format": "coursebook-answers", "version": 1, "worksheets": {}})
    assert code == 0
    assert "_This file holds no answers for this course's worksheets._" in out


def test_a_broken_file_is_one_line_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    path.write_text(
        '{"format": "coursebook-answers",\n "version": 1,\n "worksheets": [}', encoding="utf-8"
    )
    result = cli("answers", "show", str(path), "-f", CONFIG)
    assert result.exit_code == 1
    # the site's import says the same words: JSON engines differ in where they place the fault
    assert result.stderr.splitlines() == [f"{path}: not readable as JSON text"]
    other = tmp_path / "other.json"
    other.write_text('{"hello": 1}', encoding="utf-8")
    result = cli("answers", "show", str(other), "-f", CONFIG)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f'{other}: not a coursebook answers file (expected "format": "coursebook-answers")'
    ]
