"""Full-text search: run Pagefind over the finished site, as the last step before publishing.

Pagefind reads the built HTML and writes chunked static indexes to `pagefind/`, so search
works on any static host and scales to tens of thousands of pages. The pages are indexed in
bundles (search_bundles.py), and a build indexes only the bundles whose pages changed; the
search page (static/search.js) searches every bundle and merges their results. What it
indexes and how results can be filtered and sorted is declared in the templates with `data-pagefind-*`
attributes (see templates/base.html): the body of article and entity pages, filters `type`,
`source` and `year`, and sort key `date`.

The binary comes from the `pagefind[bin]` package (a dependency), else a `pagefind` on PATH.
Search is optional: if neither is there, or it fails, the build logs a warning and publishes
the site without an index; the search page then says so instead of breaking.
"""
from __future__ import annotations

import logging
import shutil
from pathlib import Path

log = logging.getLogger("archive")

BUNDLE = "pagefind"  # folder of the index in the site; the search page loads it relatively
TIMEOUT = 600


def pagefind_command() -> list[str] | None:
    """The command that runs Pagefind, or None if it is not installed."""
    try:
        import pagefind_bin  # the binary wheel the `pagefind[bin]` extra installs

        return [str(pagefind_bin.get_executable())]
    except (ImportError, FileNotFoundError):
        pass
    exe = shutil.which("pagefind") or shutil.which("pagefind_extended")
    return [exe] if exe else None


def index_sections(config) -> list[str] | None:
    """The folders of the pages Pagefind needs to read, the articles' first: those of the
    article and entity pages, the only ones the default theme marks for the index
    (`data-pagefind-body` in base.html). Pagefind reads every page it is given, marked or not;
    at 10,000 articles, reading only these took 15.3 s and 2.3 GB instead of 22.4 s and 3.1 GB,
    with the same pages in the index (each bundle now reads only its own pages: search_bundles.py).
    None, for the whole site, when the archive's own templates replace base.html or mark pages
    themselves: what they mark is not known here."""
    from archive.plan import SECTIONS, article_path
    from archive.render import theme_dir

    folder = config.templates_dir
    # (the demo archive's templates/ is the default theme itself)
    if folder is not None and folder.is_dir() and folder.resolve() != theme_dir("templates").resolve():
        for path in folder.rglob("*"):
            if path.name == "base.html":
                return None
            try:
                if path.is_file() and b"data-pagefind-body" in path.read_bytes():
                    return None
            except OSError:
                return None
    return [article_path("x").split("/")[0], *sorted(f for f, _, _ in SECTIONS.values())]


def pagefind_args(site_dir: Path, output: list[str]) -> list[str]:
    """Pagefind's arguments after the command: the site, where the index goes."""
    return ["--site", str(site_dir), *output, "--quiet"]


def build_index(dest: Path, pages, source, sections: list[str] | None, jobs: int = 1, token=None,
                carry=None, runs=None, stage: Path | None = None, cmd: list[str] | None = None):
    """Index a site into `dest` (a folder of its own: its `pagefind/`, or `archive serve`'s),
    in bundles (search_bundles.py) of its `pages` (site-relative paths) in `sections`
    (`index_sections`; None: every page), on `jobs` Pagefind processes (or `runs`, a
    search_bundles.PagefindRuns the caller can cancel). A page's file is `source(rel)`; the
    pages to index are staged in `stage` (default: beside `dest`'s folder, outside it).
    `token(rel)` names a page's bytes (search_bundles.stat_token), `carry(bundle, key)` puts
    the last index of a bundle with that key in place; without them every bundle is indexed.
    `cmd`: the Pagefind command (default: `pagefind_command()`). Returns
    search_bundles.IndexResult; its `problem` says why there is no index."""
    from archive.search_bundles import (IndexResult, PagefindRuns, bundle_key, index_bundles,
                                        pagefind_identity, plan_bundles)

    cmd = cmd or pagefind_command()
    if cmd is None:
        return IndexResult("Pagefind is not installed (pip install 'pagefind[bin]')", {}, [], [])
    bundles = plan_bundles(pages, sections)
    who = pagefind_identity(cmd)
    keys = {b.name: bundle_key(b, token, who) if token is not None else None for b in bundles}
    # beside the build's temporary site (unique), named after it: a killed build's is swept with
    # it (render._clean_leftovers); made only if a bundle is indexed, and removed after
    stage = stage or dest.parent.parent / f"{dest.parent.name}-search"
    return index_bundles(source, stage, dest, bundles, keys, carry or (lambda bundle, key: False),
                         runs or PagefindRuns(cmd, jobs, TIMEOUT))
