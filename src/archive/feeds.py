"""Atom feeds (RFC 4287): `feed.xml` for the whole archive and `<folder>/<id>.xml` per entity.

An entity's feed has one entry per article that mentions it and one per quote attributed to
it, newest first, so a researcher can follow an actor in a feed reader.

Links: with an absolute `base_url` (https://…) every href is absolute. With a path base_url
(`/` or `/repo/`) the feed carries `xml:base` set to that path and hrefs relative to the site
root; RFC 4287 allows this (xml:base resolves against the feed's own URL), and common readers
follow it, but some readers only handle absolute URLs: set an absolute base_url for those.
Entry and feed ids must never change (readers use them to spot new entries), so without an
absolute base_url they are `urn:uuid:` names derived from the site title and the page path.

Dates: articles carry partial dates; Atom needs a full timestamp, so a month-precision date
becomes the 1st of the month at 00:00 UTC. `updated` of a feed is its newest entry, never the
build time, so rebuilding unchanged content yields byte-identical feeds.
"""
from __future__ import annotations

import posixpath
import uuid
from functools import lru_cache
from pathlib import Path
from xml.etree import ElementTree as ET

from archive.config import ArchiveConfig
from archive.index import Archive
from archive.models import Article, PartialDate, Quote
from archive.plan import article_path, entity_path

ATOM = "http://www.w3.org/2005/Atom"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
EPOCH = "1970-01-01T00:00:00Z"
MAX_ENTRIES = 50  # readers only look at the newest; the site and data/ hold everything

def feed_path(archive: Archive, entity_id: str) -> str | None:
    """Site path of an entity's feed: next to its page, `.xml` instead of `.html`."""
    page = entity_path(archive, entity_id)
    return page[: -len(".html")] + ".xml" if page else None


def timestamp(date: PartialDate | None) -> str:
    if date is None:
        return EPOCH
    return f"{date.year:04d}-{date.month or 1:02d}-{date.day or 1:02d}T00:00:00Z"


class _Site:
    """How hrefs and ids are written for one build (see the module docstring)."""

    def __init__(self, config: ArchiveConfig):
        self.base = config.base_url
        self.absolute = "://" in self.base
        self.title = config.title

    def href(self, path: str, from_feed: str) -> str:
        if self.absolute:
            return self.base + path
        if self.base:  # '/repo/': relative to the site root, which xml:base names
            return path
        # base_url '' (relative site): relative to the feed file itself
        return posixpath.relpath(path, posixpath.dirname(from_feed) or ".")

    def xml_base(self) -> str | None:
        return None if self.absolute or not self.base else self.base

    def ident(self, path: str) -> str:
        if self.absolute:
            return self.base + path
        return _urn(self.title, path)


@lru_cache(maxsize=65536)
def _urn(title: str, path: str) -> str:
    # an article is an entry of the main feed and of every entity feed it mentions: one uuid5 each
    return uuid.uuid5(uuid.NAMESPACE_URL, f"archive:{title}:{path}").urn


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs) -> ET.Element:
    el = ET.SubElement(parent, tag, {k: v for k, v in attrs.items() if v is not None})
    if text is not None:
        el.text = text
    return el


class _Done(ET.Element):
    """An entry already written out (`lines`): serialize() copies its lines."""


# An article's entry is the same in the main feed and in the feed of every entity it names
# (with a path base_url): written once per process, keyed by everything it shows.
_ENTRIES: dict[tuple, list[str]] = {}


def _article_entry(feed: ET.Element, site: _Site, art: Article, me: str) -> None:
    path = article_path(art.id)
    href = site.href(path, me)
    key = (site.base, site.title, href, art.id, art.title, art.date, art.author, art.source, art.summary)
    lines = _ENTRIES.get(key)
    if lines is None:
        entry = ET.Element("entry")
        _article_entry_tree(entry, site, art, path, href)
        lines = []
        _lines(entry, lines, " ")
        if len(_ENTRIES) > 100_000:
            _ENTRIES.clear()
        _ENTRIES[key] = lines
    done = _Done("entry")
    done.lines = lines
    feed.append(done)


