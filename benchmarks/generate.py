"""Synthetic courses for the benchmark: N pages of made-up prose and M worksheets of every field type."""

from __future__ import annotations

import argparse
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from PIL import Image, ImageDraw

# Invented words: the prose reads like lorem ipsum, with real English glue words between them
# so that word lengths, line breaks and hyphenation look like a real course.
WORDS = [
    "abrel",
    "ventigo",
    "marlow",
    "quisten",
    "osparel",
    "tendrack",
    "fulmine",
    "corvath",
    "elbarin",
    "hostig",
    "pravel",
    "nimbrel",
    "sotheran",
    "dulcave",
    "peltrix",
    "amoran",
    "vistal",
    "crombe",
    "yorrin",
    "galith",
    "fenmore",
    "ustrelle",
    "bricanta",
    "lomber",
    "quaddle",
    "isterin",
    "ravolt",
    "melkin",
    "trosper",
    "ondavi",
    "caspelt",
    "hevrin",
    "zandor",
    "mirrowen",
    "plentar",
    "astovi",
    "kelbrin",
    "oppal",
    "drasten",
    "wimbury",
    "selcourt",
    "farnith",
    "gorvane",
    "telmish",
    "abbeline",
    "ruddock",
    "vesprin",
    "calloway",
    "nestrum",
    "impella",
    "dorvan",
    "sparrit",
    "glenmoor",
    "orchave",
    "pendral",
    "umbrisk",
    "lattimer",
    "covenel",
    "brasque",
    "hollin",
    "tarvish",
    "emberlin",
    "quorrel",
    "fandish",
    "solvane",
    "merrigold",
    "paxton",
    "trellick",
    "avondrel",
    "skellen",
    "mordant",
    "jovinel",
    "crestwick",
    "baltimor",
    "hesper",
    "ivrane",
    "lunder",
    "cobblin",
    "wendrith",
    "ostrel",
    "parrish",
    "zephrine",
    "galloway",
    "thistle",
    "marrowen",
    "cindral",
    "folwick",
    "astren",
    "beldame",
    "rookwin",
    "taverel",
    "minsk",
    "orrivel",
    "grendale",
    "pellucid",
    "vantrim",
    "hobbart",
    "siltrow",
    "delphane",
    "kestrel",
    "mallory",
    "fenwick",
    "ambrose",
    "cordwain",
    "lystra",
    "bramwell",
    "tinderly",
    "auberon",
    "scallick",
    "quindle",
    "merriton",
    "hawthorne",
]
GLUE = [
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "is",
    "that",
    "for",
    "it",
    "as",
    "with",
    "on",
    "be",
    "by",
    "this",
    "are",
    "or",
    "from",
    "at",
    "an",
    "which",
    "but",
    "not",
    "have",
    "your",
    "you",
    "can",
    "more",
    "when",
    "their",
    "they",
    "what",
    "will",
    "each",
    "one",
    "all",
]
HEADINGS = [
    "Why it matters",
    "Getting started",
    "A worked example",
    "Common mistakes",
    "Going further",
    "What to prepare",
    "How to decide",
    "Looking back",
    "Putting it together",
    "Questions to ask",
]
ADMONITIONS = ["note", "tip", "warning", "example", "info", "question"]


@dataclass(frozen=True)
class Course:
    """A generated course folder: its root, page files and worksheet ids."""

    root: Path
    pages: tuple[str, ...]
    worksheets: tuple[str, ...]

    @property
    def config(self) -> Path:
        """The default ``mkdocs.yml`` (every plugin on)."""
        return self.root / "mkdocs.yml"


