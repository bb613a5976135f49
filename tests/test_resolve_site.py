"""The resolution fixture built as a site: actor roles, organisation members, event pages and
the timeline, checked by parsing the HTML."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from archive.build import build
from archive.config import load_config
from sitecheck import Page, broken_links

FIXTURE = Path(__file__).parent / "fixtures" / "resolve"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    dest = tmp_path_factory.mktemp("resolve") / "archive"
    shutil.copytree(FIXTURE, dest)
    report = build(load_config(dest, {"model": "rules"}))
    assert not report.skipped
    return dest / "build"


def test_no_broken_links(site):
    assert broken_links(site) == []


def test_timeline_is_linked_and_ordered(site):
    home = Page(site / "index.html")
    assert any(a["href"].endswith("timeline/index.html") for a in home.find("a"))
    page = Page(site / "timeline" / "index.html")
    # the chronology, after the picture's month table
    start = next(i for i, (tag, a) in enumerate(page.elements) if a.get("id") == "chron-h")
    dates = [a["datetime"] for tag, a in page.elements[start:] if tag == "time"]
    assert "2021-04-07" in dates and "2019-03-01" in dates
    assert dates == sorted(dates, key=lambda d: d.ljust(10, "0"))
    # the event (7 April 2021) and "on Wednesday" in the article of 8 April 2021, resolved
    assert dates.count("2021-04-07") == 2
    assert page.find("li", **{"class": "tl-reported"})
    assert not page.find("li", **{"class": "tl-approximate"}) or "approximate" in page.text


def test_actor_page_shows_the_role_found_in_the_articles(site):
    page = Page(site / "actors" / "saleh-hamdani.html")
    assert "Iraqi blogger" in page.text


def test_organisation_page_lists_its_officials(site):
    page = Page(site / "militias" / "popular-mobilisation-forces.html")
    members = page.find("ul", **{"class": "members"})
    assert members and "Abu Fadak Mohammedawi" in page.text


def test_event_page_lists_participants_and_articles(site):
    page = Page(site / "events" / "strategic-dialogue.html")
    hrefs = [a["href"] for a in page.find("a")]
    assert any(h.endswith("actors/mustafa-kadhimi.html") for h in hrefs)
    assert any(h.endswith("articles/2021-04-08-talks.html") for h in hrefs)
