"""Markdown text from a worksheet in, HTML with raw HTML escaped and nothing that runs script out."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import markdown
from markdown.extensions import Extension

from coursebook.html.sanitise import clean_text
from coursebook.keyed import stable


class NoRawHtml(Extension):  # type: ignore[misc]
    """Escape raw HTML instead of passing it through: worksheet text is data, not markup."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        for name in ("html_block",):
            if name in md.preprocessors:
                md.preprocessors.deregister(name)
        if "html" in md.inlinePatterns:
            md.inlinePatterns.deregister("html")


def safe_markdown(
    extensions: Sequence[str | Extension] = (),
    extension_configs: Mapping[str, Mapping[str, Any]] | None = None,
) -> Callable[[str], str]:
    """A Markdown-to-HTML function using ``extensions``, with raw HTML turned off.

    What the extensions make is then sanitised by allowlist (``clean_text``): ``attr_list``
    can add any attribute, and entities can hide a ``javascript:`` URL from a pattern.
    """

    @functools.cache  # set up on first use: a warm build may convert nothing
    def made() -> markdown.Markdown:
        return markdown.Markdown(
            extensions=[*extensions, NoRawHtml()],
            extension_configs=dict(extension_configs or {}),
        )

    def convert(text: str) -> str:
        md = made()
        md.reset()
        return clean_text(md.convert(text))

    return convert


def markdown_settings(
    extensions: Sequence[str | Extension], configs: Mapping[str, Mapping[str, Any]]
) -> Any:
    """The Markdown set-up, for a cache key: extensions by name (an extension object by its
    class and its settings) and their configs, in a form that is the same every run."""
    named: list[object] = []
    for extension in extensions:
        if isinstance(extension, str):
            named.append(extension)
        else:
            kind = type(extension)
            named.append([f"{kind.__module__}.{kind.__qualname__}", extension.getConfigs()])
    return stable([named, dict(configs)])
