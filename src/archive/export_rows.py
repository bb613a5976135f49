"""The rows of the data exports (exports.py), as tuples in SCHEMA's column order, grouped by
article so that an incremental build re-encodes only the articles whose rows changed.

A *group* is one article with its `articles` row, its `mentions` rows and its `quotes` rows;
its key is a digest of exactly those values, so two builds that give a group the same key
write the same bytes for it in every format. (An archive whose quotes are not in article
order, which `build_index` never makes, is one group holding everything, in the archive's
order: correct, just never partly reused.) The other tables (entities, roles, comentions)
are small and written whole.

Rows keep lists as lists and booleans as booleans (the JSON form); `flat()` joins lists and
turns booleans into 0/1 for CSV and SQLite.
"""
from __future__ import annotations

import hashlib
import io
import pickle
from collections import Counter
from dataclasses import dataclass
from operator import attrgetter

from archive.index import Archive
from archive.plan import article_path, entity_path

# Bumped whenever the rows or their encodings change, so that no fragment of an older
# format is ever reused (export_state.py keys files and groups with it).
FORMAT = "exports-2"
LIST_SEP = "; "  # multi-valued fields in CSV and SQLite (JSON keeps real lists)
# (table, column index) of list columns; booleans are found by value
LIST_COLUMNS = {"articles": (8,), "entities": (5, 9)}


_SPAN = attrgetter("start", "end")  # mentions in text order (a stable sort: ties keep their order)


@dataclass
class Group:
    id: str | None       # the article's id (None: the single group of an irregular archive)
    key: str
    articles: list[tuple]
    _quotes: list[tuple] | None = None
    # The mention and quote rows are the bulk of the work: made only when asked for
    # (`mentions`, `quotes`), so an incremental build makes them for changed articles alone.
    # `_source` and `_quote_source` are what they come from.
    _mentions: list[tuple] | None = None
    _source: tuple | None = None
    _quote_source: tuple | None = None  # (the article's Quote objects, speaker ids kept, its date)

    @property
    def quotes(self) -> list[tuple]:
        if self._quotes is None:
            qs, known, date = self._quote_source
            self._quotes = [_quote_row(q, known, date) for q in qs]
        return self._quotes

    @property
    def quote_count(self) -> int:
        return len(self._quotes) if self._quotes is not None else len(self._quote_source[0])

    @property
    def mentions(self) -> list[tuple]:
        if self._mentions is None:
            aid, date, ms = self._source
            self._mentions = [(f"{aid}-m{n}", aid, m.entity, m.type, m.start, m.end, m.text, date)
                              for n, m in enumerate(sorted(ms, key=_SPAN), 1)]
        return self._mentions

    @property
    def mention_count(self) -> int:
        return len(self._mentions) if self._mentions is not None else len(self._source[2])

    def count(self, table: str) -> int:
        """Rows in a per-group table, without making them."""
        if table == "mentions":
            return self.mention_count
        return self.quote_count if table == "quotes" else len(getattr(self, table))


@dataclass
class Rows:
    groups: list[Group]
    entities: list[tuple]
    roles: list[tuple]
    comentions: list[tuple]

    def table(self, name: str) -> list[tuple]:
        if name in ("articles", "mentions", "quotes"):
            return [r for g in self.groups for r in getattr(g, name)]
        return getattr(self, name)

    def counts(self) -> dict[str, int]:
        return {"articles": sum(len(g.articles) for g in self.groups),
                "entities": len(self.entities), "roles": len(self.roles),
                "mentions": sum(g.mention_count for g in self.groups),
                "quotes": sum(g.quote_count for g in self.groups), "comentions": len(self.comentions)}

    def make_mentions(self, wanted=None) -> None:
        """Make the mention rows of every group (or of those `wanted(group)` says) now, before
        the formats are written from them."""
        for g in self.groups:
            if wanted is None or wanted(g):
                _ = g.mentions


def flat(table: str, row: tuple) -> tuple:
    """A row for CSV and SQLite: lists joined with LIST_SEP, booleans as 0/1."""
    lists = LIST_COLUMNS.get(table)
    if lists is None:
        return row
    out = list(row)
    for i in lists:
        out[i] = LIST_SEP.join(out[i])
    return tuple(int(v) if v is True or v is False else v for v in out)


def _digest(value) -> str:
    """By value only (no pickle memo), so equal values give equal keys whatever is shared."""
    buf = io.BytesIO()
    p = pickle.Pickler(buf, protocol=5)
    p.fast = True
    p.dump(value)
    return hashlib.sha256(buf.getbuffer()).hexdigest()[:32]  # sha256: hardware-assisted, twice blake2b's speed here


