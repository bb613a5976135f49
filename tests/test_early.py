"""Placing a warm build's pages early (early.py): with the site folder gone and nothing changed,
a worker forked after reading links the last build's site from the page store while the index
is rebuilt; write_site takes its folder only when the build makes that very site. The site is
byte for byte a clean build's in every case, and nothing is left beside the output."""
import os
import shutil

import pytest

from archive import early as early_mod
from archive import render
from archive.build import build
from archive.config import load_config
from test_cache import make_archive, site_bytes
from test_pagestore import clean_site, edit_article, store_dir


@pytest.fixture
def archive_dir(tmp_path):
    return make_archive(tmp_path / "arch")


@pytest.fixture
def taken(monkeypatch):
    """What each EarlySite.start and .take gave, in order: ("start", None or "worker"),
    ("take", None or number of pages placed)."""
    seen = []
    real_start, real_take = early_mod.EarlySite.start.__func__, early_mod.EarlySite.take

    def start(cls, *args, **kwargs):
        site = real_start(cls, *args, **kwargs)
        seen.append(("start", site and "worker"))
        return site

    def take(self, pages, inputs, fkey):
        got = real_take(self, pages, inputs, fkey)
        seen.append(("take", got and sum(r is not None for r in got[0])))
        return got

    monkeypatch.setattr(early_mod.EarlySite, "start", classmethod(start))
    monkeypatch.setattr(early_mod.EarlySite, "take", take)
    return seen


def leftovers(config):
    return sorted(p.name for p in config.output_dir.parent.iterdir() if p.name.startswith(f".{config.output_dir.name}-"))


def test_a_warm_build_without_its_site_takes_the_early_workers_folder(archive_dir, tmp_path, taken, render_calls):
    config = load_config(archive_dir)
    first = build(config, jobs=2)
    assert taken == [("start", None)]  # a first build: no manifest to compare with
    shutil.rmtree(config.output_dir)
    taken.clear()
    render_calls.clear()
    again = build(config, jobs=2)
    assert taken == [("start", "worker"), ("take", first.pages)]
    assert render_calls == []
    assert (again.pages, again.written, again.removed) == (first.pages, first.written, 0)
    assert again.data_rows == first.data_rows and again.feeds == first.feeds
    assert site_bytes(config.output_dir) == clean_site(archive_dir, tmp_path)
    assert leftovers(config) == []
    # ... and the next build still finds the store and the manifest as a normal build leaves them
    shutil.rmtree(config.output_dir)
    taken.clear()
    build(config, jobs=2)
    assert taken == [("start", "worker"), ("take", first.pages)]
    assert site_bytes(config.output_dir) == clean_site(archive_dir, tmp_path)


@pytest.mark.parametrize("case", ["site kept", "one job", "article edited"])
def test_no_worker_when_it_cannot_help(archive_dir, tmp_path, taken, case):
    config = load_config(archive_dir)
    build(config, jobs=2)
    taken.clear()
    jobs = 2
    if case == "one job":
        jobs = 1
        shutil.rmtree(config.output_dir)
    elif case == "article edited":
        shutil.rmtree(config.output_dir)
        edit_article(archive_dir)
    else:  # the site is there: its pages stay where they are, nothing to link
        (config.output_dir / "404.html").unlink()  # not the no-change shortcut: a file is missing
    build(config, jobs=jobs)
    assert taken == [("start", None)]
    assert site_bytes(config.output_dir) == clean_site(archive_dir, tmp_path)
    assert leftovers(config) == []


def test_a_page_missing_from_the_store_is_rendered(archive_dir, tmp_path, taken, render_calls):
    from archive.pagestore import PageStore

    config = load_config(archive_dir)
    first = build(config, jobs=2)
    shutil.rmtree(config.output_dir)
    store = PageStore(store_dir(archive_dir))
    page = config.output_dir / "articles" / "2021-04-07-dialogue.html"
    from archive.pagekey import load_manifest

    (manifest_path,) = archive_dir.glob(".archive-cache/v*/pages/*.json")
    manifest, _ = load_manifest(manifest_path)
    os.unlink(store.path(manifest[page.relative_to(config.output_dir).as_posix()][0]))
    taken.clear()
    render_calls.clear()
    build(config, jobs=2)
    assert taken == [("start", "worker"), ("take", first.pages - 1)]
    assert render_calls == ["articles/2021-04-07-dialogue.html"]
    assert site_bytes(config.output_dir) == clean_site(archive_dir, tmp_path)


def test_a_site_other_than_the_last_one_throws_the_folder_away(archive_dir, tmp_path, taken, monkeypatch):
    """The early inputs match but the planned pages do not (as if the plan depended on
    something the early inputs miss): the worker's folder is not used."""
    from archive import build as build_module

    config = load_config(archive_dir)
    first = build(config, jobs=2)
    shutil.rmtree(config.output_dir)
    real_plan = build_module.plan_site
    monkeypatch.setattr(build_module, "plan_site", lambda *a: real_plan(*a)[:-1])  # one page fewer
    taken.clear()
    again = build(config, jobs=2)
    assert taken == [("start", "worker"), ("take", None)]
    assert again.pages == first.pages - 1 and leftovers(config) == []
    monkeypatch.setattr(build_module, "plan_site", real_plan)
    shutil.rmtree(config.output_dir)
    build(config, jobs=2)
    assert site_bytes(config.output_dir) == clean_site(archive_dir, tmp_path)


def test_a_failed_build_stops_the_worker_and_leaves_nothing(archive_dir, tmp_path, taken, monkeypatch):
    from archive import build as build_module
    from archive.errors import ArchiveError

    config = load_config(archive_dir)
    build(config, jobs=2)
    shutil.rmtree(config.output_dir)
    workers = []
    real_worker = early_mod.EarlySite.__init__

    def init(self, tmp, last, last_inputs, worker):
        workers.append(worker.pid)
        real_worker(self, tmp, last, last_inputs, worker)

    monkeypatch.setattr(early_mod.EarlySite, "__init__", init)

    def fail(*args):
        raise ArchiveError("planning failed")

    monkeypatch.setattr(build_module, "plan_site", fail)
    taken.clear()
    with pytest.raises(ArchiveError, match="planning failed"):
        build(config, jobs=2)
    assert taken == [("start", "worker")] and len(workers) == 1
    with pytest.raises(ChildProcessError):
        os.waitpid(workers[0], os.WNOHANG)  # reaped
    assert leftovers(config) == [] and not config.output_dir.exists()


def test_the_manifest_keeps_the_early_inputs_only_with_keys(archive_dir):
    from archive.pagekey import load_manifest_early

    config = load_config(archive_dir)
    build(config, jobs=1)
    (manifest_path,) = archive_dir.glob(".archive-cache/v*/pages/*.json")
    pages, inputs, early = load_manifest_early(manifest_path)
    assert pages and inputs and early and early != inputs
    # a different registry file: different early inputs
    registry = config.registry_path
    registry.write_text(registry.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    build(config, jobs=1)
    assert load_manifest_early(manifest_path)[2] not in (None, early)



def test_with_search_on_the_early_folder_holds_the_search_index_too(tmp_path, taken, render_calls):
    from issue6_site import build_site

    site, first = build_site(tmp_path, search=True)
    before = site_bytes(site)
    shutil.rmtree(site)
    taken.clear()
    render_calls.clear()
    again = build(load_config(tmp_path), jobs=2)
    assert taken == [("start", "worker"), ("take", first.pages)]
    assert render_calls == [] and again.search == "pagefind"
    assert site_bytes(site) == before and (site / "pagefind" / "entities" / "pagefind.js").is_file()