def _article_entry_tree(entry: ET.Element, site: _Site, art: Article, path: str, href: str) -> None:
    _sub(entry, "id", site.ident(path))
    _sub(entry, "title", art.title)
    _sub(entry, "updated", timestamp(art.date))
    if art.date:
        _sub(entry, "published", timestamp(art.date))
    _sub(entry, "link", rel="alternate", type="text/html", href=href)
    if art.author:
        _sub(_sub(entry, "author"), "name", art.author)
    if art.source:
        _sub(entry, "category", term=art.source)
    if art.summary:
        _sub(entry, "summary", art.summary)


def _quote_entry(feed: ET.Element, site: _Site, archive: Archive, q: Quote, speaker: str, me: str) -> None:
    art = archive.article(q.article)
    entry = _sub(feed, "entry")
    _sub(entry, "id", site.ident(f"{article_path(art.id)}#{q.id}"))
    said = "said" if q.kind == "direct" else "said (reported)"
    _sub(entry, "title", f"{speaker} {said}: {q.text[:90]}{'…' if len(q.text) > 90 else ''}")
    _sub(entry, "updated", timestamp(art.date))
    _sub(entry, "link", rel="alternate", type="text/html", href=site.href(f"{article_path(art.id)}#{q.id}", me))
    _sub(entry, "category", term="quote")
    text = f"“{q.text}”" if q.kind == "direct" else q.text
    _sub(entry, "content", f"{text} — {speaker}{f' ({q.cue})' if q.cue else ''}, in “{art.title}”", type="text")


def _feed(site: _Site, me: str, page: str, title: str, subtitle: str | None, items: list) -> ET.Element:
    """A feed from (timestamp, add_entry(feed)) pairs: newest MAX_ENTRIES, `updated` = newest."""
    items = sorted(items, key=lambda it: it[0], reverse=True)[:MAX_ENTRIES]
    # The namespace is declared as a plain xmlns attribute and tags stay unqualified: ElementTree's
    # own namespace handling is process-wide (register_namespace) or breaks on plain attributes.
    feed = ET.Element("feed", xmlns=ATOM)
    if (base := site.xml_base()) is not None:
        feed.set(XML_BASE, base)
    _sub(feed, "id", site.ident(me))
    _sub(feed, "title", title)
    if subtitle:
        _sub(feed, "subtitle", subtitle)
    _sub(feed, "link", rel="self", type="application/atom+xml", href=site.href(me, me))
    _sub(feed, "link", rel="alternate", type="text/html", href=site.href(page, me))
    # Atom requires an author for every entry; one on the feed covers entries without one.
    _sub(_sub(feed, "author"), "name", site.title)
    _sub(feed, "generator", "archive")
    _sub(feed, "updated", items[0][0] if items else EPOCH)
    for _, add in items:
        add(feed)
    return feed


def archive_feed(archive: Archive, config: ArchiveConfig) -> ET.Element:
    site, me = _Site(config), "feed.xml"
    items = [(timestamp(a.date), lambda feed, a=a: _article_entry(feed, site, a, me)) for a in archive.articles]
    return _feed(site, me, "index.html", config.title, config.description, items)


def _entity_items(archive: Archive, entity_id: str) -> list[tuple[str, object]]:
    """The entries of an entity's feed, (timestamp, article or quote), newest MAX_ENTRIES:
    its articles, then the quotes attributed to it, sorted newest first (a stable sort)."""
    stamps = getattr(archive, "_feed_stamps", None)
    if stamps is None:  # one timestamp per article, for all the feeds of a build
        stamps = {a.id: timestamp(a.date) for a in archive.articles}
        try:
            archive._feed_stamps = stamps
        except AttributeError:
            pass
    items = [(stamps[aid], archive.article(aid)) for aid in archive.entity_articles.get(entity_id, [])]
    items += [(stamps[q.article], q) for q in archive.entity_quotes.get(entity_id, [])]
    return sorted(items, key=lambda it: it[0], reverse=True)[:MAX_ENTRIES]


