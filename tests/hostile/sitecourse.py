"""One course full of hostile pages and worksheets, built once, for the browser categories.

Every page case is a page of its own (``p/<name>/``); every worksheet case is a worksheet
``ws-<n>`` on a page of its own (``w/<name>/``), so that a script that runs, a page error or
a broken save points at one case. The same site has a plain worksheet ``target`` (every
kind of answer) on an ``import/`` page that also holds the whole-course import and the review
page's file picker, for the import category, and a My workbook and a review page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import Build
from tests.hostile.helpers import as_build, mkdocs, run_limited

NAMESPACE = "hostile-ns"
P = "window.__pwned=1"
"""What every payload tries to run: the tests look for this flag."""


@dataclass(frozen=True)
class PageCase:
    name: str
    markdown: str
    in_nav: bool = True
    """Front matter goes into the theme's navigation on every page: those cases stay out
    of ``nav`` so that each poisons only its own page (``NAV_CASE`` checks the nav)."""


@dataclass(frozen=True)
class SheetCase:
    """A worksheet with hostile text in one place (``where``: a key path into the YAML)."""

    name: str
    where: tuple[str | int, ...]
    text: str
    extra: dict[str, Any] = field(default_factory=dict)
    """A mapping to put at ``where`` instead of ``text`` (an option's value and label)."""

    @property
    def id(self) -> str:
        return "ws-" + page_slug(self.name)


PAGE_CASES = [
    PageCase("script element", f"<script>{P}</script>"),
    PageCase("img onerror", f'<img src="x" onerror="{P}">'),
    PageCase("svg onload", f'<svg onload="{P}"><rect width="4" height="4"/></svg>'),
    PageCase("script inside svg", f"<svg><script>{P}</script></svg>"),
    PageCase(
        "svg animate sets a javascript href",
        f'<svg><a><animate attributeName="href" values="javascript:{P}"/>'
        '<text y="20">x</text></a></svg>',
    ),
    PageCase("iframe javascript src", f'<iframe src="javascript:parent.{P}"></iframe>'),
    PageCase(
        "iframe srcdoc", f'<iframe srcdoc="&lt;script&gt;parent.{P}&lt;/script&gt;"></iframe>'
    ),
    PageCase(
        "form with javascript action",
        f'<form action="javascript:{P}"><input type="submit" value="go"></form>',
    ),
    PageCase("button formaction", f'<button formaction="javascript:{P}">go</button>'),
    PageCase("base element", '<base href="https://evil.example/">\n\n[relative](../index.md)'),
    PageCase(
        "meta refresh to javascript",
        f'<meta http-equiv="refresh" content="0;url=javascript:{P}">',
    ),
    PageCase(
        "meta refresh away", '<meta http-equiv="refresh" content="0;url=https://evil.example/">'
    ),
    PageCase(
        "style element", "<style>body{background:url(https://evil.example/t.png)}</style>\n\nx"
    ),
    PageCase(
        "attr_list style", 'A paragraph.\n{: style="background:url(https://evil.example/t.png)" }'
    ),
    PageCase("link stylesheet", '<link rel="stylesheet" href="https://evil.example/x.css">'),
    PageCase("entity-encoded javascript link", f"[click me](&#106;avascript:{P})"),
    PageCase("entity-encoded colon", f"[click me](javascript&#58;{P})"),
    PageCase("tab inside the scheme", f"[click me](jav&#x09;ascript:{P})"),
    PageCase("javascript autolink", f"<javascript:{P}>"),
    PageCase("javascript reference link", f"[click me][r]\n\n[r]: javascript:{P}"),
    PageCase("attr_list onclick", f'[click me](https://example.org){{ onclick="{P}" }}'),
    PageCase("attr_list href", f'[click me](#top){{ href="javascript:{P}" }}'),
    PageCase("attr_list on a heading", f'## Hover me {{ onmouseover="{P}" tabindex="0" }}'),
    PageCase(
        "data URL link",
        '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>',
    ),
    PageCase(
        "object and embed",
        f'<object data="javascript:{P}"></object><embed src="javascript:{P}">',
    ),
    PageCase("details ontoggle", f'<details open ontoggle="{P}"><summary>s</summary>x</details>'),
    PageCase("input autofocus onfocus", f'<input autofocus onfocus="{P}">'),
    PageCase(
        "noscript mutation",
        f'<noscript><p title="</noscript><img src=x onerror={P}>"></noscript>',
    ),
    PageCase("comment then script", f"<!--<script>--><script>{P}</script>"),
    PageCase(
        "math mutation",
        f"<math><mtext><table><mglyph><style><img src=x onerror={P}></style>"
        "</mglyph></table></mtext></math>",
    ),
    PageCase("md_in_html link", f'<div markdown="1">[x](javascript:{P})</div>'),
    PageCase(
        "video poster and src", f'<video poster="javascript:{P}" src="javascript:{P}"></video>'
    ),
    PageCase("admonition title", f'!!! note "<img src=x onerror={P}>"\n    body'),
    PageCase(
        "front matter title",
        f'---\ntitle: "</title><script>{P}</script>"\n---\n\n# Heading\n\ntext',
        in_nav=False,
    ),
    PageCase(
        "front matter description",
        f"---\ndescription: '\"><script>{P}</script>'\n---\n\n# Heading\n\ntext",
        in_nav=False,
    ),
    PageCase(
        "front matter redirect template",
        f"---\ntemplate: redirect.html\nlocation: 'javascript:{P}//'\n---\n\n# Redirect\n",
        in_nav=False,
    ),
    PageCase(
        "forged worksheet slot",
        '<div data-cb-slot="000000000000000000000000:0"></div>\n\n'
        f'<div data-cb-slot="x:0" onclick="{P}"></div>',
    ),
]

SHEET_CASES = [
    SheetCase("intro entity javascript link", ("intro",), f"[click](&#106;avascript:{P})"),
    SheetCase(
        "intro attr_list onclick", ("intro",), f'[click](https://example.org){{ onclick="{P}" }}'
    ),
    SheetCase("intro data URL link", ("intro",), "[x](data:text/html,<script>alert(1)</script>)"),
    SheetCase("intro raw html", ("intro",), f'<img src=x onerror="{P}"> <svg onload="{P}"></svg>'),
    SheetCase(
        "section intro reference link",
        ("sections", 0, "intro"),
        f"[click][r]\n\n[r]: javascript:{P}",
    ),
    SheetCase("guidance autolink", ("sections", 0, "fields", 1, "text"), f"<javascript:{P}>"),
    SheetCase(
        "guidance paragraph attr_list",
        ("sections", 0, "fields", 1, "text"),
        f'Hover me\n{{: onmouseover="{P}" }}',
    ),
    SheetCase(
        "guidance image attr_list",
        ("sections", 0, "fields", 1, "text"),
        f'![x](missing.png){{ onerror="{P}" }}',
    ),
    SheetCase("help raw html", ("sections", 0, "fields", 0, "help"), f"<img src=x onerror={P}>"),
    SheetCase(
        "label ends the script",
        ("sections", 0, "fields", 0, "label"),
        f"</script><script>{P}</script>",
    ),
    SheetCase(
        "placeholder breaks the attribute",
        ("sections", 0, "fields", 0, "placeholder"),
        f'" autofocus onfocus="{P}" x="',
    ),
    SheetCase("title ends the script", ("title",), f"</script><script>{P}</script>"),
    SheetCase("title opens a comment", ("title",), f"<!--<script>{P}</script>"),
    SheetCase("title with line separators", ("title",), "a\u2028b\u2029c \"q\" 'q' \\ ${x} `t`"),
    SheetCase("title closes the JSON", ("title",), f'"}}}};{P};//'),
    SheetCase("section title", ("sections", 0, "title"), f"</legend><script>{P}</script>"),
    SheetCase(
        "option label and value",
        ("sections", 0, "fields", 2, "options", 0),
        "",
        {"value": f'"><svg onload="{P}">', "label": f"<img src=x onerror={P}>"},
    ),
    SheetCase(
        "list item label", ("sections", 0, "fields", 3, "item_label"), f"<img src=x onerror={P}>"
    ),
    SheetCase(
        "table column label",
        ("sections", 0, "fields", 4, "columns", 0, "label"),
        f"<script>{P}</script>",
    ),
    SheetCase(
        "scale end label template",
        ("sections", 0, "fields", 5, "max_label"),
        "{{7*7}} {value} {label}",
    ),
    SheetCase(
        "coach notes raw html", ("coach_notes",), f'<img src=x onerror="{P}"><script>{P}</script>'
    ),
    SheetCase("coach notes javascript link", ("coach_notes",), f"[open](&#x6A;avascript:{P})"),
]


def base_sheet(worksheet_id: str, title: str) -> dict[str, Any]:
    """A worksheet whose first field is a text box ``answer`` (typed into by the tests)."""
    return {
        "id": worksheet_id,
        "title": title,
        "version": 1,
        "sections": [
            {
                "title": "Part one",
                "fields": [
                    {"id": "answer", "type": "text", "label": "Your answer"},
                    {"type": "guidance", "text": "Some guidance."},
                    {
                        "id": "pick",
                        "type": "choice",
                        "label": "Pick one",
                        "options": ["Alpha", "Beta"],
                    },
                    {"id": "items", "type": "list", "label": "Items"},
                    {
                        "id": "grid",
                        "type": "table",
                        "label": "Grid",
                        "columns": [{"id": "who", "label": "Who"}],
                    },
                    {"id": "score", "type": "scale", "label": "Score", "max_label": "High"},
                ],
            }
        ],
    }


def hostile_sheet(case: SheetCase) -> dict[str, Any]:
    sheet = base_sheet(case.id, f"Sheet {case.name}")
    node: Any = sheet
    for step in case.where[:-1]:
        node = node[step]
    last = case.where[-1]
    node[last] = case.extra or case.text
    return sheet


def expected_title(case: SheetCase) -> str:
    return case.text if case.where == ("title",) else f"Sheet {case.name}"


TARGET = {
    "id": "target",
    "title": "Target worksheet",
    "version": 2,
    "sections": [
        {
            "title": "Answers",
            "fields": [
                {"id": "name", "type": "text", "label": "Your name"},
                {"id": "items", "type": "list", "label": "Items", "max": 3},
                {"id": "score", "type": "scale", "label": "Score", "min": 1, "max": 5},
                {"id": "pick", "type": "choice", "label": "Pick", "options": ["Alpha", "Beta"]},
                {
                    "id": "log",
                    "type": "table",
                    "label": "Log",
                    "columns": [
                        {"id": "who", "label": "Who"},
                        {"id": "done", "label": "Done", "type": "checkbox"},
                    ],
                },
            ],
        }
    ],
}


def page_slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def write_course(root: Path) -> Path:
    """The course's files under ``root``; returns its mkdocs.yml."""
    docs, sheets = root / "docs", root / "worksheets"
    (docs / "p").mkdir(parents=True)
    (docs / "w").mkdir(parents=True)
    sheets.mkdir(parents=True)
    config = {
        "site_name": "Hostile Course",
        "site_url": "http://127.0.0.1:8000/",
        "theme": {"name": "material", "font": False, "language": "en"},
        "markdown_extensions": [
            "abbr",
            "admonition",
            "attr_list",
            "def_list",
            "md_in_html",
            "tables",
            "footnotes",
            {"toc": {"permalink": True}},
            "pymdownx.details",
            "pymdownx.superfences",
            {"pymdownx.tabbed": {"alternate_style": True}},
        ],
        "plugins": [{"worksheets": {"storage_namespace": NAMESPACE}}],
        "nav": [
            "index.md",
            "workbook.md",
            "review.md",
            "import.md",
            {"Pages": [f"p/{page_slug(c.name)}.md" for c in PAGE_CASES if c.in_nav]},
            {"Worksheets": [f"w/{page_slug(c.name)}.md" for c in SHEET_CASES]},
        ],
    }
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    (docs / "index.md").write_text("# Hostile course\n\nStart.\n", encoding="utf-8")
    (docs / "workbook.md").write_text("# My workbook\n\n/// workbook\n///\n", encoding="utf-8")
    (docs / "review.md").write_text("# Review\n\n/// answers-review\n///\n", encoding="utf-8")
    # the import category: a form, the whole-course import and the review page side by side
    (docs / "import.md").write_text(
        "# Import\n\n/// worksheet | target\n///\n\n/// workbook\n///\n\n/// answers-review\n///\n",
        encoding="utf-8",
    )
    (sheets / "target.yml").write_text(yaml.safe_dump(TARGET, sort_keys=False), encoding="utf-8")
    for case in PAGE_CASES:
        text = case.markdown
        if not text.startswith("---"):
            text = f"# {case.name}\n\n{text}\n\nThe end.\n"
        (docs / "p" / f"{page_slug(case.name)}.md").write_text(text + "\n", encoding="utf-8")
    for case in SHEET_CASES:
        (docs / "w" / f"{page_slug(case.name)}.md").write_text(
            f"# {case.name}\n\n/// worksheet | {case.id}\n///\n", encoding="utf-8"
        )
        (sheets / f"{case.id}.yml").write_text(
            yaml.safe_dump(hostile_sheet(case), sort_keys=False, allow_unicode=True),
            encoding="utf-8",
        )
    return root / "mkdocs.yml"


NAV_CASE = PageCase(
    "front matter title and subtitle in every page's navigation",
    f'---\ntitle: "</span><script>{P}</script>"\nsubtitle: "<img src=x onerror={P}>"\n---\n\ntext',
)


def write_nav_course(root: Path) -> Path:
    """A course whose second page's front matter reaches the navigation of every page."""
    (root / "docs").mkdir(parents=True)
    (root / "worksheets").mkdir()
    config = {
        "site_name": "Nav Course",
        "theme": {"name": "material", "font": False},
        "plugins": ["worksheets"],
        "nav": ["index.md", "evil.md"],
    }
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    (root / "docs" / "index.md").write_text("# Home\n\nA plain page.\n", encoding="utf-8")
    (root / "docs" / "evil.md").write_text(NAV_CASE.markdown + "\n", encoding="utf-8")
    return root / "mkdocs.yml"


def build(root: Path, write: Any) -> Build:
    config = write(root)
    run = run_limited(mkdocs("build", "-f", config, "-d", root / "site"), root, limit=300)
    return as_build(run, root / "site")


def background_jobs(factory: Any) -> dict[str, Any]:
    root = factory.mktemp("hostile-site") / "course"
    nav = factory.mktemp("hostile-nav") / "course"
    return {
        "hostile-site": lambda: build(root, write_course),
        "hostile-nav-site": lambda: build(nav, write_nav_course),
    }
