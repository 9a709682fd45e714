"""Rendered page HTML in, print-ready chapter HTML out.

Per chapter: web-only parts removed (heading permalinks, scripts, worksheet buttons),
``<details>`` opened into admonitions, content tabs laid out one after another under their
labels, the web form of each worksheet swapped for its PDF version, every ``id`` prefixed
with the chapter (``c3-``) so ids never collide in the one-document book, links between
pages pointed at those ids, and images resolved to files on disk.

Parsing uses tinyhtml5, the HTML5 parser WeasyPrint itself uses, so the tree we change is
the tree WeasyPrint would have built. Elements nested deeper than ``MAX_NESTING`` are kept
as their text alone, and the page is named in a warning.
"""

from __future__ import annotations

import copy
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar
from urllib.parse import unquote, urljoin, urlsplit

from coursebook.pdf.book import Book, Chapter
from coursebook.pdf.fetch import inside

_HOST = "book.invalid"
_BASE = f"http://{_HOST}/"
_ID_REFERENCES = ("for", "headers", "aria-describedby", "aria-labelledby", "aria-controls")
_WEB_ONLY_CLASSES = (
    "headerlink",
    "cb-workbook-download",
    "cb-web-only",
    "md-source-file",
    "md-tags",
)
_WEB_ONLY_ATTRIBUTES = ("data-actions", "data-status", "data-alert", "data-progress")
_WEB_ONLY_TAGS = ("script", "template", "noscript", "button", "dialog")

MAX_NESTING = 64
"""Elements nested deeper than this below a page's body are kept as their text alone.
Copying, writing out and laying out a tree all recurse, and WeasyPrint runs out of
Python's stack at about 150 levels (a page can nest that deep by mistake or on purpose);
64 leaves room for a worksheet's own levels, and far more than any page needs."""

RenderWorksheet = Callable[[str], "str | None"]
"""Worksheet id -> its PDF HTML, or ``None`` if the book has no such worksheet."""


@dataclass
class PreparedChapter:
    """One chapter ready for the book template."""

    title: str
    anchor: str
    html: str
    worksheets: list[tuple[str, str]] = field(default_factory=list)

    @property
    def prefix(self) -> str:
        """What every id of this chapter starts with."""
        return self.anchor + "-"


@dataclass
class _Parsed:
    chapter: Chapter
    anchor: str
    body: ET.Element
    ids: set[str]
    worksheets: list[str]
    problems: list[str]


def parse_fragment(html: str) -> ET.Element:
    """An HTML fragment as the children of a ``<body>`` element (namespaces flattened)."""
    import tinyhtml5  # only when building: a warm build reuses the cached PDFs without it

    root = tinyhtml5.parse(
        f"<!DOCTYPE html><html><head></head><body>{html}</body></html>",
        namespace_html_elements=False,
    )
    body: ET.Element | None = root.find("body")
    assert body is not None  # the HTML5 parser always makes a body
    for element in body.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag.startswith("{"):
            # inline SVG/MathML: serialised as HTML they are re-namespaced by the parser
            element.tag = element.tag.split("}", 1)[1]
        for name in [n for n in element.attrib if n.startswith("{")]:
            value = element.attrib.pop(name)
            element.set(name.split("}", 1)[1], value)
    return body


def flatten_deep(body: ET.Element, limit: int = MAX_NESTING) -> bool:
    """Each element at ``limit`` levels below ``body`` with its descendants replaced by
    their text; whether there were any. Walks with a list, not by recursion."""
    flattened = False
    stack = [(child, 1) for child in body]
    while stack:
        element, depth = stack.pop()
        if depth < limit:
            stack += [(child, depth + 1) for child in element]
        elif len(element):
            element.text = _text_of(element)
            for child in list(element):
                element.remove(child)
            flattened = True
    return flattened


