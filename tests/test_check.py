"""`archive check`: sources and built site; broken links, anchors and assets fail with status 1."""
from __future__ import annotations

import logging
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.check import check_archive, count_warnings
from archive.cli import main


def write_archive(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "archive.yml").write_text("title: Check test\ncontent: articles\nmodel: rules\n", encoding="utf-8")
    art = root / "articles"
    art.mkdir()
    (art / "talks.md").write_text("---\ntitle: Talks stall\ndate: 2021-04-07\n---\n\n"
                                  "Omar Example said the talks had stalled in Baghdad.\n", encoding="utf-8")
    (art / "entities.yml").write_text("entities:\n  - id: baghdad\n    type: place\n    name: Baghdad\n",
                                      encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = write_archive(tmp_path_factory.mktemp("check") / "a")
    result = CliRunner().invoke(main, ["build", str(root), "-q"])
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture
def archive(built, tmp_path) -> Path:
    """A private copy of the built archive that a test may break."""
    return Path(shutil.copytree(built, tmp_path / "a"))


def add_page(archive: Path, rel: str, body: str) -> None:
    page = archive / "build" / rel
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(f"<!doctype html><html><head><title>t</title></head><body>{body}</body></html>", encoding="utf-8")


def test_a_fresh_build_passes(built):
    result = CliRunner().invoke(main, ["check", str(built)])
    assert result.exit_code == 0, result.output
    report = check_archive(built)
    assert report.ok and report.articles == 1 and report.entities == 1
    assert report.pages > 5 and report.links > 20  # it really looked at the pages


def test_broken_links_anchors_and_assets(archive):
    add_page(archive, "extra/page.html",
             '<h2 id="here">x</h2>'
             '<a href="../articles/talks.html">ok</a> <a href="#here">ok</a> <a href="../">ok</a>'
             '<a href="../articles/missing.html">broken</a>'
             '<a href="../articles/talks.html#nowhere">no anchor</a>'
             '<img src="../static/missing.png" alt=""> <link rel="stylesheet" href="../static/style.css">'
             '<a href="../../outside.html">outside</a> <a href="mailto:x@example.org">mail</a>')
    report = check_archive(archive)
    found = {(p.kind, p.where) for p in report.problems}
    assert found == {("link", "extra/page.html:1"), ("anchor", "extra/page.html:1"), ("asset", "extra/page.html:1")}
    messages = " | ".join(p.message for p in report.problems)
    assert "articles/missing.html does not exist" in messages
    assert "no id 'nowhere' on articles/talks.html" in messages
    assert "static/missing.png does not exist" in messages
    assert len(report.problems) == 4  # the ../../ link as well
    assert sum("outside the site" in p.message for p in report.problems) == 1
    result = CliRunner().invoke(main, ["check", str(archive)])
    assert result.exit_code == 1
    assert "articles/missing.html" in result.stderr


def test_duplicate_ids_are_reported(archive):
    add_page(archive, "dup.html", '<p id="x">a</p><p id="x">b</p>')
    assert [p.message for p in check_archive(archive).problems] == ["id 'x' is used twice on the page"]


def test_root_relative_links_follow_the_base_url(archive):
    add_page(archive, "root.html", '<a href="/repo/articles/talks.html">in</a>')
    assert check_archive(archive, base_url="/repo/").ok
    problems = check_archive(archive, base_url="/").problems
    assert [p.message for p in problems] == ["broken link '/repo/articles/talks.html': repo/articles/talks.html does not exist"]
    # Our own absolute URLs (canonical links) are checked as internal links.
    add_page(archive, "abs.html", '<link rel="canonical" href="https://x.example/repo/gone.html">')
    problems = check_archive(archive, base_url="https://x.example/repo/").problems
    assert [p.kind for p in problems] == ["asset"] and "gone.html" in problems[0].message


def test_sources_are_validated_all_at_once(archive):
    (archive / "articles" / "undated.md").write_text("---\ntitle: No date\n---\n\nText.\n", encoding="utf-8")
    (archive / "articles" / "entities.yml").write_text("entities:\n  - id: Bad Id\n    type: place\n    name: X\n",
                                                      encoding="utf-8")
    kinds = sorted(p.kind for p in check_archive(archive).problems)
    assert kinds == ["article", "registry"]


def test_bad_config_is_reported(archive):
    (archive / "archive.yml").write_text("titel: x\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(archive)])
    assert result.exit_code == 1 and "did you mean 'title'" in result.stderr


def test_missing_site_is_a_problem(tmp_path):
    root = write_archive(tmp_path / "a")
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.exit_code == 1 and "run 'archive build' first" in result.stderr


class _Handler(BaseHTTPRequestHandler):
    def do_HEAD(self):  # noqa: N802
        self.send_response(200 if self.path == "/ok" else 404)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_external_links_only_with_the_flag(archive):
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{httpd.server_address[1]}"
        add_page(archive, "ext.html", f'<a href="{base}/ok">ok</a><a href="{base}/missing">gone</a>')
        assert check_archive(archive).ok
        problems = check_archive(archive, external=True, timeout=10).problems
        assert [(p.kind, p.where) for p in problems] == [("external", "ext.html:1")]
        assert "HTTP 404" in problems[0].message and "/missing" in problems[0].message
        result = CliRunner().invoke(main, ["check", str(archive), "--external"])
        assert result.exit_code == 1
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_count_warnings_counts_even_when_quiet():
    logging.getLogger().setLevel(logging.ERROR)
    with count_warnings() as logged:
        logging.getLogger("archive.somewhere").warning("one")
        logging.getLogger("archive").info("not a warning")
        logging.getLogger("archive").error("two")
    assert logged.count == 2


def test_build_strict_fails_on_logged_warnings(tmp_path, monkeypatch):
    import archive.build

    root = write_archive(tmp_path / "a")
    real_build = archive.build.build

    def noisy_build(config, *args, **kwargs):
        logging.getLogger("archive").warning("something looks wrong")
        return real_build(config, *args, **kwargs)

    assert CliRunner().invoke(main, ["build", str(root), "-q", "--strict"]).exit_code == 0
    monkeypatch.setattr(archive.build, "build", noisy_build)
    result = CliRunner().invoke(main, ["build", str(root), "-q", "--strict"])
    assert result.exit_code == 1 and "1 warning(s) logged" in result.output
    assert CliRunner().invoke(main, ["build", str(root), "-q"]).exit_code == 0  # only --strict fails


def test_build_strict_fails_on_skipped_article(tmp_path):
    root = write_archive(tmp_path / "a")
    (root / "articles" / "undated.md").write_text("---\ntitle: No date\n---\n\nText.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(root), "-q", "--strict"])
    assert result.exit_code == 1 and "1 article(s) skipped" in result.output
