"""Rendered forms kept between builds (html/kept.py) and the search digest they carry
(html/search_text.py): the digest gives Material's indexer the same entries as the form,
and only an entry this user's own build wrote, unchanged, is ever used."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from coursebook.html import kept as kept_module
from coursebook.html import markdown_settings
from coursebook.html.kept import KeptForms, KeptPages
from coursebook.html.sanitise import clean_page, dropped_addresses
from coursebook.html.search_text import search_digest
from coursebook.html.slots import Slots
from coursebook.i18n import load_catalogue
from coursebook.model import load_worksheet
from material.plugins.search.plugin import Parser

from tests.test_render import RENDER, render

CASES = sorted(p.stem for p in RENDER.glob("*.yml"))


def entries(markup: str) -> list[tuple[object, ...]]:
    """What Material's search indexer makes of ``markup``: each indexed section."""
    parser = Parser()
    parser.feed(markup)
    parser.close()
    return [(s.id, "".join(s.title), "".join(s.text)) for s in parser.data if not s.is_excluded()]


def on_a_page(form: str) -> str:
    return f'<h1 id="top">Top</h1>\n<p>Before</p>\n{form}\n<h2 id="after">After</h2>\n<p>x</p>'


@pytest.mark.parametrize("case", CASES)
def test_the_digest_of_a_form_indexes_the_same(case: str) -> None:
    form = render(case)
    digest = search_digest(form)
    assert entries(on_a_page(digest)) == entries(on_a_page(form))
    assert len(digest) < len(form) / 3
    # none of what the indexer skips is left for it to parse
    for gone in ("<input", "<template", "<dialog", "<button", "aria-", "data-"):
        assert gone not in digest


@pytest.mark.parametrize(
    "markup",
    [
        # a heading deep inside plain wrappers, text split around unwrapped elements
        '<div class="a"><section><div><h3 id="q">Q <em>one</em></h3></div>'
        "<span>a</span>\n  <b>b</b> c<label>d</label>\n\n</section> tail</div>",
        # white space inside preformatted text is kept piece by piece
        '<div><pre><code><span class="k">def</span>  <span>f</span>\n\n  x</code></pre></div>',
        # an excluded subtree, a script, a stray end tag, entities
        "<div data-search-exclude><p>no</p><div>nor <b>this</b></div></div>"
        "<script>var a = '<p>';</script></span><p>&lt;b&gt; &amp; &quot;q&quot;</p>",
        # a permalink in a heading; a heading without an id starts no section
        '<h2 id="p">Title<a class="headerlink" href="#p">¶</a></h2><div><h4>Sub</h4><p>Body</p></div>',
    ],
)
def test_the_digest_keeps_what_the_indexer_reads(markup: str) -> None:
    assert entries(on_a_page(search_digest(markup))) == entries(on_a_page(markup))


def test_a_heading_inside_an_excluded_element_makes_no_empty_entry() -> None:
    """Material makes an entry with no title or text for it; the digest leaves it out."""
    markup = '<div data-search-exclude><h2 id="hidden">Hidden</h2><p>no</p></div><p>yes</p>'
    whole = entries(on_a_page(markup))
    assert ("hidden", "", "") in whole
    assert entries(on_a_page(search_digest(markup))) == [e for e in whole if e[0] != "hidden"]


def forms(tmp_path: Path, language: str = "en") -> KeptForms:
    setup = markdown_settings(["admonition", "toc"], {"toc": {"permalink": True}})
    return KeptForms(tmp_path / "forms", load_catalogue(language), setup)


def test_a_form_is_rendered_once_then_kept(tmp_path: Path) -> None:
    worksheet = load_worksheet(RENDER / "every-field.yml")
    made: list[int] = []

    def make() -> str:
        made.append(1)
        return render("every-field")

    first = forms(tmp_path).form(worksheet, make)
    again = forms(tmp_path).form(worksheet, make)  # a later build
    assert made == [1] and again == first
    assert first.search == search_digest(first.html)
    # another language, or another worksheet, is another entry
    forms(tmp_path, "fr").form(worksheet, make)
    other = load_worksheet(RENDER / "xss.yml")
    forms(tmp_path).form(other, lambda: render("xss"))
    assert made == [1, 1]
    assert len(list((tmp_path / "forms").glob("*.json"))) == 3