class Prose:
    """Deterministic made-up prose from a seed."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def word(self) -> str:
        return self.rng.choice(WORDS if self.rng.random() < 0.62 else GLUE)

    def words(self, n: int) -> str:
        return " ".join(self.word() for _ in range(n))

    def sentence(self) -> str:
        n = self.rng.randint(7, 19)
        parts = [self.word() for _ in range(n)]
        if n > 10 and self.rng.random() < 0.4:
            parts[self.rng.randint(3, n - 4)] += ","
        roll = self.rng.random()
        i = self.rng.randrange(1, n)
        if roll < 0.08:
            parts[i] = f"**{parts[i].rstrip(',')}**"
        elif roll < 0.14:
            parts[i] = f"*{parts[i].rstrip(',')}*"
        elif roll < 0.17:
            parts[i] = f"`{parts[i].rstrip(',')}`"
        text = " ".join(parts)
        return text[0].upper() + text[1:] + self.rng.choice(".....?!")

    def paragraph(self, sentences: int | None = None) -> str:
        count = sentences or self.rng.randint(3, 6)
        return " ".join(self.sentence() for _ in range(count))

    def title(self, n: int = 3) -> str:
        return " ".join(self.rng.choice(WORDS) for _ in range(n)).capitalize()


def _count(text: str) -> int:
    return len(text.split())


def page_markdown(
    prose: Prose, title: str, image: str, worksheets: Sequence[str], words: int
) -> str:
    """One chapter of about ``words`` words with every kind of block the course uses."""
    rng = prose.rng
    out: list[str] = [f"# {title}", "", prose.paragraph(), ""]
    out += ['!!! abstract "In this chapter"']
    out += [f"    - {prose.sentence()}" for _ in range(3)]
    out += [""]
    blocks = ["table", "image", "tabs", "admonition", "list", "details", "deflist"]
    rng.shuffle(blocks)
    section = 0
    while _count("\n".join(out)) < words - 150:
        section += 1
        out += [f"## {rng.choice(HEADINGS)} {section}", "", prose.paragraph(), ""]
        if rng.random() < 0.4:
            out += [f"### {prose.title()}", "", prose.paragraph(), ""]
        if blocks:
            out += [*_block(prose, blocks.pop(), image), ""]
        out += [prose.paragraph(), ""]
    for kind in blocks:  # every kind of block on every page, even if the prose ran out first
        out += [*_block(prose, kind, image), ""]
    for ws in worksheets:
        out += [f"## Worksheet: {ws.replace('-', ' ')}", "", prose.paragraph(2), ""]
        out += [f"/// worksheet | {ws}", "///", ""]
    return "\n".join(out)


def _block(prose: Prose, kind: str, image: str) -> list[str]:
    rng = prose.rng
    if kind == "table":
        head = [prose.title(1) for _ in range(4)]
        rows = [" | ".join(prose.words(rng.randint(1, 4)) for _ in range(4)) for _ in range(5)]
        return [" | ".join(head), " | ".join("---" for _ in head), *rows]
    if kind == "image":
        return [f"![{prose.words(5)}]({image})", "", f"*{prose.sentence()}*"]
    if kind == "tabs":
        lines: list[str] = []
        for name in ("First way", "Second way", "Third way"):
            lines += [f'=== "{name}"', "", f"    {prose.paragraph(3)}", ""]
        return lines
    if kind == "admonition":
        lines = [f'!!! {rng.choice(ADMONITIONS)} "{prose.title()}"', f"    {prose.paragraph()}"]
        lines += ["", *(f"    {i}. {prose.sentence()}" for i in range(1, 4))]
        return lines
    if kind == "details":
        return [f'??? {rng.choice(ADMONITIONS)} "{prose.title()}"', f"    {prose.paragraph()}"]
    if kind == "deflist":
        lines = []
        for _ in range(3):
            lines += [prose.title(1), f":   {prose.sentence()}", ""]
        return lines
    return [f"- {prose.sentence()}" for _ in range(rng.randint(4, 7))]


def worksheet_data(prose: Prose, wid: str) -> dict[str, Any]:
    """A worksheet with every field type, like the shipped course's worksheets."""
    rng = prose.rng

    def options(n: int) -> list[str]:
        return [f"{prose.title(2)} {i}" for i in range(1, n + 1)]

    return {
        "id": wid,
        "title": f"Worksheet {prose.title()}",
        "version": 1,
        "intro": prose.paragraph(2),
        "sections": [
            {
                "id": "words",
                "title": prose.title(2),
                "intro": prose.sentence(),
                "fields": [
                    {
                        "id": "summary",
                        "type": "text",
                        "label": prose.sentence()[:60].rstrip(" ,."),
                        "help": prose.sentence(),
                        "placeholder": f"e.g. {prose.words(4)}",
                    },
                    {"id": "story", "type": "textarea", "label": prose.title(4), "lines": 5},
                    {
                        "id": "items",
                        "type": "list",
                        "label": prose.title(3),
                        "item_label": "Item",
                        "rows": 3,
                        "max": 8,
                    },
                    {"type": "guidance", "text": f"**{prose.title(2)}:** {prose.sentence()}"},
                ],
            },
            {
                "id": "picks",
                "title": prose.title(2),
                "fields": [
                    {
                        "id": "sources",
                        "type": "checklist",
                        "label": prose.title(3),
                        "options": options(4),
                    },
                    {
                        "id": "stance",
                        "type": "choice",
                        "label": prose.title(3),
                        "options": options(3),
                    },
                    {
                        "id": "confidence",
                        "type": "scale",
                        "label": prose.title(4),
                        "min": 1,
                        "max": rng.choice([5, 7, 10]),
                        "min_label": "Not at all",
                        "max_label": "Completely",
                    },
                    {"id": "by-when", "type": "date", "label": prose.title(2)},
                ],
            },
            {
                "id": "log",
                "title": prose.title(2),
                "fields": [
                    {
                        "id": "log",
                        "type": "table",
                        "label": prose.title(3),
                        "row_label": "Row",
                        "rows": 3,
                        "max_rows": 10,
                        "columns": [
                            {"id": "who", "label": "Who"},
                            {"id": "when", "label": "Date", "type": "date"},
                            {"id": "notes", "label": "Notes", "type": "textarea", "lines": 2},
                            {"id": "done", "label": "Done", "type": "checkbox"},
                        ],
                    }
                ],
            },
        ],
    }


