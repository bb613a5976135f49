"""The command line: parse flags, call the library, turn domain errors into exit codes.

Heavy imports (spaCy) happen inside the commands, so `archive --help` is instant.
"""
from __future__ import annotations

import json
import logging
import sys

import click

from archive import __version__
from archive.errors import ArchiveError


def _setup_logging(quiet: bool, verbose: bool) -> None:
    level = logging.ERROR if quiet else logging.DEBUG if verbose else logging.WARNING
    # Only our own logger gets the chosen level: libraries (markdown-it, spaCy) stay quiet.
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s", stream=sys.stderr, force=True)
    logging.getLogger("archive").setLevel(level)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="archive")
def main() -> None:
    """archive: build a cross-linked research site from news articles.

    Articles go in (Markdown with front matter, or plain text); spaCy finds who is mentioned
    and who said what; the editor's registry resolves names to entities; Jinja renders one
    page per article, actor, militia, organisation, place and event.
    """


@main.command()
@click.argument("archive_dir", default=".", type=click.Path(file_okay=False))
@click.option("-o", "--output", help="Folder to write the site to (default: build/ in the archive).")
@click.option("--base-url", help="Where the site is served, e.g. / or /repo/ or https://user.github.io/repo/.")
@click.option("--model", help="spaCy pipeline: auto (default), rules, or an installed pipeline name or path.")
@click.option("--strict", is_flag=True, help="Exit with an error if any article was skipped or any warning was logged.")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
@click.option("-v", "--verbose", is_flag=True, help="Print what each stage does.")
@click.option("--debug", is_flag=True, help="Show tracebacks on errors.")
def build(archive_dir, output, base_url, model, strict, quiet, verbose, debug):
    """Build the site for ARCHIVE_DIR (default: the current folder).

    Reads archive.yml (optional), the articles and the registry, and writes the site to
    build/ (or --output). A failed build leaves the previous site untouched.
    """
    from archive.build import build as run_build
    from archive.config import load_config

    _setup_logging(quiet, verbose)
    try:
        config = load_config(archive_dir, {"output": output, "base_url": base_url, "model": model})
        report = run_build(config)
    except ArchiveError:
        raise
    except Exception as exc:  # an unexpected failure: say so plainly, traceback with --debug
        if debug:
            raise
        raise ArchiveError(f"build failed: {type(exc).__name__}: {exc} (run with --debug for the traceback)") from exc
    for err in report.skipped:
        click.echo(f"skipped: {err}", err=True)
    if not quiet:
        click.echo(report.summary())
    if strict and report.warnings:
        raise ArchiveError(f"--strict: {report.warnings} article(s) skipped")


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON (the default and only format for now).")
@click.option("--archive", "archive_dir", default=".", type=click.Path(file_okay=False),
              help="Archive whose config and registry to use (default: the current folder).")
@click.option("--model", help="spaCy pipeline: auto (default), rules, or an installed pipeline name or path.")
@click.option("--debug", is_flag=True, help="Show tracebacks on errors.")
def extract(inputs, as_json, archive_dir, model, debug):
    """Print the mentions and quotes found in INPUTS (files or folders) as JSON.

    Uses the archive's config and registry, so it reports exactly what a build would show.
    """
    from archive.extract import extract as run_extract

    try:
        doc, errors = run_extract(list(inputs), archive_dir, model)
    except ArchiveError:
        raise
    except Exception as exc:
        if debug:
            raise
        raise ArchiveError(f"extract failed: {type(exc).__name__}: {exc}") from exc
    for err in errors:
        click.echo(f"skipped: {err}", err=True)
    click.echo(json.dumps(doc, ensure_ascii=False, indent=1))
    if errors and not doc["articles"]:
        sys.exit(1)


@main.command()
@click.argument("archive_dir", default=".", type=click.Path(file_okay=False))
@click.option("--id", "ids", multiple=True, help="Only this entity id (repeatable).")
@click.option("--type", "etype", type=click.Choice(["actor", "militia", "organisation", "place", "event"]), help="Only this type.")
@click.option("--min", "min_mentions", default=1, show_default=True, help="Only entities mentioned at least this often.")
@click.option("-n", "--limit", type=int, help="Show at most this many.")
@click.option("--stub", is_flag=True, help="Print registry YAML for the chosen entities, ready to edit and paste into entities.yml.")
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
@click.option("--model", help="spaCy pipeline: auto (default), rules, or an installed pipeline name or path.")
def entities(archive_dir, ids, etype, min_mentions, limit, stub, as_json, model):
    """List the names the registry does not know yet, most frequent first, with a type guess,
    counts and a context line; with --stub, write YAML entries for them."""
    from dataclasses import asdict

    from archive.entities_cmd import candidates, format_table, load_archive, select, stubs

    archive, registry = load_archive(archive_dir, model)
    chosen = select(candidates(archive), tuple(ids), etype, min_mentions, limit)
    if stub:
        click.echo(stubs(chosen, registry), nl=False)
    elif as_json:
        click.echo(json.dumps([asdict(c) for c in chosen], ensure_ascii=False, indent=1))
    else:
        click.echo(format_table(chosen))


if __name__ == "__main__":
    main()
