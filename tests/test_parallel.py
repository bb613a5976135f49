"""--jobs N gives byte-for-byte the same site as --jobs 1, with a real process pool."""
import pytest

from archive import annotate_stage, build as build_mod, executor, render
from archive.build import build
from archive.config import load_config
from test_cache import ARTICLES, make_archive, site_bytes


def more_articles(n: int) -> dict:
    out = dict(ARTICLES)
    for i in range(n):
        day = f"{2021 + i // 28}-06-{i % 28 + 1:02d}"
        out[f"{day}-extra.md"] = (
            f"---\ntitle: Extra report {i}\ndate: {day}\n---\n\n"
            f"Mustafa Kadhimi met envoys in Baghdad on day {i}. \"We are ready,\" Kadhimi said.\n\n"
            f"Qaani was not there, officials said. Kataib Hezbollah issued statement number {i}.\n")
    return out


@pytest.fixture
def small_chunks(monkeypatch):
    """Tiny chunks so that even a tiny archive goes through a real pool of two processes."""
    monkeypatch.setattr(annotate_stage, "CHUNK", 2)
    monkeypatch.setattr(render, "RENDER_CHUNK", 2)
    monkeypatch.setattr(build_mod, "READ_CHUNK", 1)
    pools = []
    real = executor.ProcessExecutor.__init__

    def spy(self, *a, **kw):
        pools.append(a[0])
        real(self, *a, **kw)

    monkeypatch.setattr(executor.ProcessExecutor, "__init__", spy)
    return pools


def test_jobs_2_equals_jobs_1_byte_for_byte(tmp_path, small_chunks):
    arch = make_archive(tmp_path / "arch", more_articles(9))
    serial = build(load_config(arch, {"output": str(tmp_path / "one")}), jobs=1, use_cache=False)
    assert small_chunks == []
    parallel = build(load_config(arch, {"output": str(tmp_path / "two")}), jobs=2, use_cache=False)
    assert small_chunks == [2, 2, 2]  # reading, annotation, rendering (with the finishing step) each ran on a pool
    assert (serial.pages, serial.annotated) == (parallel.pages, parallel.annotated) == (serial.pages, 12)
    one, two = site_bytes(tmp_path / "one"), site_bytes(tmp_path / "two")
    assert len(one) > 20 and one == two


def test_parallel_cache_then_serial_reuse(tmp_path, small_chunks):
    arch = make_archive(tmp_path / "arch", more_articles(5))
    first = build(load_config(arch), jobs=2)
    assert first.annotated == 8
    second = build(load_config(arch), jobs=1)
    assert (second.reused, second.written) == (8, 0)


def test_annotation_is_a_pure_function_of_the_text():
    from archive.annotate import Annotator
    from archive.registry import Registry

    annotator = Annotator(Registry(()), "rules")
    texts = [t for t in more_articles(3).values()]
    once = annotate_stage.annotate_texts(annotator, [(t, None) for t in texts])
    again = annotate_stage.annotate_texts(annotator, [(t, None) for t in reversed(texts)])
    assert once == list(reversed(again))
    # from a cached analysis: the same annotation, and no new analysis
    cached = annotate_stage.annotate_texts(annotator, [(t, a) for t, (a, _) in zip(texts, once)])
    assert [r for _, r in cached] == [r for _, r in once] and all(a is None for a, _ in cached)


def test_progress_bar_only_when_asked_and_big_enough(capsys):
    from archive.progress import progress

    silent = progress(1000, "annotating", enabled=False)
    silent.update(10)
    silent.close()
    tiny = progress(3, "annotating", enabled=True)
    tiny.update(3)
    tiny.close()
    assert capsys.readouterr().err == ""
    bar = progress(100, "annotating", enabled=True)
    bar.update(100)
    bar.close()
    assert "annotating" in capsys.readouterr().err


def test_status_line_only_when_asked(capsys):
    from archive.progress import status

    with status("search index (Pagefind)", enabled=False):
        pass
    assert capsys.readouterr().err == ""
    with status("search index (Pagefind)", enabled=True):
        assert capsys.readouterr().err == "search index (Pagefind)…"  # shown while the step runs
    assert capsys.readouterr().err == "\r\x1b[K"  # and cleared after it


def test_cli_build_is_quiet_without_a_terminal(tmp_path):
    from click.testing import CliRunner

    from archive.cli import main

    arch = make_archive(tmp_path / "arch", more_articles(60))
    result = CliRunner().invoke(main, ["build", str(arch), "--jobs", "2"])
    assert result.exit_code == 0, result.output
    assert "annotating" not in result.output and "rendering" not in result.output and "%|" not in result.output
    assert "Annotated 63, re-matched 0, reused 0 from the cache" in result.output


def test_finishing_tasks_run_in_the_render_pool_beside_the_pages(tmp_path, small_chunks, monkeypatch):
    """The finishing step (data, feeds, network, sitemap) shares the render pool: its tasks
    run in the workers, not after rendering in the main process, with the same bytes."""
    import os

    pids = tmp_path / "pids"
    real = build_mod.SiteFinish.run

    def run(task):
        with open(pids, "a", encoding="utf-8") as fh:
            fh.write(f"{os.getpid()}\n")
        return real(task)

    monkeypatch.setattr(build_mod.SiteFinish, "run", staticmethod(run))
    arch = make_archive(tmp_path / "arch", more_articles(9))
    build(load_config(arch, {"output": str(tmp_path / "two")}), jobs=2)
    ran = pids.read_text(encoding="utf-8").split()
    assert len(ran) == 5 and str(os.getpid()) not in ran
    build(load_config(arch, {"output": str(tmp_path / "one")}), jobs=1, use_cache=False)
    assert site_bytes(tmp_path / "one") == site_bytes(tmp_path / "two")