def wide_worksheet(wid: str, fields: int, seed: int = 1) -> tuple[dict[str, Any], dict[str, Any]]:
    """A worksheet with ``fields`` answer fields (mixed types) and answers for every one."""
    prose = Prose(seed)
    kinds = ["text", "textarea", "choice", "scale", "date", "checklist", "text", "list"]
    out: list[dict[str, Any]] = []
    values: dict[str, Any] = {}
    for i in range(fields):
        kind = kinds[i % len(kinds)]
        field: dict[str, Any] = {"id": f"f{i}", "type": kind, "label": f"Question {i + 1}"}
        if kind in ("text", "textarea"):
            values[field["id"]] = prose.sentence()
        elif kind == "date":
            values[field["id"]] = f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}"
        elif kind == "scale":
            values[field["id"]] = 1 + i % 5
        elif kind == "choice":
            field["options"] = ["Alpha", "Beta", "Gamma"]
            values[field["id"]] = "Beta"
        elif kind == "checklist":
            field["options"] = ["Alpha", "Beta", "Gamma", "Delta"]
            values[field["id"]] = ["Alpha", "Gamma"]
        elif kind == "list":
            values[field["id"]] = [prose.words(3), prose.words(2)]
        out.append(field)
    sections = [
        {"id": f"part-{n}", "title": f"Part {n + 1}", "fields": out[i : i + 25]}
        for n, i in enumerate(range(0, len(out), 25))
    ]
    data = {"id": wid, "title": f"{fields} questions", "version": 1, "sections": sections}
    return data, values


def make_image(path: Path, seed: int) -> None:
    """A small PNG figure: a few shapes on a tinted background."""
    rng = random.Random(seed)
    img = Image.new("RGB", (480, 270), (rng.randint(200, 255), rng.randint(200, 255), 245))
    draw = ImageDraw.Draw(img)
    for _ in range(6):
        x, y = rng.randint(0, 400), rng.randint(0, 200)
        w, h = rng.randint(30, 160), rng.randint(20, 90)
        color = (rng.randint(40, 200), rng.randint(40, 200), rng.randint(40, 200))
        shape = draw.ellipse if rng.random() < 0.5 else draw.rectangle
        shape((x, y, x + w, y + h), fill=color, outline=(30, 30, 30))
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path, optimize=True)


