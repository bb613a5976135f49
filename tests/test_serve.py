"""`archive serve`: serves the built site, rebuilds on change, reloads, survives broken builds.

The server runs in threads on an ephemeral loopback port; every wait is bounded.
"""
from __future__ import annotations

import json
from html import unescape
import urllib.error
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli import main
from archive.serve import VERSION_PATH, DevServer, inject

WAIT = 60  # seconds; a rebuild of this archive takes about one


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts: list[str] = []
        self.h1: list[str] = []
        self.alerts: list[str] = []
        self._in: list[str] = []

    def handle_starttag(self, tag, attrs):
        self._in.append(tag)
        if dict(attrs).get("role") == "alert":
            self.alerts.append("")

    def handle_endtag(self, tag):
        if self._in and self._in[-1] == tag:
            self._in.pop()

    def handle_data(self, data):
        if self._in and self._in[-1] == "script":
            self.scripts.append(data)
        elif self._in and self._in[-1] == "h1":
            self.h1.append(data.strip())
        if self.alerts:
            self.alerts[-1] += data


def parse(html: str) -> _Page:
    p = _Page()
    p.feed(html)
    return p


def write_archive(root: Path) -> Path:
    root.mkdir(parents=True)
    (root / "archive.yml").write_text("title: Serve test\ncontent: articles\nmodel: rules\n", encoding="utf-8")
    art = root / "articles"
    art.mkdir()
    (art / "talks.md").write_text("---\ntitle: Talks stall\ndate: 2021-04-07\n---\n\n"
                                  "Omar Example said the talks had stalled in Baghdad.\n", encoding="utf-8")
    (art / "aid.md").write_text("---\ntitle: Aid arrives\ndate: 2021-04-08\n---\n\n"
                                "Aid convoys reached two towns near Mosul.\n", encoding="utf-8")
    return root


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=WAIT) as resp:
            return resp.status, resp.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


@pytest.fixture
def server(tmp_path):
    srv = DevServer(write_archive(tmp_path / "site"), port=0, interval=0.1).start()
    yield srv
    srv.stop()


def version(srv) -> dict:
    return json.loads(get(srv.url + VERSION_PATH.lstrip("/"))[1])


def edit(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_serves_pages_with_reload_script(server):
    assert server.url.startswith("http://127.0.0.1:")
    status, html = get(server.url)
    assert status == 200
    assert any(VERSION_PATH in s for s in parse(html).scripts)
    status, css = get(server.url + "static/style.css")
    assert status == 200 and VERSION_PATH not in css  # only pages get the script
    assert version(server) == {"version": 1, "error": False}


def test_rebuilds_when_an_article_changes(server):
    article = server.archive_dir / "articles" / "talks.md"
    edit(article, "title: Talks stall", "title: Talks collapse")
    assert server.wait_for_version(2, WAIT), "no rebuild after the article changed"
    status, html = get(server.url + "articles/talks.html")
    assert status == 200 and "Talks collapse" in parse(html).h1
    assert version(server)["version"] == 2


def test_failed_build_shows_error_page_and_recovers(server):
    config = server.archive_dir / "archive.yml"
    good = config.read_text(encoding="utf-8")
    config.write_text(good + "titel: typo\n", encoding="utf-8")
    assert server.wait_for_version(2, WAIT)
    status, html = get(server.url + "articles/talks.html")
    assert status == 500
    text = unescape(html)
    assert "unknown setting 'titel'" in text and "did you mean 'title'" in text
    assert any(VERSION_PATH in s for s in parse(html).scripts)  # it reloads once fixed
    assert version(server) == {"version": 2, "error": True}
    config.write_text(good, encoding="utf-8")
    assert server.wait_for_version(3, WAIT)
    assert get(server.url + "articles/talks.html")[0] == 200


def test_broken_article_is_listed_on_every_page(server):
    (server.archive_dir / "articles" / "broken.md").write_text("---\ntitle: [unclosed\n---\ntext\n", encoding="utf-8")
    assert server.wait_for_version(2, WAIT)
    status, html = get(server.url)
    assert status == 200
    [alert] = parse(html).alerts
    assert "broken.md" in alert and "front matter" in alert


def test_template_change_rebuilds(server):
    templates = server.archive_dir / "templates"
    templates.mkdir()
    (templates / "home.html").write_text('{% extends "default:home.html" %}{% block title %}Custom home{% endblock %}',
                                         encoding="utf-8")
    assert server.wait_for_version(2, WAIT)
    assert "<title>Custom home</title>" in get(server.url)[1]


def test_stop_removes_the_preview_site(tmp_path):
    srv = DevServer(write_archive(tmp_path / "a"), port=0, interval=0.1).start()
    out = srv.output
    assert (out / "index.html").is_file()
    srv.stop()
    assert not out.exists()
    assert not (tmp_path / "a" / "build").exists()  # the archive's own build/ is never touched


def test_built_site_has_no_reload_script(tmp_path):
    root = write_archive(tmp_path / "a")
    result = CliRunner().invoke(main, ["build", str(root), "-q"])
    assert result.exit_code == 0, result.output
    pages = list((root / "build").rglob("*.html"))
    assert pages
    for page in pages:
        assert VERSION_PATH not in page.read_text(encoding="utf-8"), page


def test_inject_puts_script_before_body_end():
    out = inject("<html><body><p>x</p></body></html>", 7, ["a.md: bad"])
    page = parse(out)
    assert out.endswith("</body></html>")
    assert "var version = 7;" in page.scripts[0]
    assert "a.md: bad" in page.alerts[0]


def test_cli_serve_stops_cleanly_on_sigterm(tmp_path):
    import os
    import re
    import signal
    import subprocess
    import sys
    import time

    root = write_archive(tmp_path / "a")
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).parents[1] / "src"))
    proc = subprocess.Popen([sys.executable, "-m", "archive", "serve", str(root), "--port", "0"],
                            stderr=subprocess.PIPE, text=True, env=env)
    try:
        lines, deadline = [], time.monotonic() + WAIT
        while time.monotonic() < deadline:
            line = proc.stderr.readline()
            lines.append(line)
            if line.startswith("Built ") or not line:
                break
        site = re.search(r"into (\S+) in ", lines[-1])
        assert site, lines
        assert Path(site.group(1), "index.html").is_file()
        url = re.search(r"at (http://127\.0\.0\.1:\d+/)", "".join(lines)).group(1)
        assert get(url)[0] == 200
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=WAIT)
        assert code == 0, proc.stderr.read()
        assert not Path(site.group(1)).exists()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_pipeline_is_reused_until_the_registry_changes(server):
    first = server._annotator[1]
    edit(server.archive_dir / "articles" / "aid.md", "Aid arrives", "Aid arrives late")
    assert server.wait_for_version(2, WAIT)
    assert server._annotator[1] is first
    (server.archive_dir / "articles" / "entities.yml").write_text(
        "entities:\n  - id: mosul\n    type: place\n    name: Mosul\n", encoding="utf-8")
    assert server.wait_for_version(3, WAIT)
    assert server._annotator[1] is not first
    assert get(server.url + "places/mosul.html")[0] == 200  # the new registry is used