def _text_of(element: ET.Element) -> str:
    """The text of ``element`` and its descendants in document order (what ``itertext``
    gives, without recursion); comments give none."""
    parts: list[str] = []
    stack: list[ET.Element | str] = [element]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            parts.append(item)
            continue
        if isinstance(item.tag, str) and item.text:
            parts.append(item.text)
        for child in reversed(item if isinstance(item.tag, str) else ()):
            if child.tail:
                stack.append(child.tail)
            stack.append(child)
    return "".join(parts)


def serialize_children(body: ET.Element) -> str:
    """The inner HTML of ``body``."""
    html = ET.tostring(body, encoding="unicode", method="html")
    start = html.index(">") + 1
    end = html.rindex("<")
    return html[start:end]


def classes(element: ET.Element) -> set[str]:
    """The element's class names."""
    return set(element.get("class", "").split())


def _elements(root: ET.Element) -> Iterator[ET.Element]:
    return (e for e in root.iter() if isinstance(e.tag, str))


def _parents(root: ET.Element) -> dict[ET.Element, ET.Element]:
    return {child: parent for parent in root.iter() for child in parent}


def _detach(element: ET.Element, parent: ET.Element) -> None:
    """Remove ``element`` but keep the text that follows it."""
    if element.tail:
        index = list(parent).index(element)
        if index == 0:
            parent.text = (parent.text or "") + element.tail
        else:
            previous = parent[index - 1]
            previous.tail = (previous.tail or "") + element.tail
    parent.remove(element)


def _replace(element: ET.Element, parent: ET.Element, new: Sequence[ET.Element]) -> None:
    index = list(parent).index(element)
    tail = element.tail
    parent.remove(element)
    for offset, item in enumerate(new):
        parent.insert(index + offset, item)
    if new:
        last = new[-1]
        last.tail = (last.tail or "") + (tail or "")
    elif tail:
        element.tail = tail
        parent.insert(index, element)
        _detach(element, parent)


def _unwrap(element: ET.Element, parent: ET.Element) -> None:
    """Replace ``element`` by its content (text and children)."""
    index = list(parent).index(element)
    children = list(element)
    if element.text:
        if index == 0:
            parent.text = (parent.text or "") + element.text
        else:
            previous = parent[index - 1]
            previous.tail = (previous.tail or "") + element.text
    tail = element.tail
    parent.remove(element)
    for offset, child in enumerate(children):
        parent.insert(index + offset, child)
    if tail:
        if children:
            children[-1].tail = (children[-1].tail or "") + tail
        elif index == 0:
            parent.text = (parent.text or "") + tail
        else:
            previous = parent[index - 1]
            previous.tail = (previous.tail or "") + tail


def page_key(path: str) -> str:
    """A site path in a comparable form: ``/why/index.html`` -> ``why/``."""
    path = unquote(path).lstrip("/")
    if path == "index.html" or path.endswith("/index.html"):
        path = path[: -len("index.html")]
    return path


def _remove_web_only(body: ET.Element) -> None:
    parents = _parents(body)
    doomed = [
        e
        for e in _elements(body)
        if e.tag in _WEB_ONLY_TAGS
        or classes(e) & set(_WEB_ONLY_CLASSES)
        or any(a in e.attrib for a in _WEB_ONLY_ATTRIBUTES)
        or e.get("id") == "coursebook-config"
    ]
    for element in doomed:
        parent = parents.get(element)
        # an ancestor may already be gone
        if parent is not None and element in list(parent):
            _detach(element, parent)


def _open_details(body: ET.Element, untitled: str) -> None:
    """``<details>`` (pymdownx.details, ``???``) -> an open admonition: paper cannot expand."""
    parents = _parents(body)
    for details in [e for e in _elements(body) if e.tag == "details"]:
        box = ET.Element("div", {"class": " ".join(["admonition", *sorted(classes(details))])})
        summary = next((c for c in details if c.tag == "summary"), None)
        title = ET.SubElement(box, "p", {"class": "admonition-title"})
        if summary is not None:
            title.text = summary.text
            title.extend(list(summary))
        else:
            title.text = untitled
        box.text = details.text if summary is None else summary.tail
        box.extend([c for c in details if c is not summary])
        if details.get("id"):
            box.set("id", details.get("id", ""))
        _replace(details, parents[details], [box])


