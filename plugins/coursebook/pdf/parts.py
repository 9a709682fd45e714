"""A long workbook laid out in parts and joined, so that memory stays flat at any length.

In: a ``Parts`` (the front, that is the cover and contents, and a few chapters per part, each
a complete HTML document) and a function laying out one HTML document. Out: one PDF with
the pages, page numbers, contents, links, bookmarks, form fields and tag structure of the
book laid out whole.

WeasyPrint keeps every laid-out page until it writes the file, so a 1,000-page book needs
over a gigabyte. Here one part is laid out at a time:

1. the front with placeholder page numbers, to learn how many pages it takes;
2. each part in turn, its first page numbered after the pages before it. Links to another
   part would be dropped by WeasyPrint (no such anchor in this document), so they arrive as
   ``coursebook-xref:`` links and are turned back into named destinations;
3. the front again, with the contents' real page numbers;
4. every part is written with its objects numbered after the previous parts' (a WeasyPrint
   finisher, ``PartFinisher``), so the parts' bytes are copied into one file as they are,
   with one catalog, page tree, outline, destination names, form and structure tree
   written for them all, and one cross-reference stream.

Images and font files that parts share (the form fields' font is embedded whole in
each) are written once.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import html
import os
import pickle
import re
import signal
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import quote, unquote

import pydyf

XREF_SCHEME = "coursebook-xref:"
"""Links to another part are laid out as links to this scheme, and joined back."""
FIRST_PAGE = "CB_FIRST_PAGE"
"""In a part's stylesheet, the number of its first page, filled in when it is known."""
PAGE_SLOT = ' data-page="8888"'
"""On each contents entry of the front: the page number, a placeholder until it is known."""
PART_CSS = (
    "\n.cb-contents a::after { content: leader('. ') attr(data-page); }"
    f"\n@page :first {{ counter-reset: page {FIRST_PAGE}; }}\n"
)

# the objects written for the whole book; parts are numbered after them
CATALOG, PAGES, OUTLINES, STRUCT_ROOT, DOCUMENT, PARENT_TREE, ACROFORM, INFO = range(1, 9)
RESERVED = INFO

_REF = re.compile(rb"(\d+) 0 R")
# in tags only: text may hold the same characters, but never an unescaped "<"
_ID = re.compile(r'<[a-zA-Z][^<>]*?\sid="([^"]+)"')
_HREF = re.compile(r'(<a\s[^<>]*?href=")#([^"]+)"')
_CONTENTS_LINK = re.compile(r'href="(#|coursebook-xref:)([^"]+)" data-page="8888"')


class CannotJoin(Exception):
    """The parts are not shaped as expected: the book is laid out whole instead."""


@dataclass(frozen=True)
class Parts:
    """A book as a front and parts, each a whole HTML document."""

    front: str
    parts: tuple[str, ...]

    @property
    def size(self) -> int:
        """Characters of the largest document (what one layout's memory grows with)."""
        return max(len(self.front), *(len(part) for part in self.parts))


def group_chapters(sizes: Sequence[int], budget: int) -> list[range]:
    """Consecutive chapters grouped into parts of at most ``budget`` characters (a chapter
    longer than that is a part of its own)."""
    groups: list[range] = []
    start, total = 0, 0
    for index, size in enumerate(sizes):
        if index > start and total + size > budget:
            groups.append(range(start, index))
            start, total = index, 0
        total += size
    if start < len(sizes):
        groups.append(range(start, len(sizes)))
    return groups


def link_across(documents: Sequence[str]) -> list[str]:
    """Each document with its links to an anchor of another document made
    ``coursebook-xref:`` links; links to no anchor at all stay as they are, so WeasyPrint
    still reports them."""
    ids = [{html.unescape(name) for name in _ID.findall(doc)} for doc in documents]
    everywhere = set().union(*ids)

    def relink(own: set[str]) -> Callable[[re.Match[str]], str]:
        def swap(match: re.Match[str]) -> str:
            name = html.unescape(match.group(2))
            if name in own or name not in everywhere:
                return match.group(0)
            return f'{match.group(1)}{XREF_SCHEME}{quote(name, safe="")}"'

        return swap

    return [_HREF.sub(relink(own), doc) for doc, own in zip(documents, ids, strict=True)]


