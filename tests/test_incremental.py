"""Incremental output: unchanged files are kept (same inode), stale ones removed, the swap
stays atomic, and an incremental build equals a clean one."""

import pytest

from archive.build import build
from archive.config import load_config
from archive.errors import ArchiveError
from test_cache import hrefs, make_archive, site_bytes


@pytest.fixture
def archive_dir(tmp_path):
    return make_archive(tmp_path / "arch")


def inodes(out):
    return {p.relative_to(out).as_posix(): p.stat().st_ino for p in out.rglob("*") if p.is_file()}


def test_no_change_rebuild_writes_nothing(archive_dir):
    config = load_config(archive_dir)
    first = build(config, jobs=1)
    assert first.written == len(site_bytes(config.output_dir)) and first.unchanged == 0
    before = inodes(config.output_dir)
    second = build(config, jobs=1)
    assert (second.written, second.removed) == (0, 0)
    assert second.unchanged == len(before)
    assert inodes(config.output_dir) == before  # the very same files, not rewritten copies


def test_edit_rewrites_only_affected_files_and_matches_a_clean_build(archive_dir, tmp_path):
    config = load_config(archive_dir)
    build(config, jobs=1)
    before = inodes(config.output_dir)
    path = archive_dir / "articles" / "2021-04-09-kataib.md"
    path.write_text(path.read_text(encoding="utf-8").replace("on Friday", "on Saturday"), encoding="utf-8")
    report = build(config, jobs=1)
    after = inodes(config.output_dir)
    changed = {p for p in after if before.get(p) != after[p]}
    assert "articles/2021-04-09-kataib.html" in changed
    assert "articles/2021-04-07-dialogue.html" not in changed
    assert "static/style.css" not in changed
    assert report.written == len(changed) and report.unchanged == len(after) - len(changed)
    assert "on Saturday" in (config.output_dir / "articles/2021-04-09-kataib.html").read_text(encoding="utf-8")
    clean = build(load_config(archive_dir, {"output": str(tmp_path / "clean")}), jobs=1, use_cache=False)
    assert clean.written == len(after)
    assert site_bytes(config.output_dir) == site_bytes(tmp_path / "clean")


def test_deleted_article_removes_its_page(archive_dir):
    config = load_config(archive_dir)
    build(config, jobs=1)
    assert (config.output_dir / "articles/2021-04-09-kataib.html").exists()
    (archive_dir / "articles" / "2021-04-09-kataib.md").unlink()
    report = build(config, jobs=1)
    assert report.removed >= 2  # the article page, and Kataib Hezbollah's page (no mention left)
    assert not (config.output_dir / "articles/2021-04-09-kataib.html").exists()
    assert not (config.output_dir / "militias/kataib-hezbollah.html").exists() or \
        "../articles/2021-04-09-kataib.html" not in hrefs(config.output_dir / "militias/kataib-hezbollah.html")
    index_links = hrefs(config.output_dir / "articles/index.html")
    assert "2021-04-09-kataib.html" not in index_links and "2021-04-07-dialogue.html" in index_links


def test_failed_build_leaves_previous_site_untouched(archive_dir):
    config = load_config(archive_dir)
    build(config, jobs=1)
    before = site_bytes(config.output_dir)
    before_inodes = inodes(config.output_dir)
    (archive_dir / "templates").mkdir()
    (archive_dir / "templates" / "article.html").write_text("{% extends 'default:article.html' %}{% block content %}{{ nope.attr }}{% endblock %}", encoding="utf-8")
    path = archive_dir / "articles" / "2021-04-09-kataib.md"
    path.write_text(path.read_text(encoding="utf-8").replace("on Friday", "on Saturday"), encoding="utf-8")
    with pytest.raises(ArchiveError):
        build(config, jobs=1)
    assert site_bytes(config.output_dir) == before and inodes(config.output_dir) == before_inodes
    leftovers = [p.name for p in config.output_dir.parent.iterdir() if p.name.startswith(".build-")]
    assert leftovers == []


def test_hand_edited_output_file_is_rewritten(archive_dir):
    config = load_config(archive_dir)
    build(config, jobs=1)
    page = config.output_dir / "articles/2021-04-07-dialogue.html"
    good = page.read_bytes()
    page.write_bytes(good.replace(b"Strategic dialogue", b"Edited by hand"))
    report = build(config, jobs=1)
    assert report.written == 1
    assert page.read_bytes() == good


def test_unchanged_pages_are_not_even_rendered(archive_dir, render_calls):
    config = load_config(archive_dir)
    first = build(config, jobs=1)
    assert len(render_calls) == first.pages
    render_calls.clear()
    second = build(config, jobs=1)
    assert render_calls == [] and second.written == 0


def test_adding_an_article_renders_only_what_it_touches_and_equals_a_clean_build(archive_dir, tmp_path, render_calls):
    config = load_config(archive_dir)
    build(config, jobs=1)
    render_calls.clear()
    (archive_dir / "articles" / "2021-06-01-new.md").write_text(
        "---\ntitle: New report\ndate: 2021-06-01\n---\n\nMustafa Kadhimi visited Basra. \"All is calm,\" Kadhimi said.\n",
        encoding="utf-8")
    report = build(config, jobs=1)
    assert "articles/2021-06-01-new.html" in render_calls
    assert "actors/mustafa-kadhimi.html" in render_calls and "index.html" in render_calls
    assert "articles/2021-04-07-dialogue.html" not in render_calls  # untouched article
    assert report.pages > len(render_calls)
    clean = build(load_config(archive_dir, {"output": str(tmp_path / "clean")}), jobs=1, use_cache=False)
    assert clean.pages == report.pages
    assert site_bytes(config.output_dir) == site_bytes(tmp_path / "clean")