def _heading_levels(body: ET.Element) -> dict[ET.Element, int]:
    """For each tab set: one level below the last heading before it."""
    levels: dict[ET.Element, int] = {}
    last = 1
    for element in _elements(body):
        if re.fullmatch(r"h[1-6]", element.tag):
            last = int(element.tag[1])
        elif "tabbed-set" in classes(element):
            levels[element] = min(last + 1, 6)
    return levels


def _expand_tabs(body: ET.Element) -> None:
    """pymdownx.tabbed sets (both styles) -> each tab's label as a heading, then its content."""
    levels = _heading_levels(body)
    parents = _parents(body)
    # innermost first, so an outer set moves already-expanded inner sets
    for tabset in reversed([e for e in _elements(body) if "tabbed-set" in classes(e)]):
        labels: list[ET.Element] = []
        blocks: list[ET.Element] = []
        for child in tabset:
            if child.tag == "label":
                labels.append(child)
            elif "tabbed-labels" in classes(child):
                labels.extend(c for c in child if c.tag == "label")
            elif "tabbed-content" in classes(child):
                inner = [c for c in child if "tabbed-block" in classes(c)]
                blocks.extend(inner or [child])
        wrapper = ET.Element("div", {"class": "cb-tabs"})
        # a malformed set with more labels than panels keeps the panels it has
        for label, block in zip(labels, blocks, strict=False):
            tab = ET.SubElement(wrapper, "div", {"class": "cb-tab"})
            heading = ET.SubElement(tab, f"h{levels.get(tabset, 3)}", {"class": "cb-tab__label"})
            heading.text = label.text
            heading.extend(list(label))
            tab.append(block)
            block.tail = None
        if tabset.get("id"):
            wrapper.set("id", tabset.get("id", ""))
        _replace(tabset, parents[tabset], [wrapper])


def _static_controls(body: ET.Element) -> None:
    """Inputs left in page content (task lists, raw HTML) -> glyphs; they must not become fields."""
    parents = _parents(body)
    for element in [e for e in _elements(body) if e.tag in ("input", "select", "textarea")]:
        parent = parents.get(element)
        if parent is None:
            continue
        if element.tag == "input" and element.get("type") in ("checkbox", "radio"):
            glyph = ET.Element("span", {"class": "cb-glyph"})
            on = "checked" in element.attrib
            if element.get("type") == "checkbox":
                glyph.text = "\u2611" if on else "\u2610"
            else:
                glyph.text = "\u25c9" if on else "\u25cb"
            _replace(element, parent, [glyph])
        else:
            _detach(element, parent)
    # task lists: the label wrapping the checkbox only carried a styled indicator
    parents = _parents(body)
    for label in [e for e in _elements(body) if "task-list-control" in classes(e)]:
        indicators = [e for e in label if "task-list-indicator" in classes(e)]
        for indicator in indicators:
            _detach(indicator, label)
        _unwrap(label, parents[label])


def _swap_worksheets(body: ET.Element, render: RenderWorksheet, problems: list[str]) -> list[str]:
    parents = _parents(body)
    found: list[str] = []
    for form in [e for e in _elements(body) if e.tag == "form" and e.get("data-worksheet")]:
        worksheet_id = form.get("data-worksheet", "")
        html = render(worksheet_id)
        if html is None:
            problems.append(f"worksheet '{worksheet_id}' is on a page but not in the workbook")
            _detach(form, parents[form])
            continue
        found.append(worksheet_id)
        _keep_with_lead(form, body, parents)
        _replace(form, parents[form], list(parse_fragment(html)))
    return found


_HEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})


