"""A progress bar for long stages on an interactive terminal; silent otherwise (CI, pipes,
--quiet), so logs and captured output stay clean."""
from __future__ import annotations

import os
import sys


def interactive() -> bool:
    return sys.stderr.isatty() and not os.environ.get("CI") and os.environ.get("TERM") != "dumb"


class _Silent:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def progress(total: int, desc: str, enabled: bool):
    """An object with update(n) and close(): a tqdm bar, or nothing when not `enabled`."""
    if not enabled or total < 50:
        return _Silent()
    try:
        from tqdm import tqdm
    except ImportError:  # tqdm is optional: no bar, same build
        return _Silent()
    return tqdm(total=total, desc=desc, unit=" item", leave=False, file=sys.stderr, dynamic_ncols=True)


class status:
    """`with status("search index (Pagefind)", enabled):` shows the line while the block
    runs, for a step with no count to show (Pagefind: 3-12 s at 10,000 articles), and clears
    it after; nothing when not `enabled`."""

    def __init__(self, desc: str, enabled: bool):
        self.desc, self.enabled = desc, enabled

    def __enter__(self):
        if self.enabled:
            sys.stderr.write(f"{self.desc}…")
            sys.stderr.flush()
        return self

    def __exit__(self, *exc):
        if self.enabled:
            sys.stderr.write("\r\x1b[K")  # back to the line's start, and clear it
            sys.stderr.flush()
        return False
