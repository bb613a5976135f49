"""Plan every page of the site: one `PageSpec` (kind, template, output path, context) each.

All URL and slug rules live here. Links between pages are relative (computed at render time
from the page's own path), so the site works opened from disk, at a domain root, and under a
sub-path; `base_url` is used only where an absolute URL is required (canonical links).
"""
from __future__ import annotations

from collections import Counter
from functools import partial
from itertools import groupby
from operator import attrgetter
from typing import NamedTuple

from archive.body import ArticleBody
from archive.config import ArchiveConfig
from archive.errors import ArchiveError
from archive.index import Archive
from archive.models import PartialDate
from archive.timeline import timeline_entries, timeline_shape, timeline_summary, year_overview

# Entity type → (folder, plural title, singular label)
SECTIONS = {
    "actor": ("actors", "Actors", "Actor"),
    "militia": ("militias", "Militias", "Militia"),
    "organisation": ("organisations", "Organisations", "Organisation"),
    "place": ("places", "Places", "Place"),
    "event": ("events", "Events", "Event"),
}


# Long listings (the article index, the quotes, an entity's articles) show their newest
# PER_PAGE items; all items are on pages by date (`dated_pages`): a year, a month of a long
# year, a day of a long month, or part of a long day. A page's URL keeps showing the same period as the archive
# grows, so a researcher can cite it, and an added article changes the listing's first page
# and its own period's pages only (pagekey.py carries every other page over unrendered).
PER_PAGE = 200


class PageSpec:
    """A page to write: its kind, template, output path and the context its template gets.

    The context may be given as a function that makes it (`make`), called the first time
    `context` is read: a build whose pages come from the page store by keys it already knows
    (render.write_site, the same inputs as the last build) never makes the contexts of its
    10,000 article and entity pages. `subject` is what the page is about (its article or
    entity), for what needs only that (the sitemap, the feeds). `shows`, on a page by date of
    a long listing: (ids of its items, ids of their articles, its pager), what keydeps.py
    compares with the last build's to know the page is as it was without making its context."""

    __slots__ = ("kind", "template", "path", "subject", "shows", "_context", "_make")

    def __init__(self, kind: str, template: str, path: str, context: dict | None = None, make=None, subject=None,
                 shows: tuple | None = None):
        self.kind, self.template, self.path, self.subject, self.shows = kind, template, path, subject, shows
        self._context, self._make = context, make
        if context is None and make is None:
            self._context = {}

    @property
    def context(self) -> dict:
        if self._context is None:
            self._context = self._make()
            self._make = None
        return self._context

    def __eq__(self, other) -> bool:
        if not isinstance(other, PageSpec):
            return NotImplemented
        return ((self.kind, self.template, self.path, self.context)
                == (other.kind, other.template, other.path, other.context))

    __hash__ = None  # mutable-looking (a context made on demand): not a set member

    def __repr__(self) -> str:
        return f"PageSpec({self.kind!r}, {self.template!r}, {self.path!r})"


_DATE = attrgetter("date")
_ID = attrgetter("id")


def article_path(article_id: str) -> str:
    return f"articles/{article_id}.html"


def entity_path(archive: Archive, entity_id: str) -> str | None:
    # Asked ~40 times per page (every link to an entity): remembered per archive. The index
    # is complete before any page is planned, so an entity's type no longer changes.
    memo = getattr(archive, "_entity_paths", None)
    if memo is None:
        memo = {}
        try:
            archive._entity_paths = memo
        except AttributeError:  # an object that takes no attributes: no memo
            pass
    try:
        return memo[entity_id]
    except KeyError:
        ent = archive.entities.get(entity_id)
        path = None if ent is None or ent.type not in SECTIONS else f"{SECTIONS[ent.type][0]}/{entity_id}.html"
        memo[entity_id] = path
        return path


def _top(archive: Archive, types: set[str], n: int) -> list[tuple]:
    ranked = [(eid, c) for eid, c in archive.mention_counts.most_common() if archive.entities[eid].type in types]
    return [(archive.entities[eid], c, len(archive.entity_articles.get(eid, []))) for eid, c in ranked[:n]]