def _target(match: re.Match[str]) -> str:
    """The anchor a contents entry links to, from ``href="#..."`` or a link across parts."""
    scheme, name = match.group(1), match.group(2)
    return html.unescape(name) if scheme == "#" else unquote(html.unescape(name))


def contents_targets(front: str) -> list[str]:
    """The anchors the front's contents give a page number for."""
    return [_target(match) for match in _CONTENTS_LINK.finditer(front)]


def numbered_front(front: str, pages: dict[str, int]) -> str:
    """The front with each contents entry's page number in place of the placeholder."""

    def number(match: re.Match[str]) -> str:
        page = pages.get(_target(match))
        shown = "" if page is None else str(page)
        return f'href="{match.group(1)}{match.group(2)}" data-page="{shown}"'

    return _CONTENTS_LINK.sub(number, front)


@dataclass
class PartPdf:
    """One part written with its objects numbered for the joined file, and what the join
    needs to know of it (every value already in PDF syntax)."""

    data: bytes = b""
    first: int = 0
    """Its objects are numbered from ``first`` on."""
    pages: list[bytes] = field(default_factory=list)
    outline: list[tuple[int, dict[str, bytes]]] = field(default_factory=list)
    """Top-level bookmarks: number and entries, without their place in the chain."""
    outline_count: int = 0
    dests: list[tuple[str, bytes, bytes]] = field(default_factory=list)
    """Named destinations: (name, name in PDF syntax, destination)."""
    fields: list[bytes] = field(default_factory=list)
    fonts: dict[str, bytes] = field(default_factory=dict)
    """The form's default resources: font name -> font."""
    form: dict[str, bytes] = field(default_factory=dict)
    struct_kids: list[bytes] = field(default_factory=list)
    parent_tree: list[tuple[int, bytes]] = field(default_factory=list)
    keys: int = 0
    document: dict[str, bytes] = field(default_factory=dict)
    struct_root: dict[str, bytes] = field(default_factory=dict)
    catalog: dict[str, bytes] = field(default_factory=dict)
    info: dict[str, bytes] = field(default_factory=dict)
    streams: dict[str, int] = field(default_factory=dict)
    """Images and font files written in this part or before: digest -> object number."""


class _Hole(pydyf.Object):  # type: ignore[misc]
    """An object number taken by something written elsewhere (pydyf skips it)."""

    def __init__(self, number: int) -> None:
        super().__init__()
        self.number = number
        self.free = "f"

    @property
    def data(self) -> bytes:
        return b"null"

    @property
    def compressible(self) -> bool:
        return False


