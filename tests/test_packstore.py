"""The annotation cache's storage (packstore.py) and what the cache keeps in it: shards that
round-trip, damage that is a miss and never a crash, a changed cache format that builds the
same site as a clean build, and one text shared by articles of different dates."""
from __future__ import annotations

import marshal

import pytest

from archive import cache as cache_mod
from archive import packstore
from archive.build import build
from archive.config import load_config
from archive.packstore import PackStore
from test_cache import cache_entries, make_archive, site_bytes


def _key(n: int) -> str:
    return f"{n:064x}"[::-1]  # spread over shards by the first two hex digits


def test_put_flush_and_read_back_in_a_new_store(tmp_path):
    store = PackStore(str(tmp_path / "s"), "fp")
    values = {_key(n): ((n, n + 1, "x" * n), {"k": [n]}, None) for n in range(300)}
    for k, v in values.items():
        store.put(k, v)
    store.flush()
    again = PackStore(str(tmp_path / "s"), "fp")
    assert again.get_all(list(values)) == list(values.values())
    assert again.get(_key(999)) is None
    assert again.used and all(p.endswith(".bin") for p in again.used)


def test_a_put_rewrites_only_its_shard(tmp_path):
    store = PackStore(str(tmp_path / "s"), "fp")
    for n in range(50):
        store.put(_key(n), n)
    store.flush()
    before = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "s").iterdir()}
    other = PackStore(str(tmp_path / "s"), "fp")
    other.put(_key(7), "new")
    other.flush()
    after = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "s").iterdir()}
    assert [name for name in after if after[name] != before.get(name)] == [_key(7)[:2] + ".bin"]
    assert PackStore(str(tmp_path / "s"), "fp").get(_key(7)) == "new"
    assert PackStore(str(tmp_path / "s"), "fp").get(_key(8)) == 8


def test_puts_are_written_on_their_own_every_flush_every_entries(tmp_path, monkeypatch):
    monkeypatch.setattr(packstore, "FLUSH_EVERY", 10)
    store = PackStore(str(tmp_path / "s"), "fp")
    for n in range(25):
        store.put(_key(n), n)  # no flush: a build killed here keeps the first 20
    kept = PackStore(str(tmp_path / "s"), "fp").get_all([_key(n) for n in range(25)])
    assert kept[:20] == list(range(20)) and kept[20:] == [None] * 5


@pytest.mark.parametrize("damage", [
    lambda p: p.write_bytes(b""),
    lambda p: p.write_bytes(b"\x00\xff\xfe garbage"),
    lambda p: p.write_bytes(p.read_bytes()[:-3]),
    lambda p: p.write_bytes(marshal.dumps({"not": "a shard"})),
    lambda p: p.write_bytes(marshal.dumps(("archive-pack", (2, 7), "fp", {}))),
    lambda p: p.write_bytes(marshal.dumps(("archive-pack", packstore._PY, "other-fp", {"ab": 1}))),
    lambda p: p.write_bytes(marshal.dumps(("archive-pack", packstore._PY, "fp", ["not", "a", "dict"]))),
])
def test_a_damaged_shard_is_a_miss_and_is_repaired_by_a_put(tmp_path, damage):
    store = PackStore(str(tmp_path / "s"), "fp")
    store.put(_key(1), "one")
    store.flush()
    (shard,) = (tmp_path / "s").iterdir()
    damage(shard)
    fresh = PackStore(str(tmp_path / "s"), "fp")
    assert fresh.get(_key(1)) is None
    fresh.put(_key(1), "one again")
    fresh.flush()
    assert PackStore(str(tmp_path / "s"), "fp").get(_key(1)) == "one again"


def test_an_unwritable_cache_slows_the_build_down_but_does_not_break_it(tmp_path, monkeypatch):
    def refuse(path, data):
        raise OSError("read-only file system")

    monkeypatch.setattr(packstore, "write_bytes_atomic", refuse)
    root = make_archive(tmp_path / "arch")
    report = build(load_config(root), jobs=1)
    assert report.annotated == 3
    (root / "build" / "index.html").unlink()  # not the no-change fast path: a full build
    assert build(load_config(root), jobs=1).annotated == 3  # nothing was kept, everything redone


@pytest.fixture
def archive_dir(tmp_path):
    return make_archive(tmp_path / "arch")


def test_a_build_after_a_cache_format_change_equals_a_clean_build(archive_dir, tmp_path, monkeypatch):
    config = load_config(archive_dir)
    build(config, jobs=1)
    monkeypatch.setattr(cache_mod, "CACHE_VERSION", cache_mod.CACHE_VERSION + 1)
    report = build(config, jobs=1)
    assert report.annotated == 3 and report.reused == 0  # nothing of the old format is read
    build(load_config(archive_dir, {"output": str(tmp_path / "clean")}), jobs=1, use_cache=False)
    assert site_bytes(config.output_dir) == site_bytes(tmp_path / "clean")
    assert build(config, jobs=1).reused == 3


