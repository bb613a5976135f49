"""Data for researchers: the resolved archive as JSON, CSV and one SQLite file under `data/`.

Every table is made once as rows (export_rows.py; `tables()` here is the reference they are
tested against), then written three ways, so the JSON, the CSV and the SQLite file can never
disagree: JSON and CSV by export_text.py, SQLite by export_sqlite.py. Rows are grouped by
article, and a build copies the bytes of every unchanged group from the previous build's
files (export_state.py), so adding an article encodes that article's rows only. Ids are stable across builds as long as
the articles and the pipeline are unchanged: articles and entities keep their site ids,
mentions and quotes are numbered in text order within their article (`<article>-m3`,
`<article>-q2`). Offsets are character offsets into the article's `text` column (Python
string indices, i.e. Unicode code points), end exclusive.

The schema is documented in docs/README-issue-6-site.md ("Data for researchers").
"""
from __future__ import annotations

import hashlib
import pickle
import sqlite3
import sys
from pathlib import Path

from archive.export_rows import FORMAT, LIST_SEP, Rows, export_rows  # noqa: F401 (LIST_SEP: plan.py reads it here)
from archive.export_sqlite import write_sqlite
from archive.export_state import PER_GROUP, Previous, drop_old_copies, load_state, save_state
from archive.export_text import write_text_tables
from archive.index import Archive
from archive.plan import article_path, entity_path

# table -> [(column, SQLite type, constraint)]. The order is the column order of every format.
SCHEMA: dict[str, list[tuple[str, str, str]]] = {
    "articles": [
        ("id", "TEXT", "PRIMARY KEY"), ("title", "TEXT", "NOT NULL"), ("date", "TEXT", ""),
        ("date_precision", "TEXT", ""), ("year", "INTEGER", ""), ("source", "TEXT", ""),
        ("url", "TEXT", ""), ("author", "TEXT", ""), ("tags", "TEXT", ""), ("summary", "TEXT", ""),
        ("file", "TEXT", ""), ("page", "TEXT", ""), ("mention_count", "INTEGER", ""),
        ("quote_count", "INTEGER", ""), ("text", "TEXT", "NOT NULL"),
    ],
    "entities": [
        ("id", "TEXT", "PRIMARY KEY"), ("type", "TEXT", "NOT NULL"), ("name", "TEXT", "NOT NULL"),
        ("kind", "TEXT", ""), ("description", "TEXT", ""), ("aliases", "TEXT", ""),
        ("affiliation", "TEXT", ""), ("date", "TEXT", ""), ("place", "TEXT", ""),
        ("participants", "TEXT", ""), ("in_registry", "INTEGER", "NOT NULL"),
        ("mention_count", "INTEGER", "NOT NULL"), ("article_count", "INTEGER", "NOT NULL"),
        ("quote_count", "INTEGER", "NOT NULL"), ("page", "TEXT", ""),
    ],
    "roles": [
        ("entity", "TEXT", "NOT NULL REFERENCES entities(id)"), ("title", "TEXT", "NOT NULL"),
        ("organisation", "TEXT", ""), ("since", "TEXT", ""), ("until", "TEXT", ""),
    ],
    "mentions": [
        ("id", "TEXT", "PRIMARY KEY"), ("article", "TEXT", "NOT NULL REFERENCES articles(id)"),
        ("entity", "TEXT", "NOT NULL REFERENCES entities(id)"), ("type", "TEXT", "NOT NULL"),
        ("start", "INTEGER", "NOT NULL"), ("end", "INTEGER", "NOT NULL"), ("text", "TEXT", "NOT NULL"),
        ("date", "TEXT", ""),
    ],
    "quotes": [
        ("id", "TEXT", "PRIMARY KEY"), ("article", "TEXT", "NOT NULL REFERENCES articles(id)"),
        ("kind", "TEXT", "NOT NULL"), ("start", "INTEGER", "NOT NULL"), ("end", "INTEGER", "NOT NULL"),
        ("text", "TEXT", "NOT NULL"), ("cue", "TEXT", ""), ("speaker", "TEXT", ""),
        ("speaker_start", "INTEGER", ""), ("speaker_end", "INTEGER", ""),
        ("speaker_entity", "TEXT", "REFERENCES entities(id)"), ("date", "TEXT", ""),
    ],
    "comentions": [
        ("source", "TEXT", "NOT NULL REFERENCES entities(id)"),
        ("target", "TEXT", "NOT NULL REFERENCES entities(id)"), ("articles", "INTEGER", "NOT NULL"),
    ],
}
# Multi-valued fields are joined with LIST_SEP ("; ") in CSV and SQLite (JSON keeps real lists).
INDEXES = [
    ("mentions", "entity"), ("mentions", "article"), ("quotes", "article"),
    ("quotes", "speaker_entity"), ("roles", "entity"), ("comentions", "target"),
]


