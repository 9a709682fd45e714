"""``coursebook`` command line: arguments in, exit status and one-line messages out."""

from __future__ import annotations

import click

from coursebook import __version__
from coursebook.cli.common import CONFIG_OPTION, collect_log, fail, out, say, warn
from coursebook.cli.engine import engine_for
from coursebook.model import WorksheetErrors
from coursebook.project import Project, ProjectError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(context_settings=CONTEXT, invoke_without_command=True)
@click.version_option(__version__, "-V", "--version", prog_name="coursebook")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Publish a self-paced course with a workbook.

    A course is a folder with mkdocs.yml (or properdocs.yml), chapters in Markdown and
    worksheets in YAML. Build the site and the PDF workbooks with `mkdocs build` (or
    `properdocs build`); use these commands to start a course, check it, and work with your
    clients' answers.
    """
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())
        ctx.exit(0)


@main.command(context_settings=CONTEXT)
@CONFIG_OPTION
def validate(config_file: str | None) -> None:
    """Check the course without building it: worksheets, pages, settings and branding.

    Every mistake that would stop `mkdocs build` is reported in the build's own words, one
    line each, and the exit status is 1; warnings (which fail `mkdocs build --strict`)
    are printed too.
    """
    try:
        project = Project.load(config_file)
    except WorksheetErrors as exc:
        _fail(list(map(str, exc.errors)))
    except ProjectError as exc:
        _fail([str(exc)])
    worksheets, errors = project.check()
    problems = [str(e) for e in errors]
    warnings: list[str] = []
    settings_problems, settings_warnings = _check_settings(project)
    problems += settings_problems
    warnings += settings_warnings
    if problems:
        warn(warnings)
        _fail(problems)
    used = project.references()
    for worksheet in worksheets.values():
        pages = used.get(worksheet.id, [])
        if not pages:
            warnings.append(
                f"{worksheet.source}: worksheet '{worksheet.id}' is not used on any page"
            )
        elif len(pages) > 1:
            warnings.append(
                f"{worksheet.source}: worksheet '{worksheet.id}' is used on {len(pages)} pages "
                f"({', '.join(pages)})"
            )
    warn(warnings)
    count = sum(len(p) for p in used.values())
    out(f"ok: {len(worksheets)} worksheets, {len(project.pages())} pages, {count} worksheet blocks")


def _check_settings(project: Project) -> tuple[list[str], list[str]]:
    """The site config as the build checks it: the engine's own validation (MkDocs' or
    ProperDocs') of every setting and plugin option, then the checks coursebook's plugins
    make when a build starts."""
    from coursebook.branding import BrandingError, branding_warnings, load_branding, logo_file
    from coursebook.i18n import CatalogueError

    errors: list[str] = []
    warnings: list[str] = []
    config_path = project.root / project.source
    engine = engine_for(config_path)
    with collect_log() as messages:
        try:
            engine.load_config(str(config_path))
        except engine.error as exc:
            logged = [m for level, m in messages if level >= 40]
            errors += logged or [f"{project.source}: {exc}"]
        except Exception as exc:  # a plugin or theme that fails to load says why, one line
            errors.append(f"{project.source}: the site config cannot be loaded ({exc})")
    warnings += [f"{project.source}: {m}" for level, m in messages if level == 30]
    try:
        branding = load_branding(project.site_name, project.settings.get("extra"), project.source)
        logo_file(branding, project.docs_dir, project.source)
    except BrandingError as exc:
        errors.append(str(exc))
    warnings += branding_warnings(project.settings.get("extra"), project.source)
    try:
        catalogue = project.catalogue()
    except CatalogueError as exc:
        errors.append(str(exc))
    else:
        if catalogue.unknown:
            warnings.append(
                f"{project.source}: worksheets: messages: unknown message id(s) "
                f"{', '.join(catalogue.unknown)}"
            )
        if catalogue.missing:
            warnings.append(
                f"{project.source}: worksheets: messages: {len(catalogue.missing)} message(s) "
                f"shown in English for '{project.language}' ({', '.join(catalogue.missing)})"
            )
    return errors, warnings


def _fail(lines: list[str]) -> None:
    for line in lines:
        say(line)
    n = len(lines)
    fail(f"{n} error{'s' if n != 1 else ''} found")


# the commands in their own modules register last, so they can import from this one freely
from coursebook.cli.answers import answers  # noqa: E402
from coursebook.cli.new import new  # noqa: E402
from coursebook.cli.pdf import pdf  # noqa: E402

main.add_command(new)
main.add_command(answers)
main.add_command(pdf)
