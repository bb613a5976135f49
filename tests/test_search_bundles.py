"""The search index in bundles (search_bundles.py): articles in buckets by a hash of their
path, entity pages apart; a build runs Pagefind only on the bundles whose pages changed and
carries the others over, from the last site or from the page store. Real Pagefind (a
dependency); small bundles, so that a three-article archive has several."""
from __future__ import annotations

import json
import shutil

import pytest

from issue6_site import ARTICLES, write_archive

from archive import search_bundles
from archive.build import build
from archive.config import load_config
from archive.search_bundles import Bundle, buckets_for, plan_bundles, site_pages

SECTIONS = ["articles", "actors", "events", "militias", "organisations", "places"]


def test_buckets_grow_by_powers_of_two():
    assert [buckets_for(n, 1500) for n in (0, 1, 1500, 1501, 3000, 3001, 10_000, 12_000, 12_001)] == \
        [1, 1, 1, 2, 2, 4, 8, 8, 16]


def _site(root, n_articles: int, n_entities: int = 5):
    for folder in SECTIONS:
        (root / folder).mkdir(parents=True, exist_ok=True)
        (root / folder / "index.html").write_text("<p>listing</p>", encoding="utf-8")
    for i in range(n_articles):
        (root / "articles" / f"a{i:04d}.html").write_text("<p>x</p>", encoding="utf-8")
    for i in range(n_entities):
        (root / "actors" / f"e{i}.html").write_text("<p>x</p>", encoding="utf-8")
    (root / "articles" / "2021").mkdir()
    (root / "articles" / "2021" / "index.html").write_text("<p>by date</p>", encoding="utf-8")


def test_every_page_in_one_bundle_and_an_added_article_changes_one(tmp_path, monkeypatch):
    monkeypatch.setattr(search_bundles, "BUCKET_SIZE", 10)
    _site(tmp_path, 35)
    bundles = plan_bundles(site_pages(tmp_path, SECTIONS), SECTIONS)
    assert [b.name for b in bundles] == ["articles-0", "articles-1", "articles-2", "articles-3", "entities"]
    pages = [rel for b in bundles for rel in b.pages]
    assert sorted(pages) == sorted({*pages}) and len(pages) == 40  # once each; no listing, no page by date
    (tmp_path / "articles" / "a0100.html").write_text("<p>new</p>", encoding="utf-8")
    again = plan_bundles(site_pages(tmp_path, SECTIONS), SECTIONS)
    changed = [b.name for b, c in zip(bundles, again) if b != c]
    assert len(changed) == 1 and "articles/a0100.html" in next(b for b in again if b.name == changed[0]).pages
    # the whole site, when the templates are the archive's own (search.index_sections is None)
    [whole] = plan_bundles(site_pages(tmp_path, None), None)
    assert whole.name == "site" and "articles/index.html" in whole.pages and len(whole.pages) == 48


def test_pagefind_reads_a_bundle_s_pages_only(tmp_path):
    """Each bundle's pages are staged in a folder of their own, from wherever their files are
    (a build published in place has them in two folders), and that is all Pagefind reads."""
    from archive.search import pagefind_command

    site, changed = tmp_path / "site", tmp_path / "changed"
    _site(site, 3)
    for rel in ("articles/a0000.html", "actors/e0.html"):
        (changed / rel).parent.mkdir(parents=True, exist_ok=True)
        (changed / rel).write_text("<html><body data-pagefind-body><p>zebra crossing</p></body></html>",
                                   encoding="utf-8")
    for rel in ("articles/a0001.html", "actors/e1.html"):
        (site / rel).write_text("<html><body data-pagefind-body><p>plain words</p></body></html>", encoding="utf-8")

    def source(rel):
        return changed / rel if (changed / rel).exists() else site / rel
    bundles = plan_bundles(site_pages(site, SECTIONS), SECTIONS)
    runs = search_bundles.PagefindRuns(pagefind_command(), 2, 60)
    result = search_bundles.index_bundles(source, tmp_path / "stage", tmp_path / "index", bundles,
                                          {b.name: None for b in bundles}, lambda b, k: False, runs)
    assert result.problem is None and sorted(result.indexed) == ["articles-0", "entities"]
    assert not (tmp_path / "stage").exists()
    for name, marked in (("articles-0", 2), ("entities", 2)):
        entry = json.loads((tmp_path / "index" / name / "pagefind-entry.json").read_text(encoding="utf-8"))
        assert sum(lang["page_count"] for lang in entry["languages"].values()) == marked
    # one fragment per page read: the changed one's and the other's, nothing else
    assert len(list((tmp_path / "index" / "articles-0" / "fragment").iterdir())) == 2


def test_entity_pages_split_past_their_bucket_size(tmp_path, monkeypatch):
    monkeypatch.setattr(search_bundles, "ENTITY_BUCKET_SIZE", 4)
    _site(tmp_path, 3, n_entities=9)
    bundles = plan_bundles(site_pages(tmp_path, SECTIONS), SECTIONS)
    names = [b.name for b in bundles]
    assert names[0] == "articles-0" and set(names[1:]) <= {"entities-0", "entities-1", "entities-2", "entities-3"}
    assert sum(len(b.pages) for b in bundles[1:]) == 9


