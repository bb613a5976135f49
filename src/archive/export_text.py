"""data/<table>.json and data/<table>.csv, made from fragments: each group of rows
(export_rows.py, one article) is encoded once, and an unchanged group's bytes are copied from
the previous build's file (export_state.py) instead of being encoded again: runs of them by
the kernel (`os.copy_file_range`), without reading them into this process (140 MB at 10,000
articles: 0.05 s instead of 0.25 s to read and write them).

The bytes are those of the original writer: JSON is `[`, one row object per line (the encoding
of json.dumps(row, ensure_ascii=False)) separated by `,` line ends, `]`; CSV is UTF-8 with a
byte-order mark (Excel otherwise opens UTF-8 CSV as Latin-1 and mangles Arabic names), a header
line and csv.writer's rows.
"""
from __future__ import annotations

import csv
import io
import json
import os
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


class _Old:
    """The previous build's file of a table: its rows start at `base`, and `fd` is open on it
    for `_Writer` to copy runs of them."""

    def __init__(self, path: Path, base: int, size: int):
        self.path, self.base, self.size = path, base, size
        self.fd = os.open(path, os.O_RDONLY)

    def close(self) -> None:
        os.close(self.fd)


class _Writer:
    """Writes a file from bytes and (offset, length) runs of an `_Old` file, joining adjacent
    runs and copying each in the kernel where it can (else read and written here)."""

    def __init__(self, path: Path, old: _Old | None):
        self.fh = open(path, "wb")
        self.old = old
        self.run: list[int] | None = None  # [offset, length] not copied yet

    def write(self, data) -> None:
        self._flush_run()
        self.fh.write(data)

    def copy(self, offset: int, length: int) -> None:
        if self.run is not None and self.run[0] + self.run[1] == offset:
            self.run[1] += length
        else:
            self._flush_run()
            self.run = [offset, length]

    def _flush_run(self) -> None:
        if self.run is None:
            return
        offset, length = self.run
        self.run = None
        self.fh.flush()
        src, dst = self.old.fd, self.fh.fileno()
        try:
            while length:
                n = os.copy_file_range(src, dst, length, offset)
                if n == 0:
                    raise OSError("the previous file ended early")
                offset, length = offset + n, length - n
            return
        except (AttributeError, OSError):  # no copy_file_range (Python, OS or file system)
            pass
        self.fh.seek(0, os.SEEK_END)
        self.fh.write(os.pread(src, length, offset))

    def close(self) -> None:
        self._flush_run()
        self.fh.close()


def _write_pieces(path: Path, head: bytes, pieces: list, tail: bytes, old: _Old | None) -> None:
    """head, each piece (bytes, or (offset, length) of `old`), tail."""
    out = _Writer(path, old)
    try:
        out.write(head)
        for piece in pieces:
            if type(piece) is tuple:
                out.copy(*piece)
            else:
                out.write(piece)
        out.write(tail)
    finally:
        out.close()


def _write_json(path: Path, pieces: list) -> None:
    _write_json_pieces(path, [p for p in pieces if len(p)], None)


def _write_json_pieces(path: Path, pieces: list, old: _Old | None) -> None:
    """`_write_json` for non-empty pieces that may be runs of `old`: the last row's ",\n"
    (the end of the last piece) becomes "\n]\n"."""
    if not pieces:
        path.write_bytes(b"[]\n")
        return
    last = pieces[-1]
    if type(last) is tuple:
        pieces[-1] = (last[0], last[1] - 2)
    else:
        pieces[-1] = memoryview(last)[:-2]
    _write_pieces(path, b"[\n", pieces, b"\n]\n", old)


def _write_csv(path: Path, header: bytes, pieces: list) -> None:
    _write_pieces(path, header, pieces, b"", None)


def _old_file(prev: Previous, name: str, fmt: str, header: bytes, rows_end: int) -> _Old | None:
    """The previous file, if it has the shape of what this module writes and holds the rows
    its record says (`rows_end`: their length): JSON `[` line, fragments, `]` line (its last
    fragment ends "\n]" there, not ",\n"); CSV header, fragments."""
    path = prev.file(name)
    if path is None:
        return None
    try:
        old = _Old(path, 2 if fmt == "json" else len(header), os.path.getsize(path))
    except OSError:
        return None
    try:
        if fmt == "json":
            if old.size == 3 and os.pread(old.fd, 3, 0) == b"[]\n" and rows_end == 0:
                old.base = old.size
                return old
            fits = os.pread(old.fd, 2, 0) == b"[\n" and os.pread(old.fd, 3, old.size - 3) == b"\n]\n" \
                and old.size == old.base + rows_end + 1  # the last fragment's ",\n" is "\n]\n" there
        else:
            fits = os.pread(old.fd, len(header), 0) == header and old.size == old.base + rows_end
    except OSError:
        fits = False
    if not fits:
        old.close()
        return None
    return old


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
            starts = prev.starts(table, fmt) if prev.groups else None
            old = _old_file(prev, name, fmt, header, starts[-1]) if starts is not None else None
            try:
                pieces = []
                for k, g in enumerate(rows.groups):
                    known = prev.groups.get(g.key) if old is not None else None
                    if known is not None:
                        pos = known[3]
                        a, b = starts[pos], starts[pos + 1]
                        record[k][t] = b - a
                        if b == a:
                            continue
                        if fmt == "json" and b == starts[-1]:  # the file's last row: "\n]" there
                            pieces += [(old.base + a, b - a - 2), b",\n"]
                        else:
                            pieces.append((old.base + a, b - a))
                    else:
                        group_rows = getattr(g, table)
                        piece = enc.json(group_rows) if fmt == "json" else enc.csv_text(group_rows)
                        record[k][t] = len(piece)
                        if piece:
                            pieces.append(piece)
                if carried:
                    continue
                if fmt == "json":
                    _write_json_pieces(folder / name, pieces, old)
                else:
                    _write_pieces(folder / name, header, pieces, b"", old)
            finally:
                if old is not None:
                    old.close()
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