def pdf_bytes(value: Any) -> bytes:
    """A pydyf value in PDF syntax."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, pydyf.Object):
        return bytes(value.data)
    if isinstance(value, bool):
        return b"true" if value else b"false"
    if isinstance(value, (list, tuple)):
        return pydyf.Array(value).data  # type: ignore[no-any-return]
    if isinstance(value, dict):
        return pydyf.Dictionary(value).data  # type: ignore[no-any-return]
    if isinstance(value, float):
        return pydyf.Array([value]).data[1:-1]  # type: ignore[no-any-return]
    return str(value).encode("ascii")


class PartFinisher:
    """Number one part's objects for the joined file and note what the join needs.

    Runs as WeasyPrint's finisher, after ``then`` (the form fixes), just before the part is
    written: the part's own catalog, page tree, outline root and structure root are left
    out (the join writes one of each for the whole book), every other object keeps its
    place, numbered from ``base + 1``.
    """

    def __init__(
        self,
        then: Callable[[Any, pydyf.PDF], None],
        base: int,
        key_base: int,
        streams: dict[str, int],
    ) -> None:
        self.then = then
        self.base = base
        self.key_base = key_base
        self.part = PartPdf(streams=dict(streams))

    def __call__(self, document: Any, pdf: pydyf.PDF) -> None:
        self.then(document, pdf)
        part, base, objects = self.part, self.base, pdf.objects

        def number(reference: Any) -> int:
            match = _REF.fullmatch(reference) if isinstance(reference, bytes) else None
            if match is None:
                raise CannotJoin(f"expected a reference, found {reference!r}")
            return int(match.group(1))

        def resolve(value: Any) -> Any:
            return objects[number(value)] if isinstance(value, bytes) else value

        catalog = pdf.catalog
        renumber: dict[int, int] = {pdf.pages.number: PAGES}
        holes = {catalog.number, pdf.pages.number}
        outline_root = resolve(catalog["Outlines"]) if "Outlines" in catalog else None
        top: list[pydyf.Dictionary] = []
        if outline_root is not None:
            renumber[outline_root.number] = OUTLINES
            holes.add(outline_root.number)
            item = resolve(outline_root.get("First"))
            while item is not None:
                top.append(item)
                holes.add(item.number)
                item = resolve(item["Next"]) if "Next" in item else None
            part.outline_count = int(outline_root.get("Count", 0))
        struct_root = resolve(catalog["StructTreeRoot"]) if "StructTreeRoot" in catalog else None
        document_element = None
        parent_tree = None
        if struct_root is not None:
            kids = struct_root.get("K")
            if not isinstance(kids, list) or len(kids) != 1:
                raise CannotJoin("the structure tree has no single document element")
            document_element = resolve(kids[0])
            parent_tree = resolve(struct_root["ParentTree"])
            renumber[struct_root.number] = STRUCT_ROOT
            renumber[document_element.number] = DOCUMENT
            holes |= {struct_root.number, document_element.number}
            if isinstance(parent_tree, pydyf.Object) and parent_tree.number is not None:
                holes.add(parent_tree.number)
        form, fonts = self._form_objects(catalog, resolve)
        for obj in objects[1:]:
            # images and font files are one chunk (bytes, or WeasyPrint's image data);
            # page contents are many
            if isinstance(obj, pydyf.Stream) and len(obj.stream) == 1:
                (chunk,) = obj.stream
                if not isinstance(chunk, (bytes, pydyf.Object)):
                    continue
                digest = hashlib.sha256(pdf_bytes(dict(obj.extra)))
                digest.update(pdf_bytes(chunk))
                key = digest.hexdigest()
                if key in part.streams:
                    renumber[obj.number] = part.streams[key]
                    holes.add(obj.number)
                else:
                    part.streams[key] = obj.number + base

        def new_reference(match: re.Match[bytes]) -> bytes:
            old = int(match.group(1))
            return b"%d 0 R" % renumber.get(old, old + base)

        seen: set[int] = set()

        def remap(value: Any) -> Any:
            if isinstance(value, bytes):
                return _REF.sub(new_reference, value) if _REF.fullmatch(value) else value
            if id(value) in seen:
                return value
            if isinstance(value, pydyf.Stream):
                seen.add(id(value))
                remap(value.extra)
            elif isinstance(value, dict):
                seen.add(id(value))
                for key, item in value.items():
                    value[key] = remap(item)
            elif isinstance(value, list):
                seen.add(id(value))
                value[:] = [remap(item) for item in value]
            elif isinstance(value, tuple):
                return tuple(remap(item) for item in value)
            return value

        for obj in objects[1:]:
            remap(obj)
            if isinstance(obj, dict):
                self._relink(obj)
        # pydyf keeps the page tree's kids as numbers: [n, 0, "R", ...]
        part.pages = [_reference(int(n) + base) for n in pdf.pages["Kids"][::3]]
        for item in top:
            entries = {
                k: pdf_bytes(v) for k, v in item.items() if k not in {"Parent", "Prev", "Next"}
            }
            part.outline.append((item.number + base, entries))
        self._names(catalog)
        self._form(form, fonts)
        if struct_root is not None and document_element is not None:
            self._structure(struct_root, document_element, parent_tree, pdf)
        skip = {"Type", "Pages", "Outlines", "Names", "AcroForm", "StructTreeRoot"}
        part.catalog = {k: pdf_bytes(v) for k, v in catalog.items() if k not in skip}
        part.info = {k: pdf_bytes(v) for k, v in pdf.info.items()}
        pdf.info.clear()  # written once, by the join
        for index in range(1, len(objects)):
            objects[index].number = index + base
            if index in holes:
                objects[index] = _Hole(index + base)
        objects[1:1] = [_Hole(n) for n in range(1, base + 1)]
        part.first = base + 1

    @staticmethod
    def _relink(obj: dict[str, Any]) -> None:
        """A link laid out to another part becomes a link to its named destination."""
        action = obj.get("A")
        if obj.get("Subtype") != "/Link" or not isinstance(action, dict):
            return
        uri = action.get("URI")
        target = uri.string if isinstance(uri, pydyf.String) else None
        if isinstance(target, bytes):
            target = target.decode("utf-8", "replace")
        if isinstance(target, str) and target.startswith(XREF_SCHEME):
            name = unquote(target[len(XREF_SCHEME) :])
            del obj["A"]
            obj["Dest"] = pydyf.String(name)
            if "Contents" in obj:
                obj["Contents"] = pydyf.String(name)

    def _names(self, catalog: pydyf.Dictionary) -> None:
        names = catalog.get("Names")
        dests = names.get("Dests") if isinstance(names, dict) else None
        flat = dests.get("Names") if isinstance(dests, dict) else None
        if names is not None and (not isinstance(flat, list) or set(names) - {"Dests"}):
            raise CannotJoin("the name tree is not a flat list of destinations")
        for name, dest in zip((flat or [])[::2], (flat or [])[1::2], strict=True):
            text = name.string if isinstance(name, pydyf.String) else str(name)
            if isinstance(text, bytes):
                text = text.decode("utf-8", "replace")
            self.part.dests.append((text, pdf_bytes(name), pdf_bytes(dest)))

    @staticmethod
    def _form_objects(catalog: pydyf.Dictionary, resolve: Callable[[Any], Any]) -> tuple[Any, Any]:
        """The form and its fonts (found before the references are renumbered)."""
        form = resolve(catalog.get("AcroForm"))
        if not isinstance(form, dict):
            return None, None
        resources = resolve(form.get("DR"))
        fonts = resolve(resources.get("Font")) if isinstance(resources, dict) else None
        return form, fonts

    def _form(self, form: Any, fonts: Any) -> None:
        if not isinstance(form, dict):
            return
        self.part.fields = [pdf_bytes(ref) for ref in form.get("Fields", [])]
        if isinstance(fonts, dict):
            self.part.fonts = {k: pdf_bytes(v) for k, v in fonts.items()}
        self.part.form = {k: pdf_bytes(v) for k, v in form.items() if k not in {"Fields", "DR"}}

    def _structure(
        self,
        root: pydyf.Dictionary,
        element: pydyf.Dictionary,
        tree: Any,
        pdf: pydyf.PDF,
    ) -> None:
        part = self.part
        kids = element.get("K", [])
        part.struct_kids = [pdf_bytes(kid) for kid in (kids if isinstance(kids, list) else [kids])]
        part.document = {k: pdf_bytes(v) for k, v in element.items() if k not in {"K", "P"}}
        part.struct_root = {
            k: pdf_bytes(v)
            for k, v in root.items()
            if k not in {"Type", "K", "ParentTree", "ParentTreeNextKey"}
        }
        if not isinstance(tree, dict) or set(tree) - {"Nums"}:
            raise CannotJoin("the structure parent tree is not a flat list")
        nums = tree["Nums"]
        keys = [int(key) for key in nums[::2]]
        part.parent_tree = [
            (key + self.key_base, pdf_bytes(value))
            for key, value in zip(keys, nums[1::2], strict=True)
        ]
        part.keys = int(root.get("ParentTreeNextKey", max(keys, default=-1) + 1))
        for obj in pdf.objects[1:]:
            if isinstance(obj, dict):
                for key in ("StructParent", "StructParents"):
                    if isinstance(obj.get(key), int):
                        obj[key] += self.key_base


def _xref(data: bytes) -> tuple[int, dict[int, tuple[int, int, int]]]:
    """Where a part's cross-reference stream starts, and its entries (pydyf writes one)."""
    start = int(data[data.rindex(b"startxref") + 9 :].split()[0])
    head_end = data.index(b">>\nstream\n", start)
    head = data[start:head_end]

    def numbers(key: bytes) -> list[int]:
        found = re.search(rb"/" + key + rb"\s*\[([^\]]*)\]", head)
        if found is None:
            raise CannotJoin(f"cross-reference stream without /{key.decode()}")
        return [int(n) for n in found.group(1).split()]

    widths, index = numbers(b"W"), numbers(b"Index")
    length = re.search(rb"/Length (\d+)", head)
    if length is None:
        raise CannotJoin("cross-reference stream without /Length")
    body = data[head_end + 10 : head_end + 10 + int(length.group(1))]
    if b"/FlateDecode" in head:
        body = zlib.decompress(body)
    row = sum(widths)
    entries: dict[int, tuple[int, int, int]] = {}
    position = 0
    for first, count in zip(index[::2], index[1::2], strict=True):
        for number in range(first, first + count):
            fields = []
            for width in widths:
                fields.append(int.from_bytes(body[position : position + width], "big"))
                position += width
            entries[number] = (fields[0], fields[1], fields[2])
        assert position <= len(body) + row
    return start, entries


