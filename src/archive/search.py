"""Full-text search: run Pagefind over the finished site, as the last step before publishing.

Pagefind reads the built HTML and writes a chunked static index to `pagefind/`, so search
works on any static host and scales to tens of thousands of pages. What it indexes and how
results can be filtered and sorted is declared in the templates with `data-pagefind-*`
attributes (see templates/base.html): the body of article and entity pages, filters `type`,
`source` and `year`, and sort key `date`.

The binary comes from the `pagefind[bin]` package (a dependency), else a `pagefind` on PATH.
Search is optional: if neither is there, or it fails, the build logs a warning and publishes
the site without an index; the search page then says so instead of breaking.
"""
from __future__ import annotations

import logging
import shutil
import subprocess
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


def index_glob(config) -> str | None:
    """The files Pagefind needs to read, as its `--glob`: the article and entity pages, the only
    ones the default theme marks for the index (`data-pagefind-body` in base.html). Pagefind
    reads every page it is given, marked or not; at 10,000 articles, reading only these took
    15.3 s and 2.3 GB instead of 22.4 s and 3.1 GB, with the same pages in the index (its
    fragment and word files identical). None, for the whole site, when the archive's own
    templates replace base.html or mark pages themselves: what they mark is not known here."""
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
    folders = sorted({article_path("x").split("/")[0], *(f for f, _, _ in SECTIONS.values())})
    return "{" + ",".join(folders) + "}/*.html"  # `*` stops at '/': not the pages by date below them


def pagefind_args(site_dir: Path, output: list[str], glob: str | None) -> list[str]:
    """Pagefind's arguments after the command: the site, where the index goes, what to read."""
    return ["--site", str(site_dir), *output, *(["--glob", glob] if glob else []), "--quiet"]


def build_index(site_dir: Path, glob: str | None = None) -> str | None:
    """Index `site_dir` in place, reading the pages `glob` matches (`index_glob`; None: all).
    Returns None on success, else why search was skipped."""
    cmd = pagefind_command()
    if cmd is None:
        return "Pagefind is not installed (pip install 'pagefind[bin]'); the site has no search index"
    try:
        proc = subprocess.run(cmd + pagefind_args(site_dir, ["--output-subdir", BUNDLE], glob),
                              capture_output=True, text=True, timeout=TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"Pagefind could not run ({exc}); the site has no search index"
    if proc.returncode != 0 or not (site_dir / BUNDLE / "pagefind.js").exists():
        detail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
        shutil.rmtree(site_dir / BUNDLE, ignore_errors=True)
        return f"Pagefind failed (exit {proc.returncode}: {detail[0]}); the site has no search index"
    return None