def test_template_or_registry_change_renders_again(archive_dir, tmp_path, render_calls):
    config = load_config(archive_dir)
    build(config, jobs=1)
    render_calls.clear()
    (archive_dir / "templates").mkdir()
    (archive_dir / "templates" / "article.html").write_text(
        "{% extends 'default:article.html' %}{% block title %}Custom · {{ article.title }}{% endblock %}", encoding="utf-8")
    build(config, jobs=1)
    assert "articles/2021-04-07-dialogue.html" in render_calls
    assert "Custom · Strategic dialogue opens" in (config.output_dir / "articles/2021-04-07-dialogue.html").read_text(encoding="utf-8")
    registry = (archive_dir / "articles" / "entities.yml")
    registry.write_text(registry.read_text(encoding="utf-8").replace("name: Baghdad", "name: Baghdad City"), encoding="utf-8")
    build(config, jobs=1)
    clean = build(load_config(archive_dir, {"output": str(tmp_path / "clean")}), jobs=1, use_cache=False)
    assert site_bytes(config.output_dir) == site_bytes(tmp_path / "clean")
    assert clean.pages > 5


def test_deleting_an_article_updates_the_counts_other_pages_show(archive_dir, tmp_path):
    """An entity page's ego network shows each neighbour's total mentions: a deleted article
    changes those on pages of entities it never mentioned (their key must change too)."""
    config = load_config(archive_dir)
    build(config, jobs=1)
    (archive_dir / "articles" / "2021-04-07-dialogue.md").unlink()
    build(config, jobs=1)
    clean = build(load_config(archive_dir, {"output": str(tmp_path / "clean")}), jobs=1, use_cache=False)
    assert clean.pages > 5
    assert site_bytes(config.output_dir) == site_bytes(tmp_path / "clean")


def test_corrupt_page_manifest_renders_everything(archive_dir, render_calls):
    config = load_config(archive_dir)
    first = build(config, jobs=1)
    for m in [*(archive_dir / ".archive-cache").glob("v*/pages/*.json"),
              *(archive_dir / ".archive-cache").glob("v*/pages-store/index.json")]:
        m.write_text("{broken", encoding="utf-8")
    render_calls.clear()
    again = build(config, jobs=1)
    assert len(render_calls) == first.pages and again.written == 0


def test_finishing_step_is_skipped_only_when_nothing_changed(archive_dir, monkeypatch):
    from archive import build as build_mod

    calls = []
    real = build_mod.SiteFinish.prepare

    def spy(self, tmp, *args):
        calls.append(tmp)
        return real(self, tmp, *args)

    monkeypatch.setattr(build_mod.SiteFinish, "prepare", spy)
    config = load_config(archive_dir)
    build(config, jobs=1)
    assert len(calls) == 1
    made = site_bytes(config.output_dir)
    assert any(p.startswith("data/") for p in made)  # the finishing step's files exist
    again = build(config, jobs=1)
    assert len(calls) == 1 and again.written == 0      # nothing changed: not run again
    assert site_bytes(config.output_dir) == made
    path = archive_dir / "articles" / "2021-04-09-kataib.md"
    path.write_text(path.read_text(encoding="utf-8").replace("on Friday", "on Saturday"), encoding="utf-8")
    build(config, jobs=1)
    assert len(calls) == 2
    finished = site_bytes(config.output_dir)
    (config.output_dir / "data").rename(config.output_dir.parent / "moved-data")  # a finished file gone
    build(config, jobs=1)
    # back as it was, from the page store (pagestore.py): the step need not run for it
    assert len(calls) == 2 and site_bytes(config.output_dir) == finished
    import shutil

    for store in (archive_dir / ".archive-cache").glob("v*/pages-store"):
        shutil.rmtree(store)
    (config.output_dir / "data").rename(config.output_dir.parent / "moved-data-2")
    build(config, jobs=1)
    assert len(calls) == 3 and site_bytes(config.output_dir) == finished


def test_unchanged_entity_feeds_are_carried_over_not_made_again(archive_dir, tmp_path, monkeypatch):
    from archive import feeds

    config = load_config(archive_dir)
    build(config, jobs=1)
    before = inodes(config.output_dir)
    made = []
    real = feeds.entity_feed
    monkeypatch.setattr(feeds, "entity_feed", lambda archive, cfg, eid: made.append(eid) or real(archive, cfg, eid))
    (archive_dir / "articles" / "2021-06-01-new.md").write_text(
        "---\ntitle: New report\ndate: 2021-06-01\n---\n\nMustafa Kadhimi visited Basra.\n", encoding="utf-8")
    build(config, jobs=1)
    assert "mustafa-kadhimi" in made and "esmail-qaani" not in made
    after = inodes(config.output_dir)
    assert after["actors/esmail-qaani.xml"] == before["actors/esmail-qaani.xml"]
    assert after["actors/mustafa-kadhimi.xml"] != before["actors/mustafa-kadhimi.xml"]
    build(load_config(archive_dir, {"output": str(tmp_path / "clean")}), jobs=1, use_cache=False)
    assert site_bytes(config.output_dir) == site_bytes(tmp_path / "clean")
