"""Page quality: sitemap, 404, canonical URLs, JSON-LD, no CDN assets, working internal links."""
from __future__ import annotations

import json
import posixpath
from html.parser import HTMLParser
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

import pytest

from issue6_site import build_site

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.jsonld, self._in_ld = [], [], False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        self._in_ld = tag == "script" and a.get("type") == "application/ld+json"

    def handle_endtag(self, tag):
        self._in_ld = False

    def handle_data(self, data):
        if self._in_ld:
            self.jsonld.append(json.loads(data))


def parse(path):
    p = Page()
    p.feed(path.read_text(encoding="utf-8"))
    return p


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build_site(tmp_path_factory.mktemp("quality"), base_url="/repo/")[0]


@pytest.fixture(scope="module")
def abs_site(tmp_path_factory):
    return build_site(tmp_path_factory.mktemp("quality-abs"), base_url="https://example.org/news/")[0]


def test_sitemap_lists_every_page_and_only_real_ones(site):
    root = ET.parse(site / "sitemap.xml").getroot()
    locs = [u.findtext(SM + "loc") for u in root.findall(SM + "url")]
    assert all(loc.startswith("/repo/") for loc in locs)
    files = set()
    for loc in locs:
        rel = loc[len("/repo/"):]
        target = site / (rel + "index.html" if rel == "" or rel.endswith("/") else rel)
        assert target.is_file(), loc
        files.add(target)
    pages = {p for p in site.rglob("*.html") if p.name != "404.html" and "pagefind" not in p.parts}
    assert files == pages
    lastmods = [u.findtext(SM + "lastmod") for u in root.findall(SM + "url") if u.find(SM + "lastmod") is not None]
    assert "2021-04-07" in lastmods


def test_404_page_works_from_any_path(site):
    page = parse(site / "404.html")
    bases = [a["href"] for t, a in page.tags if t == "base"]
    assert bases == ["/repo/"]
    # with <base href="/repo/">, relative links resolve inside the site wherever the 404 is served
    links = [a["href"] for t, a in page.tags if t in ("a", "link") and "href" in a and not urlsplit(a["href"]).scheme]
    assert links
    for href in links:
        if href.startswith("#"):
            continue
        target = posixpath.normpath(posixpath.join("/repo/", href))
        assert target.startswith("/repo/") and (site / target[len("/repo/"):]).exists(), href
    assert (site / ".nojekyll").is_file()


def test_canonical_only_with_absolute_base(site, abs_site):
    def canon(s, rel):
        return [a["href"] for t, a in parse(s / rel).tags if t == "link" and a.get("rel") == "canonical"]

    assert canon(site, "articles/2021-04-07-dialogue.html") == []
    assert canon(abs_site, "articles/2021-04-07-dialogue.html") == ["https://example.org/news/articles/2021-04-07-dialogue.html"]
    assert canon(abs_site, "404.html") == []


def test_jsonld_on_articles_and_entities(abs_site):
    art = parse(abs_site / "articles" / "2021-04-07-dialogue.html").jsonld
    assert len(art) == 1 and art[0]["@type"] == "NewsArticle"
    assert art[0]["headline"] == "Dialogue opens in Baghdad" and art[0]["datePublished"] == "2021-04-07"
    assert art[0]["publisher"]["name"] == "Test Wire"
    assert art[0]["url"].startswith("https://example.org/news/")
    assert {"@type": "Organization", "name": "Kata'ib Hezbollah",
            "url": "https://example.org/news/militias/kataib-hezbollah.html"} in art[0]["mentions"]
    quotes = [p for p in art[0].get("hasPart", []) if p["@type"] == "Quotation"]
    assert any(q["creator"]["name"] == "Jaafar Husseini" for q in quotes)
    kinds = {
        "actors/jaafar-husseini.html": "Person", "militias/kataib-hezbollah.html": "Organization",
        "places/baghdad.html": "Place", "events/strategic-dialogue.html": "Event",
    }
    for rel, typ in kinds.items():
        data = parse(abs_site / rel).jsonld
        assert [d["@type"] for d in data] == [typ], rel
    event = parse(abs_site / "events/strategic-dialogue.html").jsonld[0]
    assert event["startDate"] == "2021-04-07" and event["location"]["name"] == "Baghdad"
    person = parse(abs_site / "actors/jaafar-husseini.html").jsonld[0]
    assert person["subjectOf"][0]["@type"] == "Quotation"


def test_jsonld_cannot_close_its_script(site):
    # the title "Rockets hit base <near> Baghdad & the airport" must not leave a raw "<" in JSON-LD
    text = (site / "articles" / "2021-05-02-rockets.html").read_text(encoding="utf-8")
    block = text.split('<script type="application/ld+json">')[1].split("</script>")[0]
    assert "<" not in block and "\\u003cnear>" in block
    assert parse(site / "articles" / "2021-05-02-rockets.html").jsonld[0]["headline"].startswith("Rockets hit base <near>")


def test_no_asset_from_another_host(site):
    for page in site.rglob("*.html"):
        for tag, a in parse(page).tags:
            if tag in ("script", "img", "iframe") and a.get("src"):
                assert not urlsplit(a["src"]).netloc, (page, a)
            if tag == "link" and a.get("rel") in ("stylesheet", "preload", "icon"):
                assert not urlsplit(a["href"]).netloc, (page, a)


def test_every_internal_link_resolves(site):
    checked = 0
    for page in site.rglob("*.html"):
        if page.name == "404.html" or "pagefind" in page.parts:
            continue
        for tag, a in parse(page).tags:
            for key in ("href", "src", "action"):
                v = a.get(key)
                if not v or urlsplit(v).scheme or v.startswith(("#", "//")):
                    continue
                path = urlsplit(v).path
                target = (page.parent / path).resolve()
                if target.is_dir():
                    target = target / "index.html"
                assert target.is_file(), (page, v)
                checked += 1
    assert checked > 100


def test_styles_have_dark_mode_print_and_small_screens(site):
    css = (site / "static" / "style.css").read_text(encoding="utf-8")
    assert "prefers-color-scheme: dark" in css and "@media print" in css and "max-width: 40rem" in css
    assert "@import" not in css and "url(http" not in css
