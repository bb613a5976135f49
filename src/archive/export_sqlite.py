"""data/archive.sqlite: every table, foreign keys and indexes, and a `meta` table.

A clean build makes the file by one sequence of operations (tables in SCHEMA order, each
filled in row order, then the indexes), so two clean builds of the same articles give the
same bytes.

An incremental build patches a copy of the previous build's file instead (`_patch`): the rows
of the articles that changed, were added or are gone are deleted and inserted, and the small
tables (meta, entities, roles, co-mentions) are refilled. Remaking the whole file took 0.65 s
at 10,000 articles (mostly the 230,000 mention rows and their indexes), on the path that a
build adding one article waits on; the copy and the patch take ~0.05 s. The patched file
holds the same schema, indexes and rows as a clean build's (tests/test_exports_incremental.py
checks it), but not the same bytes: an added article's rows come last in rowid order, so a
query that needs an order must say so (ORDER BY), as SQL always required. When the patched
file's free pages would reach a quarter of it, when half the articles or more changed, or
when anything is not what the previous build's record says, the file is made whole, as before: the rows of unchanged
articles copied by SQLite itself (`INSERT … SELECT` over a rowid range of the previous file,
attached read-only), the rest inserted from Python. Only a previous file that was itself made
whole is copied from by rowid range: a patched file's rowids are not in its articles' order,
and every row then comes from Python. The file says which it is, in its header's
`user_version` (ROWS_IN_ORDER or 0), not in the record: the record is one per archive, and
the previous file may be another output folder's.

No VACUUM: a new file written in one transaction with the journal off has no free pages, and
VACUUM (a copy of the whole file, a quarter of the time) would only repack the primary-key
indexes. Foreign keys are declared but not enforced while loading (the rows come from one
resolved index; the tests run `PRAGMA foreign_key_check`), which makes no difference to the
file.
"""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from archive.export_rows import Rows, flat
from archive.export_state import PER_GROUP, Previous


def _create(con, name: str, cols) -> str:
    defs = ", ".join(f'"{c}" {t} {k}'.strip() for c, t, k in cols)
    con.execute(f"CREATE TABLE main.{name} ({defs})")
    return _insert(name, cols)


def _insert(name: str, cols) -> str:
    return f"INSERT INTO main.{name} VALUES ({', '.join('?' for _ in cols)})"


# A patched file is made whole again once its free pages reach this share of it.
MAX_FREE = 0.25
# PRAGMA user_version of a file made whole, whose rowids follow its groups' order; a patched
# file has 0 (as has any file written before this mark existed).
ROWS_IN_ORDER = 1


def write_sqlite(rows: Rows, path: Path, meta: dict[str, str], schema: dict, indexes,
                 prev: Previous | None = None) -> None:
    old = prev.file("archive.sqlite") if prev is not None and prev.groups else None
    if old is not None:
        try:
            if _patch(rows, path, meta, schema, prev, old):
                return
        except sqlite3.Error:
            pass  # e.g. the previous file is not what its record says: made whole below
        try:
            if _rows_in_order(old):
                _write(rows, path, meta, schema, indexes, prev, old)
                return
        except sqlite3.Error:
            pass  # likewise: make it from scratch
    _write(rows, path, meta, schema, indexes, None, None)


def _rows_in_order(path: Path) -> bool:
    """Was `path` made whole (its rowids in its groups' order), not patched?"""
    con = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        return con.execute("PRAGMA user_version").fetchone()[0] == ROWS_IN_ORDER
    finally:
        con.close()


