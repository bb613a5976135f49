"""Find the article files of an archive (or the files and folders given to `extract`)."""
from __future__ import annotations

import hashlib
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


def discover(content_dir: Path, skipped: list | None = None) -> list[SourceFile]:
    """Every article under `content_dir`, sorted by relative path (builds are deterministic).

    Symlinks that leave the content folder are skipped: an archive must not publish files
    from elsewhere on the machine. Each one is reported as an ArticleError in `skipped`.
    """
    content_dir = content_dir.resolve()
    if not content_dir.is_dir():
        return []
    found = []
    for path in sorted(content_dir.rglob("*")):
        rel = path.relative_to(content_dir)
        if not path.is_file() or not _is_article(rel):
            continue
        # resolve() every path, not only symlinked files: a file inside a symlinked folder
        # (content/leak -> /etc) is not itself a symlink but still lives outside.
        if not path.resolve().is_relative_to(content_dir):
            if skipped is not None:
                skipped.append(ArticleError(rel.as_posix(), "links to a file outside the content folder; not published"))
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
