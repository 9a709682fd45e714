"""A new course builds under both engines, and from the wheel installed where the repo is not.

Covered:

- ProperDocs (the continuation of MkDocs 1.x): a ``coursebook new --blank`` course, its
  config renamed to ``properdocs.yml`` as the README says, built with
  ``properdocs build --strict`` in a subprocess: no warning, the worksheet is a form, and
  both PDF workbooks are made with the worksheet's fields. Then ``coursebook validate`` and
  ``coursebook pdf`` on that course in a process where MkDocs cannot be imported at all, so
  they can only have run through ProperDocs; and which engine the CLI picks for
  ``properdocs.yml`` and for ``mkdocs.yml``. MkDocs itself builds courses in most other
  test modules.
- Packaging: the wheel, built as ``pip wheel`` builds it, installed with its dependencies
  into a fresh virtual environment in a temporary folder outside the repository (its
  Python is checked to import coursebook from there); that environment's own
  ``coursebook new`` makes a course that its ``mkdocs build --strict`` builds with both
  PDFs, and its ``coursebook pdf`` prints no end-of-life notice from Material.

Not covered: ``pipx``, Python versions other than the one running the tests, macOS and
Windows, the published package on PyPI, and ``mkdocs serve``/``properdocs serve``. The
install reaches the package index (or pip's cache) for the dependencies; without it the
packaging test is skipped, as the wheel build already is.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.coach.conftest import new_course
from tests.conftest import ROOT

PLUGINS = {
    "worksheets": "coursebook.mkdocs_plugins.worksheets.plugin:WorksheetsPlugin",
    "workbook": "coursebook.mkdocs_plugins.workbook.plugin:WorkbookPlugin",
}
WITHOUT_MKDOCS = """
import sys
sys.modules["mkdocs"] = None  # as on a machine with ProperDocs and without MkDocs
from coursebook.cli.main import main
main()
"""
NOTICE = ("NO_MKDOCS_2_WARNING", "end of life", "MkDocs 2")
"""What Material's notice (and ProperDocs' own, started by some plugins) says."""


def _environment(**extra: str) -> dict[str, str]:
    """This process's environment without the settings that would reach the repository's
    Python or silence Material's notice."""
    drop = ("PYTHONPATH", "VIRTUAL_ENV", "NO_MKDOCS_2_WARNING", "DISABLE_MKDOCS_2_WARNING")
    return {**{k: v for k, v in os.environ.items() if k not in drop}, **extra}


def _form_and_pdfs(site: Path) -> None:
    """The blank course's worksheet is a form on the home page, and both PDFs have it."""
    home = (site / "index.html").read_text(encoding="utf-8")
    assert '<form class="cb-worksheet" data-worksheet="first-steps"' in home
    fields = PdfReader(site / "workbook.pdf").get_fields() or {}
    assert any(name.startswith("first-steps:") for name in fields), sorted(fields)
    printed = PdfReader(site / "workbook-print.pdf")
    assert len(printed.pages) >= 2
    assert not printed.get_fields()  # lines to write on, not fields


def test_properdocs_finds_both_plugins_in_its_own_group() -> None:
    declared = {e.name: e.value for e in entry_points(group="properdocs.plugins")}
    assert {name: declared.get(name) for name in PLUGINS} == PLUGINS


