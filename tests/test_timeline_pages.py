"""A long chronology: a page per year, and a long year split into a page per month
(timeline/<year>/<month>.html) with a short overview as its year page. Thresholds are lowered
so that a small archive goes through every case."""
import re

import pytest

from archive import plan
from archive.build import build
from archive.config import load_config
from sitecheck import Page, broken_links, resolve
from test_cache import REGISTRY, make_archive, site_bytes

# (file name, date, title): one short year (2020: one article), then two long years whose
# months meet at the year boundary (2021-11, 2021-12 | 2022-01, 2022-02), and one article of
# 2022 dated to the year only.
DATED = [("a.md", "2020-05-04", "Spring report")]
for month in ("2021-11", "2021-12", "2022-01", "2022-02"):
    for day in ("03", "10", "17"):
        DATED.append((f"{month}-{day}.md", f"{month}-{day}", f"Report of {month}-{day}"))
DATED.append(("year-only.md", "2022", "A year in review"))
# A title that must come out escaped on its month page.
DATED.append(("hostile.md", "2021-12-24", 'Talks <b>"end"</b> & <script>alert(1)</script>'))


# A registry event in a long year: on its month's page and on its year's overview.
EVENT_REGISTRY = REGISTRY + """  - id: envoy-talks
    type: event
    name: Envoy talks <in> "Baghdad"
    aliases: [envoy talks]
    date: 2021-11-20
    place: baghdad
"""


def _articles() -> dict:
    out = {}
    for name, date, title in DATED:
        out[name] = (f"---\ntitle: {title!r}\ndate: {date}\n---\n\n"
                     f"Mustafa Kadhimi met envoys in Baghdad. Kataib Hezbollah issued a statement.\n")
    return out


def _set(monkeypatch, year_on_one_page: int) -> None:
    monkeypatch.setattr(plan, "TIMELINE_ON_ONE_PAGE", 3)
    monkeypatch.setattr(plan, "YEAR_ON_ONE_PAGE", year_on_one_page)


@pytest.fixture
def split_site(tmp_path, monkeypatch):
    """2021 and 2022 have more than 3 entries each (split), 2020 has 1 (one page)."""
    _set(monkeypatch, 3)
    arch = make_archive(tmp_path / "arch", _articles(), EVENT_REGISTRY)
    config = load_config(arch)
    build(config, jobs=1)
    return config.output_dir


_ITEM = re.compile(r'<li class="tl-.*?</li>', re.DOTALL)
_OL = re.compile(r'<ol class="timeline">(.*?)</ol>', re.DOTALL)


def _entries(page) -> list[str]:
    """The chronology's entries on a page, as HTML with its links made absolute (site paths),
    so that the same entry compares equal on a year page and on a month page."""
    html = page.read_text(encoding="utf-8")
    site = _site_of(page)
    items = [i for ol in _OL.findall(html) for i in _ITEM.findall(ol)]
    return [re.sub(r'href="([^"]+)"', lambda m: f'href="{resolve(site, page, m.group(1)).relative_to(site)}"', i)
            for i in items]


def _site_of(page):
    return next(p for p in page.parents if (p / ".archive-site").exists())


def _rel(page: Page, rel: str) -> list[str]:
    return [h for h, a in page.links if a.get("rel") == rel]


def _target(site, page_path, href):
    return resolve(site, page_path, href).relative_to(site).as_posix()


def test_long_years_are_split_by_month_and_short_ones_are_not(split_site):
    site = split_site
    tl = site / "timeline"
    assert not (tl / "2020").exists()  # one entry: its year page lists it
    assert Page(tl / "2020.html").find("li", **{"class": "tl-article"})
    assert sorted(p.name for p in (tl / "2021").iterdir()) == ["11.html", "12.html"]
    assert sorted(p.name for p in (tl / "2022").iterdir()) == ["01.html", "02.html", "year.html"]
    # a split year's page is an overview: no entries of its own but its events
    overview = Page(tl / "2021.html")
    assert not overview.find("li", **{"class": "tl-article"})
    assert overview.find("table")
    # the timeline's index links every year page, as before
    index = tl / "index.html"
    assert {_target(site, index, h) for h, _ in Page(index).links} >= {
        "timeline/2020.html", "timeline/2021.html", "timeline/2022.html"}
    assert broken_links(site) == []


def test_year_overview_links_every_month_page(split_site):
    site = split_site
    for year in ("2021", "2022"):
        page = site / "timeline" / f"{year}.html"
        linked = {_target(site, page, h) for h, _ in Page(page).links}
        months = {p.relative_to(site).as_posix() for p in (site / "timeline" / year).glob("*.html")}
        assert months and months <= linked
        for m in months:  # and each month links back up to its year and to the timeline
            up = {_target(site, site / m, h) for h, _ in Page(site / m).links}
            assert {f"timeline/{year}.html", "timeline/index.html"} <= up