def plan_site(archive: Archive, config: ArchiveConfig) -> list[PageSpec]:
    pages: list[PageSpec] = []
    quotes_by_article: dict[str, list] = {}
    for q in archive.quotes:
        quotes_by_article.setdefault(q.article, []).append(q)
    pages.append(PageSpec("home", "home.html", "index.html", {
        "latest": archive.articles[: config.latest_articles],
        "top_actors": _top(archive, {"actor"}, config.top_entities),
        "top_groups": _top(archive, {"militia", "organisation"}, config.top_entities),
        "recent_quotes": [q for q in archive.quotes if q.speaker_entity][: config.recent_quotes],
    }))
    _listing(pages, "article_index", "articles.html", "articles", "articles", archive.articles, _DATE, _ID, _ID)
    paths = {eid: entity_path(archive, eid) for eid in archive.entities}  # one look-up per mention below
    dates = {a.id: a.date for a in archive.articles}  # for the pages by date (`dated_pages`)
    for art in archive.articles:
        pages.append(PageSpec("article", "article.html", article_path(art.id), subject=art,
                              make=partial(_article_context, archive, art, quotes_by_article.get(art.id, []), paths)))
    for etype, (folder, title, label) in SECTIONS.items():
        members = sorted((e for e in archive.entities.values() if e.type == etype and (e.in_registry or archive.mention_counts[e.id])),
                         key=lambda e: (-archive.mention_counts[e.id], e.name.lower()))
        pages.append(PageSpec("entity_index", "entities.html", f"{folder}/index.html", {
            "entity_type": etype, "section_title": title, "label": label,
            "members": [(e, archive.mention_counts[e.id], len(archive.entity_articles.get(e.id, []))) for e in members],
        }))
        for ent in members:
            _entity_pages(pages, archive, ent, folder, label, dates)
    _listing(pages, "quotes", "quotes.html", "quotes", "quotes", archive.quotes, lambda q: dates[q.article],
             _ID, attrgetter("article"))
    # issue 6: pictures, search and the 404 page (their content comes from svg.py / Pagefind)
    _timeline_pages(pages, archive)
    pages.append(PageSpec("network", "network.html", "network/index.html", {}))
    pages.append(PageSpec("search", "search.html", "search/index.html", {}))
    pages.append(PageSpec("not_found", "404.html", "404.html", {}))
    from archive.exports import LIST_SEP, SCHEMA  # exports imports this module's URL rules

    pages.append(PageSpec("data", "data.html", "data/index.html", {"schema": SCHEMA, "list_sep": LIST_SEP}))
    _refuse_duplicates(pages)
    return pages


# A chronology longer than this is split into one page per year (timeline/<year>.html).
TIMELINE_ON_ONE_PAGE = 1000
# A year with more entries than this is split again, into one page per month
# (timeline/<year>/<month>.html, e.g. timeline/2016/03.html), and its year page becomes a short
# overview: the months with their counts and the year's registry events. An entry is ~400
# bytes of HTML (a reported date carries its sentence), so a year page stays under ~200 KB and
# renders in ~10 ms; at 10,000 articles a busy year had 23,000 entries (9.5 MB, 1.3 s to render
# again for every article added to it). Months are the unit readers think in, and a month's
# page changes only when an article of (or reporting a date in) that month does.
YEAR_ON_ONE_PAGE = 500


def timeline_year_path(year: int) -> str:
    return f"timeline/{year}.html"


def timeline_month_path(year: int, month: int) -> str:
    """A month of a split year; month 0 holds the entries dated to the year only."""
    return f"timeline/{year}/{month:02d}.html" if month else f"timeline/{year}/year.html"


def _month_label(year: int, month: int) -> str:
    return PartialDate(year, month).human() if month else f"{year} (year only)"


