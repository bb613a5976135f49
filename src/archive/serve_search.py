"""`archive serve`'s search index: Pagefind runs after each build, in the background.

Pagefind has no incremental mode: it indexes every page of the site each time (about 15 s and
2.3 GB at 10,000 articles, 3 s at 1,000). In `archive build` that is the price of a complete,
consistent site. In a preview it would make every save wait for it, so the preview builds its
pages without the index (`build(..., index_search=False)`: the pages are as with search on,
and are published in place) and this module indexes the finished pages afterwards:

- the index is written into a folder of its own, outside the site, and swapped in whole
  (`pagefind/` under `root`), so a request never sees half an index; the server answers
  `/pagefind/...` from there (`index_path`);
- a new build first cancels an indexing run still going (it would read pages being changed),
  then starts another once its pages are out;
- until the new index is in place, search answers from the previous one (one save behind);
- without Pagefind, or when it fails, the preview has no search index and says why, once.
"""
from __future__ import annotations

import shutil
import subprocess
import threading
import time
from pathlib import Path

from archive.search import BUNDLE, TIMEOUT, pagefind_args, pagefind_command

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
        self._proc: subprocess.Popen | None = None
        self._thread: threading.Thread | None = None
        self._warned: set[str] = set()
        root.mkdir(parents=True, exist_ok=True)

    def start(self, site: Path, glob: str | None = None) -> None:
        """Index `site`, reading the pages `glob` matches (search.index_glob; None: all)."""
        self.cancel()
        with self._lock:
            self._generation += 1
            gen = self._generation
            thread = threading.Thread(target=self._run, args=(site, glob, gen), name="archive-serve-search",
                                      daemon=True)
            thread.start()
            self._thread = thread  # only a started thread: `wait` and `cancel` join it

    def cancel(self) -> None:
        with self._lock:
            self._generation += 1  # a run that finishes now is not swapped in
            proc, thread = self._proc, self._thread
            if proc is not None and proc.poll() is None:
                proc.terminate()
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=10)
            if thread.is_alive() and proc is not None and proc.poll() is None:
                proc.kill()  # a Pagefind that does not stop when asked must not hold the server up
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

    def close(self) -> None:
        self.cancel()
        shutil.rmtree(self.root, ignore_errors=True)

    def _warn_once(self, message: str) -> None:
        if message not in self._warned:
            self._warned.add(message)
            self.echo(message)

    def _run(self, site: Path, glob: str | None, gen: int) -> None:
        cmd = pagefind_command()
        if cmd is None:
            self._warn_once("search: Pagefind is not installed (pip install 'pagefind[bin]'); "
                            "the preview has no search index")
            return
        staging = self.root / f".next-{gen}"
        shutil.rmtree(staging, ignore_errors=True)
        started = time.perf_counter()
        try:
            proc = subprocess.Popen(cmd + pagefind_args(site, ["--output-path", str(staging)], glob),
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        except OSError as exc:
            self._warn_once(f"search: Pagefind could not run ({exc}); the preview has no search index")
            return
        with self._lock:
            self._proc = proc
            if gen != self._generation:  # cancelled while starting
                proc.terminate()
        try:
            out, err = proc.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
        with self._lock:
            self._proc = None
            if gen != self._generation:
                shutil.rmtree(staging, ignore_errors=True)
                return
            failed = proc.returncode != 0 or not (staging / "pagefind.js").is_file()
            old = self.root / f".old-{gen}"
            if not failed:
                # Swapped in whole: two renames, under the lock the server does not need (a
                # request between them gets a 404 and the search page says the index is missing).
                if self.current.exists():
                    self.current.rename(old)
                staging.rename(self.current)
                self.runs += 1
        # (what takes time or writes to the terminal, outside the lock)
        if failed:
            shutil.rmtree(staging, ignore_errors=True)
            detail = (err or out or "").strip().splitlines()[-1:] or ["no output"]
            self.echo(f"search: Pagefind failed (exit {proc.returncode}: {detail[0]}); "
                      "search answers from the previous index, if any")
            return
        shutil.rmtree(old, ignore_errors=True)
        self.echo(f"search index updated in {time.perf_counter() - started:.1f} s")