def last_object(data: bytes) -> int:
    """The highest object number a written part uses (its cross-reference stream's)."""
    start = int(data[data.rindex(b"startxref") + 9 :].split()[0])
    found = re.match(rb"(\d+) 0 obj", data[start : start + 32])
    if found is None:
        raise CannotJoin("a part without a cross-reference stream")
    return int(found.group(1))


def _dictionary(entries: dict[str, bytes]) -> bytes:
    return b"<<" + b"".join(b"/" + k.encode("ascii") + b" " + v for k, v in entries.items()) + b">>"


def _reference(number: int) -> bytes:
    return b"%d 0 R" % number


class _Output:
    """The joined file as it is written: bytes, and where each object starts."""

    def __init__(self, header: bytes) -> None:
        self.out = bytearray(header)
        self.where: dict[int, tuple[int, int, int]] = {}
        """Object number -> cross-reference entry (type, offset or stream, index)."""
        self.pending: list[tuple[int, bytes]] = []

    def copy(self, part: PartPdf) -> None:
        """The part's objects, as written, and their entries moved to where they land."""
        data = part.data
        start = data.index(b"\n", data.index(b"\n") + 1) + 1  # after the two header lines
        xref_at, entries = _xref(data)
        delta = len(self.out) - start
        self.out += data[start:xref_at]
        for number, (kind, second, third) in entries.items():
            if number < part.first or kind == 0 or (kind == 1 and not second):
                continue  # free, or a hole: written elsewhere
            if kind == 1 and second >= xref_at:
                continue  # the part's own cross-reference stream
            self.where[number] = (1, second + delta, 0) if kind == 1 else (kind, second, third)

    def write(self, number: int, body: bytes) -> None:
        """An object of the joined document (kept for one compressed object stream)."""
        self.pending.append((number, body))

    def _object_stream(self) -> None:
        number = max(self.where.keys() | {n for n, _ in self.pending}) + 1
        offsets, bodies, position = [], [], 0
        for index, (kept, body) in enumerate(self.pending):
            self.where[kept] = (2, number, index)
            offsets.append(b"%d %d" % (kept, position))
            bodies.append(body)
            position += len(body) + 1
        head = b" ".join(offsets) + b"\n"
        stream = zlib.compress(head + b"\n".join(bodies))
        entries = {
            "Type": b"/ObjStm",
            "N": b"%d" % len(bodies),
            "First": b"%d" % len(head),
            "Filter": b"/FlateDecode",
            "Length": b"%d" % len(stream),
        }
        self.where[number] = (1, len(self.out), 0)
        self.out += b"%d 0 obj\n" % number + _dictionary(entries) + b"\nstream\n" + stream
        self.out += b"\nendstream\nendobj\n"

    def finish(self, trailer: dict[str, bytes]) -> bytes:
        """The objects of the joined document, the cross-reference stream (with the
        trailer's entries) and the end of file."""
        self._object_stream()
        size = max(self.where) + 2
        at = len(self.out)
        self.where[size - 1] = (1, at, 0)
        w2 = max(max(entry[1] for entry in self.where.values()).bit_length() + 7, 8) // 8
        w3 = max(max(entry[2] for entry in self.where.values()).bit_length() + 7, 8) // 8
        rows = bytearray()
        for number in range(size):
            kind, second, third = self.where.get(number, (0, 0, 0))
            rows += bytes([kind]) + second.to_bytes(w2, "big") + third.to_bytes(w3, "big")
        stream = zlib.compress(bytes(rows))
        entries = {
            "Type": b"/XRef",
            "Size": b"%d" % size,
            "W": b"[1 %d %d]" % (w2, w3),
            **trailer,
            "Filter": b"/FlateDecode",
            "Length": b"%d" % len(stream),
        }
        self.out += b"%d 0 obj\n" % (size - 1) + _dictionary(entries) + b"\nstream\n" + stream
        self.out += b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % at
        return bytes(self.out)


