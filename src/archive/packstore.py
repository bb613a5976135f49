"""A key → value store in a few binary files: the annotation cache's storage (`cache.py`).

One JSON file per text meant 10,000 opens and JSON decodes on every build of a 10,000-article
archive (over a second). Here the keys (hex sha256) are spread over `SHARDS` shard files by
their first two hex digits; each shard is one `marshal`-ed dict, read in one go. Reading
everything is a few hundred reads; a build that adds one article rewrites one small shard.

`marshal` because the values are plain data (tuples, lists, dicts, str, int, None): it is the
fastest loader in the standard library and, unlike pickle, cannot run code from a damaged or
planted file. Its format depends on the Python version, so a shard records that version and
one written by another Python is a miss. Anything unreadable, of another version or of
another fingerprint is a miss (empty shard), never an error; it is rewritten on the next put.

Writes are buffered and go out in `flush` (atomically: temp file + os.replace), shard by
shard; `put` flushes by itself every `FLUSH_EVERY` entries so that a long cold build killed
half-way keeps most of its work.
"""
from __future__ import annotations

import logging
import marshal
import os
import sys

from archive.jsonfile import write_bytes_atomic

log = logging.getLogger("archive")

SHARDS = 256  # by the key's first two hex digits
FLUSH_EVERY = 2048
_MAGIC = "archive-pack"
_PY = sys.version_info[:2]


class PackStore:
    """Values by hex key under `folder` (one file per shard), for one fingerprint."""

    def __init__(self, folder: str, fingerprint: str):
        self.folder = folder
        self.fingerprint = fingerprint
        self._shards: dict[str, dict] = {}     # shard name → its entries, as read (and updated)
        self._dirty: set[str] = set()
        self._pending = 0
        self.used: set[str] = set()            # shard files read or written (fastpath.py)

    def _file(self, shard: str) -> str:
        return f"{self.folder}/{shard}.bin"

    def _shard(self, shard: str) -> dict:
        entries = self._shards.get(shard)
        if entries is None:
            entries = self._shards[shard] = self._read(self._file(shard))
        return entries

    def _read(self, path: str) -> dict:
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except FileNotFoundError:
            return {}
        except OSError as exc:
            log.debug("cache shard %s unreadable (%s); a miss", path, exc)
            return {}
        try:
            magic, py, fingerprint, entries = marshal.loads(data)
            if magic != _MAGIC or tuple(py) != _PY or fingerprint != self.fingerprint or not isinstance(entries, dict):
                raise ValueError("another version or fingerprint")
        except Exception as exc:  # marshal raises ValueError, EOFError, TypeError…: all a miss
            log.debug("cache shard %s unusable (%s); a miss", path, exc)
            return {}
        self.used.add(path)
        return entries

    def get(self, key: str):
        return self._shard(key[:2]).get(key)

    def get_all(self, keys) -> list:
        """`get` for many keys (reads each shard once, in file order)."""
        for shard in sorted({k[:2] for k in keys}):
            self._shard(shard)
        shards = self._shards
        return [shards[k[:2]].get(k) for k in keys]

    def put(self, key: str, value) -> None:
        shard = key[:2]
        self._shard(shard)[key] = value
        self._dirty.add(shard)
        self._pending += 1
        if self._pending >= FLUSH_EVERY:
            self.flush()

    def retain(self, keys: set[str]) -> None:
        """Drop every entry whose key is not in `keys`, from every shard on disk (written at
        the next flush; shards left empty are written empty)."""
        try:
            names = [n[:-4] for n in os.listdir(self.folder) if n.endswith(".bin") and len(n) == 6]
        except OSError:
            names = []
        for shard in sorted({*names, *self._shards}):
            entries = self._shard(shard)
            stale = [k for k in entries if k not in keys]
            for k in stale:
                del entries[k]
            if stale:
                self._dirty.add(shard)

    def flush(self) -> None:
        """Write the shards changed since the last flush. Raises OSError (disk full, read-only)."""
        dirty, self._dirty, self._pending = sorted(self._dirty), set(), 0
        if not dirty:
            return
        os.makedirs(self.folder, exist_ok=True)
        for shard in dirty:
            path = self._file(shard)
            write_bytes_atomic(path, marshal.dumps((_MAGIC, _PY, self.fingerprint, self._shards[shard])))
            self.used.add(path)
