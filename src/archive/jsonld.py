"""schema.org JSON-LD for the page head: NewsArticle on article pages, Person / Organization /
Place / Event on entity pages, Quotation for each attributed quote.

Called from templates/base.html as `{{ jsonld() }}`; it reads the page's own template context
(page kind, article or entity, quotes), so no page plan has to change. URLs are absolute only
when `base_url` is (JSON-LD consumers resolve relative URLs against the page, which is also fine).
"""
from __future__ import annotations

import json

import jinja2
from markupsafe import Markup

from archive.plan import article_path, entity_path

# Our entity types → schema.org types. Militias are organisations to schema.org.
TYPES = {"actor": "Person", "militia": "Organization", "organisation": "Organization", "place": "Place", "event": "Event"}


def _url(ctx, path: str | None, relative: str | None) -> str | None:
    """Absolute when base_url is, else the page-relative link."""
    base = ctx["config"].base_url
    return base + path if path and "://" in base else relative


def _quote(q, ctx, speaker_name: str | None) -> dict:
    art = ctx["archive"].article(q.article)
    out = {"@type": "Quotation", "text": q.text,
           "url": _url(ctx, article_path(art.id), ctx["article_url"](art.id)) + f"#{q.id}",
           "isPartOf": {"@type": "NewsArticle", "headline": art.title}}
    if speaker_name:
        out["creator"] = {"@type": "Person" if _speaker_type(q, ctx) == "actor" else "Organization", "name": speaker_name}
    if art.date:
        out["dateCreated"] = art.date.iso()
    return out


def _speaker_type(q, ctx) -> str | None:
    ent = ctx["entities"].get(q.speaker_entity) if q.speaker_entity else None
    return ent.type if ent else "actor"


def _speaker_name(q, ctx) -> str | None:
    if q.speaker_entity and q.speaker_entity in ctx["entities"]:
        return ctx["entities"][q.speaker_entity].name
    return q.speaker.text if q.speaker else None


def _article(ctx) -> dict:
    art = ctx["article"]
    data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": art.title[:110],
            "inLanguage": "en", "isAccessibleForFree": True}
    if art.date:
        data["datePublished"] = art.date.iso()
    if art.author:
        data["author"] = {"@type": "Person", "name": art.author}
    if art.source:
        data["publisher"] = {"@type": "Organization", "name": art.source}
    if art.url:
        data["isBasedOn"] = art.url
    if art.summary:
        data["description"] = art.summary
    if ctx.get("canonical"):
        data["url"] = ctx["canonical"]
    data["mentions"] = [{"@type": TYPES.get(e.type, "Thing"), "name": e.name,
                         "url": _url(ctx, entity_path(ctx["archive"], e.id), ctx["entity_url"](e.id))}
                        for e, _ in ctx.get("entity_counts", [])[:30] if e.type in TYPES]
    quotes = [_quote(q, ctx, name) for q in ctx.get("quotes", []) if (name := _speaker_name(q, ctx))]
    if quotes:
        data["hasPart"] = quotes
    return data


def _entity(ctx) -> dict:
    ent = ctx["entity"]
    data = {"@context": "https://schema.org", "@type": TYPES.get(ent.type, "Thing"), "name": ent.name}
    if ent.aliases:
        data["alternateName"] = list(ent.aliases)
    if ent.description:
        data["description"] = ent.description
    if ctx.get("canonical"):
        data["url"] = ctx["canonical"]
    ents = ctx["entities"]
    if ent.type == "actor":
        if ent.roles:
            data["jobTitle"] = ent.roles[0].title
        if ent.affiliation in ents:
            data["affiliation"] = {"@type": "Organization", "name": ents[ent.affiliation].name}
    if ent.type == "event":
        if ent.date:
            data["startDate"] = ent.date.iso()
        if ent.place in ents:
            data["location"] = {"@type": "Place", "name": ents[ent.place].name}
        people = [ents[p] for p in ent.participants if p in ents]
        if people:
            data["attendee"] = [{"@type": TYPES.get(p.type, "Thing"), "name": p.name} for p in people]
    quotes = [_quote(q, ctx, ent.name) for q in ctx.get("quotes", [])[:50]]
    if quotes:
        data["subjectOf"] = quotes
    return data


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))  # one, not one per page


@jinja2.pass_context
def jsonld(ctx) -> Markup:
    kind = ctx.get("page_kind")
    if kind == "article":
        data = _article(ctx)
    elif kind == "entity":
        data = _entity(ctx)
    else:
        return Markup("")
    # Compact: only a dumps without indent uses the C encoder (indent=1 took ~10% of a build).
    text = _ENCODER.encode(data)
    # Inside <script>, only "</" can end the element early; escape "<" so no text can.
    text = text.replace("<", "\\u003c")
    return Markup(f'<script type="application/ld+json">\n{text}\n</script>')
