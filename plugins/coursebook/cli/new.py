"""``coursebook new DIR``: a folder in, a complete course ready to build and to publish out.

The course comes from a template packaged with coursebook (the informational-interview
course, or a blank one, whose pages and sample worksheet exist in every language coursebook
speaks). The new course names its own title, coach and address, not the tool's or a local
preview's, and carries a ``.gitignore`` and a GitHub Pages workflow.

Nothing is written through a symbolic link: each file goes to a temporary name and is
renamed into place, which replaces a link instead of following it, and a folder that is a
link is refused.
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
from collections.abc import Iterator
from importlib.resources import as_file
from importlib.resources import files as package_files
from pathlib import Path
from typing import Any

import click

from coursebook import __version__
from coursebook.cli.common import fail, out
from coursebook.i18n import available_languages

SCHEMA_FILE = "worksheet.schema.json"
_MODELINE = re.compile(r"^# yaml-language-server: \$schema=.*$", re.MULTILINE)
_SKIP = ("__pycache__", ".cache", "site")


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--blank",
    is_flag=True,
    help="Start from a minimal course with one example worksheet instead of the full course.",
)
@click.option("--title", help="The course's title (site_name).")
@click.option("--coach", "coach_name", help="Your name, as the course's coach or author.")
@click.option(
    "--site-url",
    help="Where the course will be published, e.g. https://you.github.io/course/ "
    "(instant navigation and the sitemap need it).",
)
@click.option(
    "--language",
    help="The language of the course's pages and of everything coursebook shows, e.g. fr "
    "(with --blank).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Write into a folder that is not empty, replacing files with the same names.",
)
def new(
    directory: Path,
    blank: bool,
    title: str | None,
    coach_name: str | None,
    site_url: str | None,
    language: str | None,
    force: bool,
) -> None:
    """Create a new course in DIRECTORY, ready to preview, build and publish.

    Without --blank, the course starts as the informational-interview course, ready to
    adapt: chapters in content/, worksheets in worksheets/, settings and branding in
    mkdocs.yml. In a terminal, the title, your name and the site's address are asked for
    when not given.
    """
    if directory.is_symlink() and not directory.is_dir():
        fail(f"{directory}: is a link to something that is not a folder")
    if directory.exists() and not directory.is_dir():
        fail(f"{directory}: exists and is not a directory")
    if directory.is_dir() and any(directory.iterdir()) and not force:
        fail(
            f"{directory}: directory is not empty; choose a new one, or add --force to write "
            "into it (files with the same names are replaced)"
        )
    if language is not None:
        language = language.strip()
        if language not in available_languages():
            fail(
                f"--language {language}: coursebook has no messages in this language "
                f"(it has: {', '.join(available_languages())})"
            )
        if not blank and language != "en":
            fail(
                "--language: the full course is written in English; add --blank for a course in another language"
            )
    if site_url is not None and not re.match(r"^https?://[^\s/]+", site_url):
        fail(f"--site-url {site_url}: expected a web address such as https://you.github.io/course/")
    if sys.stdin.isatty():
        title = title or click.prompt(
            "Course title", default="My Course" if blank else "Informational Interviews"
        )
        if coach_name is None:
            coach_name = click.prompt(
                "Your name (the coach or author; leave empty to add later)",
                default="",
                show_default=False,
            )
        if site_url is None:
            site_url = click.prompt(
                "The site's address once published (leave empty to add later)",
                default="",
                show_default=False,
            )
    template = package_files("coursebook").joinpath("scaffold", "blank" if blank else "course")
    with as_file(template) as source:
        if not (source / "mkdocs.yml").is_file():
            fail(f"{source}: the course template is missing from the installed package")
        for relative, content in _template_files(source):
            _write(directory, relative, content)
    if blank and language and language != "en":
        languages = package_files("coursebook").joinpath("scaffold", "languages", language)
        with as_file(languages) as localised:
            for relative, content in _template_files(localised):
                if relative != Path("strings.json"):
                    _write(directory, relative, content)
            strings = _strings(localised / "strings.json")
    else:
        strings = {}
    config = (directory / "mkdocs.yml").read_text(encoding="utf-8")
    config = _settings(config, title, coach_name, site_url or None, language, strings)
    _write(directory, Path("mkdocs.yml"), config.encode("utf-8"))
    # Material refuses a custom_dir that does not exist, and packaging drops empty folders
    _folder(directory, Path("site_src"))
    _write(directory, Path(".gitignore"), GITIGNORE.encode())
    _write(directory, Path(".github/workflows/publish.yml"), _workflow().encode())
    _link_schema(directory)
    worksheets = len(list((directory / "worksheets").glob("*.yml")))
    out(
        f"Created a course in {directory} with {worksheets} "
        f"worksheet{'s' if worksheets != 1 else ''}."
    )
    out("Next, preview it while you edit it (then build it with `mkdocs build`):\n")
    out(f"  cd {_shell_quote(str(directory))}")
    out("  mkdocs serve")
    if not site_url:
        out("\nBefore you publish, set site_url in mkdocs.yml to the course's address.")


def _template_files(source: Path) -> Iterator[tuple[Path, bytes]]:
    """Every file of a template, links in the packaged template followed, with its bytes."""
    for folder, names, files in os.walk(source, followlinks=True):
        names[:] = sorted(n for n in names if n not in _SKIP)
        for name in sorted(files):
            if name.endswith(".pyc"):
                continue
            path = Path(folder) / name
            yield path.relative_to(source), path.read_bytes()


def _folder(root: Path, relative: Path) -> Path:
    """``root / relative`` as a real folder; fails if any part of it is a link."""
    current = root
    current.mkdir(parents=True, exist_ok=True)
    for part in relative.parts:
        current = current / part
        if current.is_symlink():
            fail(f"{current}: is a symbolic link; remove it, or choose another folder")
        current.mkdir(exist_ok=True)
    return current


def _write(root: Path, relative: Path, content: bytes) -> None:
    """Write one file under ``root``: to a temporary name, then renamed over whatever is
    there (a link is replaced, never followed)."""
    folder = _folder(root, relative.parent)
    target = folder / relative.name
    if target.is_dir() and not target.is_symlink():
        fail(f"{target}: is a folder where the course has a file")
    try:
        fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{relative.name}.", suffix=".part")
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(temp, 0o666 & ~mask)
        os.replace(temp, target)
    except OSError as exc:
        fail(f"{target}: cannot write the course ({exc.strerror or exc})")


def _strings(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _yaml_text(value: str) -> str:
    """A YAML scalar for any text (JSON strings are YAML)."""
    return json.dumps(value, ensure_ascii=False)


def _settings(
    config: str,
    title: str | None,
    coach_name: str | None,
    site_url: str | None,
    language: str | None,
    strings: dict[str, Any],
) -> str:
    """The template's mkdocs.yml with this course's title, coach, address and language."""

    def top(key: str, value: str | None, text: str) -> str:
        line = re.compile(rf"^#? ?{key}:.*$", re.MULTILINE)
        if value is None:
            return line.sub("", text, count=1) if line.search(text) else text
        new = f"{key}: {_yaml_text(value)}"
        return line.sub(lambda _: new, text, count=1) if line.search(text) else f"{new}\n{text}"

    title = title or strings.get("site_name")
    if title:
        config = top("site_name", title, config)
    if strings.get("site_description"):
        config = top("site_description", strings["site_description"], config)
    # the tool is not the course's author, and a local preview is not its address
    config = top("site_author", coach_name or None, config)
    config = re.sub(
        r"^site_url:.*$\n?",
        (
            f"site_url: {_yaml_text(site_url)}\n"
            if site_url
            else "# site_url: https://you.github.io/your-course/   # set it before publishing\n"
        ),
        config,
        count=1,
        flags=re.MULTILINE,
    )
    if "site_url:" not in config:
        config = (
            config.replace("\n", f"\nsite_url: {_yaml_text(site_url)}\n", 1) if site_url else config
        )
    if coach_name:
        config = re.sub(
            r"^    # coach:\n    #   name: .*$",
            f"    coach:\n      name: {_yaml_text(coach_name)}",
            config,
            count=1,
            flags=re.MULTILINE,
        )
    if language:
        config = re.sub(
            r"^(  language:) .*$", rf"\1 {language}", config, count=1, flags=re.MULTILINE
        )
    for english, localised in strings.get("replace", {}).items():
        config = config.replace(english, localised)
    return config


def _workflow() -> str:
    return WORKFLOW.replace("{version}", __version__)


GITIGNORE = """\
# what `mkdocs build` makes: rebuilt on every build, never committed
/site/
.cache/
# a Python environment for coursebook, if you make one here
.venv/
__pycache__/
"""

WORKFLOW = """\
# Publishes the course to GitHub Pages on every push to main: the site and both PDF
# workbooks, built with --strict so that any warning stops a broken course going out.
# Turn Pages on once: repository Settings > Pages > Source: GitHub Actions.
name: Publish the course