def _keep_with_lead(
    element: ET.Element, body: ET.Element, parents: dict[ET.Element, ET.Element]
) -> None:
    """The heading and the paragraph or two that introduce a worksheet stay on its page
    (class ``cb-lead``: no break after them), rather than end a page on their own."""
    top = element
    while top in parents and parents[top] is not body:
        top = parents[top]
    if parents.get(top) is not body:
        return
    before = list(body)[: list(body).index(top)]
    lead: list[ET.Element] = []
    while before and before[-1].tag == "p" and len(lead) < 2:
        lead.append(before.pop())
    if before and before[-1].tag in _HEADINGS:
        lead.append(before[-1])
    for item in lead:
        item.set("class", " ".join(sorted(classes(item) | {"cb-lead"})))


_LONG_RUN = re.compile(r"[^\s\u200b]{40,}")
_INVISIBLE_BREAKS_UP_TO = 2_000


def _break_long_words(body: ET.Element) -> None:
    """Give WeasyPrint a break opportunity every 20 characters of any run of 40 or more
    without one: it lays a long unbroken word out in time that grows with the square of its
    length (a 50,000-character one took 40 s), and some such words are real (URLs, typed
    answers) and some hostile. The break is invisible (a zero-width space) in runs a reader
    may copy; runs longer than any real word get plain spaces, which WeasyPrint lays out
    three times faster (a 200,000-character word: 3 s instead of 10 s)."""

    def split(match: re.Match[str]) -> str:
        run = match.group()
        joiner = " " if len(run) > _INVISIBLE_BREAKS_UP_TO else "\u200b"
        return joiner.join(run[i : i + 20] for i in range(0, len(run), 20))

    for element in _elements(body):
        if element.text and len(element.text) >= 40:
            element.text = _LONG_RUN.sub(split, element.text)
        if element.tail and len(element.tail) >= 40:
            element.tail = _LONG_RUN.sub(split, element.tail)


def _prefix_ids(body: ET.Element, prefix: str) -> set[str]:
    """Prefix every id (and every attribute naming one); returns the original ids."""
    svg: set[ET.Element] = set()
    for element in _elements(body):
        if element.tag == "svg":
            svg.update(element.iter())
    ids: set[str] = set()
    for element in _elements(body):
        if element in svg:
            # SVG refers to its own ids with url(#...); leave drawings untouched
            continue
        if "id" in element.attrib:
            ids.add(element.attrib["id"])
            element.attrib["id"] = prefix + element.attrib["id"]
        for name in _ID_REFERENCES:
            if name in element.attrib:
                element.attrib[name] = " ".join(prefix + r for r in element.attrib[name].split())
    return ids


def _resolve_images(parsed: _Parsed, asset_dirs: Sequence[Path], remote: bool, image: str) -> None:
    """Each image pointed at its file in the course, or replaced by its alt text in brackets
    with a line for the author: not found, outside the course, on another server while
    ``remote_assets`` is off, or an SVG that would read such a file itself."""
    parents = _parents(parsed.body)
    for img in [e for e in _elements(parsed.body) if e.tag == "img"]:
        img.attrib.pop("srcset", None)
        img.attrib.pop("loading", None)
        src = img.get("src", "").strip()
        target = urlsplit(urljoin(_BASE + parsed.chapter.url, src))
        if not src or target.scheme == "data":
            continue
        if target.netloc not in ("", _HOST):
            if remote:
                continue
            problem = f"image '{src}' is on another server and remote_assets is off; left out"
        else:
            found, outside = _course_file(page_key(target.path), asset_dirs)
            if found is not None:
                escapes = _svg_escapes(found, asset_dirs, remote)
                if not escapes:
                    img.set("src", found.resolve().as_uri())
                    continue
                problem = f"image '{src}' would read '{escapes[0]}', not a file of the course"
            elif outside:
                problem = f"image '{src}' is a link to a file outside the course; left out"
            else:
                problem = f"image '{src}' not found"
        parsed.problems.append(problem)
        stand_in = ET.Element("span", {"class": "cb-missing-image"})
        stand_in.text = f"[{img.get('alt') or image}]"
        _replace(img, parents[img], [stand_in])