def _quote_row(q, known: set[str], date: str | None) -> tuple:
    sp = q.speaker
    return (q.id, q.article, q.kind, q.start, q.end, q.text, q.cue, sp.text if sp else None,
            sp.start if sp else None, sp.end if sp else None,
            q.speaker_entity if q.speaker_entity in known else None, date)


def export_rows(archive: Archive, article_keys: dict[str, str] | None = None) -> Rows:
    """Every table's rows (the same values as exports.tables(), as tuples). A group's key is a
    digest of what its rows are made from (the article row, its mentions' fields, its quote
    rows), so that it is known without making the mention rows; or, given `article_keys`
    ({article id: digest of what its rows are made from}, keydeps.article_keys), that digest."""
    dates = {a.id: (a.date.iso() if a.date else None) for a in archive.articles}
    groups = []
    # the entities mentioned: those with articles (build_index lists every mention's entity
    # there), without reading 230,000 mentions (in a forked worker, reading them copies the
    # memory pages they are on); else from the mentions
    used: set[str] = set(archive.entity_articles) if archive.entity_articles or not archive.mentions else \
        {m.entity for ms in archive.mentions.values() for m in ms}
    for a in archive.articles:
        aid, date = a.id, dates[a.id]
        ms = archive.mentions.get(aid, [])
        groups.append(Group(aid, "", [(aid, a.title, date, a.date.precision if a.date else None,
                                       a.date.year if a.date else None, a.source, a.url, a.author, list(a.tags),
                                       a.summary, a.path, article_path(aid), len(ms), 0, a.text)],
                            _source=(aid, date, ms)))
    used.update(q.speaker_entity for q in archive.quotes if q.speaker_entity)
    # The site's entities (with a page) plus anything a mention points to, so every foreign key holds.
    ents = sorted((e for e in archive.entities.values() if e.in_registry or e.id in used), key=lambda e: e.id)
    known = {e.id for e in ents}
    # Quotes go to their article's group; build_index lists them in article order.
    by_article: dict[str, list] = {}
    position = {g.id: k for k, g in enumerate(groups)}
    last = -1
    regular = True
    for q in archive.quotes:
        aid = q.article
        k = position.get(aid, -1)
        if k < last or k < 0:
            regular = False  # not grouped in article order: see the module docstring
            break
        last = k
        got = by_article.get(aid)
        if got is None:
            got = by_article[aid] = []
        got.append(q)
    for g in groups:
        qs = by_article.get(g.id, ()) if regular else ()
        g._quote_source = (qs, known, dates[g.id])
        art = g.articles[0]
        g.articles[0] = art[:13] + (len(qs),) + art[14:]
    if not regular:
        quotes = [_quote_row(q, known, dates.get(q.article)) for q in archive.quotes]
        counts = Counter(q[1] for q in quotes)
        for g in groups:
            art = g.articles[0]
            g.articles[0] = art[:13] + (counts.get(g.id, 0),) + art[14:]
    if regular and article_keys is not None and all(g.id in article_keys for g in groups):
        for g in groups:
            g.key = _digest((FORMAT, "inputs", article_keys[g.id]))
    elif regular:
        for g in groups:  # the mentions' fields (as dicts), not their rows: those are made on demand
            g.key = _digest((FORMAT, g.articles, [m.__dict__ for m in g._source[2]], g.quotes))
    else:
        whole = Group(None, "", [r for g in groups for r in g.articles], quotes,
                      _mentions=[r for g in groups for r in g.mentions])
        whole.key = _digest((FORMAT, whole.articles, whole.mentions, whole.quotes))
        groups = [whole]
    entities = [(e.id, e.type, e.name, e.kind, e.description, list(e.aliases), e.affiliation,
                 e.date.iso() if e.date else None, e.place, list(e.participants), e.in_registry,
                 archive.mention_counts.get(e.id, 0), len(archive.entity_articles.get(e.id, [])),
                 len(archive.entity_quotes.get(e.id, [])), entity_path(archive, e.id)) for e in ents]
    roles = [(e.id, r.title, r.organisation, r.since.iso() if r.since else None, r.until.iso() if r.until else None)
             for e in ents for r in e.roles]
    comentions = [(x, y, n) for x in sorted(archive.comentions) if x in known
                  for y, n in sorted(archive.comentions[x].items()) if y in known and x < y]  # each pair once
    return Rows(groups, entities, roles, comentions)
