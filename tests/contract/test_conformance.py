"""One answers contract: every reader gives every file the same verdict, words and values.

The cases (``cases.py``) run through the Python reader (what ``answers show``, ``pdf
--answers`` and ``extract`` use), the browser's reader in Chromium, the site's import and
review page, and the CLI; hypothesis adds generated documents to the Python/browser check.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from coursebook.answers import build_contract, read_answers, render
from coursebook.answers.contract import month_names, parse_answers_bytes
from coursebook.i18n import load_catalogue
from coursebook.model import load_worksheets
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from playwright.sync_api import Page, expect

from tests.coach.conftest import cli
from tests.conftest import FIXTURES, mkdocs_build, serve
from tests.contract.cases import CASES, Case

COURSE = FIXTURES / "contract"
WORKSHEETS = load_worksheets(COURSE / "worksheets")
CONTRACT = build_contract(
    [WORKSHEETS["profile"], WORKSHEETS["plan"]], "contract-course", month_names("en")
)
T = load_catalogue("en")


def python_reads(content: bytes, name: str = "answers.json") -> dict[str, Any]:
    """What the Python reader makes of a file: its verdict in words, answers and notices."""
    data, problem = parse_answers_bytes(content, name)
    if problem is not None:
        return {"error": render(problem, T), "answers": None, "notices": []}
    reading = read_answers(data, CONTRACT, name)
    return {
        "error": render(reading.error, T) if reading.error else None,
        "answers": reading.answers,
        "notices": [render(n, T) for n in reading.notices],
        "ids": [n.id for n in reading.notices],
        "refused": reading.error.id if reading.error else None,
    }


@pytest.fixture(scope="module")
def contract_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = tmp_path_factory.mktemp("contract-site")
    build = mkdocs_build(COURSE / "mkdocs.yml", site)
    assert build.returncode == 0, build.log
    yield from serve(site)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_the_python_reader(case: Case) -> None:
    read = python_reads(case.content)
    if case.refused:
        assert read["error"] and read["error"].startswith("answers.json: "), read
        _, problem = parse_answers_bytes(case.content, "answers.json")
        refused = problem.id if problem else read["refused"]
        assert refused == case.refused
        return
    assert read["error"] is None, read["error"]
    for worksheet_id, values in case.values.items():
        assert read["answers"]["worksheets"][worksheet_id]["values"] == values
    assert tuple(read["ids"]) == case.notices


def test_the_published_contract_is_the_one_python_reads_with(contract_site: str) -> None:
    from urllib.request import urlopen

    with urlopen(contract_site + "schema/answers-contract.json") as response:
        published = json.load(response)
    assert published == json.loads(json.dumps(CONTRACT))


BROWSER_READ = """async ([files, contract]) => {
  await window.coursebook.need("answers.js");
  const A = window.coursebookAnswers, say = window.coursebook.say, out = [];
  for (const [name, b64] of files) {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const [data, bad] = A.parse(bytes, name, contract.limits);
    const r = bad ? { error: bad, answers: null, notices: [] } : A.read(data, contract, name);
    out.push({
      error: r.error ? A.render(r.error, say) : null,
      answers: r.answers,
      notices: r.notices.map((n) => A.render(n, say)),
    });
  }
  return out;
}"""


def browser_reads(page: Page, files: list[tuple[str, bytes]]) -> list[dict[str, Any]]:
    encoded = [[name, base64.b64encode(content).decode()] for name, content in files]
    result: list[dict[str, Any]] = page.evaluate(
        BROWSER_READ, [encoded, page.evaluate("coursebookCourse.contract")]
    )
    return result


def test_the_browser_reader_agrees_on_every_case(page: Page, contract_site: str) -> None:
    page.goto(contract_site)
    # the site's own contract is the one the Python side builds from the worksheets
    assert page.evaluate("coursebookCourse.contract") == json.loads(json.dumps(CONTRACT))
    browser = browser_reads(page, [(f"{c.name}.json", c.content) for c in CASES])
    for case, seen in zip(CASES, browser, strict=True):
        expected = python_reads(case.content, f"{case.name}.json")
        assert seen["error"] == expected["error"], case.name
        assert seen["notices"] == expected["notices"], case.name
        assert seen["answers"] == expected["answers"], case.name


# any JSON the reader may meet, weighted towards answers-like shapes
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**60), 2**60),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.sampled_from(["yes", "Curious", "In a hurry", "2026-01-30", "03/04/2026", "4", " 7 "]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
FIELD_NAMES = st.sampled_from(
    ["name", "story", "industries", "sources", "stance", "confidence", "deadline", "log",
     "full-name", "who", "mood", "Bad", "__proto__", "confidence@v2", "12"]
)  # fmt: skip
DOCS = st.builds(
    lambda worksheets, top: {"format": "coursebook-answers", **top, "worksheets": worksheets},
    st.dictionaries(
        st.sampled_from(["profile", "plan", "retired", "constructor", "X"]),
        st.fixed_dictionaries(
            {"values": st.dictionaries(FIELD_NAMES, VALUES, max_size=5)},
            optional={"version": st.sampled_from([1, 2, 3, 4, 0, "3", None])},
        ),
        max_size=3,
    ),
    st.fixed_dictionaries({"version": st.sampled_from([1, 1, 1, 2, "1"])}),
)


@settings(
    max_examples=1,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)
@given(batch=st.lists(DOCS, min_size=150, max_size=150))
def test_generated_documents_get_the_same_verdict(
    page: Page, contract_site: str, batch: list[Any]
) -> None:
    page.goto(contract_site)
    files = [(f"g{n}.json", json.dumps(d).encode()) for n, d in enumerate(batch)]
    for (name, content), seen in zip(files, browser_reads(page, files), strict=True):
        expected = python_reads(content, name)
        assert (seen["error"], seen["notices"]) == (expected["error"], expected["notices"]), content
        assert seen["answers"] == expected["answers"], content


@settings(max_examples=200, deadline=None)
@given(document=DOCS)
def test_the_python_reader_never_raises(document: Any) -> None:
    read = python_reads(json.dumps(document).encode())
    assert (read["error"] is None) != (read["answers"] is None)


SITE_CASES = [c for c in CASES if c.name in (
    "a scale out of range", "a newer worksheet", "a newer format", "not UTF-8",
    "a prototype name as a worksheet", "a client that is a number",
)]  # fmt: skip


def test_the_site_import_and_review_page_refuse_with_the_same_words(
    page: Page, contract_site: str, tmp_path: Path
) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(contract_site)
    form = page.locator("form[data-worksheet='profile']")
    form.get_by_label("Your name").fill("Mine")
    alert = form.locator("[data-alert]")
    for case in SITE_CASES:
        path = tmp_path / f"{case.name}.json"
        path.write_bytes(case.content)
        form.locator("[data-import-file]").set_input_files(str(path))
        words = python_reads(case.content, path.name)["error"]
        expect(alert).to_have_text(f"Nothing was imported. {words}")
        expect(page.get_by_role("dialog")).to_have_count(0)
        expect(form.locator("[data-status]")).not_to_contain_text("Imported")
    expect(form.get_by_label("Your name")).to_have_value("Mine")
    assert errors == []


def test_the_cli_refuses_with_the_same_words(tmp_path: Path) -> None:
    for case in [c for c in CASES if c.refused]:
        path = tmp_path / f"{case.name}.json"
        path.write_bytes(case.content)
        result = cli("answers", "show", str(path), "-f", str(COURSE / "mkdocs.yml"))
        assert result.exit_code == 1, case.name
        assert result.stderr.splitlines() == [python_reads(case.content, str(path))["error"]]


def test_the_cli_shows_renamed_and_normalised_answers_in_their_fields(tmp_path: Path) -> None:
    path = tmp_path / "old.json"
    path.write_bytes(
        json.dumps(
            {
                "format": "coursebook-answers",
                "version": 1,
                "worksheets": {
                    "profile": {"version": 1, "values": {"who": "Sam", "deadline": "30/01/2026"}}
                },
            }
        ).encode()
    )
    result = cli("answers", "show", str(path), "-f", str(COURSE / "mkdocs.yml"))
    assert result.exit_code == 0, result.output
    assert "**Your name**\n\nSam" in result.stdout
    assert "**Deadline**\n\n2026-01-30" in result.stdout
    assert result.stderr.splitlines() == [
        f"warning: {path}: worksheet “profile”, field “deadline”: “30/01/2026” read as “2026-01-30”"
    ]