def _timeline_pages(pages: list[PageSpec], archive: Archive) -> None:
    """The timeline page; with a long chronology, each year on its own page, and a long year
    on one page per month. Each of those pages is keyed by what it shows only (its entries and
    its neighbours' links, pagekey.py), so that a new article re-renders the months it touches
    and their years' short overviews, not whole years.

    Which pages there are follows from the number of entries per year and month
    (`timeline_shape`); the entries themselves (48,000 at 10,000 articles, each reported date
    with its sentence) are made when a page's context is first read (`Archive.timeline`), so
    a build whose pages come from the last build never makes them.

    Every page below the index is of kind "timeline_year" (whatever its template): that is the
    kind pagekey.py keys by the page's own context instead of by the whole archive. Its
    subject is `TimelinePlace`: its year and the pages it links as previous and next (what
    keydeps.py needs to know that an added article leaves it as it was)."""
    shape = timeline_shape(archive)
    if sum(n for months in shape.values() for n in months.values()) <= TIMELINE_ON_ONE_PAGE:
        pages.append(PageSpec("timeline", "timeline.html", "timeline/index.html", make=partial(_timeline_index, archive, None)))
        return
    entries = _TimelineEntries(archive)
    years = sorted(shape)
    counts = [sum(shape[year].values()) for year in years]
    paths = [timeline_year_path(year) for year in years]
    pages.append(PageSpec("timeline", "timeline.html", "timeline/index.html", make=partial(
        _timeline_index, archive, [(year, path, n) for year, path, n in zip(years, paths, counts)], sum(counts))))
    # The chronology read in order, one page after another: a short year's page, or a long
    # year's months; prev/next links follow it across years. A long year's overview links the
    # neighbouring years instead.
    reading: list[tuple[str, str, bool, partial, int]] = []  # (path, label, a month?, its context without the links, year)
    for k, year in enumerate(years):
        earlier = (paths[k - 1], str(years[k - 1])) if k else None
        later = (paths[k + 1], str(years[k + 1])) if k + 1 < len(years) else None
        if counts[k] <= YEAR_ON_ONE_PAGE:
            reading.append((paths[k], str(year), False, partial(entries.year_context, year), year))
            continue
        months = sorted(shape[year])  # as the entries sort: 0 (the year only) first
        for month in months:
            path, label = timeline_month_path(year, month), _month_label(year, month)
            reading.append((path, label, True, partial(entries.month_context, year, month, label, paths[k]), (year, month)))
        pages.append(PageSpec("timeline_year", "timeline_year.html", paths[k], subject=TimelinePlace(year, None, earlier, later),
                              make=partial(entries.overview_context, year, earlier, later)))
    for k, (path, _, is_month, context, period) in enumerate(reading):
        template = "timeline_month.html" if is_month else "timeline_year.html"
        earlier, later = reading[k - 1][:2] if k else None, reading[k + 1][:2] if k + 1 < len(reading) else None
        place = TimelinePlace(*period, earlier, later) if is_month else TimelinePlace(period, None, earlier, later)
        pages.append(PageSpec("timeline_year", template, path, subject=place,
                              make=partial(_with_links, context, earlier, later)))


class TimelinePlace(NamedTuple):
    """Where a timeline page is: its year, its month for a long year's month page (0: the
    entries dated to the year only; None: a year's page or overview), and the (path, label)
    of the pages it links as previous and next (None at either end)."""

    year: int
    month: int | None
    earlier: tuple | None
    later: tuple | None


def _timeline_index(archive: Archive, year_pages: list | None, entry_count: int = 0) -> dict:
    """The timeline page: the whole chronology, or (`year_pages`) links to its years."""
    if year_pages is None:
        return dict(archive.timeline, year_pages=[])
    return dict(timeline_summary(archive, entry_count), year_pages=year_pages)


def _with_links(context, earlier, later) -> dict:
    return dict(context(), earlier=earlier, later=later)


