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


def can_fork() -> bool:
    """Whether worker processes are forked here (pools, ForkedWorker): not where `fork` is
    missing (Windows); elsewhere the build runs in one process, with the same output."""
    return "fork" in multiprocessing.get_all_start_methods()


def make_executor(jobs: int, n_items: int, initializer: Callable | None = None, initargs: tuple = (),
                  min_items_per_job: int = 8) -> Executor:
    """A pool only when it pays: more than one job, enough items, and `fork` available (it is
    not on Windows or macOS by default; there the build runs serially, with the same output)."""
    jobs = min(jobs, max(1, n_items // min_items_per_job))
    if jobs > 1 and can_fork():
        return ProcessExecutor(jobs, initializer, initargs)
    return SerialExecutor(initializer, initargs)


class ForkedWorker:
    """One process forked now, which runs `initializer(*initargs)` at once (loading spaCy takes
    about a second) while this process goes on with other work, then serves `map` like a pool
    of one. Made with os.fork and two pipes rather than a multiprocessing pool: a pool starts
    threads in this process, and a pool forked later (reading, rendering) from a process with
    running threads can deadlock in the child.

    A failure in the initializer or in `fn` is raised again here, from `map`."""

    jobs = 1

    def __init__(self, initializer: Callable, initargs: tuple = ()):
        import pickle

        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker: never returns into the caller's code
            code = 0
            try:
                os.close(to_child_w)
                os.close(from_child_r)
                failed = None
                try:
                    initializer(*initargs)
                except BaseException as exc:  # reported on the first task
                    failed = exc
                with os.fdopen(to_child_r, "rb") as inp, os.fdopen(from_child_w, "wb") as out:
                    while True:
                        try:
                            fn, item = pickle.load(inp)
                        except EOFError:  # the parent closed its end: done
                            break
                        try:
                            if failed is not None:
                                raise failed
                            reply = (True, fn(item))
                        except BaseException as exc:
                            reply = (False, _picklable(exc))
                        pickle.dump(reply, out)
                        out.flush()
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        os.close(to_child_r)
        os.close(from_child_w)
        self.pid = pid
        self._pickle = pickle
        self._in = os.fdopen(to_child_w, "wb")
        self._out = os.fdopen(from_child_r, "rb")

    def map(self, fn, items, chunksize: int = 1):
        for item in items:
            try:
                self._pickle.dump((fn, item), self._in)
                self._in.flush()
                ok, result = self._pickle.load(self._out)
            except (EOFError, BrokenPipeError, OSError) as exc:
                raise RuntimeError(f"worker process {self.pid} ended unexpectedly (killed, or out of memory?); "
                                   "build again, or with --jobs 1") from exc
            if not ok:
                raise result
            yield result

    def close(self) -> None:
        if self.pid is None:
            return
        for fh in (self._in, self._out):
            try:
                fh.close()
            except OSError:
                pass
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass
        self.pid = None

    def terminate(self) -> None:
        import signal

        if self.pid is not None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.close()


def _picklable(exc: BaseException) -> BaseException:
    """`exc` if it survives pickling (as most exceptions do), else a RuntimeError with its text."""
    import pickle

    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")