def tables(archive: Archive) -> dict[str, list[dict]]:
    """Every table as a list of rows (dicts keyed by SCHEMA's columns, lists still lists): the
    reference for what the files hold. The writers use export_rows (the same values as tuples,
    grouped by article), and the tests check that both agree."""
    quote_counts: dict[str, int] = {}
    for q in archive.quotes:
        quote_counts[q.article] = quote_counts.get(q.article, 0) + 1
    dates = {a.id: (a.date.iso() if a.date else None) for a in archive.articles}
    articles = [{
        "id": a.id, "title": a.title, "date": dates[a.id],
        "date_precision": a.date.precision if a.date else None, "year": a.date.year if a.date else None,
        "source": a.source, "url": a.url, "author": a.author, "tags": list(a.tags), "summary": a.summary,
        "file": a.path, "page": article_path(a.id), "mention_count": len(archive.mentions.get(a.id, [])),
        "quote_count": quote_counts.get(a.id, 0), "text": a.text,
    } for a in archive.articles]
    used = {m.entity for ms in archive.mentions.values() for m in ms}
    used |= {q.speaker_entity for q in archive.quotes if q.speaker_entity}
    # The site's entities (with a page) plus anything a mention points to, so every foreign key holds.
    ents = sorted((e for e in archive.entities.values() if e.in_registry or e.id in used), key=lambda e: e.id)
    entities = [{
        "id": e.id, "type": e.type, "name": e.name, "kind": e.kind, "description": e.description,
        "aliases": list(e.aliases), "affiliation": e.affiliation, "date": e.date.iso() if e.date else None,
        "place": e.place, "participants": list(e.participants), "in_registry": e.in_registry,
        "mention_count": archive.mention_counts.get(e.id, 0),
        "article_count": len(archive.entity_articles.get(e.id, [])),
        "quote_count": len(archive.entity_quotes.get(e.id, [])), "page": entity_path(archive, e.id),
    } for e in ents]
    known = {e["id"] for e in entities}
    roles = [{
        "entity": e.id, "title": r.title, "organisation": r.organisation,
        "since": r.since.iso() if r.since else None, "until": r.until.iso() if r.until else None,
    } for e in ents for r in e.roles]
    mentions = [{
        "id": f"{a.id}-m{n + 1}", "article": a.id, "entity": m.entity, "type": m.type,
        "start": m.start, "end": m.end, "text": m.text, "date": dates[a.id],
    } for a in archive.articles for n, m in enumerate(sorted(archive.mentions.get(a.id, []), key=lambda m: (m.start, m.end)))]
    quotes = [{
        "id": q.id, "article": q.article, "kind": q.kind, "start": q.start, "end": q.end, "text": q.text,
        "cue": q.cue, "speaker": q.speaker.text if q.speaker else None,
        "speaker_start": q.speaker.start if q.speaker else None, "speaker_end": q.speaker.end if q.speaker else None,
        "speaker_entity": q.speaker_entity if q.speaker_entity in known else None, "date": dates.get(q.article),
    } for q in archive.quotes]
    comentions = [{"source": x, "target": y, "articles": n}
                  for x in sorted(archive.comentions) if x in known
                  for y, n in sorted(archive.comentions[x].items()) if y in known and x < y]  # each pair once
    return {"articles": articles, "entities": entities, "roles": roles, "mentions": mentions,
            "quotes": quotes, "comentions": comentions}


def code_digest() -> str:
    """The export code and the library versions that shape the bytes: a previous build's
    fragments are reused only when this is unchanged (export_state.py)."""
    global _CODE
    if _CODE is None:
        h = hashlib.sha256(f"{FORMAT}\0{sqlite3.sqlite_version}\0{sys.version}".encode())
        here = Path(__file__).parent
        for name in ("exports.py", "export_rows.py", "export_text.py", "export_sqlite.py", "export_state.py"):
            h.update((here / name).read_bytes())
        _CODE = h.hexdigest()
    return _CODE


_CODE: str | None = None


def file_keys(rows: Rows, meta: dict[str, str]) -> dict[str, str]:
    """data/<file> → a digest of everything its bytes depend on (render.Reuse keys them)."""
    code = code_digest()

    def key(*parts) -> str:
        return hashlib.blake2b(pickle.dumps((code, *parts), protocol=5), digest_size=16).hexdigest()

    groups = [g.key for g in rows.groups]
    keys = {}
    for table in SCHEMA:
        value = groups if table in PER_GROUP else rows.table(table)
        for fmt in ("json", "csv"):
            keys[f"data/{table}.{fmt}"] = key(table, fmt, value)
    keys["data/archive.sqlite"] = key("sqlite", sorted(meta.items()), groups, rows.entities, rows.roles, rows.comentions)
    return keys


def previous_exports(state_file: Path | None, manifest: dict | None, site: Path | None, store=None) -> Previous:
    """What the previous build left in data/ that this one may copy from (export_state.py):
    in the site `site`, or in the page store `store`."""
    state = load_state(state_file)
    if state is None or state.get("code") != code_digest():
        state = None
    return Previous(state, manifest, site, store=store)


def save_exports_state(state_file: Path | None, state: dict) -> None:
    """Record what data/ holds for the next build."""
    if state_file is not None:
        save_state(state_file, state)
        drop_old_copies(state_file)


def write_exports(archive: Archive, folder: Path, meta: dict[str, str] | None = None,
                  parts=("text", "sqlite"), previous: Previous | None = None, reuse=None, rows: Rows | None = None) -> dict:
    """Write data/<table>.json and .csv (part "text") and data/archive.sqlite (part "sqlite").
    Returns {"rows": row counts, "keys": {path: key}, "state": the record for the next build
    (text part only)}. With `previous`, unchanged articles are copied from the previous
    files; with `reuse` (render.Reuse), unchanged files are carried over whole."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = rows if rows is not None else export_rows(archive)
    meta = dict(meta or {}, pipeline=archive.pipeline)
    keys = file_keys(rows, meta)
    link = reuse.link if reuse is not None else None
    out: dict = {"rows": rows.counts(), "keys": keys, "state": None}
    if "text" in parts:
        groups = write_text_tables(rows, folder, SCHEMA, previous, keys, link)
        out["state"] = {"format": FORMAT, "code": code_digest(), "files": keys, "groups": groups}
    if "sqlite" in parts and not (link is not None and link("data/archive.sqlite", keys["data/archive.sqlite"])):
        write_sqlite(rows, folder / "archive.sqlite", meta, SCHEMA, INDEXES, previous)
    return out
