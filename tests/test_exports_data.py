"""data/: JSON, CSV and SQLite exports agree with each other and with the article text."""
from __future__ import annotations

import csv
import json
import sqlite3

import pytest

from issue6_site import build_site

from archive.exports import SCHEMA


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out, report = build_site(tmp_path_factory.mktemp("exports"))
    return out, report


def load(out, table):
    return json.loads((out / "data" / f"{table}.json").read_text(encoding="utf-8"))


def test_every_table_in_three_formats(site):
    out, report = site
    db = sqlite3.connect(out / "data" / "archive.sqlite")
    for table, cols in SCHEMA.items():
        rows = load(out, table)
        with open(out / "data" / f"{table}.csv", encoding="utf-8-sig", newline="") as fh:
            csv_rows = list(csv.DictReader(fh))
        names = [r[1] for r in db.execute(f"PRAGMA table_info({table})")]
        assert names == [c for c, _, _ in cols]
        n = db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        assert len(rows) == len(csv_rows) == n == report.data_rows[table], table
    assert report.data_rows["articles"] == 3
    assert report.data_rows["mentions"] > 5
    assert report.data_rows["quotes"] >= 2


def test_offsets_point_into_article_text(site):
    out, _ = site
    texts = {a["id"]: a["text"] for a in load(out, "articles")}
    mentions = load(out, "mentions")
    quotes = load(out, "quotes")
    for m in mentions:
        assert texts[m["article"]][m["start"]:m["end"]] == m["text"]
    for q in quotes:
        assert texts[q["article"]][q["start"]:q["end"]] == q["text"]
        if q["speaker"] is not None:
            assert texts[q["article"]][q["speaker_start"]:q["speaker_end"]] == q["speaker"]


def test_ids_unique_and_stable_form(site):
    out, _ = site
    mentions = load(out, "mentions")
    ids = [m["id"] for m in mentions]
    assert len(ids) == len(set(ids))
    assert all(i.startswith(m["article"] + "-m") for i, m in zip(ids, mentions))
    assert "2021-04-07-dialogue" in {a["id"] for a in load(out, "articles")}


def test_quote_speaker_cue_and_date(site):
    out, _ = site
    quotes = load(out, "quotes")
    husseini = [q for q in quotes if q["speaker_entity"] == "jaafar-husseini"]
    assert husseini, quotes
    assert {q["date"] for q in husseini} >= {"2021-04-07", "2021-05-02"}
    assert any(q["cue"] for q in husseini)


def test_sqlite_foreign_keys_hold_and_joins_work(site):
    out, _ = site
    db = sqlite3.connect(out / "data" / "archive.sqlite")
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    rows = db.execute("""SELECT e.name, count(*) FROM quotes q JOIN entities e ON e.id = q.speaker_entity
                         GROUP BY e.id ORDER BY 2 DESC""").fetchall()
    assert rows[0][0] == "Jaafar Husseini"
    meta = dict(db.execute("SELECT key, value FROM meta"))
    assert meta["title"] == "Test archive" and meta["pipeline"].startswith("rules")
    # roles and lists survive: the registry role, the joined aliases
    assert db.execute("SELECT organisation FROM roles WHERE entity='jaafar-husseini'").fetchone() == ("kataib-hezbollah",)
    assert "Kadhimi" in db.execute("SELECT aliases FROM entities WHERE id='mustafa-kadhimi'").fetchone()[0]


def test_entity_rows_link_to_existing_pages(site):
    out, _ = site
    for e in load(out, "entities"):
        if e["page"]:
            assert (out / e["page"]).is_file(), e
    for a in load(out, "articles"):
        assert (out / a["page"]).is_file()


def test_data_page_links_every_file(site):
    out, _ = site
    html = (out / "data" / "index.html").read_text(encoding="utf-8")
    for table in SCHEMA:
        assert f'href="{table}.csv"' in html and f'href="{table}.json"' in html
    assert 'href="archive.sqlite"' in html