def _array(items: Iterable[bytes]) -> bytes:
    return b"[" + b" ".join(items) + b"]"


def join(parts: Sequence[PartPdf]) -> bytes:
    """One PDF of the parts in order (the first gives the catalog's and document's details)."""
    first = parts[0]
    writer = _Output(first.data[: first.data.index(b"\n", first.data.index(b"\n") + 1) + 1])
    for part in parts:
        writer.copy(part)
    catalog = {"Type": b"/Catalog", "Pages": _reference(PAGES), **first.catalog}
    pages = [page for part in parts for page in part.pages]
    kids = _array(pages)
    writer.write(PAGES, _dictionary({"Type": b"/Pages", "Kids": kids, "Count": b"%d" % len(pages)}))
    if _outline(writer, parts):
        catalog["Outlines"] = _reference(OUTLINES)
    dests = sorted((d for part in parts for d in part.dests), key=lambda d: d[0])
    unique = [d for i, d in enumerate(dests) if i == 0 or d[0] != dests[i - 1][0]]
    if unique:
        names = _array(name + b" " + dest for _, name, dest in unique)
        catalog["Names"] = b"<</Dests <</Names " + names + b">>>>"
    fields = [ref for part in parts for ref in part.fields]
    if fields:
        fonts: dict[str, bytes] = {}
        for part in parts:
            for name, font in part.fonts.items():
                fonts.setdefault(name, font)
        form = {
            **next((part.form for part in parts if part.form), {}),
            "Fields": _array(fields),
            "DR": b"<</Font " + _dictionary(fonts) + b">>",
        }
        writer.write(ACROFORM, _dictionary(form))
        catalog["AcroForm"] = _reference(ACROFORM)
    if first.document:
        _structure_tree(writer, parts)
        catalog["StructTreeRoot"] = _reference(STRUCT_ROOT)
    writer.write(CATALOG, _dictionary(catalog))
    trailer = {"Root": _reference(CATALOG)}
    if first.info:
        writer.write(INFO, _dictionary(first.info))
        trailer["Info"] = _reference(INFO)
    return writer.finish(trailer)


