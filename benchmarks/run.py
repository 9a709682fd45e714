"""Run the whole benchmark: ``python benchmarks/run.py`` (full) or ``--quick`` (under two minutes)."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from browser import (
    CHROMIUM,
    BrowserResults,
    gzipped,
    loaded_by_page,
    measure_browser,
    runtime_sizes,
)
from builds import BuildOverhead, build_default_site, build_overhead
from cohort import measure_cohort, summarize_cohort
from course import ROOT, plugin_available
from measure import machine, median, summary, two_at_once
from pdfbench import SizeResult, default_pdf_sizes, measure_size, pdf_pages
from serve import measure_serve
from topdf import TO_PDF, default_venv, ensure_venv, venv_version

HERE = Path(__file__).resolve().parent
RESULTS_MD = HERE / "RESULTS.md"
RESULTS_JSON = HERE / "results.json"

TARGETS = {
    "one_pdf": 0.35,
    "both_pdfs": 0.5,
    "warm": 1.10,
    "pipeline": 1.2,
    "to_pdf": 2.0,
    "flat": 1.3,
    "memory_mb": 600.0,
    "runtime_bytes": 10_000,
    "restore_ms": 16.0,
    "cohort": 2.0,
    "marginal_s": 1.0,
}


def _stats(values: list[float]) -> dict[str, float]:
    return {"median": median(values), "min": min(values), "max": max(values), "runs": len(values)}


def summarize_build(b: BuildOverhead, site: Path) -> dict[str, Any]:
    """Medians, ranges and ratios of the build-overhead runs."""
    variants = []
    for name, samples in (
        ("without our plugins", b.without),
        ("with them, cold (empty `.cache`)", b.cold),
        ("with them, warm (cache hit)", b.warm),
    ):
        row = {"name": name, **summary(samples)}
        row["peak_mb"] = median([s.peak_bytes for s in samples]) / 1e6
        row["ratio"] = None if samples is b.without else b.ratio(samples)
        row["ratio_cpu"] = None if samples is b.without else b.ratio_cpu(samples)
        variants.append(row)
    pdfs = default_pdf_sizes(site)
    out: dict[str, Any] = {"plugins": list(b.plugins), "runs": len(b.without), "variants": variants}
    out["pdfs"] = pdfs
    if (site / "workbook.pdf").is_file():
        out["pdf_pages"] = pdf_pages(site / "workbook.pdf")
    return out


def summarize_size(s: SizeResult) -> dict[str, Any]:
    """One course size as plain numbers."""
    return {
        "pages": s.pages,
        "worksheets": s.worksheets,
        "runs": len(s.ours),
        "pdf_pages": s.pdf_pages,
        "pdf_bytes": s.pdf_bytes,
        "pdf_seconds": s.pdf_seconds,
        "pdf_cpu": s.pdf_cpu,
        "per_page": s.per_page,
        "per_page_cpu": s.per_page_cpu,
        "peak_mb": s.peak_mib * 2**20 / 1e6,
        "alone_seconds": s.alone_median("seconds"),
        "alone_cpu": s.alone_median("cpu"),
        "alone_stages": {
            k: s.alone_median(k) for k in ("import", "layout", "write_pdf", "gc") if k in s.alone[0]
        },
        "alone_peak_mb": median(s.alone_peak) / 1e6,
        "overhead": s.overhead,
        "overhead_cpu": s.overhead_cpu,
        "stages": {k: s.stage(k) for k in sorted({k for st in s.stages for k in st})},
        "with_runs": [(x.seconds, x.cpu) for x in s.ours],
        "without_runs": [(x.seconds, x.cpu) for x in s.base],
        "alone_runs": s.alone,
    }


def summarize_to_pdf(s: SizeResult, version: str) -> dict[str, Any]:
    """Ours against mkdocs-to-pdf at one size (a lower bound if it ran out of time)."""
    out: dict[str, Any] = {
        "version": version,
        "pages": s.pages,
        "ours_build": s.mid(s.ours),
        "ours_pdf": s.pdf_seconds,
        "ours_pdf_cpu": s.pdf_cpu,
        "our_bytes": s.pdf_bytes,
        "our_pages": s.pdf_pages,
        "timed_out": s.their_timeout,
        "ours_build_cpu": s.mid_cpu(s.ours),
        "both_build": s.mid(s.both) if s.both else None,
        "both_build_cpu": s.mid_cpu(s.both) if s.both else None,
        "both_runs": [(x.seconds, x.cpu) for x in s.both],
        "runs": len(s.theirs),
        "their_runs": [(x.seconds, x.cpu) for x in s.theirs],
        "their_base_runs": [(x.seconds, x.cpu) for x in s.theirs_base],
    }
    if s.their_timeout is not None:
        # killed at the limit: its PDF step took at least the limit minus its plain build
        lower = (s.their_timeout - s.mid(s.theirs_base)) / s.pdf_seconds
        out.update(
            their_build=None,
            their_pdf=None,
            their_pdf_cpu=None,
            step_ratio=lower,
            step_ratio_cpu=lower,
            build_ratio=s.their_timeout / s.mid(s.ours),
            their_bytes=None,
            their_pages=None,
            size_ratio=None,
        )
        return out
    out.update(
        their_build=s.mid(s.theirs),
        their_pdf=s.their_pdf_seconds,
        their_pdf_cpu=s.their_pdf_cpu,
        step_ratio=s.their_pdf_seconds / s.pdf_seconds,
        step_ratio_cpu=s.their_pdf_cpu / s.pdf_cpu,
        build_ratio=s.mid(s.theirs) / s.mid(s.ours),
        their_build_cpu=s.mid_cpu(s.theirs),
        one_vs_theirs=s.mid(s.ours) / s.mid(s.theirs),
        one_vs_theirs_cpu=s.mid_cpu(s.ours) / s.mid_cpu(s.theirs),
        both_vs_theirs=s.mid(s.both) / s.mid(s.theirs) if s.both else None,
        both_vs_theirs_cpu=s.mid_cpu(s.both) / s.mid_cpu(s.theirs) if s.both else None,
        their_bytes=s.their_bytes,
        their_pages=s.their_pages,
        size_ratio=s.their_bytes / s.pdf_bytes,
    )
    return out


def summarize_browser(br: BrowserResults, site: Path) -> dict[str, Any]:
    """Runtime sizes (from the package and as a built page loads them) and in-page timings."""
    files = runtime_sizes()
    loaded = loaded_by_page(site / "index.html")
    loaded_sizes = {}
    for name in loaded:
        data = (site / "assets" / "coursebook" / name).read_bytes()
        loaded_sizes[name] = (len(data), gzipped(data))
    all_gz = sum(gz for _, gz in files.values())
    files.update({k: v for k, v in loaded_sizes.items() if k not in files})
    return {
        "files": files,
        "loaded": loaded,
        "loaded_gz": sum(gz for _, gz in loaded_sizes.values()),
        "all_gz": all_gz,
        "restore": {str(n): _stats(v) for n, v in br.restore.items()},
        "restored_fields": br.restored_fields,
        "export": _stats(br.export) if br.export else None,
        "import": _stats(br.imports) if br.imports else None,
        "export_bytes": br.export_bytes,
        "export_worksheets": br.export_worksheets,
    }


def _x(cpu: float, wall: float) -> str:
    return f"{cpu:.2f}\u00d7 CPU ({wall:.2f}\u00d7 wall-clock)"


def targets(r: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target (issues 7 and 16), its measured value, and whether it is met (None: not measured).

    Time targets are judged on CPU seconds, which other work on a shared machine barely
    moves; the wall-clock ratio from the same runs is shown beside it.
    """
    out = []

    def add(what: str, value: str, met: bool | None) -> None:
        out.append({"what": what, "value": value, "met": met})

    c = r.get("to_pdf")
    finished = c if c and not c.get("timed_out") else None
    # "in the time of one": judged on wall-clock time, which the side-by-side layouts cut
    for key, label, what in (
        ("one_vs_theirs", "one_pdf", "cold build making one PDF"),
        ("both_vs_theirs", "both_pdfs", "cold default build (fillable + print)"),
    ):
        value = finished.get(key) if finished else None
        add(
            f"{what} \u2264 {TARGETS[label]}\u00d7 mkdocs-to-pdf making one PDF (wall-clock)",
            f"N={c['pages']}: {value:.2f}\u00d7 wall-clock ({finished[key + '_cpu']:.2f}\u00d7 CPU)"
            if finished and value is not None
            else "\u2014",
            None if value is None else value <= TARGETS[label],
        )
    b = r.get("build")
    warm = b["variants"][2] if b and b["plugins"] else None
    add(
        f"warm build overhead \u2264 {TARGETS['warm']}\u00d7",
        _x(warm["ratio_cpu"], warm["ratio"]) if warm else "\u2014",
        None if warm is None else warm["ratio_cpu"] <= TARGETS["warm"],
    )
    sizes = (r.get("pdf") or {}).get("sizes") or []
    add(
        f"PDF pipeline \u2264 {TARGETS['pipeline']}\u00d7 WeasyPrint alone (every N)",
        "; ".join(f"N={s['pages']}: {_x(s['overhead_cpu'], s['overhead'])}" for s in sizes)
        or "\u2014",
        None if not sizes else max(s["overhead_cpu"] for s in sizes) <= TARGETS["pipeline"],
    )
    add(
        f"\u2265 {TARGETS['to_pdf']:.0f}\u00d7 faster than mkdocs-to-pdf (PDF step)",
        (
            f"N={c['pages']}: more than {c['step_ratio']:.1f}\u00d7 (mkdocs-to-pdf stopped "
            f"after {c['timed_out']:.0f} s)"
            if c and c.get("timed_out")
            else f"N={c['pages']}: {_x(c['step_ratio_cpu'], c['step_ratio'])}"
            if c
            else "\u2014"
        ),
        None
        if not c
        # stopped at the limit: met if even the lower bound is enough, else not established
        else (c["step_ratio"] >= TARGETS["to_pdf"] or None)
        if c.get("timed_out")
        else c["step_ratio_cpu"] >= TARGETS["to_pdf"],
    )
    if len(sizes) >= 2:
        first, last = sizes[0], sizes[-1]
        flat_cpu = last["per_page_cpu"] / first["per_page_cpu"]
        flat = last["per_page"] / first["per_page"]
        add(
            f"flat time per page: N={last['pages']} \u2264 {TARGETS['flat']}\u00d7 N={first['pages']}",
            f"{_x(flat_cpu, flat)}; {first['per_page_cpu']:.3f} \u2192 "
            f"{last['per_page_cpu']:.3f} CPU s/page",
            flat_cpu <= TARGETS["flat"],
        )
        add(
            f"peak memory < {TARGETS['memory_mb']:.0f} MB at N={last['pages']}",
            f"{last['peak_mb']:.0f} MB (WeasyPrint alone on the same HTML: "
            f"{last['alone_peak_mb']:.0f} MB)",
            last["peak_mb"] < TARGETS["memory_mb"],
        )
    else:
        add(f"flat time per page (\u2264 {TARGETS['flat']}\u00d7)", "\u2014", None)
        add(f"peak memory < {TARGETS['memory_mb']:.0f} MB", "\u2014", None)
    k = r.get("cohort")
    n = k["clients"] if k else 30
    add(
        f"{n} clients' fillable workbooks in one batch \u2264 {TARGETS['cohort']:.0f}\u00d7 "
        "a cold build of the course",
        _x(k["ratio_cpu"], k["ratio"]) if k else "\u2014",
        None if not k else k["ratio_cpu"] <= TARGETS["cohort"],
    )
    add(
        f"each further client < {TARGETS['marginal_s']:.0f} s",
        f"{k['marginal_cpu']:.2f} CPU s ({k['marginal']:.2f} s wall-clock)" if k else "\u2014",
        None if not k else k["marginal_cpu"] < TARGETS["marginal_s"],
    )
    w = r.get("browser")
    add(
        f"runtime \u2264 10 KB gzipped ({TARGETS['runtime_bytes']:,} bytes, what a page loads)",
        f"{w['loaded_gz']:,} bytes" if w else "\u2014",
        None if not w else w["loaded_gz"] <= TARGETS["runtime_bytes"],
    )
    restore = (w or {}).get("restore", {}).get("100")
    add(
        f"restore 100 fields < {TARGETS['restore_ms']:.0f} ms",
        f"{restore['median']:.1f} ms" if restore else "\u2014",
        None if not restore else restore["median"] < TARGETS["restore_ms"],
    )
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Parse options, run every part, write RESULTS.md and results.json."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes and few runs (< 2 min)")
    parser.add_argument(
        "--runs", type=int, default=None, help="runs per figure (default 5, quick 2)"
    )
    parser.add_argument(
        "--pdf-runs", type=int, default=None, help="runs per PDF size (default 3, quick 2)"
    )
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=None, help="course sizes N (default 10 50 200)"
    )
    parser.add_argument(
        "--compare-at", type=int, default=None, help="N for mkdocs-to-pdf (default 50)"
    )
    parser.add_argument(
        "--to-pdf-limit", type=float, default=None, help="stop mkdocs-to-pdf after this many s"
    )
    parser.add_argument(
        "--skip",
        nargs="*",
        default=[],
        choices=["build", "serve", "pdf", "to-pdf", "browser", "cohort"],
    )
    parser.add_argument(
        "--venv", type=Path, default=default_venv(), help="mkdocs-to-pdf's virtualenv"
    )
    parser.add_argument("--fresh-venv", action="store_true", help="recreate that virtualenv")
    parser.add_argument("--write", action="store_true", help="write RESULTS.md even after --quick")
    parser.add_argument("--keep-work", action="store_true", help="keep the scratch folder")
    args = parser.parse_args(argv)
    quick = args.quick
    runs = args.runs or (2 if quick else 5)
    pdf_runs = args.pdf_runs or (2 if quick else 3)
    sizes = args.sizes or ([2, 6] if quick else [10, 50, 200])
    limit = args.to_pdf_limit or (120 if quick else 600)
    compare_at = args.compare_at or sizes[0 if quick else min(1, len(sizes) - 1)]
    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="coursebook-bench-"))
    results: dict[str, Any] = {
        "mode": "quick" if quick else "full",
        "command": "`python benchmarks/run.py"
        + (" " + " ".join(argv or sys.argv[1:]) if (argv or sys.argv[1:]) else "")
        + "`",
        "machine": machine(CHROMIUM, ROOT),
        "missing": [],
    }
    # a quick run only shows the script works: one yardstick pair, not three
    yardstick_runs = 1 if quick else 3
    results["machine"]["Two processes at once, at start"] = two_at_once(yardstick_runs)
    missing: list[str] = results["missing"]

    def part(name: str, label: str) -> bool:
        if name in args.skip:
            missing.append(f"{label}: skipped (`--skip {name}`)")
            return False
        print(f"[{time.perf_counter() - started:6.0f} s] {label} ...", flush=True)
        return True

    def failed(label: str) -> None:
        traceback.print_exc()
        missing.append(
            f"{label}: failed ({sys.exc_info()[1].__class__.__name__}); see the run's output"
        )

    workbook = plugin_available("workbook")
    if not workbook:
        missing.append("every PDF figure: the `workbook` MkDocs plugin is not installed yet")
    try:
        default_site = work / "default-site"
        if part("build", "build overhead of the default course"):
            try:
                b = build_overhead(work, runs)
                results["build"] = summarize_build(b, default_site)
            except Exception:
                failed("build overhead")
        if part("serve", "`mkdocs serve` after an edit"):
            try:
                served = measure_serve(work, runs)
                results["serve"] = {k: _stats(v) for k, v in vars(served).items()}
            except Exception:
                failed("serve")
        clients = 3 if quick else 30
        if workbook and part("cohort", f"a cohort: 1 and {clients} clients' workbooks"):
            try:
                cohort = measure_cohort(work, 1 if quick else pdf_runs, clients, not quick)
                results["cohort"] = summarize_cohort(cohort)
            except Exception:
                failed("cohort")
        if workbook and part("pdf", f"PDF at N = {', '.join(map(str, sizes))}"):
            their_python = None
            version = ""
            if "to-pdf" not in args.skip:
                try:
                    their_python = ensure_venv(args.venv, args.fresh_venv)
                    version = venv_version(their_python, TO_PDF)
                except Exception:
                    failed("mkdocs-to-pdf virtualenv")
            else:
                missing.append("mkdocs-to-pdf comparison: skipped (`--skip to-pdf`)")
            done = []
            for n in sizes:
                print(f"    N = {n}", flush=True)
                try:
                    s = measure_size(
                        work, n, pdf_runs, their_python if n == compare_at else None, limit
                    )
                except Exception:
                    failed(f"PDF at N = {n}")
                    continue
                done.append(summarize_size(s))
                if s.theirs or s.their_timeout:
                    results["to_pdf"] = summarize_to_pdf(s, version)
            results["pdf"] = {"sizes": done}
        if part("browser", "browser runtime"):
            try:
                if not (default_site / "index.html").exists():
                    build_default_site(work, default_site)
                br = measure_browser(
                    work, default_site, (100, 1000), runs if quick else max(runs, 9)
                )
                results["browser"] = summarize_browser(br, default_site)
            except Exception:
                failed("browser runtime")
    finally:
        if args.keep_work:
            print(f"scratch folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    results["machine"]["Two processes at once, at end"] = two_at_once(yardstick_runs)
    results["targets"] = targets(results)
    results["seconds"] = time.perf_counter() - started
    from report import render, write

    print(render(results))
    if not quick or args.write:
        write(RESULTS_MD, results)
        RESULTS_JSON.write_text(json.dumps(results, indent=1, default=str) + "\n", encoding="utf-8")
        print(f"wrote {RESULTS_MD.name} and {RESULTS_JSON.name}")
    print(f"benchmark took {results['seconds']:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
