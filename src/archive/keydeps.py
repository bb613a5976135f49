"""Which pages keep their render key when only articles changed, without keying them.

A build whose inputs differ from the last build's (`PageKeys.inputs`: an article added,
edited or removed) used to key every page again: 16,000 contexts made and hashed at 10,000
articles, ~3.5 s of CPU, to find the ~30 pages that adding one article changes. This module
finds them from what each kind of page is made of (the contract in pagekey.py):

- an article page: its article (the file's content hash), its resolved mentions (quotes,
  sentences and dates follow from the file and the annotation setup), and the values of the
  entities it links (each entity's `PageKeys` digest: name, type, roles, …);
- an entity page (and its pages by date): the entity's value, and what the articles that
  name it say about it (its mentions, contexts, quotes, co-mentions, roles, event
  participants, pictures); an organisation's page also lists the people with a role in it,
  ordered by their mentions;
- a page of the timeline below its index: the entries of its year, or of its month for a
  long year's month page (registry events, and the articles dated or reporting a date in
  that period), and the pages it links as previous and next (`plan.TimelinePlace`);
- a page by date of a long listing (articles, quotes, an entity's articles): its items, their
  articles, and its pager (`PageSpec.shows`).

So when the annotation setup, site digest, entity values and the pictures' month span are
the last build's (`KeyState.setup`, `entities`, `span`), only these pages can have changed:
the pages of the articles whose digest changed (added, edited, re-resolved, removed); the
pages of the entities those articles name (before and after the change), with the
organisations those people have a role in; the timeline's pages of the years and months their
entries are in (a long year's overview counts its months: it is keyed with any of them), and
those whose links changed (a month page added next to them); and the listing
pages that show a changed article or whose items or pager changed. Every other such page
keeps the key in the last build's manifest, and so does the feed of an entity whose page
kept its key (`carried_files`). Every other kind of page (home, indexes, the first page of
each listing, …) is keyed as before. When any of those conditions fails, every page is keyed
(`unchanged_keys` returns None).

The same digests key each article's rows in the data exports (`article_keys`,
export_rows.py), so the exports no longer pickle every text to find the changed articles.

`ARCHIVE_VERIFY_KEYS=1` (the test suite sets it) makes every key taken this way again and
fails the build if one differs: the check that these rules cover what pages show.
"""
from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass
from pathlib import Path

from archive.errors import ArchiveError
from archive.jsonfile import write_bytes_atomic
from archive.pagekey import _plain_dump

STATE_VERSION = 7
VERIFY_ENV = "ARCHIVE_VERIFY_KEYS"
# kinds whose pages this module may vouch for; every other kind is keyed every time
_ARTICLE_KINDS = frozenset({"article"})
_ENTITY_KINDS = frozenset({"entity", "entity_page"})
_TIMELINE_KINDS = frozenset({"timeline_year"})  # (plan.py: every timeline page but its index)
_LISTING_KINDS = frozenset({"article_index_page", "quotes_page"})  # (and "entity_page": an entity kind)


@dataclass
class KeyState:
    """What the last build's article and entity page keys were made from (saved beside its
    manifest, and valid for the manifest whose `inputs` it names)."""

    inputs: str     # PageKeys.inputs() of the build that saved it
    setup: str      # the site digest, annotation fingerprint and pipeline: all but the articles
    span: list      # the pictures' months (an entity's sparkline spans them)
    articles: dict  # article id → (digest of its file and resolved mentions, entity ids its pages show,
    #                                (year, month or 0) of its timeline entries, the roles it states as
    #                                roles.find_roles finds them: (person, title, organisation, start, end))
    orgs: dict      # person id → organisations the registry gives them a role in (or affiliates them to)
    entities: dict  # entity id → digest of its value (PageKeys._reduce_entity)
    timeline: dict  # path of a timeline page below the index → (template, its plan.TimelinePlace)
    listings: dict  # path of a page by date of a listing → digest of its template, items and pager


def state_path(manifest_path: Path | None) -> Path | None:
    return manifest_path.with_suffix(".deps") if manifest_path is not None else None


