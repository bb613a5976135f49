"""Resolve every article's raw mentions and quotes against the registry into one `Archive`.

This is the barrier of the pipeline: it sees all articles at once, which cross-links need
(who is mentioned where, who is quoted, who appears with whom). It is rebuilt on every run.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import chain
from operator import attrgetter, le

from archive.dates import DateMention, find_dates
from archive.nlp.quotes import CLOSE_TO, split_role
from archive.nlp.role_reference import demonym_fits
from archive.models import AnnotatedArticle, Article, Entity, Mention, Quote, Span, fast_maker
from archive.nlp.lexicon import place_alias_groups, word_list
from archive.nlp.normalise import alias_key, without_the
from archive.registry import Registry
from archive.resolve import LABEL_TYPES, Resolver, militia_cue  # noqa: F401 (re-exported)
from archive.roles import FoundRole, find_roles

SPEAKER_TYPES = {"actor", "organisation", "militia"}
_AFTER_PREPOSITION = re.compile(r"\b(?:of|in|on|at|from|to|near|across|into|over|with|against|for|by|about|"
                                r"and|or|than|between|toward|towards)\s+\Z")


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
    entity_articles: dict[str, list[str]] = field(default_factory=dict)
    entity_quotes: dict[str, list[Quote]] = field(default_factory=dict)
    mention_counts: Counter = field(default_factory=Counter)
    # Event pages: quotes said in a sentence that names the event, and the people named with it.
    event_quotes: dict[str, list[Quote]] = field(default_factory=dict)
    event_participants: dict[str, Counter] = field(default_factory=dict)
    # Dates written in each article, resolved against its publication date (dates.py).
    dates: dict[str, list[DateMention]] = field(default_factory=dict)
    sentences: dict[str, tuple] = field(default_factory=dict)

    # Made from the resolved mentions on first use: pages, pictures and exports show them, but a
    # build whose pages all come from the last build or the page store never reads them (0.8 s
    # of the index's 1.6 s at 10,000 articles). `derive` makes them all at once.
    @cached_property
    def comentions(self) -> dict[str, Counter]:
        """entity → Counter of the entities named in the same articles (`_comentions`)."""
        ids, seen_lists, together = self._comention_inputs
        return _comentions(ids, seen_lists, together, self.entity_articles)

    @cached_property
    def contexts(self) -> dict[str, list[Context]]:
        """Each entity's mentions in their sentences (`_add_contexts`), in article order."""
        return _all_contexts(self)

    def article_contexts(self, entity_id: str, article_id: str) -> list[Context]:
        """The entity's contexts in one article (what `contexts` holds for it, in order), made
        from that article alone: a build that keys a few dozen entity pages (keydeps.py) makes
        those of the 200 articles each shows, not the 200,000 contexts of a 10,000-article
        archive (0.35 s)."""
        found: dict[str, list[Context]] = defaultdict(list)
        _add_contexts(found, self.article(article_id), self.sentences[article_id],
                      [m for m in self.mentions[article_id] if m.entity == entity_id])
        return found.get(entity_id, [])

    @cached_property
    def roles(self) -> dict[str, list[FoundRole]]:
        """Roles the articles state ("Jaafar Husseini, a spokesman for Kata’ib Hezbollah"), by person."""
        return _found_roles(self)

    # article id → the roles `roles.find_roles` finds in it, when known without searching the
    # text again (keydeps.py keeps them from the last build for unchanged articles: searching
    # 10,000 texts took 0.4 s of a build that adds one article). Set before `roles` is made.
    # (not a field: set on the instance, and no part of what an Archive is equal to)
    found_in_article = None  # dict[str, list[FoundRole]] | None

    @cached_property
    def periods(self) -> dict[tuple[int, int], list[int]]:
        """(year, month or 0) → positions of the articles with timeline entries in it
        (timeline.articles_by_period): a build that keys one month's pages finds its articles,
        and keydeps.py each article's periods."""
        from archive.timeline import articles_by_period

        return articles_by_period(self)

    @cached_property
    def timeline(self) -> dict:
        """The timeline's entries, by year (timeline.timeline_context)."""
        from archive.timeline import timeline_context  # it reads this module's Archive

        return timeline_context(self)

    def derive(self) -> None:
        """Make the contexts, roles, co-mentions and timeline now (before worker processes
        fork, so that they share them instead of each making them)."""
        _ = self.contexts, self.roles, self.comentions, self.timeline

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
        # (article ids, each one's distinct entities, the entities named with others in the
        # order they first are): what the co-mentions are counted from (build_index sets it)
        self._comention_inputs: tuple = ([], [], [])