_SVG_REFERENCE = re.compile(
    rb"""(?:href|src)\s*=\s*(?:"([^"]*)"|'([^']*)')|url\(\s*["']?([^"')]*)""", re.IGNORECASE
)
_SVG_READ = 5_000_000


def _svg_escapes(path: Path, asset_dirs: Sequence[Path], remote: bool) -> list[str]:
    """What an SVG image refers to outside the course (it would be read while laying out);
    any other image reads nothing, so has none."""
    if path.suffix.lower() not in (".svg", ".svgz"):
        return []
    with path.open("rb") as file:
        data = file.read(_SVG_READ)
    if path.suffix.lower() == ".svgz" or len(data) == _SVG_READ:
        return [path.name]  # compressed or huge: not worth reading to be sure
    escapes = []
    for match in _SVG_REFERENCE.finditer(data):
        raw = next(g for g in match.groups() if g is not None)
        reference = unquote(raw.decode("utf-8", "replace")).strip()
        parts = urlsplit(reference)
        scheme = parts.scheme.lower()
        if not reference or reference.startswith("#") or scheme == "data":
            continue
        if scheme in ("http", "https") and remote:
            continue
        if not scheme:
            target = path.parent / parts.path
            if inside(target, asset_dirs):
                continue
        escapes.append(reference)
    return escapes


def _course_file(key: str, asset_dirs: Sequence[Path]) -> tuple[Path | None, bool]:
    """The file a site path names, from the first asset folder that has it; and whether one
    was found but refused because its real location (a symbolic link followed) is outside."""
    for folder in asset_dirs:
        candidate = folder / key
        if not key or not os.path.lexists(candidate):
            continue
        if inside(candidate, [folder]) and candidate.is_file():
            return candidate, False
        return None, True
    return None, False


def _attachments(parsed: _Parsed, asset_dirs: Sequence[Path]) -> None:
    """``<a rel="attachment">`` embeds its target in the PDF: only a file of the course."""
    for link in [e for e in _elements(parsed.body) if e.tag == "a"]:
        rel = link.get("rel", "").split()
        if "attachment" not in rel:
            continue
        href = link.get("href", "").strip()
        target = urlsplit(urljoin(_BASE + parsed.chapter.url, href))
        found = None
        if target.scheme in ("http", "") and target.netloc in ("", _HOST):
            found, _ = _course_file(page_key(target.path), asset_dirs)
        if found is not None:
            link.set("href", found.resolve().as_uri())
            continue
        parsed.problems.append(f"attachment '{href}' is not a file of the course; not attached")
        rel.remove("attachment")
        if rel:
            link.set("rel", " ".join(rel))
        else:
            link.attrib.pop("rel", None)


def _rewrite_links(
    parsed: _Parsed,
    chapters: dict[str, _Parsed],
    site_url: str | None,
) -> None:
    parents = _parents(parsed.body)
    for link in [e for e in _elements(parsed.body) if e.tag == "a" and "href" in e.attrib]:
        href = link.attrib["href"].strip()
        if "attachment" in link.get("rel", "").split():
            continue  # already confined to the course by _attachments
        target = urlsplit(urljoin(_BASE + parsed.chapter.url, href))
        if target.scheme.lower() not in ("http", "https", "mailto"):
            # javascript:, data:, file: ... : a reader of the PDF gets the text, not the link
            _unwrap(link, parents[link])
            continue
        if target.netloc != _HOST:
            continue  # external: stays a web link
        key = page_key(target.path)
        goal = chapters.get(key) or (chapters.get(key + "/") if key else None)
        if goal is None and href.startswith("#"):
            goal = parsed
        if goal is not None:
            # as a browser looks for it: the id as written, then percent-decoded; WeasyPrint
            # decodes the fragment it is given, so a "%" in the id goes as "%25"
            found = [f for f in (target.fragment, unquote(target.fragment)) if f in goal.ids]
            link.set(
                "href",
                f"#{goal.anchor}-{found[0].replace('%', '%25')}" if found else f"#{goal.anchor}",
            )
        elif site_url:
            link.set("href", urljoin(site_url, target.path.lstrip("/")))
            if target.fragment:
                link.set("href", f"{link.get('href')}#{target.fragment}")
        else:
            # a page or file that is not in the book, on a site whose address we do not know
            _unwrap(link, parents[link])


