"""Incremental data exports: a build that copies unchanged articles' rows from the previous
build's data/ files gives the bytes of a clean build, after adding, changing and removing an
article, and never copies from a file that is not what its record says."""
from __future__ import annotations

import json
import sqlite3
import xml.etree.ElementTree as ET

import pytest

from issue6_site import write_archive

import archive.build as build_mod
import archive.export_sqlite as export_sqlite
import archive.export_text as export_text
from archive.build import build
from archive.config import load_config
from archive.export_rows import export_rows, flat
from archive.exports import SCHEMA, tables
from archive.svg import graphml, network_json
from test_cache import sqlite_content

EXTRA = """---
title: "Envoys {n} return to Baghdad"
date: 2021-06-{day:02d}
source: Test Wire
---

Mustafa Kadhimi met envoys {n} in Baghdad. "We will talk again," Kadhimi said.

Kata'ib Hezbollah said nothing about round {n}.
"""


def data_bytes(out):
    """The data files' bytes, the SQLite file's content (test_cache.sqlite_content: a patched
    file holds a clean build's rows, not its bytes)."""
    return {p.name: sqlite_content(p) if p.suffix == ".sqlite" else p.read_bytes()
            for p in sorted((out / "data").iterdir()) if p.name != "index.html"}


def clean_data(root, tmp_path, name):
    out = tmp_path / name
    build(load_config(root, {"output": str(out)}), jobs=1, use_cache=False)
    return data_bytes(out)


@pytest.fixture
def spy(monkeypatch):
    """Counts the groups (articles) whose rows were encoded, and how the SQLite file was made."""
    seen = {"encoded": 0, "sqlite": []}
    json_rows = export_text._Encoder.json

    def counting(self, rows):
        if self.table == "articles":
            seen["encoded"] += 1
        return json_rows(self, rows)

    write, patch = export_sqlite._write, export_sqlite._patch

    def recording(rows, path, meta, schema, indexes, prev, old):
        seen["sqlite"].append("copied" if old is not None else "fresh")
        return write(rows, path, meta, schema, indexes, prev, old)

    def patching(rows, path, meta, schema, prev, old):
        done = patch(rows, path, meta, schema, prev, old)
        if done:
            seen["sqlite"].append("patched")
        return done

    monkeypatch.setattr(export_text._Encoder, "json", counting)
    monkeypatch.setattr(export_sqlite, "_write", recording)
    monkeypatch.setattr(export_sqlite, "_patch", patching)
    return seen


def test_add_change_remove_equal_a_clean_build(tmp_path, spy):
    root = write_archive(tmp_path / "arch")
    for n in range(1, 6):
        (root / "articles" / f"2021-06-{n:02d}-envoys.md").write_text(EXTRA.format(n=n, day=n), encoding="utf-8")
    config = load_config(root)
    build(config, jobs=1)
    assert spy["sqlite"] == ["fresh"]
    total = spy["encoded"]
    assert total == 8  # every article, once

    steps = [
        ("add", lambda: (root / "articles" / "2021-06-20-envoys.md").write_text(EXTRA.format(n=20, day=20), encoding="utf-8")),
        ("change", lambda: (root / "articles" / "2021-06-03-envoys.md").write_text(
            EXTRA.format(n=3, day=3).replace("nothing", "little"), encoding="utf-8")),
        ("remove", lambda: (root / "articles" / "2021-06-02-envoys.md").unlink()),
    ]
    for name, change in steps:
        spy["encoded"], spy["sqlite"] = 0, []
        change()
        build(config, jobs=1)
        assert spy["sqlite"] == ["patched"], name
        # only articles whose rows changed are encoded: the new or edited one, and here one more
        # whose mention of "envoys" resolves differently once another article names them
        assert spy["encoded"] <= 2, name
        assert data_bytes(config.output_dir) == clean_data(root, tmp_path, f"clean-{name}"), name
        db = sqlite3.connect(config.output_dir / "data" / "archive.sqlite")
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        db.close()