def _speaker_entity(span: Span | None, mentions: list[Mention], text: str = "") -> str | None:
    """The entity a quote's speaker words name: the last person named in them, else the last
    group, never a possessor ("Qassem Soleimani’s heir" is not Soleimani). (The plain form of
    `_speaker_finder`, which the build uses.)"""
    if span is None:
        return None
    s, e = span.start, span.end
    typed = [m for m in mentions if m.type in SPEAKER_TYPES]
    if e > s and not any(s <= m.start <= e for m in typed):
        before = [m for m in typed if m.start < s]  # (mentions come sorted by start, longest first)
        if before and before[-1].end >= e and " and " not in before[-1].text:
            return before[-1].entity  # the end of a name: "television" of "Syrian state television"
    inside = [m for m in typed if s <= m.start and m.end <= e and not _not_the_speaker(m, e, text)]
    if not inside:
        return None
    # The head of "Political analyst Ihssan Shammari" is the last name in it; prefer people.
    people = [m for m in inside if m.type == "actor"]
    return (people or inside)[-1].entity


def _not_the_speaker(m: Mention, end: int, text: str) -> bool:
    """Whether a name in a speaker's words (ending by `end`) is not who speaks: a possessor
    before "’s" owns the speaker ("Qassem Soleimani’s heir", "Trump's spokesman"), and a name
    after "close to" is only near them ("Sources close to the Sadrist Movement")."""
    return m.end < end and text[m.end:m.end + 2] in ("’s", "'s") \
        or _CLOSE_TO.search(text, max(0, m.start - 16), m.start) is not None


_CLOSE_TO = re.compile(rf"\b{CLOSE_TO}(?:the\s+)?\Z")


@lru_cache(maxsize=1)
def _government_seats() -> frozenset[str]:
    """The names of data/government_seats.txt, with each state's other names."""
    seats = set(word_list("government_seats.txt"))
    for names in place_alias_groups():
        if names[0] in seats:
            seats.update(names)
    return frozenset(seats)


# A state's government as a speaker: "(the) Syrian government", "the US administration",
# "Russian authorities", "the Assad regime" is not (a person's name: names.py types it).
_GOVERNMENT_HEADS = ("government", "regime", "authorities", "administration", "leadership")
_GOVERNMENT = re.compile(r"(?:[Tt]he\s+)?([A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*)?)\s+(?:" + "|".join(_GOVERNMENT_HEADS) + ")")


def _state_of_demonym(word: str, state_places: list[Mention]) -> str | None:
    """The entity of the one state named in the article that the demonym `word` is of
    ("Syrian" → Syria, "American" → the United States), or None (none, or more than one)."""
    found = {m.entity for m in state_places if demonym_fits(word, without_the(m.text))}
    return found.pop() if len(found) == 1 else None


