"""``mkdocs build`` run in this process with timers around the workbook's PDF stages.

Usage: ``python pdf_probe.py REPORT.json [--keep-html DIR] -- <mkdocs build arguments>``.
Writes how long our HTML assembly, WeasyPrint's layout and its PDF writing took, and (with
``--keep-html``) the exact HTML and options WeasyPrint received, so that WeasyPrint can be
timed alone on it afterwards. Everything is made in the build's own process here, one
layout after another (a real build starts the PDFs in a forked process, and lays a long
workbook's parts out at once where cores are free), so that the timers see every stage;
the figures are where the time goes, not how long a real build takes (``pdfbench.py`` times
plain builds for that).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import coursebook.pdf.build as pdf_build
import weasyprint
from gctime import GCTimer
from mkdocs.__main__ import cli

Timings = dict[str, float]
STAGES = ("prepare_variants", "prepare_job", "run_job", "build_pdfs", "build_pdf")
"""Functions of ``coursebook.pdf.build`` to time, wherever they are called from."""


def patch_everywhere(original: Any, wrapper: Any) -> None:
    """Replace ``original`` by ``wrapper`` in every loaded coursebook module that holds it."""
    for name, module in list(sys.modules.items()):
        if name == "coursebook" or name.startswith("coursebook."):
            for attr, value in list(vars(module).items()):
                if value is original:
                    setattr(module, attr, wrapper)


def timed(timings: Timings, name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """``func`` that adds the seconds of each call to ``timings[name]``."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            timings[name] = timings.get(name, 0.0) + time.perf_counter() - start

    return wrapper


def main() -> None:
    """Patch the timers in, run MkDocs, write the report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("report", type=Path)
    parser.add_argument("--keep-html", type=Path, default=None)
    split = sys.argv.index("--")
    args = parser.parse_args(sys.argv[1:split])
    mkdocs_args = sys.argv[split + 1 :]
    timings: Timings = {}
    kept: list[dict[str, Any]] = []

    run_job = pdf_build.run_job

    def keep(job: Any) -> Any:
        # the whole book as one document, whether our build lays it out whole or in parts
        if args.keep_html is not None:
            args.keep_html.mkdir(parents=True, exist_ok=True)
            path = args.keep_html / f"book-{len(kept)}.html"
            path.write_text(job.html, encoding="utf-8")
            options = pdf_build.write_options(job.variant)
            kept.append({"html": str(path), "base_url": job.base_url, "options": options})
        return run_job(job)

    patch_everywhere(run_job, keep)
    # the PDFs made in the build's own process (not started in a forked one at on_config or
    # on_env), their parts one after another, so that these timers see every stage
    pdf_build.preload_pdfs = lambda: None  # type: ignore[assignment]
    pdf_build.start_pdfs = lambda book, variants, preloaded=None: None  # type: ignore[assignment]
    os.environ["COURSEBOOK_PDF_WORKERS"] = "1"
    weasyprint.HTML.render = timed(timings, "layout", weasyprint.HTML.render)  # type: ignore[method-assign]
    weasyprint.Document.write_pdf = timed(timings, "write_pdf", weasyprint.Document.write_pdf)  # type: ignore[method-assign]
    import coursebook.mkdocs_plugins.workbook.plugin  # noqa: F401  (loads every module it uses)

    for name in STAGES:
        original = getattr(pdf_build, name, None)
        if original is not None:
            patch_everywhere(original, timed(timings, name, original))
    try:
        from coursebook.pdf.forms import FormFinisher

        FormFinisher.__call__ = timed(timings, "finisher", FormFinisher.__call__)  # type: ignore[method-assign]
    except ImportError:
        pass
    collector = GCTimer().start()
    start = time.perf_counter()
    cli.main(args=mkdocs_args, standalone_mode=False)
    timings["mkdocs"] = time.perf_counter() - start
    timings["gc"] = collector.seconds
    args.report.write_text(json.dumps({"timings": timings, "html": kept}, indent=1))


if __name__ == "__main__":
    main()
