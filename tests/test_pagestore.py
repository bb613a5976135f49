"""The page store (pagestore.py): a build with no previous site takes unchanged pages from the
cache instead of rendering them, byte for byte what rendering makes; an entry changed since
it was stored is never used; the store keeps only the current site's pages."""
import os
import shutil
from pathlib import Path

import pytest

from archive.build import build
from archive.config import load_config
from archive.pagestore import PageStore
from test_cache import make_archive, site_bytes


@pytest.fixture
def archive_dir(tmp_path):
    return make_archive(tmp_path / "arch")


def store_dir(archive_dir):
    (found,) = (archive_dir / ".archive-cache").glob("v*/pages-store")
    return found


def store_files(archive_dir):
    return {p.name for p in store_dir(archive_dir).glob("*/*")}


def clean_site(archive_dir, tmp_path):
    build(load_config(archive_dir, {"output": str(tmp_path / "clean")}), jobs=1, use_cache=False)
    return site_bytes(tmp_path / "clean")


@pytest.mark.parametrize("jobs", [1, 2])
def test_build_without_previous_site_takes_pages_from_the_store(archive_dir, tmp_path, render_calls, jobs):
    config = load_config(archive_dir)
    first = build(config, jobs=jobs)
    shutil.rmtree(config.output_dir)
    render_calls.clear()
    again = build(config, jobs=jobs)
    assert render_calls == []  # nothing rendered (with jobs=2 the spy would not see workers: also bytes below)
    assert again.pages == first.pages and again.removed == 0
    assert site_bytes(config.output_dir) == clean_site(archive_dir, tmp_path)


def test_without_the_store_every_page_is_rendered(archive_dir, render_calls):
    config = load_config(archive_dir)
    first = build(config, jobs=1)
    shutil.rmtree(config.output_dir)
    shutil.rmtree(store_dir(archive_dir))
    render_calls.clear()
    build(config, jobs=1)
    assert len(render_calls) == first.pages


def test_a_store_entry_edited_through_the_site_is_not_reused(archive_dir, tmp_path, render_calls):
    config = load_config(archive_dir)
    build(config, jobs=1)
    page = config.output_dir / "articles/2021-04-07-dialogue.html"
    with open(page, "r+b") as fh:  # in place: the same inode as the store's entry
        fh.seek(0)
        fh.write(b"<!-- edited -->")
    shutil.rmtree(config.output_dir)
    render_calls.clear()
    build(config, jobs=1)
    assert render_calls == ["articles/2021-04-07-dialogue.html"]
    assert site_bytes(config.output_dir) == clean_site(archive_dir, tmp_path)
    # ... and stored afresh: the next build without a site renders nothing
    shutil.rmtree(config.output_dir)
    render_calls.clear()
    build(config, jobs=1)
    assert render_calls == []


def test_a_replaced_store_file_is_not_reused(archive_dir, tmp_path, render_calls):
    config = load_config(archive_dir)
    build(config, jobs=1)
    store = PageStore(store_dir(archive_dir))
    key = next(iter(store.entries))
    path = Path(store.path(key))
    data = path.read_bytes()
    path.unlink()
    path.write_bytes(data.replace(b"<", b"[", 1))  # same size, another inode
    shutil.rmtree(config.output_dir)
    render_calls.clear()
    build(config, jobs=1)
    assert len(render_calls) <= 1  # the replaced entry if it was a page (else a feed, made again)
    assert site_bytes(config.output_dir) == clean_site(archive_dir, tmp_path)


def test_store_keeps_only_the_current_sites_pages(archive_dir, tmp_path):
    config = load_config(archive_dir)
    build(config, jobs=1)
    before = store_files(archive_dir)
    assert before and len(before) == len(PageStore(store_dir(archive_dir)).entries)
    path = archive_dir / "articles" / "2021-04-09-kataib.md"
    path.write_text(path.read_text(encoding="utf-8").replace("on Friday", "on Saturday"), encoding="utf-8")
    build(config, jobs=1)
    after = store_files(archive_dir)
    assert len(after) == len(PageStore(store_dir(archive_dir)).entries)
    assert before - after and after - before  # the old keys of changed pages are gone
    assert len(after) <= len(before) + 1


def test_failed_build_keeps_the_store_usable(archive_dir, tmp_path, monkeypatch, render_calls):
    from archive import render

    config = load_config(archive_dir)
    build(config, jobs=1)
    shutil.rmtree(config.output_dir)

    def broken(*args, **kwargs):
        raise RuntimeError("publishing failed")

    monkeypatch.setattr(render, "_swap", broken)
    with pytest.raises(RuntimeError):
        build(config, jobs=1)
    assert not config.output_dir.exists()
    monkeypatch.undo()
    render_calls.clear()
    build(config, jobs=1)
    assert site_bytes(config.output_dir) == clean_site(archive_dir, tmp_path)


