"""Where the per-item stages (annotation, rendering) run: in this process or in a pool.

Both stages map a pure function over items and consume the results in input order, so a
build is byte-for-byte the same with any number of jobs. `map` is the seam for a distributed
engine: an executor that sends `fn` and the items to Dask (`client.map` then
`client.gather` in order, with `initializer(*initargs)` run once per worker) needs no other
change, because annotation is a pure function of (text, pipeline fingerprint) → JSON record.
"""
from __future__ import annotations

import multiprocessing
import os
from typing import Callable, Iterable, Iterator, Protocol


class Executor(Protocol):
    jobs: int

    def map(self, fn: Callable, items: Iterable, chunksize: int = 1) -> Iterator: ...

    def close(self) -> None: ...


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


class SerialExecutor:
    """Runs everything in this process (--jobs 1, and tiny inputs)."""

    jobs = 1

    def __init__(self, initializer: Callable | None = None, initargs: tuple = ()):
        if initializer is not None:
            initializer(*initargs)

    def map(self, fn, items, chunksize: int = 1):
        return map(fn, items)

    def close(self) -> None:
        pass


class ProcessExecutor:
    """A pool of forked processes. Forking lets workers share the parent's loaded pipeline and
    the site index copy-on-write, instead of pickling them to every worker."""

    def __init__(self, jobs: int, initializer: Callable | None = None, initargs: tuple = ()):
        self.jobs = jobs
        self._pool = multiprocessing.get_context("fork").Pool(jobs, initializer, initargs)

    def map(self, fn, items, chunksize: int = 1):
        return self._pool.imap(fn, items, chunksize)  # ordered, streamed

    def close(self) -> None:
        self._pool.close()
        self._pool.join()

    def terminate(self) -> None:
        self._pool.terminate()
        self._pool.join()


def make_executor(jobs: int, n_items: int, initializer: Callable | None = None, initargs: tuple = (),
                  min_items_per_job: int = 8) -> Executor:
    """A pool only when it pays: more than one job, enough items, and `fork` available (it is
    not on Windows or macOS by default; there the build runs serially, with the same output)."""
    jobs = min(jobs, max(1, n_items // min_items_per_job))
    if jobs > 1 and "fork" in multiprocessing.get_all_start_methods():
        return ProcessExecutor(jobs, initializer, initargs)
    return SerialExecutor(initializer, initargs)
