"""Coach-workflow fixtures: the CLI run in-process, new course sites, and one branded site built once."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result
from coursebook.cli.main import main

from tests.conftest import mkdocs_build

BRANDING = {
    "subtitle": "Five conversations that change your search",
    "logo": "assets/logo.svg",
    "coach": {
        "name": "Ana Lima <Coaching>",
        "email": "ana@example.org",
        "website": "https://coach.example.org/clients",
    },
    "colors": {"primary": "#7b1fa2", "accent": "rgb(255, 111, 0)"},
}
LOGO = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"><rect width="8" height="8"/></svg>\n'
)


def cli(*args: str) -> Result:
    """Run ``coursebook ARGS`` in this process; stdout and stderr stay apart."""
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def new_course(directory: Path, *options: str) -> Path:
    """``coursebook new DIRECTORY``; returns the directory."""
    result = cli("new", str(directory), *options)
    assert result.exit_code == 0, result.output
    return directory


def brand(project: Path, branding: dict[str, object]) -> None:
    """Write ``extra.coursebook`` into a course's mkdocs.yml (and the logo file it names)."""
    config_file = project / "mkdocs.yml"
    text = config_file.read_text(encoding="utf-8")
    start = text.index("extra:")
    end = text.index("\ntheme:")
    block = yaml.safe_dump({"extra": {"coursebook": branding}}, allow_unicode=True, sort_keys=False)
    config_file.write_text(text[:start] + block + text[end:], encoding="utf-8")
    logo = branding.get("logo")
    if isinstance(logo, str):
        (project / "content" / logo).parent.mkdir(parents=True, exist_ok=True)
        (project / "content" / logo).write_text(LOGO, encoding="utf-8")


@dataclass
class Site:
    project: Path
    site: Path


@pytest.fixture(scope="session")
def branded_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """A ``coursebook new --blank`` course with every branding key set, built strictly once."""
    project = new_course(tmp_path_factory.mktemp("branded") / "course", "--blank")
    brand(project, BRANDING)
    # these tests read the HTML; the branded PDF is checked where a PDF is built anyway
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace("  - workbook:\n", "  - workbook:\n      enabled: false\n"), encoding="utf-8"
    )
    site = project / "site"
    build = mkdocs_build(project / "mkdocs.yml", site)
    assert build.returncode == 0, build.log
    assert build.warnings == [], build.log
    return Site(project, site)
