"""MkDocs events in, core calls out: collect pages in nav order, build or reuse the PDFs, link them."""

from __future__ import annotations

import contextlib
import fnmatch
import json
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timezone
from importlib.resources import files as package_files
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

from markupsafe import escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from coursebook.answers import build_contract, read_answers_file, render
from coursebook.answers.contract import display, month_names
from coursebook.branding import Branding, BrandingError, load_branding
from coursebook.html import markdown_settings, safe_markdown
from coursebook.i18n import Catalogue, load_catalogue
from coursebook.mkdocs_plugins.workbook.config import WorkbookConfig
from coursebook.model import Worksheet, find_references
from coursebook.pdf import (
    VARIANTS,
    Book,
    Chapter,
    Contact,
    Variant,
    fingerprints,
)
from coursebook.pdf.fetch import inside

if TYPE_CHECKING:
    from coursebook.pdf.build import PdfsUnderWay, Preloaded

log = get_plugin_logger(__name__)

CSS_URI = "assets/coursebook/workbook-download.css"
CACHE_DIR = ".cache/plugin/workbook"
CACHE_KEEP = 8
"""How many PDFs the cache keeps (a coach's client builds sit beside the course's own)."""

# Material's palette names -> its primary colours, so an unbranded PDF matches the site
MATERIAL_COLORS = {
    "red": "#ef5552",
    "pink": "#e92063",
    "purple": "#ab47bd",
    "deep-purple": "#7e56c2",
    "indigo": "#4051b5",
    "blue": "#2094f3",
    "light-blue": "#02a6f2",
    "cyan": "#00bdd6",
    "teal": "#009485",
    "green": "#4cae4f",
    "light-green": "#7cb342",
    "lime": "#9e9d24",
    "yellow": "#f9a825",
    "amber": "#ff8f00",
    "orange": "#f57c00",
    "deep-orange": "#ff6e42",
    "brown": "#795649",
    "grey": "#757575",
    "blue-grey": "#546d78",
    "black": "#000000",
}


