"""The no-change fast path: a build whose inputs are exactly those of the last successful build,
and whose site and cache files are exactly as that build left them, has nothing to do.

After each successful build (with the cache on), `save` records in the cache:

- a digest of every input: the configuration, each article file's path and sha256 (as
  `discover` reports them, with what it skipped), the registry's bytes, the archive's and the
  theme's templates and static files, the package's code (paths, sizes, mtimes), the pipeline
  setup key (`cache._setup_key`), the cache and extractor versions, the Python, Jinja2,
  MarkupSafe and PyYAML versions, and Pagefind's executable when search is on;
- the [path, size, mtime_ns, inode] of every file and folder of the site it left;
- the same of every cache file the build depended on (annotation entries it read or wrote,
  the article cache, the page manifest): a damaged or removed entry is a change too;
- the report's figures.

`try_fast` recomputes the digest, compares the site and the cache files by `stat`, and if all
match returns the report of a build that wrote nothing, without reading an article. Anything
off (or unreadable) means a full build; the record is removed before one starts, so it never
outlives the site it describes.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
import time
from pathlib import Path

import archive
from archive import cache as cache_mod
from archive.errors import ArticleError
from archive.jsonfile import write_json_atomic

log = logging.getLogger("archive")

STATE_VERSION = 1


def state_path(cache_root: Path, output_dir: Path) -> Path:
    key = cache_mod.text_key(str(output_dir.resolve()))[:20]
    return cache_root / f"v{cache_mod.CACHE_VERSION}" / "fast" / f"{key}.json"


def _tree_files(folder: Path) -> list:
    """(relative path, file) of every file under `folder`, sorted; [] if there is no folder."""
    out = []
    if folder.is_dir():
        for dirpath, dirs, files in os.walk(folder):
            dirs.sort()
            for f in sorted(files):
                p = os.path.join(dirpath, f)
                out.append((os.path.relpath(p, folder), p))
    return out


def _hash_tree(h, label: str, folder: Path) -> None:
    h.update(f"\0{label}\0{folder}\0".encode())
    for rel, p in _tree_files(folder):
        try:
            with open(p, "rb") as fh:
                h.update(rel.encode() + b"\0" + hashlib.sha256(fh.read()).digest())
        except OSError:
            h.update(rel.encode() + b"\0?")


def _stat_tree(h, label: str, folder: Path) -> None:
    h.update(f"\0{label}\0{folder}\0".encode())
    for rel, p in _tree_files(folder):
        if "__pycache__" in rel:
            continue
        try:
            s = os.stat(p)
            h.update(f"{rel}\0{s.st_size}\0{s.st_mtime_ns}\0".encode())
        except OSError:
            h.update(rel.encode() + b"\0?")


def inputs_digest(config, sources: list, skipped: list) -> str:
    """Everything a build's output depends on (see the module's docstring)."""
    from archive.render import theme_dir
    from archive.search import pagefind_command

    h = hashlib.sha256()
    h.update(repr((STATE_VERSION, archive.__version__, cache_mod.CACHE_VERSION, cache_mod.EXTRACTOR_VERSION,
                   repr(config), sys.version, [_dist(n) for n in ("jinja2", "markupsafe", "pyyaml")])).encode())
    for src in sources:
        h.update(f"{src.rel}\0{src.sha256}\0".encode())
    h.update(b"\0skipped\0")
    for exc in skipped:
        h.update(f"{exc.path}\0{exc.reason}\0".encode())
    try:
        h.update(b"\0registry\0" + config.registry_path.read_bytes())
    except OSError:
        h.update(b"\0registry\0?")
    for label, folder in (("theme templates", theme_dir("templates")), ("theme static", theme_dir("static")),
                          ("templates", config.templates_dir), ("static", config.static_dir)):
        _hash_tree(h, label, folder)
    _stat_tree(h, "code", Path(archive.__file__).parent)
    h.update(cache_mod._setup_key(config.model).encode())
    if config.search:
        cmd = pagefind_command()
        h.update(repr(cmd).encode())
        if cmd:
            try:
                s = os.stat(cmd[0])
                h.update(f"{s.st_size}\0{s.st_mtime_ns}".encode())
            except OSError:
                pass
    return h.hexdigest()


def _dist(name: str) -> str | None:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _stat(path: str) -> list | None:
    try:
        s = os.stat(path)
    except OSError:
        return None
    return [s.st_size, s.st_mtime_ns, s.st_ino]


def _site_listing(out: Path) -> list:
    """[rel, size, mtime_ns, inode] of every file, and [rel] of every folder, of the site."""
    entries = []
    for dirpath, dirs, files in os.walk(out):
        dirs.sort()
        rel = os.path.relpath(dirpath, out)
        entries.append([rel])
        for f in sorted(files):
            p = os.path.join(dirpath, f)
            s = os.lstat(p)
            entries.append([os.path.join(rel, f), s.st_size, s.st_mtime_ns, s.st_ino])
    return entries


def remove_state(path: Path | None) -> None:
    if path is not None:
        try:
            path.unlink()
        except OSError:
            pass


def try_fast(path: Path, digest: str, config, report_cls):
    """The report of a build with nothing to do, or None when a full build is needed."""
    try:
        with open(path, "rb") as fh:
            state = json.loads(fh.read())
        if state.get("version") != STATE_VERSION or state.get("inputs") != digest:
            return None
        for p, *stat in state["cache_files"]:
            if _stat(p) != stat:
                return None
        if _site_listing(config.output_dir) != state["site"]:
            return None
        rep = state["report"]
        report = report_cls(output=config.output_dir)
        report.skipped = [ArticleError(p, r) for p, r in rep["skipped"]]
        for name in ("pipeline", "articles", "entities", "quotes", "pages", "data_rows", "feeds", "search"):
            setattr(report, name, rep[name])
        report.reused = rep["reused"]
        report.unchanged = sum(1 for e in state["site"] if len(e) == 4)
        return report
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def save_state(path: Path, digest: str, config, report, cache_files: list[str]) -> None:
    """Record the build just finished (see the module's docstring). A build whose search index
    was skipped (no Pagefind) is not recorded: the next one tries again."""
    if config.search and report.search != "pagefind":
        return
    try:
        files = []
        for p in sorted(set(cache_files)):
            st = _stat(p)
            if st is None:
                return
            files.append([p, *st])
        state = {
            "version": STATE_VERSION, "inputs": digest, "saved": time.time(), "cache_files": files,
            "site": _site_listing(config.output_dir),
            "report": {"skipped": [[e.path, e.reason] for e in report.skipped], "pipeline": report.pipeline,
                       "articles": report.articles, "entities": report.entities, "quotes": report.quotes,
                       "pages": report.pages, "data_rows": report.data_rows, "feeds": report.feeds,
                       "search": report.search, "reused": report.annotated + report.rematched + report.reused},
        }
        write_json_atomic(path, state)
    except (OSError, TypeError, ValueError) as exc:
        log.debug("fast-path record not written (%s)", exc)
        remove_state(path)
