"""Resolve every article's raw mentions and quotes against the registry into one `Archive`.

This is the barrier of the pipeline: it sees all articles at once, which cross-links need
(who is mentioned where, who is quoted, who appears with whom). It is rebuilt on every run.
"""
from __future__ import annotations

from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from archive.dates import DateMention, find_dates
from archive.nlp.quotes import split_role
from archive.models import AnnotatedArticle, Article, Entity, Mention, Quote, Span, fast_maker
from archive.nlp.normalise import alias_key
from archive.registry import Registry
from archive.resolve import LABEL_TYPES, Resolver, militia_cue  # noqa: F401 (re-exported)
from archive.roles import FoundRole, find_roles

SPEAKER_TYPES = {"actor", "organisation", "militia"}


@dataclass
class Context:
    """A mention in its sentence, for entity pages."""

    article: str
    before: str
    text: str
    after: str


@dataclass
class Archive:
    pipeline: str
    articles: list[Article]
    mentions: dict[str, list[Mention]]
    quotes: list[Quote]
    entities: dict[str, Entity]
    contexts: dict[str, list[Context]] = field(default_factory=dict)
    entity_articles: dict[str, list[str]] = field(default_factory=dict)
    entity_quotes: dict[str, list[Quote]] = field(default_factory=dict)
    comentions: dict[str, Counter] = field(default_factory=dict)
    mention_counts: Counter = field(default_factory=Counter)
    # Roles the articles state ("Jaafar Husseini, a spokesman for Kata’ib Hezbollah"), by person.
    roles: dict[str, list[FoundRole]] = field(default_factory=dict)
    # Event pages: quotes said in a sentence that names the event, and the people named with it.
    event_quotes: dict[str, list[Quote]] = field(default_factory=dict)
    event_participants: dict[str, Counter] = field(default_factory=dict)
    # Dates written in each article, resolved against its publication date (dates.py).
    dates: dict[str, list[DateMention]] = field(default_factory=dict)
    sentences: dict[str, tuple] = field(default_factory=dict)

    def article(self, article_id: str) -> Article:
        return self._articles_by_id[article_id]

    def members_of(self, entity_id: str) -> list[tuple[Entity, str | None]]:
        """People who speak for or serve an organisation: (person, title) from the registry's
        affiliation and roles and from roles found in articles."""
        out: dict[str, str | None] = {}
        for eid, title in self._members_index().get(entity_id, ()):
            out.setdefault(eid, title)
        return sorted(((self.entities[i], t) for i, t in out.items()),
                      key=lambda p: (-self.mention_counts[p[0].id], p[0].name))

    def _members_index(self) -> dict[str, list[tuple[str, str | None]]]:
        """organisation id → (person id, title), in the order `members_of` prefers them; built
        once (scanning every entity per organisation page is quadratic)."""
        if getattr(self, "_members", None) is None:
            idx: dict[str, list] = defaultdict(list)
            for e in self.entities.values():
                if e.type != "actor":
                    continue
                for r in e.roles:
                    if r.organisation:
                        idx[r.organisation].append((e.id, r.title))
                if e.affiliation:
                    idx[e.affiliation].append((e.id, e.roles[0].title if e.roles else None))
            for eid, found in self.roles.items():
                for r in found:
                    if r.organisation:
                        idx[r.organisation].append((eid, r.title))
            self._members = dict(idx)
        return self._members

    def __post_init__(self) -> None:
        self._articles_by_id = {a.id: a for a in self.articles}
        self._members = None


def _speaker_entity(span: Span | None, mentions: list[Mention]) -> str | None:
    if span is None:
        return None
    s, e = span.start, span.end
    inside = [m for m in mentions if s <= m.start and m.end <= e and m.type in SPEAKER_TYPES]
    if not inside:
        return None
    # The head of "Political analyst Ihssan Shammari" is the last name in it; prefer people.
    people = [m for m in inside if m.type == "actor"]
    return (people or inside)[-1].entity


def _add_contexts(contexts: dict, art: Article, sentences, ms: list[Mention], width: int = 160) -> None:
    """The first three mentions of each entity in the article, each in its sentence (or in
    `width` characters either side when no sentence holds it), cut to `width` characters
    either side. One call per article: this runs for ~200,000 mentions per build."""
    # bisection needs sentences in order, not overlapping (as spaCy gives them); else scan
    ordered = all(sentences[i][1] <= sentences[i + 1][0] for i in range(len(sentences) - 1))
    starts = [x for x, _ in sentences] if ordered else None
    text, aid = art.text, art.id
    shown: dict[str, int] = {}
    for m in ms:
        n = shown.get(m.entity, 0)
        if n >= 3:
            continue
        shown[m.entity] = n + 1
        ms_, me_ = m.start, m.end
        if starts is not None:
            k = bisect_right(starts, ms_) - 1
            found = sentences[k] if k >= 0 and sentences[k][0] <= ms_ < sentences[k][1] else None
        else:
            found = next(((x, y) for x, y in sentences if x <= ms_ < y), None)
        s, e = found or (max(0, ms_ - width), min(len(text), me_ + width))
        before = text[max(s, ms_ - width):ms_]
        after = text[me_:min(e, me_ + width)]
        contexts[m.entity].append(_context(aid, ("…" if ms_ - width > s else "") + before.lstrip(), m.text,
                                           after.rstrip() + ("…" if me_ + width < e else "")))