def test_bundle_key_follows_its_pages_and_pagefind():
    b = Bundle("articles-0", ("articles/a.html", "articles/b.html"))
    tokens = {"articles/a.html": "k1", "articles/b.html": "k2"}
    key = search_bundles.bundle_key(b, tokens.get, "pagefind 1.5.2")
    assert key == search_bundles.bundle_key(b, dict(tokens).get, "pagefind 1.5.2")
    assert key != search_bundles.bundle_key(b, {**tokens, "articles/b.html": "k3"}.get, "pagefind 1.5.2")
    assert key != search_bundles.bundle_key(b, tokens.get, "pagefind 1.5.3")
    assert search_bundles.bundle_key(b, {"articles/a.html": "k1"}.get, "pagefind 1.5.2") is None


def _counts(site) -> dict[str, int]:
    out = {}
    for name in json.loads((site / "pagefind" / "bundles.json").read_text(encoding="utf-8"))["bundles"]:
        entry = json.loads((site / "pagefind" / name / "pagefind-entry.json").read_text(encoding="utf-8"))
        out[name] = sum(lang["page_count"] for lang in entry["languages"].values())
    return out


def _inodes(site, name) -> dict[str, int]:
    root = site / "pagefind" / name
    return {str(p.relative_to(root)): p.stat().st_ino for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def archive(tmp_path, monkeypatch):
    monkeypatch.setattr(search_bundles, "BUCKET_SIZE", 1)  # three articles: a bucket each
    return write_archive(tmp_path, "/", True)


def _edit(root, name="2020-12-months.md"):
    """A sentence that names nothing: that article's page changes, no entity page does."""
    path = root / "articles" / name
    path.write_text(path.read_text(encoding="utf-8") + "\nThe weather stayed mild all week.\n", encoding="utf-8")


def test_an_edit_indexes_only_the_bundle_of_the_page_it_changed(archive):
    site = archive / "build"
    first = build(load_config(archive))
    assert first.search == "pagefind"
    names = json.loads((site / "pagefind" / "bundles.json").read_text(encoding="utf-8"))["bundles"]
    assert first.search_bundles == (len(names), len(names)) and len(names) >= 3
    counts = _counts(site)
    assert sum(v for k, v in counts.items() if k.startswith("articles-")) == len(ARTICLES)
    before = {name: _inodes(site, name) for name in names}
    _edit(archive)
    second = build(load_config(archive))
    assert second.search_bundles == (1, len(names))
    assert "1 of" in second.summary()
    changed = [n for n in names if _inodes(site, n) != before[n]]
    assert len(changed) == 1 and changed[0].startswith("articles-")
    assert _counts(site) == counts
    # a build with nothing changed takes the finishing output whole, index and all
    after = {n: _inodes(site, n) for n in names}
    third = build(load_config(archive))
    assert {n: _inodes(site, n) for n in names} == after and third.search == "pagefind"


def test_with_the_site_gone_the_unchanged_bundles_come_from_the_page_store(archive):
    site = archive / "build"
    build(load_config(archive))
    names = json.loads((site / "pagefind" / "bundles.json").read_text(encoding="utf-8"))["bundles"]
    counts = _counts(site)
    shutil.rmtree(site)  # a CI build: the cache restored, the site not
    _edit(archive)
    report = build(load_config(archive))
    # the other article's bucket is carried; the entity pages, whose render keys changed with
    # the article, are rendered anew (no site to find their same bytes in): indexed again
    assert report.search_bundles == (2, len(names))
    assert _counts(site) == counts


def test_another_pagefind_indexes_every_bundle(archive, monkeypatch):
    build(load_config(archive))
    monkeypatch.setattr(search_bundles, "pagefind_identity", lambda cmd: "another pagefind")
    _edit(archive)
    report = build(load_config(archive))
    assert report.search_bundles[0] == report.search_bundles[1]


def test_a_failed_bundle_leaves_no_index_and_the_next_build_indexes_all(archive, monkeypatch):
    site = archive / "build"
    build(load_config(archive))
    real = search_bundles.PagefindRuns.run

    def failing(self, source, stage, dest, bundles):
        real(self, source, stage, dest, bundles)
        return "Pagefind failed (exit 1: stand-in)"
    monkeypatch.setattr(search_bundles.PagefindRuns, "run", failing)
    _edit(archive)
    report = build(load_config(archive))
    assert report.search == "skipped" and not (site / "pagefind").exists()
    monkeypatch.setattr(search_bundles.PagefindRuns, "run", real)
    _edit(archive, "2021-05-02-rockets.md")
    report = build(load_config(archive))
    # the site published without an index keeps none of the old bundles: all are indexed
    assert report.search == "pagefind" and report.search_bundles[0] == report.search_bundles[1]
    assert sum(v for k, v in _counts(site).items() if k.startswith("articles-")) == len(ARTICLES)
