"""MkDocs events in, core calls out: load worksheets, check pages, render blocks, ship the runtime."""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import defaultdict
from importlib.resources import files as package_files
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from coursebook.html import (
    WorkbookBlockExtension,
    WorksheetBlockExtension,
    close_theme_gaps,
    markdown_settings,
    render_workbook,
    render_worksheet,
    safe_markdown,
)
from coursebook.html.compiled import KeptTemplates, keep_compiled
from coursebook.html.course import course_data, to_script_json
from coursebook.html.kept import KeptForms, KeptPages
from coursebook.html.offline import (
    manifest,
    offline_files,
    retired_worker,
    service_worker,
    version_of,
)
from coursebook.html.only import PDF_ONLY, OnlyBlocksExtension, drop_pdf_only
from coursebook.html.sanitise import clean_meta, plain, shown_address
from coursebook.html.slots import Slots
from coursebook.i18n import Catalogue, CatalogueError, load_catalogue
from coursebook.mkdocs_plugins.coach.site import CoachSite
from coursebook.mkdocs_plugins.workbook.plugin import is_local_host
from coursebook.mkdocs_plugins.worksheets.config import WorksheetsConfig
from coursebook.model import (
    Worksheet,
    WorksheetErrors,
    check_references,
    drop_repeated_blocks,
    find_references,
    repeated_references,
)
from coursebook.model.loader import load_worksheets
from coursebook.model.snippets import escaping_snippets
from coursebook.pdf.fetch import inside
from coursebook.project import MAX_PAGE_BYTES, ProjectError, read_text

log = get_plugin_logger(__name__)

ASSET_DIR = "assets/coursebook"
SCHEMA_URI = "schema/worksheet.schema.json"
ANSWERS_SCHEMA_URI = "schema/answers.schema.json"
CONTRACT_URI = "schema/answers-contract.json"
MANIFEST_URI = "manifest.webmanifest"


def storage_namespace(site_name: str) -> str:
    """A stable storage prefix from the site name: 'My Course!' -> 'my-course'."""
    return re.sub(r"[^a-z0-9]+", "-", site_name.lower()).strip("-") or "coursebook"


