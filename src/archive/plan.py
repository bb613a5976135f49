"""Plan every page of the site: one `PageSpec` (kind, template, output path, context) each.

All URL and slug rules live here. Links between pages are relative (computed at render time
from the page's own path), so the site works opened from disk, at a domain root, and under a
sub-path; `base_url` is used only where an absolute URL is required (canonical links).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from archive.body import ArticleBody
from archive.config import ArchiveConfig
from archive.errors import ArchiveError
from archive.index import Archive
from archive.timeline import timeline_context

# Entity type → (folder, plural title, singular label)
SECTIONS = {
    "actor": ("actors", "Actors", "Actor"),
    "militia": ("militias", "Militias", "Militia"),
    "organisation": ("organisations", "Organisations", "Organisation"),
    "place": ("places", "Places", "Place"),
    "event": ("events", "Events", "Event"),
}


@dataclass(frozen=True)
class PageSpec:
    kind: str
    template: str
    path: str
    context: dict


def article_path(article_id: str) -> str:
    return f"articles/{article_id}.html"


def entity_path(archive: Archive, entity_id: str) -> str | None:
    # Asked ~40 times per page (every link to an entity): remembered per archive. The index
    # is complete before any page is planned, so an entity's type no longer changes.
    memo = getattr(archive, "_entity_paths", None)
    if memo is None:
        memo = {}
        try:
            archive._entity_paths = memo
        except AttributeError:  # an object that takes no attributes: no memo
            pass
    try:
        return memo[entity_id]
    except KeyError:
        ent = archive.entities.get(entity_id)
        path = None if ent is None or ent.type not in SECTIONS else f"{SECTIONS[ent.type][0]}/{entity_id}.html"
        memo[entity_id] = path
        return path


def _top(archive: Archive, types: set[str], n: int) -> list[tuple]:
    ranked = [(eid, c) for eid, c in archive.mention_counts.most_common() if archive.entities[eid].type in types]
    return [(archive.entities[eid], c, len(archive.entity_articles.get(eid, []))) for eid, c in ranked[:n]]


def plan_site(archive: Archive, config: ArchiveConfig) -> list[PageSpec]:
    pages: list[PageSpec] = []
    quotes_by_article: dict[str, list] = {}
    for q in archive.quotes:
        quotes_by_article.setdefault(q.article, []).append(q)
    pages.append(PageSpec("home", "home.html", "index.html", {
        "latest": archive.articles[: config.latest_articles],
        "top_actors": _top(archive, {"actor"}, config.top_entities),
        "top_groups": _top(archive, {"militia", "organisation"}, config.top_entities),
        "recent_quotes": [q for q in archive.quotes if q.speaker_entity][: config.recent_quotes],
    }))
    pages.append(PageSpec("article_index", "articles.html", "articles/index.html", {"articles": archive.articles}))
    for art in archive.articles:
        mentions = archive.mentions[art.id]
        quotes = quotes_by_article.get(art.id, [])
        linked = [(m, entity_path(archive, m.entity)) for m in mentions]
        counts = Counter(m.entity for m in mentions)
        pages.append(PageSpec("article", "article.html", article_path(art.id), {
            "article": art,
            "body": ArticleBody(art, linked, quotes, archive),  # rendered only if the page is
            "quotes": quotes,
            "entity_counts": [(archive.entities[eid], n) for eid, n in counts.most_common() if entity_path(archive, eid)],
        }))
    for etype, (folder, title, label) in SECTIONS.items():
        members = sorted((e for e in archive.entities.values() if e.type == etype and (e.in_registry or archive.mention_counts[e.id])),
                         key=lambda e: (-archive.mention_counts[e.id], e.name.lower()))
        pages.append(PageSpec("entity_index", "entities.html", f"{folder}/index.html", {
            "entity_type": etype, "section_title": title, "label": label,
            "members": [(e, archive.mention_counts[e.id], len(archive.entity_articles.get(e.id, []))) for e in members],
        }))
        for ent in members:
            pages.append(PageSpec("entity", "entity.html", f"{folder}/{ent.id}.html", _entity_context(archive, ent, label)))
    pages.append(PageSpec("quotes", "quotes.html", "quotes/index.html", {"quotes": archive.quotes}))
    # issue 6: pictures, search and the 404 page (their content comes from svg.py / Pagefind)
    pages.append(PageSpec("timeline", "timeline.html", "timeline/index.html", timeline_context(archive)))
    pages.append(PageSpec("network", "network.html", "network/index.html", {}))
    pages.append(PageSpec("search", "search.html", "search/index.html", {}))
    pages.append(PageSpec("not_found", "404.html", "404.html", {}))
    from archive.exports import LIST_SEP, SCHEMA  # exports imports this module's URL rules

    pages.append(PageSpec("data", "data.html", "data/index.html", {"schema": SCHEMA, "list_sep": LIST_SEP}))
    _refuse_duplicates(pages)
    return pages


def _entity_context(archive: Archive, ent, label: str) -> dict:
    co = archive.comentions.get(ent.id, Counter())
    related = [(archive.entities[eid], n) for eid, n in co.most_common() if entity_path(archive, eid)][:12]
    spokespeople = archive.members_of(ent.id)  # (person, title) pairs
    found_participants = [archive.entities[eid] for eid, _ in archive.event_participants.get(ent.id, Counter()).most_common()
                          if eid not in ent.participants and entity_path(archive, eid)]
    return {
        "entity": ent, "label": label,
        "mention_count": archive.mention_counts[ent.id],
        "articles": [archive.article(a) for a in archive.entity_articles.get(ent.id, [])],
        "contexts": archive.contexts.get(ent.id, []),
        # Grouped once here: filtering `contexts` per article in the template is quadratic.
        "contexts_by_article": _by_article(archive.contexts.get(ent.id, [])),
        "quotes": archive.entity_quotes.get(ent.id, []),
        "related": related,
        "members": spokespeople,
        "found_roles": archive.roles.get(ent.id, []),
        "event_quotes": archive.event_quotes.get(ent.id, []),
        "found_participants": found_participants,
    }


def _by_article(contexts) -> dict[str, list]:
    out: dict[str, list] = {}
    for c in contexts:
        out.setdefault(c.article, []).append(c)
    return out


def _refuse_duplicates(pages: list[PageSpec]) -> None:
    seen: dict[str, str] = {}
    for p in pages:
        if p.path in seen:
            raise ArchiveError(f"two pages would be written to {p.path} ({seen[p.path]} and {p.kind}); give one of them another id or slug")
        seen[p.path] = p.kind
