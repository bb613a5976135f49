"""One build per archive at a time, and a build that stops cleanly when it is told to stop.

- `build_lock(root)`: an exclusive, non-blocking `flock` on `<archive>/.archive.lock`. A second
  build of the same archive fails at once with a clear message instead of racing the first one
  for the output folder. The kernel drops the lock when the process dies, however it dies, so a
  killed build never leaves a stale lock behind; the file itself stays (deleting a lock file
  opens a race between two waiting builds) and is ignored by discovery (it starts with a dot).
- `stop_on_signals()`: SIGTERM (what CI runners, `timeout` and `kill` send) normally ends Python
  without running `finally` blocks, which would leave a half-written temporary site behind. For
  the duration of a build it raises `BuildInterrupted` (a KeyboardInterrupt, like Ctrl-C), so
  the renderer's cleanup runs and the previous site stays as it was.
"""
from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
from pathlib import Path

from archive.errors import ArchiveError

try:
    import fcntl
except ImportError:  # Windows: no flock; builds are not locked there (documented)
    fcntl = None

LOCK_NAME = ".archive.lock"
log = logging.getLogger("archive")


class BuildLocked(ArchiveError):
    """Another build of the same archive holds the lock."""


class BuildInterrupted(KeyboardInterrupt):
    """The build received SIGTERM or SIGINT. A BaseException, so no `except Exception` in a
    stage can swallow it; the CLI reports it like Ctrl-C."""

    def __init__(self, signum: int):
        self.signum = signum
        super().__init__(f"build interrupted by {signal.Signals(signum).name}")


@contextlib.contextmanager
def build_lock(root: Path):
    """Hold `<root>/.archive.lock` exclusively for the duration of the block."""
    path = Path(root) / LOCK_NAME
    if fcntl is None:
        yield path
        return
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        # A read-only archive (a mounted checkout built into another folder) cannot hold the
        # lock file; building unlocked is better than not building.
        log.warning("cannot create %s (%s); building without the lock", path, exc.strerror or exc)
        yield path
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            who = f" (process {holder})" if holder.isdigit() else ""
            raise BuildLocked(f"another build of this archive is running{who}: {path} is locked. "
                              "Wait for it to finish, then build again.") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode("ascii"), 0)  # for the message above, nothing else
        yield path
    finally:
        os.close(fd)  # closing the descriptor releases the flock


@contextlib.contextmanager
def stop_on_signals():
    """Turn SIGTERM and SIGINT into BuildInterrupted inside the block (main thread only;
    elsewhere signals cannot be handled and the block runs unchanged)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    fired = False

    def handler(signum, frame):
        nonlocal fired
        if fired:  # a second signal while cleaning up: let the cleanup finish
            return
        fired = True
        raise BuildInterrupted(signum)

    previous = {s: signal.signal(s, handler) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for s, h in previous.items():
            signal.signal(s, h)
