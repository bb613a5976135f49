"""The timeline page: events, articles and the dates articles report, in date order.

Three kinds of entry, each with its own certainty: registry events (dated by the editor, with
their precision), articles (their publication date), and dates written in articles ("on
Tuesday" → 4 October 2016), resolved by `dates.py` and shown as approximate where the
publication date could not pin them down.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter

from archive.index import Archive
from archive.models import Article, Entity, PartialDate


@dataclass(frozen=True)
class TimelineEntry:
    date: PartialDate
    kind: str                  # "event" | "article" | "reported"
    approximate: bool = False
    entity: Entity | None = None
    article: Article | None = None
    snippet: str = ""          # reported: the sentence around the date
    date_text: str = ""        # reported: the words that gave the date

    def sort_key(self) -> tuple:
        return (*self.date.sort_key(), {"event": 0, "reported": 1, "article": 2}[self.kind])


_first = itemgetter(0)


def _sentence(text: str, sentences, start: int, end: int, width: int = 200) -> str:
    # sentences are in text order and do not overlap (as spaCy and the sentencizer give them):
    # a bisection finds the one holding `start`; a linear scan per date was 0.25 s at 10k articles
    k = bisect_right(sentences, start, key=_first) - 1
    if 0 <= k < len(sentences) and sentences[k][0] <= start < sentences[k][1]:
        s, e = sentences[k]
    else:
        s, e = next(((a, b) for a, b in sentences if a <= start < b), (max(0, start - width), min(len(text), end + width)))
    s, e = max(s, start - width), min(e, end + width)
    return " ".join(text[s:e].split())


def timeline_entries(archive: Archive, sentences: dict[str, tuple] | None = None,
                     year: int | None = None, month: int | None = None) -> list[TimelineEntry]:
    """Every entry in date order, or (`year`) those of one year, or (`year` and `month`, 0
    for the entries dated to the year only) of one month: the same entries in the same order
    as that period's part of the whole list (the sort is stable, and a period's entries keep
    their relative order), made without making the others' (0.4 s at 10,000 articles, for a
    build that keys one month's page)."""
    def within(d: PartialDate) -> bool:
        return year is None or d.year == year and (month is None or (d.month or 0) == month)

    out: list[TimelineEntry] = []
    for ent in archive.entities.values():
        if ent.type == "event" and ent.date is not None and within(ent.date):
            out.append(TimelineEntry(ent.date, "event", entity=ent))
    for art in _articles_within(archive, year, month):
        if art.date is not None and within(art.date):
            out.append(TimelineEntry(art.date, "article", article=art))
        for d in archive.dates.get(art.id, []):
            if d.date is None or not within(d.date):
                continue
            out.append(TimelineEntry(d.date, "reported", approximate=d.approximate, article=art,
                                     snippet=_sentence(art.text, (sentences or {}).get(art.id, ()), d.start, d.end),
                                     date_text=d.text))
    out.sort(key=TimelineEntry.sort_key)
    return out


def timeline_shape(archive: Archive) -> dict[int, dict[int, int]]:
    """year → month (0: dated to the year only) → number of entries, for every entry
    `timeline_entries` makes, without making them: the timeline's pages and their paths follow
    from this (plan.py), their entries are made only when a page is shown or keyed."""
    shape: dict[int, dict[int, int]] = {}

    def add(d: PartialDate) -> None:
        months = shape.get(d.year)
        if months is None:
            months = shape[d.year] = {}
        m = d.month or 0
        months[m] = months.get(m, 0) + 1

    for ent in archive.entities.values():
        if ent.type == "event" and ent.date is not None:
            add(ent.date)
    dates = archive.dates
    for art in archive.articles:
        if art.date is not None:
            add(art.date)
        for d in dates.get(art.id, ()):
            if d.date is not None:
                add(d.date)
    return shape


def year_overview(archive: Archive, year: int) -> tuple[dict[int, tuple[int, int]], list[TimelineEntry]]:
    """A year's month (0: dated to the year only) → (entries, article entries), and its event
    entries in date order: what a long year's overview page shows, without making its
    entries (each reported date's sentence)."""
    months: dict[int, list[int]] = {}

    def add(d: PartialDate, article: int) -> None:
        counts = months.setdefault(d.month or 0, [0, 0])
        counts[0] += 1
        counts[1] += article

    events = [TimelineEntry(e.date, "event", entity=e) for e in archive.entities.values()
              if e.type == "event" and e.date is not None and e.date.year == year]
    for ev in events:
        add(ev.date, 0)
    dates = archive.dates
    for art in _articles_within(archive, year, None):
        if art.date is not None and art.date.year == year:
            add(art.date, 1)
        for d in dates.get(art.id, ()):
            if d.date is not None and d.date.year == year:
                add(d.date, 0)
    events.sort(key=TimelineEntry.sort_key)
    return {m: (n, a) for m, (n, a) in months.items()}, events


def articles_by_period(archive: Archive) -> dict[tuple[int, int], list[int]]:
    """(year, month or 0) → the positions in `archive.articles` of the articles with an entry
    in that period (dated in it, or reporting a date in it), in order."""
    out: dict[tuple[int, int], list[int]] = {}
    dates = archive.dates
    for k, art in enumerate(archive.articles):
        periods = {(d.date.year, d.date.month or 0) for d in dates.get(art.id, ()) if d.date is not None}
        if art.date is not None:
            periods.add((art.date.year, art.date.month or 0))
        for period in periods:
            out.setdefault(period, []).append(k)
    return out


def _articles_within(archive: Archive, year: int | None, month: int | None):
    """The articles that may have entries in the period (all of them for the whole timeline),
    in the archive's order. From `Archive.periods` when it is made (before render workers
    fork: a worker that goes through every article and date copies the memory pages they are
    on, 0.15 s at 10,000 articles), else every article."""
    periods = getattr(archive, "__dict__", {}).get("periods") if year is not None else None
    if periods is None:
        return archive.articles
    if month is not None:
        found = periods.get((year, month), [])
    else:
        found = sorted({k for (y, _), ks in periods.items() if y == year for k in ks})
    return [archive.articles[k] for k in found]


def timeline_context(archive: Archive) -> dict:
    entries = timeline_entries(archive, getattr(archive, "sentences", None))
    years = [(year, list(items)) for year, items in groupby(entries, key=lambda t: t.date.year)]
    return {"years": years, "undated_events": _undated_events(archive), "entry_count": len(entries)}


def timeline_summary(archive: Archive, entry_count: int) -> dict:
    """`timeline_context` without its entries (`years` empty), for a timeline split into
    year pages: its index shows the years' links, the undated events and the count."""
    return {"years": [], "undated_events": _undated_events(archive), "entry_count": entry_count}


def _undated_events(archive: Archive) -> list[Entity]:
    return sorted((e for e in archive.entities.values() if e.type == "event" and e.date is None and archive.mention_counts.get(e.id)),
                  key=lambda e: e.name.lower())
