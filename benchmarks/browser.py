"""The browser runtime: its gzipped size, and restore, export and import timed inside Debian's Chromium."""

from __future__ import annotations

import gzip
import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from course import ROOT
from generate import MARKDOWN_EXTENSIONS, wide_worksheet
from measure import median, mkdocs_build

RUNTIME = ROOT / "plugins" / "coursebook" / "runtime"
CHROMIUM = os.environ.get("COURSEBOOK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
STAMP = "2025-01-01T00:00:00.000Z"


def gzipped(data: bytes) -> int:
    """Size after ``gzip -9``."""
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def runtime_sizes() -> dict[str, tuple[int, int]]:
    """Every runtime JS and CSS file (sub-folders too): (raw bytes, gzip -9 bytes)."""
    out = {}
    for path in sorted(RUNTIME.rglob("*")):
        if path.suffix in (".js", ".css"):
            data = path.read_bytes()
            out[path.relative_to(RUNTIME).as_posix()] = (len(data), gzipped(data))
    return out


def loaded_by_page(page: Path) -> list[str]:
    """Runtime files a built page loads (scripts and stylesheets under ``assets/coursebook/``)."""
    html = page.read_text(encoding="utf-8")
    refs = re.findall(r"""(?:src|href)="([^"]*assets/coursebook/[^"?]+)""", html)
    return sorted({ref.rsplit("/", 1)[1] for ref in refs})


def answer_value(field: Any, i: int) -> Any:
    """A plausible answer for one field of the worksheet model."""
    kind = field.type
    if kind in ("text", "textarea"):
        return f"Answer {i} to {field.label}"[:200]
    if kind == "date":
        return f"2025-03-{1 + i % 28:02d}"
    if kind == "scale":
        return field.scale_min
    if kind == "choice":
        return field.options[0].value
    if kind == "checklist":
        return [o.value for o in field.options[:2]]
    if kind == "list":
        return [f"Entry {n} of {i}" for n in range(3)]
    if kind == "table":
        return [
            {c.id: (True if c.type == "checkbox" else f"Cell {r}") for c in field.columns}
            for r in range(3)
        ]
    return None


def course_answers(namespace: str) -> dict[str, Any]:
    """An answers file with every field of every worksheet of the default course filled in."""
    from coursebook.model.loader import load_worksheets

    worksheets = load_worksheets(ROOT / "worksheets", ROOT)
    return {
        "format": "coursebook-answers",
        "version": 1,
        "course": namespace,
        "exported": STAMP,
        "worksheets": {
            ws.id: {
                "version": ws.version,
                "updated": STAMP,
                "values": {f.id: answer_value(f, i) for i, f in enumerate(ws.fields)},
            }
            for ws in worksheets.values()
        },
    }


def stored(values: dict[str, Any], version: int) -> str:
    """The runtime's localStorage document for one worksheet."""
    fields = {k: {"value": v, "updated": STAMP} for k, v in values.items()}
    return json.dumps({"storage": 1, "version": version, "fields": fields})


def wide_site(work: Path, counts: tuple[int, ...]) -> tuple[Path, dict[int, dict[str, Any]]]:
    """A site with one page per field count, each holding one worksheet of that many fields."""
    root = work / "wide-course"
    (root / "docs").mkdir(parents=True, exist_ok=True)
    (root / "worksheets").mkdir(exist_ok=True)
    values: dict[int, dict[str, Any]] = {}
    (root / "docs" / "index.md").write_text("# Restore benchmark\n", encoding="utf-8")
    for n in counts:
        data, values[n] = wide_worksheet(f"wide-{n}", n)
        (root / "worksheets" / f"wide-{n}.yml").write_text(yaml.safe_dump(data), encoding="utf-8")
        page = f"# {n} fields\n\n/// worksheet | wide-{n}\n///\n"
        (root / "docs" / f"wide-{n}.md").write_text(page, encoding="utf-8")
    config = {
        "site_name": "Restore benchmark",
        "theme": {"name": "material", "font": False},
        "markdown_extensions": MARKDOWN_EXTENSIONS,
        "plugins": ["worksheets"],
    }
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    site = work / "wide-site"
    mkdocs_build(root / "mkdocs.yml", site)
    return site, values


@contextmanager
def served(directory: Path) -> Iterator[str]:
    """``directory`` over HTTP on 127.0.0.1 (a free port), as the tests serve sites."""
    import functools
    import http.server
    import threading

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


# Registered before any page script: keeps the first `coursebook:restored` event's detail.
LISTEN = """
document.addEventListener("coursebook:restored", (e) => {
  if (!window.__restored) window.__restored = e.detail;
});
"""

IMPORT = """
async (data) => {
  const scope = document.querySelector("[data-workbook]");
  const input = scope.querySelector("[data-import-file]");
  const status = scope.querySelector("[data-status]");
  status.textContent = "";
  const dt = new DataTransfer();
  dt.items.add(new File([JSON.stringify(data)], "answers.json", { type: "application/json" }));
  // the learner's choice in the confirmation dialog, made as soon as it opens
  const answer = new MutationObserver(() => {
    const b = document.querySelector("dialog button[value=replace]");
    if (b) { answer.disconnect(); b.click(); }
  });
  answer.observe(document.body, { childList: true, subtree: true });
  const t0 = performance.now();
  input.files = dt.files;
  input.dispatchEvent(new Event("change", { bubbles: true }));
  while (!status.textContent.startsWith("Imported")) await new Promise((r) => setTimeout(r, 0));
  return performance.now() - t0;
}
"""

EXPORT = """
() => {
  window.coursebook.flush && window.coursebook.flush();
  const t0 = performance.now();
  const data = window.coursebook.exportAll();
  const ms = performance.now() - t0;
  return [ms, JSON.stringify(data).length, Object.keys(data.worksheets).length];
}
"""


@dataclass
class BrowserResults:
    """Milliseconds measured in the page, per run."""

    restore: dict[int, list[float]] = field(default_factory=dict)
    restored_fields: dict[int, int] = field(default_factory=dict)
    export: list[float] = field(default_factory=list)
    export_bytes: int = 0
    export_worksheets: int = 0
    imports: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def restore_ms(self, n: int) -> float:
        """Median restore time of the page with ``n`` fields."""
        return median(self.restore[n])


def course_config(page: Any) -> dict[str, Any]:
    """The course data the page loaded (``course-<hash>.js`` sets ``window.coursebookCourse``)."""
    page.wait_for_function("window.coursebookCourse")
    config: dict[str, Any] = page.evaluate("window.coursebookCourse")
    return config


def measure_browser(
    work: Path, default_site: Path, counts: tuple[int, ...], runs: int
) -> BrowserResults:
    """Restore ``counts`` fields, export and import the whole default course, ``runs`` times each."""
    from playwright.sync_api import sync_playwright

    results = BrowserResults()
    site, values = wide_site(work, counts)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            with served(site) as url:
                context = browser.new_context()
                page = context.new_page()
                page.add_init_script(LISTEN)
                for n in counts:
                    page.goto(f"{url}wide-{n}/")
                    namespace = course_config(page)["namespace"]
                    page.evaluate(
                        "([k, v]) => localStorage.setItem(k, v)",
                        [f"{namespace}:wide-{n}", stored(values[n], 1)],
                    )
                    times = []
                    for _ in range(runs + 1):  # the first load warms Chromium's caches
                        page.reload()
                        detail = page.wait_for_function("window.__restored").json_value()
                        times.append(float(detail["ms"]))
                        results.restored_fields[n] = int(detail.get("fields", 0))
                    results.restore[n] = times[1:]
                context.close()
            with served(default_site) as url:
                context = browser.new_context()
                page = context.new_page()
                page.goto(f"{url}workbook/")
                config = course_config(page)
                answers = course_answers(config["namespace"])
                for _ in range(runs + 1):
                    page.reload()
                    page.wait_for_function("window.coursebook")
                    results.imports.append(float(page.evaluate(IMPORT, answers)))
                    ms, size, count = page.evaluate(EXPORT)
                    results.export.append(float(ms))
                    results.export_bytes, results.export_worksheets = int(size), int(count)
                results.imports, results.export = results.imports[1:], results.export[1:]
                context.close()
        finally:
            browser.close()
    return results