def test_prev_next_follow_the_chronology_across_years(split_site):
    site = split_site
    order = ["timeline/2020.html", "timeline/2021/11.html", "timeline/2021/12.html",
             "timeline/2022/year.html", "timeline/2022/01.html", "timeline/2022/02.html"]
    for k, path in enumerate(order):
        page = Page(site / path)
        nxt = {_target(site, site / path, h) for h in _rel(page, "next")}
        prev = {_target(site, site / path, h) for h in _rel(page, "prev")}
        assert nxt == ({order[k + 1]} if k + 1 < len(order) else set()), path
        assert prev == ({order[k - 1]} if k else set()), path
    # a split year's overview steps from year to year
    page = Page(site / "timeline" / "2021.html")
    assert {_target(site, site / "timeline/2021.html", h) for h in _rel(page, "next")} == {"timeline/2022.html"}
    assert {_target(site, site / "timeline/2021.html", h) for h in _rel(page, "prev")} == {"timeline/2020.html"}


def test_month_pages_together_hold_exactly_the_years_entries(tmp_path, monkeypatch, split_site):
    _set(monkeypatch, 10_000)  # the same archive with every year on one page
    whole = tmp_path / "whole"
    build(load_config(tmp_path / "arch", {"output": str(whole)}), jobs=1, use_cache=False)
    assert not (whole / "timeline" / "2021").exists()
    for year in ("2021", "2022"):
        year_entries = _entries(whole / "timeline" / f"{year}.html")
        pages = sorted((split_site / "timeline" / year).glob("*.html"), key=lambda p: (p.stem != "year", p.stem))
        month_entries = [e for p in pages for e in _entries(p)]
        assert len(year_entries) > 3
        assert month_entries == year_entries  # the same entries, in the same order
        for p in pages:  # each on the page of its month
            stamps = re.findall(r'<time datetime="([0-9-]+)"', "".join(_entries(p)))
            want = year if p.stem == "year" else f"{year}-{p.stem}"
            assert stamps and all(s[:len(want)] == want and (p.stem != "year" or len(s) == 4) for s in stamps)


def test_a_long_years_overview_shows_its_registry_events(split_site):
    site = split_site
    for path in ("timeline/2021.html", "timeline/2021/11.html"):
        page = Page(site / path)
        assert len(page.find("li", **{"class": "tl-event"})) == 1
        assert {_target(site, site / path, h) for h, _ in page.links} >= {"events/envoy-talks.html", "places/baghdad.html"}
        assert "Envoy talks &lt;in&gt; &#34;Baghdad&#34;" in (site / path).read_text(encoding="utf-8")
    assert not Page(site / "timeline/2022.html").find("li", **{"class": "tl-event"})


