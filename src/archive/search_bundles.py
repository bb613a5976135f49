"""The search index in bundles, so that a build runs Pagefind only on the pages that changed.

Pagefind has no incremental mode: given a site, it indexes every page (15 s and 2.3 GB at
10,000 articles, on every build that changes anything). So the pages it indexes are split
into bundles, each a Pagefind index of its own in `pagefind/<name>/`, listed in
`pagefind/bundles.json`; the search page (static/search.js) searches them all and merges the
results. A bundle whose pages are the very pages of the last build's bundle is carried over;
the others are indexed, `jobs` Pagefind processes at a time.

- Articles go to buckets by a hash of their path (a power of two of them, so that on average
  no bucket holds more than BUCKET_SIZE): adding or editing an article changes one bucket,
  and each bucket is a random sample of the archive, so that scores from different buckets
  compare (their words are about as common in each) and the merged ranking stays sound.
- Entity pages are bundles of their own (one, or a few by a hash of their path past
  ENTITY_BUCKET_SIZE): adding an article changes the pages of the entities it names, which
  could be in any bucket, so they change together; more than one runs on more cores.
- An archive whose own templates mark pages for the index (search.index_sections is None)
  is one bundle, the whole site, indexed whenever any page changed.

Which pages a bundle holds depends on the site's files only (its article pages' names), so a
build and a clean build of the same archive make the same bundles and the same bundles.json.
A bundle's key (`bundle_key`) is made from its pages' files (`stat_token`: size, time, inode):
`archive build` keeps a page's file when its bytes did not change (render.write_site), and
`archive serve` publishes in place, replacing only the changed pages' files. The pages'
render keys would say less: an entity page's key changes with every article it lists, also
when its bytes do not.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import threading
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from archive.pagestore import link_or_copy
from archive.publish import files_under

LIST = "bundles.json"
BUCKET_SIZE = 1500
# Entity pages are larger (their mentions in context): 1,663 at 10,000 articles hold 53 MB of
# HTML against 164 MB for the articles. In two bundles they are indexed on both cores.
ENTITY_BUCKET_SIZE = 1000
ENTITY_BUNDLE = "entities"
WHOLE_SITE = "site"
FORMAT = 1  # of the bundles and their keys: a change here re-indexes every bundle


@dataclass(frozen=True)
class Bundle:
    name: str
    pages: tuple[str, ...]  # site-relative paths of the pages Pagefind reads, sorted


def buckets_for(n: int, size: int) -> int:
    """How many bundles `n` pages go to: 1 up to `size`, then the smallest power of two that
    keeps the bundles at most `size` pages on average (8 for 10,000 articles). A power of two,
    so that growing the archive past a bound re-buckets it rarely."""
    k = 1
    while n > k * size:
        k *= 2
    return k


def site_pages(site: Path, sections: list[str] | None) -> list[str]:
    """The pages of the site in `site` that `plan_bundles` needs: those directly in the folders
    `sections`, or with None every page (outside the index's own folder)."""
    if sections is None:
        return [str(p.relative_to(site)).replace(os.sep, "/") for p in site.rglob("*.html")
                if not p.relative_to(site).parts[0].startswith("pagefind")]
    out = []
    for folder in sections:
        try:
            out += [f"{folder}/{e.name}" for e in os.scandir(site / folder) if e.name.endswith(".html") and e.is_file()]
        except FileNotFoundError:
            pass
    return out


def plan_bundles(pages, sections: list[str] | None) -> list[Bundle]:
    """The bundles of a site whose pages are `pages` (site-relative paths): article buckets and
    the entity pages, from the pages directly in the folders `sections` (the first is the
    articles'; search.index_sections), or, with `sections` None, one bundle of every page.
    Section listings (index.html) are left out: the default theme does not mark them."""
    if sections is None:
        return [Bundle(WHOLE_SITE, tuple(sorted(p for p in pages if p.endswith(".html"))))]
    by_folder: dict[str, list[str]] = {f: [] for f in sections}
    for rel in pages:
        folder, _, name = rel.partition("/")
        if folder in by_folder and name.endswith(".html") and "/" not in name and name != "index.html":
            by_folder[folder].append(rel)
    articles_dir, others = sections[0], sections[1:]
    out: list[Bundle] = []
    for prefix, members, size in ((articles_dir, by_folder[articles_dir], BUCKET_SIZE),
                                  (ENTITY_BUNDLE, [r for f in others for r in by_folder[f]], ENTITY_BUCKET_SIZE)):
        k = buckets_for(len(members), size)
        parts: list[list[str]] = [[] for _ in range(k)]
        for rel in members:
            parts[zlib.crc32(rel.encode()) % k].append(rel)
        for i, part in enumerate(parts):
            if part:
                # the entity pages' one bundle keeps its plain name; article buckets are numbered always
                name = prefix if k == 1 and prefix == ENTITY_BUNDLE else f"{prefix}-{i}"
                out.append(Bundle(name, tuple(sorted(part))))
    return out


def pagefind_identity(cmd: list[str]) -> str:
    """Which Pagefind makes the index: its package's version, else its binary's size and time."""
    try:
        from importlib.metadata import version

        return "pagefind_bin " + version("pagefind_bin")
    except Exception:  # noqa: BLE001 (not installed as a package: the binary on PATH)
        try:
            st = os.stat(cmd[-1])
            return f"{cmd[-1]} {st.st_size} {st.st_mtime_ns}"
        except OSError:
            return " ".join(cmd)


def bundle_key(bundle: Bundle, token: Callable[[str], str | None], pagefind: str) -> str | None:
    """A digest of everything the bundle's index is made from: its pages (each by `token(rel)`,
    which must change whenever the page's bytes do), what it reads and which Pagefind. None
    when a page has no token: that bundle is indexed."""
    h = hashlib.sha256(f"{FORMAT}\n{pagefind}\n{bundle.name}\n".encode())
    for rel in bundle.pages:
        t = token(rel)
        if t is None:
            return None
        h.update(f"{rel}\t{t}\n".encode())
    return h.hexdigest()


def stat_token(source: Callable[[str], Path]) -> Callable[[str], str | None]:
    """A page's file identity (size, modification time, inode) as its token, the file being
    `source(rel)`: a build keeps the file of a page whose bytes did not change, and a site
    published in place (archive serve) replaces only the changed pages' files."""
    def token(rel: str) -> str | None:
        try:
            st = os.stat(source(rel))
        except OSError:
            return None
        return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}"
    return token


