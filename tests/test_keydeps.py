"""Only articles changed: the article and entity pages they cannot have changed keep their
keys from the last build's manifest (keydeps.py), and the site is still a clean build's.

Every build in the test suite runs with ARCHIVE_VERIFY_KEYS (conftest.py): each key carried
over is checked against the key the page has now. Here that check meets adds, edits, removals
and date moves on the demo archive (its registry has roles, affiliations and events)."""
import shutil
from pathlib import Path

import pytest

from archive import keydeps, pagekey, plan
from archive.build import build
from archive.config import load_config
from archive.errors import ArchiveError
from test_cache import site_bytes

REPO = Path(__file__).resolve().parent.parent
SEED = "2021-04-arab-weekly-qaani-baghdad.md"
FAKES = "fakes/2017-10-03-russian-jets-destroy-daesh-training-center-take-out-seven-co.md"

NEW_ARTICLE = """---
title: "Kata'ib Hezbollah warns Kadhimi"
date: 2021-05-02
source: The Arab Weekly
---

Kata'ib Hezbollah spokesman Jaafar Husseini said on Sunday that the group would not disarm.
"The weapons of the resistance are not for negotiation," Husseini said. Prime Minister
Mustafa Kadhimi met Nadia Rahimi, a spokeswoman for the Popular Mobilisation Forces, in Baghdad.
"""


@pytest.fixture
def demo(tmp_path) -> Path:
    """The demo archive (seeds/ and its registry) in a folder of its own."""
    root = tmp_path / "demo"
    shutil.copytree(REPO / "seeds", root / "seeds")
    (root / "archive.yml").write_text("title: Demo\ncontent: seeds\noutput: build\nmodel: rules\nsearch: false\n", encoding="utf-8")
    return root


def clean_build(root: Path, tmp_path: Path) -> dict:
    out = tmp_path / "clean"
    shutil.rmtree(out, ignore_errors=True)
    build(load_config(root, {"output": str(out)}), jobs=1, use_cache=False)
    return site_bytes(out)


@pytest.fixture
def keyed(monkeypatch):
    """The path of every page keyed from now on (verification off, so that only the keys
    the build needs are counted)."""
    monkeypatch.delenv(keydeps.VERIFY_ENV, raising=False)
    paths = []
    real = pagekey.PageKeys.key
    monkeypatch.setattr(pagekey.PageKeys, "key", lambda self, spec: paths.append(spec.path) or real(self, spec))
    return paths


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_adding_an_article_keys_its_page_and_its_entities_pages_only(demo, tmp_path, keyed):
    config = load_config(demo)
    first = build(config, jobs=1)
    assert len(keyed) == first.pages
    keyed.clear()
    (demo / "seeds" / "2021-05-02-kataib-warns.md").write_text(NEW_ARTICLE, encoding="utf-8")
    again = build(config, jobs=1)
    assert site_bytes(config.output_dir) == clean_build(demo, tmp_path)
    articles = {p for p in keyed if p.startswith("articles/") and p.count("/") == 1 and p != "articles/index.html"}
    assert articles == {"articles/2021-05-02-kataib-warns.html"}
    # entity pages keyed: the ones the new article names (and organisations of their people);
    # the others, named only in other articles, kept their keys
    entity_pages = {p for p in keyed if p.split("/")[0] in {"actors", "militias", "organisations", "places", "events"}
                    and not p.endswith("/index.html")}
    assert "militias/kataib-hezbollah.html" in entity_pages and "actors/mustafa-kadhimi.html" in entity_pages
    assert "actors/igor-konashenkov.html" not in entity_pages
    assert (config.output_dir / "actors/igor-konashenkov.html").is_file()
    assert len(keyed) < again.pages / 2