def _speaker_finder(speakers: list[Mention], text: str = "", places: list[Mention] = ()):
    """`lambda span: _speaker_entity(span, speakers, text)` for one article's speaker mentions (in
    order of start, as `resolve_article` gives them): the mentions that may lie inside a span
    are found by bisecting their starts instead of testing all of them, once per quote
    (70,000 quotes at 10,000 articles).

    A speaker that is a state's or a capital's name and nothing more ("Tehran said", "Russia
    denied", "the United States urged") is that place when `named`: news names a government
    so (data/government_seats.txt). A place inside a longer speaker ("an AFP photographer in
    Douma") is not, nor a town (a town that "says" is a sentence read wrong)."""
    starts = [m.start for m in speakers]
    seats = _government_seats()
    state_places = [m for m in places if without_the(m.text) in seats]
    place_at = {(m.start, m.end): m for m in state_places}

    def state_or_person(m: Mention) -> str:
        """The state `m` names, or the person whose surname it is: "Rep. Jim Jordan ….
        Jordan said" (a person named in full before it, in capitalised words only: not
        "Abdullah of Jordan"; and not when the article wrote the state's name before the
        person: "Russia …, YouTube Russia …, Russia said" is the state)."""
        for p in speakers:
            if p.start >= m.start:
                break
            if p.type == "actor" and p.text.endswith(" " + m.text) and all(w[:1].isupper() for w in p.text.split()) \
                    and not any(q.text == m.text and q.start < p.start for q in state_places):
                return p.entity
        return m.entity

    def find(span: Span | None, named: bool = True) -> str | None:
        if span is None:
            return None
        if place_at and named:
            lead = len(span.text) - len(without_the(span.text))
            m = place_at.get((span.start + lead, span.end))
            gov = None
            if m is None and span.text.endswith(_GOVERNMENT_HEADS):
                gov = _GOVERNMENT.fullmatch(span.text)
                if gov is not None:
                    m = place_at.get((span.start + gov.start(1), span.start + gov.end(1)))
            if (m is not None or gov is not None) and not _AFTER_PREPOSITION.search(text, max(0, span.start - 12), span.start):
                # (not "the suburbs of Damascus said the Observatory": an object, misread)
                if m is not None:
                    return state_or_person(m)
                # "the Syrian government", "Russian authorities": the state named in the
                # article that the demonym is of ("Syrian" → Syria)
                place = _state_of_demonym(gov.group(1), state_places)
                if place is not None:
                    return place
        s, e = span.start, span.end
        # the mentions starting in [s, e] (one inside the span ends by e, so starts by e)
        lo, hi = bisect_left(starts, s), bisect_right(starts, e)
        if hi == lo and lo > 0 and e > s and speakers[lo - 1].end >= e and " and " not in speakers[lo - 1].text:
            # the speaker's words are the end of a name that starts before them ("television"
            # of "Syrian state television said"; not of two names run together, "Congress
            # and President Obama")
            return speakers[lo - 1].entity
        if hi - lo <= 1:  # the usual cases: no name in the speaker's words ("a source"), or one
            m = speakers[lo] if hi > lo else None
            return m.entity if m is not None and m.end <= e and not _not_the_speaker(m, e, text) else None
        inside = [m for m in speakers[lo:hi] if m.end <= e and not _not_the_speaker(m, e, text)]
        if not inside:
            return None
        people = [m for m in inside if m.type == "actor"]
        return (people or inside)[-1].entity
    return find


def _add_contexts(contexts: dict, art: Article, sentences, ms: list[Mention], width: int = 160) -> None:
    """The first three mentions of each entity in the article, each in its sentence (or in
    `width` characters either side when no sentence holds it), cut to `width` characters
    either side. One call per article: this runs for ~200,000 mentions per build, so
    everything it can is taken out of the loop (the bounds are compared inline, not by
    max/min, and a sentence's ends are read from a list)."""
    text, aid, n_text = art.text, art.id, len(art.text)
    make = _context
    # bisection needs sentences in order, not overlapping (as spaCy gives them); else scan
    starts = [x for x, _ in sentences]
    ends = [y for _, y in sentences]
    ordered = all(map(le, ends, starts[1:]))
    shown: dict[str, int] = {}
    for m in ms:
        ent = m.entity
        n = shown.get(ent, 0)
        if n >= 3:
            continue
        shown[ent] = n + 1
        ms_, me_ = m.start, m.end
        if ordered:
            k = bisect_right(starts, ms_) - 1  # starts[k] <= ms_
            found = k >= 0 and ms_ < ends[k]
            if found:
                s, e = starts[k], ends[k]
        else:
            pair = next(((x, y) for x, y in sentences if x <= ms_ < y), None)
            found = pair is not None
            if found:
                s, e = pair
        if not found:  # max(0, ms_ - width), min(len(text), me_ + width)
            s = ms_ - width if ms_ > width else 0
            e = me_ + width if me_ + width < n_text else n_text
        lo, hi = ms_ - width, me_ + width
        # text[max(s, lo):ms_], text[me_:min(e, hi)], with "…" where the sentence goes on
        before = "…" + text[lo:ms_].lstrip() if lo > s else text[s:ms_].lstrip()
        after = text[me_:hi].rstrip() + "…" if hi < e else text[me_:e].rstrip()
        contexts[ent].append(make(aid, before, m.text, after))


try:  # what Counter.update(list) runs, without its per-call checks (120,000 calls per build)
    from collections import _count_elements as _count
except ImportError:  # another Python: the public way
    def _count(counter: Counter, items) -> None:
        counter.update(items)

_TYPE = attrgetter("type")
_context = fast_maker(Context, ("article", "before", "text", "after"))
_quote = fast_maker(Quote, ("id", "article", "start", "end", "text", "kind", "cue", "speaker", "speaker_entity",
                            "speaker_role", "speaker_name"))


