"""`archive serve` builds the preview's pages first and its search index after, in the
background (serve_search.py): a save is not kept waiting for Pagefind, a new save cancels an
indexing run still going, and the index is swapped in whole, outside the site.

Most tests use a stand-in for Pagefind (a script that waits, then writes a bundle that counts
the site's pages), so that a run can be caught in progress; one uses the real Pagefind.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest

import archive.serve_search
from archive.serve import DevServer

from test_serve import WAIT, get, write_archive

SECTIONS = {"articles", "actors", "events", "militias", "organisations", "places"}

FAKE = """\
import fnmatch, json, os, sys, time
args = sys.argv[1:]
site, out = args[args.index("--site") + 1], args[args.index("--output-path") + 1]
log = os.environ["FAKE_PAGEFIND_LOG"]
with open(log, "a") as fh:
    fh.write(f"start {os.getpid()}\\n")
time.sleep(float(os.environ.get("FAKE_PAGEFIND_SLEEP", "0")))
code = int(os.environ.get("FAKE_PAGEFIND_EXIT", "0"))
if code:
    sys.stderr.write("Error: the stand-in was told to fail\\n")
    sys.exit(code)
glob = args[args.index("--glob") + 1] if "--glob" in args else "**"
# the bundles' globs hold one level of braces: "articles/{a.html,b.html}", "{actors,places}/*.html"
head, _, rest = glob.partition("{")
inner, _, tail = rest.partition("}")
patterns = [head + alt.replace(chr(92), "") + tail for alt in inner.split(",")] if rest else [glob]
pages = sorted(rel for rel in (os.path.relpath(os.path.join(d, f), site) for d, _, fs in os.walk(site) for f in fs)
               if rel.endswith(".html") and (glob == "**" or any(fnmatch.fnmatchcase(rel, p) and rel.count("/") == p.count("/") for p in patterns)))
os.makedirs(out)
with open(os.path.join(out, "pagefind.js"), "w") as fh:
    fh.write("// stand-in\\n")
with open(os.path.join(out, "pagefind-entry.json"), "w") as fh:
    json.dump({"pages": pages}, fh)
with open(log, "a") as fh:
    fh.write(f"done {os.getpid()}\\n")
"""


@pytest.fixture
def fake_pagefind(tmp_path, monkeypatch):
    """Returns the stand-in's log (a list of 'start'/'done' lines, read on each call)."""
    script = tmp_path / "fake_pagefind.py"
    script.write_text(FAKE, encoding="utf-8")
    log = tmp_path / "pagefind.log"
    monkeypatch.setenv("FAKE_PAGEFIND_LOG", str(log))
    monkeypatch.setattr(archive.serve_search, "pagefind_command", lambda: [sys.executable, str(script)])

    def events() -> list[str]:
        return [line.split()[0] for line in log.read_text().splitlines()] if log.exists() else []
    return events


def start(root: Path, lines: list | None = None) -> DevServer:
    return DevServer(root, port=0, interval=0.1, echo=(lines.append if lines is not None else lambda m: None)).start()


def index_entry(srv) -> dict | None:
    """The pages of every bundle of the index the preview serves (the stand-in lists them)."""
    status, body = get(srv.url + "pagefind/bundles.json")
    if status != 200:
        return None
    pages = []
    for name in json.loads(body)["bundles"]:
        status, body = get(srv.url + f"pagefind/{name}/pagefind-entry.json")
        assert status == 200, name
        pages += json.loads(body)["pages"]
    return {"pages": sorted(pages)}


def site_pages(srv) -> list[str]:
    """The pages the index should hold: the article and entity pages (not the listings)."""
    return sorted(str(p.relative_to(srv.output)) for p in srv.output.glob("*/*.html")
                  if p.parent.name in SECTIONS and p.name != "index.html")


