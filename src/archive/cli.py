"""The command line: parse flags, call the library, turn domain errors into exit codes.

Heavy imports (spaCy) happen inside the commands, so `archive --help` is instant.
"""
from __future__ import annotations

import json
import os
import logging
import sys

import click

from archive import __version__
from archive.errors import ArchiveError


MODEL_HELP = ("spaCy pipeline: auto (default: the best installed en_core_web_*, else rules), rules, "
              "shipped (the pipeline trained for archive), or an installed pipeline name or path.")


def _setup_logging(quiet: bool, verbose: bool) -> None:
    level = logging.ERROR if quiet else logging.DEBUG if verbose else logging.WARNING
    # Only our own logger gets the chosen level: libraries (markdown-it, spaCy) stay quiet.
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s", stream=sys.stderr, force=True)
    logging.getLogger("archive").setLevel(level)
    for handler in logging.getLogger().handlers:  # so that --strict can count warnings --quiet hides
        handler.setLevel(level)


def run() -> None:
    """The `archive` command: `main`, but a process that built a site ends at once.

    Freeing a large build's objects one by one (the index, the pages, the caches of a
    10,000-article archive: millions of objects) takes longer than a whole add-one-article
    build should (~1.3 s at 10,000 articles), and the operating system reclaims the memory at
    exit anyway. So after a build, exit handlers run (they close pools), output is flushed,
    and the process ends with os._exit. Other commands exit normally."""
    import atexit

    from archive import build as build_module

    build_module.KEEP_UNTIL_EXIT = []
    try:
        main()
        code = 0
    except SystemExit as exc:  # click ends every command with sys.exit
        code = exc.code
    if not build_module.KEEP_UNTIL_EXIT:
        sys.exit(code)
    if code is None:
        code = 0
    elif not isinstance(code, int):  # what sys.exit("message") does
        print(code, file=sys.stderr)
        code = 1
    atexit._run_exitfuncs()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


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
@click.option("--model", help=MODEL_HELP)
@click.option("--strict", is_flag=True, help="Exit with an error if any article was skipped or any warning was logged.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Processes for annotation and rendering (default: number of cores).")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the annotation cache (.archive-cache/).")
@click.option("--search/--no-search", default=None,
              help="Build the Pagefind search index, or not, whatever archive.yml says. Pagefind indexes "
                   "the bundles of the index whose pages changed (~3-5 s at 10,000 articles after "
                   "adding one): --no-search while editing, the index in CI.")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
@click.option("-v", "--verbose", is_flag=True, help="Print what each stage does.")
@click.option("--debug", is_flag=True, help="Show tracebacks on errors.")
def build(archive_dir, output, base_url, model, strict, jobs, no_cache, search, quiet, verbose, debug):
    """Build the site for ARCHIVE_DIR (default: the current folder).

    Reads archive.yml (optional), the articles and the registry, and writes the site to
    build/ (or --output). A failed build leaves the previous site untouched.
    """
    from archive.build import build as run_build
    from archive.check import count_warnings
    from archive.config import load_config

    _setup_logging(quiet, verbose)
    try:
        config = load_config(archive_dir, {"output": output, "base_url": base_url, "model": model, "search": search})
        from archive.progress import interactive

        with count_warnings() as logged:
            report = run_build(config, jobs=jobs, use_cache=not no_cache, show_progress=interactive() and not quiet)
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
    if strict and (report.warnings or logged.count):
        raise ArchiveError(f"--strict: {report.warnings} article(s) skipped, {logged.count} warning(s) logged")


@main.command()
@click.argument("archive_dir", default=".", type=click.Path(file_okay=False))
@click.option("-o", "--output", help="The site folder to remove (default: build/ in the archive).")
def clean(archive_dir, output):
    """Remove the annotation cache (.archive-cache/) and the built site of ARCHIVE_DIR."""
    from archive.cache import clean as run_clean
    from archive.config import load_config

    config = load_config(archive_dir, {"output": output})
    removed = run_clean(config)
    click.echo("Removed " + ", ".join(str(p) for p in removed) + "." if removed else "Nothing to remove.")


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON (the default and only format for now).")
@click.option("--archive", "archive_dir", default=".", type=click.Path(file_okay=False),
              help="Archive whose config and registry to use (default: the current folder).")
@click.option("--model", help=MODEL_HELP)
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
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--archive", "archive_dir", default=".", type=click.Path(file_okay=False),
              help="Archive to add the articles to (default: the current folder).")