def build_index(annotated: list[AnnotatedArticle], registry: Registry, pipeline: str) -> Archive:
    resolver = Resolver(registry)
    resolver.learn(annotated)
    mentions: dict[str, list[Mention]] = {}
    quotes: list[Quote] = []
    entity_articles: dict[str, list[str]] = defaultdict(list)
    entity_quotes: dict[str, list[Quote]] = defaultdict(list)
    counts: Counter = Counter()
    event_quotes: dict[str, list[Quote]] = defaultdict(list)
    event_participants: dict[str, Counter] = defaultdict(Counter)
    event_dates: dict[str, Counter] = defaultdict(Counter)
    event_places: dict[str, Counter] = defaultdict(Counter)
    dates: dict[str, list[DateMention]] = {}  # (usually found at annotation time, kept in its cache record)
    ordered = sorted(annotated, key=lambda a: (a.article.date.sort_key() if a.article.date else (0, 0, 0), a.article.id), reverse=True)
    resolve_article = resolver.resolve_article
    seen_lists: list[list[str]] = []  # each article's distinct entities, in `ordered`
    together: list[str] = []
    for a in ordered:
        art = a.article
        aid = art.id
        ms = resolve_article(a)
        mentions[aid] = ms
        ents = [m.entity for m in ms]
        _count(counts, ents)
        seen = list(dict.fromkeys(ents))  # distinct, in order of first mention
        for x in seen:
            entity_articles[x].append(aid)
        seen_lists.append(seen)
        if len(seen) > 1:
            together.extend(seen)  # the order in which entities first appear with others
        art_quotes: list[Quote] = []  # this article's quotes (scanning all quotes is quadratic)
        if a.quotes:
            speaker_of = _speaker_finder([m for m in ms if m.type in SPEAKER_TYPES], art.text,
                                         [m for m in ms if m.type == "place"])
            for n, rq in enumerate(a.quotes, 1):
                speaker = rq.speaker
                # (a pronoun's antecedent is never taken for a place: "she" → a town)
                speaker_entity = speaker_of(rq.antecedent or speaker, rq.antecedent is None)
                role, name = split_role(speaker) if speaker else (None, None)
                q = _quote(f"{aid}-q{n}", aid, rq.start, rq.end, rq.text, rq.kind, rq.cue, speaker,
                           speaker_entity, role, name)
                quotes.append(q)
                art_quotes.append(q)
                if speaker_entity:
                    entity_quotes[speaker_entity].append(q)
        dates[aid] = list(a.dates) if a.dates is not None else find_dates(art.text, art.date)
        if "event" in map(_TYPE, ms):  # 300 event mentions in 230,000: most articles have none
            events = [(ev, *next(((x, y) for x, y in a.sentences if x <= ev.start < y), (ev.start, ev.end)))
                      for ev in ms if ev.type == "event"]  # each with its sentence
            _link_events(events, ms, art_quotes, event_quotes, event_participants)
            _event_setting(art.text, events, ms, dates[aid], resolver.entities, event_dates, event_places)
    _date_found_events(resolver.entities, event_dates, event_places)
    archive = Archive(
        pipeline=pipeline, articles=[a.article for a in ordered], mentions=mentions, quotes=quotes,
        entities=resolver.entities, entity_articles=dict(entity_articles),
        entity_quotes=dict(entity_quotes), mention_counts=counts,
        event_quotes=dict(event_quotes), event_participants=dict(event_participants),
        dates=dates,
        sentences={a.article.id: a.sentences for a in ordered},
    )
    # Counted on first use, like the contexts: pages, pictures and exports show them, and a
    # build whose pages all come from the last build reads none (0.1 s at 10,000 articles).
    archive._comention_inputs = ([a.article.id for a in ordered], seen_lists, together)
    return archive


def _all_contexts(archive: Archive) -> dict[str, list[Context]]:
    """Every entity's contexts, article by article in the archive's order (newest first, as
    `build_index` orders them)."""
    contexts: dict[str, list[Context]] = defaultdict(list)
    mentions, sentences = archive.mentions, archive.sentences
    for art in archive.articles:
        _add_contexts(contexts, art, sentences[art.id], mentions[art.id])
    return dict(contexts)


def _found_roles(archive: Archive) -> dict[str, list[FoundRole]]:
    """The roles found in the articles, article by article in the archive's order (an earlier
    article's role hides a later one's that says less)."""
    roles: dict[str, list[FoundRole]] = defaultdict(list)
    entities, mentions = archive.entities, archive.mentions
    known_found = archive.found_in_article or {}
    for art in archive.articles:
        aid = art.id
        found = known_found.get(aid)
        for r in (found if found is not None else find_roles(aid, art.text, mentions[aid])):
            known = [*roles[r.entity], *entities[r.entity].roles]  # the registry's own roles too
            # "Prime Minister" says nothing that the registry's "Prime Minister of Iraq" does not.
            if not any(alias_key(o.title).startswith(alias_key(r.title)) for o in known) and not _bare_rank(r.title):
                roles[r.entity].append(r)
    return dict(roles)