def wait_for(predicate, timeout: float = WAIT) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_pages_are_served_before_the_index_which_follows_outside_the_site(tmp_path, fake_pagefind, monkeypatch):
    monkeypatch.setenv("FAKE_PAGEFIND_SLEEP", "4")
    srv = start(write_archive(tmp_path / "a"))
    try:
        # start() returned with the pages out while the stand-in still waits
        assert get(srv.url + "articles/talks.html")[0] == 200
        assert wait_for(lambda: "start" in fake_pagefind())
        assert index_entry(srv) is None
        assert srv.search.wait(WAIT)
        assert sorted(fake_pagefind()) == ["done", "done", "start", "start"]  # two bundles: articles, entities
        assert index_entry(srv) == {"pages": site_pages(srv)}  # it indexed the finished site
        assert not (srv.output / "pagefind").exists()  # the index is kept outside the site
        assert srv.search.runs == 1
        assert 'role="search"' in get(srv.url)[1]  # the pages are made for search: the box is there
    finally:
        srv.stop()


def test_a_save_cancels_the_run_in_progress_and_the_new_pages_are_indexed(tmp_path, fake_pagefind, monkeypatch):
    # long enough never to finish before the save (it is stopped), so the test does not wait it out
    monkeypatch.setenv("FAKE_PAGEFIND_SLEEP", "8")
    srv = start(write_archive(tmp_path / "a"))
    try:
        assert wait_for(lambda: fake_pagefind().count("start") == 2)
        monkeypatch.setenv("FAKE_PAGEFIND_SLEEP", "0")  # for the run after the save
        (srv.archive_dir / "articles" / "more.md").write_text(
            "---\ntitle: More talks\ndate: 2021-04-09\n---\n\nOmar Example spoke again.\n", encoding="utf-8")
        assert srv.wait_for_version(2, WAIT)
        assert srv.search.wait(WAIT)
        # the first run was stopped before it wrote anything; the second indexed the new site
        assert fake_pagefind().count("start") == 4 and fake_pagefind().count("done") == 2
        entry = index_entry(srv)
        assert entry is not None and "articles/more.html" in entry["pages"]
        assert entry == {"pages": site_pages(srv)}
        assert srv.search.runs == 1
        assert not list(srv.search.root.glob(".next-*")) and not list(srv.search.root.glob(".old-*"))
    finally:
        srv.stop()


def test_search_answers_from_the_last_index_until_the_next_is_in(tmp_path, fake_pagefind, monkeypatch):
    srv = start(write_archive(tmp_path / "a"))
    try:
        assert srv.search.wait(WAIT)
        first = index_entry(srv)
        assert first is not None and "articles/more.html" not in first["pages"]
        monkeypatch.setenv("FAKE_PAGEFIND_SLEEP", "4")
        (srv.archive_dir / "articles" / "more.md").write_text(
            "---\ntitle: More talks\ndate: 2021-04-09\n---\n\nOmar Example spoke again.\n", encoding="utf-8")
        assert srv.wait_for_version(2, WAIT)
        assert get(srv.url + "articles/more.html")[0] == 200
        assert index_entry(srv) == first  # the new index is being made
        assert srv.search.wait(WAIT)
        assert "articles/more.html" in index_entry(srv)["pages"]
    finally:
        srv.stop()


def test_a_save_indexes_only_the_bundles_whose_pages_changed(tmp_path, fake_pagefind):
    lines: list[str] = []
    srv = start(write_archive(tmp_path / "a"), lines)
    try:
        assert srv.search.wait(WAIT) and srv.search.runs == 1
        entities = get(srv.url + "pagefind/entities/pagefind-entry.json")
        # a sentence that names nothing: the article's page changes, no entity page does
        talks = srv.archive_dir / "articles" / "talks.md"
        talks.write_text(talks.read_text(encoding="utf-8") + "\nThe weather stayed mild.\n", encoding="utf-8")
        assert srv.wait_for_version(2, WAIT) and srv.search.wait(WAIT) and srv.search.runs == 2
        assert fake_pagefind().count("done") == 3  # two bundles, then the articles' alone
        assert get(srv.url + "pagefind/entities/pagefind-entry.json") == entities  # carried over
        assert index_entry(srv) == {"pages": site_pages(srv)}
        assert any("(1 of 2 bundles indexed)" in m for m in lines)
    finally:
        srv.stop()


