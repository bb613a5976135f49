"""Themes: an archive's templates/ and static/ override the default theme file by file, and a
site template can extend the default one (`default:` prefix) to override a single block."""
from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from archive.build import build
from archive.check import check_archive
from archive.config import load_config
from archive.render import theme_dir


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        # The document's title is the first <title>; later ones belong to inline SVG pictures.
        self._in_title = tag == "title" and not self.title

    def handle_endtag(self, tag):
        self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def tags(path: Path) -> _Tags:
    p = _Tags()
    p.feed(path.read_text(encoding="utf-8"))
    return p


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("theme")
    (root / "archive.yml").write_text("title: Themed\ncontent: articles\nmodel: rules\n", encoding="utf-8")
    (root / "articles").mkdir()
    (root / "articles" / "a.md").write_text("---\ntitle: Talks stall\ndate: 2021-04-07\n---\n\n"
                                            "Omar Example said the talks had stalled in Baghdad.\n", encoding="utf-8")
    (root / "templates").mkdir()
    # One block of the default base template, for every page.
    (root / "templates" / "base.html").write_text(
        '{% extends "default:base.html" %}\n'
        '{% block head %}<link rel="stylesheet" href="{{ root }}static/site.css">{% endblock %}\n',
        encoding="utf-8")
    # One block of one page template.
    (root / "templates" / "home.html").write_text(
        '{% extends "default:home.html" %}\n{% block title %}Home · {{ site_title }}{% endblock %}\n',
        encoding="utf-8")
    (root / "static").mkdir()
    (root / "static" / "site.css").write_text("body { color: teal; }\n", encoding="utf-8")
    (root / "static" / "style.css").write_text("/* site's own */\n", encoding="utf-8")
    report = build(load_config(root))
    assert report.articles == 1 and not report.skipped
    return root


def stylesheets(page: _Tags) -> list[str]:
    return [a["href"] for t, a in page.tags if t == "link" and a.get("rel") == "stylesheet"]


def test_block_override_applies_to_every_page_and_keeps_the_rest(site):
    pages = list((site / "build").rglob("*.html"))
    assert len(pages) > 5
    for path in pages:
        page = tags(path)
        sheets = stylesheets(page)
        assert sheets[0].endswith("static/style.css") and sheets[1].endswith("static/site.css"), path
        # The default's markup outside the block is still there.
        assert any(t == "nav" for t, _ in page.tags) and any(t == "footer" for t, _ in page.tags)
    article = tags(site / "build" / "articles" / "a.html")
    assert stylesheets(article)[1] == "../static/site.css"  # relative, like the default's


def test_page_template_override_changes_only_that_page(site):
    assert tags(site / "build" / "index.html").title == "Home · Themed"
    assert "Home ·" not in tags(site / "build" / "articles" / "a.html").title


def test_static_files_override_file_by_file(site):
    static = site / "build" / "static"
    assert (static / "style.css").read_text(encoding="utf-8") == "/* site's own */\n"
    assert (static / "site.css").is_file()
    # Every other default theme file is still published.
    for default in theme_dir("static").rglob("*"):
        if default.is_file():
            assert (static / default.relative_to(theme_dir("static"))).is_file()


def test_themed_site_has_no_broken_links(site):
    report = check_archive(site)
    assert report.ok, [str(p) for p in report.problems]


def test_default_theme_is_untouched_without_overrides(tmp_path):
    (tmp_path / "articles").mkdir()
    (tmp_path / "archive.yml").write_text("content: articles\nmodel: rules\n", encoding="utf-8")
    (tmp_path / "articles" / "a.md").write_text("---\ntitle: T\ndate: 2021\n---\n\nText.\n", encoding="utf-8")
    build(load_config(tmp_path))
    page = tags(tmp_path / "build" / "index.html")
    assert [s.rsplit("/", 1)[-1] for s in stylesheets(page)] == ["style.css"]