def test_the_config_file_name_chooses_the_engine() -> None:
    """A fresh process, as the installed command is: whether this one has loaded MkDocs
    already depends on the tests that ran before."""
    pytest.importorskip("properdocs")
    probe = (
        "from pathlib import Path\n"
        "from coursebook.cli.engine import engine_for\n"
        "print(engine_for(Path('properdocs.yml')).name)\n"
        "import sys; print('mkdocs' in sys.modules and sys.modules['mkdocs'].__name__)\n"
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    # ProperDocs, and every `mkdocs` import redirected to it from then on
    assert run.stdout.split() == ["properdocs", "properdocs"]
    probe = "from pathlib import Path\nfrom coursebook.cli.engine import engine_for\n"
    probe += "print(engine_for(Path('mkdocs.yml')).name)"
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["mkdocs"]


@pytest.fixture(scope="module")
def properdocs_course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A blank course configured with properdocs.yml, built by ``properdocs build --strict``."""
    pytest.importorskip("properdocs")
    project = new_course(tmp_path_factory.mktemp("properdocs") / "course", "--blank")
    (project / "mkdocs.yml").rename(project / "properdocs.yml")
    run = subprocess.run(
        [sys.executable, "-m", "properdocs", "build", "--strict"],
        capture_output=True,
        text=True,
        cwd=project,
        env=_environment(),
    )
    log = run.stdout + run.stderr
    assert run.returncode == 0, log
    assert [line for line in log.splitlines() if line.startswith(("WARNING", "ERROR"))] == []
    assert not any(sign in log for sign in NOTICE), log
    return project


def test_properdocs_builds_a_new_course_strictly(properdocs_course: Path) -> None:
    site = properdocs_course / "site"
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'name="generator" content="mkdocs-ProperDocs' in home
    _form_and_pdfs(site)


def test_coursebook_checks_and_builds_with_properdocs_alone(properdocs_course: Path) -> None:
    def coursebook(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", WITHOUT_MKDOCS, *args],
            capture_output=True,
            text=True,
            cwd=properdocs_course,
            env=_environment(),
        )

    checked = coursebook("validate")
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.startswith("ok: 1 worksheets"), checked.stdout
    made = coursebook("pdf", "--client", "Sam", "-o", "sam.pdf")
    assert made.returncode == 0, made.stderr
    assert "Traceback" not in made.stderr
    reader = PdfReader(properdocs_course / "sam.pdf")
    assert any(name.startswith("first-steps:") for name in reader.get_fields() or {})
    assert "Sam" in "".join(page.extract_text() for page in reader.pages[:1])


def test_the_wheel_installs_outside_the_repository_and_builds_a_course(
    wheel: Path, tmp_path: Path
) -> None:
    environment = tmp_path / "env"
    venv.EnvBuilder(with_pip=True).create(environment)
    python = environment / "bin" / "python"
    install = subprocess.run(
        # --no-compile: byte-compiling every dependency is a third of the install's time
        [str(python), "-m", "pip", "install", "-q", "--no-compile", str(wheel)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=_environment(),
    )
    if install.returncode != 0 and "NewConnectionError" in install.stderr:
        pytest.skip("installing the dependencies needs the package index")
    assert install.returncode == 0, install.stderr

    where = subprocess.run(
        [str(python), "-c", "import coursebook; print(coursebook.__file__)"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=_environment(),
    )
    assert where.returncode == 0, where.stderr
    imported = Path(where.stdout.strip()).resolve()
    assert imported.is_relative_to(environment.resolve() / "lib"), imported
    assert not imported.is_relative_to(ROOT), imported

    def run(command: str, *args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(environment / "bin" / command), *args],
            capture_output=True,
            text=True,
            cwd=cwd,
            env=_environment(**env),
        )

    created = run("coursebook", "new", "course", "--blank", "--title", "Packaged", cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    assert not any(sign in created.stdout + created.stderr for sign in NOTICE)
    course = tmp_path / "course"
    built = run("mkdocs", "build", "--strict", cwd=course, NO_MKDOCS_2_WARNING="1")
    assert built.returncode == 0, built.stdout + built.stderr
    _form_and_pdfs(course / "site")
    # the coach's commands never show Material's notice, whatever the environment says
    made = run("coursebook", "pdf", "-o", "blank.pdf", cwd=course)
    assert made.returncode == 0, made.stderr
    assert not any(sign in made.stdout + made.stderr for sign in NOTICE), made.stderr
    assert (course / "blank.pdf").read_bytes().startswith(b"%PDF-")