def current_state(keys, archive, inputs: str, index_fingerprint: str, pictures, pages: list,
                  last: KeyState | None = None) -> KeyState:
    """This build's KeyState. The roles an article states are a function of its text and
    mentions (its digest), given the setup: taken from `last` for an article whose digest is
    the same, when the setup is (and checked against the text with ARCHIVE_VERIFY_KEYS)."""
    from archive.roles import find_roles

    verifying = bool(os.environ.get(VERIFY_ENV))
    setup = setup_digest(keys, archive, index_fingerprint)
    # the roles also depend on the code and the title words (in the setup's digest)
    same_setup = last is not None and last.setup == setup
    digests = article_digests(keys, archive)
    # (year, month) of each article's timeline entries, from the index the timeline's pages use
    periods: dict[int, list] = {}
    for period, positions in sorted(archive.periods.items()):
        for k in positions:
            periods.setdefault(k, []).append(period)
    speakers: dict[str, set] = {}
    for q in archive.quotes:
        if q.speaker_entity:
            speakers.setdefault(q.article, set()).add(q.speaker_entity)
    articles = {}
    for k, art in enumerate(archive.articles):
        ms = archive.mentions[art.id]
        digest = digests[art.id]
        named = dict.fromkeys([m.entity for m in ms])
        named.update(dict.fromkeys(sorted(speakers.get(art.id, ()))))
        before = last.articles.get(art.id) if same_setup else None
        if before is not None and before[0] == digest:
            stated = before[3]
            if verifying:
                _verify_roles(art, stated, _role_entries(find_roles(art.id, art.text, ms)))
        else:
            stated = _role_entries(find_roles(art.id, art.text, ms))
        articles[art.id] = (digest, tuple(named), tuple(periods.get(k, ())), stated)
    orgs: dict[str, set] = {}
    for e in archive.entities.values():
        for r in e.roles:
            if r.organisation:
                orgs.setdefault(e.id, set()).add(r.organisation)
        if e.affiliation:
            orgs.setdefault(e.id, set()).add(e.affiliation)
    entities = {eid: keys._reduce_entity(e)[1][0] for eid, e in archive.entities.items()}
    return KeyState(inputs, setup, list(getattr(pictures, "span", None) or []), articles,
                    {p: tuple(sorted(o)) for p, o in orgs.items()}, entities,
                    {p.path: (p.template, tuple(p.subject or ())) for p in pages if p.kind in _TIMELINE_KINDS},
                    {p.path: hashlib.sha256(_plain_dump((p.kind, p.template, p.shows))).hexdigest()
                     for p in pages if p.shows is not None})


def _role_entries(found) -> tuple:
    return tuple((r.entity, r.title, r.organisation, r.start, r.end) for r in found)


def _verify_roles(art, kept: tuple, fresh: tuple) -> None:
    if kept != fresh:
        raise ArchiveError(f"the roles kept for {art.path} from the last build are stale (keydeps.py)")


def found_roles(state: KeyState) -> dict:
    """{article id: [FoundRole]} as roles.find_roles gives them: for `Archive.found_in_article`."""
    from archive.roles import FoundRole

    return {aid: [FoundRole(person, title, org, aid, start, end) for person, title, org, start, end in entry[3]]
            for aid, entry in state.articles.items()}


def setup_digest(keys, archive, index_fingerprint: str) -> str:
    """Everything but the articles: the site digest (config, templates, code, registry
    entities), the annotation fingerprint and the pipeline."""
    return hashlib.sha256("\n".join(["setup", keys.site, index_fingerprint, str(archive.pipeline)]).encode()).hexdigest()


def article_digests(keys, archive) -> dict[str, str]:
    """{article id: digest of its file (PageKeys.article_digest) and its resolved mentions}."""
    return {art.id: hashlib.sha256(keys.article_digest(art).encode()
                                   + _plain_dump([tuple(m.__dict__.values()) for m in archive.mentions[art.id]])).hexdigest()
            for art in archive.articles}


def article_keys(state: KeyState | None = None, keys=None, archive=None, index_fingerprint: str | None = None) -> dict[str, str] | None:
    """{article id: digest of the setup, the article's file and its resolved mentions}: all
    that the article's own rows in the data exports are made from (its quotes follow from
    its file, the annotation setup and its mentions), so that they are keyed without
    pickling 10,000 texts (export_rows.py). From this build's `state`, or made from `keys`
    (the same digests: a build that made no state keys its export rows the same way, or the
    next build would find no group of the last one's)."""
    if state is not None:
        setup, digests = state.setup, {aid: entry[0] for aid, entry in state.articles.items()}
    elif keys is not None and keys.site is not None and index_fingerprint:
        setup, digests = setup_digest(keys, archive, index_fingerprint), article_digests(keys, archive)
    else:
        return None
    return {aid: hashlib.sha256(setup.encode() + d.encode()).hexdigest() for aid, d in digests.items()}


def load_state(path: Path | None) -> KeyState | None:
    """The saved state, or None (missing, corrupt or of another version: every page is keyed)."""
    if path is None:
        return None
    try:
        version, fields = pickle.loads(path.read_bytes())
        if version != STATE_VERSION:
            return None
        state = KeyState(**fields)
        if not (isinstance(state.articles, dict) and isinstance(state.orgs, dict) and isinstance(state.entities, dict)):
            return None
        return state
    except Exception:  # a cache file: unreadable means absent, never a failed build
        return None


def save_state(path: Path | None, state: KeyState | None) -> None:
    if path is None:
        return
    try:
        if state is None:
            path.unlink(missing_ok=True)
        else:
            write_bytes_atomic(path, pickle.dumps((STATE_VERSION, state.__dict__), protocol=5))
    except OSError:
        pass  # the next build keys every page: slower, never wrong


