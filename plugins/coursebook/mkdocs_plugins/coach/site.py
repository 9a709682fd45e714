"""MkDocs config + worksheets in, the coach features wired into the build out.

Called by the ``worksheets`` plugin so that every coursebook site gets them: branding
(validated ``extra.coursebook``, colours as CSS variables, logo, footer line), the
``/// coach`` contact box and the ``/// answers-review`` page block.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib.resources import files as package_files
from pathlib import Path
from typing import Any

from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation

from coursebook.branding import Branding, BrandingError, load_branding, logo_file, site_css
from coursebook.html.coach import CoachBlockExtension, footer_html, made_with_html
from coursebook.html.review import AnswersReviewExtension
from coursebook.i18n import Catalogue, load_catalogue
from coursebook.model import Worksheet
from coursebook.ordering import course_order

BRANDING_CSS = "assets/coursebook/branding.css"


class CoachSite:
    """The coach features of one build; the worksheets plugin forwards its events here."""

    def __init__(self) -> None:
        self.branding = Branding(title="")
        self.worksheets: Mapping[str, Worksheet] = {}
        self.ordered: list[Worksheet] = []
        self.t = load_catalogue("en")

    def on_config(
        self,
        config: MkDocsConfig,
        worksheets: Mapping[str, Worksheet],
        namespace: str,
        t: Catalogue,
        hold: Callable[[str], str],
        markdown: Callable[[str], str],
    ) -> None:
        """``namespace`` is the course's storage namespace, which exported answers carry;
        ``markdown`` renders the worksheets' coach notes (sanitised)."""
        self.t = t
        source = Path(config.config_file_path or "mkdocs.yml").name
        try:
            self.branding = load_branding(config.site_name, config.extra, source)
            logo = logo_file(self.branding, Path(config.docs_dir), source)
        except BrandingError as exc:
            raise PluginError(str(exc)) from None
        self.worksheets = worksheets
        self.ordered = list(worksheets.values())
        if logo is not None and not config.theme.get("logo"):
            config.theme["logo"] = self.branding.logo
        if self.branding.has_colors:
            config.extra_css.append(BRANDING_CSS)
        # after Material's own templates lose to a course's custom_dir, ours come next
        theme_dir = str(package_files("coursebook.mkdocs_plugins.coach").joinpath("theme"))
        position = 1 if config.theme.custom_dir else 0
        if theme_dir not in config.theme.dirs:
            config.theme.dirs.insert(position, theme_dir)
        config.markdown_extensions.append(CoachBlockExtension(self.branding, t, hold))
        config.markdown_extensions.append(
            AnswersReviewExtension(namespace, lambda: self.ordered, t, hold, markdown)
        )

    def on_files(self, files: Files, config: MkDocsConfig) -> None:
        if self.branding.has_colors:
            files.append(File.generated(config, BRANDING_CSS, content=site_css(self.branding)))

    def on_nav(self, nav: Navigation) -> None:
        # pages are converted after the nav is known, so the review block sees this order
        texts = []
        for page in nav.pages:
            try:
                texts.append(page.file.content_string)
            except (OSError, UnicodeDecodeError):
                continue
        self.ordered = course_order(self.worksheets, texts)

    def theme_color(self, config: MkDocsConfig) -> str:
        """The course's main colour: its branding's, else the Material palette's."""
        from coursebook.mkdocs_plugins.workbook.plugin import MATERIAL_COLORS

        if self.branding.primary is not None:
            return self.branding.primary.hex
        palette = config.theme.get("palette")
        first = palette[0] if isinstance(palette, list) and palette else palette
        name = first.get("primary") if isinstance(first, dict) else None
        return MATERIAL_COLORS.get(str(name), MATERIAL_COLORS["indigo"])

    def on_env(self, env: Any) -> None:
        env.globals["coursebook_footer"] = Markup(footer_html(self.branding, self.t))
        env.globals["coursebook_made_with"] = made_with_html(self.t)
