"""A rendered form in, the smaller HTML a search indexer makes the same entries from.

Material's search plugin parses every page's HTML, and on a worksheet page most of it is
the form's controls: templates, dialogs, buttons (marked ``data-search-exclude``), inputs
and their attributes. Parsing them was about a quarter of a warm build's added time. The
digest keeps the elements and the text, in the same nesting (the indexer splits sections
by heading depth), and drops what the indexer reads nothing from: subtrees marked
``data-search-exclude``, void elements (inputs), scripts and styles, comments, and every
attribute but ``id`` (headings' anchors) and the two classes the indexer looks for.
Elements that hold no heading and that the indexer does not write into an entry (``div``,
``label``, ``fieldset``…) are replaced by their contents. One difference: a heading inside
an excluded element, for which Material makes an entry with no title and no text, makes
none.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from html.parser import HTMLParser

# what HTML has no end tag for: the indexer ignores them entirely
VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    ]
)
# elements whose text the indexer never reads
SKIPPED = frozenset({"script", "style", "object"})
# the classes Material's indexer tests for (a heading's permalink, code line numbers)
KEPT_CLASSES = frozenset({"headerlink", "linenodiv"})


HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# the elements the indexer writes into an entry's text; every other tag only counts for
# its nesting, which matters for headings alone
KEPT_TAGS = frozenset({"p", "code", "pre", "li", "ol", "ul", "sub", "sup"})


@dataclass
class _Element:
    tag: str
    attributes: str
    children: list[_Element | str] = field(default_factory=list)
    heading_inside: bool = False


class _Digest(HTMLParser):
    """Builds the tree of what the indexer could read: dropped subtrees never enter it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Element("", "")
        self.open: list[_Element | None] = []  # None: an element of a dropped subtree

    def _parent(self) -> _Element | None:
        return self.open[-1] if self.open else self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        parent = self._parent()
        if parent is None or tag in SKIPPED or any(n == "data-search-exclude" for n, _ in attrs):
            self.open.append(None)
            return
        kept = "".join(
            f' {name}="{html.escape(value)}"'
            for name, value in attrs
            if value is not None and (name == "id" or (name == "class" and value in KEPT_CLASSES))
        )
        element = _Element(tag, kept)
        parent.children.append(element)
        self.open.append(element)
        if tag in HEADINGS:
            for ancestor in self.open:
                if ancestor is not None:
                    ancestor.heading_inside = True

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        top = self.open[-1] if self.open else self.root
        # a stray end tag is ignored, as the indexer ignores it
        if self.open and (top is None or top.tag == tag):
            self.open.pop()

    def handle_data(self, data: str) -> None:
        parent = self._parent()
        if parent is not None:
            parent.children.append(html.escape(data, quote=False))


class _Writer:
    """Writes the tree. An element whose tag the indexer neither keeps nor needs for a
    heading's depth is written as its contents alone; where that leaves two texts side by
    side, an empty comment keeps them apart, so the indexer reads the same pieces of text
    in the same order (it collapses white space piece by piece)."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.after_text = False

    def text(self, data: str) -> None:
        if self.after_text:
            self.out.append("<!---->")
        self.out.append(data)
        self.after_text = True

    def element(self, element: _Element, whole: bool) -> None:
        # inside a heading (its title) or preformatted text, every element is kept
        whole = whole or element.tag in HEADINGS or element.tag == "pre"
        shown = whole or element.heading_inside or element.tag in KEPT_TAGS
        if shown:
            self.out.append(f"<{element.tag}{element.attributes}>")
            self.after_text = False
        self.children(element, whole)
        if shown:
            self.out.append(f"</{element.tag}>")
            self.after_text = False

    def children(self, element: _Element, whole: bool) -> None:
        for child in element.children:
            if isinstance(child, str):
                self.text(child)
            else:
                self.element(child, whole)


def search_digest(markup: str) -> str:
    """``markup`` (well-formed HTML, as our templates make it) cut down to what a search
    indexer reads."""
    parser = _Digest()
    parser.feed(markup)
    parser.close()
    writer = _Writer()
    writer.children(parser.root, False)
    return "".join(writer.out)