def test_coach_notes_are_rendered_once_then_kept(tmp_path: Path) -> None:
    made: list[str] = []

    def render_text(text: str) -> str:
        made.append(text)
        return f"<p>{text}</p>"

    assert forms(tmp_path).text("Ask *why*.", render_text) == "<p>Ask *why*.</p>"
    assert forms(tmp_path).text("Ask *why*.", render_text) == "<p>Ask *why*.</p>"
    assert forms(tmp_path).text("Ask how.", render_text) == "<p>Ask how.</p>"
    assert made == ["Ask *why*.", "Ask how."]
    # a text that reads like a form's worksheet is still its own entry
    worksheet = load_worksheet(RENDER / "xss.yml")
    forms(tmp_path).form(worksheet, lambda: render("xss"))
    assert forms(tmp_path).text(repr(worksheet), render_text) == f"<p>{worksheet!r}</p>"


def test_an_entry_not_sealed_by_this_user_is_rendered_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    worksheet = load_worksheet(RENDER / "every-field.yml")
    real = render("every-field")
    forms(tmp_path).form(worksheet, lambda: real)
    (entry,) = (tmp_path / "forms").glob("*.json")
    kept = json.loads(entry.read_text())

    def used(stored: object) -> str:
        entry.write_text(json.dumps(stored) if not isinstance(stored, str) else stored)
        return forms(tmp_path).form(worksheet, lambda: real).html

    def changed(**fields: object) -> dict[str, object]:
        return {**kept, "fields": {**kept["fields"], **fields}}

    # contents changed under the same seal: the form goes into a page unsanitised
    forged = real.replace("</form>", "<script>alert(1)</script></form>")
    assert used(changed(html=forged)) == real
    # damaged, wrong types, fields of another kind, or a seal for other contents
    assert used("{not json") == real
    assert used(changed(html=5)) == real
    assert used({**kept, "fields": [real]}) == real
    assert used({**kept, "fields": {"html": real}}) == real
    assert used({**kept, "seal": "0" * 64}) == real
    # too big to be ours: not even read
    monkeypatch.setattr(kept_module, "MAX_ENTRY_BYTES", 10)
    entry.write_text(json.dumps(changed(html=forged)))
    assert forms(tmp_path).form(worksheet, lambda: real).html == real
    monkeypatch.undo()
    # an entry someone else sealed (another secret) is not used
    monkeypatch.setattr("coursebook.keyed.local_secret", lambda: b"someone else")
    outsider = forms(tmp_path)
    outsider.form(worksheet, lambda: forged)
    monkeypatch.undo()
    assert forms(tmp_path).form(worksheet, lambda: real).html == real


def test_an_unwritable_cache_only_costs_time(tmp_path: Path) -> None:
    (tmp_path / "forms").write_text("a file where the folder would be")
    worksheet = load_worksheet(RENDER / "xss.yml")
    assert forms(tmp_path).form(worksheet, lambda: render("xss")).html == render("xss")


def test_pruning_keeps_this_build_and_the_newest_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kept_module, "KEEP_SPARE", 1)
    worksheet = load_worksheet(RENDER / "xss.yml")
    for language in ("de", "fr", "es"):
        forms(tmp_path, language).form(worksheet, lambda: render("xss"))
    build = forms(tmp_path, "en")
    build.form(worksheet, lambda: render("xss"))
    build.prune()
    assert len(list((tmp_path / "forms").glob("*.json"))) == 2  # en, and one spare
    assert build.form(worksheet, lambda: pytest.fail("rendered again")).html


