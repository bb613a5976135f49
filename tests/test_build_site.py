"""End to end: build the tiny archive and check the pages by parsing them."""
import pytest
from click.testing import CliRunner

from archive.build import build
from archive.cli import main
from archive.config import load_config

from sitecheck import Page, broken_links, resolve


@pytest.fixture
def site(tiny_archive):
    report = build(load_config(tiny_archive))
    assert not report.skipped, report.skipped
    return tiny_archive / "build"


def test_pages_exist(site):
    for rel in ["index.html", "articles/index.html", "articles/2021-04-07-dialogue.html",
                "actors/index.html", "actors/jaafar-husseini.html", "militias/kataib-hezbollah.html",
                "places/baghdad.html", "events/strategic-dialogue.html", "quotes/index.html",
                "organisations/index.html", "static/style.css"]:
        assert (site / rel).exists(), rel


def test_no_broken_internal_links_or_anchors(site):
    assert broken_links(site) == []


def test_article_links_mentions_and_marks_quotes(site):
    path = site / "articles/2021-04-07-dialogue.html"
    page = Page(path)
    mention_targets = {resolve(site, path, a["href"]).relative_to(site).as_posix() for a in page.find("a", **{"class": "mention"})}
    assert {"actors/jaafar-husseini.html", "places/baghdad.html", "actors/mustafa-kadhimi.html",
            "events/strategic-dialogue.html"} <= mention_targets
    direct = page.find("mark", **{"class": "quote-direct"})
    assert len(direct) == 2
    assert all("Jaafar Husseini" in m["title"] for m in direct)
    assert page.find("mark", **{"class": "quote-indirect"})
    assert "Test Wire" in page.text and "7 April 2021" in page.text
    assert "rules (spaCy" in page.text  # which pipeline ran, in the footer


def test_entity_page_lists_articles_quotes_and_company(site):
    page = Page(site / "actors/jaafar-husseini.html")
    text = page.text
    assert "Jaafar Husseini" in text and "spokesman for Kata'ib Hezbollah" in text
    assert "Dialogue opens in Baghdad" in text and "Kataib Hezbollah rejects the talks" in text
    assert "The negotiations have no value" in text and "We will not stop." in text
    related = {a["href"] for a in page.find("a", **{"class": "entity-militia"})}
    assert "../militias/kataib-hezbollah.html" in related


def test_militia_page_lists_its_spokesman(site):
    page = Page(site / "militias/kataib-hezbollah.html")
    assert "Spokesmen and officials" in page.text
    assert any(a["href"] == "../actors/jaafar-husseini.html" for a in page.find("a"))


def test_event_page_has_date_and_place(site):
    page = Page(site / "events/strategic-dialogue.html")
    assert "7 April 2021" in page.text
    assert any(a["href"] == "../places/baghdad.html" for a in page.find("a"))


def test_raw_text_article_with_month_date(site):
    page = Page(site / "articles/2021-05-raw.html")
    assert "May 2021" in page.text and "(day not known)" in page.text
    assert "testwire" in page.text and "Source »" not in page.text


def test_base_url_sub_path_keeps_links_relative(tiny_archive):
    build(load_config(tiny_archive, {"base_url": "https://user.github.io/repo/"}))
    site = tiny_archive / "build"
    page = Page(site / "actors/jaafar-husseini.html")
    canon = page.find("link", rel="canonical")
    assert canon and canon[0]["href"] == "https://user.github.io/repo/actors/jaafar-husseini.html"
    assert all(not h.startswith("/") for h, _ in page.links)
    assert broken_links(site) == []


def test_bad_article_is_skipped_and_counted(tiny_archive):
    (tiny_archive / "articles" / "broken.md").write_text("---\ntitle: [oops\n---\nBody\n")
    (tiny_archive / "articles" / "undated.md").write_text("No date here.\n")
    report = build(load_config(tiny_archive))
    assert sorted(e.path for e in report.skipped) == ["broken.md", "undated.md"]
    assert report.articles == 3
    result = CliRunner().invoke(main, ["build", str(tiny_archive), "--strict"])
    assert result.exit_code == 1
    assert "broken.md: broken front matter" in result.output
    assert "undated.md: no date" in result.output
    assert "--strict: 2 article(s) skipped" in result.output


def test_failed_build_leaves_previous_site_untouched(tiny_archive, monkeypatch):
    build(load_config(tiny_archive))
    site = tiny_archive / "build"
    before = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    import archive.render as render

    real = render.render_page
    calls = {"n": 0}

    def failing(env, spec, ctx):
        calls["n"] += 1
        if calls["n"] == 5:
            raise RuntimeError("disk on fire")
        return real(env, spec, ctx)

    monkeypatch.setattr(render, "render_page", failing)
    (tiny_archive / "articles" / "new.md").write_text("---\ndate: 2021-06-01\n---\nNew text about Iraq.\n")
    with pytest.raises(RuntimeError):
        build(load_config(tiny_archive))
    after = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in tiny_archive.iterdir() if "tmp" in p.name] == []