try:  # what Counter.update(list) runs, without its per-call checks (120,000 calls per build)
    from collections import _count_elements as _count
except ImportError:  # another Python: the public way
    def _count(counter: Counter, items) -> None:
        counter.update(items)

_context = fast_maker(Context, ("article", "before", "text", "after"))
_quote = fast_maker(Quote, ("id", "article", "start", "end", "text", "kind", "cue", "speaker", "speaker_entity",
                            "speaker_role", "speaker_name"))


def build_index(annotated: list[AnnotatedArticle], registry: Registry, pipeline: str) -> Archive:
    resolver = Resolver(registry)
    resolver.learn(annotated)
    mentions: dict[str, list[Mention]] = {}
    quotes: list[Quote] = []
    contexts: dict[str, list[Context]] = defaultdict(list)
    entity_articles: dict[str, list[str]] = defaultdict(list)
    entity_quotes: dict[str, list[Quote]] = defaultdict(list)
    comentions: dict[str, Counter] = defaultdict(Counter)
    counts: Counter = Counter()
    roles: dict[str, list[FoundRole]] = defaultdict(list)
    event_quotes: dict[str, list[Quote]] = defaultdict(list)
    event_participants: dict[str, Counter] = defaultdict(Counter)
    ordered = sorted(annotated, key=lambda a: (a.article.date.sort_key() if a.article.date else (0, 0, 0), a.article.id), reverse=True)
    for a in ordered:
        art = a.article
        ms = resolver.resolve_article(a)
        mentions[art.id] = ms
        ents = [m.entity for m in ms]
        _count(counts, ents)
        seen = list(dict.fromkeys(ents))  # distinct, in order of first mention
        for x in seen:
            entity_articles[x].append(art.id)
        _add_contexts(contexts, art, a.sentences, ms)
        if len(seen) > 1:
            # every other entity of the article once: counted in C, then the entity itself
            # (counted once, never there before) taken out again; same counts and key order
            # as adding them one by one
            for x in seen:
                c = comentions[x]
                _count(c, seen)
                del c[x]
        art_quotes: list[Quote] = []  # this article's quotes (scanning all quotes is quadratic)
        speakers = [m for m in ms if m.type in SPEAKER_TYPES] if a.quotes else []
        for n, rq in enumerate(a.quotes):
            speaker_entity = _speaker_entity(rq.antecedent or rq.speaker, speakers)
            role, name = split_role(rq.speaker) if rq.speaker else (None, None)
            q = _quote(f"{art.id}-q{n + 1}", art.id, rq.start, rq.end, rq.text, rq.kind, rq.cue, rq.speaker,
                       speaker_entity, role, name)
            quotes.append(q)
            art_quotes.append(q)
            if speaker_entity:
                entity_quotes[speaker_entity].append(q)
        for r in find_roles(art.id, art.text, ms):
            known = [*roles[r.entity], *resolver.entities[r.entity].roles]  # the registry's own roles too
            # "Prime Minister" says nothing that the registry's "Prime Minister of Iraq" does not.
            if not any(alias_key(o.title).startswith(alias_key(r.title)) for o in known) and not _bare_rank(r.title):
                roles[r.entity].append(r)
        _link_events(a, ms, art_quotes, event_quotes, event_participants)
    return Archive(
        pipeline=pipeline, articles=[a.article for a in ordered], mentions=mentions, quotes=quotes,
        entities=resolver.entities, contexts=dict(contexts), entity_articles=dict(entity_articles),
        entity_quotes=dict(entity_quotes), comentions=dict(comentions), mention_counts=counts,
        roles=dict(roles), event_quotes=dict(event_quotes), event_participants=dict(event_participants),
        # usually found already at annotation time and kept in its cache record
        dates={a.article.id: list(a.dates) if a.dates is not None else find_dates(a.article.text, a.article.date) for a in ordered},
        sentences={a.article.id: a.sentences for a in ordered},
    )


def _bare_rank(title: str) -> bool:
    """"Gen.", "Lt. Col.": a rank abbreviation says too little to list as a role."""
    return all(w.endswith(".") and len(w) <= 6 for w in title.split())


def _link_events(a: AnnotatedArticle, ms: list[Mention], quotes: list[Quote],
                 event_quotes: dict, event_participants: dict) -> None:
    """Quotes and people in the sentences that name an event belong on the event's page."""
    for ev in (m for m in ms if m.type == "event"):
        s, e = next(((x, y) for x, y in a.sentences if x <= ev.start < y), (ev.start, ev.end))
        for q in quotes:
            if q.start < e and s < q.end and q not in event_quotes[ev.entity]:
                event_quotes[ev.entity].append(q)
        for m in ms:
            if m.type == "actor" and s <= m.start < e:
                event_participants[ev.entity][m.entity] += 1
