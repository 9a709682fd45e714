"""``coursebook new``: a complete course (or a blank one) that builds strictly; never over someone's files."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from coursebook.project import Project
from pypdf import PdfReader

from tests.coach.conftest import cli, new_course
from tests.conftest import ROOT, mkdocs_build


def test_new_course_is_the_full_course_and_builds_strictly(
    tmp_path: Path, default_site: Path
) -> None:
    result = cli("new", str(tmp_path / "my course"))
    assert result.exit_code == 0, result.output
    project = tmp_path / "my course"
    # the same course makes the same PDFs: the workbook cache (keyed by content, not by
    # folder) built with the shipped course saves building them again
    cache = ROOT / ".cache" / "plugin" / "workbook"
    if cache.is_dir():
        shutil.copytree(cache, project / ".cache" / "plugin" / "workbook")
    # the next two commands, quoted for a shell because of the space
    assert f"  cd '{project}'\n  mkdocs serve\n" in result.stdout
    shipped = sorted(p.relative_to(ROOT / "content") for p in (ROOT / "content").rglob("*.md"))
    copied = sorted(p.relative_to(project / "content") for p in (project / "content").rglob("*.md"))
    assert copied == shipped
    assert sorted(p.name for p in (project / "worksheets").glob("*.yml")) == sorted(
        p.name for p in (ROOT / "worksheets").glob("*.yml")
    )
    # editors find the schema: the copied worksheets name the copy next to them
    for worksheet in (project / "worksheets").glob("*.yml"):
        first = worksheet.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../worksheet.schema.json"
    assert (project / "worksheet.schema.json").is_file()
    assert (project / "site_src").is_dir()

    build = mkdocs_build(project / "mkdocs.yml", tmp_path / "site")
    assert build.returncode == 0, build.log
    assert build.warnings == [], build.log
    for page in ("review", "privacy", "workbook"):
        assert (tmp_path / "site" / page / "index.html").is_file()
    for pdf in ("workbook.pdf", "workbook-print.pdf"):
        ours, shipped = PdfReader(tmp_path / "site" / pdf), PdfReader(default_site / pdf)
        assert len(ours.pages) == len(shipped.pages)
        assert sorted(ours.get_fields() or {}) == sorted(shipped.get_fields() or {})
    assert "data-answers-review" in (tmp_path / "site" / "review" / "index.html").read_text()


def test_blank_course_has_one_example_worksheet_and_builds_strictly(tmp_path: Path) -> None:
    project = new_course(tmp_path / "blank", "--blank")
    project_config = Project.load(project / "mkdocs.yml")
    worksheets, errors = project_config.check()
    assert errors == []
    assert list(worksheets) == ["first-steps"]
    types = {f.type for f in worksheets["first-steps"].fields}
    assert len(types) >= 5, types
    build = mkdocs_build(project / "mkdocs.yml", tmp_path / "site")
    assert build.returncode == 0, build.log
    assert build.warnings == [], build.log
    home = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert 'data-worksheet="first-steps"' in home


def test_refuses_a_non_empty_directory_and_touches_nothing(tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.mkdir()
    (target / "notes.md").write_text("mine\n", encoding="utf-8")
    result = cli("new", str(target))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{target}: directory is not empty; choose a new one, or add --force to write into it "
        "(files with the same names are replaced)"
    ]
    assert sorted(p.name for p in target.iterdir()) == ["notes.md"]
    assert (target / "notes.md").read_text(encoding="utf-8") == "mine\n"


def test_force_writes_into_a_non_empty_directory_and_keeps_other_files(tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.mkdir()
    (target / "notes.md").write_text("mine\n", encoding="utf-8")
    new_course(target, "--blank", "--force")
    assert (target / "notes.md").read_text(encoding="utf-8") == "mine\n"
    assert (target / "mkdocs.yml").is_file()


def test_refuses_a_file_in_the_way(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x", encoding="utf-8")
    result = cli("new", str(target))
    assert result.exit_code != 0
    assert "Traceback" not in result.output


def test_the_installed_command_reports_without_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "x").write_text("x", encoding="utf-8")
    script = Path(sys.executable).with_name("coursebook")
    command = [str(script)] if script.exists() else ["coursebook"]
    run = subprocess.run(
        [*command, "new", str(tmp_path)], capture_output=True, text=True, env=os.environ.copy()
    )
    assert run.returncode == 1
    assert run.stdout == ""
    assert run.stderr.count("\n") == 1 and str(tmp_path) in run.stderr
    assert "Traceback" not in run.stderr


@pytest.fixture(scope="module")
def built_package(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The files of the real wheel of the package, unpacked."""
    unpacked = tmp_path_factory.mktemp("package") / "lib"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(unpacked)
    return unpacked


