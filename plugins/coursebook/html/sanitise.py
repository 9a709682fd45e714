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

import re
from functools import partial

import nh3

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


def _filter(tag: str, attribute: str, value: str, *, page: bool) -> str | None:
    """Per-value rules an allowlist of names cannot say."""
    if tag == "input" and attribute == "type":
        # only what tabs and task lists use: a page has no other controls of its own
        return value if value.lower() in ("checkbox", "radio") else None
    if tag == "img" and attribute == "src" and not page and _REMOTE.match(value):
        return None  # worksheet text loads nothing from another server
    if attribute == "target":
        return value if value in ("_blank", "_self") else None
    return value


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