def test_adding_an_article_keys_the_timeline_pages_of_its_year(demo, tmp_path, monkeypatch, keyed):
    monkeypatch.setattr(plan, "TIMELINE_ON_ONE_PAGE", 3)
    monkeypatch.setattr(plan, "YEAR_ON_ONE_PAGE", 3)
    config = load_config(demo)
    build(config, jobs=1)
    timeline = sorted(p.relative_to(config.output_dir).as_posix() for p in (config.output_dir / "timeline").rglob("*.html"))
    assert "timeline/2017.html" in timeline and "timeline/2021.html" in timeline
    keyed.clear()
    # dated in 2021 and reporting no date of another year: 2021's pages only (and the index)
    (demo / "seeds" / "2021-05-02-kataib-warns.md").write_text(NEW_ARTICLE, encoding="utf-8")
    build(config, jobs=1)
    assert site_bytes(config.output_dir) == clean_build(demo, tmp_path)
    keyed_timeline = {p for p in keyed if p.startswith("timeline/")}
    assert "timeline/index.html" in keyed_timeline and "timeline/2021.html" in keyed_timeline
    assert not any(p.startswith("timeline/2017") for p in keyed_timeline)
    # 2021 is split into months: its overview, the article's month (dated 2 May, reporting
    # "Sunday", the same day; a new page) and the pages beside it (their links changed), not
    # 2021's other months
    assert {p for p in timeline if p.startswith("timeline/2021/")} == {f"timeline/2021/{m}.html" for m in ("01", "04", "10")}
    assert {p for p in keyed_timeline if p.startswith("timeline/2021/")} == {f"timeline/2021/{m}.html" for m in ("04", "05", "10")}


@pytest.mark.parametrize("small_pages", [False, True])
def test_edits_removals_and_date_moves_give_a_clean_builds_site(demo, tmp_path, monkeypatch, small_pages):
    """Each build checks every key it carries over (ARCHIVE_VERIFY_KEYS); the final site is
    byte for byte a clean build's. (`small_pages`: a timeline page per year, and a page per
    month of a year with more than 3 entries; listings of articles, quotes and an entity's
    articles on pages by date from 2 items.)"""
    if small_pages:
        monkeypatch.setattr(plan, "TIMELINE_ON_ONE_PAGE", 3)
        monkeypatch.setattr(plan, "YEAR_ON_ONE_PAGE", 3)
        monkeypatch.setattr(plan, "PER_PAGE", 2)
    config = load_config(demo)
    build(config, jobs=1)
    seeds = demo / "seeds"
    (seeds / "2021-05-02-kataib-warns.md").write_text(NEW_ARTICLE, encoding="utf-8")
    build(config, jobs=1)
    # a person named elsewhere too loses a mention; a spokesman loses his organisation
    edit(seeds / "2021-05-02-kataib-warns.md", "Kata'ib Hezbollah spokesman Jaafar Husseini", "Jaafar Husseini")
    build(config, jobs=1)
    edit(seeds / FAKES, "date: 2017-10-03", "date: 2019-02-11")  # into another year and month
    build(config, jobs=1)
    (seeds / SEED).unlink()  # the article most entities come from
    build(config, jobs=2)
    edit(seeds / "2021-05-02-kataib-warns.md", "Nadia Rahimi", "Nadia Rahimi and Esmail Qaani")
    build(config, jobs=2)
    assert site_bytes(config.output_dir) == clean_build(demo, tmp_path)


def test_a_changed_entity_or_registry_keys_every_page(demo, keyed):
    config = load_config(demo)
    first = build(config, jobs=1)
    keyed.clear()
    edit(demo / "seeds" / "entities.yml", "Iranian general who succeeded", "Iranian commander who succeeded")
    build(config, jobs=1)
    assert len(keyed) == first.pages


