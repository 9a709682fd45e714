"""mkdocs-to-pdf, in a virtualenv of its own, on the same synthetic site as our workbook plugin."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from course import ROOT
from generate import Course, write_config
from measure import Sample, median, mkdocs_build, rmtree, version

TO_PDF = "mkdocs-to-pdf"
OUTPUT = "to-pdf/document.pdf"


def default_venv() -> Path:
    """Where the mkdocs-to-pdf virtualenv is kept between runs: the user's cache folder."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "coursebook-benchmarks" / "mkdocs-to-pdf-venv"


def _pip(python: Path, *args: str) -> None:
    cmd = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *args]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"pip install {' '.join(args)} failed:\n{done.stdout}{done.stderr}")


def _venv_python(venv: Path) -> Path:
    return venv / "bin" / "python"


def ensure_venv(venv: Path, fresh: bool = False) -> Path:
    """A virtualenv with mkdocs-to-pdf, Material and this checkout's coursebook; its python.

    WeasyPrint is pinned to the version we use, so the comparison is of the two pipelines,
    not of two WeasyPrint releases. coursebook is reinstalled from the working tree on
    every run (a plain copy, not editable) so both sites render the same worksheets.
    """
    if fresh:
        rmtree(venv)
    python = _venv_python(venv)
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
        _pip(python, "--upgrade", "pip")
        _pip(
            python,
            TO_PDF,
            f"mkdocs-material=={version('mkdocs-material')}",
            f"weasyprint=={version('weasyprint')}",
        )
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "coursebook"
        src.mkdir()
        for name in ("pyproject.toml", "README.md"):
            shutil.copy2(ROOT / name, src / name)
        shutil.copytree(
            ROOT / "plugins" / "coursebook",
            src / "plugins" / "coursebook",
            ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"),
        )
        # dependencies once (they rarely change), then our code fresh each time
        _pip(python, str(src))
        _pip(python, "--no-deps", "--force-reinstall", str(src))
    return python


def venv_version(python: Path, dist: str) -> str:
    """A distribution's version inside the virtualenv."""
    code = f"from importlib.metadata import version; print(version({dist!r}))"
    out = subprocess.run([str(python), "-c", code], capture_output=True, text=True)
    return out.stdout.strip() or "unknown"


@dataclass(frozen=True)
class Comparison:
    """Our workbook plugin and mkdocs-to-pdf on one site; each also timed with no PDF plugin."""

    pages: int
    ours: list[Sample]
    ours_base: list[Sample]
    theirs: list[Sample]
    theirs_base: list[Sample]
    our_bytes: int
    their_bytes: int

    @staticmethod
    def _mid(samples: list[Sample]) -> float:
        return median([s.seconds for s in samples])

    @property
    def our_pdf_seconds(self) -> float:
        """The PDF step alone: build with the plugin minus build without it (medians)."""
        return self._mid(self.ours) - self._mid(self.ours_base)

    @property
    def their_pdf_seconds(self) -> float:
        """mkdocs-to-pdf's step alone, the same way."""
        return self._mid(self.theirs) - self._mid(self.theirs_base)

    @property
    def step_ratio(self) -> float:
        """How many times faster our PDF step is."""
        return self.their_pdf_seconds / self.our_pdf_seconds

    @property
    def build_ratio(self) -> float:
        """How many times faster the whole ``mkdocs build`` with our PDF is."""
        return self._mid(self.theirs) / self._mid(self.ours)

    @property
    def size_ratio(self) -> float:
        """Their PDF's size over ours."""
        return self.their_bytes / self.our_bytes


def compare(course: Course, work: Path, python: Path, runs: int, workbook_pdf: str) -> Comparison:
    """Time ``runs`` builds of each config, interleaved, and compare the PDFs they write."""
    base = write_config(course, "bench-base.yml", ["search", "worksheets"], course.root.name)
    ours = write_config(
        course,
        "bench-ours.yml",
        ["search", "worksheets", {"workbook": {"variants": ["fillable"]}}],
        course.root.name,
    )
    theirs = write_config(
        course,
        "bench-to-pdf.yml",
        ["search", "worksheets", {"to-pdf": {"output_path": OUTPUT}}],
        course.root.name,
    )
    site = work / f"compare-site-{len(course.pages)}"
    samples: dict[str, list[Sample]] = {
        "ours": [],
        "ours_base": [],
        "theirs": [],
        "theirs_base": [],
    }
    # untimed warm-up of both environments
    mkdocs_build(base, site)
    mkdocs_build(base, site, python)
    for _ in range(runs):
        samples["ours_base"].append(mkdocs_build(base, site))
        rmtree(course.root / ".cache")  # mkdocs-to-pdf has no cache: compare cold builds
        samples["ours"].append(mkdocs_build(ours, site))
        our_bytes = (site / workbook_pdf).stat().st_size
        samples["theirs_base"].append(mkdocs_build(base, site, python))
        samples["theirs"].append(mkdocs_build(theirs, site, python))
        their_bytes = (site / OUTPUT).stat().st_size
    return Comparison(len(course.pages), our_bytes=our_bytes, their_bytes=their_bytes, **samples)