def test_the_package_carries_both_templates_as_real_files(built_package: Path) -> None:
    names = {
        p.relative_to(built_package).as_posix() for p in built_package.rglob("*") if p.is_file()
    }
    assert not any(p.is_symlink() for p in built_package.rglob("*"))
    course = "coursebook/scaffold/course/"
    for path in (ROOT / "content").rglob("*.md"):
        assert course + "content/" + path.relative_to(ROOT / "content").as_posix() in names
    for path in (ROOT / "worksheets").glob("*.yml"):
        assert course + "worksheets/" + path.name in names
    assert (built_package / course / "mkdocs.yml").read_bytes() == (
        ROOT / "mkdocs.yml"
    ).read_bytes()
    blank = "coursebook/scaffold/blank/"
    for name in (
        "mkdocs.yml",
        "content/index.md",
        "content/review.md",
        "worksheets/first-steps.yml",
    ):
        assert blank + name in names
    assert (built_package / blank / "content/review.md").read_bytes() == (
        ROOT / "content" / "review.md"
    ).read_bytes()
    assert "coursebook/mkdocs_plugins/coach/theme/partials/copyright.html" in names
    assert "coursebook/runtime/lazy/review.js" in names


def test_force_never_writes_through_a_link_out_of_the_folder(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "index.md"
    secret.write_text("the coach's own file\n", encoding="utf-8")
    target = tmp_path / "course"
    (target / "content").mkdir(parents=True)
    (target / "content" / "index.md").symlink_to(secret)  # a file link
    (target / "worksheets").symlink_to(outside)  # a folder link
    result = cli("new", str(target), "--blank", "--force")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{target / 'worksheets'}: is a symbolic link; remove it, or choose another folder"
    ]
    assert secret.read_text(encoding="utf-8") == "the coach's own file\n"
    assert sorted(p.name for p in outside.iterdir()) == ["index.md"]
    # the file link is replaced by the course's page, never followed
    assert not (target / "content" / "index.md").is_symlink()
    (target / "worksheets").unlink()
    assert cli("new", str(target), "--blank", "--force").exit_code == 0
    assert secret.read_text(encoding="utf-8") == "the coach's own file\n"


def test_a_new_course_is_ready_to_publish(tmp_path: Path) -> None:
    result = cli(
        "new",
        str(tmp_path / "c"),
        "--blank",
        "--title",
        'Career "moves"',
        "--coach",
        "Ana Lima",
        "--site-url",
        "https://ana.github.io/moves/",
    )
    assert result.exit_code == 0, result.output
    project = tmp_path / "c"
    settings = Project.load(project / "mkdocs.yml").settings
    assert settings["site_name"] == 'Career "moves"'
    assert settings["site_url"] == "https://ana.github.io/moves/"
    assert settings["site_author"] == "Ana Lima"
    assert settings["extra"]["coursebook"]["coach"] == {"name": "Ana Lima"}
    text = (project / "mkdocs.yml").read_text(encoding="utf-8")
    assert "coursebook" not in settings.get("site_author", "")
    assert "127.0.0.1" not in text and "localhost" not in text
    ignored = (project / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "/site/" in ignored and ".cache/" in ignored
    workflow = yaml.safe_load((project / ".github" / "workflows" / "publish.yml").read_text())
    steps = [s.get("uses", s.get("run", "")) for s in workflow["jobs"]["build"]["steps"]]
    assert "mkdocs build --strict" in steps
    # every action pinned to an exact release
    for step in [*workflow["jobs"]["build"]["steps"], *workflow["jobs"]["deploy"]["steps"]]:
        if "uses" in step:
            assert re.fullmatch(r"actions/[a-z-]+@v\d+\.\d+\.\d+", step["uses"]), step["uses"]
    build = mkdocs_build(project / "mkdocs.yml", tmp_path / "site")
    assert build.returncode == 0, build.log
    html = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "Career &#34;moves&#34;" in html or "Career &quot;moves&quot;" in html


def test_without_an_address_the_course_says_to_set_one_and_a_local_one_warns(
    tmp_path: Path,
) -> None:
    result = cli("new", str(tmp_path / "c"), "--blank")
    assert result.exit_code == 0
    assert "set site_url in mkdocs.yml" in result.stdout
    config = tmp_path / "c" / "mkdocs.yml"
    assert "site_url" not in Project.load(config).settings
    config.write_text(
        config.read_text(encoding="utf-8") + "site_url: http://127.0.0.1:8000/\n", encoding="utf-8"
    )
    build = mkdocs_build(config, tmp_path / "site")
    assert build.returncode != 0  # --strict: the warning stops the build
    assert any("site_url is a local address" in w for w in build.warnings), build.log