def _outline(writer: _Output, parts: Sequence[PartPdf]) -> bool:
    """The parts' top-level bookmarks chained under one root; False if there are none."""
    outline = [item for part in parts for item in part.outline]
    for index, (number, item) in enumerate(outline):
        chain = {"Parent": _reference(OUTLINES)}
        if index:
            chain["Prev"] = _reference(outline[index - 1][0])
        if index + 1 < len(outline):
            chain["Next"] = _reference(outline[index + 1][0])
        writer.write(number, _dictionary({**item, **chain}))
    if outline:
        root = {
            "Count": b"%d" % sum(part.outline_count for part in parts),
            "First": _reference(outline[0][0]),
            "Last": _reference(outline[-1][0]),
        }
        writer.write(OUTLINES, _dictionary(root))
    return bool(outline)


def _structure_tree(writer: _Output, parts: Sequence[PartPdf]) -> None:
    """One document element holding every part's elements, in order, and one parent tree."""
    first = parts[0]
    kids = _array(kid for part in parts for kid in part.struct_kids)
    element = {**first.document, "P": _reference(STRUCT_ROOT), "K": kids}
    writer.write(DOCUMENT, _dictionary(element))
    tree = sorted(entry for part in parts for entry in part.parent_tree)
    writer.write(PARENT_TREE, b"<</Nums " + _array(b"%d " % k + v for k, v in tree) + b">>")
    root = {
        "Type": b"/StructTreeRoot",
        "K": _array([_reference(DOCUMENT)]),
        "ParentTree": _reference(PARENT_TREE),
        "ParentTreeNextKey": b"%d" % (max((key for key, _ in tree), default=-1) + 1),
        **first.struct_root,
    }
    writer.write(STRUCT_ROOT, _dictionary(root))


Finisher = Callable[[Any, pydyf.PDF], None]


class _Forms(Protocol):
    """Our form finisher (``coursebook.pdf.forms.FormFinisher``): a finisher that counts."""

    fields: int

    def __call__(self, document: Any, pdf: pydyf.PDF) -> None: ...


