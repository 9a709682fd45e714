"""Profiles (pyinstrument) of the builds behind the figures: ``python benchmarks/profiling.py warm|pdf``.

``warm``: a warm ``mkdocs build`` of the default course (PDFs from the cache).
``pdf``: a cold build of a generated course of ``--pages`` chapters with the fillable PDF.
``cold``: a cold build of the default course (both PDFs).
Reports go to ``benchmarks/profiles/<name>.txt`` with machine paths replaced by placeholders.
Needs ``pip install pyinstrument`` (a tool for this script only, not a dependency of ours).
"""

from __future__ import annotations

import argparse
import sys
import sysconfig
import tempfile
from pathlib import Path

from course import OURS, ROOT, copy_default_course, plugin_available, with_plugins, write_config
from generate import generate_course
from generate import write_config as write_generated
from measure import mkdocs_build, rmtree, run

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


def main() -> None:
    """Parse the command line and write the chosen profiles."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("what", nargs="+", choices=["warm", "cold", "pdf"])
    parser.add_argument("--pages", type=int, default=10)
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
    finally:
        rmtree(work)


if __name__ == "__main__":
    main()