def test_shards_of_another_python_are_misses_and_the_site_is_the_same(archive_dir, monkeypatch):
    config = load_config(archive_dir)
    build(config, jobs=1)
    good = site_bytes(config.output_dir)
    monkeypatch.setattr(packstore, "_PY", (3, 0))  # as if another Python read these shards
    (config.output_dir / "index.html").unlink()  # not the no-change fast path: a full build
    report = build(config, jobs=1)
    assert report.annotated == 3
    assert site_bytes(config.output_dir) == good


def test_one_text_under_two_dates_is_reused_for_both(archive_dir, tmp_path):
    # the same article body twice, published on different days: one record, dates for each
    src = archive_dir / "articles" / "2021-04-07-dialogue.md"
    twin = src.read_text(encoding="utf-8").replace("date: 2021-04-07", "date: 2022-01-02")
    (archive_dir / "articles" / "2022-01-02-dialogue-again.md").write_text(
        twin.replace("title: Strategic dialogue opens", "title: Strategic dialogue opens again"), encoding="utf-8")
    config = load_config(archive_dir)
    build(config, jobs=1)
    assert cache_entries(archive_dir, "annotation") == 3  # four articles, three texts
    (config.output_dir / "index.html").unlink()  # not the no-change fast path: a full build
    second = build(config, jobs=1)
    assert (second.annotated, second.rematched, second.reused) == (0, 0, 4)
    shards = sorted((archive_dir / ".archive-cache").glob("v*/annotation/*/*.bin"))
    stamps = [p.stat().st_mtime_ns for p in shards]
    (config.output_dir / "index.html").unlink()  # not the no-change fast path: a full build
    third = build(config, jobs=1)
    assert third.reused == 4
    assert [p.stat().st_mtime_ns for p in shards] == stamps  # both dates kept: nothing rewritten
    build(load_config(archive_dir, {"output": str(tmp_path / "clean")}), jobs=1, use_cache=False)
    assert site_bytes(config.output_dir) == site_bytes(tmp_path / "clean")


def test_the_stored_record_keeps_dates_per_publication_date(archive_dir):
    from archive.models import PartialDate
    from archive.reader import read_article
    from archive.discover import discover

    art = read_article(next(iter(discover(load_config(archive_dir).content_dir))))
    rec = cache_mod.compact_annotation({"mentions": [], "quotes": [], "sentences": [], "pipeline": "rules",
                                        "dates": cache_mod.dates_record(art)})
    other = type(art)(**{**art.__dict__, "date": PartialDate(1999, 1, 1)})
    assert cache_mod.annotated_from_record(other, rec).dates is None  # another anchor: not found yet
    both = cache_mod.with_dates(rec, cache_mod.dates_record(other))
    assert cache_mod.annotated_from_record(art, both).dates == cache_mod.annotated_from_record(art, rec).dates
    assert cache_mod.annotated_from_record(other, both).dates is not None


def test_retain_drops_other_entries_from_every_shard_on_disk(tmp_path):
    store = PackStore(str(tmp_path / "s"), "fp")
    for n in range(40):
        store.put(_key(n), n)
    store.flush()
    fresh = PackStore(str(tmp_path / "s"), "fp")  # nothing loaded yet: retain reads the shards
    fresh.retain({_key(n) for n in range(0, 40, 2)})
    fresh.flush()
    after = PackStore(str(tmp_path / "s"), "fp")
    assert after.get_all([_key(n) for n in range(40)]) == [n if n % 2 == 0 else None for n in range(40)]


def test_article_cache_rereads_a_changed_file_and_forgets_a_removed_one(archive_dir):
    from archive.discover import discover

    config = load_config(archive_dir)
    fp = cache_mod.reader_fingerprint(config.require_date, config.max_article_size)
    build(config, jobs=1)
    root = archive_dir / ".archive-cache"
    sources = discover(config.content_dir)
    cached = cache_mod.ArticleCache(root, fp)
    assert all(cached.get(s) is not None for s in sources)
    (config.content_dir / sources[0].rel).unlink()
    edited = config.content_dir / sources[1].rel
    edited.write_text(edited.read_text(encoding="utf-8") + "\nThen it went quiet in Basra.\n", encoding="utf-8")
    build(config, jobs=1)
    again = cache_mod.ArticleCache(root, fp)
    now = {s.rel: s for s in discover(config.content_dir)}
    assert again.get(sources[0]) is None                      # gone from the cache too
    assert again.get(sources[1]) is None                      # the old hash is a miss …
    assert again.get(now[sources[1].rel]).text.count("Basra")  # … the new one is cached
    entries = sum(len(marshal.loads(p.read_bytes())[3]) for p in root.glob("v*/articles/*/*.bin"))
    assert entries == len(now)
