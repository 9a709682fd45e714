"""Theme templates compiled once and kept between builds (html/compiled.py): a later
environment loads them instead of compiling, and only an entry this user's own build wrote,
unchanged, is ever run."""

from __future__ import annotations

import marshal
import os
import pickle
from pathlib import Path
from typing import Any

import pytest
from coursebook.html import compiled as compiled_module
from coursebook.html.compiled import KeptTemplates, keep_compiled
from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, bccache


class Counting(Environment):
    """A Jinja environment that notes each template it compiles."""

    def __init__(self, folder: Path, **settings: Any) -> None:
        super().__init__(loader=FileSystemLoader(folder), autoescape=True, **settings)
        self.compiled: list[str | None] = []

    def compile(self, source: Any, name: Any = None, *args: Any, **kwargs: Any) -> Any:
        self.compiled.append(name)
        return super().compile(source, name, *args, **kwargs)


@pytest.fixture
def theme(tmp_path: Path) -> Path:
    folder = tmp_path / "theme"
    folder.mkdir()
    (folder / "base.html").write_text(
        "<title>{% block title %}{{ site }}{% endblock %}</title>{% block body %}{% endblock %}"
    )
    (folder / "page.html").write_text(
        '{% extends "base.html" %}{% block body %}<p>{{ text }}</p>{% endblock %}'
    )
    return folder


def render(theme: Path, cache: Path, **settings: Any) -> tuple[str, list[str | None]]:
    """A fresh environment (as each MkDocs build makes), rendering page.html once."""
    env = Counting(theme, **settings)
    assert keep_compiled(env, cache) is not None
    html = env.get_template("page.html").render(site="S", text="<b>")
    return html, env.compiled


def entries(cache: Path) -> list[Path]:
    return sorted(cache.glob("*.jinja"))


def test_a_template_is_compiled_once_then_kept(theme: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first, compiled = render(theme, cache)
    assert first == "<title>S</title><p>&lt;b&gt;</p>"
    assert sorted(compiled) == ["base.html", "page.html"]
    assert len(entries(cache)) == 2
    again, compiled = render(theme, cache)
    assert (again, compiled) == (first, [])
    # an edited template is compiled again, the other still loaded
    (theme / "page.html").write_text(
        '{% extends "base.html" %}{% block body %}{{ text }}!{% endblock %}'
    )
    edited, compiled = render(theme, cache)
    assert (edited, compiled) == ("<title>S</title>&lt;b&gt;!", ["page.html"])
    # other compile-time settings are other entries
    _, compiled = render(theme, cache, trim_blocks=True)
    assert sorted(compiled) == ["base.html", "page.html"]
    assert len(entries(cache)) == 4


def evil_entry(entry: Path, checksum: str) -> bytes:
    """``entry``'s seal ahead of a Jinja bucket whose code, when run, leaves a file behind."""
    flag = entry.parent / "ran"
    code = compile(f"open({str(flag)!r}, 'w').close()\nblocks = {{}}\n", "evil", "exec")
    seal = entry.read_bytes()[:64]
    return seal + bccache.bc_magic + pickle.dumps(checksum, 2) + marshal.dumps(code)


def test_an_entry_not_sealed_by_this_user_is_not_run(
    theme: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    real, _ = render(theme, cache)
    checksum = bccache.BytecodeCache().get_source_checksum((theme / "page.html").read_text())
    page = next(p for p in entries(cache) if b"page.html" in p.read_bytes())

    def used(data: bytes) -> list[str | None]:
        page.write_bytes(data)
        html, compiled = render(theme, cache)
        assert html == real
        assert not (cache / "ran").exists()
        return compiled

    # other code under the same seal
    assert used(evil_entry(page, checksum)) == ["page.html"]
    # no seal, a damaged one, or a seal that is not text
    assert used(evil_entry(page, checksum)[64:]) == ["page.html"]
    assert used(b"0" * 64 + evil_entry(page, checksum)[64:]) == ["page.html"]
    assert used(b"\xff" * 64 + evil_entry(page, checksum)[64:]) == ["page.html"]
    # a sealed entry copied under another template's name
    base = next(p for p in entries(cache) if p != page)
    assert used(base.read_bytes()) == ["page.html"]
    # too big to be ours: not even read
    monkeypatch.setattr(compiled_module, "MAX_ENTRY_BYTES", 10)
    assert "page.html" in used(evil_entry(page, checksum))
    monkeypatch.undo()
    # an entry sealed under someone else's secret: the entries' names differ too, so
    # theirs is copied over ours
    monkeypatch.setattr("coursebook.keyed.local_secret", lambda: b"someone else")
    outsider = tmp_path / "outsider"
    render(theme, outsider)
    monkeypatch.undo()
    theirs = next(p for p in entries(outsider) if b"page.html" in p.read_bytes())
    assert theirs.name != page.name
    assert used(theirs.read_bytes()) == ["page.html"]


def test_an_unwritable_cache_only_costs_time(theme: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.write_text("a file where the folder would be")
    assert render(theme, cache)[0] == render(theme, cache)[0] == "<title>S</title><p>&lt;b&gt;</p>"
    assert render(theme, cache)[1] != []


def test_a_cache_set_by_someone_else_is_left_alone(theme: Path, tmp_path: Path) -> None:
    env = Environment(loader=FileSystemLoader(theme))
    theirs = env.bytecode_cache = FileSystemBytecodeCache(str(tmp_path))
    assert keep_compiled(env, tmp_path / "cache") is None
    assert env.bytecode_cache is theirs


def test_pruning_keeps_this_build_and_the_newest_others(
    theme: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    render(theme, cache)
    kept = set(entries(cache))
    cache.mkdir(exist_ok=True)
    for n in range(5):
        old = cache / f"{n:064x}.jinja"
        old.write_bytes(b"x")
        os.utime(old, (1_000 + n, 1_000 + n))
    monkeypatch.setattr(compiled_module, "KEEP_SPARE", 2)
    env = Counting(theme)
    kept_templates = keep_compiled(env, cache)
    assert isinstance(kept_templates, KeptTemplates)
    env.get_template("page.html").render()
    kept_templates.prune()
    newest = {cache / f"{n:064x}.jinja" for n in (3, 4)}
    assert set(entries(cache)) == kept | newest
