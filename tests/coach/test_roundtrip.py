"""Answers -> ``coursebook pdf --answers`` -> edited in a "viewer" (pypdf) -> ``answers extract``: same values.

Every field type of the fixture worksheet ``every-field`` is generated, with unicode, long,
empty and multi-line values. PDF builds are slow, so hypothesis tries a few examples and
the hand-picked edge cases ride along as ``@example``s.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from coursebook.model import Field, Worksheet
from coursebook.model.loader import load_worksheets
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader, PdfWriter

from tests.coach.conftest import cli
from tests.conftest import FIXTURES, fixture_site, valid_answers

WORKSHEET: Worksheet = load_worksheets(FIXTURES / "site" / "worksheets", FIXTURES / "site")[
    "every-field"
]
FIELDS = {f.id: f for f in WORKSHEET.fields}


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture site (worksheet ``every-field``) with the workbook plugin turned on."""
    project = tmp_path_factory.mktemp("roundtrip") / "course"
    fixture_site(project)
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "  - workbook\n", encoding="utf-8")
    return project


# What a browser can hold: no control characters in one-line inputs, \n (never \r) in textareas
LINE = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)
LINES = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), whitelist_characters="\n"), max_size=200
)
DATE = st.dates().map(lambda d: d.isoformat()).filter(lambda s: len(s) == 10)


def optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), st.just(""), strategy)


def row(columns: tuple[Any, ...]) -> st.SearchStrategy[dict[str, Any]]:
    cells: dict[str, st.SearchStrategy[Any]] = {}
    for c in columns:
        cells[c.id] = {
            "checkbox": st.booleans(),
            "date": st.one_of(st.just(""), DATE),
            "textarea": LINES,
        }.get(c.type, LINE)
    return st.fixed_dictionaries(cells)


VALUES = st.fixed_dictionaries(
    {},
    optional={
        "name": optional(LINE),
        "story": optional(LINES),
        "industries": st.lists(LINE, max_size=FIELDS["industries"].max or 5),
        "sources": st.lists(
            st.sampled_from([o.value for o in FIELDS["sources"].options]), unique=True
        ),
        "stance": optional(st.sampled_from([o.value for o in FIELDS["stance"].options])),
        "confidence": st.one_of(
            st.none(), st.sampled_from(list(FIELDS["confidence"].scale_values))
        ),
        "deadline": optional(DATE),
        "log": st.lists(row(FIELDS["log"].columns), max_size=FIELDS["log"].max_rows or 8),
    },
)
# what the viewer changes: the name, the stance, and the first checklist box
EDITS = st.fixed_dictionaries(
    {
        "name": LINE.filter(lambda s: s != ""),
        "stance": st.sampled_from([o.value for o in FIELDS["stance"].options]),
        "tick_first_source": st.booleans(),
    }
)

LONG = ("Ein langer Absatz mit Umlauten äöü, Emoji 🎉 und Zeilen.\n" * 120).strip()
EMPTY_EVERYTHING: dict[str, Any] = {
    "name": "",
    "story": "",
    "industries": ["", ""],
    "sources": [],
    "stance": "",
    "confidence": None,
    "deadline": "",
    "log": [{"who": "", "when": "", "notes": "", "thanked": False}],
}
EDGES: dict[str, Any] = {
    "name": "  Zoë Ölçer\u2011Nguyễn 李小龍 עברית  ",
    "story": "\n\nstarts after blank lines\n\n\nand ends with one\n",
    "industries": ["", "middle", "", "", "last"],
    "sources": ["alumni"],
    "stance": "Hurried",
    "confidence": 1,
    "deadline": "1999-12-31",
    "log": [
        {"who": "", "when": "", "notes": "", "thanked": False},
        {
            "who": "Quotes \"double\" and 'single' (parens) \\ slash",
            "when": "2024-02-29",
            "notes": "a\nb",
            "thanked": True,
        },
    ]
    + [{"who": f"Person {n}", "when": "", "notes": "", "thanked": n % 2 == 0} for n in range(6)],
}


def normal(values: dict[str, Any]) -> dict[str, Any]:
    """Values as the answers file means them: empty answers are no answers, lists lose
    trailing blanks, table cells are all present, checklists follow the option order."""
    out: dict[str, Any] = {}
    for field_id, value in values.items():
        f: Field = FIELDS[field_id]
        if f.type == "list":
            items = ["" if v is None else v for v in value]
            while items and items[-1] == "":
                items.pop()
            value = items
        elif f.type == "checklist":
            value = [o.value for o in f.options if o.value in value]
        elif f.type == "table":
            rows = [
                {c.id: r.get(c.id) or (False if c.type == "checkbox" else "") for c in f.columns}
                for r in value
            ]
            while rows and all(v in ("", False) for v in rows[-1].values()):
                rows.pop()
            value = rows
        if value not in (None, "", []):
            out[field_id] = value
    return out


def answers_file(values: dict[str, Any]) -> dict[str, Any]:
    """What the site exports (and the schema accepts) for these values."""
    return valid_answers(
        json.dumps(
            {
                "format": "coursebook-answers",
                "version": 1,
                "course": "fixture-course",
                "exported": "2025-01-01T00:00:00.000Z",
                "worksheets": {
                    "every-field": {
                        "version": WORKSHEET.version,
                        "updated": "2025-01-01T00:00:00.000Z",
                        "values": values,
                    }
                },
            }
        )
    )


def view_and_edit(source: Path, target: Path, edits: dict[str, Any]) -> None:
    """What a PDF viewer does when the client types and clicks: new /V values, saved."""
    writer = PdfWriter(clone_from=source)
    changes = {
        "every-field:name": edits["name"],
        "every-field:stance": "/" + edits["stance"],
        # a viewer turns a box on with the state its appearance names: the option's value
        "every-field:sources:1": (
            "/" + FIELDS["sources"].options[0].value if edits["tick_first_source"] else "/Off"
        ),
    }
    writer.update_page_form_field_values(None, changes, auto_regenerate=False)
    writer.write(target)


