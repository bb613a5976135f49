"""The annotation cache: reuse, invalidation, corruption, --no-cache and `archive clean`."""
import json
import marshal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive import cache as cache_mod
from archive.build import build
from archive.cli import main
from archive.config import load_config

ARTICLES = {
    "2021-04-07-dialogue.md": """---
title: Strategic dialogue opens
date: 2021-04-07
source: Test Wire
---

Esmail Qaani arrived in Baghdad on Tuesday. "We will not leave," Qaani said.

Prime Minister Mustafa Kadhimi met the delegation. The Popular Mobilisation Forces said the talks had failed.
""",
    "2021-04-09-kataib.md": """---
title: Kataib Hezbollah warns
date: 2021-04-09
---

Kataib Hezbollah said on Friday that it would respond. Abu Ali al-Askari wrote that "the occupier must go."

Mustafa Kadhimi told reporters the government would protect foreign missions.
""",
    "2021-05-01-raw.txt": """---
title: Talks in Baghdad
date: 2021-05-01
---

Qaani met militia leaders in Baghdad, sources said. Kadhimi was not informed.

A spokesman, Jaafar Husseini, said the group rejected the talks.
""",
}

REGISTRY = """entities:
  - id: esmail-qaani
    type: actor
    name: Esmail Qaani
    aliases: [Qaani]
  - id: mustafa-kadhimi
    type: actor
    name: Mustafa Kadhimi
    aliases: [Kadhimi]
  - id: kataib-hezbollah
    type: militia
    name: Kataib Hezbollah
  - id: baghdad
    type: place
    name: Baghdad
"""


def make_archive(root: Path, articles: dict = ARTICLES, registry: str = REGISTRY) -> Path:
    content = root / "articles"
    content.mkdir(parents=True, exist_ok=True)
    for name, text in articles.items():
        (content / name).write_text(text, encoding="utf-8")
    (content / "entities.yml").write_text(registry, encoding="utf-8")
    # Pagefind (search) output is neither deterministic nor ours: tests leave it off.
    (root / "archive.yml").write_text("title: Test archive\ncontent: articles\nmodel: rules\nsearch: false\n", encoding="utf-8")
    return root


def site_bytes(out: Path) -> dict[str, bytes]:
    """Every file's bytes; a SQLite file's content instead (`sqlite_content`): an incremental
    build patches the previous file, which holds a clean build's rows in another order."""
    return {p.relative_to(out).as_posix(): sqlite_content(p) if p.suffix == ".sqlite" else p.read_bytes()
            for p in sorted(out.rglob("*")) if p.is_file()}


