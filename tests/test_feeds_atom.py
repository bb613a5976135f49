"""Atom feeds: well-formed XML with the elements RFC 4287 requires, linked from the pages."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin
from xml.etree import ElementTree as ET

import pytest

from issue6_site import build_site

A = "{http://www.w3.org/2005/Atom}"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$")


def check_atom(path):
    """The RFC 4287 MUSTs that a reader relies on; returns the parsed root."""
    root = ET.parse(path).getroot()
    assert root.tag == A + "feed"
    for tag in ("id", "title", "updated"):
        assert len(root.findall(A + tag)) == 1, (path, tag)
    assert RFC3339.match(root.findtext(A + "updated"))
    assert any(l.get("rel") == "self" for l in root.findall(A + "link"))
    feed_author = root.find(A + "author") is not None
    ids = set()
    for entry in root.findall(A + "entry"):
        for tag in ("id", "title", "updated"):
            assert len(entry.findall(A + tag)) == 1, (path, tag)
        assert RFC3339.match(entry.findtext(A + "updated"))
        assert entry.find(A + "content") is not None or any(
            l.get("rel", "alternate") == "alternate" for l in entry.findall(A + "link"))
        assert feed_author or entry.find(A + "author") is not None
        ident = entry.findtext(A + "id")
        assert ":" in ident and ident not in ids  # an IRI, unique within the feed
        ids.add(ident)
    return root


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build_site(tmp_path_factory.mktemp("feeds"), base_url="/repo/")[0]


def test_archive_feed_valid_and_newest_first(site):
    root = check_atom(site / "feed.xml")
    entries = root.findall(A + "entry")
    assert [e.findtext(A + "title") for e in entries][0].startswith("Rockets hit base <near> Baghdad & the airport")
    stamps = [e.findtext(A + "updated") for e in entries]
    assert stamps == sorted(stamps, reverse=True) and len(entries) == 3
    assert root.findtext(A + "updated") == stamps[0]


def test_hrefs_resolve_to_built_files_under_sub_path(site):
    for feed in [site / "feed.xml", site / "actors" / "jaafar-husseini.xml"]:
        root = ET.parse(feed).getroot()
        base = root.get(XML_BASE)
        assert base == "/repo/"
        feed_url = "http://example.org/repo/" + feed.relative_to(site).as_posix()
        for link in root.iter(A + "link"):
            url = urljoin(urljoin(feed_url, base), link.get("href"))
            assert url.startswith("http://example.org/repo/"), url
            target = url[len("http://example.org/repo/"):].split("#")[0] or "index.html"
            assert (site / target).is_file(), url


def test_entity_feed_has_articles_and_quotes(site):
    root = check_atom(site / "actors" / "jaafar-husseini.xml")
    entries = root.findall(A + "entry")
    cats = [c.get("term") for e in entries for c in e.findall(A + "category")]
    assert cats.count("quote") >= 2
    quote_links = [l.get("href") for e in entries for l in e.findall(A + "link") if "#" in l.get("href")]
    assert any(h.startswith("articles/2021-05-02-rockets.html#") for h in quote_links)


def test_every_entity_page_links_its_feed(site):
    class Links(HTMLParser):
        def __init__(self):
            super().__init__()
            self.feeds = []

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "link" and a.get("rel") == "alternate" and a.get("type") == "application/atom+xml":
                self.feeds.append(a["href"])

    pages = list((site / "actors").glob("*.html")) + list((site / "militias").glob("*.html"))
    checked = 0
    for page in pages:
        if page.name == "index.html":
            continue
        p = Links()
        p.feed(page.read_text(encoding="utf-8"))
        assert "../feed.xml" in p.feeds
        own = [h for h in p.feeds if h != "../feed.xml"]
        assert own == [page.stem + ".xml"] and (page.parent / own[0]).is_file()
        check_atom(page.parent / own[0])
        checked += 1
    assert checked >= 3


def test_absolute_base_url_gives_absolute_links_and_ids(tmp_path):
    site, _ = build_site(tmp_path, base_url="https://example.org/news/")
    root = check_atom(site / "feed.xml")
    assert root.get(XML_BASE) is None
    assert root.findtext(A + "id") == "https://example.org/news/feed.xml"
    assert all(l.get("href").startswith("https://example.org/news/") for l in root.iter(A + "link"))


def test_feeds_are_reproducible(tmp_path):
    a, _ = build_site(tmp_path / "one")
    b, _ = build_site(tmp_path / "two")
    assert (a / "feed.xml").read_bytes() == (b / "feed.xml").read_bytes()


HOSTILE = ["plain", "a & b < c > d", 'quote " here', "line\nbreak\ttab\rreturn", "", "Kata’ib ☃ 𝄞", "]]> <!-- -->"]


@pytest.mark.parametrize("base", ["/", "https://example.org/site/", ""])
def test_direct_writer_equals_elementtree(base):
    """feeds.serialize writes what ET.indent + ElementTree.write wrote, for hostile text."""
    from archive.feeds import XML_BASE, _Site, _sub, serialize

    class Config:
        base_url, title = base, "T & <archive>"

    site = _Site(Config)
    feed = ET.Element("feed", xmlns="http://www.w3.org/2005/Atom")
    if site.xml_base() is not None:
        feed.set(XML_BASE, site.xml_base())
    for text in HOSTILE:
        entry = _sub(feed, "entry")
        _sub(entry, "id", site.ident(f"articles/{text}.html"))
        _sub(entry, "title", text)
        _sub(entry, "link", rel="alternate", type=None, href=site.href(f"articles/{text}.html", "actors/x.xml"))
        _sub(_sub(entry, "author"), "name", text)
        _sub(entry, "category", term=text)
    _sub(feed, "empty")
    got = serialize(feed)
    ET.indent(feed, space=" ")
    assert got == ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def test_remembered_entries_write_what_elementtree_writes():
    """An article's entry is written once and reused (feeds._ENTRIES): same bytes as building
    and writing it each time with ElementTree."""
    from archive.feeds import _article_entry, _article_entry_tree, _Site, _sub, serialize
    from archive.models import Article, PartialDate
    from archive.plan import article_path

    class Config:
        base_url, title = "/", "T"

    site = _Site(Config)
    arts = [Article(id=f"a{k}", slug=f"a{k}", path=f"a{k}.md", title=text or "x", text="t", body=(),
                    date=PartialDate(2021, 4, None), source=text or None, author=text or None, summary=text or None)
            for k, text in enumerate(HOSTILE)]
    fast, ref = (ET.Element("feed", xmlns="http://www.w3.org/2005/Atom") for _ in range(2))
    for art in arts + arts:  # the second time from the memo
        _article_entry(fast, site, art, "feed.xml")
        path = article_path(art.id)
        _article_entry_tree(_sub(ref, "entry"), site, art, path, site.href(path, "feed.xml"))
    ET.indent(ref, space=" ")
    assert serialize(fast) == ET.tostring(ref, encoding="utf-8", xml_declaration=True)
