"""Everything but the MkDocs adapters and the CLI imports without MkDocs, so it can move engines."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import importlib, pkgutil, sys
sys.modules["mkdocs"] = None  # any `import mkdocs...` now raises ImportError
import coursebook
edge = ("coursebook.mkdocs_plugins", "coursebook.cli")
names = sorted(
    m.name for m in pkgutil.walk_packages(coursebook.__path__, "coursebook.")
    if not m.name.startswith(edge)
)
for name in names:
    importlib.import_module(name)
leaked = sorted(m for m in sys.modules if m == "mkdocs" or m.startswith("mkdocs."))
assert leaked == ["mkdocs"], leaked
print(" ".join(names))
"""


def test_core_imports_with_mkdocs_unimportable() -> None:
    run = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    imported = run.stdout.split()
    for core in ("coursebook.model", "coursebook.html", "coursebook.answers", "coursebook.pdf"):
        assert core in imported


def test_the_plugin_does_need_mkdocs() -> None:
    """The probe is real: the MkDocs adapter fails to import under the same block."""
    probe = (
        'import sys; sys.modules["mkdocs"] = None\n'
        "import coursebook.mkdocs_plugins.worksheets.plugin"
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert run.returncode != 0
    assert "ImportError" in run.stderr or "ModuleNotFoundError" in run.stderr