def test_a_file_with_too_many_free_pages_is_made_whole_as_a_clean_build(tmp_path, spy, monkeypatch):
    """Past MAX_FREE the patched file is dropped and made whole, copying unchanged rows from
    the previous file: then its bytes, not only its rows, are a clean build's."""
    root = write_archive(tmp_path / "arch")
    config = load_config(root)
    build(config, jobs=1)
    monkeypatch.setattr(export_sqlite, "MAX_FREE", -1.0)  # any patched file has too many
    (root / "articles" / "2021-06-20-envoys.md").write_text(EXTRA.format(n=20, day=20), encoding="utf-8")
    spy["sqlite"] = []
    build(config, jobs=1)
    assert spy["sqlite"] == ["copied"]
    clean = tmp_path / "clean"
    build(load_config(root, {"output": str(clean)}), jobs=1, use_cache=False)
    assert (config.output_dir / "data/archive.sqlite").read_bytes() == (clean / "data/archive.sqlite").read_bytes()


def test_a_file_most_of_whose_articles_changed_is_made_whole(tmp_path, spy):
    """Removing most of the articles (which would free most pages): the file is made whole."""
    root = write_archive(tmp_path / "arch")
    for n in range(1, 13):
        (root / "articles" / f"2021-06-{n:02d}-envoys.md").write_text(EXTRA.format(n=n, day=n) * 20, encoding="utf-8")
    config = load_config(root)
    build(config, jobs=1)
    for n in range(1, 12):
        (root / "articles" / f"2021-06-{n:02d}-envoys.md").unlink()
    spy["sqlite"] = []
    build(config, jobs=1)
    assert spy["sqlite"] == ["copied"]
    db = sqlite3.connect(config.output_dir / "data" / "archive.sqlite")
    assert db.execute("PRAGMA freelist_count").fetchone() == (0,)
    db.close()
    assert data_bytes(config.output_dir) == clean_data(root, tmp_path, "clean")


def test_a_patched_file_is_never_copied_from_by_rowid(tmp_path, spy, monkeypatch):
    """A patched file has an added article's rows last, not in its articles' order: made
    whole after it, the file takes every row from Python; made whole after a whole file, it
    copies rowid ranges again. (Found by test_incremental_sequences: rows of an article just
    removed were copied in place of another's, with the same row counts.)"""
    root = write_archive(tmp_path / "arch")
    config = load_config(root)
    build(config, jobs=1)
    newest = root / "articles" / "2021-06-20-envoys.md"
    assert sqlite_after(spy, config, newest, EXTRA.format(n=20, day=20)) == ["patched"]  # its rows come last
    monkeypatch.setattr(export_sqlite, "MAX_FREE", -1.0)  # any patch is dropped: made whole
    assert sqlite_after(spy, config, newest, EXTRA.format(n=21, day=20)) == ["fresh"]
    assert data_bytes(config.output_dir) == clean_data(root, tmp_path, "clean-1")
    assert sqlite_after(spy, config, newest, EXTRA.format(n=22, day=20)) == ["copied"]  # from a file made whole
    assert data_bytes(config.output_dir) == clean_data(root, tmp_path, "clean-2")


def test_the_file_says_whether_its_rows_are_in_order(tmp_path):
    """A file made whole marks itself (PRAGMA user_version), a patched one unmarks itself: the
    mark travels with the file, whichever output folder or store entry it is copied from."""
    root = write_archive(tmp_path / "arch")
    config = load_config(root)
    build(config, jobs=1)
    db = config.output_dir / "data" / "archive.sqlite"
    assert export_sqlite._rows_in_order(db)
    (root / "articles" / "2021-06-20-envoys.md").write_text(EXTRA.format(n=20, day=20), encoding="utf-8")
    build(config, jobs=1)
    assert not export_sqlite._rows_in_order(db)


def sqlite_after(spy, config, article, text: str) -> list[str]:
    """How the SQLite file was made by a build after writing `text` to `article`."""
    article.write_text(text, encoding="utf-8")
    spy["sqlite"] = []
    build(config, jobs=1)
    return spy["sqlite"]