def changed_articles(last: KeyState, now: KeyState) -> set[str]:
    """Articles added, removed, or whose file or resolved mentions differ."""
    la, na = last.articles, now.articles
    return ({a for a, v in na.items() if la.get(a, (None,))[0] != v[0]}
            | {a for a in la if a not in na})


def _of_changed(last: KeyState, now: KeyState, changed: set[str], field: int) -> set:
    """The union of one field of the changed articles' entries, before and after the change."""
    out: set = set()
    for aid in changed:
        for state in (last, now):
            entry = state.articles.get(aid)
            if entry is not None:
                out.update(entry[field])
    return out


def touched_entities(last: KeyState, now: KeyState, changed: set[str]) -> set[str]:
    """Entities whose pages may show something of the changed articles."""
    named: set[str] = _of_changed(last, now, changed, 1)
    out = set(named)
    # An organisation's page lists its people (registry roles, and roles articles state: the
    # first of a kind, in article order) ordered by their mentions: a change to a person's
    # articles may change the page of any organisation any article gives them a role in.
    stated: dict[str, set] = {}
    for state in (last, now):
        for entry in state.articles.values():
            for person, _, org, _, _ in entry[3]:
                if org and person in named:
                    stated.setdefault(person, set()).add(org)
    for p in named:
        out.update(last.orgs.get(p, ()))
        out.update(now.orgs.get(p, ()))
        out.update(stated.get(p, ()))
    out.update(e for e in now.entities if e not in last.entities)
    return out


def touched_periods(last: KeyState, now: KeyState, changed: set[str]) -> set[tuple[int, int]]:
    """(year, month or 0) in which the changed articles have (or had) timeline entries."""
    return _of_changed(last, now, changed, 2)




def unchanged_keys(last: KeyState | None, now: KeyState, pages: list, manifest: dict) -> dict | None:
    """{path: manifest entry} for the article and entity pages whose key is the last build's,
    or None when the state says nothing (another setup, an entity's value or the month span
    changed: every page is keyed)."""
    if last is None or last.setup != now.setup or last.span != now.span:
        return None
    if any(last.entities.get(eid, digest) != digest for eid, digest in now.entities.items()):
        return None
    changed = changed_articles(last, now)
    touched = touched_entities(last, now, changed)
    periods = touched_periods(last, now, changed)
    years = {year for year, _ in periods}
    out = {}
    for spec in pages:
        kind = spec.kind
        if kind in _ARTICLE_KINDS:
            if spec.subject is None or spec.subject.id in changed:
                continue
        elif kind in _ENTITY_KINDS:
            if spec.subject is None or spec.subject.id in touched and not _same_listing(spec, last, now, changed):
                continue
        elif kind in _LISTING_KINDS:
            if not _same_listing(spec, last, now, changed):
                continue
        elif kind in _TIMELINE_KINDS:
            place = now.timeline.get(spec.path)
            if place is None or not place[1] or last.timeline.get(spec.path) != place:
                continue
            year, month = place[1][:2]
            if (year, month) in periods if month is not None else year in years:
                continue
        else:
            continue
        entry = manifest.get(spec.path)
        if entry is not None and type(entry[0]) is str:
            out[spec.path] = entry
    return out


def _same_listing(spec, last: KeyState, now: KeyState, changed: set[str]) -> bool:
    """A page by date of a listing that shows the same items with the same pager as last time,
    none of them from a changed article."""
    if spec.shows is None:
        return False
    digest = now.listings.get(spec.path)
    return digest is not None and last.listings.get(spec.path) == digest and changed.isdisjoint(spec.shows[1])


def carried_files(pages: list, known: dict, manifest: dict) -> dict[str, str]:
    """{path: last key} of the feeds of the entities whose page kept its key: a feed shows
    the entity's newest articles and quotes, a part of what its page is made from."""
    out = {}
    for spec in pages:
        if spec.kind == "entity" and spec.path in known and spec.path.endswith(".html"):
            feed = spec.path[: -len(".html")] + ".xml"  # feeds.feed_path
            entry = manifest.get(feed)
            if entry is not None and type(entry[0]) is str:
                out[feed] = entry[0]
    return out


def verify_one(rel: str, known: str, key) -> None:
    """With ARCHIVE_VERIFY_KEYS: `key()` must be the `known` key carried over for `rel`."""
    if os.environ.get(VERIFY_ENV) and key() != known:
        raise ArchiveError(f"the key of {rel} carried over from the last build is stale (keydeps.py misses a dependency)")


def verify(keys, pages: list, known: dict) -> None:
    """With ARCHIVE_VERIFY_KEYS set: every key taken from the last build must be the key the
    page has now (a page whose key was wrongly carried over would keep stale HTML)."""
    if not os.environ.get(VERIFY_ENV):
        return
    wrong = [spec.path for spec in pages if spec.path in known and keys.key(spec) != known[spec.path][0]]
    if wrong:
        raise ArchiveError(f"{len(wrong)} page keys carried over from the last build are stale "
                           f"(keydeps.py misses a dependency): {', '.join(wrong[:10])}")