def test_timeline_pages_escape_what_articles_say(split_site):
    html = (split_site / "timeline" / "2021" / "12.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html and "<b>" not in html
    assert "Talks &lt;b&gt;&#34;end&#34;&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_new_article_renders_its_month_and_its_years_overview_only(tmp_path, split_site, render_calls):
    arch = tmp_path / "arch"
    config = load_config(arch)
    calls = render_calls
    calls.clear()  # what split_site's build rendered
    (arch / "articles" / "new.md").write_text(
        "---\ntitle: Late news\ndate: 2022-02-20\n---\n\nMustafa Kadhimi visited Basra.\n", encoding="utf-8")
    build(config, jobs=1)
    rendered = sorted(p for p in calls if p.startswith("timeline/"))
    assert rendered == ["timeline/2022.html", "timeline/2022/02.html", "timeline/index.html"]
    clean = tmp_path / "clean"
    build(load_config(arch, {"output": str(clean)}), jobs=1, use_cache=False)
    assert site_bytes(config.output_dir) == site_bytes(clean)
    assert broken_links(config.output_dir) == []


def test_a_year_growing_past_the_bound_is_split_and_shrinking_back_leaves_nothing_behind(tmp_path, monkeypatch):
    _set(monkeypatch, 100)
    arch = make_archive(tmp_path / "arch", _articles(), REGISTRY)
    config = load_config(arch)
    build(config, jobs=1)
    tl = config.output_dir / "timeline"
    assert not (tl / "2021").exists() and Page(tl / "2021.html").find("li", **{"class": "tl-article"})
    n = int(re.search(r">2021</a> \((\d+) entries\)", (tl / "index.html").read_text(encoding="utf-8")).group(1))
    monkeypatch.setattr(plan, "YEAR_ON_ONE_PAGE", n)  # 2021 is just short enough
    extra = arch / "articles" / "extra.md"
    extra.write_text("---\ntitle: One more\ndate: 2021-12-30\n---\n\nKadhimi spoke.\n", encoding="utf-8")
    build(config, jobs=1)
    assert (tl / "2021" / "12.html").exists() and not Page(tl / "2021.html").find("li", **{"class": "tl-article"})
    assert broken_links(config.output_dir) == []
    extra.unlink()
    build(config, jobs=1)
    assert not (tl / "2021").exists() and Page(tl / "2021.html").find("li", **{"class": "tl-article"})
    assert broken_links(config.output_dir) == []


def _eager_timeline_pages(archive) -> list[tuple]:
    """(path, template, context) of the timeline's pages as they were planned before the pages
    were laid out from `timeline_shape`: every entry made first, grouped by year and month."""
    from itertools import groupby

    from archive.timeline import timeline_context

    tl = timeline_context(archive)
    if tl["entry_count"] <= plan.TIMELINE_ON_ONE_PAGE:
        return [("timeline/index.html", "timeline.html", dict(tl, year_pages=[]))]
    years = tl["years"]
    paths = [plan.timeline_year_path(year) for year, _ in years]
    out = [("timeline/index.html", "timeline.html",
            dict(tl, years=[], year_pages=[(year, path, len(items)) for (year, items), path in zip(years, paths)]))]
    reading = []
    for k, (year, items) in enumerate(years):
        earlier = (paths[k - 1], str(years[k - 1][0])) if k else None
        later = (paths[k + 1], str(years[k + 1][0])) if k + 1 < len(years) else None
        if len(items) <= plan.YEAR_ON_ONE_PAGE:
            reading.append((paths[k], str(year), {"year": year, "entries": items}))
            continue
        months = []
        for month, group in groupby(items, key=lambda t: t.date.month or 0):
            entries = list(group)
            path, label = plan.timeline_month_path(year, month), plan._month_label(year, month)
            months.append((label, path, len(entries), sum(1 for t in entries if t.kind == "article")))
            reading.append((path, label, {"year": year, "month": month, "label": label,
                                          "iso": f"{year:04d}-{month:02d}" if month else f"{year:04d}",
                                          "year_path": paths[k], "entries": entries}))
        out.append((paths[k], "timeline_year.html", {"year": year, "months": months, "entry_count": len(items),
                    "events": [t for t in items if t.kind == "event"], "earlier": earlier, "later": later}))
    for k, (path, _, context) in enumerate(reading):
        out.append((path, "timeline_month.html" if "month" in context else "timeline_year.html",
                    dict(context, earlier=reading[k - 1][:2] if k else None,
                         later=reading[k + 1][:2] if k + 1 < len(reading) else None)))
    return out


@pytest.mark.parametrize("whole_first", [False, True, "periods"])
@pytest.mark.parametrize("bounds", [(3, 3), (3, 100), (10_000, 3)])
def test_pages_laid_out_from_the_shape_are_the_pages_made_from_every_entry(tmp_path, monkeypatch, bounds, whole_first):
    """Same pages, paths, templates and contexts (key order too: keys pickle it) as making
    every entry first; and no entry is made until a page's context is read. The entries come
    from the whole timeline when it is made first (`whole_first`: Archive.derive), else each
    year's (or month's) are made for that period alone: from every article, or ("periods")
    from those `Archive.periods` gives for the period."""
    from archive import build as build_module
    from archive import timeline

    monkeypatch.setattr(plan, "TIMELINE_ON_ONE_PAGE", bounds[0])
    monkeypatch.setattr(plan, "YEAR_ON_ONE_PAGE", bounds[1])
    arch = make_archive(tmp_path / "arch", _articles(), EVENT_REGISTRY)
    config = load_config(arch)
    planned = []
    monkeypatch.setattr(build_module, "plan_site", lambda a, c: planned.append(a) or plan.plan_site(a, c))
    build(config, jobs=1)
    (archive,) = planned
    for made_late in ("timeline", "periods"):  # made by that build's rendering: forget them
        archive.__dict__.pop(made_late, None)
    made = []
    real = timeline.timeline_entries
    monkeypatch.setattr(timeline, "timeline_entries", lambda *a: made.append(a[2:]) or real(*a))
    monkeypatch.setattr(plan, "timeline_entries", timeline.timeline_entries)
    pages = [p for p in plan.plan_site(archive, config) if p.kind in ("timeline", "timeline_year")]
    assert made == []
    if whole_first == "periods":
        _ = archive.periods
    elif whole_first:
        _ = archive.timeline
    got = [(p.path, p.template, p.context) for p in pages]
    one_page = len(pages) == 1
    # once for all of them, or once per year when each year's are made alone, and once per
    # month for a year split into months (its overview counts without making entries)
    shape = timeline.timeline_shape(archive)
    per_period = [(year, month) if sum(shape[year].values()) > bounds[1] else (year,)
                  for year in sorted(shape) for month in (sorted(shape[year]) if sum(shape[year].values()) > bounds[1] else [None])]
    assert sorted(made) == ([()] if whole_first is True or one_page else per_period)
    made.clear()
    want = _eager_timeline_pages(archive)
    assert [g[:2] for g in got] == [w[:2] for w in want]
    for (path, _, context), (_, _, expected) in zip(got, want):
        assert list(context) == list(expected) and context == expected, path
    shape = timeline.timeline_shape(archive)
    entries = timeline.timeline_entries(archive, archive.sentences)
    assert sum(n for months in shape.values() for n in months.values()) == len(entries)
