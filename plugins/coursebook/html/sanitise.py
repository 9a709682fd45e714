"""Rendered HTML from authors in, HTML with nothing that can run script out (nh3 allowlists).

Course text is written by people the learner never chose to trust: a colleague, a bought
content pack, a template from the web. Whatever Markdown and its extensions produced
(``attr_list`` accepts any attribute, raw HTML passes through), only the elements,
attributes and URL schemes listed here survive: no ``<script>``, ``<style>``, ``<iframe>``
or ``<form>``, no event handlers, no ``style`` beyond table alignment, and links only to
``http``, ``https``, ``mailto`` or relative addresses, checked after entity decoding.

``clean_page`` keeps what Material and pymdownx need for a page (tabs, task lists, code,
icons, footnotes); ``clean_text`` is stricter, for worksheet text shown inside a form.
"""

from __future__ import annotations

import html as html_module
import re
from functools import partial
from html.parser import HTMLParser

import nh3

from coursebook.answers.contract import display

_TEXT_TAGS = {
    "p", "br", "hr", "div", "span", "strong", "em", "b", "i", "u", "s", "a", "abbr",
    "code", "pre", "kbd", "samp", "var", "mark", "del", "ins", "sub", "sup", "small", "q",
    "cite", "dfn", "time", "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "details",
    "summary", "table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th",
    "td", "h3", "h4", "h5", "h6", "img", "figure", "figcaption",
}  # fmt: skip
_SVG_TAGS = {
    "svg", "g", "path", "circle", "ellipse", "rect", "line", "polyline", "polygon", "title",
    "desc", "defs", "lineargradient", "radialgradient", "stop",
}  # fmt: skip
_PAGE_TAGS = _TEXT_TAGS | _SVG_TAGS | {
    "h1", "h2", "section", "article", "aside", "header", "footer", "nav", "main", "address",
    "label", "input", "picture", "source", "video", "audio", "track", "wbr", "bdi", "bdo",
    "ruby", "rt", "rp", "data", "meter", "progress",
}  # fmt: skip

_GLOBAL = {"class", "id", "title", "lang", "dir", "role", "hidden", "tabindex"}
_SVG_ATTRIBUTES = {
    "viewbox", "viewBox", "xmlns", "width", "height", "fill", "fill-rule", "clip-rule",
    "fill-opacity", "stroke", "stroke-width", "stroke-linecap", "stroke-linejoin",
    "stroke-opacity", "opacity", "d", "points", "cx", "cy", "r", "rx", "ry", "x", "y", "x1",
    "y1", "x2", "y2", "transform", "focusable", "offset", "stop-color", "gradientunits",
    "preserveaspectratio",
}  # fmt: skip
_TEXT_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "hreflang", "rel", "target"},
    "abbr": {"title"},
    "img": {"src", "alt", "width", "height", "loading", "align"},
    "ol": {"start", "type", "reversed"},
    "li": {"value"},
    "td": {"colspan", "rowspan", "align", "style"},
    "th": {"colspan", "rowspan", "align", "scope", "style"},
    "col": {"span"},
    "colgroup": {"span"},
    "details": {"open"},
    "time": {"datetime"},
    "q": {"cite"},
    "blockquote": {"cite"},
}
_PAGE_ATTRIBUTES: dict[str, set[str]] = {
    **_TEXT_ATTRIBUTES,
    # content tabs (radio inputs and their labels) and task lists (disabled checkboxes)
    "input": {"type", "name", "checked", "disabled"},
    "label": {"for"},
    "div": {"data-tabs", "data-cb-slot"},  # data-cb-slot: where a block's form goes
    "source": {"src", "type", "media", "sizes"},
    "video": {"src", "controls", "width", "height", "poster", "muted", "loop", "playsinline"},
    "audio": {"src", "controls", "loop", "muted"},
    "track": {"src", "kind", "srclang", "label", "default"},
    "data": {"value"},
    "meter": {"value", "min", "max", "low", "high", "optimum"},
    "progress": {"value", "max"},
    **{tag: _SVG_ATTRIBUTES for tag in _SVG_TAGS},
}
_SCHEMES = {"http", "https", "mailto"}
# nh3 writes every attribute as name="value", with quotes inside values as &quot;
_OTHER_INPUT = re.compile(r'<input\b(?![^>]*\stype="(?:checkbox|radio)")[^>]*>', re.IGNORECASE)
_REMOTE = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)


_URL_ATTRIBUTES = {"href", "src", "poster", "cite", "srcset"}
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):", re.IGNORECASE)
# browsers ignore these inside a scheme ("java\tscript:"), so the check does too
_IGNORED_IN_URL = re.compile(r"[\x00-\x20\x7f]+")


def _filter(tag: str, attribute: str, value: str, *, page: bool) -> str | None:
    """Per-value rules an allowlist of names cannot say."""
    if tag == "input" and attribute == "type":
        # only what tabs and task lists use: a page has no other controls of its own
        return value if value.lower() in ("checkbox", "radio") else None
    if tag == "img" and attribute == "src" and not page and _REMOTE.match(value):
        return None  # worksheet text loads nothing from another server
    if attribute == "target":
        return value if value in ("_blank", "_self") else None
    if attribute in _URL_ATTRIBUTES and _foreign_scheme(value):
        return None  # nh3 checks links and sources, not ``cite`` or ``srcset``
    return value


