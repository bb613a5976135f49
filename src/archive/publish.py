"""Publishing a build in place: move its new and changed files into the previous site and delete
the files it no longer has, instead of building a complete copy (14,000 hard links at 10,000
articles) and swapping whole trees (then deleting the old one: 14,000 unlinks).

The temporary folder beside the output holds only what changed. Before the first move, a
journal (`.<output>-journal.json` beside the output) lists every move and deletion; the
commit then applies them and removes the journal. A build killed during the commit leaves the
journal: the next build rolls it forward (`roll_forward`, under the build lock) before it
starts, so the site ends as the killed build would have left it. A build that fails before
the commit never touches the site (the journal is written only once everything is made).

In place is used only for a previous site that is a plain tree (no symbolic links anywhere,
which a move could follow out of the site) and where no new file needs a folder where a file
is, or the reverse; otherwise the build makes a complete tree and swaps it (render._swap).
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import threading
from pathlib import Path

from archive.jsonfile import write_json_atomic


def journal_path(out: Path) -> Path:
    return out.with_name(f".{out.name}-journal.json")


class SiteListing:
    """The previous site's files and folders (relative, '/'-separated), one walk."""

    def __init__(self, out: Path):
        self.files: set[str] = set()
        self.dirs: set[str] = set()
        self.plain = not out.is_symlink()
        # scandir's entries know their type from the directory itself: no stat per file
        # (os.walk and islink made two for each of 18,000 files at 10,000 articles)
        todo = [(os.fspath(out), "")]
        while todo:
            folder, prefix = todo.pop()
            with os.scandir(folder) as entries:
                for entry in entries:
                    rel = prefix + entry.name
                    if entry.is_symlink():
                        self.plain = False
                        (self.dirs if entry.is_dir() else self.files).add(rel)
                    elif entry.is_dir(follow_symlinks=False):
                        self.dirs.add(rel)
                        todo.append((entry.path, rel + "/"))
                    else:
                        self.files.add(rel)

    def fits(self, moves: list[str]) -> bool:
        """Whether every move lands where the previous site has no folder, and under folders
        that are folders (not files) there."""
        for rel in moves:
            if rel in self.dirs:
                return False
            parent = rel.rpartition("/")[0]
            while parent:
                if parent in self.files:
                    return False
                parent = parent.rpartition("/")[0]
        return True


def files_under(root: Path) -> list[str]:
    out = []
    base = os.fspath(root)
    for dirpath, _, files in os.walk(base):
        rel = os.path.relpath(dirpath, base).replace(os.sep, "/")
        out += [f if rel == "." else f"{rel}/{f}" for f in files]
    return out


# A file this large that a move replaces is freed in the background (see `commit`).
LARGE = 1 << 20


def commit(tmp: Path, out: Path, moves: list[str], deletes: list[str]) -> threading.Thread:
    """Journal, then apply: tmp/<move> → out/<move>, unlink out/<delete>; then tidy up.

    Returns the thread that removes `tmp`; join it before the process ends. The large files
    the moves replace (the data exports: 210 MB at 10,000 articles) are linked into `tmp`
    first, so that they are freed with it, beside the rest of the build, and not by the
    moves; and each is unlinked before its move, because ext4 writes a file out at once when
    a rename replaces another (`auto_da_alloc`): 0.06 s of a build that adds one article.
    (Those files are missing for the instant between; the journal covers a kill there.)"""
    journal = journal_path(out)
    write_json_atomic(journal, {"tmp": os.fspath(tmp), "out": os.fspath(out), "moves": moves, "deletes": deletes})
    held = _hold_replaced(tmp, out, moves)
    # Hold SIGINT/SIGTERM while the site is half old, half new (delivered right after).
    blocked = hasattr(signal, "pthread_sigmask")
    if blocked:
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        _apply(tmp, out, moves, deletes, held)
        journal.unlink()
    finally:
        if blocked:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
    tidy = threading.Thread(target=shutil.rmtree, args=(tmp, True), name="tidy-publish", daemon=True)
    tidy.start()
    return tidy


def _hold_replaced(tmp: Path, out: Path, moves: list[str]) -> set[str]:
    """Hard-link each large file of `out` that a move replaces into `tmp` (not among the
    moves, which the journal lists already): the move then drops one of its links only.
    Returns the moves whose files were held."""
    folder = tmp / f".replaced-{os.getpid()}"
    held = set()
    for n, rel in enumerate(moves):
        try:
            st = os.lstat(out / rel)
            if st.st_size < LARGE or st.st_nlink != 1:
                continue  # small, or linked elsewhere too (the page store): nothing to free
            folder.mkdir(exist_ok=True)
            os.link(out / rel, folder / str(n))
            held.add(rel)
        except OSError:
            continue  # not there, or no hard links here: the move frees it, as before
    return held


def _apply(tmp: Path, out: Path, moves: list[str], deletes: list[str], unlink_first=frozenset()) -> None:
    """Idempotent, so that a killed commit can be applied again from the start. The files of
    `unlink_first` are removed before their moves (see `commit`)."""
    src, dst = os.fspath(tmp), os.fspath(out)
    made: set[str] = set()
    for rel in moves:
        folder = rel.rpartition("/")[0]
        if folder not in made:
            os.makedirs(f"{dst}/{folder}" if folder else dst, exist_ok=True)
            made.add(folder)
        try:
            if rel in unlink_first and os.path.exists(f"{src}/{rel}"):
                os.unlink(f"{dst}/{rel}")
            os.replace(f"{src}/{rel}", f"{dst}/{rel}")
        except FileNotFoundError:  # moved already, by the commit that was killed
            pass
    folders = set()
    for rel in deletes:
        try:
            os.unlink(f"{dst}/{rel}")
        except FileNotFoundError:
            pass
        folder = rel.rpartition("/")[0]
        while folder:
            folders.add(folder)
            folder = folder.rpartition("/")[0]
    for folder in sorted(folders, key=lambda f: -f.count("/")):  # deepest first
        try:
            os.rmdir(f"{dst}/{folder}")  # only if the deletions left it empty
        except OSError:
            pass


def roll_forward(out: Path) -> bool:
    """Finish the commit a killed build left (see the module's docstring); True if there was one."""
    journal = journal_path(out)
    try:
        data = json.loads(journal.read_text(encoding="utf-8"))
        tmp, moves, deletes = Path(data["tmp"]), list(data["moves"]), list(data["deletes"])
    except FileNotFoundError:
        return False
    except (OSError, ValueError, KeyError, TypeError):
        journal.unlink(missing_ok=True)  # unreadable: never half-applied (it is written atomically)
        return False
    if Path(data.get("out", out)) != out:
        return False
    _apply(tmp, out, moves, deletes)
    journal.unlink(missing_ok=True)
    shutil.rmtree(tmp, ignore_errors=True)
    return True
