"""Category 2: files from outside the course in the PDFs.

A course whose pages, worksheet, theme folder and cover point at files outside it
(``file://`` URLs, ``..`` escapes, absolute paths, symbolic links in the docs and theme
folders, ``rel="attachment"``, an SVG that reads a file, ``pymdownx.snippets``) and at a
web server (which must never be asked anything by default). It is built once with the
``workbook`` plugin; both PDFs are read object by object with pypdf: no secret text, no
secret image (each is a PNG of its own size), no embedded file from outside, no
``file:`` link; and the build log has a warning naming each page.
"""

from __future__ import annotations

import functools
import http.server
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import DictionaryObject, StreamObject

from tests.conftest import Build
from tests.hostile.helpers import as_build, mkdocs, run_cli, run_limited

BACKGROUND_RANK = 20
PDFS = ("workbook.pdf", "workbook-print.pdf")


@dataclass(frozen=True)
class Case:
    name: str
    markdown: str
    """The page; ``{out}`` is the outside folder, ``{web}`` the web server's address."""
    warns: str | None
    """What the warning naming the page must also say (the address, in part); None where the
    issue asks for no warning (nothing reaches the PDF's fetcher: Markdown's own includes,
    a ``data:`` image the sanitiser drops)."""
    secret: int
    """Which file of the outside folder the case reaches for: ``secret-<n>.png`` or ``.txt``."""


CASES = [
    Case("file URL image", "![secret](file://{out}/secret-1.png)", "secret-1.png", 1),
    Case("file URL raw img", '<img src="file://{out}/secret-2.png" alt="x">', "secret-2.png", 2),
    Case("file URL link", "[a secret](file://{out}/secret-3.txt)", "secret-3.txt", 3),
    Case(
        "file URL attachment",
        '<a rel="attachment" href="file://{out}/secret-4.txt">notes</a>',
        "secret-4.txt",
        4,
    ),
    Case(
        "dot-dot image", "![x](../../../../../../../../../..{out}/secret-5.png)", "secret-5.png", 5
    ),
    Case(
        "dot-dot attachment",
        "[notes](../../../../../../../../../..{out}/secret-6.txt){{ rel=attachment }}",
        "secret-6.txt",
        6,
    ),
    Case("absolute path image", "![x]({out}/secret-7.png)", "secret-7.png", 7),
    Case("symlinked image in docs", "![x](img/link.png)", "img/link.png", 8),
    Case("image in a symlinked folder of docs", "![x](linked/secret-9.png)", "secret-9.png", 9),
    Case(
        "symlinked attachment in docs",
        "[notes](files/notes.txt){{ rel=attachment }}",
        "files/notes.txt",
        10,
    ),
    Case(
        "symlinked attachment in the theme folder",
        "[notes](/assets/leak.txt){{ rel=attachment }}",
        "leak.txt",
        11,
    ),
    Case("symlinked image in the theme folder", "![x](/assets/leak.png)", "leak.png", 12),
    Case("SVG that reads a file URL", "![x](evil.svg)", "secret-13.png", 13),
    Case("SVG that reads a dot-dot path", "![x](evil2.svg)", "secret-14.png", 14),
    Case(
        "data URL SVG that reads a file",
        '<img alt="x" src="data:image/svg+xml;utf8,<svg xmlns=%22http://www.w3.org/2000/svg%22 '
        "xmlns:xlink=%22http://www.w3.org/1999/xlink%22 width=%22120%22 height=%2240%22>"
        "<image xlink:href=%22file://{out}/secret-15.png%22 width=%22115%22 height=%2213%22/>"
        '</svg>">',
        None,
        15,
    ),
    Case("remote image", "![x]({web}remote-16.png)", "remote-16.png", 16),
    Case(
        "remote attachment",
        '<a rel="attachment" href="{web}remote-17.txt">notes</a>',
        "remote-17.txt",
        17,
    ),
    Case("worksheet intro image", "/// worksheet | sheet\n///", "secret-18.png", 18),
    Case("snippet of an absolute path", '--8<-- "{out}/secret-19.txt"', None, 19),
    Case("snippet of a dot-dot path", '--8<-- "../outside/secret-20.txt"', None, 20),
]
COVER = "../outside/secret-logo.png"
"""The cover logo of the main build: outside the course folder, by ``..``."""
SECRET_TEXT = "SECRET-TEXT-"