class _TimelineEntries:
    """The timeline's entries by year, and a long year's by month, for its pages' contexts
    (grouped the first time a page asks). A year's entries come from the whole timeline when
    it is made (`Archive.derive`, before render workers fork), else they are made for that
    year alone: a build that keys a few of the timeline's pages (keydeps.py) makes theirs."""

    def __init__(self, archive: Archive):
        self.archive = archive
        self._years: dict[int, list] = {}
        self._months: dict[int, dict[int, list]] = {}
        self._month_items: dict[tuple[int, int], list] = {}

    def _whole(self) -> dict | None:
        return getattr(self.archive, "__dict__", {}).get("timeline")

    def month_items(self, year: int, month: int) -> list:
        """A long year's entries of one month, made alone unless the year's are made."""
        if year in self._years or self._whole() is not None:
            return self.months(year)[month]
        got = self._month_items.get((year, month))
        if got is None:
            got = self._month_items[year, month] = timeline_entries(
                self.archive, getattr(self.archive, "sentences", None), year, month)
        return got

    def items(self, year: int) -> list:
        got = self._years.get(year)
        if got is None:
            whole = self._whole()
            if whole is not None:
                self._years = dict(whole["years"])
                got = self._years.get(year, [])
            else:
                got = self._years[year] = timeline_entries(self.archive, getattr(self.archive, "sentences", None), year)
        return got

    def months(self, year: int) -> dict[int, list]:
        """A long year's entries by month (0: dated to the year only); {} for a short year."""
        got = self._months.get(year)
        if got is None:
            items = self.items(year)
            got = self._months[year] = ({month: list(group) for month, group in groupby(items, key=lambda t: t.date.month or 0)}
                                        if len(items) > YEAR_ON_ONE_PAGE else {})
        return got

    def year_context(self, year: int) -> dict:
        return {"year": year, "entries": self.items(year)}

    def month_context(self, year: int, month: int, label: str, year_path: str) -> dict:
        return {"year": year, "month": month, "label": label,
                "iso": f"{year:04d}-{month:02d}" if month else f"{year:04d}",
                "year_path": year_path, "entries": self.month_items(year, month)}

    def overview_context(self, year: int, earlier, later) -> dict:
        """Counts and events from `year_overview`, without the year's entries (unless made)."""
        if year in self._years or self._whole() is not None:
            items = self.items(year)
            counts = {month: (len(group), sum(1 for t in group if t.kind == "article"))
                      for month, group in self.months(year).items()}
            events = [t for t in items if t.kind == "event"]
        else:
            counts, events = year_overview(self.archive, year)
        months = [(_month_label(year, month), timeline_month_path(year, month), *counts[month]) for month in sorted(counts)]
        return {"year": year, "months": months, "entry_count": sum(n for n, _ in counts.values()),
                "events": events, "earlier": earlier, "later": later}


def numbered(items: list, per_page: int | None = None) -> list[list]:
    """`items` (newest first) cut into pages numbered from the oldest: page 1 holds the oldest
    `per_page` items, the last page the newest rest; each page lists newest first. A new item
    changes the last page only; the numbering of the older pages never moves."""
    per_page = per_page or PER_PAGE
    oldest_first = items[::-1]
    return [oldest_first[k:k + per_page][::-1] for k in range(0, len(items), per_page)]


def dated_pages(items: list, date_of, per_page: int | None = None) -> list[tuple[str, str, list]]:
    """`items` (newest first; `date_of(item)` a PartialDate or None) cut into pages by date:
    (slug, label, items newest first) for each page, the oldest page first.

    A year with at most `per_page` items is one page ("2016"); a longer year has a page per
    month ("2016-03"), a longer month a page per day ("2016-03-07"), and a longer day is cut
    into parts from its oldest items ("2016-03-07", "2016-03-07-p2", …, see `numbered`).
    Items dated less precisely than the pages of their period are on the period's own slug
    ("2016": dated to the year only, of a year split into months). Undated items come first
    (they sort as the oldest): "undated". Counting pages from the archive's oldest item
    instead (page 1, 2, …) moved every page newer than an added article: an article dated in
    the middle of 10,000 re-rendered ~330 pages of quotes; now only its own day's."""
    per_page = per_page or PER_PAGE
    out: list[tuple[str, str, list]] = []

    def add(slug: str, label: str, group: list) -> None:
        parts = numbered(group, per_page)
        for k, part in enumerate(parts, 1):
            out.append((slug if k == 1 else f"{slug}-p{k}", label if len(parts) == 1 else f"{label}, part {k}",
                        [item for _, item in part]))

    def split(group: list, depth: int, slug: str, label: str) -> None:
        """`group`: (date, item) of one period (a year at depth 1, a month at 2, a day at 3)."""
        if len(group) <= per_page or depth == 3:
            add(slug, label, group)
            return
        finer: dict[int, list] = {}  # month (depth 1) or day (depth 2), 0 when not that precise
        for pair in group:
            d = pair[0]
            finer.setdefault((d.month if depth == 1 else d.day) or 0, []).append(pair)
        for n in sorted(finer):
            if not n:  # dated to this period only
                add(slug, f"{label} ({'year' if depth == 1 else 'month'} only)", finer[n])
                continue
            d = finer[n][0][0]
            d = PartialDate(d.year, d.month) if depth == 1 else PartialDate(d.year, d.month, d.day)
            split(finer[n], depth + 1, f"{slug}-{n:02d}", d.human())

    years: dict = {}  # year (None: undated) → (date, item) of its items, newest first
    for item in items:
        d = date_of(item)  # once per item: 70,000 quotes at 10,000 articles
        years.setdefault(d.year if d is not None else None, []).append((d, item))
    for year in sorted(years, key=lambda y: -1 if y is None else y):
        if year is None:
            add("undated", "Undated", years[year])
        else:
            split(years[year], 1, f"{year:04d}", str(year))
    return out


