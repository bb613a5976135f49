"""Search: Pagefind runs as the last build step when installed; the build survives without it."""
from __future__ import annotations

import json
import logging
from html.parser import HTMLParser

import pytest

from issue6_site import build_site

from archive import search


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags(path):
    p = Tags()
    p.feed(path.read_text(encoding="utf-8"))
    return p.tags


def test_build_runs_pagefind_with_filters_and_sort(tmp_path):
    site, report = build_site(tmp_path, base_url="/repo/", search=True)
    assert report.search == "pagefind"
    assert report.search_seconds > 0
    assert f"Search index (Pagefind): {report.search_seconds:.1f}s, 2 of 2 bundles indexed." in report.summary()
    # the bundles the search page loads (search_bundles.py): the articles', the entities'
    listed = json.loads((site / "pagefind" / "bundles.json").read_text(encoding="utf-8"))
    assert listed == {"version": 1, "bundles": ["articles-0", "entities"]}
    for name in listed["bundles"]:
        assert (site / "pagefind" / name / "pagefind.js").is_file()
        # the filter and sort declarations were picked up (Pagefind writes one file per filter)
        assert len(list((site / "pagefind" / name / "filter").glob("*.pf_filter"))) >= 1
    assert (site / "static" / "search.js").is_file()
    assert not list(tmp_path.glob(".build-tmp-*")), "temp folder left behind"


