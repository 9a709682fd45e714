"""mkdocs-to-pdf in a virtualenv of its own (never a dependency of ours), with this checkout's plugins."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from course import ROOT
from measure import rmtree, version

TO_PDF = "mkdocs-to-pdf"


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