def test_search_false_builds_no_index_and_removes_the_one_in_place(tmp_path, fake_pagefind):
    srv = start(write_archive(tmp_path / "a"))
    try:
        assert srv.search.wait(WAIT) and index_entry(srv) is not None
        config = srv.archive_dir / "archive.yml"
        config.write_text(config.read_text(encoding="utf-8") + "search: false\n", encoding="utf-8")
        assert srv.wait_for_version(2, WAIT)
        assert srv.search.wait(WAIT)
        assert index_entry(srv) is None
        assert sorted(fake_pagefind()) == ["done", "done", "start", "start"]  # not run again
        assert get(srv.url + "search/index.html")[0] == 200
        assert 'role="search"' not in get(srv.url)[1]  # no search box without search
    finally:
        srv.stop()


def test_a_failing_pagefind_is_reported_and_the_preview_goes_on(tmp_path, fake_pagefind, monkeypatch):
    monkeypatch.setenv("FAKE_PAGEFIND_EXIT", "3")
    lines: list[str] = []
    srv = start(write_archive(tmp_path / "a"), lines)
    try:
        assert srv.search.wait(WAIT)
        [failed] = [m for m in lines if m.startswith("search:")]
        assert "Pagefind failed (exit 3: Error: the stand-in was told to fail)" in failed
        assert index_entry(srv) is None
        assert get(srv.url + "articles/talks.html")[0] == 200
    finally:
        srv.stop()


def test_without_pagefind_the_preview_says_so_once(tmp_path, monkeypatch):
    monkeypatch.setattr(archive.serve_search, "pagefind_command", lambda: None)
    lines: list[str] = []
    srv = start(write_archive(tmp_path / "a"), lines)
    try:
        srv.rebuild()
        assert srv.search.wait(WAIT)
        assert len([m for m in lines if "Pagefind is not installed" in m]) == 1
        assert index_entry(srv) is None
    finally:
        srv.stop()


def test_stop_ends_a_run_in_progress_and_removes_the_index(tmp_path, fake_pagefind, monkeypatch):
    monkeypatch.setenv("FAKE_PAGEFIND_SLEEP", "60")
    srv = start(write_archive(tmp_path / "a"))
    assert wait_for(lambda: fake_pagefind().count("start") == 2)
    began = time.monotonic()
    srv.stop()
    assert time.monotonic() - began < 20  # not the stand-in's 60 s
    assert not srv.search.root.exists()
    assert fake_pagefind() == ["start", "start"]


def test_only_the_index_path_is_answered_from_the_index_folder(tmp_path, fake_pagefind):
    srv = start(write_archive(tmp_path / "a"))
    try:
        assert srv.search.wait(WAIT)
        (srv.output / "pagefind-notes.html").write_text("<p>a page of the site</p>", encoding="utf-8")
        assert get(srv.url + "pagefind-notes.html")[0] == 200
        assert get(srv.url + "pagefind/bundles.json?v=1")[0] == 200
        # '..' is resolved first, as a browser does: nothing but the index leaves its folder
        (srv.search.root / "secret.txt").write_text("not for the web", encoding="utf-8")
        assert get(srv.url + "pagefind/../secret.txt")[0] == 404
        assert get(srv.url + "pagefind/%2e%2e/secret.txt")[0] == 404
        status, html = get(srv.url + "pagefind/../index.html")
        assert status == 200 and "Serve test" in html  # the site's home page
    finally:
        srv.stop()


def test_real_pagefind_indexes_the_preview(tmp_path):  # pagefind[bin] is a dependency: never skipped
    srv = start(write_archive(tmp_path / "a"))
    try:
        assert srv.search.wait(WAIT) and srv.search.runs == 1
        status, body = get(srv.url + "pagefind/bundles.json")
        assert status == 200 and json.loads(body)["bundles"] == ["articles-0", "entities"]
        counts = {}
        for name in ("articles-0", "entities"):
            status, body = get(srv.url + f"pagefind/{name}/pagefind-entry.json")
            assert status == 200 and get(srv.url + f"pagefind/{name}/pagefind.js")[0] == 200
            counts[name] = sum(lang["page_count"] for lang in json.loads(body)["languages"].values())
        assert counts == {"articles-0": 2, "entities": len(site_pages(srv)) - 2}
        assert not (srv.output / "pagefind").exists()
    finally:
        srv.stop()
