"""``extra.coursebook`` from ``mkdocs.yml`` in, a validated ``Branding`` (and its site CSS) out.

One place for a coach's branding, read by the site and by the PDF::

    site_name: Informational Interviews      # the course title
    extra:
      coursebook:
        subtitle: Learn from people who already do the work
        logo: assets/logo.svg                # inside docs_dir
        coach:
          name: Sam Rivera
          email: sam@example.org
          website: https://example.org
        colors:
          primary: "#00695c"                 # any CSS colour: hex, rgb(), hsl() or a name
          accent: "#ff6f00"

Every key is optional. Mistakes raise ``BrandingError`` whose ``str()`` is one line naming
the config file and the key.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

KEY = "extra.coursebook"


class BrandingError(Exception):
    """A branding setting that cannot be used; ``str()`` names the file and the key."""


@dataclass(frozen=True)
class Color:
    """An opaque sRGB colour with channels from 0 to 1."""

    red: float
    green: float
    blue: float

    @classmethod
    def parse(cls, text: str) -> Color | None:
        """Any opaque CSS colour (``#0af``, ``#00aaff``, ``rgb()``, ``hsl()``, ``teal``), else None."""
        # imported here: most builds have no colour to parse, and it costs 5 ms to load
        from tinycss2.color3 import parse_color

        rgba = parse_color(text.strip())
        if rgba is None or isinstance(rgba, str) or rgba.alpha != 1:
            return None
        return cls(rgba.red, rgba.green, rgba.blue)

    @property
    def hex(self) -> str:
        """``#rrggbb``, what WeasyPrint and every browser understand."""
        return "#" + "".join(f"{round(c * 255):02x}" for c in (self.red, self.green, self.blue))

    def mix(self, other: Color, amount: float) -> Color:
        """This colour moved ``amount`` (0-1) of the way towards ``other``."""
        return Color(
            self.red + (other.red - self.red) * amount,
            self.green + (other.green - self.green) * amount,
            self.blue + (other.blue - self.blue) * amount,
        )

    @property
    def luminance(self) -> float:
        """WCAG relative luminance."""

        def linear(c: float) -> float:
            return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

        return 0.2126 * linear(self.red) + 0.7152 * linear(self.green) + 0.0722 * linear(self.blue)

    def contrast(self, other: Color) -> float:
        """WCAG contrast ratio, from 1 to 21."""
        hi, lo = sorted((self.luminance, other.luminance), reverse=True)
        return (hi + 0.05) / (lo + 0.05)

    def readable_on(self, background: Color, ratio: float = 4.5) -> Color:
        """This colour, darkened or lightened just enough to reach ``ratio`` on ``background``.

        Checked after rounding to ``#rrggbb``, which is what the stylesheet will hold.
        """
        target = BLACK if background.luminance > 0.18 else WHITE
        for step in range(101):
            color = self.mix(target, step / 100).rounded
            if color.contrast(background) >= ratio:
                return color
        return target

    @property
    def rounded(self) -> Color:
        """This colour as ``#rrggbb`` holds it (channels in 1/255 steps)."""
        return Color(*(round(c * 255) / 255 for c in (self.red, self.green, self.blue)))


WHITE = Color(1.0, 1.0, 1.0)
BLACK = Color(0.0, 0.0, 0.0)
# Material's page backgrounds: the default (light) scheme and the slate (dark) scheme
LIGHT_PAGE = WHITE
SLATE_PAGE = Color(0.119, 0.1246, 0.161)  # hsl(232, 15%, 14%)


@dataclass(frozen=True)
class Coach:
    """Who the learner can contact: any of name, email and website."""

    name: str | None = None
    email: str | None = None
    website: str | None = None


@dataclass(frozen=True)
class Branding:
    """A course's branding; unset values are None."""

    title: str
    subtitle: str | None = None
    coach: Coach | None = None
    logo: str | None = None
    primary: Color | None = None
    accent: Color | None = None

    @property
    def has_colors(self) -> bool:
        return self.primary is not None or self.accent is not None


_TOP_KEYS = ("subtitle", "coach", "logo", "colors")
_COACH_KEYS = ("name", "email", "website")
_COLOR_KEYS = ("primary", "accent")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_WEBSITE = re.compile(r"^https?://\S+$")


def load_branding(
    site_name: str, extra: Mapping[str, Any] | None, source: str = "mkdocs.yml"
) -> Branding:
    """Validate ``extra.coursebook`` (the ``extra`` mapping of ``mkdocs.yml``); raises ``BrandingError``."""
    data = (extra or {}).get("coursebook")
    if data is None:
        return Branding(title=site_name)
    settings = _mapping(data, KEY, _TOP_KEYS, source)
    coach_data = settings.get("coach")
    coach = None
    if coach_data is not None:
        entries = _mapping(coach_data, f"{KEY}.coach", _COACH_KEYS, source)
        email = _text(entries, "email", f"{KEY}.coach", source)
        website = _text(entries, "website", f"{KEY}.coach", source)
        if email is not None and not _EMAIL.match(email):
            raise BrandingError(
                f"{source}: {KEY}.coach.email: {email!r} is not an email address (expected e.g. name@example.org)"
            )
        if website is not None and not _WEBSITE.match(website):
            raise BrandingError(
                f"{source}: {KEY}.coach.website: {website!r} is not a web address (expected one starting with https://)"
            )
        coach = Coach(_text(entries, "name", f"{KEY}.coach", source), email, website)
        if coach == Coach():
            coach = None
    colors: dict[str, Color | None] = {"primary": None, "accent": None}
    if settings.get("colors") is not None:
        entries = _mapping(settings["colors"], f"{KEY}.colors", _COLOR_KEYS, source)
        for name in _COLOR_KEYS:
            text = _text(entries, name, f"{KEY}.colors", source)
            if text is None:
                continue
            color = Color.parse(text)
            if color is None:
                raise BrandingError(
                    f"{source}: {KEY}.colors.{name}: {text!r} is not an opaque CSS colour "
                    '(expected e.g. "#00695c", "rgb(0, 105, 92)" or "teal")'
                )
            colors[name] = color
    return Branding(
        title=site_name,
        subtitle=_text(settings, "subtitle", KEY, source),
        coach=coach,
        logo=_text(settings, "logo", KEY, source),
        primary=colors["primary"],
        accent=colors["accent"],
    )


def branding_warnings(extra: Mapping[str, Any] | None, source: str = "mkdocs.yml") -> list[str]:
    """Settings that are there but empty: almost always YAML reading an unquoted ``#``
    colour as a comment, which would silently fall back to the default."""
    data = (extra or {}).get("coursebook") if isinstance(extra, Mapping) else None
    if not isinstance(data, Mapping):
        return []
    found = []
    places: list[tuple[str, Any]] = [(f"{KEY}.{k}", v) for k, v in data.items()]
    for group in ("coach", "colors"):
        if isinstance(data.get(group), Mapping):
            places += [(f"{KEY}.{group}.{k}", v) for k, v in data[group].items()]
    for key, value in places:
        if value is not None:
            continue
        if ".colors." in key:
            found.append(
                f"{source}: {key} is empty: YAML reads an unquoted # as the start of a "
                'comment, so write the colour in quotes (e.g. "#1b5e20")'
            )
        else:
            found.append(f"{source}: {key} is empty; give it a value or remove it")
    return found


def logo_file(branding: Branding, docs_dir: Path, source: str = "mkdocs.yml") -> Path | None:
    """The logo's file inside ``docs_dir``; raises ``BrandingError`` if it is missing or remote.

    A remote logo would make every learner's browser contact another server, so only a
    file shipped with the site is accepted.
    """
    if branding.logo is None:
        return None
    if re.match(r"^[a-z][a-z0-9+.-]*:", branding.logo, re.IGNORECASE) or branding.logo.startswith(
        "//"
    ):
        raise BrandingError(
            f"{source}: {KEY}.logo: {branding.logo!r} is a web address; put the image in "
            f"{docs_dir.name}/ and give its path there (no third-party requests)"
        )
    path = docs_dir / branding.logo
    if not path.is_file():
        raise BrandingError(
            f"{source}: {KEY}.logo: {branding.logo!r} not found in {docs_dir.name}/ "
            "(the path is relative to the docs folder)"
        )
    real = path.resolve()
    if not real.is_relative_to(docs_dir.resolve()):
        raise BrandingError(
            f"{source}: {KEY}.logo: {branding.logo!r} is outside {docs_dir.name}/ "
            "(an absolute path, '..' or a link); put the image in the docs folder"
        )
    return real


def _mapping(value: Any, key: str, allowed: tuple[str, ...], source: str) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise BrandingError(
            f"{source}: {key}: expected a mapping of {', '.join(allowed)}, got {type(value).__name__}"
        )
    for name in value:
        if name not in allowed:
            raise BrandingError(
                f"{source}: {key}.{name}: unknown setting (expected one of: {', '.join(allowed)})"
            )
    return dict(value)


def _text(entries: Mapping[str, Any], name: str, key: str, source: str) -> str | None:
    value = entries.get(name)
    if value is None:
        return None
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise BrandingError(f"{source}: {key}.{name}: expected text, got {type(value).__name__}")
    text = str(value).strip()
    return text or None


def site_css(branding: Branding) -> str:
    """CSS giving Material's colour variables the branding colours, in light and dark schemes.

    Material sets its palette on ``[data-md-color-primary=…]`` and
    ``[data-md-color-scheme=slate][data-md-color-primary=…]``; these rules have the same
    specificity and load after Material's stylesheets, so they win. Link colours are nudged
    until they reach WCAG AA contrast on each scheme's page background.
    """
    rules: list[str] = []
    light: dict[str, str] = {}
    slate: dict[str, str] = {}
    if branding.primary is not None:
        p = branding.primary
        on_primary = _text_on(p)
        light |= {
            "--md-primary-fg-color": p.hex,
            "--md-primary-fg-color--light": p.mix(WHITE, 0.15).hex,
            "--md-primary-fg-color--dark": p.mix(BLACK, 0.2).hex,
            "--md-primary-bg-color": on_primary.hex,
            "--md-primary-bg-color--light": on_primary.hex + "b3",
            "--md-typeset-a-color": p.readable_on(LIGHT_PAGE).hex,
        }
        slate["--md-typeset-a-color"] = p.readable_on(SLATE_PAGE).hex
    if branding.accent is not None:
        a = branding.accent
        on_accent = _text_on(a)
        light |= {
            "--md-accent-fg-color": a.hex,
            "--md-accent-fg-color--transparent": a.hex + "1a",
            "--md-accent-bg-color": on_accent.hex,
            "--md-accent-bg-color--light": on_accent.hex + "b3",
        }
    if light:
        rules.append(_rule(":root, [data-md-color-primary], [data-md-color-accent]", light))
    if slate:
        rules.append(_rule("[data-md-color-scheme=slate][data-md-color-primary]", slate))
    return "".join(rules)


def _text_on(background: Color) -> Color:
    return WHITE if WHITE.contrast(background) >= BLACK.contrast(background) else BLACK


def _rule(selector: str, declarations: Mapping[str, str]) -> str:
    body = "".join(f"  {name}: {value};\n" for name, value in declarations.items())
    return f"{selector} {{\n{body}}}\n"