def slug(case: Case) -> str:
    return "".join(c if c.isalnum() else "-" for c in case.name.lower())


def png(path: Path, number: int) -> None:
    """A PNG nobody else has: ``100 + number`` pixels wide, 13 high."""
    Image.new("RGB", (100 + number, 13), (number * 7 % 256, 40, 90)).save(path)


def secret_sizes() -> set[tuple[int, int]]:
    return {(100 + n, 13) for n in range(1, 32)}


def write_outside(outside: Path) -> None:
    """The secrets: ``secret-<n>.png`` and ``.txt`` for every case, the logos, and a
    folder ``dir`` (the target of a symbolic link in the docs folder)."""
    (outside / "dir").mkdir(parents=True)
    for n in range(1, 21):
        png(outside / f"secret-{n}.png", n)
        (outside / f"secret-{n}.txt").write_text(f"{SECRET_TEXT}{n}\n", encoding="utf-8")
    png(outside / "dir" / "secret-9.png", 9)
    png(outside / "secret-logo.png", 30)
    png(outside / "secret-logo-abs.png", 31)


def write_course(root: Path, web: str) -> Path:
    """The hostile course in ``root/course``, its secrets in ``root/outside``."""
    outside, course = root / "outside", root / "course"
    write_outside(outside)
    docs, theme = course / "docs", course / "theme" / "assets"
    for folder in (docs / "img", docs / "files", theme, course / "worksheets"):
        folder.mkdir(parents=True)
    (docs / "img" / "link.png").symlink_to(outside / "secret-8.png", 8)
    (docs / "linked").symlink_to(outside / "dir", target_is_directory=True)
    (docs / "files" / "notes.txt").symlink_to(outside / "secret-10.txt", 10)
    (theme / "leak.txt").symlink_to(outside / "secret-11.txt", 11)
    (theme / "leak.png").symlink_to(outside / "secret-12.png", 12)
    (docs / "evil.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'width="120" height="40"><image xlink:href="file://{outside}/secret-13.png" '
        'width="113" height="13"/></svg>\n',
        encoding="utf-8",
    )
    (docs / "evil2.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'width="120" height="40"><image xlink:href="../../outside/secret-14.png" '
        'width="114" height="13"/></svg>\n',
        encoding="utf-8",
    )
    sheet = {
        "id": "sheet",
        "title": "A sheet",
        "version": 1,
        "intro": f"![x](../../../../../../../../../..{outside}/secret-18.png)",
        "sections": [{"title": "S", "fields": [{"id": "name", "type": "text", "label": "Name"}]}],
    }
    (course / "worksheets" / "sheet.yml").write_text(yaml.safe_dump(sheet), encoding="utf-8")
    nav: list[Any] = [{"Home": "index.md"}]
    (docs / "index.md").write_text("# Home\n\nThe course.\n", encoding="utf-8")
    for case in CASES:
        text = case.markdown.format(out=outside, web=web)
        (docs / f"{slug(case)}.md").write_text(f"# {case.name}\n\n{text}\n", encoding="utf-8")
        nav.append({case.name: f"{slug(case)}.md"})
    config = {
        "site_name": "Hostile PDF Course",
        "theme": {"name": "material", "font": False, "custom_dir": "theme"},
        "markdown_extensions": ["attr_list", "md_in_html", "pymdownx.snippets"],
        "plugins": ["worksheets", {"workbook": {"cover": {"logo": COVER}}}],
        "nav": nav,
    }
    (course / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return course / "mkdocs.yml"


def write_logo_course(root: Path) -> Path:
    """One page, and a cover logo given as an absolute path outside the course."""
    outside, course = root / "outside", root / "course"
    write_outside(outside)
    (course / "docs").mkdir(parents=True)
    (course / "docs" / "index.md").write_text("# Home\n\nText.\n", encoding="utf-8")
    logo = str(outside / "secret-logo-abs.png")
    config = {
        "site_name": "Logo Course",
        "theme": {"name": "material", "font": False},
        "plugins": ["worksheets", {"workbook": {"cover": {"logo": logo}}}],
    }
    (course / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return course / "mkdocs.yml"


class _Recorder(http.server.SimpleHTTPRequestHandler):
    def do_GET(self) -> None:
        self.server.seen.append(self.path)  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(b"REMOTE-CONTENT")

    def log_message(self, format: str, *args: object) -> None:
        pass


@dataclass
class Built:
    build: Build
    requests: list[str] = field(default_factory=list)


def build_with_server(root: Path) -> Built:
    """Build the course while a web server at 127.0.0.1 records every request it gets."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Recorder))
    server.seen = []  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        config = write_course(root, f"http://127.0.0.1:{server.server_address[1]}/")
        run = run_limited(
            mkdocs("build", "-f", config, "-d", config.parent / "site"), config.parent, limit=300
        )
        return Built(as_build(run, config.parent / "site"), list(server.seen))  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()


def build_logo_course(root: Path) -> Built:
    config = write_logo_course(root)
    run = run_limited(
        mkdocs("build", "-f", config, "-d", config.parent / "site"), config.parent, limit=300
    )
    return Built(as_build(run, config.parent / "site"))


def BACKGROUND(factory: Any) -> dict[str, Any]:
    main, logo = factory.mktemp("hostile-pdf"), factory.mktemp("hostile-logo")
    return {
        "hostile-pdf": lambda: build_with_server(main),
        "hostile-logo": lambda: build_logo_course(logo),
    }


# ---- reading the PDFs ------------------------------------------------------------


@dataclass
class Contents:
    """Everything a PDF carries that could come from a file."""

    text: str = ""
    streams: list[bytes] = field(default_factory=list)
    images: list[tuple[int, int]] = field(default_factory=list)
    files: list[bytes] = field(default_factory=list)
    uris: list[str] = field(default_factory=list)


def read_pdf(path: Path) -> Contents:
    reader = PdfReader(path)
    seen = Contents(text="\n".join(page.extract_text() or "" for page in reader.pages))
    for number in range(1, int(reader.trailer["/Size"])):
        try:
            obj = reader.get_object(number)
        except Exception:  # a free entry of the cross-reference table
            continue
        if isinstance(obj, StreamObject):
            data = obj.get_data()
            seen.streams.append(data)
            if obj.get("/Subtype") == "/Image":
                seen.images.append((int(obj["/Width"]), int(obj["/Height"])))
            if obj.get("/Type") == "/EmbeddedFile":
                seen.files.append(data)
        if isinstance(obj, DictionaryObject):
            action = obj.get("/A")
            action = action.get_object() if action is not None else None
            if isinstance(action, DictionaryObject):
                if "/URI" in action:
                    seen.uris.append(str(action["/URI"]))
                if action.get("/S") == "/Launch":
                    seen.uris.append(f"launch: {action.get('/F')}")
            if obj.get("/S") == "/Launch":
                seen.uris.append(f"launch: {obj.get('/F')}")
    return seen


@pytest.fixture(scope="module")
def built(background: Any) -> Built:
    result: Built = background.result("hostile-pdf")
    assert result.build.returncode == 0, result.build.log[-3000:]
    return result


@pytest.fixture(scope="module")
def pdfs(built: Built) -> dict[str, Contents]:
    return {name: read_pdf(built.build.site / name) for name in PDFS}


def secrets_in(contents: Contents) -> list[str]:
    """Whatever of the outside folder (or the web server) a PDF carries, in any form."""
    found = [f"image {size}" for size in contents.images if size in secret_sizes()]
    if SECRET_TEXT in contents.text:
        found.append("secret text on a page")
    secret = (SECRET_TEXT.encode(), b"REMOTE-CONTENT")
    found += [f"data {d[:30]!r}" for d in contents.streams if any(m in d for m in secret)]
    found += [f"link {u}" for u in contents.uris if not u.startswith(("http", "mailto"))]
    return found


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_nothing_from_outside_reaches_either_pdf(pdfs: dict[str, Contents], case: Case) -> None:
    n = case.secret
    text = f"{SECRET_TEXT}{n}\n"
    for name, contents in pdfs.items():
        assert (100 + n, 13) not in contents.images, f"{name} embeds the image secret-{n}.png"
        assert text not in contents.text, f"{name} shows the text of secret-{n}.txt"
        embedded = [d for d in contents.files if text.encode() in d]
        assert embedded == [], f"{name} has secret-{n}.txt as an embedded file"
        assert not any(text.encode() in d for d in contents.streams), f"{name} holds secret-{n}.txt"
        if case.name.startswith("remote"):
            assert not any(b"REMOTE-CONTENT" in d for d in contents.streams), name
        links = [u for u in contents.uris if u.startswith(("file:", "launch:"))]
        assert links == [], f"{name} links to files: {links}"


def test_no_request_reaches_a_web_server(built: Built) -> None:
    """``remote_assets`` is off by default: a build never contacts a server."""
    assert built.requests == []


def test_the_pdfs_carry_nothing_secret_at_all(pdfs: dict[str, Contents]) -> None:
    for name, contents in pdfs.items():
        assert secrets_in(contents) == [], name


WARNED = [c for c in CASES if c.warns]


@pytest.mark.parametrize("case", WARNED, ids=[c.name for c in WARNED])
def test_a_warning_names_the_page_and_the_address(built: Built, case: Case) -> None:
    """So that ``mkdocs build --strict`` fails on it, and the author knows where to look."""
    warnings = built.build.warnings
    assert case.warns is not None
    page = [w for w in warnings if (slug(case) in w or case.name in w) and case.warns in w]
    ours = sorted({w.split("workbook: ", 1)[-1][:150] for w in warnings if "workbook:" in w})
    assert page, f"no warning names {slug(case)}.md and {case.warns}; the PDF's warnings:\n" + (
        "\n".join(ours)
    )


def test_the_cover_logo_outside_the_course_is_left_out_with_a_warning(
    built: Built, pdfs: dict[str, Contents]
) -> None:
    assert [w for w in built.build.warnings if "logo" in w and "secret-logo.png" in w]
    for name, contents in pdfs.items():
        assert (130, 13) not in contents.images, f"{name} has the logo from outside"


def test_a_cover_logo_given_as_an_absolute_path_is_left_out(background: Any) -> None:
    built: Built = background.result("hostile-logo")
    assert built.build.returncode == 0, built.build.log[-2000:]
    assert [w for w in built.build.warnings if "logo" in w and "secret-logo-abs.png" in w]
    for name in PDFS:
        assert (131, 13) not in read_pdf(built.build.site / name).images, name


@pytest.mark.parametrize(
    "logo",
    ["../outside/secret-logo.png", "{out}/secret-logo.png", "assets/logo.png"],
    ids=["dot-dot", "absolute path", "symlink in docs"],
)
def test_a_branding_logo_outside_the_docs_folder_is_refused(tmp_path: Path, logo: str) -> None:
    """``extra.coursebook.logo`` (site header and cover): one line naming the key."""
    outside, course = tmp_path / "outside", tmp_path / "course"
    write_outside(outside)
    (course / "docs" / "assets").mkdir(parents=True)
    (course / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    (course / "docs" / "assets" / "logo.png").symlink_to(outside / "secret-logo.png")
    config = {
        "site_name": "Branded",
        "theme": {"name": "material", "font": False},
        "extra": {"coursebook": {"logo": logo.format(out=outside)}},
        "plugins": ["worksheets", "workbook"],
    }
    (course / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    result = run_cli("validate", "-f", course / "mkdocs.yml")
    line = [x for x in result.stderr.splitlines() if "extra.coursebook.logo" in x]
    assert result.exit_code == 1 and line, result.output
    assert line[0].startswith("mkdocs.yml: ")
