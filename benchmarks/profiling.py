"""Profiles (pyinstrument) of the builds behind the figures: ``python benchmarks/profiling.py warm|pdf``.

``warm``: a warm ``mkdocs build`` of the default course (PDFs from the cache).
``pdf``: a cold build of a generated course of ``--pages`` chapters with the fillable PDF.
``cold``: a cold build of the default course (both PDFs).
``gc``: WeasyPrint alone on the HTML of a ``--pages`` course, with Python's default garbage
collector thresholds and with the first one raised to 100,000, interleaved, ``--runs`` each.
``css``: WeasyPrint laying out 100, 200 and 400 plain sections with and without the
runtime's ``@media print`` rule that uses ``:has()`` (what other WeasyPrint tools meet on
our sites, since they feed the site's CSS to WeasyPrint).
Reports go to ``benchmarks/profiles/<name>.txt`` with machine paths replaced by placeholders.
Needs ``pip install pyinstrument`` (a tool for this script only, not a dependency of ours).
"""

from __future__ import annotations

import argparse
import json
import sys
import sysconfig
import tempfile
from pathlib import Path

from course import OURS, ROOT, copy_default_course, plugin_available, with_plugins, write_config
from generate import generate_course
from generate import write_config as write_generated
from measure import median, mkdocs_build, rmtree, run

OUT = Path(__file__).resolve().parent / "profiles"


def scrub(text: str, work: Path) -> str:
    """The report with this machine's folders replaced by placeholders."""
    places = {
        str(work): "<scratch>",
        sysconfig.get_paths()["purelib"]: "<site-packages>",
        sysconfig.get_paths()["stdlib"]: "<stdlib>",
        str(ROOT): "<repo>",
        sys.prefix: "<python>",
        str(Path.home()): "~",
    }
    for path, name in sorted(places.items(), key=lambda kv: -len(kv[0])):
        text = text.replace(path, name)
    return text


def profile(config: Path, site: Path, name: str, work: Path) -> Path:
    """pyinstrument over one ``mkdocs build`` in a subprocess; the scrubbed text report."""
    raw = work / f"{name}.txt"
    cmd: list[str | Path] = [sys.executable, "-m", "pyinstrument", "-r", "text", "-o", raw]
    cmd += ["-m", "mkdocs", "build", "-q", "-f", config, "-d", site]
    run(cmd, cwd=config.parent)
    OUT.mkdir(exist_ok=True)
    target = OUT / f"{name}.txt"
    target.write_text(scrub(raw.read_text(encoding="utf-8"), work), encoding="utf-8")
    return target


# WeasyPrint on kept HTML, optionally with another first GC threshold; prints seconds.
GC_CHILD = """
import gc, json, sys, time
from pathlib import Path
html, base, options, out, threshold = sys.argv[1:6]
if int(threshold):
    gc.set_threshold(int(threshold), *gc.get_threshold()[1:])
text = Path(html).read_text(encoding="utf-8")
start = time.perf_counter()
import weasyprint
document = weasyprint.HTML(string=text, base_url=base or None).render()
Path(out).write_bytes(document.write_pdf(**json.loads(options)))
print(time.perf_counter() - start)
"""


# WeasyPrint on n plain sections, with or without one print rule; prints seconds.
CSS_CHILD = """
import sys, time
import weasyprint
n, rule = int(sys.argv[1]), sys.argv[2]
body = "".join(
    f"<section><h2>Part {i}</h2><p>{'word ' * 40}</p><ul><li>a</li><li>b</li></ul></section>"
    for i in range(n)
)
start = time.perf_counter()
html = f"<html><head><style>@media print {{ {rule} }}</style></head><body>{body}</body></html>"
weasyprint.HTML(string=html).render()
print(time.perf_counter() - start)
"""
HAS_RULE = (
    "body:has(.cb-print-target) :not(:has(.cb-print-target), .cb-print-target, "
    ".cb-print-target *) { display: none !important; }"
)


def css_experiment() -> None:
    """Time WeasyPrint's layout with and without the runtime's ``:has()`` print rule."""
    for n in (100, 200, 400):
        plain = run([sys.executable, "-c", CSS_CHILD, str(n), ""]).output.strip()
        has = run([sys.executable, "-c", CSS_CHILD, str(n), HAS_RULE]).output.strip()
        print(f"{n} sections: {float(plain):.1f} s without the rule, {float(has):.1f} s with it")


def gc_experiment(work: Path, pages: int, runs: int) -> None:
    """Time WeasyPrint alone with default and raised GC thresholds on the same HTML."""
    generated = generate_course(work / "gc-course", pages, max(1, pages // 5))
    plugins = ["search", "worksheets", {"workbook": {"variants": ["fillable"]}}]
    config = write_generated(generated, "bench-ours.yml", plugins, "gc")
    report = work / "probe.json"
    probe = Path(__file__).resolve().parent / "pdf_probe.py"
    cmd: list[str | Path] = [sys.executable, probe, report, "--keep-html", work / "html", "--"]
    run([*cmd, "build", "-q", "-f", config, "-d", work / "gc-site"], cwd=config.parent)
    kept = json.loads(report.read_text(encoding="utf-8"))["html"][0]
    args = [kept["html"], kept.get("base_url") or "", json.dumps(kept.get("options") or {})]
    times: dict[int, list[float]] = {0: [], 100_000: []}
    peaks: dict[int, list[int]] = {0: [], 100_000: []}
    for _ in range(runs):
        for threshold in times:
            out = work / "gc.pdf"
            sample = run([sys.executable, "-c", GC_CHILD, *args, out, str(threshold)])
            times[threshold].append(float(sample.output.strip().splitlines()[-1]))
            peaks[threshold].append(sample.peak_bytes)
    for threshold in times:
        label = "default thresholds" if not threshold else f"gc.set_threshold({threshold}, ...)"
        print(
            f"N={pages}, {label}: median {median(times[threshold]):.1f} s "
            f"(runs {', '.join(f'{t:.1f}' for t in times[threshold])}), "
            f"peak {median(peaks[threshold]) / 1e6:.0f} MB"
        )


def main() -> None:
    """Parse the command line and write the chosen profiles."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("what", nargs="+", choices=["warm", "cold", "pdf", "gc", "css"])
    parser.add_argument("--pages", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="coursebook-profile-"))
    try:
        if {"warm", "cold"} & set(args.what):
            course = work / "default-course"
            config = copy_default_course(course)
            ours = {n: {} for n in OURS if plugin_available(n)}
            plugins = with_plugins(config.get("plugins") or [], ours)
            on = write_config(course, "bench-with.yml", {**config, "plugins": plugins})
            site = work / "site"
            if "cold" in args.what:
                rmtree(course / ".cache")
                print(profile(on, site, "cold-build", work))
            if "warm" in args.what:
                mkdocs_build(on, site)  # fills the cache
                print(profile(on, site, "warm-build", work))
        if "pdf" in args.what:
            generated = generate_course(work / "course", args.pages, max(1, args.pages // 5))
            plugins_pdf = ["search", "worksheets", {"workbook": {"variants": ["fillable"]}}]
            config_pdf = write_generated(generated, "bench-ours.yml", plugins_pdf, "profile")
            print(profile(config_pdf, work / "pdf-site", f"pdf-build-{args.pages}", work))
        if "gc" in args.what:
            gc_experiment(work, args.pages, args.runs)
        if "css" in args.what:
            css_experiment()
    finally:
        rmtree(work)


if __name__ == "__main__":
    main()