def _comentions(ids: list[str], seen_lists: list[list[str]], together: list[str],
                entity_articles: dict[str, list[str]]) -> dict[str, Counter]:
    """entity → Counter of the other entities named in the same articles, once per article,
    for every entity named with another (in the order they first are); each Counter's keys in
    the order they first occur with the entity. Counted per entity in one C call over all its
    articles' entities (the entity itself, counted too, is taken out at the end): per article
    and entity it was 120,000 calls at 10,000 articles."""
    out: dict[str, Counter] = {}
    seen_of = dict(zip(ids, seen_lists))
    if len(seen_of) == len(seen_lists):
        for x in dict.fromkeys(together):
            c = out[x] = Counter()
            _count(c, chain.from_iterable([seen_of[aid] for aid in entity_articles[x]]))
            dict.__delitem__(c, x)  # dict's own: Counter's is a Python call
        return out
    # Two articles with one id (never from `build`): article by article, as it always was.
    for seen in seen_lists:
        if len(seen) > 1:
            for x in seen:
                c = out.get(x)
                if c is None:
                    c = out[x] = Counter()
                _count(c, seen)
                dict.__delitem__(c, x)
    return out


def _bare_rank(title: str) -> bool:
    """"Gen.", "Lt. Col.": a rank abbreviation says too little to list as a role."""
    return all(w.endswith(".") and len(w) <= 6 for w in title.split())


def _event_setting(text: str, events: list[tuple[Mention, int, int]], ms: list[Mention], dates: list[DateMention],
                   entities: dict, event_dates: dict, event_places: dict) -> None:
    """When and where a found event happened, as the sentence that names it says: the date
    written nearest to it in that sentence ("In January, bomb-laden drones struck the main
    royal palace in Riyadh": January of the article's year), and the last place inside its
    name ("a rocket attack on the US embassy in Baghdad": Baghdad). One vote per mention: an
    event named in many articles takes the date and place most of them give
    (`_date_found_events`). The registry's events keep what the editor wrote. `events`: the
    article's event mentions, each with its sentence's start and end."""
    places = [m for m in ms if m.type == "place"]
    for ev, s, e in events:
        if entities[ev.entity].in_registry:
            continue
        near = [(max(d.start - ev.end, ev.start - d.end, 0), d.start, d.date) for d in dates
                if d.date is not None and s <= d.start and d.end <= e
                and not _REPORTED_WHEN.search(text, max(s, d.start - 30), d.start)]
        if near:
            event_dates[ev.entity][min(near, key=lambda t: t[:2])[2]] += 1
        # (not the parties of "the US-Iraq strategic dialogue")
        inside = [m.entity for m in places if ev.start <= m.start and m.end <= ev.end
                  and "-" not in text[m.start - 1:m.start] + text[m.end:m.end + 1]]
        if inside:
            event_places[ev.entity][inside[-1]] += 1


# A date that says when something was said, not when the event was: "the Observatory reported
# on Thursday that 90 people were killed in the attack", "officials said Tuesday".
_REPORTED_WHEN = re.compile(r"\b(?:said|says|told|reported|reports|announced|added|stated|declared|claimed|warned|"
                            r"stressed|confirmed|denied|wrote|tweeted)\s+(?:[a-z]+\s+)?\Z")


def _date_found_events(entities: dict, event_dates: dict, event_places: dict) -> None:
    """Give each found event the date and place its mentions give most often (a tie: the more
    precise date, then the earlier; the place named first in the archive's order)."""
    for eid, votes in event_dates.items():
        entities[eid].date = max(votes, key=lambda d: (votes[d], d.precision == "day", d.precision != "year",
                                                       tuple(-x for x in d.sort_key())))
    for eid, votes in event_places.items():
        entities[eid].place = votes.most_common(1)[0][0]


def _link_events(events: list[tuple[Mention, int, int]], ms: list[Mention], quotes: list[Quote],
                 event_quotes: dict, event_participants: dict) -> None:
    """Quotes and people in the sentences that name an event belong on the event's page
    (`events`: each event mention with its sentence's start and end)."""
    for ev, s, e in events:
        for q in quotes:
            if q.start < e and s < q.end and q not in event_quotes[ev.entity]:
                event_quotes[ev.entity].append(q)
        for m in ms:
            if m.type == "actor" and s <= m.start < e:
                event_participants[ev.entity][m.entity] += 1
