"""Data for researchers: the resolved archive as JSON, CSV and one SQLite file under `data/`.

Every table is built once here as plain rows (`tables()`), then written three ways, so the
JSON, the CSV and the SQLite file can never disagree. Ids are stable across builds as long as
the articles and the pipeline are unchanged: articles and entities keep their site ids,
mentions and quotes are numbered in text order within their article (`<article>-m3`,
`<article>-q2`). Offsets are character offsets into the article's `text` column (Python
string indices, i.e. Unicode code points), end exclusive.

The schema is documented in docs/README-issue-6-site.md ("Data for researchers").
"""
from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

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
# Multi-valued fields are joined with this in CSV and SQLite (JSON keeps real lists).
LIST_SEP = "; "
_LIST_COLUMNS = {("articles", "tags"), ("entities", "aliases"), ("entities", "participants")}
INDEXES = [
    ("mentions", "entity"), ("mentions", "article"), ("quotes", "article"),
    ("quotes", "speaker_entity"), ("roles", "entity"), ("comentions", "target"),
]


def tables(archive: Archive) -> dict[str, list[dict]]:
    """Every table as a list of rows (dicts keyed by SCHEMA's columns, lists still lists)."""
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


def _flat(table: str, row: dict) -> dict:
    return dict(zip((c for c, _, _ in SCHEMA[table]), _flat_row(table, row)))


def _flat_rows(table: str, rows: list[dict]) -> list[tuple]:
    """Rows as tuples in column order, lists joined and booleans as 0/1 (CSV and SQLite);
    made once per table and shared by both writers."""
    return [_flat_row(table, r) for r in rows]


def _flat_row(table: str, row: dict) -> tuple:
    out = []
    for col, _, _ in SCHEMA[table]:
        v = row[col]
        if (table, col) in _LIST_COLUMNS:
            v = LIST_SEP.join(v)
        elif v is True or v is False:
            v = int(v)
        out.append(v)
    return tuple(out)


_ROW_ENCODER = json.JSONEncoder(ensure_ascii=False)


def write_json(data: dict[str, list[dict]], folder: Path) -> None:
    for name, rows in data.items():
        # one row per line: compact, yet diffable and greppable
        # one encoder for all rows: json.dumps with options makes a new encoder every call
        lines = ",\n".join(map(_ROW_ENCODER.encode, rows))
        (folder / f"{name}.json").write_text(f"[\n{lines}\n]\n" if rows else "[]\n", encoding="utf-8")


def write_csv(data: dict[str, list[dict]], folder: Path, flat: dict[str, list[tuple]] | None = None) -> None:
    for name, rows in data.items():
        # utf-8-sig: Excel otherwise opens UTF-8 CSV as Latin-1 and mangles Arabic names.
        with open(folder / f"{name}.csv", "w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)  # the same bytes as a DictWriter over the same columns
            writer.writerow([c for c, _, _ in SCHEMA[name]])
            writer.writerows(flat[name] if flat is not None else _flat_rows(name, rows))


def write_sqlite(data: dict[str, list[dict]], path: Path, meta: dict[str, str],
                 flat: dict[str, list[tuple]] | None = None) -> None:
    if path.exists():
        path.unlink()
    con = sqlite3.connect(path)
    try:
        # A new file that is published only if the whole build succeeds: no journal, no fsync.
        # (Neither is recorded in the file: the bytes are the same.)
        con.execute("PRAGMA journal_mode = OFF")
        con.execute("PRAGMA synchronous = OFF")
        con.execute("PRAGMA foreign_keys = ON")
        con.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
        con.executemany("INSERT INTO meta VALUES (?, ?)", sorted(meta.items()))
        for name in SCHEMA:  # parents before children, as the foreign keys need
            cols = SCHEMA[name]
            defs = ", ".join(f'"{c}" {t} {k}'.strip() for c, t, k in cols)
            con.execute(f"CREATE TABLE {name} ({defs})")
            marks = ", ".join("?" for _ in cols)
            con.executemany(f"INSERT INTO {name} VALUES ({marks})",
                            flat[name] if flat is not None else _flat_rows(name, data[name]))
        for table, col in INDEXES:
            con.execute(f"CREATE INDEX idx_{table}_{col} ON {table}({col})")
        con.commit()
        # No journal or free pages left behind: the file is what gets published.
        con.execute("VACUUM")
    finally:
        con.close()


def write_exports(archive: Archive, folder: Path, meta: dict[str, str] | None = None) -> dict[str, int]:
    """Write data/<table>.json, data/<table>.csv and data/archive.sqlite; return row counts."""
    folder.mkdir(parents=True, exist_ok=True)
    data = tables(archive)
    flat = {name: _flat_rows(name, rows) for name, rows in data.items()}
    write_json(data, folder)
    write_csv(data, folder, flat)
    write_sqlite(data, folder / "archive.sqlite", dict(meta or {}, pipeline=archive.pipeline), flat)
    return {name: len(rows) for name, rows in data.items()}
