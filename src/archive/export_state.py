"""What the previous build's data exports hold, so that this build copies the bytes of every
unchanged article from them instead of encoding its rows again (export_text.py,
export_sqlite.py).

After each build a small record (in the cache, beside the page manifest) lists, for each
group of rows (export_rows.py: one article), its key, its row counts and the byte length of
its fragment in each JSON and CSV file, and the key of every data file. A previous file is
used only when it is provably the one that record describes: the page manifest (render.Reuse)
holds the key this step returned for it and its size, mtime and inode, and the file in the
published site still has them; or, without that site (deleted, a new output folder, a fresh
clone's CI with the cache restored), the page store's entry for that file and key is still
the file it stored (pagestore.py). Anything else (no record, an edited file, another format)
means the file is made from scratch: slower, never wrong.
"""
from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path

from archive.export_rows import FORMAT

PER_GROUP = ("articles", "mentions", "quotes")  # tables whose rows are grouped by article


def state_path(cache_root: Path) -> Path:
    """One record (and one set of copies) per archive, whatever the output folder: `archive
    serve` builds into a new temporary folder each session, and a record per folder would
    leave a copy of data/ behind in the cache each time. A record made for another output
    folder is still right: every file is checked before it is copied from."""
    from archive.cache import CACHE_VERSION

    return cache_root / f"v{CACHE_VERSION}" / "exports" / "state.pickle"


def load_state(path: Path | None) -> dict | None:
    if path is None:
        return None
    try:
        with open(path, "rb") as fh:
            state = pickle.load(fh)
        return state if isinstance(state, dict) and state.get("format") == FORMAT else None
    except (OSError, ValueError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError):
        return None


def save_state(path: Path | None, state: dict) -> None:
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            pickle.dump(state, fh, protocol=5)
        os.replace(tmp, path)
    except OSError:
        pass  # next build makes every file from scratch


def _same(path: Path, stat) -> bool:
    """`path` is still the file whose [size, mtime_ns, inode] were recorded (any write to it,
    even in place, changes its mtime)."""
    try:
        s = os.stat(path)
    except OSError:
        return False
    return [s.st_size, s.st_mtime_ns, s.st_ino] == list(stat)


def drop_old_copies(state_file: Path) -> None:
    """Remove the copies of data/ that earlier versions kept beside the record (210 MB at
    10,000 articles, copied on every build): the page store's entries serve instead."""
    old = state_file.with_suffix("")
    if old.is_dir():
        shutil.rmtree(old, ignore_errors=True)


class Previous:
    """The previous build's data files and the record describing them.

    `groups[key]` = (counts per PER_GROUP table, json lengths, csv lengths, position);
    `offsets(table, fmt)` gives where each group's fragment starts in that file."""

    def __init__(self, state: dict | None, manifest: dict | None, site: Path | None, folder: str = "data",
                 store=None):
        self.state = state or {}
        self.manifest = manifest or {}
        self.site = site
        self.folder = folder
        self.store = store  # the page store (pagestore.PageStore), which keeps the keyed data files
        self.order: list = self.state.get("groups", [])  # [(key, counts, json_lens, csv_lens)]
        self.groups = {g[0]: (*g[1:], k) for k, g in enumerate(self.order)}

    def file(self, name: str) -> Path | None:
        """The previous data/<name> if it is exactly the file the record describes: in the
        published site, or else the page store's entry for it (a build without that site)."""
        from archive.pagestore import keyed_file_key

        rel = f"{self.folder}/{name}"
        key = self.state.get("files", {}).get(rel)
        if key is None:
            return None
        prev = self.manifest.get(rel)
        if self.site is not None and prev is not None and prev[0] == key and _same(self.site / rel, prev[1:]):
            return self.site / rel
        stored = keyed_file_key(key, rel)
        if self.store is not None and self.store.valid(stored) is not None:
            return Path(self.store.path(stored))
        return None

    def wanted(self):
        """Which groups' rows this build must make: those the previous files do not hold, or
        all of them (None) when any of those files cannot be copied from."""
        names = [f"{t}.{fmt}" for t in PER_GROUP for fmt in ("json", "csv")] + ["archive.sqlite"]
        if not self.groups or any(self.file(n) is None for n in names):
            return None
        return lambda g: g.key not in self.groups

    def starts(self, table: str, fmt: str | None = None) -> list[int]:
        """Start of each previous group's rows (fmt None: row index) or bytes (fmt 'json'/'csv')
        in `table`, in the previous order, relative to the first group's."""
        t = PER_GROUP.index(table)
        field = 1 if fmt is None else (2 if fmt == "json" else 3)
        out, pos = [], 0
        for g in self.order:
            out.append(pos)
            pos += g[field][t]
        out.append(pos)
        return out
