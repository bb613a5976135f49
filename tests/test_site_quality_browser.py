"""The demo site in a real browser: served from a sub-path on localhost, driven in Debian's
Chromium with Playwright; navigation, search, and axe-core (WCAG 2.1 AA) on every page type.

Needs: `pip install playwright` (the `test` extra), a system Chromium (`apt-get install
chromium`; or CHROMIUM=/path), and axe-core from npm (`npm install --no-save axe-core` in the
repository, or AXE_CORE_JS=/path/to/axe.min.js). Each missing piece skips its tests, so the
suite still runs on a machine without a browser.
"""
from __future__ import annotations

import functools
import os
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urljoin

import pytest

from archive.build import build
from archive.config import load_config

REPO = Path(__file__).resolve().parents[1]
PREFIX = "/demo-archive/"
playwright = pytest.importorskip("playwright.sync_api")


def _chromium() -> str | None:
    for cand in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if cand and (path := shutil.which(cand)):
            return path
    return None


def _axe() -> Path | None:
    for cand in (os.environ.get("AXE_CORE_JS"), REPO / "node_modules/axe-core/axe.min.js"):
        if cand and Path(cand).is_file():
            return Path(cand)
    return None


pytestmark = pytest.mark.skipif(_chromium() is None, reason="no Chromium installed")


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """Build the demo archive (rules pipeline) under a sub-path and serve it on localhost."""
    root = tmp_path_factory.mktemp("served")
    out = root / PREFIX.strip("/")
    config = load_config(REPO, {"output": str(out), "base_url": PREFIX, "model": "rules"})
    report = build(config)
    if report.search != "pagefind":
        pytest.skip("Pagefind did not run; the browser tests need the search index")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=_chromium(),
                              args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield b
        b.close()


@pytest.fixture
def page(browser):
    pg = browser.new_page()
    failed = []
    pg.on("response", lambda r: failed.append(r.url) if r.status >= 400 and not r.url.endswith("favicon.ico") else None)
    yield pg
    pg.close()
    assert failed == [], f"requests that failed: {failed}"


def test_navigate_home_militia_article_speaker(page, base):
    page.goto(base)
    page.get_by_role("navigation", name="Sections").get_by_role("link", name="Militias").click()
    assert page.url == base + "militias/index.html"
    page.locator("table.entity-table a.entity").first.click()
    assert page.url.startswith(base + "militias/")
    militia = page.locator("h1").inner_text()
    page.locator("section[aria-labelledby=articles-h] ul.articles > li > a").first.click()
    assert page.url.startswith(base + "articles/")
    assert page.locator("aside.article-side").get_by_role("link", name=militia).count() >= 1
    speaker = page.locator("aside.article-side ul.quotes a.entity").first
    name = speaker.inner_text()
    speaker.click()
    assert page.url.startswith(base) and page.locator("h1").inner_text() == name


def test_search_from_any_page_and_follow_a_result(page, base):
    page.goto(base + "articles/index.html")
    page.fill("#site-search", "Konashenkov")
    page.press("#site-search", "Enter")
    assert page.url.startswith(base + "search/index.html?q=Konashenkov")
    first = page.locator(".search-result-link").first
    first.wait_for(timeout=20000)
    title = first.inner_text()
    first.click()
    page.wait_for_load_state()
    assert page.url.startswith(base) and "search/" not in page.url
    assert page.locator("h1").inner_text().strip() == title.strip()
    # filters from the data-pagefind-filter attributes are offered, counted over every bundle
    page.goto(base + "search/index.html?q=Konashenkov")
    page.locator(".search-result-link").first.wait_for(timeout=20000)
    panel = page.locator("#search-filters").inner_text().lower()
    assert "type" in panel and "source" in panel and "year" in panel


def test_search_a_name_finds_that_entity_s_page_not_every_page_listing_its_articles(page, base):
    """Entity pages are indexed by what they say of the entity, not by the articles they list
    (test_search_content.py): searching a name gives its page first, then the articles that
    name it; Saudi Arabia's page lists the seed article, which names Kadhimi, and is not a
    result (it was, with 26 other pages, before)."""
    titles = _first_results(page, base + "search/index.html?q=Kadhimi")
    total = int(page.locator("#search-status").inner_text().split()[0])
    assert titles[0] == "Mustafa Kadhimi"
    assert "Saudi Arabia" not in titles and total == len(titles) < 10
    assert any("Qaani visits Baghdad" in t for t in titles)


def _first_results(page, url):
    page.goto(url)
    page.locator(".search-result-link").first.wait_for(timeout=20000)
    return page.locator(".search-result-link").all_inner_texts()


def _shown(page) -> list[tuple[str, str]]:
    """(type, date) of each result shown, from its line of facts ("Article · 2017-10-03")."""
    out = []
    for facts in page.locator(".search-result .meta").all_inner_texts():
        kind, _, date = facts.partition(" · ")
        out.append((kind, date))
    return out


