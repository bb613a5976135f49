"""spaCy loaded in a worker forked before the changed articles are read (build.PRELOAD_MAX),
and executor.ForkedWorker, the one-process pool that does it."""
import os

import pytest

from archive import build as build_mod
from archive.build import build
from archive.cache import LazyPipeline
from archive.config import load_config
from archive.executor import ForkedWorker
from test_cache import make_archive, site_bytes
from test_parallel import more_articles

_STATE: dict = {}


def _remember(value):
    _STATE["value"] = value


def _plus_state(x):
    return x + _STATE["value"]


def _boom(x):
    raise ValueError(f"bad item {x}")


def _fail_init():
    raise LookupError("no such pipeline")


def test_forked_worker_runs_the_initializer_then_maps_in_order():
    worker = ForkedWorker(_remember, (10,))
    try:
        assert list(worker.map(_plus_state, [1, 2, 3])) == [11, 12, 13]
        assert "value" not in _STATE  # the initializer ran in the worker, not here
    finally:
        worker.close()
    assert worker.pid is None


def test_forked_worker_raises_a_tasks_error_here():
    worker = ForkedWorker(_remember, (0,))
    try:
        with pytest.raises(ValueError, match="bad item 7"):
            list(worker.map(_boom, [7]))
        assert list(worker.map(_plus_state, [5])) == [5]  # and goes on serving
    finally:
        worker.terminate()


def test_forked_worker_reports_a_failed_initializer_on_the_first_task():
    worker = ForkedWorker(_fail_init)
    try:
        with pytest.raises(LookupError, match="no such pipeline"):
            list(worker.map(_plus_state, [1]))
    finally:
        worker.terminate()


def test_terminate_stops_a_worker_still_initializing():
    import time

    worker = ForkedWorker(time.sleep, (60,))
    pid = worker.pid
    started = time.monotonic()
    worker.terminate()
    assert time.monotonic() - started < 10
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reaped: no zombie left


def test_a_worker_that_died_is_a_clear_error_not_a_hang():
    import signal
    import time

    worker = ForkedWorker(time.sleep, (60,))
    os.kill(worker.pid, signal.SIGKILL)
    try:
        with pytest.raises(RuntimeError, match=f"worker process {worker.pid} ended unexpectedly"):
            list(worker.map(_plus_state, [1]))
    finally:
        worker.terminate()


@pytest.fixture
def loads(monkeypatch, tmp_path):
    """The pids of the processes that loaded the spaCy pipeline."""
    record = tmp_path / "loads"
    real = LazyPipeline.load

    def load(self):
        if self._nlp is None:
            with open(record, "a", encoding="utf-8") as fh:
                fh.write(f"{os.getpid()}\n")
        return real(self)

    monkeypatch.setattr(LazyPipeline, "load", load)
    return lambda: record.read_text(encoding="utf-8").split() if record.exists() else []


def test_a_few_changed_articles_are_annotated_by_the_preloaded_worker(tmp_path, loads, monkeypatch):
    started = []
    from archive import annotate_stage

    real = annotate_stage.preload_worker
    monkeypatch.setattr(annotate_stage, "preload_worker", lambda a: started.append(1) or real(a))
    arch = make_archive(tmp_path / "arch", more_articles(4))
    build(load_config(arch), jobs=2)  # a first build of a few articles is annotated the same way
    started.clear()
    before = loads()
    path = arch / "articles" / "2021-06-20-extra.md"
    path.write_text("---\ntitle: Extra\ndate: 2021-06-20\n---\n\nThe Iraqi prime minister said on Sunday "
                    "that “the talks will go on”.\n", encoding="utf-8")
    report = build(load_config(arch), jobs=2)
    assert started == [1] and report.annotated == 1
    new_loads = loads()[len(before):]
    assert len(new_loads) == 1 and new_loads[0] != str(os.getpid())  # loaded in the worker only
    build(load_config(arch, {"output": str(tmp_path / "clean")}), jobs=1, use_cache=False)
    assert site_bytes(arch / "build") == site_bytes(tmp_path / "clean")


def test_a_changed_file_whose_text_is_cached_needs_no_spacy_at_all(tmp_path, loads):
    arch = make_archive(tmp_path / "arch", more_articles(4))
    build(load_config(arch), jobs=2)
    before = loads()
    path = next((arch / "articles").glob("*.md"))
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("title: ", "title: Renamed ", 1), encoding="utf-8")  # front matter only
    report = build(load_config(arch), jobs=2)
    assert report.annotated == 0
    assert str(os.getpid()) not in loads()[len(before):]  # the worker may have loaded it; never this process


def test_no_preload_with_one_job_or_many_changes(tmp_path, monkeypatch):
    from archive import annotate_stage

    started = []
    real = annotate_stage.preload_worker
    monkeypatch.setattr(annotate_stage, "preload_worker", lambda a: started.append(1) or real(a))
    arch = make_archive(tmp_path / "arch", more_articles(4))
    build(load_config(arch), jobs=2)
    started.clear()
    (arch / "articles" / "2021-06-21-one.md").write_text("---\ntitle: One\ndate: 2021-06-21\n---\n\nText one.\n",
                                                         encoding="utf-8")
    build(load_config(arch), jobs=1)
    assert started == []  # --jobs 1: one process
    monkeypatch.setattr(build_mod, "PRELOAD_MAX", 0)
    (arch / "articles" / "2021-06-22-two.md").write_text("---\ntitle: Two\ndate: 2021-06-22\n---\n\nText two.\n",
                                                         encoding="utf-8")
    build(load_config(arch), jobs=2)
    assert started == []  # more changes than PRELOAD_MAX: a pool after reading