def test_a_hand_edited_data_file_is_never_copied_from(tmp_path, spy):
    """An edit to the site's data files (through the page store's hard link to them, too)
    changes their modification time: neither is copied from, the rows are made afresh."""
    root = write_archive(tmp_path / "arch")
    config = load_config(root)
    build(config, jobs=1)
    mentions = config.output_dir / "data" / "mentions.json"
    rows = json.loads(mentions.read_text(encoding="utf-8"))
    rows[0]["text"] = "tampered"
    mentions.write_text("[\n" + ",\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n]\n", encoding="utf-8")
    db = sqlite3.connect(config.output_dir / "data" / "archive.sqlite")
    db.execute("UPDATE mentions SET text = 'tampered'")
    db.commit()
    db.close()
    assert sqlite_after(spy, config, root / "articles" / "2021-06-20-envoys.md", EXTRA.format(n=20, day=20)) == ["fresh"]
    assert data_bytes(config.output_dir) == clean_data(root, tmp_path, "clean")
    # the next build copies from this one's files again
    assert sqlite_after(spy, config, root / "articles" / "2021-06-21-envoys.md", EXTRA.format(n=21, day=21)) == ["patched"]
    assert data_bytes(config.output_dir) == clean_data(root, tmp_path, "clean2")


def test_a_corrupt_record_means_a_fresh_build(tmp_path):
    root = write_archive(tmp_path / "arch")
    config = load_config(root)
    build(config, jobs=1)
    for record in (root / ".archive-cache").rglob("exports/*.pickle"):
        record.write_bytes(b"not a pickle")
    (root / "articles" / "2021-06-20-envoys.md").write_text(EXTRA.format(n=20, day=20), encoding="utf-8")
    build(config, jobs=1)
    assert data_bytes(config.output_dir) == clean_data(root, tmp_path, "clean")


def test_parallel_build_writes_the_same_data(tmp_path):
    root = write_archive(tmp_path / "arch")
    build(load_config(root), jobs=2)
    (root / "articles" / "2021-06-20-envoys.md").write_text(EXTRA.format(n=20, day=20), encoding="utf-8")
    build(load_config(root), jobs=2)
    assert data_bytes(root / "build") == clean_data(root, tmp_path, "clean")


def test_rows_equal_the_reference_tables(tmp_path, monkeypatch):
    seen = {}
    prepare = build_mod.SiteFinish.prepare

    def capture(self, *args, **kwargs):
        seen["archive"] = self.archive
        return prepare(self, *args, **kwargs)

    monkeypatch.setattr(build_mod.SiteFinish, "prepare", capture)
    root = write_archive(tmp_path / "arch")
    build(load_config(root), jobs=1)
    archive = seen["archive"]
    rows, ref = export_rows(archive), tables(archive)
    for table in SCHEMA:
        assert [tuple(r.values()) for r in ref[table]] == rows.table(table), table
        assert all(flat(table, r) == tuple(int(v) if isinstance(v, bool) else "; ".join(v) if isinstance(v, list) else v
                                            for v in r) for r in rows.table(table)), table
    # quotes not in article order (build_index never makes that): one group, the archive's order
    archive.quotes.reverse()
    rows, ref = export_rows(archive), tables(archive)
    assert len(rows.groups) == 1
    for table in SCHEMA:
        assert [tuple(r.values()) for r in ref[table]] == rows.table(table), table


HOSTILE = ["", "plain", 'quote " and \\ backslash', "}, {\"id\": \"x\"", "line\nbreak\ttab\r", "<&>", "Kata’ib ☃ 𝄞",
           "\x00\x1f control", "ünïcödé"]


def test_fast_json_rows_equal_the_json_module():
    cols = [("id", "TEXT", ""), ("n", "INTEGER", ""), ("text", "TEXT", "")]
    enc = export_text._Encoder("mentions", cols)
    rows = [(s, n, t) for s in HOSTILE for n, t in ((0, None), (-3, s), (None, "x"), (10**20, s))]
    assert enc.json(rows) == "".join(json.dumps({"id": a, "n": b, "text": c}, ensure_ascii=False) + ",\n"
                                     for a, b, c in rows).encode()
    for odd in [("a", 1.5, "b"), ("a", True, "b"), (3, 1, "b")]:  # not str/int/None: the json module
        assert enc.json([odd]) == (json.dumps(dict(zip(["id", "n", "text"], odd)), ensure_ascii=False) + ",\n").encode()