def _pager(pages: list[tuple[str, str]], k: int | None, first: str) -> dict:
    """Links between a listing's pages, `pages` being (label, path) oldest first. The first
    page (k None) links every page; page k (1-based) links its neighbours only (newer: k + 1,
    or the first page after the last), so that it does not change when a page is added."""
    if k is None:
        return {"number": None, "label": None, "newer": None, "older": None, "pages": list(pages)}
    return {"number": k, "label": pages[k - 1][0], "newer": pages[k][1] if k < len(pages) else first,
            "older": pages[k - 2][1] if k > 1 else None, "pages": []}


def _listing(pages: list[PageSpec], kind: str, template: str, folder: str, key: str, items: list, date_of,
             id_of, article_of) -> None:
    """`folder/index.html` with the newest PER_PAGE items, and `folder/page/<period>.html` with
    all of them when there are more (see `dated_pages`). `id_of(item)` and `article_of(item)`:
    the item's id and its article's (`PageSpec.shows`)."""
    dated = dated_pages(items, date_of) if len(items) > PER_PAGE else []
    links = [(label, f"{folder}/page/{slug}.html") for slug, label, _ in dated]
    first = f"{folder}/index.html"
    pages.append(PageSpec(kind, template, first, {key: items[:PER_PAGE], "total": len(items), "pager": _pager(links, None, first)}))
    for k, (_, _, chunk) in enumerate(dated, 1):
        pager = _pager(links, k, first)
        pages.append(PageSpec(kind + "_page", template, links[k - 1][1], {key: chunk, "total": None, "pager": pager},
                              shows=(list(map(id_of, chunk)), list(map(article_of, chunk)), pager)))


def _article_context(archive: Archive, art, quotes: list, paths: dict) -> dict:
    mentions = archive.mentions[art.id]
    linked = [(m, paths.get(m.entity)) for m in mentions]
    counts = Counter(m.entity for m in mentions)
    return {
        "article": art,
        "body": ArticleBody(art, linked, quotes, archive),  # rendered only if the page is
        "quotes": quotes,
        "entity_counts": [(archive.entities[eid], n) for eid, n in counts.most_common() if paths.get(eid)],
    }


def _entity_pages(pages: list[PageSpec], archive: Archive, ent, folder: str, label: str, dates: dict) -> None:
    """The entity's page, with its newest PER_PAGE articles (and the quotes from them), and its
    pages by date `folder/<id>/<period>.html` with all of them when there are more."""
    article_ids = archive.entity_articles.get(ent.id, [])
    dated = dated_pages(article_ids, dates.__getitem__) if len(article_ids) > PER_PAGE else []
    links = [(period, f"{folder}/{ent.id}/{slug}.html") for slug, period, _ in dated]
    first = f"{folder}/{ent.id}.html"
    shown = _Shown(archive, ent.id)
    pages.append(PageSpec("entity", "entity.html", first, subject=ent, make=partial(
        _entity_page_context, archive, ent, label, shown, article_ids[:PER_PAGE], _pager(links, None, first))))
    for k, (_, _, chunk) in enumerate(dated, 1):
        pager = _pager(links, k, first)
        pages.append(PageSpec("entity_page", "entity_page.html", links[k - 1][1], subject=ent, shows=(chunk, chunk, pager),
                              make=partial(_dated_entity_context, ent, label, shown, chunk, pager)))