def lay_out_in_parts(
    parts: Parts,
    lay_out: Callable[[str], Any],
    write: Callable[[Any, Finisher], bytes],
    forms: Callable[[], _Forms],
    *,
    fork: bool = False,
    messages: list[str] | None = None,
) -> tuple[bytes, int, int]:
    """The book laid out one part at a time and joined: (PDF, pages, form fields).

    ``lay_out`` turns HTML into a WeasyPrint document, ``write`` writes one with a finisher,
    ``forms`` makes the form finisher each part runs first. The front is laid out first to
    learn its length, then each part numbered after it, then the front again with the
    contents' page numbers; should that change the front's length, the parts are laid out
    once more. With ``fork``, each part is written in a forked process while the next one
    is laid out (writing is about a third of the time); ``messages`` (WeasyPrint's
    warnings, gathered by the caller) then also gets those the writers met.
    """
    wanted = set(contents_targets(parts.front))
    front_pages = len(lay_out(parts.front.replace(FIRST_PAGE, "1")).pages)
    gc.collect()
    for _attempt in range(2):
        with _PartWriter(write, forms, fork, messages if messages is not None else []) as writer:
            page = front_pages + 1
            anchors: dict[str, int] = {}
            for part in parts.parts:
                document = lay_out(part.replace(FIRST_PAGE, str(page)))
                for index, laid in enumerate(document.pages):
                    for name in laid.anchors:
                        if name in wanted:
                            anchors.setdefault(name, page + index)
                page += len(document.pages)
                writer.write(document)
                del document
                gc.collect()  # the part's boxes, before the next part is laid out
            front = lay_out(numbered_front(parts.front, anchors).replace(FIRST_PAGE, "1"))
            if len(front.pages) != front_pages:
                front_pages = len(front.pages)
                continue
            writer.write(front)
            laid_out = writer.finish()
            return join([laid_out[-1], *laid_out[:-1]]), page - 1, writer.fields
    raise CannotJoin("the contents kept changing length")


class _PartWriter:
    """Writes laid-out parts in turn, each numbered after the one before; in a forked
    process per part when ``fork`` (the result of one is waited for before the next is
    numbered, by which time it is usually done)."""

    def __init__(
        self,
        write: Callable[[Any, Finisher], bytes],
        forms: Callable[[], _Forms],
        fork: bool,
        messages: list[str],
    ) -> None:
        self._write, self._forms, self._fork, self._messages = write, forms, fork, messages
        self.base, self.keys, self.fields = RESERVED, 0, 0
        self.streams: dict[str, int] = {}
        self.parts: list[PartPdf] = []
        self._pending: _Child | None = None

    def _one(self, document: Any) -> tuple[PartPdf, int, list[str]]:
        seen = len(self._messages)
        forms = self._forms()
        finisher = PartFinisher(forms, self.base, self.keys, self.streams)
        data = self._write(document, finisher)
        finisher.part.data = data
        return finisher.part, forms.fields, self._messages[seen:]

    def _take(self, part: PartPdf, fields: int, messages: list[str]) -> None:
        self.parts.append(part)
        self.base, self.keys = last_object(part.data), self.keys + part.keys
        self.streams, self.fields = part.streams, self.fields + fields
        self._messages += [m for m in messages if m not in self._messages]

    def _wait(self) -> None:
        if self._pending is not None:
            pending, self._pending = self._pending, None
            self._take(*pending.result())

    def write(self, document: Any) -> None:
        self._wait()
        if self._fork:
            self._pending = _Child(lambda: self._one(document))
        else:
            part, fields, _ = self._one(document)
            self._take(part, fields, [])

    def finish(self) -> list[PartPdf]:
        self._wait()
        return self.parts

    def __enter__(self) -> _PartWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        """A part still being written when the layout stops (an error, or the contents
        changed length) is stopped rather than left waiting to hand its result over."""
        if self._pending is not None:
            self._pending.stop()
            self._pending = None


class _Child:
    """``work`` run in a forked process; ``result`` waits for what it returns."""

    def __init__(self, work: Callable[[], Any]) -> None:
        read, write = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the child: do the work, hand the result back, leave at once
            os.close(read)
            try:
                payload = pickle.dumps((True, work()))
            except BaseException as exc:  # any failure is reported by the parent
                payload = pickle.dumps((False, f"{type(exc).__name__}: {exc}"))
            with os.fdopen(write, "wb") as out:
                out.write(payload)
            os._exit(0)
        os.close(write)
        self.pipe = os.fdopen(read, "rb")

    def result(self) -> Any:
        with self.pipe:
            data = self.pipe.read()
        os.waitpid(self.pid, 0)
        if not data:
            raise CannotJoin("a process writing a part ended without a result")
        done, value = pickle.loads(data)
        if not done:
            raise CannotJoin(f"writing a part failed: {value}")
        return value

    def stop(self) -> None:
        self.pipe.close()
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
