"""Parts of a workbook, written by WeasyPrint, in; one PDF out.

``PartFinisher`` runs as WeasyPrint's finisher on each part, just before it is written: it
numbers the part's objects after the previous parts' (so the join copies the bytes as they
are), turns links laid out to another part (``coursebook-xref:``) back into named
destinations, writes each image and font file only once across parts, and notes in a
``PartPdf`` what the joined document needs: its pages, top-level bookmarks, destination
names, form fields, structure elements and parent-tree entries. ``join`` then copies the
parts and writes one catalog, page tree, outline, name tree, form and structure tree for
them all, in one compressed object stream, and one cross-reference stream.

Knows nothing of HTML: ``coursebook.pdf.parts`` cuts the book and lays the parts out.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

import pydyf

from coursebook.pdf.writing import DEFLATE_LEVEL

XREF_SCHEME = "coursebook-xref:"
"""Links to another part are laid out as links to this scheme, and joined back."""

# the objects written for the whole book; parts are numbered after them
CATALOG, PAGES, OUTLINES, STRUCT_ROOT, DOCUMENT, PARENT_TREE, ACROFORM, INFO = range(1, 9)
RESERVED = INFO

_REF = re.compile(rb"(\d+) 0 R")


class CannotJoin(Exception):
    """The parts are not shaped as expected: the book is laid out whole instead."""


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
        self._share_streams(objects, renumber, holes)
        self._renumber_references(objects, renumber)
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
        # pydyf numbers what it adds while writing (the object and cross-reference
        # streams) after the last object in its list: the holes make that the part's range
        objects[1:1] = [_Hole(n) for n in range(1, base + 1)]
        part.first = base + 1

    def _share_streams(self, objects: list[Any], renumber: dict[int, int], holes: set[int]) -> None:
        """An image or font file an earlier part (or this one) already holds is referred to
        there, not written again."""
        for obj in objects[1:]:
            # images and font files are one chunk (bytes, or WeasyPrint's image data);
            # page contents are many
            if not isinstance(obj, pydyf.Stream) or len(obj.stream) != 1:
                continue
            (chunk,) = obj.stream
            if not isinstance(chunk, (bytes, pydyf.Object)):
                continue
            digest = hashlib.sha256(pdf_bytes(dict(obj.extra)))
            digest.update(pdf_bytes(chunk))
            key = digest.hexdigest()
            if key in self.part.streams:
                renumber[obj.number] = self.part.streams[key]
                holes.add(obj.number)
            else:
                self.part.streams[key] = obj.number + self.base

    def _renumber_references(self, objects: list[Any], renumber: dict[int, int]) -> None:
        """Every reference in every object made global (``base`` added, or as
        ``renumber`` says), and links to another part made named destinations. pydyf keeps
        references as bytes (``b"12 0 R"``); strings are ``pydyf.String``, never bytes."""
        base = self.base

        def new_reference(match: re.Match[bytes]) -> bytes:
            old = int(match.group(1))
            return b"%d 0 R" % renumber.get(old, old + base)

        seen: set[int] = set()  # a dictionary may be both an object and a value elsewhere

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


def _xref_start(data: bytes) -> int:
    """Where a written part's cross-reference stream starts (pydyf writes one, last)."""
    return int(data[data.rindex(b"startxref") + 9 :].split()[0])


def _header_end(data: bytes) -> int:
    """Where a written part's objects start, after its two header lines."""
    return data.index(b"\n", data.index(b"\n") + 1) + 1


def _xref(data: bytes) -> tuple[int, dict[int, tuple[int, int, int]]]:
    """Where a part's cross-reference stream starts, and its entries."""
    start = _xref_start(data)
    head_end = data.index(b">>\nstream\n", start)
    head = data[start:head_end]

    def numbers(key: bytes) -> list[int]:
        found = re.search(rb"/" + key + rb"\s*\[([^\]]*)\]", head)
        if found is None:
            raise CannotJoin(f"cross-reference stream without /{key.decode()}")
        return [int(n) for n in found.group(1).split()]

    widths, index = numbers(b"W"), numbers(b"Index")
    if len(widths) != 3:
        raise CannotJoin("cross-reference stream rows of other than three fields")
    length = re.search(rb"/Length (\d+)", head)
    if length is None:
        raise CannotJoin("cross-reference stream without /Length")
    body = data[head_end + 10 : head_end + 10 + int(length.group(1))]
    if b"/FlateDecode" in head:
        body = zlib.decompress(body)
    if len(body) < sum(widths) * sum(index[1::2]):
        raise CannotJoin("cross-reference stream shorter than its entries")
    entries: dict[int, tuple[int, int, int]] = {}
    position = 0
    for first, count in zip(index[::2], index[1::2], strict=True):
        for number in range(first, first + count):
            fields = []
            for width in widths:
                fields.append(int.from_bytes(body[position : position + width], "big"))
                position += width
            entries[number] = (fields[0], fields[1], fields[2])
    return start, entries


def last_object(data: bytes) -> int:
    """The highest object number a written part uses (its cross-reference stream's)."""
    start = _xref_start(data)
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
        start = _header_end(data)
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
        stream = zlib.compress(head + b"\n".join(bodies), DEFLATE_LEVEL)
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
        stream = zlib.compress(bytes(rows), DEFLATE_LEVEL)
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
    writer = _Output(first.data[: _header_end(first.data)])
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
