"""Long listings are cut into numbered pages from the oldest: every item stays reachable, links
hold, a new article changes only the first page and the newest numbered page, and an
incremental build still equals a clean one."""
import pytest

from archive import plan
from archive.build import build
from archive.config import load_config
from sitecheck import Page, broken_links, resolve
from test_cache import make_archive, site_bytes
from test_parallel import more_articles


def test_numbered_pages_count_from_the_oldest():
    items = list(range(10, 0, -1))  # newest first
    assert plan.numbered(items, 4) == [[4, 3, 2, 1], [8, 7, 6, 5], [10, 9]]
    # one more (newest) item changes only the last page
    assert plan.numbered([11, *items], 4)[:2] == [[4, 3, 2, 1], [8, 7, 6, 5]]
    assert plan.numbered([], 4) == []


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(plan, "PER_PAGE", 3)


def _articles_linked(site, page):
    """Article pages that `page` links to."""
    out = set()
    for href, _ in Page(page).links:
        target = resolve(site, page, href)
        if target is not None and target.parent == site / "articles" and target.name != "index.html":
            out.add(target.name)
    return out


def test_long_listings_are_paginated_and_links_hold(tmp_path, small_pages):
    arch = make_archive(tmp_path / "arch", more_articles(8))
    config = load_config(arch)
    report = build(config, jobs=1)
    site = config.output_dir
    assert broken_links(site) == []
    numbered = sorted(p.name for p in (site / "articles" / "page").glob("*.html"))
    assert numbered == ["1.html", "2.html", "3.html", "4.html"]  # 11 articles, 3 per page
    listed = set()
    for p in (site / "articles" / "page").glob("*.html"):
        listed |= _articles_linked(site, p)
    assert len(listed) == report.articles  # every article is on a numbered page
    assert len(_articles_linked(site, site / "articles" / "index.html")) == 3  # the newest
    assert (site / "quotes" / "page" / "1.html").exists()
    assert list((site / "actors" / "mustafa-kadhimi").glob("*.html"))  # a busy entity's older articles


def test_new_article_renders_few_numbered_pages_and_equals_a_clean_build(tmp_path, small_pages, monkeypatch):
    from archive import render

    arch = make_archive(tmp_path / "arch", more_articles(8))
    config = load_config(arch)
    build(config, jobs=1)
    calls = []
    real = render.render_page
    monkeypatch.setattr(render, "render_page", lambda env, spec, site: calls.append(spec.path) or real(env, spec, site))
    (arch / "articles" / "2030-01-01-newest.md").write_text(
        "---\ntitle: Newest\ndate: 2030-01-01\n---\n\nMustafa Kadhimi visited Basra.\n", encoding="utf-8")
    build(config, jobs=1)
    assert "articles/page/1.html" not in calls and "articles/page/2.html" not in calls
    assert "articles/index.html" in calls
    clean = tmp_path / "clean"
    build(load_config(arch, {"output": str(clean)}), jobs=1, use_cache=False)
    assert site_bytes(config.output_dir) == site_bytes(clean)
    assert broken_links(config.output_dir) == []


def test_a_long_chronology_has_a_page_per_year(tmp_path, monkeypatch):
    monkeypatch.setattr(plan, "TIMELINE_ON_ONE_PAGE", 3)
    arch = make_archive(tmp_path / "arch", more_articles(30))  # dated 2021 and 2022
    config = load_config(arch)
    build(config, jobs=1)
    site = config.output_dir
    years = sorted(p.name for p in (site / "timeline").glob("*.html") if p.name != "index.html")
    assert "2021.html" in years and "2022.html" in years
    index_links = [h for h, _ in Page(site / "timeline" / "index.html").links]
    assert "2021.html" in index_links
    assert Page(site / "timeline" / "2022.html").find("li", **{"class": "tl-article"})
    assert not [p for p in (site / "timeline").iterdir() if p.is_dir()]  # short years: no month pages
    assert broken_links(site) == []