def test_clean_removes_the_store(archive_dir):
    from archive.cache import clean

    config = load_config(archive_dir)
    build(config, jobs=1)
    assert store_files(archive_dir)
    clean(config)
    assert not list((archive_dir).glob(".archive-cache/v*/pages-store"))


@pytest.mark.parametrize("when", ["early", "late"])
def test_finishing_files_are_stored_whenever_the_prune_runs(archive_dir, monkeypatch, when):
    """The prune runs beside the finishing step; whether it runs before that step or after it,
    the entity feeds are kept, and a build with no previous site takes them from the store."""
    from archive import feeds, pagestore

    class Thread:  # a prune thread that does its work at once, or at the last moment (join)
        def __init__(self, store, remove):
            self.store, self.remove = store, remove
            if when == "early":
                self.join()

        def join(self):  # like a thread's: the work happens once
            if self.remove is not None:
                self.store._remove(self.remove)
                self.remove = None

    monkeypatch.setattr(pagestore.PageStore, "start_prune", lambda self, remove: Thread(self, remove))
    config = load_config(archive_dir)
    build(config, jobs=1)
    (archive_dir / "templates").mkdir()
    (archive_dir / "templates" / "404.html").write_text('{% extends "default:404.html" %}', encoding="utf-8")
    build(config, jobs=1)  # every key changed: the feeds are stored anew while the prune is due
    store = PageStore(store_dir(archive_dir))
    assert store.entries and all(store.valid(k) for k in store.entries)
    made = []
    real = feeds.entity_feed
    monkeypatch.setattr(feeds, "entity_feed", lambda *a, **k: made.append(1) or real(*a, **k))
    shutil.rmtree(config.output_dir)
    build(config, jobs=1)
    assert made == []
    shutil.rmtree(config.output_dir)  # and again: the build without a site kept them too
    build(config, jobs=1)
    assert made == []


def test_build_without_previous_site_takes_the_finishing_output_from_the_store(archive_dir, tmp_path, monkeypatch):
    from archive import build as build_mod

    calls = []
    real = build_mod.SiteFinish.prepare
    monkeypatch.setattr(build_mod.SiteFinish, "prepare", lambda *a, **k: calls.append(1) or real(*a, **k))
    config = load_config(archive_dir)
    build(config, jobs=1)
    assert calls == [1]
    shutil.rmtree(config.output_dir)
    build(config, jobs=1)
    assert calls == [1]  # data, feeds, sitemap: all from the store
    assert site_bytes(config.output_dir) == clean_site(archive_dir, tmp_path)
    clean = clean_site(archive_dir, tmp_path)
    assert site_bytes(config.output_dir) == clean
    # a stored file edited through the site: the finishing step runs again
    with open(config.output_dir / "sitemap.xml", "r+b") as fh:
        fh.write(b"<!-- x -->")
    shutil.rmtree(config.output_dir)
    calls.clear()
    build(config, jobs=1)
    assert calls == [1]
    assert site_bytes(config.output_dir) == clean