def _entity_page_context(archive: Archive, ent, label: str, shown, article_ids: list, pager: dict) -> dict:
    return dict(_entity_context(archive, ent, label, shown(article_ids)), pager=pager)


def _dated_entity_context(ent, label: str, shown, article_ids: list, pager: dict) -> dict:
    return {"entity": ent, "label": label, "pager": pager, **shown(article_ids)}


class _Shown:
    """The articles an entity page lists, with the entity's contexts and quotes in them. Both
    are in article order already (the index made them so): grouped by article once, then
    each page takes its articles' groups. When not every entity's contexts are made (a build
    keying a few entity pages, keydeps.py), those of the page's articles are made alone."""

    def __init__(self, archive: Archive, eid: str):
        self.archive, self.eid = archive, eid
        self.contexts: dict | None = None  # grouped when a page first asks (PageSpec.make)
        self.quotes: dict | None = None
        self._by_article = False  # contexts made article by article, as pages ask

    def __call__(self, article_ids: list[str]) -> dict:
        archive = self.archive
        if self.contexts is None:
            self.quotes = _by_article(archive.entity_quotes.get(self.eid, []))
            if "contexts" in getattr(archive, "__dict__", {}) or not hasattr(archive, "article_contexts"):
                self.contexts = _by_article(archive.contexts.get(self.eid, []))
            else:
                self.contexts, self._by_article = {}, True
        if self._by_article:
            for a in article_ids:
                if a not in self.contexts:
                    self.contexts[a] = archive.article_contexts(self.eid, a)
        contexts = [c for a in article_ids for c in self.contexts.get(a, ())]
        return {
            "articles": [archive.article(a) for a in article_ids],
            "contexts": contexts,
            # Grouped here: filtering `contexts` per article in the template is quadratic.
            "contexts_by_article": {a: self.contexts[a] for a in article_ids if self.contexts.get(a)},
            "quotes": [q for a in article_ids for q in self.quotes.get(a, ())],
        }


def _entity_context(archive: Archive, ent, label: str, shown: dict) -> dict:
    co = archive.comentions.get(ent.id, Counter())
    related = [(archive.entities[eid], n) for eid, n in co.most_common() if entity_path(archive, eid)][:12]
    spokespeople = archive.members_of(ent.id)  # (person, title) pairs
    found_participants = [archive.entities[eid] for eid, _ in archive.event_participants.get(ent.id, Counter()).most_common()
                          if eid not in ent.participants and entity_path(archive, eid)]
    arts = [archive.article(a) for a in archive.entity_articles.get(ent.id, [])]
    dated = [a.date for a in arts if a.date]
    return {
        "entity": ent, "label": label,
        "mention_count": archive.mention_counts[ent.id],
        "article_count": len(arts),
        "quote_count": len(archive.entity_quotes.get(ent.id, [])),
        # search filters and sort key (pagefind_meta.html) over all its articles, not only those shown
        "article_years": list(dict.fromkeys(d.year for d in dated)),
        "article_sources": _unique_folded(a.source for a in arts if a.source),
        "newest_date": dated[0].iso() if dated else None,
        **shown,
        "related": related,
        "members": spokespeople,
        "found_roles": archive.roles.get(ent.id, []),
        "event_quotes": archive.event_quotes.get(ent.id, []),
        "found_participants": found_participants,
    }


def _unique_folded(values) -> list[str]:
    """First of each value, ignoring case (what Jinja's `unique` filter did in the template)."""
    out: dict[str, str] = {}
    for v in dict.fromkeys(values):  # the distinct values first, in order: there are few
        out.setdefault(v.lower(), v)
    return list(out.values())


def _by_article(items) -> dict[str, list]:
    """Contexts or quotes grouped by their article, in their order."""
    out: dict[str, list] = {}
    for c in items:
        out.setdefault(c.article, []).append(c)
    return out


def _refuse_duplicates(pages: list[PageSpec]) -> None:
    seen: dict[str, str] = {}
    for p in pages:
        if p.path in seen:
            raise ArchiveError(f"two pages would be written to {p.path} ({seen[p.path]} and {p.kind}); give one of them another id or slug")
        seen[p.path] = p.kind
