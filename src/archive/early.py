"""Placing a warm build's pages while its index is rebuilt, on the machine's other core.

A build whose early inputs (`pagekey.early_inputs`: the articles, the registry file, the
pipeline, the config, the templates and the code) equal the last build's makes the very site
the last build made: the same pages, with the same keys, and the same finishing files. When
that site's folder is gone (a CI build with the cache restored, a deleted `build/`), every
file comes from the page store: about 18,000 hard links at 10,000 articles, most of the
warm build's 0.7 s of writing, done on one core after the index and the plan.

`EarlySite.start` forks a worker right after the articles are read. It links the last
build's pages and finishing files from the page store into a new folder beside the output,
while this process loads the annotations, rebuilds the index and plans the pages, as every
build does. `render.write_site` then takes that folder (`EarlySite.take`) only if the build's
inputs equal the last build's (`PageKeys.inputs`, from the rebuilt index) and the planned
pages are exactly the last build's; otherwise the folder is thrown away and the site is
built as usual. A page the worker could not place (its store entry changed or went missing)
is rendered as usual, so the result is the same site either way.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import threading
from pathlib import Path
from types import SimpleNamespace

# The worker's result, kept in the worker between its start and `take` (ForkedWorker runs
# the placing as its initializer, then serves `_result`).
_PLACED: dict = {}


def _place_all(tmp: Path, out: Path, store_dir: Path, last: dict) -> None:
    """In the worker: every page of the last build's manifest, then its finishing files, from
    the page store into `tmp`, the way write_site places a page whose key it knows."""
    from archive import render
    from archive.pagestore import PageStore

    store = PageStore(store_dir)
    paths = render._manifest_pages(last)
    render._RENDER.update(pages=[SimpleNamespace(path=rel) for rel in paths], tmp=tmp, out=out, store=store,
                          manifest=last if out.is_dir() else {}, partial=False, tmp_s=os.fspath(tmp),
                          out_s=os.fspath(out), out_exists=out.is_dir())
    made: set[str] = set()
    results = []
    for i, rel in enumerate(paths):
        folder = os.path.dirname(rel)
        if folder not in made:
            os.makedirs(os.path.join(tmp, folder), exist_ok=True)
            made.add(folder)
        key = last[rel][0]
        results.append(render._page(i, key, False) if type(key) is str else None)
    prev = last.get("")
    finished = bool(prev) and render._reuse_finished(prev, prev[0], tmp, out, store, last)
    _PLACED.update(paths=paths, results=results, finished=finished)


def _result(_) -> dict:
    return dict(_PLACED)


class EarlySite:
    """A worker placing the last build's site into `tmp` (see the module docstring)."""

    def __init__(self, tmp: Path, last: dict, last_inputs: str, worker):
        from archive.render import _manifest_pages

        self.tmp, self.last, self.last_inputs, self.worker = tmp, last, last_inputs, worker
        self.paths = set(_manifest_pages(last))  # the pages the worker places
        self.taken = False

    @classmethod
    def start(cls, config, early: str | None, manifest_path: Path | None, store_dir: Path | None,
              jobs: int) -> EarlySite | None:
        """The worker, started now, or None when it would not help or cannot be used: one job
        (then nothing runs beside this process), no fork, threads running here (a process
        forked from them can deadlock), a site folder still there (its unchanged pages are
        kept in place, nothing to link), or inputs that differ from the last build's."""
        from archive.executor import ForkedWorker, can_fork
        from archive.pagekey import load_manifest_early
        from archive.render import _clean_leftovers, _manifest_pages, check_output_dir

        if early is None or jobs < 2 or manifest_path is None or store_dir is None or not can_fork() \
                or threading.active_count() > 1:
            return None
        last, last_inputs, last_early = load_manifest_early(manifest_path)
        if last_early != early or last_inputs is None or _manifest_pages(last) is None:
            return None
        out = config.output_dir
        try:
            check_output_dir(config)  # write_site raises it again, with its message
            out.parent.mkdir(parents=True, exist_ok=True)
            _clean_leftovers(out)
            if out.exists():
                return None
            tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-tmp-", dir=out.parent))
        except Exception:
            return None
        try:
            worker = ForkedWorker(_place_all, (tmp, out, store_dir, last))
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)
            return None
        return cls(tmp, last, last_inputs, worker)

    def take(self, pages: list, inputs: str | None, fkey: str | None) -> tuple[list, bool] | None:
        """(what `render._page` gave for each page of `pages`, None where it placed none;
        whether the finishing step's output is in place too), or None (the folder is then
        thrown away) unless this build's `inputs` and finishing key are the last build's and
        its pages are the last build's pages."""
        last = self.last
        try:
            if inputs is None or inputs != self.last_inputs or fkey is None or fkey != last[""][0]:
                return self.close()
            if len(pages) != len(self.paths) or any(p.path not in self.paths for p in pages):
                return self.close()
            placed = next(self.worker.map(_result, [None]))
        except Exception:  # the worker failed or was killed: build as usual
            return self.close()
        self.worker.close()
        by_path = dict(zip(placed["paths"], placed["results"]))
        self.taken = True
        return [by_path[p.path] for p in pages], bool(placed["finished"])

    def close(self) -> None:
        """Stop the worker; unless its folder was taken, remove the folder."""
        self.worker.terminate()
        if not self.taken:
            shutil.rmtree(self.tmp, ignore_errors=True)
        return None