def _graphml_reference(data: dict) -> bytes:
    """The ElementTree writer graphml() replaced."""
    root = ET.Element("graphml", xmlns="http://graphml.graphdrawing.org/xmlns")
    keys = [("name", "node", "string"), ("type", "node", "string"), ("mentions", "node", "int"),
            ("articles", "node", "int"), ("page", "node", "string"), ("weight", "edge", "int")]
    for name, kind, typ in keys:
        ET.SubElement(root, "key", {"id": name, "for": kind, "attr.name": name, "attr.type": typ})
    graph = ET.SubElement(root, "graph", {"id": "comentions", "edgedefault": "undirected"})
    for node in data["nodes"]:
        el = ET.SubElement(graph, "node", {"id": node["id"]})
        for name, kind, _ in keys:
            if kind == "node":
                ET.SubElement(el, "data", {"key": name}).text = str(node[name])
    for i, link in enumerate(data["links"]):
        el = ET.SubElement(graph, "edge", {"id": f"e{i}", "source": link["source"], "target": link["target"]})
        ET.SubElement(el, "data", {"key": "weight"}).text = str(link["weight"])
    ET.indent(root, space=" ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


@pytest.mark.parametrize("n", [0, 1, 3])
def test_network_writers_equal_the_json_module_and_elementtree(n):
    nodes = [{"id": f"e{k}{s}", "name": s, "type": "actor", "mentions": k, "articles": 1, "page": f"actors/{k}.html"}
             for k, s in enumerate(HOSTILE[:n * 3])]
    links = [{"source": a["id"], "target": b["id"], "weight": 2} for a, b in zip(nodes, nodes[1:])]
    data = {"directed": False, "multigraph": False, "graph": {"description": "d"}, "nodes": nodes, "links": links}
    assert network_json(data) == json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    clean = [dict(x, name=x["name"].replace("\x00", "").replace("\x1f", "").replace("\r", "")) for x in nodes]
    data = dict(data, nodes=clean)
    assert graphml(data) == _graphml_reference(data)


def test_a_build_into_an_empty_output_copies_from_the_cache(tmp_path, spy):
    """A warm cache without the previous site (a fresh clone's CI, `rm -r build`): the rows are
    copied from the page store's entries of the last build's data files."""
    import shutil

    root = write_archive(tmp_path / "arch")
    config = load_config(root)
    build(config, jobs=1)
    shutil.rmtree(config.output_dir)
    (root / "articles" / "2021-06-20-envoys.md").write_text(EXTRA.format(n=20, day=20), encoding="utf-8")
    spy["encoded"], spy["sqlite"] = 0, []
    build(config, jobs=1)
    assert spy["sqlite"] == ["patched"]
    assert spy["encoded"] <= 2
    assert data_bytes(config.output_dir) == clean_data(root, tmp_path, "clean")


def test_copies_left_by_earlier_versions_are_removed(tmp_path):
    """Earlier versions kept a copy of data/ in the cache (export_state.drop_old_copies)."""
    from archive.export_state import state_path

    root = write_archive(tmp_path / "arch")
    config = load_config(root)
    build(config, jobs=1)
    old = state_path(root / ".archive-cache").with_suffix("")
    old.mkdir(parents=True)
    (old / "mentions.json").write_text("[]\n", encoding="utf-8")
    (root / "articles" / "2021-06-20-envoys.md").write_text(EXTRA.format(n=20, day=20), encoding="utf-8")
    build(config, jobs=1)
    assert not old.exists()


@pytest.mark.parametrize("kernel_copy", [True, False])
def test_unchanged_rows_are_copied_in_the_kernel_or_else_read(tmp_path, spy, monkeypatch, kernel_copy):
    """Runs of unchanged rows are copied by os.copy_file_range where the system has it, else
    read and written; either way the files are a clean build's."""
    import errno
    import os

    root = write_archive(tmp_path / "arch")
    config = load_config(root)
    build(config, jobs=1)
    copied = []
    real = os.copy_file_range

    def copy_file_range(src, dst, count, offset_src=None, *args):
        if not kernel_copy:
            raise OSError(errno.EXDEV, "not here")
        copied.append(count)
        return real(src, dst, count, offset_src, *args)

    monkeypatch.setattr(export_text.os, "copy_file_range", copy_file_range)
    (root / "articles" / "2021-06-20-envoys.md").write_text(EXTRA.format(n=20, day=20), encoding="utf-8")
    spy["encoded"] = 0
    build(config, jobs=1)
    assert spy["encoded"] <= 2
    assert bool(copied) == kernel_copy
    assert data_bytes(config.output_dir) == clean_data(root, tmp_path, "clean")
