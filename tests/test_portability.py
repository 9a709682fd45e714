"""The core (model, html, answers, pdf, project) imports without MkDocs, so it can move engines."""

from __future__ import annotations

import subprocess
import sys

CORE = ["coursebook.model", "coursebook.html", "coursebook.answers", "coursebook.project"]
PROBE = """
import importlib, importlib.util, sys
sys.modules["mkdocs"] = None  # any `import mkdocs...` now raises ImportError
modules = {modules!r}
if importlib.util.find_spec("coursebook.pdf") is not None:
    modules.append("coursebook.pdf")
for name in modules:
    importlib.import_module(name)
leaked = sorted(m for m in sys.modules if m == "mkdocs" or m.startswith("mkdocs."))
assert leaked == ["mkdocs"], leaked
print(" ".join(modules))
"""


def test_core_imports_with_mkdocs_unimportable() -> None:
    run = subprocess.run(
        [sys.executable, "-c", PROBE.format(modules=CORE)], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.split()[: len(CORE)] == CORE


def test_the_plugin_does_need_mkdocs() -> None:
    """The probe is real: the MkDocs adapter fails to import under the same block."""
    probe = (
        'import sys; sys.modules["mkdocs"] = None\n'
        "import coursebook.mkdocs_plugins.worksheets.plugin"
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert run.returncode != 0
    assert "ImportError" in run.stderr or "ModuleNotFoundError" in run.stderr