def test_search_orders_by_date_across_bundles(page, base):
    """The index is in bundles (articles, entities); ordered by date, their results are merged
    by date, not bundle by bundle. "More results" goes on in the same order."""
    newest = _first_results(page, base + "search/index.html?q=Syria&sort=desc")
    while page.locator("#search-more").is_visible():
        n = page.locator(".search-result").count()
        page.click("#search-more")
        page.wait_for_function(f"document.querySelectorAll('.search-result').length > {n}")
    shown = _shown(page)
    total = int(page.locator("#search-status").inner_text().split()[0])
    assert len(shown) == total > 10  # every result, ten at a time
    assert _by_date(shown, newest_first=True)
    assert {k for k, _ in shown} >= {"Article", "Place"}  # both bundles, interleaved by date
    oldest = _first_results(page, base + "search/index.html?q=Syria&sort=asc")
    assert _by_date(_shown(page), newest_first=False) and newest[0] != oldest[0]
    assert page.locator("#search-sort").input_value() == "asc"
    # the select re-runs the search in the chosen order, and the address keeps it
    page.select_option("#search-sort", "desc")
    page.wait_for_function("(t) => { const a = document.querySelector('.search-result-link');"
                           " return a && a.innerText !== t; }", arg=oldest[0], timeout=30000)
    assert "sort=desc" in page.url
    assert _by_date(_shown(page), newest_first=True)


def _by_date(shown: list[tuple[str, str]], newest_first: bool) -> bool:
    """Whether the results come in date order, those without a date (an entity named in no
    dated article: Pagefind's sorted search leaves them out, the page adds them) after."""
    dates = [d for _, d in shown]
    dated = [d for d in dates if d]
    return (len(dated) > 1 and dated == sorted(dated, reverse=newest_first) and dated[0] != dated[-1]
            and dates[:len(dated)] == dated)


def test_search_filters_narrow_the_results_and_stay_in_the_address(page, base):
    _first_results(page, base + "search/index.html?q=Syria")
    everything = int(page.locator("#search-status").inner_text().split()[0])
    page.locator("#search-filters input[name=type][value=Article]").check()
    page.wait_for_function("(n) => parseInt(document.querySelector('#search-status').innerText) < n", arg=everything)
    assert {k for k, _ in _shown(page)} == {"Article"}
    assert "type=Article" in page.url
    # a filter alone, without words: every page it lets through
    articles = _first_results(page, base + "search/index.html?type=Militia")
    assert articles and {k for k, _ in _shown(page)} == {"Militia"}
    assert page.locator("#search-filters input[name=type][value=Militia]").is_checked()
    militias = page.locator("#search-status").inner_text()
    # ordered by date, the militias never named in a dated article are still there, last
    _first_results(page, base + "search/index.html?type=Militia&sort=asc")
    assert page.locator("#search-status").inner_text() == militias
    while page.locator("#search-more").is_visible():
        n = page.locator(".search-result").count()
        page.click("#search-more")
        page.wait_for_function(f"document.querySelectorAll('.search-result').length > {n}")
    shown = _shown(page)
    assert shown[-1][1] == "" and _by_date(shown, newest_first=False)


def test_network_picture_links_work(page, base):
    page.goto(base + "network/index.html")
    link = page.locator("svg.whole a").first
    href = link.get_attribute("href")
    link.click()
    assert page.url == urljoin(base + "network/index.html", href)
    assert page.locator("h1").count() == 1


PAGE_TYPES = ["", "articles/index.html", "articles/2021-04-arab-weekly-qaani-baghdad.html", "militias/index.html",
              "militias/kataib-hezbollah.html", "actors/esmail-qaani.html", "places/baghdad.html",
              "events/us-iraq-strategic-dialogue.html", "quotes/index.html", "timeline/index.html",
              "network/index.html", "data/index.html", "search/index.html?q=Qaani", "404.html"]


@pytest.mark.skipif(_axe() is None, reason="axe-core not installed (npm install --no-save axe-core)")
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_wcag21aa_no_violations(browser, base, scheme):
    axe = _axe().read_text(encoding="utf-8")
    page = browser.new_page(color_scheme=scheme)
    problems = {}
    try:
        for rel in PAGE_TYPES:
            page.goto(base + rel)
            if rel.startswith("search/"):
                page.locator(".search-result-link").first.wait_for(timeout=20000)
            page.add_script_tag(content=axe)
            found = page.evaluate("""async () => {
                const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
                return r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', '));
            }""")
            if found:
                problems[rel or "home"] = found
    finally:
        page.close()
    assert problems == {}


def test_serve_preview_search_answers_and_follows_a_save(page, tmp_path):
    """`archive serve` builds the index after the pages, outside the site, and answers
    /pagefind/... from it (serve_search.py): search works in the preview, and finds a saved
    article once its index is in."""
    from archive.serve import DevServer
    from test_serve import write_archive

    srv = DevServer(write_archive(tmp_path / "a"), port=0, interval=0.1).start()
    try:
        assert srv.search.wait(60) and srv.search.runs == 1
        assert "Talks stall" in _first_results(page, srv.url + "search/index.html?q=Omar")
        (srv.archive_dir / "articles" / "zebra.md").write_text(
            "---\ntitle: Zebra crossing\ndate: 2021-04-09\n---\n\nA zebra crossing opened in Basra.\n", encoding="utf-8")
        assert srv.wait_for_version(2, 60) and srv.search.wait(60) and srv.search.runs == 2
        assert "Zebra crossing" in _first_results(page, srv.url + "search/index.html?q=zebra")
    finally:
        srv.stop()