class WorksheetsPlugin(BasePlugin[WorksheetsConfig]):
    def __init__(self) -> None:
        self.worksheets: dict[str, Worksheet] = {}
        self.used_on: dict[str, list[str]] = defaultdict(list)
        self.page_urls: dict[str, str] = {}
        self.displayed: dict[str, str] = {}  # a file's path as errors show it, this build
        self.worksheets_dir = Path("worksheets")
        self.root = Path(".")
        self.cache = self.root / ".cache"  # this plugin's own, set by on_config
        self.snippet_bases: list[Path] = []
        self.runtime_files: list[str] = []
        self.current_url = ""  # the page being converted, for links from `/// workbook`
        self.order: list[str] = []  # worksheet ids in reading order
        self.catalogue = load_catalogue("en")
        self.namespace = "coursebook"
        self.coach = CoachSite()
        self.slots = Slots()
        self.forms: KeptForms | None = None  # this build's rendered forms, from on_config on
        self.pages = KeptPages(None)  # this build's sanitised pages, kept from on_config on
        self.templates: KeptTemplates | None = None  # the theme's compiled templates, from on_env
        self.digests: dict[str, str] = {}  # a form's HTML -> its search digest
        self.indexed = False  # Material's search plugin reads the pages
        self.whole: dict[str, str] = {}  # a page's content while the indexer reads its digest
        self.command = "build"

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        host = urlsplit(config.site_url or "").hostname or ""
        if host and is_local_host(host) and self.command != "serve":
            # instant navigation only works on the site_url's origin: a published site
            # with a local address would fall back to full page loads, and its sitemap lie
            log.warning(
                f"site_url is a local address ({config.site_url}); set it to the address the "
                "course will be published at"
            )
        self.root = Path(config.config_file_path or ".").resolve().parent
        self.worksheets_dir = self.root / self.config.worksheets_dir
        cache = self.cache = self.root / ".cache" / "plugin" / "worksheets"
        try:
            self.worksheets = load_worksheets(self.worksheets_dir, self.root, cache)
        except WorksheetErrors as exc:
            raise PluginError(str(exc)) from None
        self.used_on.clear()
        self.page_urls.clear()
        self.displayed.clear()
        self._confine_snippets(config)
        self.catalogue = self._catalogue(config)
        t = self.catalogue
        toc = config.mdx_configs.get("toc")
        if "toc" in config.markdown_extensions and isinstance(toc, dict) and toc.get("permalink"):
            # the heading links' tooltip, in English unless the course says otherwise
            toc.setdefault("permalink_title", t("theme.permalink"))
        # worksheet text is rendered with the site's own Markdown set-up (minus raw HTML)
        markdown = safe_markdown(list(config.markdown_extensions), config.mdx_configs)
        setup = markdown_settings(list(config.markdown_extensions), config.mdx_configs)
        forms = self.forms = KeptForms(cache / "forms", t, setup)
        self.pages = KeptPages(cache / "pages")
        self.digests.clear()
        self.slots = Slots()
        self.indexed = any(
            type(p).__module__.startswith("material.plugins.search")
            for p in config.plugins.values()
        )

        def form(worksheet: Worksheet) -> str:
            kept = forms.form(worksheet, lambda: render_worksheet(worksheet, markdown, t))
            self.digests[kept.html] = kept.search
            return kept.html

        def hold(html: str) -> str:
            return self.slots.hold(html, self.digests.get(html) if self.indexed else None)

        config.markdown_extensions.append(WorksheetBlockExtension(self.worksheets, form, hold))
        config.markdown_extensions.append(WorkbookBlockExtension(self._workbook, hold))
        config.markdown_extensions.append(OnlyBlocksExtension())
        runtime = package_files("coursebook.runtime")
        self.runtime_files = sorted(
            p.name for p in runtime.iterdir() if p.name.endswith((".js", ".css"))
        )
        for name in self.runtime_files:
            target = config.extra_css if name.endswith(".css") else config.extra_javascript
            target.append(f"{ASSET_DIR}/{name}")
        # branding, the coach box and the review page (raises PluginError on bad branding)
        self.namespace = self.config.storage_namespace or storage_namespace(config.site_name)
        self.coach.on_config(
            config,
            self.worksheets,
            self.namespace,
            t,
            hold,
            lambda text: forms.text(text, markdown),
        )
        return config

    def _confine_snippets(self, config: MkDocsConfig) -> None:
        """``pymdownx.snippets`` pastes files into pages, so into the site and the PDFs: its
        base paths must lie inside the course folder and stay restricted to themselves,
        whatever a borrowed ``mkdocs.yml`` says (a file outside the course could be a key)."""
        self.snippet_bases = []
        if "pymdownx.snippets" not in config.markdown_extensions:
            return
        options = config.mdx_configs.setdefault("pymdownx.snippets", {})
        where = f"{Path(config.config_file_path or 'mkdocs.yml').name}: pymdownx.snippets"

        def paths(key: str, default: list[str]) -> list[str]:
            value = options.get(key, default)
            value = [value] if isinstance(value, str) else value
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise PluginError(f"{where}: {key} must be a path or a list of paths")
            return value

        if options.get("restrict_base_path") is False:
            raise PluginError(
                f"{where}: restrict_base_path: false would let pages paste in any file of "
                "this computer; remove it"
            )
        for base in paths("base_path", ["."]):
            # relative to the working directory, as pymdownx reads them; links followed
            resolved = Path(base).resolve()
            if not resolved.is_relative_to(self.root.resolve()):
                raise PluginError(
                    f"{where}: base_path '{base}' is {resolved}, outside the course folder; "
                    "snippets can only come from the course's own files (build from the "
                    "course folder, and keep base_path inside it)"
                )
            self.snippet_bases.append(resolved)
        appended = [*paths("auto_append", []), *paths("auto_prepend", [])]
        lines = "".join(f'--8<-- "{name}"\n' for name in appended)
        escapes = escaping_snippets(lines, self.snippet_bases, self.root)
        if escapes:
            raise PluginError(
                f"{where}: auto_append '{escapes[0].path}' leads to a file outside the course "
                f"({escapes[0].target}); copy the file into the course"
            )

    def _catalogue(self, config: MkDocsConfig) -> Catalogue:
        """The course's messages: its ``theme.language`` and its ``messages:`` overrides."""
        source = Path(config.config_file_path or "mkdocs.yml").name
        language = config.theme.get("language") or config.theme.get("locale") or "en"
        try:
            catalogue = load_catalogue(
                str(language), self.config.messages, source=source, base=self.root
            )
        except CatalogueError as exc:
            raise PluginError(str(exc)) from None
        where = f"{source}: worksheets: messages"
        if catalogue.unknown:
            log.warning(
                f"{where}: unknown message id(s) {', '.join(catalogue.unknown)} "
                "(the ids are those of coursebook/i18n/messages/en.json)"
            )
        if catalogue.missing:
            shipped = catalogue.catalogue
            why = (
                f"coursebook has no messages in '{language}'"
                if shipped is None
                else f"the '{shipped}' messages lack them"
            )
            log.warning(
                f"{where}: {len(catalogue.missing)} message(s) shown in English because "
                f"{why}; give them under worksheets: messages: ({', '.join(catalogue.missing)})"
            )
        return catalogue

    def on_files(self, files: Files, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled:
            return None
        self._check_sources(files, config)
        runtime = package_files("coursebook.runtime")
        for name in self.runtime_files:
            files.append(
                File.generated(
                    config, f"{ASSET_DIR}/{name}", content=runtime.joinpath(name).read_bytes()
                )
            )
        # page-specific scripts: shipped, but loaded by coursebook.js only where needed
        for script in runtime.joinpath("lazy").iterdir():
            if script.name.endswith(".js"):
                content = script.read_bytes()
                files.append(
                    File.generated(config, f"{ASSET_DIR}/lazy/{script.name}", content=content)
                )
        if self._offline:
            for size in (192, 512):
                icon = package_files("coursebook.runtime").joinpath("icons", f"icon-{size}.png")
                files.append(
                    File.generated(
                        config, f"{ASSET_DIR}/icon-{size}.png", content=icon.read_bytes()
                    )
                )
            app = manifest(
                config.site_name,
                self.catalogue.language,
                self.catalogue.direction,
                self.coach.theme_color(config),
                [
                    {"src": f"{ASSET_DIR}/icon-{n}.png", "sizes": f"{n}x{n}", "type": "image/png"}
                    for n in (192, 512)
                ],
            )
            text = json.dumps(app, ensure_ascii=False, indent=2)
            files.append(File.generated(config, MANIFEST_URI, content=text.encode()))
        schema = package_files("coursebook.model").joinpath("worksheet.schema.json").read_bytes()
        files.append(File.generated(config, SCHEMA_URI, content=schema))
        answers = package_files("coursebook.answers").joinpath("answers.schema.json").read_bytes()
        files.append(File.generated(config, ANSWERS_SCHEMA_URI, content=answers))
        self.coach.on_files(files, config)
        return files

    def on_nav(self, nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation | None:
        if self.config.enabled:
            self._locate(nav, files)
            self.coach.on_nav(nav)
        return None

    def on_page_markdown(
        self, markdown: str, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        if not self.config.enabled:
            return None
        self.current_url = page.url
        if not self.config.trust_page_html:
            page.meta = clean_meta(page.meta)
        source = page.file.content_string  # whole file, so line numbers count the front matter
        display = self._display(page.file.abs_src_path)
        errors = check_references(display, source, self.worksheets)
        if errors:
            raise PluginError("\n".join(str(e) for e in errors))
        escapes = escaping_snippets(source, self.snippet_bases, self.root)
        if escapes:
            raise PluginError(
                "\n".join(
                    f"{display}:{e.line}: snippet '{e.path}' leads to a file outside the "
                    "course; it would be pasted into the site and the PDFs (copy the file "
                    "into the course instead)"
                    for e in escapes
                )
            )
        repeated = repeated_references(find_references(source))
        for first, count in repeated:
            log.warning(
                f"{display}:{first.line}: worksheet '{first.worksheet_id}' is placed {count} "
                "times on this page; its form is shown at the first block only"
            )
        return drop_repeated_blocks(markdown) if repeated else None

    # late, so other plugins' changes are sanitised too, but before the workbook plugin (-50)
    # takes its copy for the PDF, which must get the same clean page and the forms
    @event_priority(-40)
    def _clean_page(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if not self.config.enabled:
            return None
        if not self.config.trust_page_html:
            where = self._display(page.file.abs_src_path)
            html, dropped = self.pages.clean(html, self.slots.secret)
            for element, address in dropped:
                log.warning(
                    f"{where}: {element} '{shown_address(address)}' is not a web, mail or "
                    "relative address; it is taken out of the site and the PDFs"
                )
            # the title MkDocs took from the first heading is printed unescaped by the theme
            taken = getattr(page, "_title_from_render", None)
            if isinstance(taken, str):
                page._title_from_render = plain(taken)
        return self.slots.fill(html, page.file.src_uri)

    # after the workbook plugin (-50) has taken its copy of the page for the PDF
    @event_priority(-100)
    def _drop_pdf_only(
        self, html: str, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        if not self.config.enabled or PDF_ONLY not in html:
            return None
        return drop_pdf_only(html)

    on_page_content = CombinedEvent(_clean_page, _drop_pdf_only)

    # Material's search (priority 0) parses each page; our forms are mostly controls it
    # reads nothing from, so it is given their digests, and the forms come back after
    @event_priority(50)
    def _digests_in(self, context: Any, *, page: Page, config: MkDocsConfig, nav: Any) -> None:
        if self.config.enabled and self.indexed:
            key = page.file.src_uri
            self.whole[key] = page.content or ""
            page.content = self.slots.for_search(page.content or "", key)

    @event_priority(-50)
    def _forms_back(self, context: Any, *, page: Page, config: MkDocsConfig, nav: Any) -> None:
        whole = self.whole.pop(page.file.src_uri, None)
        if whole is not None:
            back = self.slots.after_search(page.content or "", page.file.src_uri)
            page.content = whole if back is None else back

    on_page_context = CombinedEvent(_digests_in, _forms_back)

    def on_env(self, env: Any, config: MkDocsConfig, files: Files) -> Any:
        if not self.config.enabled:
            return None
        self.coach.on_env(env)
        self.templates = keep_compiled(env, self.cache / "templates")
        # every page is converted by now, and static files are copied after this event
        self._ship_course_data(config, files)
        # recoverable author mistakes are warnings, so `mkdocs build --strict` fails on them
        for worksheet in self.worksheets.values():
            pages = self.used_on.get(worksheet.id, [])
            if not pages:
                log.warning(
                    f"{worksheet.source}: worksheet '{worksheet.id}' is not used on any page"
                )
            elif len(pages) > 1:
                log.warning(
                    f"{worksheet.source}: worksheet '{worksheet.id}' is used more than once "
                    f"({', '.join(pages)}); answers would be shared between the copies"
                )
        return None

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str | None:
        if not self.config.enabled:
            return None
        if self._offline:
            link = get_relative_url(MANIFEST_URI, page.url)
            output = output.replace("</head>", f'<link rel="manifest" href="{link}">\n</head>', 1)
        return close_theme_gaps(output, self.catalogue("theme.search"))

    @property
    def _offline(self) -> bool:
        """Offline use is on, and this is a build to publish (not `mkdocs serve`)."""
        return bool(self.config.offline) and self.command != "serve"

    # last, so the pages, assets and search index of every plugin are there to be listed
    @event_priority(-100)
    def on_post_build(self, config: MkDocsConfig) -> None:
        if not self.config.enabled:
            return
        if self.forms is not None:
            self.forms.prune()
        self.pages.prune()
        if self.templates is not None:
            self.templates.prune()
        if self.command == "serve":
            return
        site = Path(config.site_dir)
        if self.config.offline:
            urls = offline_files(site)
            worker = service_worker(self.namespace, version_of(site, urls), urls)
        else:
            worker = retired_worker(self.namespace)
        (site / "sw.js").write_text(worker, encoding="utf-8")

    def on_post_template(
        self, output_content: str, template_name: str, config: MkDocsConfig
    ) -> str | None:
        # 404.html is a theme template, not a page: it gets the same markup fixes
        if not self.config.enabled or not template_name.endswith(".html"):
            return None
        return close_theme_gaps(output_content, self.catalogue("theme.search"))

    def on_serve(self, server: Any, config: MkDocsConfig, builder: Any) -> Any:
        if self.config.enabled:
            server.watch(str(self.worksheets_dir))
        return server

    def _locate(self, nav: Navigation, files: Files) -> None:
        # every page's worksheets are known before any page is converted, so the
        # `/// workbook` list can link to pages that come after it, and usage is
        # counted over all pages even when `--dirty` converts only a few of them
        pages = [p.file for p in nav.pages]
        pages += [f for f in files.documentation_pages() if f not in pages]
        self.used_on.clear()
        for file in pages:
            for ref in find_references(file.content_string):
                where = self._display(file.abs_src_path)
                if where not in self.used_on[ref.worksheet_id]:  # repeats: on_page_markdown
                    self.used_on[ref.worksheet_id].append(where)
                if ref.worksheet_id in self.worksheets:
                    self.page_urls.setdefault(ref.worksheet_id, file.url)
        self.order = list(self.page_urls) + sorted(set(self.worksheets) - set(self.page_urls))

    def _check_sources(self, files: Files, config: MkDocsConfig) -> None:
        """Files that would leak or break the build, stopped here with one line each.

        A link in the docs folder to a file elsewhere (a content pack can hold one) would be
        copied into the site and the PDFs: it is left out, with a warning. A page that is
        not UTF-8 would end MkDocs in a traceback: the build stops, naming it.
        """
        docs = Path(os.path.abspath(config.docs_dir))
        # the installed theme lives elsewhere by design; the docs folder and the course's
        # own theme folder (custom_dir) are the author's, and a link out of them is not
        custom = config.theme.custom_dir
        own = [docs, *([Path(os.path.abspath(custom))] if custom else [])]
        for file in list(files):
            source = file.abs_src_path
            home = next((d for d in own if source and Path(source).is_relative_to(d)), None)
            if file.generated_by or source is None or home is None:
                continue
            if not inside(Path(source), [home]):
                files.remove(file)
                log.warning(
                    f"{self._display(source)} is a link to a file outside the "
                    f"{'docs' if home == docs else 'theme'} folder; "
                    "it is left out of the site and the PDFs"
                )
                continue
            if file.is_documentation_page():
                try:
                    read_text(Path(source), "page", MAX_PAGE_BYTES, self._display(source))
                except ProjectError as exc:
                    raise PluginError(str(exc)) from None

    def _ship_course_data(self, config: MkDocsConfig, files: Files) -> None:
        """Write what the runtime needs on every page into one script, named by its hash.

        One cached file rather than JSON in each page: the messages and worksheet details
        are the same everywhere, and a new build gets a new name, so no browser mixes a new
        page with old data.
        """
        coach = self.coach.branding.coach
        data = course_data(
            self.namespace,
            config.site_name,
            self.catalogue,
            [self.worksheets[i] for i in self.order],
            self.page_urls,
        )
        if coach is not None and coach.email:
            data["coach"] = {"name": coach.name or "", "email": coach.email}
        data["offline"] = self._offline
        text = f"self.coursebookCourse={to_script_json(data)};\n".encode()
        # the same contract, for people and tools: what each field accepts, how answers migrate
        contract = json.dumps(data["contract"], ensure_ascii=False, indent=2) + "\n"
        files.append(File.generated(config, CONTRACT_URI, content=contract.encode()))
        name = f"{ASSET_DIR}/course-{hashlib.sha256(text).hexdigest()[:12]}.js"
        files.append(File.generated(config, name, content=text))
        runtime = f"{ASSET_DIR}/coursebook.js"
        scripts = [str(s) for s in config.extra_javascript]
        position = scripts.index(runtime) if runtime in scripts else len(scripts)
        config.extra_javascript.insert(position, name)

    def _workbook(self) -> str:
        links = {
            ws_id: f"{get_relative_url(url, self.current_url)}#cb-{ws_id}"
            for ws_id, url in self.page_urls.items()
        }
        coach = self.coach.branding.coach
        return render_workbook(
            (self.worksheets[i] for i in self.order),
            links,
            self.catalogue,
            coach.email if coach else None,
        )

    def _display(self, path: str | None) -> str:
        if path is None:
            return "?"
        # asked three times per page (placing, checking, converting), and resolving is not free
        shown = self.displayed.get(path)
        if shown is None:
            try:
                shown = Path(path).resolve().relative_to(self.root).as_posix()
            except ValueError:
                shown = Path(path).as_posix()
            self.displayed[path] = shown
        return shown