@pytest.mark.skipif(__import__("archive.search").search.pagefind_command() is None, reason="pagefind[bin] not installed")
def test_with_search_on_the_whole_site_comes_from_the_store_with_its_index(tmp_path, render_calls):
    """Search on: the site is made whole in the temporary folder (Pagefind indexes it) and
    swapped in; a build without the previous site takes pages and search index from the store."""
    from issue6_site import build_site

    site, first = build_site(tmp_path, search=True)
    assert first.search == "pagefind"
    before = site_bytes(site)
    shutil.rmtree(site)
    render_calls.clear()
    again = build(load_config(tmp_path), jobs=1)
    assert render_calls == [] and again.search == "pagefind"
    assert (again.feeds, again.data_rows) == (first.feeds, first.data_rows)  # what the reused step reported
    assert site_bytes(site) == before
    # an edit: rebuilt beside a previous site, with the search index made again
    page = next(p for p in tmp_path.glob("**/*.md") if "build" not in p.parts)
    page.write_text(page.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    build(load_config(tmp_path), jobs=1)
    assert (site / "pagefind" / "entities" / "pagefind.js").is_file()
    assert not list(tmp_path.glob(".build-tmp-*")) and not list(tmp_path.glob(".build-journal*"))


def test_same_inputs_take_the_page_keys_from_the_manifest(archive_dir, tmp_path, monkeypatch, render_calls):
    """A build whose inputs (articles, registry, config, templates, code) equal the last
    build's gives every page the key it had: they come from the manifest, not from hashing
    every page's context again. Anything changed: keys are hashed again (an article only:
    the pages it can change, keydeps.py)."""
    from archive import keydeps, pagekey

    monkeypatch.delenv(keydeps.VERIFY_ENV, raising=False)  # count only the keys the builds make
    hashed = []
    real = pagekey.PageKeys.key
    monkeypatch.setattr(pagekey.PageKeys, "key", lambda self, spec: hashed.append(spec.path) or real(self, spec))
    config = load_config(archive_dir)
    first = build(config, jobs=1)
    assert len(hashed) == first.pages
    shutil.rmtree(config.output_dir)
    hashed.clear()
    render_calls.clear()
    build(config, jobs=1)
    assert hashed == [] and render_calls == []
    assert site_bytes(config.output_dir) == clean_site(archive_dir, tmp_path)
    # a template changed: every page is keyed again, and the ones using it rendered
    (archive_dir / "templates").mkdir(exist_ok=True)
    (archive_dir / "templates" / "404.html").write_text("{% extends 'base.html' %}{% block content %}Gone{% endblock %}",
                                                       encoding="utf-8")
    shutil.rmtree(config.output_dir)
    build(config, jobs=1)
    assert len(hashed) == first.pages
    assert "Gone" in (config.output_dir / "404.html").read_text(encoding="utf-8")
    # an article changed, the site kept: keyed again, and only what changed is written
    hashed.clear()
    path = archive_dir / "articles" / "2021-04-09-kataib.md"
    path.write_text(path.read_text(encoding="utf-8").replace("on Friday", "on Saturday"), encoding="utf-8")
    again = build(config, jobs=1)
    assert "articles/2021-04-09-kataib.html" in hashed and len(hashed) < first.pages
    assert "articles/2021-04-07-dialogue.html" not in hashed
    assert 0 < again.written < first.pages
    assert site_bytes(config.output_dir) == clean_site(archive_dir, tmp_path)


def edit_article(archive_dir):
    path = archive_dir / "articles" / "2021-04-09-kataib.md"
    path.write_text(path.read_text(encoding="utf-8").replace("on Friday", "on Saturday"), encoding="utf-8")


def test_changed_inputs_are_keyed_in_the_workers(archive_dir, tmp_path, monkeypatch):
    """Keys to hash (an article changed): the pool's workers key the pages and make their
    contexts; the main process keys none and makes none, and the site is a clean build's."""
    import os

    from archive import keydeps, pagekey, plan, render

    monkeypatch.delenv(keydeps.VERIFY_ENV, raising=False)  # the check keys in this process
    from archive.pagekey import load_manifest

    monkeypatch.setattr(render, "RENDER_CHUNK", 2)  # a pool, even for this small archive
    monkeypatch.setattr(render, "KEY_CHUNK", 3)
    config = load_config(archive_dir)
    first = build(config, jobs=2)
    main = os.getpid()
    keyed_here, made_here = [], []
    real_key, real_context = pagekey.PageKeys.key, plan.PageSpec.context.fget

    def key(self, spec):
        if os.getpid() == main:
            keyed_here.append(spec.path)
        return real_key(self, spec)

    def context(self):
        if os.getpid() == main and self._context is None:
            made_here.append(self.path)
        return real_context(self)

    monkeypatch.setattr(pagekey.PageKeys, "key", key)
    monkeypatch.setattr(plan.PageSpec, "context", property(context))
    edit_article(archive_dir)
    again = build(config, jobs=2)
    assert keyed_here == [] and made_here == []
    assert 0 < again.written < first.pages
    assert site_bytes(config.output_dir) == clean_site(archive_dir, tmp_path)
    (manifest_path,) = archive_dir.glob(".archive-cache/v*/pages/*.json")
    manifest, _ = load_manifest(manifest_path)
    assert len([rel for rel, entry in manifest.items() if rel.endswith(".html") and entry[0]]) == first.pages
    # serially, the same spies see every page keyed in this process
    path = archive_dir / "articles" / "2021-04-09-kataib.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    build(config, jobs=1)
    assert "articles/2021-04-09-kataib.html" in keyed_here and 0 < len(keyed_here) < first.pages


def test_finishing_files_with_their_own_keys_are_stored_once(archive_dir, tmp_path, monkeypatch):
    """A finishing file keyed by what it is made from (an entity feed) is kept in the page
    store under that key only, not again under the whole finishing step's key, which changes
    with every edit; a build without the previous site still takes the whole finishing
    output from the store."""
    from archive import build as build_mod
    from archive.pagekey import load_manifest
    from archive.pagestore import finish_entry_key, keyed_file_key

    config = load_config(archive_dir)
    build(config, jobs=1)
    edit_article(archive_dir)
    build(config, jobs=1)
    (manifest_path,) = archive_dir.glob(".archive-cache/v*/pages/*.json")
    manifest, _ = load_manifest(manifest_path)
    fkey, made = manifest[""][0], [m[0] for m in manifest[""][1]]
    own = [rel for rel in made if rel in manifest]
    assert any(rel.endswith(".xml") and "/" in rel for rel in own)  # the entity feeds
    entries = PageStore(store_dir(archive_dir)).entries
    assert all(keyed_file_key(manifest[rel][0], rel) in entries for rel in own)
    assert not any(finish_entry_key(fkey, rel) in entries for rel in own)
    assert all(finish_entry_key(fkey, rel) in entries for rel in made if rel not in own)
    calls = []
    real = build_mod.SiteFinish.prepare
    monkeypatch.setattr(build_mod.SiteFinish, "prepare", lambda *a, **k: calls.append(1) or real(*a, **k))
    shutil.rmtree(config.output_dir)
    build(config, jobs=1)
    assert calls == []
    assert site_bytes(config.output_dir) == clean_site(archive_dir, tmp_path)


def test_what_only_pages_show_is_made_only_when_pages_need_it(archive_dir, tmp_path, monkeypatch):
    """The index's contexts, roles and co-mentions and the pictures' counts are made on first
    use: a build whose pages all come from the page store (same inputs, site deleted) never
    makes them, nor forks a pool; a build with keys to hash makes each once, before the
    workers fork (an article edit: all but the contexts); the site is a clean build's."""
    from archive import executor, index, render, svg

    monkeypatch.setattr(render, "RENDER_CHUNK", 2)  # a pool, even for this small archive
    made = []

    def spy(owner, name):
        real = getattr(owner, name)
        monkeypatch.setattr(owner, name, lambda *a: made.append(name) or real(*a))

    spy(index, "_all_contexts")
    spy(index, "_found_roles")
    spy(index, "_comentions")
    spy(svg.Pictures, "_count")
    spy(executor.ProcessExecutor, "__init__")
    every = ["_all_contexts", "_found_roles", "_comentions", "_count", "__init__"]
    config = load_config(archive_dir)
    build(config, jobs=2)
    assert sorted(made) == sorted(every)
    shutil.rmtree(config.output_dir)
    made.clear()
    build(config, jobs=2)
    assert made == []
    assert site_bytes(config.output_dir) == clean_site(archive_dir, tmp_path)
    edit_article(archive_dir)
    made.clear()
    build(config, jobs=2)
    # only an article changed: most keys are known (keydeps.py), and the entity pages keyed
    # make their own entities' contexts, not every entity's
    assert sorted(made) == sorted(set(every) - {"_all_contexts"})
    assert site_bytes(config.output_dir) == clean_site(archive_dir, tmp_path)


def test_a_store_that_holds_exactly_the_site_is_not_rewritten(archive_dir):
    """A build whose pages are exactly the store's (the site deleted, nothing else changed)
    leaves the store's index as it is; a build that changes a page rewrites it and prunes."""
    from archive.pagestore import INDEX

    config = load_config(archive_dir)
    build(config, jobs=1)
    index = store_dir(archive_dir) / INDEX
    before = index.stat().st_mtime_ns, index.read_bytes()
    shutil.rmtree(config.output_dir)
    build(config, jobs=1)
    assert (index.stat().st_mtime_ns, index.read_bytes()) == before
    edit_article(archive_dir)
    build(config, jobs=1)
    assert index.read_bytes() != before[1]
    assert store_files(archive_dir) == set(PageStore(store_dir(archive_dir)).entries)


def test_a_killed_builds_stray_files_are_swept_and_else_the_store_is_not_listed(archive_dir, monkeypatch):
    """Files a killed build put in the store (the index does not list them) are removed by the
    next build that saves the index, told by the mark the killed build left; a build after a
    clean one removes only what the index drops, without listing the store."""
    from archive import pagestore

    config = load_config(archive_dir)
    build(config, jobs=1)
    root = store_dir(archive_dir)
    assert not (root / pagestore.UNSWEPT).exists()
    listed = []
    real = os.scandir
    monkeypatch.setattr(pagestore.os, "scandir", lambda p: (listed.append(p) if str(p).startswith(str(root)) else None) or real(p))
    edit_article(archive_dir)
    build(config, jobs=1)
    assert listed == [] and store_files(archive_dir) == set(PageStore(root).entries)
    # a build killed after putting a file: a stray and the mark are left
    (root / "ab").mkdir(exist_ok=True)
    (root / "ab" / ("ab" + "0" * 62)).write_bytes(b"stray")
    (root / pagestore.UNSWEPT).touch()
    path = archive_dir / "articles" / "2021-04-09-kataib.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nThe talks went on for a week.\n", encoding="utf-8")
    build(config, jobs=1)
    assert listed and not (root / pagestore.UNSWEPT).exists()
    assert store_files(archive_dir) == set(PageStore(root).entries)
