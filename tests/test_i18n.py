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


# ---- courses built in French and Arabic: no English chrome anywhere ----------------


def _english_phrases(language: str) -> dict[str, str]:
    """English messages that are whole phrases with nothing to fill in and that the
    language words differently: any of them in a course in that language was left
    untranslated."""
    translated = load_catalogue(language).messages
    return {
        message_id: text
        for message_id, text in english().items()
        if isinstance(text, str)
        and not placeholders(text)
        and len(text) >= 8
        and translated.get(message_id) != text
    }


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_built_course_shows_no_english_chrome(
    language_courses: dict[str, Path], language: str
) -> None:
    """Every page, the messages the runtime shows (in the course data it loads), and the
    text and field tooltips of both PDFs."""
    from pypdf import PdfReader

    site = language_courses[language]
    texts = {str(p.relative_to(site)): p.read_text("utf-8") for p in site.rglob("*.html")}
    texts |= {p.name: p.read_text("utf-8") for p in site.rglob("course-*.js")}
    for name in ("workbook.pdf", "workbook-print.pdf"):
        reader = PdfReader(site / name)
        fields = (reader.get_fields() or {}).values()
        texts[name] = "\n".join(
            [page.extract_text() for page in reader.pages] + [str(f.get("/TU", "")) for f in fields]
        )
    assert any(name.startswith("course-") for name in texts) and len(texts) > 5
    phrases = _english_phrases(language)
    left = {
        where: sorted(i for i, text in phrases.items() if text in content)
        for where, content in texts.items()
    }
    assert not {where: ids for where, ids in left.items() if ids}
    for where, content in texts.items():
        if where.endswith(".html"):
            assert "Permanent link" not in content, where
            assert f'lang="{language}"' in content, where


def _lines(pdf: Path, page: int) -> list[tuple[str, float, float]]:
    """Each line of text on ``page`` (from 1) as poppler reads it: text, left and right x."""
    import subprocess

    xhtml = subprocess.run(
        ["pdftotext", "-bbox-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = []
    for line in re.finditer(
        r'<line xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>(.*?)</line>', xhtml, re.S
    ):
        words = re.findall(r">([^<]+)</word>", line.group(3))
        found.append((" ".join(words), float(line.group(1)), float(line.group(2))))
    return found


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_pdf_runs_in_the_direction_of_the_language(
    language_courses: dict[str, Path], language: str
) -> None:
    """In Arabic, lines of text end at the right margin and the numbers of a list's
    lines stand on the right; in French, the reverse."""
    pdf = language_courses[language] / "workbook-print.pdf"
    width = 595.0  # A4, in points
    lines = [line for page in (3, 4) for line in _lines(pdf, page)]
    text = [(t, left, right) for t, left, right in lines if re.search(r"[^\W\d_]{3}", t)]
    at_right = sum(right > width * 0.8 for _, _, right in text)
    at_left = sum(left < width * 0.2 for _, left, _ in text)
    numbers = [left for t, left, _ in lines if t in {"1", "2", "3", "4", "5"}]
    column = max(set(numbers), key=numbers.count)  # the list's numbers share one x
    if language == "ar":
        assert at_right > 0.8 * len(text) and column > width / 2, (at_right, len(text), column)
    else:
        assert at_left > 0.8 * len(text) and column < width / 2, (at_left, len(text), column)


def test_names_in_a_message_are_quoted_and_listed_as_the_language_does() -> None:
    options = ["Curious", "Ready"]
    assert load_catalogue("en")("answers.expect_choice", options=options) == (
        "one of: “Curious”, “Ready”"
    )
    assert "« Curious », « Ready »" in load_catalogue("fr")(
        "answers.expect_choice", options=options
    )
    assert "«Curious»، «Ready»" in load_catalogue("ar")("answers.expect_choice", options=options)
