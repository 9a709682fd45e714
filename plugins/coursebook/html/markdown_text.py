"""Markdown text from a worksheet in, HTML with any raw HTML escaped out."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

_UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:")


class DropUnsafeUrls(Treeprocessor):  # type: ignore[misc]
    """Remove ``javascript:``-style links and sources, which HTML escaping cannot catch."""

    def run(self, root: Any) -> None:
        for element in root.iter():
            for attribute in ("href", "src"):
                value = element.get(attribute)
                if value is not None and "".join(value.split()).lower().startswith(_UNSAFE_SCHEMES):
                    del element.attrib[attribute]


class NoRawHtml(Extension):  # type: ignore[misc]
    """Escape raw HTML instead of passing it through: worksheet text is data, not markup."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        for name in ("html_block",):
            if name in md.preprocessors:
                md.preprocessors.deregister(name)
        if "html" in md.inlinePatterns:
            md.inlinePatterns.deregister("html")
        md.treeprocessors.register(DropUnsafeUrls(md), "coursebook_drop_unsafe_urls", 0)


def safe_markdown(
    extensions: Sequence[str | Extension] = (),
    extension_configs: Mapping[str, Mapping[str, Any]] | None = None,
) -> Callable[[str], str]:
    """A Markdown-to-HTML function using ``extensions``, with raw HTML turned off."""
    md = markdown.Markdown(
        extensions=[*extensions, NoRawHtml()],
        extension_configs=dict(extension_configs or {}),
    )

    def convert(text: str) -> str:
        md.reset()
        html: str = md.convert(text)
        return html

    return convert
