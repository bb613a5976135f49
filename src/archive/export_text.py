"""data/<table>.json and data/<table>.csv, made from fragments: each group of rows
(export_rows.py, one article) is encoded once, and an unchanged group's bytes are copied from
the previous build's file (export_state.py) instead of being encoded again.

The bytes are those of the original writer: JSON is `[`, one row object per line (the encoding
of json.dumps(row, ensure_ascii=False)) separated by `,` line ends, `]`; CSV is UTF-8 with a
byte-order mark (Excel otherwise opens UTF-8 CSV as Latin-1 and mangles Arabic names), a header
line and csv.writer's rows.
"""
from __future__ import annotations

import csv
import io
import json
from json.encoder import encode_basestring
from pathlib import Path

from archive.export_rows import Rows, flat
from archive.export_state import PER_GROUP, Previous

_ROW_ENCODER = json.JSONEncoder(ensure_ascii=False)


def _row_formatter(columns: list[str], kinds: list[str]):
    """A function row tuple → the JSON object text json.dumps(dict(zip(columns, row)),
    ensure_ascii=False) gives, about twice as fast for rows of strings, ints and None. It
    raises TypeError (a string column) or KeyError (an integer column: only exact ints, not
    booleans or floats) for any other value, and the caller then uses the json module."""
    parts = []
    for i, (col, kind) in enumerate(zip(columns, kinds)):
        name = encode_basestring(col)
        if kind == "TEXT":
            value = f'("null" if v[{i}] is None else _s(v[{i}]))'
        elif kind == "INTEGER":
            value = f'("null" if v[{i}] is None else _i[v[{i}].__class__](v[{i}]))'
        else:  # a list column: the json module
            value = f'_j(v[{i}])'
        parts.append(f'{name!r} + ": " + {value}')
    src = "lambda v: '{' + " + " + ', ' + ".join(parts) + " + '}'"
    return eval(src, {"_s": encode_basestring, "_i": {int: int.__repr__}, "_j": _ROW_ENCODER.encode})  # built from SCHEMA's names


class _Encoder:
    """Rows of one table → JSON lines and CSV text, each ending with its separator."""

    def __init__(self, table: str, schema):
        self.table = table
        self.columns = [c for c, _, _ in schema]
        kinds = [t if (table, c) not in _LISTS else "LIST" for c, t, _ in schema]
        self.fast = _row_formatter(self.columns, kinds) if table not in _BOOLEANS else None  # always falls back
        # csv.writer writes each row with one call: to a list, so that a group's text is a join
        self.lines: list[str] = []
        self.csv = csv.writer(_Lines(self.lines))

    def json(self, rows: list[tuple]) -> bytes:
        try:
            if self.fast is None:
                raise TypeError
            lines = [self.fast(r) for r in rows]
        except (TypeError, KeyError):
            lines = [_ROW_ENCODER.encode(dict(zip(self.columns, r))) for r in rows]
        return "".join([line + ",\n" for line in lines]).encode("utf-8")

    def csv_text(self, rows: list[tuple]) -> bytes:
        self.lines.clear()
        self.csv.writerows([flat(self.table, r) for r in rows])
        return "".join(self.lines).encode("utf-8")


class _Lines:
    def __init__(self, lines: list):
        self.write = lines.append


_LISTS = {("articles", "tags"), ("entities", "aliases"), ("entities", "participants")}
_BOOLEANS = {"entities"}  # tables with a boolean column (in_registry)


def _header(schema) -> bytes:
    buf = io.StringIO()
    csv.writer(buf).writerow([c for c, _, _ in schema])
    return "\ufeff".encode("utf-8") + buf.getvalue().encode("utf-8")


def _write_json(path: Path, pieces: list) -> None:
    pieces = [p for p in pieces if len(p)]
    with open(path, "wb") as fh:
        if pieces:
            pieces[-1] = memoryview(pieces[-1])[:-2]  # the last row's ",\n" becomes "\n]\n"
            fh.write(b"[\n")
            fh.writelines(pieces)  # no join: the pieces are mostly views of the previous file
            fh.write(b"\n]\n")
        else:
            fh.write(b"[]\n")


def _write_csv(path: Path, header: bytes, pieces: list) -> None:
    with open(path, "wb") as fh:
        fh.write(header)
        fh.writelines(pieces)


def _old_body(prev: Previous, name: str, fmt: str, header: bytes) -> memoryview | None:
    """The previous file's rows as one run of fragments (each ending with its separator)."""
    path = prev.file(name)
    if path is None:
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if fmt == "json":
        if data == b"[]\n":
            return memoryview(b"")
        if not (data.startswith(b"[\n") and data.endswith(b"\n]\n")):
            return None
        return memoryview(data)[2:]  # the last fragment ends "\n]" here, not ",\n": see _slice
    if not data.startswith(header):
        return None
    return memoryview(data)[len(header):]


def write_text_tables(rows: Rows, folder: Path, schema: dict, prev: Previous | None = None,
                      keys: dict[str, str] | None = None, link=None) -> list:
    """Write every table as JSON and CSV into `folder`; return the groups' record for
    export_state ([(key, counts, json lengths, csv lengths)]). `keys` are the files' keys;
    `link(rel, key)` carries an unchanged file over from the previous site (render.Reuse)."""
    prev = prev or Previous(None, None, None)
    keys = keys or {}
    record_json = [[0] * len(PER_GROUP) for _ in rows.groups]
    record_csv = [[0] * len(PER_GROUP) for _ in rows.groups]
    for t, table in enumerate(PER_GROUP):
        enc = _Encoder(table, schema[table])
        header = _header(schema[table])
        for fmt in ("json", "csv"):
            name = f"{table}.{fmt}"
            record = record_json if fmt == "json" else record_csv
            carried = link is not None and link(f"data/{name}", keys.get(f"data/{name}"))
            old = _old_body(prev, name, fmt, header)
            starts = prev.starts(table, fmt) if old is not None else None
            pieces = []
            for k, g in enumerate(rows.groups):
                known = prev.groups.get(g.key) if old is not None else None
                if known is not None:
                    pos = known[3]
                    a, b = starts[pos], starts[pos + 1]
                    if fmt == "json" and b == starts[-1] and b > a:  # the file's last row
                        piece = bytes(old[a:b - 2]) + b",\n"
                    else:
                        piece = old[a:b]
                else:
                    group_rows = getattr(g, table)
                    piece = enc.json(group_rows) if fmt == "json" else enc.csv_text(group_rows)
                record[k][t] = len(piece)
                pieces.append(piece)
            if carried:
                continue
            if fmt == "json":
                _write_json(folder / name, pieces)
            else:
                _write_csv(folder / name, header, pieces)
    for table in ("entities", "roles", "comentions"):
        enc = _Encoder(table, schema[table])
        for fmt in ("json", "csv"):
            name = f"{table}.{fmt}"
            if link is not None and link(f"data/{name}", keys.get(f"data/{name}")):
                continue
            if fmt == "json":
                _write_json(folder / name, [enc.json(rows.table(table))])
            else:
                _write_csv(folder / name, _header(schema[table]), [enc.csv_text(rows.table(table))])
    return [(g.key, tuple(g.count(t) for t in PER_GROUP), tuple(j), tuple(c))
            for g, j, c in zip(rows.groups, record_json, record_csv)]