def _ensure_title(parsed: _Parsed) -> None:
    if not any(e.tag == "h1" for e in _elements(parsed.body)):
        heading = ET.Element("h1", {"id": f"{parsed.anchor}-title"})
        heading.text = parsed.chapter.title
        heading.tail = parsed.body.text
        parsed.body.text = None
        parsed.body.insert(0, heading)


def prepare_chapters(
    book: Book,
    render: RenderWorksheet,
    problems: Callable[[str], None] | None = None,
) -> list[PreparedChapter]:
    """The book's chapters ready for the template, with worksheets from ``render``.

    ``problems`` receives one line per thing the author should fix (a missing image, a
    worksheet the book does not know), each naming the page.
    """
    return prepare_variants(book, {"": render}, problems)[""]


Key = TypeVar("Key", bound=str)


def prepare_variants(
    book: Book,
    renders: Mapping[Key, RenderWorksheet],
    problems: Callable[[str], None] | None = None,
) -> dict[Key, list[PreparedChapter]]:
    """The chapters ready for the template once per variant (key of ``renders``, which
    renders its worksheets). What variants share, parsing each page and taking out what is
    web-only, is done once; each variant then works on its own copy. A problem met by
    several variants is reported once."""
    shared: list[ET.Element] = []
    found_problems: dict[str, None] = {}
    for chapter in book.chapters:
        body = parse_fragment(chapter.html)
        if flatten_deep(body):
            problem = f"elements nested over {MAX_NESTING} deep are kept as their text alone"
            found_problems[_about(chapter, problem)] = None
        _remove_web_only(body)
        _open_details(body, book.t("pdf.details"))
        _expand_tabs(body)
        _static_controls(body)
        shared.append(body)
    prepared: dict[Key, list[PreparedChapter]] = {}
    for index, (name, render) in enumerate(renders.items()):
        last = index == len(renders) - 1
        bodies = shared if last else [copy.deepcopy(body) for body in shared]
        prepared[name] = _one_variant(book, bodies, render, found_problems)
    if problems:
        for problem in found_problems:
            problems(problem)
    return prepared


def _about(chapter: Chapter, problem: str) -> str:
    """A problem of ``chapter``'s, as the author is told it: naming the page."""
    return f"{chapter.title} ({chapter.url or 'home page'}): {problem}"


def _one_variant(
    book: Book,
    bodies: Sequence[ET.Element],
    render: RenderWorksheet,
    problems: dict[str, None],
) -> list[PreparedChapter]:
    parsed: list[_Parsed] = []
    for number, (chapter, body) in enumerate(zip(book.chapters, bodies, strict=True), start=1):
        anchor = f"c{number}"
        found: list[str] = []
        worksheets = _swap_worksheets(body, render, found)
        _break_long_words(body)  # after the swap: typed answers are in the print worksheets
        ids = _prefix_ids(body, anchor + "-")
        parsed.append(_Parsed(chapter, anchor, body, ids, worksheets, found))

    # links need every chapter's ids, so they are rewritten once all are parsed
    by_key = {page_key(p.chapter.url): p for p in parsed}
    for item in parsed:
        _resolve_images(item, book.asset_dirs, book.remote_assets, book.t("pdf.image"))
        _attachments(item, book.asset_dirs)
        _rewrite_links(item, by_key, book.site_url)
        _ensure_title(item)
        for problem in item.problems:
            problems[_about(item.chapter, problem)] = None

    return [
        PreparedChapter(
            title=p.chapter.title,
            anchor=p.anchor,
            html=serialize_children(p.body),
            worksheets=[
                (w, book.worksheets[w].title) for w in p.worksheets if w in book.worksheets
            ],
        )
        for p in parsed
    ]