def _stage(source: Callable[[str], Path], pages, into: Path) -> None:
    """A folder that holds exactly `pages` (hard links to their files, copies where links
    cannot be made), for Pagefind to read as a site: it reads every page it is given, and a
    build published in place has its pages in two folders (the changed ones and the site)."""
    made: set[str] = set()
    for rel in pages:
        folder = os.path.dirname(rel)
        if folder not in made:
            os.makedirs(into / folder, exist_ok=True)
            made.add(folder)
        link_or_copy(source(rel), into / rel)


class PagefindRuns:
    """Runs Pagefind once per bundle, `jobs` processes at a time; `cancel()`, from any thread,
    terminates the runs going and starts no more."""

    def __init__(self, cmd: list[str], jobs: int, timeout: float):
        self.cmd, self.jobs, self.timeout = cmd, max(1, jobs), timeout
        self.cancelled = False
        self._procs: set[subprocess.Popen] = set()
        self._lock = threading.Lock()

    def cancel(self, kill: bool = False) -> None:
        with self._lock:
            self.cancelled = True
            for proc in self._procs:
                if proc.poll() is None:
                    proc.kill() if kill else proc.terminate()

    def run(self, source: Callable[[str], Path], stage: Path, dest: Path, bundles: list[Bundle]) -> str | None:
        """Index each bundle into `dest/<name>`, its pages (files `source(rel)`) staged in
        `stage/<name>`. None when all succeeded, else what went wrong (the first failure)."""
        def one(bundle: Bundle) -> str | None:
            try:
                _stage(source, bundle.pages, stage / bundle.name)
                return self._index(stage / bundle.name, dest / bundle.name, bundle.name)
            except OSError as exc:
                return f"Pagefind's pages could not be staged ({exc})"
            finally:
                shutil.rmtree(stage / bundle.name, ignore_errors=True)

        # the largest first: the pool then ends with small ones on both cores
        todo = sorted(bundles, key=lambda b: -len(b.pages))
        try:
            with ThreadPoolExecutor(max_workers=min(self.jobs, len(todo) or 1)) as pool:
                problems = [p for p in pool.map(one, todo) if p]
        finally:
            shutil.rmtree(stage, ignore_errors=True)
        return problems[0] if problems else None

    def _index(self, site: Path, out: Path, name: str) -> str | None:
        """One Pagefind process: `site` (the bundle's staged pages) into `out`."""
        from archive.search import pagefind_args

        args = self.cmd + pagefind_args(site, ["--output-path", str(out)])
        with self._lock:
            if self.cancelled:
                return "cancelled"
            try:
                proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            except OSError as exc:
                return f"Pagefind could not run ({exc})"
            self._procs.add(proc)
        try:
            stdout, stderr = proc.communicate(timeout=self.timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            stdout, stderr = proc.communicate()
            return f"Pagefind took longer than {self.timeout:.0f} s on the bundle {name}"
        finally:
            with self._lock:
                self._procs.discard(proc)
        if self.cancelled:
            return "cancelled"
        if proc.returncode != 0 or not (out / "pagefind.js").is_file():
            detail = (stderr or stdout or "").strip().splitlines()[-1:] or ["no output"]
            return f"Pagefind failed (exit {proc.returncode}: {detail[0]})"
        return None


@dataclass
class IndexResult:
    problem: str | None   # why there is no index (then `dest` holds none), else None
    keys: dict[str, str | None]
    indexed: list[str]    # bundles Pagefind ran on
    carried: list[str]    # bundles taken from the last index
    seconds: tuple[float, float] = (0.0, 0.0)  # carrying, indexing (for -v)


def index_bundles(source: Callable[[str], Path], stage: Path, dest: Path, bundles: list[Bundle],
                  keys: dict[str, str | None], carry: Callable[[Bundle, str], bool], runs: PagefindRuns) -> IndexResult:
    """Make the index of a site whose page `rel` is the file `source(rel)` in `dest` (a folder
    of its own): each bundle whose key the last index had is carried over by `carry(bundle,
    key)` (which puts its files in place and says whether it could), the others are indexed,
    their pages staged in `stage` (a folder outside the site, removed after); then
    `dest/bundles.json` lists them all. On failure nothing is left in `dest`."""
    dest.mkdir(parents=True, exist_ok=True)
    carried, todo = [], []
    began = time.perf_counter()
    for b in bundles:
        key = keys.get(b.name)
        if key is not None and carry(b, key):
            carried.append(b.name)
        else:
            shutil.rmtree(dest / b.name, ignore_errors=True)  # whatever a failed carry left
            todo.append(b)
    carrying = time.perf_counter() - began
    problem = runs.run(source, stage, dest, todo) if todo else None
    if problem is None and not bundles:
        problem = "no pages to index"
    if problem is not None:
        shutil.rmtree(dest, ignore_errors=True)
        return IndexResult(problem, keys, [], [])
    # what the search page reads: the bundles, in a fixed order (their names sort)
    (dest / LIST).write_text(json.dumps({"version": FORMAT, "bundles": sorted(b.name for b in bundles)}) + "\n",
                             encoding="utf-8")
    return IndexResult(None, keys, [b.name for b in todo], carried, (carrying, time.perf_counter() - began - carrying))


def link_tree(src: Path, dest: Path) -> bool:
    """Hard-link every file under `src` into `dest` (made), copying where links cannot be made.
    False if `src` is not a folder or a file could not be placed."""
    if not src.is_dir():
        return False
    try:
        dest.mkdir(parents=True, exist_ok=True)
        _stage(src.joinpath, files_under(src), dest)
    except OSError:
        return False
    return True
