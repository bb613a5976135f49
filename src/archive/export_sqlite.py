"""data/archive.sqlite: every table, foreign keys and indexes, and a `meta` table.

The file is a function of the rows alone: it is always made by the same sequence of
operations (tables in SCHEMA order, each filled in row order, then the indexes), and SQLite
lays out pages deterministically for a given sequence. An incremental build keeps that
sequence and only changes where rows come from: the rows of unchanged articles are copied by
SQLite itself (`INSERT … SELECT` over a rowid range of the previous build's file, attached
read-only), the rest are inserted from Python. The rowids, the row order, every page and so
the bytes are those of a clean build (tests/test_exports_incremental.py checks it).

No VACUUM: a new file written in one transaction with the journal off has no free pages, and
VACUUM (a copy of the whole file, a quarter of the time) would only repack the primary-key
indexes. Foreign keys are declared but not enforced while loading (the rows come from one
resolved index; the tests run `PRAGMA foreign_key_check`), which makes no difference to the
file.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from archive.export_rows import Rows, flat
from archive.export_state import PER_GROUP, Previous


def _create(con, name: str, cols) -> str:
    defs = ", ".join(f'"{c}" {t} {k}'.strip() for c, t, k in cols)
    con.execute(f"CREATE TABLE main.{name} ({defs})")
    return f"INSERT INTO main.{name} VALUES ({', '.join('?' for _ in cols)})"


def write_sqlite(rows: Rows, path: Path, meta: dict[str, str], schema: dict, indexes,
                 prev: Previous | None = None) -> None:
    old = prev.file("archive.sqlite") if prev is not None and prev.groups else None
    if old is not None:
        try:
            _write(rows, path, meta, schema, indexes, prev, old)
            return
        except sqlite3.Error:
            pass  # e.g. the previous file is not what its record says: make it from scratch
    _write(rows, path, meta, schema, indexes, None, None)


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
