"""The allowlist sanitiser and the data embedded in pages, tried with generated hostile HTML.

Hypothesis puts together fragments an attacker would use (event handlers, script-capable
addresses hidden by entities, case, whitespace and control characters, elements that run
or load things, attributes ``attr_list`` could add) and checks what a browser would parse
out of the result, not the text of it.
"""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser

import pytest
from coursebook.html import sanitise
from coursebook.html.course import to_script_json
from coursebook.html.sanitise import clean_page, clean_text, dropped_addresses
from hypothesis import given, settings
from hypothesis import strategies as st

SAFE_SCHEMES = {"http", "https", "mailto"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "poster", "cite", "data", "xlink:href"}
RUNNING = {"script", "style", "iframe", "object", "embed", "form", "base", "meta", "link", "frame"}

schemes = st.sampled_from(["javascript", "JaVaScRiPt", "vbscript", "data", "file", "http"])
hiding = st.sampled_from(
    [
        lambda s: s,
        lambda s: "".join(f"&#{ord(c)};" for c in s),  # decimal entities
        lambda s: "".join(f"&#x{ord(c):x};" for c in s),  # hex entities
        lambda s: s[:4] + "\t" + s[4:],  # browsers drop tabs and newlines in URLs
        lambda s: s[:3] + "\n" + s[3:],
        lambda s: " \x01" + s,  # leading controls and spaces are stripped too
        lambda s: s[:2] + "&Tab;" + s[2:],
    ]
)


@st.composite
def addresses(draw: st.DrawFn) -> str:
    scheme = draw(hiding)(draw(schemes))
    colon = draw(st.sampled_from([":", "&colon;", "&#58;", "&#x3A;"]))
    return scheme + colon + draw(st.sampled_from(["alert(1)", "//x.example/a", "text/html,<b>"]))


@st.composite
def attributes(draw: st.DrawFn) -> str:
    name = draw(
        st.sampled_from(
            ["onclick", "ONERROR", "onload", "style", "href", "src", "srcset", "formaction",
             "xlink:href", "data-x", "class", "id", "poster", "action", "background"]
        )
    )  # fmt: skip
    value = draw(st.one_of(addresses(), st.sampled_from(["alert(1)", "x", "expression(1)"])))
    quote = draw(st.sampled_from(['"', "'", ""]))
    if not quote:
        value = value.replace(" ", "").replace("\t", "").replace("\n", "")
    return f" {name}={quote}{value}{quote}"


@st.composite
def fragments(draw: st.DrawFn) -> str:
    tag = draw(
        st.sampled_from(
            ["a", "img", "script", "style", "iframe", "svg", "math", "form", "input", "video",
             "object", "embed", "base", "meta", "link", "p", "div", "details", "td", "use"]
        )
    )  # fmt: skip
    attrs = "".join(draw(st.lists(attributes(), max_size=3)))
    inner = draw(st.sampled_from(["", "x", "alert(1)", "<b>y</b>", "<!--", "</p>"]))
    closing = draw(st.sampled_from([f"</{tag}>", "", f"</{tag.upper()}>"]))
    return f"<{tag}{attrs}>{inner}{closing}"


documents = st.lists(st.one_of(fragments(), st.text(max_size=20)), max_size=6).map("".join)


class Parsed(HTMLParser):
    """What a browser's parser would build: elements and their decoded attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))

    handle_startendtag = handle_starttag


def scheme_of(address: str) -> str | None:
    """The scheme a browser sees: after removing controls, tabs, newlines and spaces."""
    address = re.sub(r"[\x00-\x20\x7f]", "", html.unescape(address))
    found = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", address)
    return found.group(1).lower() if found else None


def assert_inert(cleaned: str) -> None:
    parser = Parsed()
    parser.feed(cleaned)
    parser.close()
    for tag, attrs in parser.elements:
        assert tag not in RUNNING, cleaned
        for name, value in attrs.items():
            assert not name.startswith("on"), cleaned
            assert name not in {"style", "formaction", "action", "background"} or tag in {
                "td",
                "th",
            }, cleaned
            if name in URL_ATTRIBUTES:
                scheme = scheme_of(value)
                assert scheme is None or scheme in SAFE_SCHEMES, cleaned
            if name == "srcset":
                for candidate in value.split(","):
                    scheme = scheme_of(candidate.strip().split(" ")[0])
                    assert scheme is None or scheme in SAFE_SCHEMES, cleaned
            if name == "style":
                assert not re.search(r"url|expression|javascript|@import", value, re.I), cleaned


@settings(max_examples=150, deadline=None)
@given(documents)
def test_a_page_keeps_nothing_that_runs_or_loads_script(document: str) -> None:
    assert_inert(clean_page(document))


@settings(max_examples=150, deadline=None)
@given(documents)
def test_worksheet_text_keeps_nothing_that_runs_or_loads_script(document: str) -> None:
    assert_inert(clean_text(document))


@settings(max_examples=150, deadline=None)
@given(documents)
def test_sanitising_twice_changes_nothing(document: str) -> None:
    """A fixed point: what survives once is exactly what survives again."""
    once = clean_page(document)
    assert clean_page(once) == once


@settings(max_examples=150, deadline=None)
@given(documents)
def test_the_quick_scan_never_hides_an_address_taken_out(document: str) -> None:
    """Pages the scan passes are not parsed: it must pass none the parser would fault."""
    parser = sanitise._Addresses()
    parser.feed(document)
    parser.close()
    assert dropped_addresses(document) == parser.dropped


@given(st.recursive(st.text(), lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner)))
def test_embedded_data_cannot_end_its_script(data: object) -> None:
    """No text can close the ``<script>`` the course data sits in or open a comment there,
    and the browser reads back exactly the data."""
    embedded = to_script_json(data)
    assert "</" not in embedded and "<!--" not in embedded and "\u2028" not in embedded
    assert json.loads(embedded) == data


def test_the_checks_above_can_fail() -> None:
    """The properties are not vacuous: unsanitised hostile HTML breaks them."""
    for hostile in ('<a href="jav&#x61;script:alert(1)">x</a>', '<img src=x onerror="alert(1)">'):
        try:
            assert_inert(hostile)
        except AssertionError:
            continue
        raise AssertionError(f"{hostile} passed as inert")


HIDDEN_SCHEMES = [
    '<a href="javascript:alert(1)">x</a>',
    '<img SRC=" java\tscript:alert(1)">',
    "<a href='&#106;avascript:alert(1)'>x</a>",
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="file:///etc/passwd">x</a>',
    '<video poster="vbscript:x"></video>',
    '<blockquote cite="FILE:x">q</blockquote>',
]


@pytest.mark.parametrize("bad", HIDDEN_SCHEMES)
def test_every_address_taken_out_is_named(bad: str) -> None:
    """The author is told of each address the page loses, however it is spelled, and on a
    page of ordinary links too (most pages are checked by a quick scan first)."""
    ordinary = '<p><a href="https://example.org/?a=1&amp;b=2">w</a> <a href="../x/#y">r</a></p>'
    page = ordinary * 50 + bad + ordinary
    (dropped,) = dropped_addresses(page)
    assert dropped[0].split()[1] in bad.lower()
    assert dropped[1].replace("\t", "").lower() not in clean_page(page).lower()
    assert dropped_addresses(ordinary * 50) == []
