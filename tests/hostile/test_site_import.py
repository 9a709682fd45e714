"""Category 7: the site's import and review page with hostile answers files.

One page of the hostile course (``import/``) holds a worksheet form, the whole-course
import of My workbook and the review page's file picker. Each refused file goes through
all three: the words must be the answers contract's (the Python reader's, naming the file
and the place), no import dialog may open, nothing in localStorage may change, no page
error, no property may appear on ``Object.prototype``. Files the contract accepts but
whose names are prototype names must work like any other afterwards (export, clear,
review), without a page error and without anything hidden.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from coursebook.answers import read_answers, render
from coursebook.answers.contract import parse_answers_bytes
from coursebook.i18n import load_catalogue
from playwright.sync_api import Page, expect

from tests.hostile import sitecourse
from tests.hostile.browser import Tab, storage
from tests.hostile.sitecourse import NAMESPACE

BACKGROUND_RANK = 10
BACKGROUND = sitecourse.background_jobs

FORM = "form[data-worksheet='target']"
WORKBOOK = "[data-workbook]"
T = load_catalogue("en")
PROTOTYPE = "() => [Object.getOwnPropertyNames(Object.prototype).sort().join(), ({}).worksheets, ({}).polluted]"


def doc(worksheets: Any, **top: Any) -> dict[str, Any]:
    return {
        "format": "coursebook-answers",
        "version": 1,
        "course": NAMESPACE,
        **top,
        "worksheets": worksheets,
    }


def enc(data: Any) -> bytes:
    return json.dumps(data).encode("utf-8")


def target(values: Any, version: Any = 2, **entry: Any) -> bytes:
    return enc(doc({"target": {"version": version, "values": values, **entry}}))


def raw_target(values_json: str, extra: str = "") -> bytes:
    """A file written by hand, for what ``json.dumps`` cannot say (``__proto__`` keys, 1e300)."""
    return (
        '{"format": "coursebook-answers", "version": 1, "worksheets": '
        f'{{"target": {{"version": 2{extra}, "values": {values_json}}}}}}}'
    ).encode()


@dataclass(frozen=True)
class Hostile:
    name: str
    content: bytes
    file: str = "client-answers.json"


REFUSED = [
    Hostile("worksheet id toString", enc(doc({"toString": {"values": {"a": "b"}}}))),
    Hostile("worksheet id hasOwnProperty", enc(doc({"hasOwnProperty": {"values": {}}}))),
    Hostile(
        "__proto__ holding the whole file",
        b'{"__proto__": {"format": "coursebook-answers", "version": 1, "worksheets": {}}}',
    ),
    Hostile("__proto__ as a table column", raw_target('{"log": [{"__proto__": {"who": "x"}}]}')),
    Hostile("constructor as a table column", target({"log": [{"constructor": "x"}]})),
    Hostile(
        "__proto__ in the field times", raw_target('{"name": "x"}', ', "times": {"__proto__": 5}')
    ),
    Hostile("course is a list", enc(doc({}, course=["x"]))),
    Hostile("client is an object", enc(doc({}, client={"name": "Sam"}))),
    Hostile("exported is a number", enc(doc({}, exported=1_700_000_000))),
    Hostile(
        "format version 1e300",
        b'{"format": "coursebook-answers", "version": 1e300, "worksheets": {}}',
    ),
    Hostile(
        "format version 2.0", b'{"format": "coursebook-answers", "version": 2.0, "worksheets": {}}'
    ),
    Hostile("worksheet version 99", target({"name": "x"}, version=99)),
    Hostile(
        "worksheet version 1e300",
        b'{"format": "coursebook-answers", "version": 1, "worksheets": '
        b'{"target": {"version": 1e300, "values": {}}}}',
    ),
    Hostile("worksheet version as text", target({"name": "x"}, version="2")),
    Hostile("values is a list", enc(doc({"target": {"values": ["a"]}}))),
    Hostile("worksheet entry is a list", enc(doc({"target": [{"values": {}}]}))),
    Hostile("worksheets is text", enc(doc("target"))),
    Hostile("scale of 1e308", raw_target('{"score": 1e308}')),
    Hostile("scale as a 30-digit integer", raw_target('{"score": 123456789012345678901234567890}')),
    Hostile("a list where text goes", target({"name": ["a", "b"]})),
    Hostile("an object where a list goes", target({"items": {"0": "a"}})),
    Hostile("nested 100,000 deep", b"[" * 100_000 + b"]" * 100_000),
    Hostile("UTF-16 with a byte order mark", json.dumps(doc({})).encode("utf-16")),
    Hostile("11 MB of answers", enc(doc({})).replace(b"{", b"{" + b" " * 11_000_000, 1)),
    Hostile("600 worksheets", enc(doc({f"w{i}": {"values": {}} for i in range(600)}))),
    Hostile("a file name with markup", b"{", file="<img src=x onerror=window.__pwned=1>.json"),
]


def contract_words(page: Page, case: Hostile) -> str:
    """What the answers contract says of the file, in the Python reader's words."""
    contract = page.evaluate("coursebookCourse.contract")
    data, problem = parse_answers_bytes(case.content, case.file)
    if problem is None:
        reading = read_answers(data, contract, case.file)
        problem = reading.error
    assert problem is not None, f"the contract accepts {case.name}"
    return render(problem, T)


