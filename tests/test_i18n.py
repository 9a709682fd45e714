"""Message catalogues: every language complete, same placeholders as English, CLDR plural forms;
overrides and fallbacks; and the blank course scaffolded in each language."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from babel import Locale
from coursebook.i18n import available_languages, english, load_catalogue
from coursebook.i18n.catalogue import placeholders

from tests.coach.conftest import cli
from tests.conftest import ROOT

SHIPPED = [lang for lang in available_languages() if lang != "en"]
MESSAGES = ROOT / "plugins" / "coursebook" / "i18n" / "messages"
SCAFFOLDS = ROOT / "plugins" / "coursebook" / "scaffold" / "languages"


def test_ten_languages_at_least() -> None:
    assert {"en", "fr", "de", "es", "pt", "it", "nl", "pl", "ar"} <= set(available_languages())
    assert len(available_languages()) >= 10


@pytest.mark.parametrize("language", SHIPPED)
def test_every_catalogue_is_complete_with_the_same_placeholders(language: str) -> None:
    source = english()
    catalogue = json.loads((MESSAGES / f"{language}.json").read_text(encoding="utf-8"))
    assert sorted(catalogue) == sorted(source), "same ids as English, no more, no fewer"
    categories = {"other"} | set(Locale.parse(language).plural_form.tags)
    for key, english_text in source.items():
        text = catalogue[key]
        assert placeholders(text) == placeholders(english_text), key
        if isinstance(english_text, dict):
            # a number's message has exactly the plural forms CLDR gives the language
            assert isinstance(text, dict) and set(text) == categories, key
        else:
            assert isinstance(text, str) and text.strip(), key
        for form in [text] if isinstance(text, str) else text.values():
            assert "(s)" not in form, key
    assert load_catalogue(language).missing == ()


def test_plural_forms_follow_cldr() -> None:
    polish = load_catalogue("pl")
    forms = {n: polish("workbook.questions", count=n) for n in (1, 2, 5, 22)}
    assert len({forms[1], forms[2], forms[5]}) == 3  # one, few, many
    assert forms[2].replace("2", "") == forms[22].replace("22", "")
    english_messages = load_catalogue("en")
    assert english_messages("runtime.exported", count=1) == "Exported the answers of 1 worksheet"
    assert english_messages("runtime.exported", count=3) == "Exported the answers of 3 worksheets"


def test_a_language_falls_back_to_its_base_and_then_english() -> None:
    assert load_catalogue("pt-BR").catalogue == "pt"
    unknown = load_catalogue("xx")
    assert unknown.catalogue is None and unknown("form.export") == "Export answers"
    assert set(unknown.missing) == set(english())
    assert load_catalogue("ar").direction == "rtl" and load_catalogue("fr").direction == "ltr"


def test_dates_are_written_in_the_language() -> None:
    from datetime import date

    day = date(2026, 12, 1)
    assert load_catalogue("fr").month(day) == "décembre 2026"
    assert load_catalogue("de").month(day) == "Dezember 2026"
    assert load_catalogue("en").month(day) == "December 2026"


@pytest.mark.parametrize("language", SHIPPED)
def test_the_blank_course_exists_in_the_language(language: str) -> None:
    folder = SCAFFOLDS / language
    for name in ("index.md", "workbook.md", "review.md", "privacy.md"):
        text = (folder / "content" / name).read_text(encoding="utf-8")
        assert text.startswith("---\ntitle: ") and "description: " in text, name
    for block in ("/// workbook", "/// answers-review", "/// worksheet | first-steps"):
        assert block in "".join(
            (folder / "content" / n).read_text(encoding="utf-8")
            for n in ("index.md", "workbook.md", "review.md")
        )
    assert (folder / "worksheets" / "first-steps.yml").is_file()
    strings = json.loads((folder / "strings.json").read_text(encoding="utf-8"))
    assert strings["site_name"] and strings["site_description"]
    blank = (ROOT / "plugins" / "coursebook" / "scaffold" / "blank" / "mkdocs.yml").read_text(
        encoding="utf-8"
    )
    for english_line in strings["replace"]:
        assert english_line in blank, english_line


def test_new_language_course_builds_without_english_chrome(tmp_path: Path) -> None:
    from tests.conftest import mkdocs_build

    result = cli("new", str(tmp_path / "cours"), "--blank", "--language", "fr")
    assert result.exit_code == 0, result.output
    build = mkdocs_build(tmp_path / "cours" / "mkdocs.yml", tmp_path / "site")
    assert build.returncode == 0, build.log
    html = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert 'lang="fr"' in html
    for english_chrome in ("Export answers", "Import answers", "Clear answers", "Worksheet<"):
        assert english_chrome not in html
    assert re.search(r"Exporter", html)
