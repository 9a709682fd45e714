"""The coach workflow's core modules import without MkDocs, like the rest of the core."""

from __future__ import annotations

import subprocess
import sys

MODULES = [
    "coursebook.branding",
    "coursebook.ordering",
    "coursebook.answers.markdown",
    "coursebook.html.coach",
    "coursebook.html.review",
    "coursebook.pdf.extract",
]
PROBE = f"""
import importlib, sys
sys.modules["mkdocs"] = None  # any `import mkdocs...` now raises ImportError
for name in {MODULES!r}:
    importlib.import_module(name)
print("ok")
"""


def test_coach_core_needs_no_mkdocs() -> None:
    run = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "ok"


def test_the_probe_can_fail() -> None:
    probe = PROBE.replace(repr(MODULES), repr(["coursebook.mkdocs_plugins.coach.site"]))
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert run.returncode != 0
    assert "ImportError" in run.stderr or "ModuleNotFoundError" in run.stderr
