"""Find the article files of an archive (or the files and folders given to `extract`)."""
from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

from archive.errors import ArticleError
from archive.jsonfile import write_json_atomic
from archive.models import SourceFile
from archive.reader import ARTICLE_SUFFIXES

# Files in the content folder that are not articles.
_IGNORED_NAMES = {"readme.md", "readme.txt", "license.md", "license.txt"}


def _is_article(path: Path) -> bool:
    return _is_article_rel(path.as_posix())


def _is_article_rel(rel: str) -> bool:
    """Is the file at this clean relative path an article? A string test, because `discover`
    asks it of every file in the content folder and building a Path for each is slow."""
    name = rel.rpartition("/")[2]
    dot = name.rfind(".")
    return (dot > 0 and name[dot:].lower() in ARTICLE_SUFFIXES and name.lower() not in _IGNORED_NAMES
            and not any(part[:1] in (".", "_") for part in rel.split("/")))


class HashCache:
    """sha256 of article files by path and `stat`, kept in one JSON file, so that a build does
    not read every file to learn that none changed. An entry is trusted only if its size, mtime,
    ctime and inode are unchanged and the file had last changed more than a second before it was
    hashed (a file written twice within one timestamp tick is hashed again: git's "racy" rule).
    Anything unreadable is a miss."""

    RACY_NS = 1_000_000_000

    def __init__(self, path: Path | None):
        self.path = path
        self._old: dict = {}
        self._new: dict = {}
        if path is not None:
            try:
                doc = json.loads(path.read_bytes())
                if isinstance(doc, dict) and doc.get("version") == 1 and isinstance(doc.get("entries"), dict):
                    self._old = doc["entries"]
            except (OSError, ValueError):
                pass

    def digest(self, path: str, rel: str, st: os.stat_result) -> str:
        key = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
        entry = self._old.get(rel)
        if (isinstance(entry, list) and len(entry) == 6 and entry[:4] == key
                and isinstance(entry[5], str) and isinstance(entry[4], int)
                and max(st.st_mtime_ns, st.st_ctime_ns) < entry[4] - self.RACY_NS):
            self._new[rel] = entry
            return entry[5]
        hashed_at = time.time_ns()
        digest = _file_sha256(path)
        if digest:
            self._new[rel] = [*key, hashed_at, digest]
        return digest

    def save(self) -> None:
        if self.path is None or self._new == self._old:
            return
        try:
            write_json_atomic(self.path, {"version": 1, "entries": self._new})
        except OSError:
            pass


def _file_sha256(path) -> str:
    try:
        with open(path, "rb") as fh:  # streamed: an oversized file is refused later, not read whole here
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError:
        return ""  # unreadable: the reader reports it with the reason


def source_file(path: Path, rel: str) -> SourceFile:
    return SourceFile(path=path, rel=rel, sha256=_file_sha256(path))


def _files(folder: str, parts: tuple[str, ...], out: list) -> None:
    """(relative parts, DirEntry) of every file under `folder`, like `Path.rglob("*")`: folder
    symlinks are not followed, and folders no article can be in ('.git', '_drafts') are not
    entered at all."""
    with os.scandir(folder) as it:
        entries = list(it)
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            if not entry.name.startswith((".", "_")):
                _files(entry.path, (*parts, entry.name), out)
        elif entry.is_file():
            out.append(((*parts, entry.name), entry))


def discover(content_dir: Path, skipped: list | None = None, hashes: HashCache | None = None) -> list[SourceFile]:
    """Every article under `content_dir`, sorted by relative path (builds are deterministic).

    Symlinks that leave the content folder are skipped: an archive must not publish files
    from elsewhere on the machine. Each one is reported as an ArticleError in `skipped`.
    With `hashes`, a file unchanged since it was last hashed is not read again.
    """
    content_dir = content_dir.resolve()
    if not content_dir.is_dir():
        return []
    found_files: list = []
    _files(str(content_dir), (), found_files)
    found_files.sort(key=lambda pe: pe[0])  # the order of sorted(Path.rglob(...)): part by part
    found = []
    for parts, entry in found_files:
        rel = "/".join(parts)
        if not _is_article_rel(rel):
            continue
        # Folders are walked without following symlinks, so only a symlinked file can lead
        # outside (a file inside a symlinked folder, content/leak -> /etc, is never reached).
        if entry.is_symlink() and not Path(entry.path).resolve().is_relative_to(content_dir):
            if skipped is not None:
                skipped.append(ArticleError(rel, "links to a file outside the content folder; not published"))
            continue
        if hashes is None:
            found.append(source_file(Path(entry.path), rel))
            continue
        try:
            st = entry.stat()  # follows a symlink: the target's stat, as hashing reads the target
        except OSError:
            found.append(SourceFile(path=Path(entry.path), rel=rel, sha256=""))
            continue
        found.append(SourceFile(path=Path(entry.path), rel=rel, sha256=hashes.digest(entry.path, rel, st)))
    if hashes is not None:
        hashes.save()
    return found


def discover_inputs(inputs: list[str]) -> list[SourceFile]:
    """Files and folders named on the command line; `rel` is the path as the user gave it."""
    found: list[SourceFile] = []
    for given in inputs:
        path = Path(given)
        if path.is_dir():
            for sub in sorted(path.rglob("*")):
                if sub.is_file() and _is_article(sub.relative_to(path)):
                    found.append(source_file(sub, str(Path(given) / sub.relative_to(path))))
        else:
            found.append(source_file(path, given))
    return found