@click.option("--dry-run", is_flag=True, help="Print the articles instead of writing them.")
def ingest(files, archive_dir, dry_run):
    """Turn FILES into articles in the archive's content folder.

    FILES may be plain text (.txt, like the seed: paragraphs and a 'Source » outlet' line),
    Markdown (.md; a leading '# Heading' becomes the title) or saved news web pages (.html:
    the main text is extracted; title, date, author and URL come from the page's metadata).
    Whatever cannot be found is written as 'key: null  # TODO' and listed here. Existing files
    are never overwritten, and an input whose text is already in the archive is not added.
    Exits with status 1 if any input was not added.
    """
    from archive.config import load_config
    from archive.ingest import ingest as run_ingest

    config = load_config(archive_dir)
    failed = 0
    for result, content in run_ingest(list(files), config, dry_run=dry_run):
        if result.error:
            failed += 1
            click.echo(f"{result.input}: not added: {result.error}", err=True)
            continue
        if result.duplicate_of:
            failed += 1
            click.echo(f"{result.input}: not added: same text as {result.duplicate_of}", err=True)
            continue
        target = result.written or result.input
        for key in result.missing:
            click.echo(f"{result.input}: {key} not found: fill in '{key}:' in {target}", err=True)
        if dry_run:
            click.echo(content)
        else:
            click.echo(f"added {result.written}")
    if failed:
        sys.exit(1)


@main.command()
@click.argument("archive_dir", default=".", type=click.Path(file_okay=False))
@click.option("-p", "--port", default=8000, show_default=True, type=int,
              help="Port to listen on (0: any free port).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; keep 127.0.0.1 unless others must see the preview.")
@click.option("--model", help=MODEL_HELP)
@click.option("--interval", default=0.5, show_default=True, type=float,
              help="Seconds between checks for changed files.")
@click.option("-v", "--verbose", is_flag=True, help="Print what each stage does and every request.")
def serve(archive_dir, port, host, model, interval, verbose):
    """Preview ARCHIVE_DIR in the browser, rebuilding when a file changes.

    Builds into a temporary folder (your build/ is left alone), serves it on
    http://HOST:PORT/, rebuilds when an article, the registry, archive.yml, templates/ or
    static/ change, and reloads the open page. The search index is made after the pages, in
    the background; until it is in, search answers from the previous one. A failed build
    shows the error in the browser until it is fixed. Stop with Ctrl-C.
    """
    from archive.serve import DevServer, serve_forever

    _setup_logging(False, verbose)
    try:
        server = DevServer(archive_dir, host=host, port=port, model=model, interval=interval,
                           echo=lambda message: click.echo(message, err=True))
    except OSError as exc:
        raise ArchiveError(f"cannot listen on {host}:{port}: {exc.strerror or exc} (try --port 0)") from exc
    click.echo(f"Serving {archive_dir} at {server.url} (Ctrl-C to stop)", err=True)
    serve_forever(server)


@main.command()
@click.argument("archive_dir", default=".", type=click.Path(file_okay=False))
@click.option("--site", type=click.Path(file_okay=False),
              help="Built site to check (default: the archive's output folder, build/).")
@click.option("--base-url", help="Base URL the site was built with, if not the one in archive.yml.")
@click.option("--external", is_flag=True, help="Also fetch every external link (slow; needs the network).")
@click.option("--timeout", default=10.0, show_default=True, type=float,
              help="Seconds to wait for each external link.")
def check(archive_dir, site, base_url, external, timeout):
    """Check ARCHIVE_DIR and its built site; exit with status 1 on any problem (for CI).

    Validates archive.yml, every article's front matter and the registry, then parses every
    page of the built site: each internal link and asset must exist, each #anchor must be an
    id on its page. External links are checked only with --external. Run 'archive build'
    first.
    """
    from archive.check import check_archive

    report = check_archive(archive_dir, site=site, external=external, timeout=timeout, base_url=base_url)
    for problem in report.problems:
        click.echo(f"{problem.kind}: {problem}", err=True)
    click.echo(report.summary())
    if not report.ok:
        sys.exit(1)


@main.command()
@click.argument("archive_dir", default=".", type=click.Path(file_okay=False))
@click.option("--id", "ids", multiple=True, help="Only this entity id (repeatable).")
@click.option("--type", "etype", type=click.Choice(["actor", "militia", "organisation", "place", "event"]), help="Only this type.")
@click.option("--min", "min_mentions", default=1, show_default=True, help="Only entities mentioned at least this often.")
@click.option("-n", "--limit", type=int, help="Show at most this many.")
@click.option("--stub", is_flag=True, help="Print registry YAML for the chosen entities, ready to edit and paste into entities.yml.")
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
@click.option("--model", help=MODEL_HELP)
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