MARKDOWN_EXTENSIONS: list[Any] = [
    "abbr",
    "admonition",
    "attr_list",
    "def_list",
    "md_in_html",
    "tables",
    {"toc": {"permalink": True}},
    "pymdownx.details",
    "pymdownx.superfences",
    {"pymdownx.tabbed": {"alternate_style": True}},
]


def write_config(
    course: Course, name: str, plugins: Sequence[str | dict[str, Any]], site_name: str
) -> Path:
    """Write an ``mkdocs.yml``-like config ``name`` in the course folder with these plugins."""
    nav = [{f"Chapter {i + 1}": page} for i, page in enumerate(course.pages)]
    config = {
        "site_name": site_name,
        "site_description": "A synthetic course generated for the coursebook benchmark.",
        "site_author": "coursebook benchmarks",
        "docs_dir": "docs",
        "theme": {"name": "material", "font": False, "language": "en"},
        "nav": [{"Start here": "index.md"}, *nav],
        "markdown_extensions": MARKDOWN_EXTENSIONS,
        "plugins": list(plugins),
    }
    path = course.root / name
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def generate_course(
    out: Path,
    pages: int,
    worksheets: int,
    *,
    seed: int = 7,
    words: int = 1500,
    plugins: Sequence[str | dict[str, Any]] = ("search", "worksheets", "workbook"),
) -> Course:
    """Write a complete MkDocs project of ``pages`` chapters and ``worksheets`` worksheets to ``out``."""
    prose = Prose(seed)
    docs = out / "docs"
    (out / "worksheets").mkdir(parents=True, exist_ok=True)
    docs.mkdir(parents=True, exist_ok=True)
    ids = tuple(f"worksheet-{i + 1:03d}" for i in range(worksheets))
    for wid in ids:
        data = worksheet_data(prose, wid)
        (out / "worksheets" / f"{wid}.yml").write_text(
            yaml.safe_dump(data, sort_keys=False, width=100), encoding="utf-8"
        )
    # worksheets spread evenly over the chapters, each used exactly once
    placed: list[list[str]] = [[] for _ in range(pages)]
    for i, wid in enumerate(ids):
        placed[i * pages // max(worksheets, 1)].append(wid)
    names: list[str] = []
    for n in range(pages):
        name = f"chapter-{n + 1:03d}.md"
        make_image(docs / "images" / f"figure-{n + 1:03d}.png", seed * 1000 + n)
        text = page_markdown(
            prose,
            f"Chapter {n + 1}: {prose.title()}",
            f"images/figure-{n + 1:03d}.png",
            placed[n],
            words,
        )
        (docs / name).write_text(text + "\n", encoding="utf-8")
        names.append(name)
    index = ["# A synthetic course", "", prose.paragraph(), "", prose.paragraph(), ""]
    (docs / "index.md").write_text("\n".join(index), encoding="utf-8")
    course = Course(out, tuple(names), ids)
    write_config(course, "mkdocs.yml", plugins, f"Synthetic course {pages}")
    return course


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: ``python benchmarks/generate.py OUT --pages N --worksheets M``."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path, help="folder to write the MkDocs project into")
    parser.add_argument("--pages", type=int, default=10)
    parser.add_argument(
        "--worksheets", type=int, default=None, help="default: pages / 5, at least 1"
    )
    parser.add_argument("--words", type=int, default=1500, help="words per page")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    worksheets = args.worksheets if args.worksheets is not None else max(1, args.pages // 5)
    course = generate_course(args.out, args.pages, worksheets, seed=args.seed, words=args.words)
    print(f"{course.config}: {len(course.pages)} pages, {len(course.worksheets)} worksheets")


if __name__ == "__main__":
    main()
