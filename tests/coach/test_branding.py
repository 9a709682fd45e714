"""Branding from ``extra.coursebook``: validated, and visible on the site (header, footer, coach box, colours)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from coursebook.branding import (
    LIGHT_PAGE,
    SLATE_PAGE,
    Branding,
    BrandingError,
    Color,
    load_branding,
    logo_file,
    site_css,
)
from hypothesis import given
from hypothesis import strategies as st

from tests.coach.conftest import BRANDING, Site, brand, new_course
from tests.conftest import mkdocs_build


def test_every_key_is_read_and_colours_are_normalised() -> None:
    branding = load_branding("Course", {"coursebook": BRANDING})
    assert branding.title == "Course"
    assert branding.subtitle == BRANDING["subtitle"]
    assert branding.coach is not None
    assert branding.coach.name == "Ana Lima <Coaching>"
    assert branding.coach.email == "ana@example.org"
    assert branding.coach.website == "https://coach.example.org/clients"
    assert branding.logo == "assets/logo.svg"
    assert branding.primary is not None and branding.primary.hex == "#7b1fa2"
    assert branding.accent is not None and branding.accent.hex == "#ff6f00"


def test_no_branding_is_just_the_title() -> None:
    assert load_branding("Course", {}) == Branding(title="Course")
    assert load_branding("Course", None) == Branding(title="Course")


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            {"colors": {"primary": "blurple"}},
            "mkdocs.yml: extra.coursebook.colors.primary: 'blurple' is not an opaque CSS colour",
        ),
        (
            {"colors": {"accent": "rgba(0, 0, 0, 0.5)"}},
            "mkdocs.yml: extra.coursebook.colors.accent: 'rgba(0, 0, 0, 0.5)' is not an opaque",
        ),
        (
            {"colors": {"primary": "#12345"}},
            "mkdocs.yml: extra.coursebook.colors.primary: '#12345' is not",
        ),
        (
            {"colours": {"primary": "red"}},
            "mkdocs.yml: extra.coursebook.colours: unknown setting (expected one of: subtitle, coach, logo, colors)",
        ),
        (
            {"coach": {"name": "A", "phone": "1"}},
            "mkdocs.yml: extra.coursebook.coach.phone: unknown setting",
        ),
        (
            {"coach": {"email": "ana at home"}},
            "mkdocs.yml: extra.coursebook.coach.email: 'ana at home' is not an email",
        ),
        (
            {"coach": {"website": "coach.example.org"}},
            "mkdocs.yml: extra.coursebook.coach.website: 'coach.example.org' is not a web address",
        ),
        ({"coach": "Ana"}, "mkdocs.yml: extra.coursebook.coach: expected a mapping"),
        ({"subtitle": ["a"]}, "mkdocs.yml: extra.coursebook.subtitle: expected text, got list"),
    ],
)
def test_mistakes_are_one_line_naming_the_key(settings: dict[str, object], message: str) -> None:
    with pytest.raises(BrandingError) as caught:
        load_branding("Course", {"coursebook": settings})
    text = str(caught.value)
    assert "\n" not in text
    assert text.startswith(message), text


def test_logo_must_be_a_file_of_the_site(tmp_path: Path) -> None:
    (tmp_path / "logo.png").write_bytes(b"png")
    assert logo_file(Branding("C", logo="logo.png"), tmp_path) == (tmp_path / "logo.png").resolve()
    with pytest.raises(BrandingError, match=r"extra\.coursebook\.logo: 'missing\.svg' not found"):
        logo_file(Branding("C", logo="missing.svg"), tmp_path)
    # a remote logo would make every learner's browser call another server
    with pytest.raises(BrandingError, match="is a web address"):
        logo_file(Branding("C", logo="https://cdn.example.com/logo.svg"), tmp_path)


@given(st.integers(0, 0xFFFFFF))
def test_site_colours_stay_readable_whatever_the_coach_picks(rgb: int) -> None:
    color = Color.parse(f"#{rgb:06x}")
    assert color is not None
    css = site_css(Branding("C", primary=color, accent=color))
    light = dict(
        re.findall(r"(--md-[\w-]+): (#[0-9a-f]{6})\b", css.split("[data-md-color-scheme=slate]")[0])
    )
    slate = dict(
        re.findall(r"(--md-[\w-]+): (#[0-9a-f]{6})\b", css.split("[data-md-color-scheme=slate]")[1])
    )
    assert light["--md-primary-fg-color"] == color.hex
    link_light = Color.parse(light["--md-typeset-a-color"])
    link_slate = Color.parse(slate["--md-typeset-a-color"])
    on_primary = Color.parse(light["--md-primary-bg-color"])
    assert link_light is not None and link_slate is not None and on_primary is not None
    assert link_light.contrast(LIGHT_PAGE) >= 4.5
    assert link_slate.contrast(SLATE_PAGE) >= 4.5
    # header text on the primary colour: the better of white and black is always at least 4.5
    assert on_primary.contrast(color) >= 4.5


def test_the_built_site_shows_the_branding(branded_site: Site) -> None:
    home = (branded_site.site / "index.html").read_text(encoding="utf-8")
    # header: the logo, linked to the home page
    assert re.search(r'class="md-header__button md-logo"[^>]*>\s*<img src="assets/logo\.svg"', home)
    assert (branded_site.site / "assets" / "logo.svg").is_file()
    # footer: title, subtitle and the coach's contact, escaped
    footer = re.search(r'<p class="cb-brand">(.*?)</p>', home, re.S)
    assert footer is not None
    line = footer.group(1)
    assert "My Course" in line
    assert BRANDING["subtitle"] in line
    assert "Your coach: Ana Lima &lt;Coaching&gt;" in line
    assert '<a href="mailto:ana@example.org">ana@example.org</a>' in line
    assert (
        '<a href="https://coach.example.org/clients" rel="noopener">coach.example.org/clients</a>'
        in line
    )
    # colours: Material's variables, in a stylesheet every page links after Material's own
    links = re.findall(r'<link rel="stylesheet" href="([^"]+)"', home)
    assert (
        links[-1] == "assets/coursebook/branding.css" or "assets/coursebook/branding.css" in links
    )
    assert links.index("assets/coursebook/branding.css") > max(
        i for i, href in enumerate(links) if "assets/stylesheets/main" in href
    )
    css = (branded_site.site / "assets" / "coursebook" / "branding.css").read_text(encoding="utf-8")
    assert "--md-primary-fg-color: #7b1fa2;" in css
    assert "--md-accent-fg-color: #ff6f00;" in css


def test_the_workbook_page_has_the_coach_box(branded_site: Site) -> None:
    page = (branded_site.site / "workbook" / "index.html").read_text(encoding="utf-8")
    box = re.search(r'<aside class="cb-coach".*?</aside>', page, re.S)
    assert box is not None
    assert '<h2 class="cb-coach__title" id="cb-coach-title">Your coach</h2>' in box.group(0)
    assert "Ana Lima &lt;Coaching&gt;" in box.group(0)
    assert 'href="mailto:ana@example.org"' in box.group(0)


def test_without_a_coach_there_is_no_coach_box_and_no_colour_sheet(default_site: Path) -> None:
    page = (default_site / "workbook" / "index.html").read_text(encoding="utf-8")
    assert "cb-coach__title" not in page
    assert not (default_site / "assets" / "coursebook" / "branding.css").exists()
    footer = re.search(r'<p class="cb-brand">(.*?)</p>', page, re.S)
    assert footer is not None and "Your coach" not in footer.group(1)


def test_a_bad_colour_stops_the_build_with_one_line(tmp_path: Path) -> None:
    project = new_course(tmp_path / "course", "--blank")
    brand(project, {"colors": {"primary": "#zzzzzz"}})
    build = mkdocs_build(project / "mkdocs.yml", tmp_path / "site")
    assert build.returncode != 0
    errors = [line for line in build.log.splitlines() if "extra.coursebook" in line]
    assert len(errors) == 1, build.log
    assert (
        "mkdocs.yml: extra.coursebook.colors.primary: '#zzzzzz' is not an opaque CSS colour"
        in errors[0]
    )
    assert "Traceback" not in build.log


def test_the_slate_page_colour_is_materials() -> None:
    """Written out as numbers (parsing it loaded tinycss2 in every build)."""
    parsed = Color.parse("hsl(232, 15%, 14%)")  # Material's --md-default-bg-color in slate
    assert parsed is not None and SLATE_PAGE.hex == parsed.hex == "#1e2029"
