"""Find the article files of an archive (or the files and folders given to `extract`)."""
from __future__ import annotations

import hashlib
from pathlib import Path

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
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        digest = ""  # unreadable: the reader reports it with the reason
    return SourceFile(path=path, rel=rel, sha256=digest)


def discover(content_dir: Path) -> list[SourceFile]:
    """Every article under `content_dir`, sorted by relative path (builds are deterministic).

    Symlinks that leave the content folder are skipped: an archive must not publish files
    from elsewhere on the machine.
    """
    content_dir = content_dir.resolve()
    if not content_dir.is_dir():
        return []
    found = []
    for path in sorted(content_dir.rglob("*")):
        rel = path.relative_to(content_dir)
        if not path.is_file() or not _is_article(rel):
            continue
        if path.is_symlink() and not path.resolve().is_relative_to(content_dir):
            continue
        found.append(source_file(path, rel.as_posix()))
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