def test_rebuilds_do_not_keep_their_objects_until_exit(tmp_path, monkeypatch):
    """`archive serve` runs under cli.run, which keeps a one-off build's objects until the
    process ends; a server that kept every rebuild's index would grow with each rebuild."""
    import gc

    import archive.build

    monkeypatch.setattr(archive.build, "KEEP_UNTIL_EXIT", [])  # as cli.run sets it
    frozen = gc.get_freeze_count()
    srv = DevServer(write_archive(tmp_path / "site"), port=0, interval=0.1).start()
    try:
        srv.rebuild()
        assert archive.build.KEEP_UNTIL_EXIT is None
        assert gc.get_freeze_count() == frozen  # nothing hidden from the cycle collector either
    finally:
        srv.stop()


def test_unchanged_articles_are_not_read_from_the_cache_again(server, monkeypatch):
    """The server's Annotator keeps the last build's annotated articles (annotate_stage.py):
    an unchanged article's is reused as it is, an edited one is made again, and a registry
    change (another fingerprint, another Annotator) starts afresh."""
    import archive.annotate_stage as stage

    made: list[str] = []
    real = stage.annotated_from_record
    monkeypatch.setattr(stage, "annotated_from_record", lambda art, rec: made.append(art.path) or real(art, rec))
    kept = server._annotator[1].kept
    before = {text: entry[2] for text, entry in kept.items()}
    assert len(before) == 2
    edit(server.archive_dir / "articles" / "aid.md", "Aid arrives", "Aid arrives late")
    assert server.wait_for_version(2, WAIT)
    assert made == ["aid.md"]  # talks.md came from the last build as it was
    talks = next(e for e in kept.values() if e[1].path == "talks.md")
    assert any(talks[2] is old for old in before.values())
    assert get(server.url + "articles/aid.html")[0] == 200 and "Aid arrives late" in get(server.url + "articles/aid.html")[1]
    (server.archive_dir / "articles" / "entities.yml").write_text(
        "entities:\n  - id: mosul\n    type: place\n    name: Mosul\n", encoding="utf-8")
    assert server.wait_for_version(3, WAIT)
    assert sorted(made) == ["aid.md", "aid.md", "talks.md"]  # a new fingerprint: both made again