@pytest.fixture(scope="module")
def import_page(tab: Tab, hostile_url: str) -> Iterator[Page]:
    """The import page, with one answer of the learner's own already saved."""
    tab.open(f"{hostile_url}import/")
    form = tab.page.locator(FORM)
    form.get_by_label("Your name").fill("Mine")
    form.get_by_label("Your name").blur()
    tab.page.wait_for_function(
        f"(localStorage.getItem('{NAMESPACE}:target') || '').includes('Mine')"
    )
    yield tab.page


def choose(page: Page, selector: str, case: Hostile, folder: Path) -> None:
    """Pick the case's file in the file input at ``selector`` (a path: large files go faster)."""
    path = folder / case.file.replace("/", "_")
    if not path.exists():
        path.write_bytes(case.content)
    page.locator(selector).set_input_files(str(path))


@pytest.mark.parametrize("case", REFUSED, ids=[c.name for c in REFUSED])
def test_a_hostile_file_is_refused_everywhere_and_changes_nothing(
    tab: Tab, import_page: Page, case: Hostile, tmp_path: Path
) -> None:
    page = import_page
    visit = tab.visit
    visit.errors.clear()
    words = contract_words(page, case)
    assert case.file[:20] in words  # the message names the file
    before = storage(page)
    prototype = page.evaluate(PROTOTYPE)

    choose(page, f"{FORM} [data-import-file]", case, tmp_path)
    expect(page.locator(f"{FORM} [data-alert]")).to_have_text(f"Nothing was imported. {words}")
    choose(page, f"{WORKBOOK} [data-import-file]", case, tmp_path)
    expect(page.locator(f"{WORKBOOK} [data-alert]")).to_have_text(f"Nothing was imported. {words}")
    choose(page, "#cb-review-file", case, tmp_path)
    expect(page.locator("[data-review-alert]")).to_have_text(words)
    expect(page.locator("[data-review-output]")).to_be_empty()

    assert page.locator("dialog[open]").count() == 0
    assert storage(page) == before
    assert page.evaluate(PROTOTYPE) == prototype
    assert page.evaluate("window.__pwned") is None
    assert visit.errors == []
    assert visit.outside == []


CONSTRUCTOR = doc(
    {
        "constructor": {"version": 1, "values": {"note": "kept for later"}},
        "target": {
            "version": 2,
            "values": {"name": "From the file", "constructor": "an old answer"},
        },
    },
    client="Sam",
)


def test_a_worksheet_named_constructor_can_be_exported_and_cleared_after_a_reload(
    tab: Tab, hostile_url: str, tmp_path: Path
) -> None:
    """The contract keeps answers of worksheets the course lacks; ``constructor`` is one."""
    page = tab.page
    tab.open(f"{hostile_url}workbook/")
    choose(page, f"{WORKBOOK} [data-import-file]", Hostile("x", enc(CONSTRUCTOR)), tmp_path)
    page.locator("dialog[open]").get_by_role("button", name="Merge").click()
    expect(page.locator(f"{WORKBOOK} [data-status]")).to_contain_text("Imported")
    assert f"{NAMESPACE}:constructor" in storage(page)

    tab.open(f"{hostile_url}workbook/")  # a later visit
    with page.expect_download(timeout=3000) as download:
        page.locator(WORKBOOK).get_by_role("button", name="Export all answers").click()
    exported = json.loads(Path(download.value.path()).read_text("utf-8"))
    assert exported["worksheets"]["constructor"]["values"] == {"note": "kept for later"}
    page.locator(WORKBOOK).get_by_role("button", name="Clear all answers").click()
    page.locator("dialog[open]").get_by_role("button", name="Clear answers").click()
    expect(page.locator(f"{WORKBOOK} [data-status]")).to_have_text("Answers cleared")
    assert json.loads(storage(page)[f"{NAMESPACE}:target"])["fields"] == {}
    assert tab.visit.errors == []


def test_the_review_page_hides_no_answer_whose_name_is_a_prototype_name(
    tab: Tab, hostile_url: str, tmp_path: Path
) -> None:
    page = tab.page
    tab.open(f"{hostile_url}review/")
    choose(page, "#cb-review-file", Hostile("x", enc(CONSTRUCTOR), "sam.json"), tmp_path)
    out = page.locator("[data-review-output]")
    expect(out.locator("h2")).to_have_text("Sam")
    # the worksheet the course lacks is named, as the CLI's `answers show` lists it
    expect(out).to_contain_text("Not in this course (not shown): constructor", timeout=2000)
    # the answer of a field the worksheet no longer has is shown with the others kept
    expect(out).to_contain_text("an old answer", timeout=2000)
    assert tab.visit.errors == []