class WorkbookPlugin(BasePlugin[WorkbookConfig]):
    def __init__(self) -> None:
        self.serving = False
        self.active = False
        self.root = Path(".")
        self.catalogue = load_catalogue("en")
        self.pages: list[Page] = []
        self.html: dict[str, str] = {}
        self.seen: set[str] = set()
        self.branding = Branding(title="")
        self.answers: dict[str, Any] | None = None
        self.markdown_extensions: list[str] = []
        # set by `coursebook pdf`, which builds the site once for many clients
        self.shape: dict[str, Any] | None = None  # answers whose lengths size lists and tables
        self.book: Book | None = None  # the last book built, for further PDFs from it
        self.pdfs: dict[Variant, bytes] = {}
        self.underway: _Underway | None = None  # this build's PDFs, from on_env on
        self.preloaded: Preloaded | None = None  # a first build's PDF process, from on_config
        self.said: set[str] = set()  # this build's warnings about the PDFs

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        self.serving = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        self.active = self.config.enabled and (not self.serving or self.config.build_on_serve)
        if self.config.enabled and not self.active:
            log.info("workbook: PDFs are not built during `mkdocs serve` (build_on_serve: false)")
        if not self.active:
            return None
        self.root = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        names = [self._filename(v) for v in self.variants]
        if len(set(names)) != len(names):
            raise PluginError(
                "workbook: fillable_filename and print_filename must differ "
                f"(both are '{names[0]}')"
            )
        try:
            self.branding = load_branding(
                config.site_name, config.extra, Path(config.config_file_path or "mkdocs.yml").name
            )
        except BrandingError as exc:
            raise PluginError(str(exc)) from None
        self.answers = None
        # worksheet text in the PDF is rendered with the author's extensions, as on the site
        self.markdown_extensions = [e for e in config.markdown_extensions if isinstance(e, str)]
        self.pages = []
        self.html = {}
        self.seen = set()
        self._drop_preloaded()
        if self.variants and not any((self.root / CACHE_DIR).glob("*.pdf")):
            # a first build: the PDFs will be made, so their process starts now and imports
            # WeasyPrint while MkDocs converts the pages
            from coursebook.pdf import preload_pdfs

            self.preloaded = preload_pdfs()
        if self.config.download_links:
            config.extra_css.append(CSS_URI)
        return config

    @property
    def variants(self) -> list[Variant]:
        """The variants to build, in a fixed order."""
        return [v for v in VARIANTS if v in self.config.variants]

    def _filename(self, variant: Variant) -> str:
        return (
            self.config.fillable_filename if variant == "fillable" else self.config.print_filename
        )

    def on_files(self, files: Files, config: MkDocsConfig) -> Files | None:
        if not self.active or not self.config.download_links:
            return None
        css = package_files("coursebook.mkdocs_plugins.workbook").joinpath("download.css")
        files.append(File.generated(config, CSS_URI, content=css.read_bytes()))
        return files

    def on_nav(self, nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation | None:
        if self.active:
            # front matter is not read yet: pages that opt out are dropped in on_page_content
            self.pages = list(nav.pages)
            # the course's words, as the worksheets plugin chose them in its on_config
            catalogue = getattr(config.plugins.get("worksheets"), "catalogue", None)
            self.catalogue = (
                catalogue if isinstance(catalogue, Catalogue) else load_catalogue(_language(config))
            )
            if self.config.answers:
                self.answers = self._read_answers(config)
            self._warn_unreachable(nav, files)
        return None

    def _read_answers(self, config: MkDocsConfig) -> dict[str, Any]:
        """The ``answers`` file, read through the course's answers contract."""
        worksheets = self._worksheets(config)
        namespace = str(getattr(config.plugins.get("worksheets"), "namespace", "coursebook"))
        contract = build_contract(worksheets.values(), namespace, month_names(_language(config)))
        path = self.root / str(self.config.answers)
        reading = read_answers_file(path, contract, str(self.config.answers))
        if reading.answers is None:
            assert reading.error is not None
            raise PluginError(f"workbook: {render(reading.error, self.catalogue)}")
        for notice in reading.notices:
            log.warning(f"workbook: answers: {render(notice, self.catalogue)}")
        return reading.answers

    def _warn_unreachable(self, nav: Navigation, files: Files) -> None:
        """A worksheet on a page that is not in ``nav`` never reaches the PDFs: say so."""
        in_nav = {p.file.src_uri for p in nav.pages}
        for file in files.documentation_pages():
            if file.src_uri in in_nav:
                continue
            try:
                refs = find_references(file.content_string)
            except (OSError, UnicodeDecodeError):
                continue  # the worksheets plugin reports unreadable pages
            for ref in refs:
                log.warning(
                    f"workbook: worksheet '{ref.worksheet_id}' is on {file.src_uri}, which is "
                    "not in nav, so it is in neither PDF (add the page to nav)"
                )

    def _in_book(self, page: Page) -> bool:
        if page.meta.get("pdf") is False:
            return False
        return not any(fnmatch.fnmatch(page.file.src_uri, g) for g in self.config.exclude)

    # late, so the page HTML is final (other plugins have changed it) when we take our copy
    @event_priority(-50)
    def on_page_content(
        self, html: str, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        if not self.active:
            return None
        self.seen.add(page.file.src_uri)
        if self._in_book(page):
            self.html[page.file.src_uri] = html
        if not self.config.download_links or not self.variants:
            return None
        return html + self._download_block(page)

    def _download_block(self, page: Page) -> str:
        t = self.catalogue
        labels = {"fillable": t("download.fillable"), "print": t("download.print")}
        links = " · ".join(
            f'<a href="{escape(get_relative_url(self._filename(v), page.url))}" download>'
            f"{escape(labels[v])}</a>"
            for v in self.variants
        )
        return (
            '\n<p class="cb-workbook-download">'
            f'<span class="cb-workbook-download__label">{escape(t("download.label"))}</span> '
            f"{links}</p>\n"
        )

    # every page is converted by now; MkDocs goes on to write them, and the PDFs are started
    # beside that work where they can be (a forked process), or built in on_post_build
    def on_env(self, env: Any, config: MkDocsConfig, files: Files) -> Any:
        if self.active:
            self._start(config)
        return None

    def _start(self, config: MkDocsConfig) -> None:
        self.underway = None
        started = time.perf_counter()
        unrendered = [
            p.file.src_uri
            for p in self.pages
            if p.file.src_uri not in self.seen and self._in_book(p)
        ]
        if unrendered:
            # a --dirty build renders only changed pages: a PDF made now would lack the others
            log.info(
                f"workbook: {len(unrendered)} pages were not rendered in this build "
                f"(e.g. {unrendered[0]}, a --dirty build); the PDFs are not rebuilt"
            )
            self._drop_preloaded()
            return
        chapters = tuple(
            Chapter(title=p.title or p.file.name, url=p.url, html=self.html[p.file.src_uri])
            for p in self.pages
            if p.file.src_uri in self.html
        )
        for page in self.pages:
            if page.file.src_uri not in self.html:
                for ref in find_references(page.file.content_string):
                    why = "pdf: false" if page.meta.get("pdf") is False else "exclude"
                    log.warning(
                        f"workbook: worksheet '{ref.worksheet_id}' is on {page.file.src_uri}, "
                        f"which is left out of the PDFs ({why})"
                    )
        book = self._book(config, chapters)
        cache = self.root / CACHE_DIR
        settings = {"markdown": markdown_settings(self.markdown_extensions, config.mdx_configs)}
        keys = fingerprints(book, self.variants, settings)
        paths = {v: cache / f"{v}-{keys[v]}.pdf" for v in self.variants}
        cached: dict[Variant, bytes] = {}
        self.said = set()
        for variant, path in paths.items():
            try:
                cached[variant] = path.read_bytes()
            except FileNotFoundError:
                continue
            log.info(f"workbook: {variant} PDF unchanged, reused from the cache")
            # what was wrong when it was made still is: say it again (--strict fails again)
            for line in _kept_warnings(path):
                self._warn(line)
        missing = [v for v in self.variants if v not in cached]
        pending = None
        if missing:
            log.info(
                f"workbook: building the {' and '.join(missing)} PDF from {len(chapters)} pages"
            )
            from coursebook.pdf import start_pdfs  # only on a cache miss: it loads a lot

            pending = start_pdfs(book, missing, self.preloaded)
            self.preloaded = None
        self._drop_preloaded()
        self.underway = _Underway(book, paths, cached, missing, pending, started)

    def _drop_preloaded(self) -> None:
        if self.preloaded is not None:
            self.preloaded.stop()
            self.preloaded = None

    def on_build_error(self, *, error: Exception) -> None:
        # the build stops: PDFs still being made would be for nothing
        if self.underway is not None and self.underway.pending is not None:
            self.underway.pending.stop()
        self.underway = None
        self._drop_preloaded()

    def on_post_build(self, config: MkDocsConfig) -> None:
        underway, self.underway = self.underway, None
        if underway is None:
            return  # not building PDFs, or a --dirty build (said in _start)
        self.book = underway.book
        pdfs = dict(underway.cached)
        if underway.missing:
            warnings: list[str] = []

            def warn(line: str) -> None:
                warnings.append(line)
                self._warn(line)

            if underway.pending is not None:
                made = underway.pending.result(log=self._info, warn=warn)
            else:
                from coursebook.pdf import build_pdfs

                made = build_pdfs(underway.book, underway.missing, log=self._info, warn=warn)
            pdfs.update(made)
            for variant in underway.missing:
                path = underway.paths[variant]
                _write_atomically(_warnings_path(path), _warnings_record(path, warnings))
                _write_atomically(path, pdfs[variant])
        self.pdfs = pdfs
        for variant, pdf in pdfs.items():
            _write_atomically(Path(config.site_dir) / self._filename(variant), pdf)
        self._prune(self.root / CACHE_DIR)
        log.info(f"workbook: done in {time.perf_counter() - underway.started:.1f} s")

    @staticmethod
    def _info(message: str) -> None:
        log.info(f"workbook: {message}")

    def _warn(self, message: str) -> None:
        if message not in self.said:  # a cached PDF's and a new one's may share a warning
            self.said.add(message)
            log.warning(f"workbook: {message}")

    @staticmethod
    def _prune(cache: Path) -> None:
        entries = []
        for path in cache.glob("*.pdf"):
            with contextlib.suppress(OSError):  # another build may be pruning too
                entries.append((path.stat().st_mtime, path))
        entries.sort(reverse=True)
        for _, old in entries[CACHE_KEEP:]:
            with contextlib.suppress(OSError):
                _warnings_path(old).unlink(missing_ok=True)
                old.unlink()

    def _book(self, config: MkDocsConfig, chapters: tuple[Chapter, ...]) -> Book:
        cover = self.config.cover
        branding = self.branding
        coach = branding.coach
        worksheets = self._worksheets(config)
        primary = branding.primary.hex if branding.primary else self._material_color(config)
        accent = branding.accent.hex if branding.accent else primary
        return Book(
            title=cover.title or config.site_name,
            subtitle=cover.subtitle or branding.subtitle or config.site_description,
            author=cover.author or (coach.name if coach else None) or config.site_author,
            date=cover.date or self.catalogue.month(_build_day()),
            language=_language(config),
            logo=self._logo(config, cover.logo or branding.logo),
            primary_color=primary,
            accent_color=accent,
            contact=Contact(coach.name, coach.email, coach.website) if coach else Contact(),
            client=self.config.client,
            course=str(getattr(config.plugins.get("worksheets"), "namespace", "")) or None,
            answers=self.shape if self.shape is not None else self.answers,
            paper_size=self.config.paper_size,
            font_family=self.config.font_family,
            chapters=chapters,
            worksheets=worksheets,
            # the sources, not the built site: a theme file MkDocs copied there has left its
            # symbolic link behind, and with it the only sign that it came from outside
            asset_dirs=(Path(config.docs_dir), *(Path(d) for d in config.theme.dirs)),
            remote_assets=self.config.remote_assets,
            site_url=_public_url(config.site_url),
            markdown=_LazyMarkdown(self.markdown_extensions, config.mdx_configs),
            t=self.catalogue,
        )

    @staticmethod
    def _worksheets(config: MkDocsConfig) -> dict[str, Worksheet]:
        plugin = config.plugins.get("worksheets")
        return dict(getattr(plugin, "worksheets", {}))

    def _logo(self, config: MkDocsConfig, logo: str | None) -> Path | None:
        if not logo:
            return None
        for folder in (Path(config.docs_dir), self.root):
            candidate = folder / logo
            if candidate.is_file() and inside(candidate, [folder]):
                return candidate.resolve()
            if candidate.is_file():
                log.warning(
                    f"workbook: cover logo '{logo}' is outside the course folder; "
                    "the cover has none (put the image in the docs folder)"
                )
                return None
        log.warning(f"workbook: cover logo '{logo}' not found in docs_dir or beside mkdocs.yml")
        return None

    @staticmethod
    def _material_color(config: MkDocsConfig) -> str:
        palette = config.theme.get("palette")
        first = palette[0] if isinstance(palette, list) and palette else palette
        name = first.get("primary") if isinstance(first, dict) else None
        return MATERIAL_COLORS.get(str(name), MATERIAL_COLORS["indigo"])


@dataclass
class _Underway:
    """A build's PDFs between on_env and on_post_build."""

    book: Book
    paths: dict[Variant, Path]
    """Where each variant's PDF is kept in the cache."""
    cached: dict[Variant, bytes]
    missing: list[Variant]
    pending: PdfsUnderWay | None
    """The missing ones being made in a forked process (None: made in on_post_build)."""
    started: float
    """When on_env took them up (``time.perf_counter``)."""


class _LazyMarkdown:
    """Worksheet text to HTML with the site's extensions, set up on first use: a warm build
    that reuses the cached PDFs never renders any."""

    def __init__(self, extensions: list[str], configs: dict[str, Any]) -> None:
        self.extensions = extensions
        self.configs = configs
        self.convert: Callable[[str], str] | None = None

    def __call__(self, text: str) -> str:
        if self.convert is None:
            self.convert = safe_markdown(self.extensions, self.configs)
        return self.convert(text)


KEPT_WARNINGS_BYTES = 1_000_000
"""The most read back of the warnings kept beside a cached PDF (more is not ours)."""


def _warnings_path(pdf: Path) -> Path:
    return pdf.with_suffix(".warnings.json")


def _warnings_record(pdf: Path, warnings: list[str]) -> bytes:
    """The warnings met making ``pdf``, to be said again whenever it is reused."""
    record = {"pdf": pdf.name, "warnings": warnings}
    return json.dumps(record, ensure_ascii=False).encode("utf-8")


def _kept_warnings(pdf: Path) -> list[str]:
    """The warnings kept beside a cached PDF: none if the file is absent, too big, damaged
    or for another PDF; each made one safe line (the cache folder may come from elsewhere)."""
    try:
        with _warnings_path(pdf).open("rb") as file:
            data = file.read(KEPT_WARNINGS_BYTES + 1)
        record = json.loads(data) if len(data) <= KEPT_WARNINGS_BYTES else None
    except (OSError, ValueError):
        return []
    if not isinstance(record, dict) or record.get("pdf") != pdf.name:
        return []
    lines = record.get("warnings")
    if not isinstance(lines, list):
        return []
    return [display(line, 500) for line in lines if isinstance(line, str)]


def _write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` so that a concurrent build never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex}.part")
    try:
        # "xb" creates the file with the usual permissions (mkstemp's would be owner-only)
        with partial.open("xb") as file:
            file.write(data)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def _public_url(site_url: str | None) -> str | None:
    """The site's address for links in the PDF, unless it only works on this computer."""
    if not site_url:
        return None
    host = urlsplit(site_url).hostname or ""
    # a PDF is handed on; a link to a local preview server, or to a placeholder address
    # (example.org and the other names reserved for examples), would go nowhere
    if is_local_host(host) or host.split(".")[-1] in ("example", "invalid", "test"):
        return None
    if host.rsplit(".", 2)[-2:-1] == ["example"]:
        return None
    return site_url


def is_local_host(host: str) -> bool:
    """An address only this computer can reach."""
    return host in ("localhost", "::1", "0.0.0.0") or host.startswith("127.")


def _build_day() -> date:
    """The day of the build; ``SOURCE_DATE_EPOCH`` makes it reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = (
        datetime.fromtimestamp(int(epoch), timezone.utc)
        if epoch and epoch.isdigit()
        else datetime.now(timezone.utc)
    )
    return moment.date()


def _language(config: MkDocsConfig) -> str:
    """The course's language tag, as Material (``language``) or MkDocs (``locale``) take it."""
    return str(config.theme.get("language") or config.theme.get("locale") or "en")