def _patch(rows: Rows, path: Path, meta, schema, prev: Previous, old: Path) -> bool:
    """Make `path` a copy of the previous file `old` with this build's rows: those of the
    articles whose group is not in the previous record (added or changed) inserted, those of
    articles changed or gone deleted, and the tables not grouped by article refilled. False
    (and no file) when it cannot be patched, when half the articles or more changed, or when
    it would keep too many free pages."""
    if any(g.id is None for g in rows.groups):
        return False  # an irregular archive's single group: no article to delete by
    fresh = [g for g in rows.groups if g.key not in prev.groups]
    if 2 * len(fresh) > len(rows.groups):
        return False  # (decided before copying the file; the articles gone are counted below)
    path.unlink(missing_ok=True)
    shutil.copyfile(old, path)  # in the kernel where it can (copy_file_range)
    con = sqlite3.connect(path, isolation_level=None)
    try:
        con.execute("PRAGMA journal_mode = OFF")
        con.execute("PRAGMA synchronous = OFF")
        con.execute("BEGIN")
        con.execute("PRAGMA main.user_version = 0")  # rows no longer in their groups' order
        now = {g.id for g in rows.groups}
        stale = [(aid,) for aid in sorted({aid for (aid,) in con.execute("SELECT id FROM main.articles")} - now)]
        if 2 * (len(fresh) + len(stale)) > len(rows.groups):
            # most rows change (another output folder's keys, a re-resolved archive): made
            # whole instead, as fast then, and a clean build's bytes
            con.close()
            path.unlink()
            return False
        stale += [(g.id,) for g in fresh]
        for table in PER_GROUP:
            column = "id" if table == "articles" else "article"
            con.executemany(f'DELETE FROM main.{table} WHERE "{column}" = ?', stale)
            con.executemany(_insert(table, schema[table]), [flat(table, r) for g in fresh for r in getattr(g, table)])
            expected = sum(g.count(table) for g in rows.groups)
            if con.execute(f"SELECT count(*) FROM main.{table}").fetchone()[0] != expected:
                raise sqlite3.DatabaseError(f"{table}: the previous file's rows are not what its record says")
        con.execute("DELETE FROM main.meta")
        con.executemany("INSERT INTO main.meta VALUES (?, ?)", sorted(meta.items()))
        for name in schema:
            if name not in PER_GROUP:
                con.execute(f"DELETE FROM main.{name}")
                con.executemany(_insert(name, schema[name]), [flat(name, r) for r in rows.table(name)])
        con.execute("COMMIT")
        free, pages = con.execute("PRAGMA freelist_count").fetchone()[0], con.execute("PRAGMA page_count").fetchone()[0]
    except BaseException:
        con.close()
        path.unlink(missing_ok=True)
        raise
    con.close()
    if free > MAX_FREE * pages:
        path.unlink()
        return False
    return True


def _write(rows: Rows, path: Path, meta, schema, indexes, prev: Previous | None, old: Path | None) -> None:
    path.unlink(missing_ok=True)
    con = sqlite3.connect(path, isolation_level=None)
    try:
        # A new file that is published only if the whole build succeeds: no journal, no fsync.
        # (Neither is recorded in the file: the bytes are the same.)
        con.execute("PRAGMA journal_mode = OFF")
        con.execute("PRAGMA synchronous = OFF")
        if old is not None:
            con.execute("ATTACH DATABASE ? AS old", (old.resolve().as_uri() + "?mode=ro&immutable=1",))
        con.execute("BEGIN")
        con.execute(f"PRAGMA main.user_version = {ROWS_IN_ORDER}")
        insert = _create(con, "meta", [("key", "TEXT", "PRIMARY KEY"), ("value", "TEXT", "")])
        con.executemany(insert, sorted(meta.items()))
        for name, cols in schema.items():  # parents before children, as the foreign keys need
            insert = _create(con, name, cols)
            if name in PER_GROUP:
                _fill(con, name, insert, rows, prev if old is not None else None)
            else:
                con.executemany(insert, [flat(name, r) for r in rows.table(name)])
        for table, col in indexes:
            con.execute(f"CREATE INDEX main.idx_{table}_{col} ON {table}({col})")
        con.execute("COMMIT")
        if old is not None:
            con.execute("DETACH DATABASE old")
    except BaseException:
        con.close()
        path.unlink(missing_ok=True)
        raise
    con.close()


def _fill(con, table: str, insert: str, rows: Rows, prev: Previous | None) -> None:
    """The table's rows in group order: runs of unchanged groups copied from the previous
    file by rowid range (its rowids are 1… in its own group order), the rest from Python."""
    starts = prev.starts(table) if prev is not None else None
    t = PER_GROUP.index(table)
    fresh: list[tuple] = []
    run = None  # [first old rowid, last old rowid] of the pending copy

    def flush_fresh():
        if fresh:
            con.executemany(insert, fresh)
            fresh.clear()

    def flush_run():
        nonlocal run
        if run is not None:
            con.execute(f"INSERT INTO main.{table} SELECT * FROM old.{table} WHERE rowid BETWEEN ? AND ? ORDER BY rowid", run)
            run = None

    for g in rows.groups:
        known = prev.groups.get(g.key) if prev is not None else None
        if known is None:
            flush_run()
            fresh.extend(flat(table, r) for r in getattr(g, table))
            continue
        n = known[0][t]
        if not n:
            continue
        first = starts[known[3]] + 1
        flush_fresh()
        if run is not None and run[1] + 1 == first:
            run[1] = first + n - 1
        else:
            flush_run()
            run = [first, first + n - 1]
    flush_run()
    flush_fresh()
    if prev is None:
        return
    expected = sum(g.count(table) for g in rows.groups)
    if con.execute(f"SELECT coalesce(max(rowid), 0) = count(*) AND count(*) = ? FROM main.{table}",
                   (expected,)).fetchone()[0] != 1:
        raise sqlite3.DatabaseError(f"{table}: the previous file's rows are not what its record says")
