"""Resolve every article's raw mentions and quotes against the registry into one `Archive`.

This is the barrier of the pipeline: it sees all articles at once, which cross-links need
(who is mentioned where, who is quoted, who appears with whom). It is rebuilt on every run.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from archive.models import AnnotatedArticle, Article, Entity, Mention, Quote, RawMention, Span
from archive.nlp.lexicon import word_list
from archive.nlp.normalise import alias_key
from archive.reader import slugify
from archive.registry import Registry

LABEL_TYPES = {
    "PERSON": "actor", "PER": "actor", "ORG": "organisation", "MILITIA": "militia",
    "GPE": "place", "LOC": "place", "FAC": "place", "EVENT": "event",
}
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

    def article(self, article_id: str) -> Article:
        return self._articles_by_id[article_id]

    def __post_init__(self) -> None:
        self._articles_by_id = {a.id: a for a in self.articles}


def militia_cue(name: str) -> bool:
    cues = word_list("militia_cues.txt")
    folded = alias_key(name)
    return any(re.search(rf"(?<!\w){re.escape(alias_key(c))}(?!\w)", folded) for c in cues)


class Resolver:
    """Maps raw mentions to entity ids: registry ids as they are; other names grouped by
    their folded form, and a lone surname to the one person of that surname."""

    def __init__(self, registry: Registry):
        self.entities: dict[str, Entity] = {e.id: e for e in registry.entities}
        self._generated: dict[tuple[str, str], str] = {}  # (type, folded name) -> id
        self._surnames: dict[str, set[str]] = defaultdict(set)
        # A name the pipeline found that folds to a registry alias is that entity, even when
        # the matcher missed it (e.g. split differently by the tokenizer).
        self._registry_keys = {alias_key(a): eid for a, eid in registry.aliases()}

    def type_of(self, raw: RawMention) -> str | None:
        if raw.source == "registry":
            return self.entities[raw.label].type
        etype = LABEL_TYPES.get(raw.label)
        if etype == "organisation" and militia_cue(raw.text):
            return "militia"
        return etype

    def learn(self, raws: list[RawMention]) -> None:
        """First pass: remember full names of people so that lone surnames can join them."""
        for raw in raws:
            if raw.source != "registry" and self.type_of(raw) == "actor" and len(raw.text.split()) >= 2:
                self._surnames[alias_key(raw.text.split()[-1])].add(alias_key(raw.text))

    def resolve(self, raw: RawMention) -> Mention | None:
        etype = self.type_of(raw)
        if etype is None:
            return None
        if raw.source == "registry":
            return Mention(raw.start, raw.end, raw.text, etype, raw.label)
        if (known := self._registry_keys.get(alias_key(raw.text))) is not None:
            return Mention(raw.start, raw.end, raw.text, self.entities[known].type, known)
        key = alias_key(re.sub(r"^(?:the|The)\s+", "", raw.text))
        if etype == "actor" and " " not in key and len(self._surnames.get(key, ())) == 1:
            key = next(iter(self._surnames[key]))
        eid = self._generated.get((etype, key))
        if eid is None:
            eid = slugify(key)
            if eid in self.entities and (self.entities[eid].in_registry or self.entities[eid].type != etype):
                eid = f"{eid}-{etype}"
            self._generated[(etype, key)] = eid
            if eid not in self.entities:
                self.entities[eid] = Entity(id=eid, type=etype, name=raw.text if " " in key or etype != "actor" else raw.text)
        ent = self.entities[eid]
        if not ent.in_registry and len(raw.text) > len(ent.name) and alias_key(raw.text) == key:
            ent.name = raw.text
        return Mention(raw.start, raw.end, raw.text, ent.type, eid)


def _speaker_entity(span: Span | None, mentions: list[Mention]) -> str | None:
    if span is None:
        return None
    inside = [m for m in mentions if span.start <= m.start and m.end <= span.end and m.type in SPEAKER_TYPES]
    if not inside:
        return None
    # The head of "Political analyst Ihssan Shammari" is the last name in it; prefer people.
    people = [m for m in inside if m.type == "actor"]
    return (people or inside)[-1].entity


def _sentence_context(text: str, sentences, m: Mention, article_id: str, width: int = 160) -> Context:
    s, e = next(((a, b) for a, b in sentences if a <= m.start < b), (max(0, m.start - width), min(len(text), m.end + width)))
    before = text[max(s, m.start - width):m.start]
    after = text[m.end:min(e, m.end + width)]
    return Context(article_id, ("…" if m.start - width > s else "") + before.lstrip(), m.text,
                   after.rstrip() + ("…" if m.end + width < e else ""))


def build_index(annotated: list[AnnotatedArticle], registry: Registry, pipeline: str) -> Archive:
    resolver = Resolver(registry)
    for a in annotated:
        resolver.learn(list(a.mentions))
    mentions: dict[str, list[Mention]] = {}
    quotes: list[Quote] = []
    contexts: dict[str, list[Context]] = defaultdict(list)
    entity_articles: dict[str, list[str]] = defaultdict(list)
    entity_quotes: dict[str, list[Quote]] = defaultdict(list)
    comentions: dict[str, Counter] = defaultdict(Counter)
    counts: Counter = Counter()
    ordered = sorted(annotated, key=lambda a: (a.article.date.sort_key() if a.article.date else (0, 0, 0), a.article.id), reverse=True)
    for a in ordered:
        art = a.article
        ms = [m for raw in a.mentions if (m := resolver.resolve(raw)) is not None]
        mentions[art.id] = ms
        seen: list[str] = []
        for m in ms:
            counts[m.entity] += 1
            if m.entity not in seen:
                seen.append(m.entity)
                entity_articles[m.entity].append(art.id)
            if sum(1 for c in contexts[m.entity] if c.article == art.id) < 3:
                contexts[m.entity].append(_sentence_context(art.text, a.sentences, m, art.id))
        for x in seen:
            for y in seen:
                if x != y:
                    comentions[x][y] += 1
        for n, rq in enumerate(a.quotes):
            speaker_entity = _speaker_entity(rq.antecedent or rq.speaker, ms)
            q = Quote(id=f"{art.id}-q{n + 1}", article=art.id, start=rq.start, end=rq.end, text=rq.text,
                      kind=rq.kind, cue=rq.cue, speaker=rq.speaker, speaker_entity=speaker_entity)
            quotes.append(q)
            if speaker_entity:
                entity_quotes[speaker_entity].append(q)
    return Archive(
        pipeline=pipeline, articles=[a.article for a in ordered], mentions=mentions, quotes=quotes,
        entities=resolver.entities, contexts=dict(contexts), entity_articles=dict(entity_articles),
        entity_quotes=dict(entity_quotes), comentions=dict(comentions), mention_counts=counts,
    )
