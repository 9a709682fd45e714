"""MkDocs events in, core calls out: load worksheets, check pages, render blocks, ship the runtime."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from importlib.resources import files as package_files
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from coursebook.html import (
    MESSAGES,
    WorkbookBlockExtension,
    WorksheetBlockExtension,
    close_theme_gaps,
    render_workbook,
    render_worksheet,
    runtime_messages,
    safe_markdown,
)
from coursebook.html.only import PDF_ONLY, OnlyBlocksExtension, drop_pdf_only
from coursebook.mkdocs_plugins.coach.site import CoachSite
from coursebook.mkdocs_plugins.worksheets.config import WorksheetsConfig
from coursebook.model import Worksheet, WorksheetErrors, check_references, find_references
from coursebook.model.loader import load_worksheets

log = get_plugin_logger(__name__)

ASSET_DIR = "assets/coursebook"
SCHEMA_URI = "schema/worksheet.schema.json"
ANSWERS_SCHEMA_URI = "schema/answers.schema.json"


def storage_namespace(site_name: str) -> str:
    """A stable storage prefix from the site name: 'My Course!' -> 'my-course'."""
    return re.sub(r"[^a-z0-9]+", "-", site_name.lower()).strip("-") or "coursebook"


class WorksheetsPlugin(BasePlugin[WorksheetsConfig]):
    def __init__(self) -> None:
        self.worksheets: dict[str, Worksheet] = {}
        self.used_on: dict[str, list[str]] = defaultdict(list)
        self.page_urls: dict[str, str] = {}
        self.worksheets_dir = Path("worksheets")
        self.root = Path(".")
        self.runtime_files: list[str] = []
        self.current_url = ""  # the page being converted, for links from `/// workbook`
        self.order: list[str] = []  # worksheet ids in reading order
        self.messages: dict[str, str] = {}
        self.coach = CoachSite()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        self.root = Path(config.config_file_path or ".").resolve().parent
        self.worksheets_dir = self.root / self.config.worksheets_dir
        try:
            cache = self.root / ".cache" / "plugin" / "worksheets"
            self.worksheets = load_worksheets(self.worksheets_dir, self.root, cache)
        except WorksheetErrors as exc:
            raise PluginError(str(exc)) from None
        self.used_on.clear()
        self.page_urls.clear()
        # worksheet text is rendered with the site's own Markdown set-up (minus raw HTML)
        markdown = safe_markdown(list(config.markdown_extensions), config.mdx_configs)
        config.markdown_extensions.append(
            WorksheetBlockExtension(self.worksheets, lambda ws: render_worksheet(ws, markdown))
        )
        config.markdown_extensions.append(WorkbookBlockExtension(self._workbook))
        config.markdown_extensions.append(OnlyBlocksExtension())
        runtime = package_files("coursebook.runtime")
        self.runtime_files = sorted(
            p.name for p in runtime.iterdir() if p.name.endswith((".js", ".css"))
        )
        for name in self.runtime_files:
            target = config.extra_css if name.endswith(".css") else config.extra_javascript
            target.append(f"{ASSET_DIR}/{name}")
        # branding, the coach box and the review page (raises PluginError on bad branding)
        namespace = self.config.storage_namespace or storage_namespace(config.site_name)
        self.coach.on_config(config, self.worksheets, namespace)
        wording = {str(k): str(v) for k, v in self.config.messages.items()}
        try:
            self.messages = runtime_messages(wording)
        except KeyError as exc:
            log.warning(f"{config.config_file_path}: worksheets: messages: {exc.args[0]}")
            self.messages = runtime_messages({k: v for k, v in wording.items() if k in MESSAGES})
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled:
            return None
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
        source = page.file.content_string  # whole file, so line numbers count the front matter
        display = self._display(page.file.abs_src_path)
        errors = check_references(display, source, self.worksheets)
        if errors:
            raise PluginError("\n".join(str(e) for e in errors))
        return None

    # after the workbook plugin (-50) has taken its copy of the page for the PDF
    @event_priority(-100)
    def on_page_content(
        self, html: str, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        if not self.config.enabled or PDF_ONLY not in html:
            return None
        return drop_pdf_only(html)

    def on_env(self, env: Any, config: MkDocsConfig, files: Files) -> Any:
        if not self.config.enabled:
            return None
        self.coach.on_env(env)
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
        settings = {
            "namespace": self.config.storage_namespace or storage_namespace(config.site_name),
            "course": config.site_name,
            "base": get_relative_url(".", page.url),
            "worksheets": {
                ws.id: {
                    "title": ws.title,
                    "version": ws.version,
                    "url": self.page_urls.get(ws.id),
                    # for progress and renamed-field migration on pages without the form
                    "fields": [f.id for f in ws.fields],
                    "renamed": {old: f.id for f in ws.fields for old in f.renamed_from},
                }
                for ws in self.worksheets.values()
            },
            "messages": self.messages,
        }
        # "</" inside JSON would close the script element early
        data = json.dumps(settings, ensure_ascii=False).replace("</", "<\\/")
        tag = f'<script type="application/json" id="coursebook-config">{data}</script>\n'
        return close_theme_gaps(output.replace("</body>", tag + "</body>", 1))

    def on_post_template(
        self, output_content: str, template_name: str, config: MkDocsConfig
    ) -> str | None:
        # 404.html is a theme template, not a page: it gets the same markup fixes
        if not self.config.enabled or not template_name.endswith(".html"):
            return None
        return close_theme_gaps(output_content)

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
                self.used_on[ref.worksheet_id].append(self._display(file.abs_src_path))
                if ref.worksheet_id in self.worksheets:
                    self.page_urls.setdefault(ref.worksheet_id, file.url)
        self.order = list(self.page_urls) + sorted(set(self.worksheets) - set(self.page_urls))

    def _workbook(self) -> str:
        links = {
            ws_id: f"{get_relative_url(url, self.current_url)}#cb-{ws_id}"
            for ws_id, url in self.page_urls.items()
        }
        return render_workbook((self.worksheets[i] for i in self.order), links)

    def _display(self, path: str | None) -> str:
        if path is None:
            return "?"
        try:
            return Path(path).resolve().relative_to(self.root).as_posix()
        except ValueError:
            return Path(path).as_posix()