def _foreign_scheme(address: str) -> bool:
    scheme = _SCHEME.match(_IGNORED_IN_URL.sub("", address))
    return bool(scheme and scheme.group(1).lower() not in _SCHEMES)


class _Addresses(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.dropped: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in _URL_ATTRIBUTES and value and _foreign_scheme(value):
                self.dropped.append((f"{tag} {name}", html_module.unescape(value).strip()))


# every value an address attribute could have, as HTMLParser reads attributes (repeated
# "=" included), wherever the name appears: a superset, to find pages with nothing to drop.
# Matched in the lower-cased page: four times faster than ignoring case
_ADDRESS_VALUES = re.compile(
    r"""(?:href|src|poster|cite|srcset)\s*=+\s*(?:"([^"]*)"|'([^']*)'|([^\s>]*))"""
)
_PLAIN_SAFE = re.compile(r"(?:https?|mailto):|[^:&\x00-\x20\x7f]*$", re.IGNORECASE)


def _nothing_to_drop(html: str) -> bool:
    """Whether every address-like value is plainly a web, mail or relative address (most
    pages): then parsing the page for dropped addresses would find none."""
    for match in _ADDRESS_VALUES.finditer(html.lower()):
        value = match.group(1) or match.group(2) or match.group(3) or ""
        if not _PLAIN_SAFE.match(value):
            return False
    return True


def dropped_addresses(html: str) -> list[tuple[str, str]]:
    """The addresses ``clean_page`` will take out, as ``(element and attribute, address)``:
    ``file:``, ``data:``, ``javascript:`` and every other scheme but web and mail. Said to
    the author, because a picture or link that silently vanishes looks like a bug."""
    if _nothing_to_drop(html):
        return []
    parser = _Addresses()
    parser.feed(html)
    parser.close()
    return parser.dropped


def shown_address(address: str, limit: int = 100) -> str:
    """An address cut for one line of a log, keeping its end: the file name tells most."""
    address = display(address, len(address))
    if len(address) <= limit:
        return address
    return address[: limit // 3] + "…" + address[-(limit - limit // 3) :]


def clean_page(html: str) -> str:
    """A page's rendered HTML with only what Material and pymdownx content needs."""
    cleaned = str(
        nh3.clean(
            html,
            tags=_PAGE_TAGS,
            attributes={"*": _GLOBAL, **_PAGE_ATTRIBUTES},
            generic_attribute_prefixes={"aria-"},
            url_schemes=_SCHEMES,
            filter_style_properties={"text-align"},
            attribute_filter=partial(_filter, page=True),
            strip_comments=True,
            link_rel=None,
            clean_content_tags={"script", "style"},
        )
    )
    # an input whose type was not allowed would be left as a text box: it goes whole
    return _OTHER_INPUT.sub("", cleaned)


# Material prints page titles, descriptions and subtitles into HTML without escaping them:
# the characters that could open markup or close an attribute become look-alikes.
_MARKUP = str.maketrans({"<": "\u2039", ">": "\u203a", '"': "\u201d", "'": "\u2019", "`": "\u02cb"})
_SAFE_URL = re.compile(r"^(?:https?://|/|\.|#|[^:/?#\s]+(?:[/?#]|$))", re.IGNORECASE)


def plain(text: str) -> str:
    """Text that stays text wherever a template inserts it, escaped or not."""
    return text.translate(_MARKUP)


def clean_meta(meta: dict[str, object]) -> dict[str, object]:
    """A page's front matter with every text made ``plain`` and a redirect's ``location``
    kept only when it is a web or relative address (Material's redirect page runs it)."""

    def clean(value: object) -> object:
        if isinstance(value, str):
            return plain(value)
        if isinstance(value, list):
            return [clean(v) for v in value]
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        return value

    cleaned = {key: clean(value) for key, value in meta.items()}
    location = meta.get("location")
    if location is not None and not (
        isinstance(location, str) and _SAFE_URL.match(location.strip())
    ):
        # and not the redirect page either: with no location it would reload itself forever
        del cleaned["location"]
        if str(meta.get("template", "")).startswith("redirect"):
            del cleaned["template"]
    return cleaned


def clean_text(html: str) -> str:
    """Worksheet text (intro, guidance, section intros, coach notes): no controls, no media."""
    return str(
        nh3.clean(
            html,
            tags=_TEXT_TAGS | _SVG_TAGS,
            attributes={"*": _GLOBAL - {"id", "tabindex", "hidden"}, **_TEXT_ATTRIBUTES}
            | {tag: _SVG_ATTRIBUTES for tag in _SVG_TAGS},
            generic_attribute_prefixes={"aria-"},
            url_schemes=_SCHEMES,
            filter_style_properties={"text-align"},
            attribute_filter=partial(_filter, page=False),
            strip_comments=True,
            link_rel=None,
            clean_content_tags={"script", "style"},
        )
    )