def test_a_corrupt_or_foreign_state_keys_every_page(demo, keyed):
    config = load_config(demo)
    first = build(config, jobs=1)
    (state,) = demo.glob(".archive-cache/v*/pages/*.deps")
    state.write_bytes(b"not a pickle")
    keyed.clear()
    (demo / "seeds" / "2021-05-02-kataib-warns.md").write_text(NEW_ARTICLE, encoding="utf-8")
    again = build(config, jobs=1)
    assert len(keyed) == again.pages > first.pages
    # the state saved by that build names its manifest's inputs: the next edit uses it
    keyed.clear()
    edit(demo / "seeds" / "2021-05-02-kataib-warns.md", "on Sunday", "on Monday")
    build(config, jobs=1)
    assert 0 < len(keyed) < again.pages / 2


def test_the_check_fails_a_build_that_would_keep_a_stale_page(demo, monkeypatch):
    """The verification is not vacuous: with the entities' pages left out of what an added
    article touches, the build refuses to carry Kata'ib Hezbollah's old page over."""
    config = load_config(demo)
    build(config, jobs=1)
    monkeypatch.setattr(keydeps, "touched_entities", lambda last, now, changed: set())
    (demo / "seeds" / "2021-05-02-kataib-warns.md").write_text(NEW_ARTICLE, encoding="utf-8")
    with pytest.raises(ArchiveError, match="stale.*kataib-hezbollah"):
        build(config, jobs=1)


def test_adding_an_article_keys_only_the_listing_pages_that_show_it(demo, tmp_path, monkeypatch, keyed):
    monkeypatch.setattr(plan, "PER_PAGE", 2)
    config = load_config(demo)
    build(config, jobs=1)
    listing = sorted(p.relative_to(config.output_dir).as_posix() for p in (config.output_dir / "quotes" / "page").glob("*.html"))
    assert len(listing) > 5
    keyed.clear()
    (demo / "seeds" / "2021-05-02-kataib-warns.md").write_text(NEW_ARTICLE, encoding="utf-8")
    build(config, jobs=1)
    assert site_bytes(config.output_dir) == clean_build(demo, tmp_path)
    dated = {p for p in keyed if "/page/" in p}
    assert "articles/page/2021-05.html" in dated or "articles/page/2021.html" in dated
    assert not any(p.startswith(("quotes/page/2014", "quotes/page/2017", "articles/page/2014")) for p in dated)


def test_the_check_fails_a_build_that_would_keep_a_stale_feed(demo, monkeypatch):
    """Feeds of entities whose page kept its key keep theirs; the check (ARCHIVE_VERIFY_KEYS)
    fails a build that claims that of every feed, Kata'ib Hezbollah's included."""
    config = load_config(demo)
    build(config, jobs=1)

    def every_feed(pages, known, manifest):
        return {rel: entry[0] for rel, entry in manifest.items() if rel.endswith(".xml") and rel != "feed.xml"}

    monkeypatch.setattr(keydeps, "carried_files", every_feed)
    (demo / "seeds" / "2021-05-02-kataib-warns.md").write_text(NEW_ARTICLE, encoding="utf-8")
    with pytest.raises(ArchiveError, match=r"the key of (actors|militias)/[a-z-]+\.xml carried over .* stale"):
        build(config, jobs=1)


def test_feeds_of_untouched_entities_keep_their_keys(demo, tmp_path, monkeypatch):
    from archive import feeds

    config = load_config(demo)
    build(config, jobs=1)
    monkeypatch.delenv(keydeps.VERIFY_ENV, raising=False)
    asked = []
    real = feeds.entity_feed_inputs
    monkeypatch.setattr(feeds, "entity_feed_inputs", lambda a, c, eid: asked.append(eid) or real(a, c, eid))
    (demo / "seeds" / "2021-05-02-kataib-warns.md").write_text(NEW_ARTICLE, encoding="utf-8")
    build(config, jobs=1)
    assert "kataib-hezbollah" in asked and "igor-konashenkov" not in asked
    assert site_bytes(config.output_dir) == clean_build(demo, tmp_path)


