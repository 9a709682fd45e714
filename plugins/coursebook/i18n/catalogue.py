"""Message catalogues in (``messages/<lang>.json`` plus a course's overrides), a ``Catalogue`` out."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

Message = str | Mapping[str, str]
"""A message's text, or its texts by CLDR plural category (chosen by ``{count}``)."""

PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many", "other")
BROWSER_PREFIXES = ("runtime.", "answers.", "review.", "workbook.", "offline.")
"""Ids the browser runtime needs; the rest (PDF, terminal) stay on the build side."""

_ID = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_SOURCE = "en"


class CatalogueError(Exception):
    """A catalogue file or override that cannot be used; ``str()`` is one line naming it."""


def fill(text: str, params: Mapping[str, object]) -> str:
    """``text`` with each ``{name}`` replaced by ``str(params[name])``; unknown names stay.

    The browser runtime does exactly this, so a message reads the same in both.
    """
    return _PLACEHOLDER.sub(
        lambda m: str(params[m.group(1)]) if m.group(1) in params else m.group(0), text
    )


def placeholders(message: Message) -> set[str]:
    """The ``{names}`` a message uses (in any of its plural forms)."""
    texts = [message] if isinstance(message, str) else list(message.values())
    return {name for text in texts for name in _PLACEHOLDER.findall(text)}


def read_catalogue(data: Any, source: str) -> dict[str, Message]:
    """Check one catalogue's parsed JSON; raises ``CatalogueError`` naming ``source`` and the id."""
    if not isinstance(data, Mapping):
        raise CatalogueError(f"{source}: a catalogue is an object of message id -> text")
    checked: dict[str, Message] = {}
    for key, value in data.items():
        if not isinstance(key, str) or not _ID.match(key):
            raise CatalogueError(
                f"{source}: {key!r} is not a message id (expected e.g. 'runtime.saved')"
            )
        if isinstance(value, str):
            checked[key] = value
        elif isinstance(value, Mapping) and value:
            bad = [c for c in value if c not in PLURAL_CATEGORIES]
            if bad or "other" not in value or not all(isinstance(v, str) for v in value.values()):
                raise CatalogueError(
                    f"{source}: {key}: plural forms must be text under "
                    f"{', '.join(PLURAL_CATEGORIES)}, 'other' included"
                )
            checked[key] = dict(value)
        else:
            raise CatalogueError(f"{source}: {key}: expected text or an object of plural forms")
    return checked


@cache
def _packaged(language: str) -> dict[str, Message]:
    path = files("coursebook.i18n").joinpath("messages", f"{language}.json")
    return read_catalogue(json.loads(path.read_text("utf-8")), f"coursebook/i18n/{language}.json")


def available_languages() -> list[str]:
    """The languages coursebook ships a catalogue for."""
    folder = files("coursebook.i18n").joinpath("messages")
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".json"))


def english() -> dict[str, Message]:
    """The English catalogue: the source every other one is checked against."""
    return _packaged(_SOURCE)


def _shipped(language: str) -> str | None:
    """The shipped catalogue for a BCP 47 tag: exact (``pt-BR``), then its language (``pt``)."""
    known = available_languages()
    tag = language.replace("_", "-")
    for candidate in (tag, tag.split("-")[0].lower()):
        if candidate in known:
            return candidate
    return None


@cache
def _babel_locale(language: str) -> Any:
    from babel import Locale, UnknownLocaleError  # only once a count or a date is shown

    for tag in (language.replace("-", "_"), language.split("-")[0]):
        try:
            return Locale.parse(tag)
        except (UnknownLocaleError, ValueError):
            continue
    return Locale.parse("en")


@dataclass(frozen=True)
class Catalogue:
    """The messages of one course, in its language, with its overrides applied.

    ``missing`` names the ids that fell back to English (the build warns about each);
    ``unknown`` the override ids English does not have.
    """

    language: str
    messages: Mapping[str, Message]
    missing: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()
    catalogue: str | None = field(default=None)

    def __call__(self, message_id: str, /, **params: object) -> str:
        """The message, its ``{placeholders}`` filled, in the plural form ``count`` calls for."""
        message = self.messages.get(message_id)
        if message is None:
            return message_id
        if not isinstance(message, str):
            count = params.get("count")
            category = self.plural(count) if isinstance(count, int | float) else "other"
            message = message.get(category, message["other"])
        return fill(message, {k: self._listed(v) for k, v in params.items()})

    def _listed(self, value: object) -> object:
        """A list parameter as this language lists names: each quoted, then joined."""
        if not isinstance(value, list | tuple):
            return value
        quoted = (self("answers.quoted", text=str(item)) for item in value)
        return self("answers.separator").join(quoted)

    def plural(self, count: float) -> str:
        """The CLDR plural category of ``count`` in this language."""
        category: str = _babel_locale(self.language).plural_form(count)
        return category

    @property
    def direction(self) -> str:
        """``rtl`` for right-to-left scripts (Arabic, Hebrew, …), else ``ltr``."""
        order = _babel_locale(self.language).character_order
        return "rtl" if order == "right-to-left" else "ltr"

    def month(self, day: date) -> str:
        """``day``'s month and year as people write it in this language ("décembre 2026")."""
        from babel.dates import format_skeleton

        text: str = format_skeleton("yMMMM", day, locale=_babel_locale(self.language))
        return text

    def browser(self) -> dict[str, Message]:
        """The messages the browser runtime shows."""
        return {k: v for k, v in self.messages.items() if k.startswith(BROWSER_PREFIXES)}


def load_catalogue(
    language: str | None,
    overrides: Mapping[str, Any] | str | Path | None = None,
    *,
    source: str = "mkdocs.yml",
    base: Path | None = None,
) -> Catalogue:
    """The catalogue for ``language`` (a ``theme.language`` tag), with a course's overrides.

    ``overrides`` is a mapping of message id -> text, or the path (relative to ``base``) of a
    JSON catalogue file a course keeps for a language coursebook does not ship. Ids missing
    from the result fall back to English. Raises ``CatalogueError`` for an unreadable file.
    """
    language = (language or _SOURCE).strip() or _SOURCE
    shipped = _shipped(language)
    messages: dict[str, Message] = dict(_packaged(shipped)) if shipped else {}
    if isinstance(overrides, str | Path):
        path = (base or Path(".")) / overrides
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise CatalogueError(
                f"{source}: messages: cannot read {overrides} ({exc.strerror})"
            ) from None
        except UnicodeDecodeError:
            raise CatalogueError(
                f"{source}: messages: {overrides} is not UTF-8 text (save it as UTF-8)"
            ) from None
        try:
            data = json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise CatalogueError(f"{source}: messages: {overrides} is not JSON ({exc})") from None
        overrides = read_catalogue(data, str(overrides))
    elif overrides:
        overrides = read_catalogue(dict(overrides), f"{source}: messages")
    english_messages = english()
    unknown = tuple(sorted(set(overrides or {}) - set(english_messages)))
    for key, value in (overrides or {}).items():
        if key in english_messages:
            messages[key] = value
    missing = tuple(k for k in english_messages if k not in messages)
    for key in missing:
        messages[key] = english_messages[key]
    return Catalogue(language, messages, missing, unknown, shipped)
