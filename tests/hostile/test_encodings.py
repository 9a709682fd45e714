"""Category 4: encodings, and values YAML cannot build.

Pages, worksheets, ``mkdocs.yml`` and answers files that are not UTF-8 (Latin-1,
Windows-1252, UTF-16 with and without a byte order mark, UTF-32, CESU-8 surrogates), that
hold NUL bytes, or that carry YAML whose values cannot be constructed (explicit tags on
the wrong text, impossible dates, integers longer than Python converts). Every one must
end in one line naming the file and the place (the line, or the key), with no traceback;
a UTF-8 byte order mark is simply accepted.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.hostile.helpers import (
    CONTRACT,
    as_build,
    copy_course,
    mkdocs,
    no_crash,
    refused,
    run_cli,
    run_limited,
)

BACKGROUND_RANK = 0

PLAN = (CONTRACT / "worksheets" / "plan.yml").read_text(encoding="utf-8")
PAGE = (CONTRACT / "docs" / "index.md").read_text(encoding="utf-8")
CONFIG = (CONTRACT / "mkdocs.yml").read_text(encoding="utf-8")


def line_of(text: str, needle: str) -> str:
    """``:<n>``, the line of ``text`` where ``needle`` is."""
    return f":{text[: text.index(needle)].count(chr(10)) + 1}"


@dataclass(frozen=True)
class Bad:
    name: str
    path: str
    """The file of the contract course to replace, relative to the course folder."""
    content: bytes
    place: str
    """What the message must say besides the file: its line (``:3``), or what was expected;
    ``|`` separates alternatives (a character position is a place too)."""


BAD_FILES = [
    Bad(
        "worksheet in Latin-1",
        "worksheets/plan.yml",
        PLAN.replace("title: Plan", "title: Café plan").encode("latin-1"),
        ":2",
    ),
    Bad(
        "worksheet in Windows-1252 quotes",
        "worksheets/plan.yml",
        PLAN.replace("label: Next step", "label: \u201cNext\u201d step").encode("cp1252"),
        line_of(PLAN, "label: Next"),
    ),
    Bad("worksheet in UTF-16 with a BOM", "worksheets/plan.yml", PLAN.encode("utf-16"), "UTF-8"),
    Bad(
        "worksheet in UTF-16 without a BOM",
        "worksheets/plan.yml",
        PLAN.encode("utf-16-le"),
        "UTF-8|UTF-16",
    ),
    Bad("worksheet in UTF-32", "worksheets/plan.yml", PLAN.encode("utf-32"), "UTF-8"),
    Bad(
        "worksheet with a NUL byte",
        "worksheets/plan.yml",
        PLAN.replace("Next step", "Next\x00step").encode(),
        line_of(PLAN, "Next step") + "|position",
    ),
    Bad(
        "worksheet with CESU-8 surrogate bytes",
        "worksheets/plan.yml",
        PLAN.encode().replace(b"title: Plan", b"title: P\xed\xa0\x80lan"),
        ":2",
    ),
    Bad(
        "page in Latin-1",
        "docs/index.md",
        (PAGE + "\nCafé\n").encode("latin-1"),
        line_of(PAGE + "\nCafé\n", "Café"),
    ),
    Bad("page in UTF-16", "docs/index.md", PAGE.encode("utf-16"), "UTF-8"),
    Bad(
        "mkdocs.yml in Latin-1",
        "mkdocs.yml",
        CONFIG.replace("Contract", "Café").encode("latin-1"),
        ":1",
    ),
    Bad("mkdocs.yml in UTF-16", "mkdocs.yml", CONFIG.encode("utf-16"), "UTF-8"),
    Bad(
        "mkdocs.yml with a NUL byte",
        "mkdocs.yml",
        CONFIG.replace("Contract", "Con\x00tract").encode(),
        "NUL",
    ),
]


def course(tmp_path: Path) -> Path:
    return copy_course(CONTRACT, tmp_path / "course")


@pytest.mark.parametrize("case", BAD_FILES, ids=[c.name for c in BAD_FILES])
def test_a_file_that_is_not_utf8_is_one_line_naming_it(tmp_path: Path, case: Bad) -> None:
    root = course(tmp_path)
    (root / case.path).write_bytes(case.content)
    line = refused(run_cli("validate", "-f", root / "mkdocs.yml"), Path(case.path).name)
    assert any(place in line for place in case.place.split("|")), line


@pytest.mark.parametrize(
    ("path", "text"),
    [("worksheets/plan.yml", PLAN), ("docs/index.md", PAGE), ("mkdocs.yml", CONFIG)],
    ids=["worksheet", "page", "mkdocs.yml"],
)
def test_a_utf8_byte_order_mark_is_accepted(tmp_path: Path, path: str, text: str) -> None:
    root = course(tmp_path)
    (root / path).write_bytes(b"\xef\xbb\xbf" + text.encode())
    result = run_cli("validate", "-f", root / "mkdocs.yml")
    no_crash(result)
    assert result.exit_code == 0, result.output


def test_a_page_with_nul_bytes_ends_cleanly(tmp_path: Path) -> None:
    root = course(tmp_path)
    (root / "docs" / "index.md").write_bytes((PAGE + "\nA\x00B\n").encode())
    result = run_cli("validate", "-f", root / "mkdocs.yml")
    no_crash(result)


ANSWERS = '{"format": "coursebook-answers", "version": 1, "client": "Zoë", "worksheets": {}}'


@pytest.mark.parametrize(
    "content",
    [
        ANSWERS.encode("utf-16"),
        ANSWERS.encode("utf-16-le"),
        ANSWERS.encode("utf-32"),
        ANSWERS.encode("cp1252"),
        ANSWERS.replace("Zoë", "Zo\x00ë").encode(),
    ],
    ids=[
        "answers in UTF-16 with a BOM",
        "answers in UTF-16 without a BOM",
        "answers in UTF-32",
        "answers in Windows-1252",
        "answers with a raw NUL byte in a string",
    ],
)
def test_an_answers_file_that_is_not_utf8_json_is_one_line_naming_it(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "sam-answers.json"
    path.write_bytes(content)
    line = refused(
        run_cli("answers", "show", path, "-f", CONTRACT / "mkdocs.yml"), "sam-answers.json"
    )
    assert "UTF-8" in line or "JSON" in line, line


def test_an_answers_file_whose_name_is_not_utf8(tmp_path: Path) -> None:
    name = b"sam\xff-answers.json"
    path = Path(
        tmp_path.as_posix().encode().decode() + "/" + name.decode("utf-8", "surrogateescape")
    )
    path.write_bytes(b"{")
    refused(run_cli("answers", "show", path, "-f", CONTRACT / "mkdocs.yml"), "-answers.json")


# ---- YAML that parses but whose values cannot be built ---------------------------


@dataclass(frozen=True)
class Unbuildable:
    name: str
    file: str
    old: str
    new: str
    place: str


UNBUILDABLE = [
    Unbuildable(
        "worksheet version !!int abc",
        "worksheets/plan.yml",
        "version: 1",
        "version: !!int abc",
        ":3",
    ),
    Unbuildable(
        "worksheet version !!float abc",
        "worksheets/plan.yml",
        "version: 1",
        "version: !!float abc",
        ":3",
    ),
    Unbuildable(
        "worksheet version !!bool maybe",
        "worksheets/plan.yml",
        "version: 1",
        "version: !!bool maybe",
        ":3",
    ),
    Unbuildable(
        "worksheet title !!timestamp x",
        "worksheets/plan.yml",
        "title: Plan",
        "title: !!timestamp x",
        ":2",
    ),
    Unbuildable(
        "worksheet title 2001-13-45",
        "worksheets/plan.yml",
        "title: Plan",
        "title: 2001-13-45",
        ":2",
    ),
    Unbuildable(
        "worksheet version of 5000 digits",
        "worksheets/plan.yml",
        "version: 1",
        "version: " + "1" * 5000,
        ":3",
    ),
    Unbuildable(
        "mkdocs.yml date 2001-13-45",
        "mkdocs.yml",
        "site_name: Contract Course",
        "site_name: Contract Course\nsite_description: 2001-13-45",
        ":2",
    ),
    Unbuildable(
        "mkdocs.yml site_name !!int abc",
        "mkdocs.yml",
        "site_name: Contract Course",
        "site_name: !!int abc",
        ":1",
    ),
]


@pytest.mark.parametrize("case", UNBUILDABLE, ids=[c.name for c in UNBUILDABLE])
def test_yaml_values_that_cannot_be_built_are_one_line_naming_the_place(
    tmp_path: Path, case: Unbuildable
) -> None:
    root = course(tmp_path)
    path = root / case.file
    text = path.read_text(encoding="utf-8")
    assert case.old in text
    path.write_text(text.replace(case.old, case.new, 1), encoding="utf-8")
    line = refused(run_cli("validate", "-f", root / "mkdocs.yml"), Path(case.file).name)
    assert case.place in line, line


# ---- the same through `mkdocs build` (in the background) ---------------------------

BUILDS = {
    "a worksheet version !!bool maybe": ("version: 1", "version: !!bool maybe", "plan.yml"),
    "a worksheet title holding a lone surrogate": (
        "title: Plan",
        'title: "P\\ud800lan"',
        "plan.yml",
    ),
}


def _build(root: Path, old: str, new: str) -> Any:
    copy_course(CONTRACT, root)
    sheet = root / "worksheets" / "plan.yml"
    sheet.write_text(sheet.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    run = run_limited(
        mkdocs("build", "-f", root / "mkdocs.yml", "-d", root / "site"), root, limit=120
    )
    return as_build(run, root / "site")


def BACKGROUND(factory: Any) -> dict[str, Any]:
    jobs = {}
    for name, (old, new, _) in BUILDS.items():
        root = factory.mktemp("hostile-enc") / "course"
        jobs[f"build: {name}"] = lambda root=root, old=old, new=new: _build(root, old, new)
    return jobs


@pytest.mark.parametrize("name", list(BUILDS), ids=list(BUILDS))
def test_mkdocs_build_stops_with_one_line_naming_the_worksheet(background: Any, name: str) -> None:
    build = background.result(f"build: {name}")
    assert "Traceback" not in build.log, "\n".join(build.log.rstrip().splitlines()[-3:])
    assert build.returncode == 1, build.log[-1500:]
    assert [line for line in build.log.splitlines() if BUILDS[name][2] in line], build.log[-1500:]


def test_validate_reports_what_the_build_would_stop_on(tmp_path: Path) -> None:
    """A title no page can be written with (a lone surrogate) is an error before the build."""
    root = course(tmp_path)
    sheet = root / "worksheets" / "plan.yml"
    sheet.write_text(PLAN.replace("title: Plan", 'title: "P\\ud800lan"'), encoding="utf-8")
    refused(run_cli("validate", "-f", root / "mkdocs.yml"), "plan.yml", ":2")


def test_an_extension_option_of_the_wrong_type_is_one_short_line(tmp_path: Path) -> None:
    """MkDocs puts the extension's traceback into its message; validate keeps what it says."""
    root = course(tmp_path)
    config = root / "mkdocs.yml"
    extension = "markdown_extensions:\n  - pymdownx.snippets:\n      base_path: 5\n"
    config.write_text(config.read_text(encoding="utf-8") + extension, encoding="utf-8")
    line = refused(run_cli("validate", "-f", config), "pymdownx.snippets", "TypeError")
    assert 'File "' not in line and len(line) < 300, line