def entity_feed(archive: Archive, config: ArchiveConfig, entity_id: str) -> ET.Element:
    site, me = _Site(config), feed_path(archive, entity_id)
    ent = archive.entities[entity_id]
    items = [(ts, (lambda feed, a=obj: _article_entry(feed, site, a, me)) if isinstance(obj, Article)
              else (lambda feed, q=obj: _quote_entry(feed, site, archive, q, ent.name, me)))
             for ts, obj in _entity_items(archive, entity_id)]
    return _feed(site, me, entity_path(archive, entity_id), f"{ent.name} · {config.title}",
                 f"New articles mentioning {ent.name}, and what {ent.name} said.", items)


def _write(feed: ET.Element, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(serialize(feed))


def serialize(feed: ET.Element) -> bytes:
    """The bytes ET.indent(feed, space=" ") and ElementTree.write(encoding="utf-8",
    xml_declaration=True) give, for the trees this module builds (text or children, never
    both), written directly: ElementTree's writer was half the time of all feeds. Anything
    else (a namespaced tag or attribute) goes to ElementTree itself."""
    lines = ["<?xml version='1.0' encoding='utf-8'?>"]
    try:
        _lines(feed, lines, "")
    except _Unusual:
        if any(el.__class__ is _Done for el in feed.iter()):
            raise ValueError("a written-out entry in a tree ElementTree must write") from None
        ET.indent(feed, space=" ")
        return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return "\n".join(lines).encode("utf-8")


class _Unusual(Exception):
    pass


def _lines(el: ET.Element, out: list[str], pad: str) -> None:
    if el.__class__ is _Done:
        if pad != " ":
            raise _Unusual
        out.extend(el.lines)
        return
    tag = el.tag
    if not isinstance(tag, str) or tag.startswith("{"):
        raise _Unusual
    attrs = "".join(f' {_ATTR_NAMES.get(k) or _plain(k)}="{_attrib(v)}"' for k, v in el.items())
    if len(el):
        if el.text and el.text.strip():
            raise _Unusual  # mixed content: not made here
        out.append(f"{pad}<{tag}{attrs}>")
        for child in el:
            if child.tail and child.tail.strip():
                raise _Unusual
            _lines(child, out, pad + " ")
        out.append(f"{pad}</{tag}>")
    elif el.text:
        out.append(f"{pad}<{tag}{attrs}>{_cdata(el.text)}</{tag}>")
    else:
        out.append(f"{pad}<{tag}{attrs} />")


_ATTR_NAMES = {XML_BASE: "xml:base"}


def _plain(name: str) -> str:
    if name.startswith("{"):
        raise _Unusual
    return name


def _cdata(text: str) -> str:  # as ElementTree escapes text
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attrib(text: str) -> str:  # as ElementTree escapes attribute values
    return (_cdata(text).replace('"', "&quot;").replace("\r", "&#13;").replace("\n", "&#10;")
            .replace("\t", "&#09;"))


def entity_feed_inputs(archive: Archive, config: ArchiveConfig, entity_id: str) -> tuple:
    """Everything an entity's feed is made from, for its key (render.Reuse): an unchanged feed
    is carried over from the previous build instead of being made again. Only the entries it
    shows count (the newest MAX_ENTRIES), so an older article does not change the key."""
    ent = archive.entities[entity_id]
    return (config.title, config.base_url, feed_path(archive, entity_id), entity_path(archive, entity_id), ent.name,
            _entity_items(archive, entity_id))


def write_feeds(archive: Archive, config: ArchiveConfig, out: Path, entity_ids, main: bool = True,
                reuse=None) -> tuple[int, dict[str, str]]:
    """Write feed.xml (unless `main` is False) and one feed per entity in `entity_ids` (those
    with a page). Returns the count and {path: key} of the entity feeds (with `reuse`, those
    whose key did not change are linked from the previous site rather than made)."""
    n = 0
    keyed: dict[str, str] = {}
    if main:
        _write(archive_feed(archive, config), out / "feed.xml")
        n = 1
    for eid in entity_ids:
        path = feed_path(archive, eid)
        if path:
            key = (reuse.key_of(path, lambda: entity_feed_inputs(archive, config, eid))
                   if reuse is not None else None)
            if key is not None:
                keyed[path] = key
            if not (reuse is not None and reuse.link(path, key)):
                _write(entity_feed(archive, config, eid), out / path)
            n += 1
    return n, keyed
