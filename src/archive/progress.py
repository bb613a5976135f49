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