def expected_after(values: dict[str, Any], edits: dict[str, Any]) -> dict[str, Any]:
    edited = dict(values)
    edited["name"] = edits["name"]
    edited["stance"] = edits["stance"]
    first = FIELDS["sources"].options[0].value
    others = [v for v in edited.get("sources") or [] if v != first]
    edited["sources"] = ([first] if edits["tick_first_source"] else []) + others
    return normal(edited)


@settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(values=VALUES, edits=EDITS)
@example(
    values=EMPTY_EVERYTHING, edits={"name": "x", "stance": "Curious", "tick_first_source": False}
)
@example(
    values=EDGES,
    edits={"name": "Ç\u2019est «édité» ✓", "stance": "Curious", "tick_first_source": True},
)
@example(
    values={"story": LONG, "name": "n" * 300, "industries": ["ä" * 120] * 5},
    edits={"name": "🎉", "stance": "Hurried", "tick_first_source": True},
)
def test_pdf_round_trip_gives_back_the_same_values(
    course: Path,
    tmp_path_factory: pytest.TempPathFactory,
    values: dict[str, Any],
    edits: dict[str, Any],
) -> None:
    work = tmp_path_factory.mktemp("trip")
    config = str(course / "mkdocs.yml")
    (work / "answers.json").write_text(json.dumps(answers_file(values)), encoding="utf-8")

    made = cli(
        "pdf", "--answers", str(work / "answers.json"), "-o", str(work / "filled.pdf"), "-f", config
    )
    assert made.exit_code == 0, made.output

    # the PDF as handed to the client: every answer already in its field
    untouched = cli("answers", "extract", str(work / "filled.pdf"), "-f", config)
    assert untouched.exit_code == 0, untouched.output
    first = valid_answers(untouched.stdout)
    assert first["worksheets"].get("every-field", {}).get("values", {}) == normal(values)

    view_and_edit(work / "filled.pdf", work / "edited.pdf", edits)
    back = cli(
        "answers", "extract", str(work / "edited.pdf"), "-o", str(work / "back.json"), "-f", config
    )
    assert back.exit_code == 0, back.output
    extracted = valid_answers((work / "back.json").read_text(encoding="utf-8"))
    entry = extracted["worksheets"]["every-field"]
    assert entry["version"] == WORKSHEET.version
    assert entry["values"] == expected_after(values, edits)


def test_print_variant_typesets_the_answers_and_has_no_fields(course: Path, tmp_path: Path) -> None:
    values = {"name": "Quentin Oduya", "industries": ["Tidal power"], "confidence": 4}
    (tmp_path / "answers.json").write_text(json.dumps(answers_file(values)), encoding="utf-8")
    made = cli(
        "pdf",
        "--print",
        "--client",
        "Rosa Díaz",
        "--answers",
        str(tmp_path / "answers.json"),
        "-o",
        str(tmp_path / "print.pdf"),
        "-f",
        str(course / "mkdocs.yml"),
    )
    assert made.exit_code == 0, made.output
    reader = PdfReader(tmp_path / "print.pdf")
    assert not reader.get_fields()
    # pypdf spaces out some runs of text; compare without spaces
    text = "".join("".join(page.extract_text() for page in reader.pages).split())
    for expected in ("RosaDíaz", "QuentinOduya", "Tidalpower"):
        assert expected in text
    # and extract names the mistake: this is not the fillable workbook
    result = cli(
        "answers", "extract", str(tmp_path / "print.pdf"), "-f", str(course / "mkdocs.yml")
    )
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{tmp_path / 'print.pdf'}: the PDF has no form fields (expected the fillable workbook, not the print version)"
    ]


def test_default_name_and_warnings_for_answers_the_course_lacks(
    course: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = answers_file({"name": "Kept"})
    data["client"] = "José Núñez"
    data["worksheets"]["ghost"] = {"values": {"x": "y"}}
    (tmp_path / "answers.json").write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    made = cli("pdf", "--answers", "answers.json", "-f", str(course / "mkdocs.yml"))
    assert made.exit_code == 0, made.output
    # the client's name comes from the answers file, and names the PDF
    assert (tmp_path / "workbook-jose-nunez.pdf").is_file()
    assert made.stderr.splitlines() == [
        "warning: answers.json: this course has no worksheet “ghost”; its answers are kept",
        "building the fillable workbook for José Núñez with the site (this takes a little while)…",
    ]
    assert made.stdout.startswith(
        "wrote workbook-jose-nunez.pdf (fillable for José Núñez, with answers from answers.json; "
    )
    fields = PdfReader(tmp_path / "workbook-jose-nunez.pdf").get_fields() or {}
    assert fields["every-field:name"].get("/V") == "Kept"
    # nothing was dropped from the coach's file
    assert json.loads((tmp_path / "answers.json").read_text(encoding="utf-8")) == data


def test_a_broken_answers_file_stops_before_building(course: Path, tmp_path: Path) -> None:
    bad = tmp_path / "answers.json"
    bad.write_text(
        '{"format": "coursebook-answers", "version": 1, "worksheets": {"Bad Id": {"values": {}}}}'
    )
    result = cli(
        "pdf",
        "--answers",
        str(bad),
        "-o",
        str(tmp_path / "x.pdf"),
        "-f",
        str(course / "mkdocs.yml"),
    )
    assert result.exit_code == 1
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith(f"{bad}: “Bad Id” is not a worksheet id")
    assert not (tmp_path / "x.pdf").exists()
