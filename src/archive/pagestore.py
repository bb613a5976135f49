"""The page store: every page the last build rendered, kept in the cache by its render key
(`pagekey.py`), so that a build with no previous site (deleted, a new output folder, a fresh
checkout with a warm cache) links or copies its unchanged pages instead of rendering them.

`<cache>/v*/pages-store/<key[:2]>/<key>` holds the page's bytes: a hard link to the site's
file when both are on one file system (no extra disk space), else a copy. `index.json`
records [size, mtime_ns, inode] of each entry as it was stored. An entry whose file no longer
matches (someone edited the site's file through the link, or replaced the store's) is a
miss: the page is rendered again and stored afresh. After a successful build the store keeps
only the keys of that build's pages (`prune`), so it never holds more than one site's worth.
A build that puts files marks the store (at its first put) until it saves the index: a build killed
before that leaves files the index does not list, and the mark tells the next build to list
the whole store and remove them. Else only the entries dropped from the index are removed (a
listing of the 18,000 files of a 10,000-article site took 0.1 s of every build).
`archive clean` removes it with the rest of the cache.

Worker processes fetch and put entries; only the main process writes the index.
"""
from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import threading
from pathlib import Path

from archive.jsonfile import write_json_atomic

INDEX = "index.json"
UNSWEPT = "unswept"  # the mark of a build that has not saved the index yet (`begin`)


def finish_entry_key(fkey: str, rel: str) -> str:
    """The store key of one file of the finishing step's output (data, feeds, search index),
    made from the key of that whole step (`PageKeys.finish_key`) and the file's path."""
    return hashlib.sha256(f"{fkey}\0{rel}".encode()).hexdigest()


def keyed_file_key(key: str, rel: str) -> str:
    """The store key of a keyed file of the finishing step (`render.Reuse`): its own key and its
    path, because one key may stand for several files made from the same value (network.json
    and network.graphml share one) and a store keyed by value alone would mix them up."""
    return hashlib.sha256(f"file\0{key}\0{rel}".encode()).hexdigest()


def _stat(path) -> list[int]:
    s = os.stat(path)
    return [s.st_size, s.st_mtime_ns, s.st_ino]


def link_or_copy(src, dest) -> None:
    """Hard-link `src` at `dest` (a new name); copy it when links cannot be made there
    (another file system, or a file system without hard links)."""
    try:
        os.link(src, dest)
    except OSError as exc:
        if exc.errno == errno.EEXIST:
            raise
        shutil.copyfile(src, dest)


class PageStore:
    def __init__(self, root: Path):
        self.root = root
        self._root = os.fspath(root)
        self.entries: dict[str, list] = {}
        self._listed = False  # whether the index read is all the store holds (no stray files)
        self._marked = False  # whether this process has marked the store (`_mark`)
        try:
            data = json.loads((root / INDEX).read_text(encoding="utf-8"))
            if isinstance(data.get("entries"), dict):
                self.entries = data["entries"]
                self._listed = not (root / UNSWEPT).exists()
        except (OSError, ValueError, AttributeError):  # none yet, or corrupt: an empty store
            pass

    def _mark(self) -> None:
        """Mark the store before this process puts its first file: until `save(prune=True)`
        clears the mark, the index may not list every file (see the module's docstring)."""
        os.makedirs(self._root, exist_ok=True)
        with open(f"{self._root}/{UNSWEPT}", "ab"):
            pass
        self._marked = True

    def path(self, key: str) -> str:
        # strings, not Paths: this runs twice per page (pathlib's joins cost more than the stat)
        return f"{self._root}/{key[:2]}/{key}"

    def valid(self, key: str) -> list | None:
        """The entry's stat if its file is still the one stored, else None."""
        want = self.entries.get(key)
        if want is None:
            return None
        try:
            return want if _stat(self.path(key)) == want else None
        except OSError:
            return None

    def fetch(self, key: str, dest) -> list | None:
        """Put the stored page for `key` at `dest` (a new name); its entry stat, or None on a miss."""
        entry = self.valid(key)
        if entry is None:
            return None
        try:
            link_or_copy(self.path(key), dest)
        except OSError:
            return None
        return entry

    def put(self, key: str, src) -> list | None:
        """Store the file at `src` as the page for `key` (unless the valid entry already is
        that file); the entry's stat, or None when it could not be stored (never an error:
        a store that cannot be written only means more rendering next time)."""
        entry = self.valid(key)
        if entry is not None:
            return entry
        path = self.path(key)
        part = f"{path}.{os.getpid()}.part"
        try:
            if not self._marked:
                self._mark()
            os.makedirs(os.path.dirname(path), exist_ok=True)
            try:
                os.unlink(part)  # a killed build's leftover: never write through an old link
            except FileNotFoundError:
                pass
            link_or_copy(src, part)
            os.replace(part, path)  # replaces an entry that failed `valid`, not writing into it
            return _stat(path)
        except OSError:
            return None

    def start_prune(self, remove: set[str]) -> threading.Thread:
        """Remove, in a thread, the stored files of the keys in `remove` (the previous site's
        page versions no page uses now). Freeing them costs 0.1-0.6 ms a file on ext4 (their
        blocks are released): seconds for a few thousand, which overlap with the finishing
        step this way (unlink releases the GIL). `save(prune=True)` sweeps up the rest."""
        thread = threading.Thread(target=self._remove, args=(remove,), name="page-store-prune", daemon=True)
        thread.start()
        return thread

    def _remove(self, keys) -> None:
        for key in keys:
            try:
                os.unlink(self.path(key))
            except OSError:
                pass

    def _prune(self, keep) -> None:
        if self._listed:  # the index lists every file: remove those it drops
            self._remove(k for k in self.entries if k not in keep)
            return
        try:
            if not self.root.is_dir():
                return
            for sub in os.scandir(self.root):
                if not sub.is_dir(follow_symlinks=False):
                    continue
                for f in os.scandir(sub.path):
                    if f.name not in keep:
                        try:
                            os.unlink(f.path)
                        except OSError:
                            pass
        except OSError:
            pass

    def save(self, entries: dict[str, list], prune: bool) -> None:
        """Record `entries` (key → stat) as the store's index. With `prune` (after a successful
        build), they are the only entries kept: every other file in the store is removed.
        Without, the entries are added to those recorded."""
        if not prune:
            entries = {**self.entries, **entries}
        if prune:
            self._prune(entries)
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            write_json_atomic(self.root / INDEX, {"entries": entries})
            self.entries = entries
            if prune:
                (self.root / UNSWEPT).unlink(missing_ok=True)
                self._listed = True
        except OSError:
            pass  # the next build renders what it cannot trust: slower, never wrong