def sqlite_content(path: Path) -> bytes:
    """The schema (tables, columns, indexes) and every table's rows, sorted: what two SQLite
    files must share to hold the same data, whatever their page layout and row order."""
    import sqlite3

    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        schema = sorted(con.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall(), key=repr)
        tables = [name for kind, name, _, _ in schema if kind == "table"]
        rows = {t: sorted(con.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}
    finally:
        con.close()
    return repr((schema, rows)).encode()


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href"))


def hrefs(path: Path) -> list[str]:
    p = Links()
    p.feed(path.read_text(encoding="utf-8"))
    return p.hrefs


def cache_files(root: Path, level: str) -> list[Path]:
    """The shard files of one cache level (packstore.py)."""
    return sorted((root / ".archive-cache").glob(f"v*/{level}/*/*.bin"))


def cache_entries(root: Path, level: str) -> int:
    return sum(len(marshal.loads(p.read_bytes())[3]) for p in cache_files(root, level))


def _rewrite_entries(p: Path, value) -> None:
    magic, py, fp, entries = marshal.loads(p.read_bytes())
    p.write_bytes(marshal.dumps((magic, py, fp, {k: value for k in entries})))


def _rewrite_header(p: Path, **changes) -> None:
    magic, py, fp, entries = marshal.loads(p.read_bytes())
    head = {"magic": magic, "py": py, "fp": fp, **changes}
    p.write_bytes(marshal.dumps((head["magic"], head["py"], head["fp"], entries)))


@pytest.fixture
def archive_dir(tmp_path):
    return make_archive(tmp_path / "arch")


def test_second_build_reuses_every_annotation_and_writes_the_same_site(archive_dir):
    config = load_config(archive_dir)
    first = build(config, jobs=1)
    assert (first.annotated, first.reused) == (3, 0)
    assert cache_entries(archive_dir, "analysis") == 3
    assert cache_entries(archive_dir, "annotation") == 3
    before = site_bytes(config.output_dir)
    second = build(config, jobs=1)
    assert (second.annotated, second.rematched, second.reused) == (0, 0, 3)
    assert site_bytes(config.output_dir) == before


def test_cached_build_equals_an_uncached_build(archive_dir, tmp_path):
    build(load_config(archive_dir), jobs=1)
    cached = build(load_config(archive_dir), jobs=1)
    assert cached.reused == 3
    fresh = build(load_config(archive_dir, {"output": str(tmp_path / "fresh")}), jobs=1, use_cache=False)
    assert fresh.reused == 0 and fresh.annotated == 3
    assert site_bytes(archive_dir / "build") == site_bytes(tmp_path / "fresh")


@pytest.mark.parametrize("damage", [
    lambda p: p.write_text("{not json", encoding="utf-8"),
    lambda p: p.write_bytes(b"\x00\xff\xfe"),
    lambda p: p.write_bytes(marshal.dumps([])),
    lambda p: p.write_bytes(p.read_bytes()[:len(p.read_bytes()) // 2]),   # truncated
    lambda p: _rewrite_header(p, magic="something-else"),
    lambda p: _rewrite_header(p, py=(2, 7)),                              # another Python's marshal
    lambda p: _rewrite_header(p, fp="another-fingerprint"),
    lambda p: _rewrite_entries(p, {"mentions": [{"bogus": 1}]}),
    lambda p: _rewrite_entries(p, {"sentences": "x", "ents": [], "subjects": []}),
    lambda p: _rewrite_entries(p, ((("x",),), (), (), "rules", {})),       # a stored record of another shape
    lambda p: _rewrite_entries(p, None),
    lambda p: p.unlink(),
])
def test_a_corrupt_entry_is_a_miss_never_a_crash(archive_dir, damage):
    config = load_config(archive_dir)
    build(config, jobs=1)
    good = site_bytes(config.output_dir)
    for level in ("analysis", "annotation"):
        for p in cache_files(archive_dir, level):
            damage(p)
    report = build(config, jobs=1)
    assert report.reused == 0 and report.annotated == 3  # recomputed …
    assert site_bytes(config.output_dir) == good         # … to the same site
    again = build(config, jobs=1)                          # and the entries were repaired
    assert again.reused == 3


def test_registry_change_rematches_without_running_spacy(archive_dir, tmp_path):
    config = load_config(archive_dir)
    build(config, jobs=1)
    registry = REGISTRY + "  - id: jaafar-husseini\n    type: actor\n    name: Jaafar Husseini\n    aliases: [Husseini]\n"
    (archive_dir / "articles" / "entities.yml").write_text(registry, encoding="utf-8")
    report = build(config, jobs=1)
    assert (report.annotated, report.rematched, report.reused) == (0, 3, 0)
    page = config.output_dir / "actors" / "jaafar-husseini.html"
    assert page.exists()
    assert "../articles/2021-05-01-raw.html" in hrefs(page) or any("raw" in h for h in hrefs(page) if h)
    fresh = build(load_config(archive_dir, {"output": str(tmp_path / "fresh")}), jobs=1, use_cache=False)
    assert fresh.annotated == 3
    assert site_bytes(config.output_dir) == site_bytes(tmp_path / "fresh")


def test_changed_article_is_annotated_again_alone(archive_dir):
    config = load_config(archive_dir)
    build(config, jobs=1)
    path = archive_dir / "articles" / "2021-04-09-kataib.md"
    path.write_text(path.read_text(encoding="utf-8").replace("on Friday", "on Saturday"), encoding="utf-8")
    report = build(config, jobs=1)
    assert (report.annotated, report.reused) == (1, 2)


def test_new_extractor_version_invalidates_analyses(archive_dir, monkeypatch):
    config = load_config(archive_dir)
    build(config, jobs=1)
    monkeypatch.setattr(cache_mod, "EXTRACTOR_VERSION", cache_mod.EXTRACTOR_VERSION + "-next")
    report = build(config, jobs=1)
    assert (report.annotated, report.reused) == (3, 0)


def test_no_cache_neither_reads_nor_writes(archive_dir):
    result = CliRunner().invoke(main, ["build", str(archive_dir), "--no-cache", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert not (archive_dir / ".archive-cache").exists()
    assert "Annotated 3, re-matched 0, reused 0" in result.output


def test_clean_removes_cache_and_site(archive_dir):
    runner = CliRunner()
    assert runner.invoke(main, ["build", str(archive_dir), "--jobs", "1"]).exit_code == 0
    assert (archive_dir / ".archive-cache").is_dir() and (archive_dir / "build" / "index.html").exists()
    result = runner.invoke(main, ["clean", str(archive_dir)])
    assert result.exit_code == 0, result.output
    assert not (archive_dir / ".archive-cache").exists() and not (archive_dir / "build").exists()
    assert (archive_dir / "articles" / "2021-04-07-dialogue.md").exists()  # sources untouched
    assert "Nothing to remove" in runner.invoke(main, ["clean", str(archive_dir)]).output


def test_records_round_trip_exactly(archive_dir):
    from archive.annotate import Annotator
    from archive.reader import read_article
    from archive.discover import discover
    from archive.registry import load_registry

    config = load_config(archive_dir)
    annotator = Annotator(load_registry(config.registry_path), "rules")
    for src in discover(config.content_dir):
        art = read_article(src)
        analysis = next(iter(annotator.analyse([art])))
        assert cache_mod.analysis_from_record(json.loads(json.dumps(cache_mod.analysis_record(analysis)))) == analysis
        annotated = annotator.finish(art, analysis)
        rec = json.loads(json.dumps(cache_mod.annotation_record(annotated)))
        assert cache_mod.annotated_from_record(art, rec) == annotated
        stored = marshal.loads(marshal.dumps(cache_mod.compact_annotation(rec)))  # as the store keeps it
        assert cache_mod.annotated_from_record(art, stored) == annotated


def test_every_cache_file_corrupt_still_builds_the_same_site(archive_dir):
    config = load_config(archive_dir)
    build(config, jobs=1)
    good = site_bytes(config.output_dir)
    files = [p for p in (archive_dir / ".archive-cache").rglob("*") if p.suffix in (".json", ".bin")]
    kinds = {p.relative_to(archive_dir / ".archive-cache").parts[1] for p in files}
    assert {"analysis", "annotation", "articles", "setup", "pages"} <= kinds
    for p in files:
        p.write_text('{"version": 1, "entries": {"x": [1]}, "pages": [], "info": 3', encoding="utf-8")
    report = build(config, jobs=1)
    assert report.annotated == 3 and report.written == 0
    assert site_bytes(config.output_dir) == good


def test_edited_article_is_read_again(archive_dir):
    config = load_config(archive_dir)
    build(config, jobs=1)
    path = archive_dir / "articles" / "2021-04-07-dialogue.md"
    path.write_text(path.read_text(encoding="utf-8").replace("title: Strategic dialogue opens", "title: Dialogue opens"), encoding="utf-8")
    build(config, jobs=1)
    html = (config.output_dir / "articles" / "2021-04-07-dialogue.html").read_text(encoding="utf-8")
    assert "<h1>Dialogue opens</h1>" in html
