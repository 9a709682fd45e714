"""Worksheet loader: every author mistake gives its exact one-line ``file:line:col`` message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from coursebook.model import WorksheetErrors, load_worksheet, load_worksheets
from coursebook.model.loader import worksheet_schema

from tests.golden import check_golden

HERE = Path(__file__).parent
ERRORS = HERE / "golden" / "errors"
CASES = sorted(p.stem for p in ERRORS.glob("*.yml"))


@pytest.mark.parametrize("case", CASES)
def test_error_message_is_golden(case: str) -> None:
    path = ERRORS / f"{case}.yml"
    with pytest.raises(WorksheetErrors) as caught:
        load_worksheet(path, f"worksheets/{case}.yml")
    message = str(caught.value)
    for line in message.splitlines():
        assert line.startswith(f"worksheets/{case}.yml:"), line
    check_golden(message + "\n", ERRORS / f"{case}.txt")


def test_every_field_type_loads_with_its_options() -> None:
    worksheets = load_worksheets(HERE / "fixtures" / "site" / "worksheets")
    ws = worksheets["every-field"]
    kinds = {f.type for s in ws.sections for f in s.fields}
    assert kinds == {
        "text", "textarea", "list", "checklist", "choice", "scale", "date", "table", "guidance"
    }  # fmt: skip
    assert ws.version == 2
    assert ws.coach_notes == "**Look for** a story with a named person in it.\n"
    assert ws.field("story").lines == 6
    industries = ws.field("industries")
    assert (industries.min, industries.max, industries.item_label) == (2, 5, "Industry")
    assert [o.value for o in ws.field("sources").options] == ["LinkedIn", "alumni"]
    assert ws.field("confidence").scale_values == range(1, 6)
    log = ws.field("log")
    assert [c.type for c in log.columns] == ["text", "date", "textarea", "checkbox"]
    assert log.rows == 2 and log.max_rows == 8
    assert ws.field("name").line == 12


def test_duplicate_worksheet_id_across_folders(tmp_path: Path) -> None:
    body = "id: same\ntitle: T\nversion: 1\nsections:\n  - title: S\n    fields:\n      - type: guidance\n        text: x\n"
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "same.yml").write_text(body)
    (tmp_path / "same.yaml").write_text(body)
    with pytest.raises(WorksheetErrors) as caught:
        load_worksheets(tmp_path, tmp_path)
    assert str(caught.value) == (
        "same.yaml:1: duplicate worksheet id 'same' (already defined in a/same.yml)"
    )


def test_errors_from_several_files_are_all_reported(tmp_path: Path) -> None:
    (tmp_path / "one.yml").write_text("id: one\n")
    (tmp_path / "two.yml").write_text("id: [\n")
    with pytest.raises(WorksheetErrors) as caught:
        load_worksheets(tmp_path, tmp_path)
    lines = str(caught.value).splitlines()
    assert lines[0].startswith("one.yml:1:1: missing required key")
    assert lines[-1].startswith("two.yml:2:1: invalid YAML")


def test_the_schema_documents_every_option() -> None:
    schema = worksheet_schema()
    for name, definition in schema["$defs"].items():
        for key, prop in definition.get("properties", {}).items():
            if key == "type" and name.startswith("field-"):
                continue
            assert "description" in prop or "$ref" in prop, f"{name}.{key} has no description"


def test_the_cache_returns_the_same_worksheet_and_notices_changes(tmp_path: Path) -> None:
    source = HERE / "fixtures" / "site" / "worksheets" / "every-field.yml"
    folder, cache = tmp_path / "worksheets", tmp_path / "cache"
    folder.mkdir()
    (folder / "every-field.yml").write_text(source.read_text())
    first = load_worksheets(folder, tmp_path, cache)["every-field"]
    entries = list(cache.glob("*.json"))
    assert len(entries) == 1
    again = load_worksheets(folder, tmp_path, cache)["every-field"]
    assert again == first and again.coach_notes == first.coach_notes
    assert again.field("log").columns == first.field("log").columns
    # plain JSON, never a pickle: a damaged or forged entry is ignored, never trusted
    assert json.loads(entries[0].read_text())["cache"] == 1
    for junk in (b"not json", b'{"cache": 1, "digest": "x", "worksheet": {}}', b"[1]"):
        entries[0].write_bytes(junk)
        assert load_worksheets(folder, tmp_path, cache)["every-field"] == first
    # an edited file is parsed again, and its mistakes are still reported
    (folder / "every-field.yml").write_text(source.read_text().replace("version: 2", "version: 3"))
    assert load_worksheets(folder, tmp_path, cache)["every-field"].version == 3
    (folder / "every-field.yml").write_text(source.read_text().replace("version: 2", "version: 0"))
    with pytest.raises(
        WorksheetErrors, match=r"worksheets/every-field.yml:4:10: .version. must be at least 1"
    ):
        load_worksheets(folder, tmp_path, cache)


def test_a_cache_entry_the_course_folder_brings_is_never_taken(tmp_path: Path) -> None:
    """Anyone can hash a worksheet file; only this user's secret names its cache entry. An
    entry planted under the name an outsider can work out is not read: the file is."""
    import dataclasses
    import hashlib

    from coursebook import __version__
    from coursebook.model.loader import CACHE_FORMAT

    source = HERE / "fixtures" / "site" / "worksheets" / "every-field.yml"
    folder, cache = tmp_path / "worksheets", tmp_path / "cache"
    folder.mkdir()
    cache.mkdir()
    content = source.read_bytes()
    (folder / "every-field.yml").write_bytes(content)
    real = load_worksheet(folder / "every-field.yml", "worksheets/every-field.yml")
    planted = dataclasses.replace(real, title="Planted, never validated")
    digest = hashlib.sha256(f"{__version__}\0worksheets/every-field.yml\0".encode() + content)
    record = {
        "cache": CACHE_FORMAT,
        "digest": digest.hexdigest(),
        "worksheet": dataclasses.asdict(planted),
    }
    (cache / f"{digest.hexdigest()}.json").write_text(json.dumps(record))
    assert load_worksheets(folder, tmp_path, cache)["every-field"].title == real.title
