"""`archive serve`'s search index: Pagefind runs after each build, in the background.

Pagefind has no incremental mode: it indexes every page it is given. The index is in bundles
(search_bundles.py), and only the bundles whose pages changed are indexed again; at 10,000
articles, a save that adds an article still takes a few seconds of Pagefind. A preview
should not make every save wait for that, so it builds its pages without the index
(`build(..., index_search=False)`: the pages are as with search on, and are published in
place) and this module indexes the finished pages afterwards:

- the index is written into a folder of its own, outside the site, and swapped in whole
  (`pagefind/` under `root`), so a request never sees half an index; the server answers
  `/pagefind/...` from there (`index_path`);
- a new build first cancels an indexing run still going (it would read pages being changed),
  then starts another once its pages are out;
- a bundle whose pages are the files the last index read (same size, time and inode: the
  site is published in place, so a changed page is a new file) is linked from that index;
- until the new index is in place, search answers from the previous one (one save behind);
- without Pagefind, or when it fails, the preview has no search index and says why, once.
"""
from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

from archive.search import BUNDLE, TIMEOUT, build_index, pagefind_command
from archive.search_bundles import PagefindRuns, link_tree, site_pages, stat_token

INDEX_PREFIX = "/" + BUNDLE + "/"


def index_path(url_path: str) -> bool:
    """Whether a request path (query and fragment removed) is the search index's."""
    return url_path == INDEX_PREFIX.rstrip("/") or url_path.startswith(INDEX_PREFIX)


class BackgroundIndex:
    """One indexing run at a time over `site`, into `root / "pagefind"`. `start()` cancels a
    run in progress first; `cancel()` stops it and waits for its thread; `close()` also
    removes `root`. `echo` gets one line per outcome. Thread-safe."""

    def __init__(self, root: Path, echo=lambda message: None):
        self.root = root
        self.echo = echo
        self.current = root / BUNDLE
        self.runs = 0      # indexing runs completed (the index in place is the last one's)
        self._lock = threading.Lock()
        self._generation = 0
        self._pagefind: PagefindRuns | None = None
        self._keys: dict[str, str | None] = {}  # the bundles' keys of the index in place
        self._thread: threading.Thread | None = None
        self._warned: set[str] = set()
        root.mkdir(parents=True, exist_ok=True)

    def start(self, site: Path, sections: list[str] | None = None) -> None:
        """Index `site`, the pages in the folders `sections` (search.index_sections; None: all)."""
        self.cancel()
        with self._lock:
            self._generation += 1
            gen = self._generation
            thread = threading.Thread(target=self._run, args=(site, sections, gen), name="archive-serve-search",
                                      daemon=True)
            thread.start()
            self._thread = thread  # only a started thread: `wait` and `cancel` join it

    def cancel(self) -> None:
        with self._lock:
            self._generation += 1  # a run that finishes now is not swapped in
            runs, thread = self._pagefind, self._thread
            if runs is not None:
                runs.cancel()
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=10)
            if thread.is_alive() and runs is not None:
                runs.cancel(kill=True)  # a Pagefind that does not stop when asked must not hold the server up
                thread.join(timeout=10)

    def wait(self, timeout: float) -> bool:
        """Block until no run is going (for tests and benchmarks). False on timeout."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True

    def clear(self) -> None:
        """Cancel any run and remove the index in place."""
        self.cancel()
        with self._lock:
            shutil.rmtree(self.current, ignore_errors=True)
            self._keys = {}

    def close(self) -> None:
        self.cancel()
        shutil.rmtree(self.root, ignore_errors=True)

    def _warn_once(self, message: str) -> None:
        if message not in self._warned:
            self._warned.add(message)
            self.echo(message)

    def _run(self, site: Path, sections: list[str] | None, gen: int) -> None:
        cmd = pagefind_command()
        if cmd is None:
            self._warn_once("search: Pagefind is not installed (pip install 'pagefind[bin]'); "
                            "the preview has no search index")
            return
        staging = self.root / f".next-{gen}"
        shutil.rmtree(staging, ignore_errors=True)
        started = time.perf_counter()
        last = self._keys  # (only this thread swaps the index and sets them, and one runs at a time)

        def carry(bundle, key: str) -> bool:
            return last.get(bundle.name) == key and link_tree(self.current / bundle.name, staging / bundle.name)

        runs = PagefindRuns(cmd, min(2, os.cpu_count() or 1), TIMEOUT)
        with self._lock:
            self._pagefind = runs
            if gen != self._generation:  # cancelled while starting
                runs.cancel()
        result = build_index(staging, site_pages(site, sections), site.joinpath, sections,
                             token=stat_token(site.joinpath), carry=carry, runs=runs,
                             stage=self.root / f".pages-{gen}", cmd=cmd)
        with self._lock:
            self._pagefind = None
            if gen != self._generation:
                shutil.rmtree(staging, ignore_errors=True)
                return
            failed = result.problem is not None
            old = self.root / f".old-{gen}"
            if not failed:
                # Swapped in whole: two renames, under the lock the server does not need (a
                # request between them gets a 404 and the search page says the index is missing).
                if self.current.exists():
                    self.current.rename(old)
                staging.rename(self.current)
                self._keys = result.keys
                self.runs += 1
        # (what takes time or writes to the terminal, outside the lock)
        if failed:
            shutil.rmtree(staging, ignore_errors=True)
            self.echo(f"search: {result.problem}; search answers from the previous index, if any")
            return
        shutil.rmtree(old, ignore_errors=True)
        self.echo(f"search index updated in {time.perf_counter() - started:.1f} s "
                  f"({len(result.indexed)} of {len(result.keys)} bundles indexed)")