def test_missing_pagefind_warns_and_skips(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(search, "pagefind_command", lambda: None)
    with caplog.at_level(logging.WARNING, logger="archive"):
        site, report = build_site(tmp_path, search=True)
    assert report.search == "skipped" and "Search index" not in report.summary()
    assert "Pagefind is not installed" in caplog.text
    assert not (site / "pagefind").exists()
    assert (site / "index.html").is_file() and (site / "search" / "index.html").is_file()
    # the search page tells the reader instead of failing silently
    assert any(a.get("id") == "search-missing" for _, a in tags(site / "search" / "index.html"))


def test_failing_pagefind_does_not_fail_the_build(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(search, "pagefind_command", lambda: ["false"])
    with caplog.at_level(logging.WARNING, logger="archive"):
        site, report = build_site(tmp_path, search=True)
    assert report.search == "skipped" and "Pagefind failed" in caplog.text
    assert (site / "index.html").is_file()


def test_search_off_runs_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(search, "pagefind_command", lambda: pytest.fail("search: false must not run Pagefind"))
    site, report = build_site(tmp_path, search=False)
    assert report.search == "off"
    assert not any(t == "form" for t, _ in tags(site / "index.html"))


def test_pages_declare_body_filters_and_sort(tmp_path, monkeypatch):
    monkeypatch.setattr(search, "pagefind_command", lambda: None)
    site, _ = build_site(tmp_path, search=True)
    art = tags(site / "articles" / "2021-04-07-dialogue.html")
    filters = {a["data-pagefind-filter"]: a["content"] for t, a in art if "data-pagefind-filter" in a}
    assert filters == {"type[content]": "Article", "source[content]": "Test Wire", "year[content]": "2021"}
    assert ("meta", {"data-pagefind-sort": "date[content]", "content": "2021-04-07"}) in art
    assert any(t == "main" and "data-pagefind-body" in a for t, a in art)
    ent = tags(site / "militias" / "kataib-hezbollah.html")
    assert ("meta", {"data-pagefind-filter": "type[content]", "content": "Militia"}) in ent
    # list pages are not indexed (they would repeat every title)
    assert not any("data-pagefind-body" in a for _, a in tags(site / "articles" / "index.html"))


def test_search_box_on_every_page_points_at_search_page(tmp_path, monkeypatch):
    monkeypatch.setattr(search, "pagefind_command", lambda: None)
    site, _ = build_site(tmp_path, search=True)
    pages = [p for p in site.rglob("*.html") if p.name != "404.html"]
    assert len(pages) > 10
    for page in pages:
        forms = [a for t, a in tags(page) if t == "form" and a.get("role") == "search"]
        assert len(forms) == 1, page
        assert (page.parent / forms[0]["action"]).resolve() == (site / "search" / "index.html").resolve()
    # the bundle is found relative to the page, so the site works under any sub-path
    text = (site / "search" / "index.html").read_text(encoding="utf-8")
    assert '"../pagefind/"' in text and '"/pagefind/' not in text


def test_pagefind_reads_only_pages_it_indexes_and_misses_none(tmp_path):
    """The build gives Pagefind a `--glob` per bundle (search_bundles.py): every page the
    templates mark for the index must be in exactly one bundle, and nothing else read.
    Pagefind is a dependency (pagefind[bin]): not skipped."""
    site, report = build_site(tmp_path, search=True)
    assert report.search == "pagefind"
    marked = [p for p in site.rglob("*.html") if "data-pagefind-body" in p.read_text(encoding="utf-8")]
    assert len(marked) > 3
    counts = {}
    for name in json.loads((site / "pagefind" / "bundles.json").read_text(encoding="utf-8"))["bundles"]:
        entry = json.loads((site / "pagefind" / name / "pagefind-entry.json").read_text(encoding="utf-8"))
        counts[name] = sum(lang["page_count"] for lang in entry["languages"].values())
    articles = [p for p in marked if p.parent.name == "articles"]
    assert counts == {"articles-0": len(articles), "entities": len(marked) - len(articles)}
    unmarked = [p for p in site.rglob("*.html") if p not in marked]
    assert any(p.parent.parent != site for p in unmarked)  # pages by date below the folders exist...
    folders = search.index_sections(type("Config", (), {"templates_dir": None})())
    assert all(p.parent.parent == site and p.parent.name in folders for p in marked)  # ...and are not read


def test_index_sections_are_the_whole_site_when_templates_mark_pages(tmp_path):
    config = type("Config", (), {"templates_dir": tmp_path / "templates"})()
    assert search.index_sections(config) == ["articles", "actors", "events", "militias", "organisations", "places"]
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "home.html").write_text('{% extends "default:home.html" %}', encoding="utf-8")
    assert search.index_sections(config) is not None  # an override that marks nothing changes nothing
    (tmp_path / "templates" / "quotes.html").write_text('<main data-pagefind-body>{{ x }}</main>', encoding="utf-8")
    assert search.index_sections(config) is None  # quotes pages are marked: Pagefind must read them
    (tmp_path / "templates" / "quotes.html").unlink()
    (tmp_path / "templates" / "base.html").write_text("<html>{% block content %}{% endblock %}</html>", encoding="utf-8")
    assert search.index_sections(config) is None  # a base.html of its own may mark any page, or none
    from archive.render import theme_dir

    default = type("Config", (), {"templates_dir": theme_dir("templates")})()
    assert search.index_sections(default) is not None  # the demo archive's templates/ is the default theme


def test_a_build_that_leaves_the_index_to_its_caller(tmp_path, monkeypatch):
    """`build(..., index_search=False)`, as `archive serve` builds: the pages are made for
    search (the box), Pagefind is not run, and a later build that does index (same inputs,
    same folder) does not take the deferred build's finishing output for its own."""
    from issue6_site import write_archive

    from archive.build import build
    from archive.config import load_config

    write_archive(tmp_path, "/", True)
    monkeypatch.setattr(search, "pagefind_command", lambda: pytest.fail("the caller indexes, not the build"))
    report = build(load_config(tmp_path), index_search=False)
    site = tmp_path / "build"
    assert report.search == "deferred"
    assert not (site / "pagefind").exists()
    assert any(t == "form" and a.get("role") == "search" for t, a in tags(site / "index.html"))
    ran = []
    monkeypatch.setattr(search, "pagefind_command", lambda: ran.append(1) or None)  # missing: skipped
    report = build(load_config(tmp_path))
    assert ran and report.search == "skipped"  # it tried: the deferred output was not reused