on:
  push:
    branches: [main]
  workflow_dispatch:

permissions:
  contents: read
  pages: write
  id-token: write

concurrency:
  group: pages
  cancel-in-progress: false

jobs:
  build:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@v4.2.2
      - uses: actions/setup-python@v5.6.0
        with:
          python-version: "3.12"
      - name: Libraries WeasyPrint needs, and fonts for the PDFs
        run: |
          sudo apt-get update
          sudo apt-get install -y --no-install-recommends \\
            libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
      - name: coursebook (the version this course was made with)
        run: pip install "coursebook=={version}"
      - name: Build the site and the workbooks
        env:
          NO_MKDOCS_2_WARNING: "1"
        run: mkdocs build --strict
      - uses: actions/upload-pages-artifact@v3.0.1
        with:
          path: site

  deploy:
    needs: build
    runs-on: ubuntu-24.04
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v4.0.5
"""


def _link_schema(directory: Path) -> None:
    """Give editors the worksheet JSON Schema: a copy at the top, named in each worksheet file."""
    schema = package_files("coursebook.model").joinpath(SCHEMA_FILE).read_bytes()
    _write(directory, Path(SCHEMA_FILE), schema)
    modeline = f"# yaml-language-server: $schema=../{SCHEMA_FILE}"
    for path in sorted((directory / "worksheets").glob("*.yml")):
        text = path.read_text(encoding="utf-8")
        updated = _MODELINE.sub(lambda _: modeline, text, count=1)
        if updated != text:
            _write(directory, path.relative_to(directory), updated.encode("utf-8"))


def _shell_quote(text: str) -> str:
    return text if re.fullmatch(r"[\w@%+=:,./-]+", text) else "'" + text.replace("'", "'\\''") + "'"
