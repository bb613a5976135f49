"""Long listings are cut into pages by date (a year, a month of a long year, a day of a long
month, parts of a long day): every item stays reachable, links hold, a page keeps its period as the archive grows,
an added article changes only the first page and its own period's pages, and an incremental
build still equals a clean one."""
import pytest

from archive import plan
from archive.build import build
from archive.config import load_config
from archive.models import PartialDate
from sitecheck import Page, broken_links, resolve
from test_cache import make_archive, site_bytes
from test_parallel import more_articles


def test_numbered_pages_count_from_the_oldest():
    items = list(range(10, 0, -1))  # newest first
    assert plan.numbered(items, 4) == [[4, 3, 2, 1], [8, 7, 6, 5], [10, 9]]
    # one more (newest) item changes only the last page
    assert plan.numbered([11, *items], 4)[:2] == [[4, 3, 2, 1], [8, 7, 6, 5]]
    assert plan.numbered([], 4) == []


def _dated(*isos):
    """Items (newest first, as listings hold them) that are their own dates."""
    items = [PartialDate(*map(int, iso.split("-"))) if iso else None for iso in isos]
    return sorted(items, key=lambda d: d.sort_key() if d else (0, 0, 0), reverse=True)


def _pages(items, per_page=3):
    return [(slug, label, [d.iso() if d else None for d in part])
            for slug, label, part in plan.dated_pages(items, lambda d: d, per_page)]


def test_dated_pages_by_year_then_month_then_day_then_part():
    items = _dated("2019-05-01", "2019-02-01", None, "2020-01-03", "2020-01-02", "2020-01-01", "2020-01-04",
                   "2020-03-01", "2020", "2021-07-01", "2022-02-02", "2022-02-02", "2022-02-02", "2022-02-02",
                   "2022-02", "2022-02-03")
    assert _pages(items) == [
        ("undated", "Undated", [None]),
        ("2019", "2019", ["2019-05-01", "2019-02-01"]),                      # a short year: one page
        ("2020", "2020 (year only)", ["2020"]),                              # a long year: by month
        ("2020-01-01", "1 January 2020", ["2020-01-01"]),                   # a long month: by day
        ("2020-01-02", "2 January 2020", ["2020-01-02"]),
        ("2020-01-03", "3 January 2020", ["2020-01-03"]),
        ("2020-01-04", "4 January 2020", ["2020-01-04"]),
        ("2020-03", "March 2020", ["2020-03-01"]),
        ("2021", "2021", ["2021-07-01"]),
        ("2022-02", "February 2022 (month only)", ["2022-02"]),
        ("2022-02-02", "2 February 2022, part 1", ["2022-02-02"] * 3),      # a long day: parts, oldest first
        ("2022-02-02-p2", "2 February 2022, part 2", ["2022-02-02"]),
        ("2022-02-03", "3 February 2022", ["2022-02-03"]),
    ]
    pages = plan.dated_pages(items, lambda d: d, 3)
    assert sorted(id(x) for _, _, part in pages for x in part) == sorted(map(id, items))  # each item once
    assert len({slug for slug, _, _ in pages}) == len(pages)
    assert plan.dated_pages([], lambda d: d, 3) == []


def test_an_added_item_changes_only_its_own_period():
    items = _dated(*[f"20{y}-{m:02d}-{d:02d}" for y in (18, 19, 20) for m in range(1, 13) for d in (1, 10, 20)])
    before = dict((slug, part) for slug, _, part in _pages(items, per_page=4))
    # dated in the middle (March 2019), and the newest (2021): every other page is as it was
    for added in ("2019-03-15", "2021-01-01"):
        after = dict((slug, part) for slug, _, part in _pages(_dated(added, *(d.iso() for d in items)), per_page=4))
        changed = {slug for slug in after if after[slug] != before.get(slug)}
        assert changed == ({"2019-03"} if added.startswith("2019") else {"2021"})
        assert set(before) <= set(after)  # no page of the archive's other periods went away


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
    dated = sorted(p.name for p in (site / "articles" / "page").glob("*.html"))
    # 11 articles, 3 per page: two in April 2021, one in May, eight in June (a page per day)
    assert dated == ["2021-04.html", "2021-05.html"] + [f"2021-06-{d:02d}.html" for d in range(1, 9)]
    assert "<title>Articles, 2 June 2021 · " in (site / "articles" / "page" / "2021-06-02.html").read_text(encoding="utf-8")
    listed = set()
    for p in (site / "articles" / "page").glob("*.html"):
        listed |= _articles_linked(site, p)
    assert len(listed) == report.articles  # every article is on a numbered page
    assert len(_articles_linked(site, site / "articles" / "index.html")) == 3  # the newest
    assert (site / "quotes" / "page" / "2021-06-01.html").exists()
    assert list((site / "actors" / "mustafa-kadhimi").glob("*.html"))  # a busy entity's older articles


def test_new_article_renders_few_numbered_pages_and_equals_a_clean_build(tmp_path, small_pages, render_calls):
    arch = make_archive(tmp_path / "arch", more_articles(8))
    config = load_config(arch)
    build(config, jobs=1)
    calls = render_calls
    calls.clear()
    (arch / "articles" / "2030-01-01-newest.md").write_text(
        "---\ntitle: Newest\ndate: 2030-01-01\n---\n\nMustafa Kadhimi visited Basra.\n", encoding="utf-8")
    build(config, jobs=1)
    # of the earlier periods' pages, only the newest renders again: its "newer" link moved
    assert {p for p in calls if p.startswith("articles/page/")} == {"articles/page/2030.html", "articles/page/2021-06-08.html"}
    assert "articles/index.html" in calls and "articles/page/2030.html" in calls
    calls.clear()
    (arch / "articles" / "2021-05-20-mid.md").write_text(  # dated in the middle of the archive
        "---\ntitle: Mid\ndate: 2021-05-20\n---\n\nMustafa Kadhimi visited Basra. \"Soon,\" he said.\n", encoding="utf-8")
    build(config, jobs=1)
    assert "articles/page/2021-05.html" in calls
    assert not [p for p in calls if "/page/" in p and "2021-05" not in p]
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
