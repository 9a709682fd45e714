"""The PDF workbook at N pages: time, peak memory, WeasyPrint alone on our HTML, and mkdocs-to-pdf."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from generate import Course, generate_course, write_config
from measure import RunTimedOut, Sample, median, mkdocs_build, rmtree, run

HERE = Path(__file__).resolve().parent
PDF_NAME = "workbook.pdf"
TO_PDF_OUTPUT = "to-pdf/document.pdf"


def pdf_pages(path: Path) -> int:
    """Number of pages of a PDF."""
    from pypdf import PdfReader

    return len(PdfReader(path).pages)


@dataclass
class SizeResult:
    """Every run at one course size; the medians and ratios are computed from these."""

    pages: int
    worksheets: int
    base: list[Sample] = field(default_factory=list)
    ours: list[Sample] = field(default_factory=list)
    stages: list[dict[str, float]] = field(default_factory=list)
    alone: list[dict[str, float]] = field(default_factory=list)
    alone_peak: list[int] = field(default_factory=list)
    pdf_pages: int = 0
    pdf_bytes: int = 0
    both: list[Sample] = field(default_factory=list)
    """``mkdocs build`` with the default workbook (fillable and print), cold, at the size
    compared with mkdocs-to-pdf."""
    theirs: list[Sample] = field(default_factory=list)
    theirs_base: list[Sample] = field(default_factory=list)
    their_bytes: int = 0
    their_pages: int = 0
    their_timeout: float | None = None

    @staticmethod
    def mid(samples: list[Sample]) -> float:
        """Median wall-clock seconds."""
        return median([s.seconds for s in samples])

    @staticmethod
    def mid_cpu(samples: list[Sample]) -> float:
        """Median CPU seconds."""
        return median([s.cpu for s in samples])

    @property
    def pdf_seconds(self) -> float:
        """What the workbook plugin adds to ``mkdocs build`` (cold cache): with minus without."""
        return self.mid(self.ours) - self.mid(self.base)

    @property
    def pdf_cpu(self) -> float:
        """The same in CPU seconds."""
        return self.mid_cpu(self.ours) - self.mid_cpu(self.base)

    @property
    def per_page(self) -> float:
        """PDF seconds per course page."""
        return self.pdf_seconds / self.pages

    @property
    def per_page_cpu(self) -> float:
        """PDF CPU seconds per course page."""
        return self.pdf_cpu / self.pages

    @property
    def peak_mib(self) -> float:
        """Median peak RSS of the ``mkdocs build`` process that made the PDF, in MiB."""
        return median([s.peak_bytes for s in self.ours]) / 2**20

    def alone_median(self, key: str = "seconds") -> float:
        """WeasyPrint alone on the same HTML (median of ``seconds``, ``cpu``, ``layout``...)."""
        return median([a[key] for a in self.alone])

    @property
    def overhead(self) -> float:
        """Our whole PDF step over WeasyPrint alone, wall-clock."""
        return self.pdf_seconds / self.alone_median("seconds")

    @property
    def overhead_cpu(self) -> float:
        """The same in CPU seconds."""
        return self.pdf_cpu / self.alone_median("cpu")

    def stage(self, name: str) -> float:
        """Median seconds of one probed stage (``book_html``, ``layout``, ``write_pdf``, ...)."""
        return median([s.get(name, 0.0) for s in self.stages])

    @property
    def their_pdf_seconds(self) -> float:
        """What mkdocs-to-pdf adds to ``mkdocs build`` in its own environment."""
        return self.mid(self.theirs) - self.mid(self.theirs_base)

    @property
    def their_pdf_cpu(self) -> float:
        """The same in CPU seconds."""
        return self.mid_cpu(self.theirs) - self.mid_cpu(self.theirs_base)


def _probe(config: Path, site: Path, report: Path, keep: Path | None) -> tuple[Sample, dict]:
    cmd: list[str | Path] = [sys.executable, HERE / "pdf_probe.py", report]
    if keep is not None:
        cmd += ["--keep-html", keep]
    cmd += ["--", "build", "-q", "-f", config, "-d", site]
    sample = run(cmd, cwd=config.parent)
    return sample, json.loads(report.read_text(encoding="utf-8"))


def _alone(kept: dict, out: Path) -> tuple[dict[str, float], int]:
    cmd: list[str | Path] = [sys.executable, HERE / "weasy_alone.py", kept["html"]]
    cmd += [kept.get("base_url") or "", json.dumps(kept.get("options") or {}), out]
    sample = run(cmd)
    return json.loads(sample.output.strip().splitlines()[-1]), sample.peak_bytes


def measure_size(
    work: Path,
    pages: int,
    runs: int,
    their_python: Path | None = None,
    their_limit: float = 600,
) -> SizeResult:
    """Generate a course of ``pages`` chapters and time its fillable PDF ``runs`` times.

    Each run, interleaved so that background load hits every variant alike: a build without
    the workbook plugin; a cold build with it (through the probe); WeasyPrint alone on the
    HTML that build gave it; and, if ``their_python`` is given, mkdocs-to-pdf's build and
    the same site without it in mkdocs-to-pdf's virtualenv (stopped after ``their_limit``
    seconds, and not run again, if it takes longer).
    """
    course: Course = generate_course(work / f"course-{pages}", pages, max(1, pages // 5))
    name = course.root.name
    base = write_config(course, "bench-base.yml", ["search", "worksheets"], name)
    ours = write_config(
        course,
        "bench-ours.yml",
        ["search", "worksheets", {"workbook": {"variants": ["fillable"]}}],
        name,
    )
    both = write_config(course, "bench-both.yml", ["search", "worksheets", "workbook"], name)
    theirs = write_config(
        course,
        "bench-to-pdf.yml",
        ["search", "worksheets", {"to-pdf": {"output_path": TO_PDF_OUTPUT}}],
        name,
    )
    result = SizeResult(pages, len(course.worksheets))
    base_site, our_site, their_site = (
        work / f"{k}-site-{pages}" for k in ("base", "ours", "to-pdf")
    )
    mkdocs_build(base, base_site)  # untimed warm-up: Python's and the OS's caches
    if their_python:
        mkdocs_build(base, base_site, their_python)
    # where the time goes, and the HTML WeasyPrint is given, from one probed build (every
    # stage in one process, in turn); the times themselves from plain builds
    rmtree(course.root / ".cache")
    keep = work / f"html-{pages}"
    rmtree(keep)
    _, report = _probe(ours, our_site, work / f"probe-{pages}.json", keep)
    result.stages.append(report["timings"])
    kept = report["html"][0]
    for i in range(runs):
        result.base.append(mkdocs_build(base, base_site))
        rmtree(course.root / ".cache")
        result.ours.append(mkdocs_build(ours, our_site))
        if i == 0:
            result.pdf_bytes = (our_site / PDF_NAME).stat().st_size
            result.pdf_pages = pdf_pages(our_site / PDF_NAME)
        alone, peak = _alone(kept, work / f"alone-{pages}.pdf")
        result.alone.append(alone)
        result.alone_peak.append(peak)
        if their_python:
            rmtree(course.root / ".cache")
            result.both.append(mkdocs_build(both, work / f"both-site-{pages}"))
        if their_python and result.their_timeout is None:
            result.theirs_base.append(mkdocs_build(base, base_site, their_python))
            try:
                result.theirs.append(mkdocs_build(theirs, their_site, their_python, their_limit))
            except RunTimedOut as exc:
                result.their_timeout = exc.limit  # no further runs: each would take as long
                continue
            if i == 0:
                result.their_bytes = (their_site / TO_PDF_OUTPUT).stat().st_size
                result.their_pages = pdf_pages(their_site / TO_PDF_OUTPUT)
    return result


def default_pdf_sizes(site: Path) -> dict[str, int]:
    """Bytes of each workbook PDF in a built site of the default course."""
    return {p.name: p.stat().st_size for p in sorted(site.glob("*.pdf"))}