def test_export_rows_are_keyed_alike_by_every_kind_of_build(demo, monkeypatch):
    """A build that made no key state (same inputs as the last one: here with the page store
    and the export records removed, so its data files are made again) keys each article's
    export rows as a build with a state does: the next build, adding an article, makes the
    rows of that article alone."""
    from archive import export_rows

    config = load_config(demo)
    build(config, jobs=1)
    shutil.rmtree(config.output_dir)
    for folder in [*demo.glob(".archive-cache/v*/pages-store"), *demo.glob(".archive-cache/v*/exports")]:
        shutil.rmtree(folder)
    build(config, jobs=1)
    made = []
    real = export_rows.Group.mentions.fget
    monkeypatch.setattr(export_rows.Group, "mentions",
                        property(lambda g: (made.append(g.id) if g._mentions is None else None) or real(g)))
    (demo / "seeds" / "2021-05-02-kataib-warns.md").write_text(NEW_ARTICLE, encoding="utf-8")
    build(config, jobs=1)
    assert made == ["2021-05-02-kataib-warns"]


def test_roles_of_unchanged_articles_come_from_the_state(demo, tmp_path, monkeypatch):
    """Adding an article searches its text alone for stated roles; the others' come from the
    last build's state, and the site is a clean build's (roles show on people's and
    organisations' pages)."""
    from archive import index, roles

    config = load_config(demo)
    build(config, jobs=1)
    monkeypatch.delenv(keydeps.VERIFY_ENV, raising=False)
    searched = []
    real = roles.find_roles
    for module in (roles, index):  # (index.py imports it by name)
        monkeypatch.setattr(module, "find_roles", lambda aid, text, ms: searched.append(aid) or real(aid, text, ms))
    (demo / "seeds" / "2021-05-02-kataib-warns.md").write_text(NEW_ARTICLE, encoding="utf-8")
    build(config, jobs=1)
    assert searched == ["2021-05-02-kataib-warns"]
    assert site_bytes(config.output_dir) == clean_build(demo, tmp_path)


def test_the_check_fails_a_build_whose_kept_roles_are_stale(demo, monkeypatch):
    """With ARCHIVE_VERIFY_KEYS, the roles kept for an unchanged article are checked against
    its text: a state whose roles were tampered with fails the build, naming the article."""
    config = load_config(demo)
    build(config, jobs=1)
    path = keydeps.state_path(next(demo.glob(".archive-cache/v*/pages/*.json")))
    state = keydeps.load_state(path)
    seed = next(aid for aid, entry in state.articles.items() if entry[3])
    entry = state.articles[seed]
    state.articles[seed] = (*entry[:3], entry[3][1:])  # one role forgotten
    keydeps.save_state(path, state)
    (demo / "seeds" / "2021-05-02-kataib-warns.md").write_text(NEW_ARTICLE, encoding="utf-8")
    with pytest.raises(ArchiveError, match="roles kept for .* are stale"):
        build(config, jobs=1)


def test_roles_are_searched_again_when_the_setup_changed(demo, monkeypatch):
    """The kept roles depend on the code and the title words too: with another setup (here a
    template, which changes the site digest) every article's text is searched again."""
    from archive import index, roles

    config = load_config(demo)
    build(config, jobs=1)
    monkeypatch.delenv(keydeps.VERIFY_ENV, raising=False)
    searched = []
    real = roles.find_roles
    for module in (roles, index):
        monkeypatch.setattr(module, "find_roles", lambda aid, text, ms: searched.append(aid) or real(aid, text, ms))
    templates = demo / "templates"
    templates.mkdir()
    (templates / "404.html").write_text("<p>Not here.</p>\n", encoding="utf-8")
    (demo / "seeds" / "2021-05-02-kataib-warns.md").write_text(NEW_ARTICLE, encoding="utf-8")
    build(config, jobs=1)
    assert SEED.removesuffix(".md") in searched and len(set(searched)) > 2
