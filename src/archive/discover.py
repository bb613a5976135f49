"""Find the article files of an archive (or the files and folders given to `extract`)."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from archive.errors import ArticleError
from archive.models import SourceFile
from archive.reader import ARTICLE_SUFFIXES

# Files in the content folder that are not articles.
_IGNORED_NAMES = {"readme.md", "readme.txt", "license.md", "license.txt"}


def _is_article(path: Path) -> bool:
    return (
        path.suffix.lower() in ARTICLE_SUFFIXES
        and path.name.lower() not in _IGNORED_NAMES
        and not any(part.startswith((".", "_")) for part in path.parts)
    )


def source_file(path: Path, rel: str) -> SourceFile:
    try:
        with path.open("rb") as fh:  # streamed: an oversized file is refused later, not read whole here
            digest = hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError:
        digest = ""  # unreadable: the reader reports it with the reason
    return SourceFile(path=path, rel=rel, sha256=digest)


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


def discover(content_dir: Path, skipped: list | None = None) -> list[SourceFile]:
    """Every article under `content_dir`, sorted by relative path (builds are deterministic).

    Symlinks that leave the content folder are skipped: an archive must not publish files
    from elsewhere on the machine. Each one is reported as an ArticleError in `skipped`.
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
        if not _is_article(Path(rel)):
            continue
        # Folders are walked without following symlinks, so only a symlinked file can lead
        # outside (a file inside a symlinked folder, content/leak -> /etc, is never reached).
        if entry.is_symlink() and not Path(entry.path).resolve().is_relative_to(content_dir):
            if skipped is not None:
                skipped.append(ArticleError(rel, "links to a file outside the content folder; not published"))
            continue
        found.append(source_file(Path(entry.path), rel))
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
