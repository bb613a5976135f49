"""The no-change fast path (fastpath.py): a build with the same inputs, site and cache as the
last one does nothing and says so; any edit to an input, the site or the cache builds again."""
import pytest

from archive import build as build_mod
from archive.build import build
from archive.config import load_config
from test_cache import make_archive, site_bytes


@pytest.fixture
def archive_dir(tmp_path):
    return make_archive(tmp_path / "arch")


@pytest.fixture
def full_builds(monkeypatch):
    """How many builds went past the fast path (the plan stage runs only in a full build)."""
    calls = []
    real = build_mod.plan_site
    monkeypatch.setattr(build_mod, "plan_site", lambda *a: calls.append(1) or real(*a))
    return calls


def test_no_change_build_is_fast_and_reports_like_a_full_one(archive_dir, full_builds):
    config = load_config(archive_dir)
    first = build(config, jobs=1)
    second = build(config, jobs=1)  # a full build that finds nothing changed
    assert len(full_builds) == 1 or len(full_builds) == 2
    before = len(full_builds)
    made = site_bytes(config.output_dir)
    third = build(config, jobs=2)
    assert len(full_builds) == before  # the fast path
    assert site_bytes(config.output_dir) == made
    for name in ("pages", "articles", "entities", "quotes", "pipeline", "data_rows", "feeds", "search"):
        assert getattr(third, name) == getattr(first, name), name
    assert (third.written, third.removed, third.annotated, third.rematched) == (0, 0, 0, 0)
    assert third.unchanged == len(made) and third.reused == first.articles
    assert "0 written" in third.summary() and f"{len(made)} unchanged" in third.summary()
    assert (second.written, second.unchanged) == (0, len(made))


def _edit_article(root):
    p = root / "articles" / "2021-04-09-kataib.md"
    p.write_text(p.read_text(encoding="utf-8").replace("on Friday", "on Fridax"), encoding="utf-8")  # same size


def _edit_registry(root):
    p = root / "articles" / "entities.yml"
    p.write_text(p.read_text(encoding="utf-8").replace("name: Baghdad", "name: Baghdax"), encoding="utf-8")


def _add_template(root):
    (root / "templates").mkdir()
    (root / "templates" / "article.html").write_text(
        "{% extends 'default:article.html' %}{% block title %}Custom{% endblock %}", encoding="utf-8")


def _add_static(root):
    (root / "static").mkdir()
    (root / "static" / "extra.css").write_text("body{}", encoding="utf-8")


def _edit_config(root):
    p = root / "archive.yml"
    p.write_text(p.read_text(encoding="utf-8").replace("Test archive", "Test archivf"), encoding="utf-8")


def _delete_article(root):
    (root / "articles" / "2021-05-01-raw.txt").unlink()


def _add_article(root):
    (root / "articles" / "2021-06-01-new.md").write_text("---\ntitle: New\ndate: 2021-06-01\n---\n\nKadhimi spoke.\n", encoding="utf-8")


def _edit_site(root):
    p = root / "build" / "index.html"
    p.write_bytes(p.read_bytes().replace(b"<", b"[", 1))


def _extra_site_file(root):
    (root / "build" / "stray.txt").write_text("x", encoding="utf-8")


def _remove_site_file(root):
    next((root / "build" / "data").iterdir()).unlink()


def _damage_cache(root):
    for p in (root / ".archive-cache").glob("v*/annotation/*/*.bin"):
        p.write_text("{broken", encoding="utf-8")


def _damage_manifest(root):
    for p in (root / ".archive-cache").glob("v*/pages/*.json"):
        p.write_text("{broken", encoding="utf-8")


@pytest.mark.parametrize("change", [_edit_article, _edit_registry, _add_template, _add_static, _edit_config,
                                    _delete_article, _add_article, _edit_site, _extra_site_file, _remove_site_file,
                                    _damage_cache, _damage_manifest])
def test_any_change_builds_again_and_equals_a_clean_build(archive_dir, tmp_path, full_builds, change):
    build(load_config(archive_dir), jobs=1)
    build(load_config(archive_dir), jobs=1)
    n = len(full_builds)
    change(archive_dir)
    config = load_config(archive_dir)
    build(config, jobs=1)
    assert len(full_builds) == n + 1
    clean = load_config(archive_dir, {"output": str(tmp_path / "clean")})
    build(clean, jobs=1, use_cache=False)
    assert site_bytes(config.output_dir) == site_bytes(tmp_path / "clean")
    n = len(full_builds)
    build(config, jobs=1)
    assert len(full_builds) == n  # and the next one is fast again


def test_skipped_articles_are_still_reported(archive_dir, caplog):
    (archive_dir / "articles" / "undated.md").write_text("---\ntitle: No date\n---\n\nText.\n", encoding="utf-8")
    config = load_config(archive_dir)
    first = build(config, jobs=1)
    assert first.warnings == 1
    caplog.clear()
    again = build(config, jobs=1)
    assert again.warnings == 1 and [e.path for e in again.skipped] == [e.path for e in first.skipped]
    assert "undated.md" in caplog.text


def test_no_cache_never_takes_the_fast_path(archive_dir, full_builds):
    config = load_config(archive_dir)
    build(config, jobs=1)
    build(config, jobs=1, use_cache=False)
    assert len(full_builds) == 2


def test_hash_cache_never_trusts_a_changed_or_racy_file(tmp_path):
    import hashlib
    import os

    from archive.discover import HashCache, discover

    content = tmp_path / "articles"
    content.mkdir()
    f = content / "a.md"
    f.write_text("---\ntitle: A\n---\n\none\n", encoding="utf-8")
    store = tmp_path / "hashes.json"
    sha = lambda: hashlib.sha256(f.read_bytes()).hexdigest()  # noqa: E731
    assert [s.sha256 for s in discover(content, hashes=HashCache(store))] == [sha()]
    st = f.stat()
    f.write_text("---\ntitle: A\n---\n\ntwo\n", encoding="utf-8")  # same size, mtime put back
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert [s.sha256 for s in discover(content, hashes=HashCache(store))] == [sha()]
    old = f.stat().st_ctime_ns + 10 ** 10  # an entry hashed long after the file last changed is used
    entries = {"a.md": [f.stat().st_size, f.stat().st_mtime_ns, f.stat().st_ctime_ns, f.stat().st_ino, old, "x" * 64]}
    store.write_text(__import__("json").dumps({"version": 1, "entries": entries}), encoding="utf-8")
    assert [s.sha256 for s in discover(content, hashes=HashCache(store))] == ["x" * 64]
    store.write_text("{broken", encoding="utf-8")  # unreadable: hashed again
    assert [s.sha256 for s in discover(content, hashes=HashCache(store))] == [sha()]