SECRET = "5eC2e7"
PAGE = (
    '<h1 id="t">T</h1><p><a href="javascript:alert(1)">run</a> <a href="/ok/">ok</a></p>'
    '<img src="file:///etc/passwd" alt="x"><script>alert(2)</script>'
)


def test_a_page_is_sanitised_once_then_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = (clean_page(PAGE), dropped_addresses(PAGE))
    assert expected[1] and "javascript:" not in expected[0]
    assert KeptPages(tmp_path / "pages").clean(PAGE, SECRET) == expected
    monkeypatch.setattr(kept_module, "clean_page", lambda html: pytest.fail("cleaned again"))
    assert KeptPages(tmp_path / "pages").clean(PAGE, SECRET) == expected
    monkeypatch.undo()
    # a changed page is another entry
    other = PAGE.replace("run", "go")
    assert KeptPages(tmp_path / "pages").clean(other, SECRET)[0] == clean_page(other)
    assert len(list((tmp_path / "pages").glob("*.json"))) == 2


def test_a_page_entry_changed_under_its_seal_is_sanitised_again(tmp_path: Path) -> None:
    KeptPages(tmp_path / "pages").clean(PAGE, SECRET)
    entry = next((tmp_path / "pages").glob("*.json"))
    kept = json.loads(entry.read_text())
    for fields in (
        {**kept["fields"], "html": PAGE},  # the page as it was before sanitising
        {**kept["fields"], "dropped": "[]"},  # the warnings hidden
        {"html": kept["fields"]["html"]},  # a form text's fields
    ):
        entry.write_text(json.dumps({**kept, "fields": fields}))
        assert KeptPages(tmp_path / "pages").clean(PAGE, SECRET) == (
            clean_page(PAGE),
            dropped_addresses(PAGE),
        )


def test_a_page_holding_forms_is_kept_whatever_the_build_s_slot_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Placeholders name a secret new every build; the entry is kept without it."""

    def build() -> str:
        slots = Slots()
        page = f"<p>Before</p>{slots.hold('<form>F</form>')}<p>after</p>"
        html, _ = KeptPages(tmp_path / "pages").clean(page, slots.secret)
        return slots.fill(html)

    first = build()
    assert first == "<p>Before</p><form>F</form><p>after</p>"
    monkeypatch.setattr(kept_module, "clean_page", lambda html: pytest.fail("cleaned again"))
    assert build() == first
    (entry,) = (tmp_path / "pages").glob("*.json")
    assert KeptPages.NEUTRAL in entry.read_text()


@pytest.mark.parametrize(
    "forged",
    [
        f'<div data-cb-slot="{KeptPages.NEUTRAL}:0"></div>',
        # an entity spells it only once parsed: the sanitised page would hold it
        '<div data-cb-slot="&#99;b-kept-slot:0"></div>',
        "<div data-cb-slot='cb-kept-slot:0'></div>",
    ],
)
def test_a_page_spelling_the_neutral_slot_name_is_not_kept(tmp_path: Path, forged: str) -> None:
    """Kept, it could pass for a page with placeholders when the entry is used."""
    for _ in range(2):  # a build, then a build that could use what the first kept
        slots = Slots()
        slots.hold("<form>F</form>")
        html, _ = KeptPages(tmp_path / "pages").clean(f"<p>x</p>{forged}", slots.secret)
        assert "<form>" not in slots.fill(html)
    assert list((tmp_path / "pages").glob("*.json")) == []


def test_a_page_spelling_the_neutral_slot_name_never_reads_a_kept_one(tmp_path: Path) -> None:
    """Written out, it would give the same entry name as a page with a real placeholder."""
    slots = Slots()
    real = f"<p>x</p>{slots.hold('<form>F</form>')}"
    KeptPages(tmp_path / "pages").clean(real, slots.secret)
    forged = real.replace(slots.secret, KeptPages.NEUTRAL)
    later = Slots()
    later.hold("<form>F</form>")
    html, _ = KeptPages(tmp_path / "pages").clean(forged, later.secret)
    assert "<form>" not in later.fill(html)
