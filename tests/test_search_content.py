"""What the search index holds of each page: an entity page is found by what it says of the
entity (name, type, description, aliases, roles, facts), not by the sentences, quotes and titles
of the articles it lists, which are the articles' own and are indexed with them. Read from the
index Pagefind wrote (its fragments hold each page's indexed text), on the demo archive.

Why: with the lists indexed, entity pages matched nearly every query and crowded out articles,
and an entity's own page ranked below articles for its name (at 10,000 articles, "Assad" did
not bring Bashar al-Assad's page into the first ten results). README, Search."""
from __future__ import annotations

import gzip
import json
import re
from html import unescape
from pathlib import Path

import pytest

from archive.build import build
from archive.config import load_config

REPO = Path(__file__).resolve().parents[1]
SEED = "articles/2021-04-arab-weekly-qaani-baghdad.html"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("indexed") / "site"
    report = build(load_config(REPO, {"output": str(out), "model": "rules", "search": True}))
    # Pagefind is a dependency (pagefind[bin]): a build that did not run it is a failure here
    assert report.search == "pagefind", report.search
    return out


@pytest.fixture(scope="module")
def indexed(site) -> dict[str, str]:
    """page path → the text Pagefind indexed for it."""
    out = {}
    for frag in site.glob("pagefind/*/fragment/*.pf_fragment"):
        data = gzip.decompress(frag.read_bytes())
        record = json.loads(data[data.index(b"{"):])  # after Pagefind's "pagefind_dcd" signature
        out[record["url"].lstrip("/")] = record["content"]
    return out


def _section_text(html: str, label: str) -> str:
    m = re.search(rf'<section aria-labelledby="{label}"[^>]*>(.*?)</section>', html, re.S)
    assert m, f"no {label} section"
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", m.group(1))).split())


def test_an_entity_page_is_indexed_by_what_it_says_of_the_entity(site, indexed):
    content = indexed["actors/esmail-qaani.html"]
    # name, type, description, aliases from the registry, role: each its own words
    for words in ("Esmail Qaani", "Actor", "succeeded Qassem Soleimani", "Also written Qaani",
                  "Soleimani's heir", "Role commander of the Quds Force"):
        assert words in content, words
    # the page lists the seed article with the sentences that name him; none of it is indexed
    html = (site / "actors/esmail-qaani.html").read_text(encoding="utf-8")
    listed = _section_text(html, "articles-h")
    assert "Qaani held meetings with militia leaders" in listed
    assert "Qaani held meetings" not in content and "strategic dialogue starts" not in content
    assert "Mentions" not in content and "Atom feed" not in content
    # ... because the article has them itself
    article = indexed[SEED]
    assert "Qaani held meetings with militia leaders" in article
    assert "Iran's Qaani visits Baghdad as US-Iraq strategic dialogue starts" in article


def test_no_entity_page_indexes_the_articles_it_lists(site, indexed):
    entity_pages = [p for p in indexed if not p.startswith("articles/")]
    assert len(entity_pages) > 20
    seed_title = "Iran's Qaani visits Baghdad"
    listing = [p for p in entity_pages if seed_title in (site / p).read_text(encoding="utf-8").replace("&#39;", "'")]
    assert len(listing) > 10  # the seed names dozens of entities; their pages list it
    assert not [p for p in listing if seed_title in indexed[p]]
    # the entity list beside an article: names indexed (the canonical name of an entity the
    # text calls otherwise), its types and counts not
    assert "Mentioned in this article" in indexed[SEED] and "Quds Force" in indexed[SEED]
    assert "×" not in indexed[SEED] and "Who said what" not in indexed[SEED]
