"""Entity resolution: raw mentions of every article → entity ids, one entity per real-world actor.

Order of evidence, strongest first:
1. the registry matcher already tagged the span (aliases, folded and loose spellings);
2. a name found by NER or rules folds (or loosely folds) to a registry alias;
3. a lone surname after a full name of the same article, else the one person of that surname
   in the whole archive ("Hamdani" → "Saleh Hamdani");
4. other names are grouped by their loose key (Mayadin = Mayadeen, al- prefix dropped), typed
   by majority over the archive (militia cues win over organisation), and get a stable id: the
   slug of their fullest, most frequent spelling.
Titles the registry binds to a person for a period ("Prime Minister of Iraq", since/until)
resolve to that person in articles dated inside the period (`TitleBinder`).
"""
from __future__ import annotations

import re
from functools import lru_cache
from collections import Counter, defaultdict
from dataclasses import dataclass
from operator import attrgetter

from archive.models import AnnotatedArticle, Article, Entity, Mention, PartialDate, RawMention, fast_maker
from archive.nlp.events import PERSON_ACTS, PLACE_ACTS
from archive.nlp.lexicon import place_alias_groups, state_abbreviations, word_list, word_set
from archive.nlp.normalise import LOOSE_MIN, alias_key, loose_key, without_the
from archive.reader import slugify
from archive.registry import Registry

try:  # what Counter.update(list) runs, without its per-call checks (one call over all the names)
    from collections import _count_elements
except ImportError:  # another Python: the public way
    def _count_elements(counter: Counter, items) -> None:
        counter.update(items)

LABEL_TYPES = {
    "PERSON": "actor", "PER": "actor", "ORG": "organisation", "MILITIA": "militia",
    "GPE": "place", "LOC": "place", "FAC": "place", "EVENT": "event",
}
# Type preference when one name is typed differently across articles: a militia cue is
# decisive; otherwise the majority wins and ties go to the first in this order.
_TYPE_ORDER = ("militia", "actor", "organisation", "place", "event")


@lru_cache(maxsize=65536)  # pure; called for every ORG mention of every build
def militia_cue(name: str) -> bool:
    return _militia_cues().search(alias_key(name)) is not None


@lru_cache(maxsize=1)
def _militia_cues() -> re.Pattern:
    """Any cue of militia_cues.txt as a whole word (one pattern: a search per cue took ~170 µs
    a name)."""
    return re.compile(rf"(?<!\w)(?:{'|'.join(re.escape(alias_key(c)) for c in word_list('militia_cues.txt'))})(?!\w)")


def _kind_cues() -> list[tuple[re.Pattern, str, str | None]]:
    out = []
    for line in word_list("kind_cues.txt"):
        # Fields are separated by " | " (with spaces): a bare "|" is regex alternation.
        cue, kind, *etype = [f.strip() for f in line.split(" | ")]
        out.append((re.compile(rf"(?<!\w)(?:{cue})(?!\w)"), kind, etype[0] if etype else None))
    return out


_KIND_CUES: list | None = None


def guess_kind(name: str, etype: str) -> tuple[str | None, str | None]:
    """(kind, type override) for a name the registry does not know, from `kind_cues.txt`."""
    global _KIND_CUES
    if _KIND_CUES is None:
        _KIND_CUES = _kind_cues()
    for pattern, kind, override in _KIND_CUES:
        if pattern.search(name):
            if etype == "event":
                # an event is what happened, whatever its words name: "visit to the West Bank"
                # is not a bank
                return (kind, None) if override in (None, "event") else (None, None)
            if etype == "actor":
                # The rules call any short capitalised run a person; a cue word of a group or
                # an event ("Human Rights Watch", "Civil War") overrides that guess.
                return (kind, override) if override in ("organisation", "militia", "event") else (None, None)
            return kind, override
    return None, None


@lru_cache(maxsize=1)
def _place_aliases() -> dict[str, str]:
    """Each other name of a country (`data/place_aliases.txt`) → its first name, and each US
    state's abbreviation after a town ("Mich.", `data/state_abbreviations.txt`) → the state's."""
    return {**{other: first for first, *others in place_alias_groups() for other in others}, **state_abbreviations()}


def _places() -> frozenset[str]:
    return word_set("places.txt")


_EVENT_MANNER = re.compile(r"^(?:upcoming|coming|forthcoming|next|last|previous|recent|unannounced|surprise|secret|"
                           r"official|rare|first|brief|historic|landmark|[a-z]+-day)\s+(?=(?:\w+\s+)?(?:elections?|visit|trip)\b)")
_ARTICLE = re.compile(r"(?i)\b(?:al|el)-")
_POSSESSIVE_ACT = re.compile(rf"^(.+?)(?:’s|'s)\s+({PERSON_ACTS}|{PLACE_ACTS})$")
_MIDDLE_INITIAL = re.compile(r"(?<=[a-z]) [A-Z]\. (?=[A-Z])")
_IN_NAME = re.compile(r"\s+in\s+(?=[A-Z]|the\s+[A-Z])")
_COMPASS = {"Northern": "North", "Southern": "South", "Eastern": "East", "Western": "West"}


_STATE_TV = re.compile(r"\bstate(?:-run|-owned)? (?:TV|television)\b")


@lru_cache(maxsize=1 << 16)  # pure, and called for every name of every build
def name_key(text: str) -> str:
    """The grouping key of a name the registry does not know."""
    text = without_the(text.strip())
    # "the upcoming elections" = "the elections", "unannounced visit to Baghdad" = "visit to
    # Baghdad": when or how is not which (events.py finds these phrases)
    text = _EVENT_MANNER.sub("", text)
    # "Soleimani’s killing" = "the killing of Soleimani" (events.py finds both)
    text = _POSSESSIVE_ACT.sub(lambda m: f"{m.group(2)} of {m.group(1)}", text)
    text = _place_aliases().get(text, text)  # "U.S." = "US" = "United States"
    text = _STATE_TV.sub("state television", text)  # "Syrian state TV" = "Syrian state television"
    text = _MIDDLE_INITIAL.sub(" ", text)  # "Donald J. Trump" = "Donald Trump"
    # "Islamic State in Iraq and the Levant" = "Islamic State of Iraq and the Levant" (the names
    # with "in" of data/names_with_in.txt are spelt both ways, and ISIL stands for both)
    text = _IN_NAME.sub(" of ", text)
    if re.fullmatch(r"(?:[A-Z]\.)+[A-Z]?\.?", text):
        return text.replace(".", "").lower()  # "U.N." = "UN"
    if text.isupper() and len(text) <= 6 and text.title() not in _places():
        return text.lower()  # acronyms are not transliterations: "AP" is not "IP"
    text = re.sub(r"^(Northern|Southern|Eastern|Western)\b", lambda m: _COMPASS[m.group(1)], text)
    text = re.sub(r"(?:’s|'s|’|')$", "", text)
    key = loose_key(text)
    return key if len(key) >= 3 else alias_key(text)


def within(date: PartialDate | None, since: PartialDate | None, until: PartialDate | None) -> bool:
    """Whether every day `date` may stand for lies in [since, until] (each to its precision)."""
    if date is None:
        return False
    lo = date.sort_key()
    hi = (date.year, date.month or 12, date.day or 31)
    if since is not None and lo < since.sort_key():
        return False
    if until is not None and hi > (until.year, until.month or 12, until.day or 31):
        return False
    return True


@dataclass(frozen=True)
class _Title:
    head: str            # "prime minister"
    qualifiers: tuple[str, ...]  # lowercased words that pin it down: "iraq", "iraqi"
    entity: str
    since: PartialDate | None
    until: PartialDate | None


class TitleBinder:
    """Bare titles ("the prime minister") → the registry person who held them on the article's
    date. Conservative: the holder must be named elsewhere in the article or the title's
    qualifier ("of Iraq", "Iraqi") must stand beside it, and the title must not be the prefix of
    another name ("Prime Minister Theresa May")."""

    def __init__(self, registry: Registry):
        self.titles: list[_Title] = []
        by_id = registry.by_id()
        for e in registry.entities:
            for r in e.roles:
                if r.since is None and r.until is None:
                    continue  # a description ("political analyst"), not an office held for a time
                head = re.split(r"\s+(?=of\s|for\s)", r.title.strip(), maxsplit=1)[0]
                quals = set()
                m = re.search(r"\b(?:of|for)\s+(.+)$", r.title)
                if m:
                    quals.add(alias_key(m.group(1)))
                if r.organisation and r.organisation in by_id:
                    org = by_id[r.organisation]
                    quals.update(alias_key(a) for a in [org.name, *org.aliases])
                quals |= {alias_key(q) + suffix for q in list(quals) for suffix in ("i", "n", "ian")}
                self.titles.append(_Title(alias_key(head), tuple(sorted(q for q in quals if q)), e.id, r.since, r.until))
        heads = sorted({t.head for t in self.titles if len(t.head) >= 4}, key=len, reverse=True)
        self._regex = re.compile(r"(?i)(?<!\w)(?:" + "|".join(re.escape(h).replace(r"\ ", r"\s+") for h in heads) + r")(?!\w)") if heads else None
        # The case-insensitive regex over every text took half a second at 10,000 articles.
        # In an ASCII text, a match of an ASCII head starts where its first word is in
        # text.lower() (same offsets): the regex is tried there only (`_matches`). Other
        # texts (Unicode case folding is subtler) always take the regex.
        firsts = tuple(dict.fromkeys(h.split(" ")[0].lower() for h in heads))
        self._first_words = firsts if all(h.isascii() for h in heads) and all(firsts) else None

    def _matches(self, text: str):
        """What `self._regex.finditer(text)` finds (see __init__)."""
        if self._first_words is None or not text.isascii():
            return self._regex.finditer(text)
        low = text.lower()
        starts = set()
        for w in self._first_words:
            i = low.find(w)
            while i >= 0:
                starts.add(i)
                i = low.find(w, i + 1)
        found, end = [], 0
        for i in sorted(starts):
            # as finditer: leftmost first, the next search after the end of a match (the
            # lookbehind still sees the text before i)
            if i >= end and (m := self._regex.match(text, i)) is not None:
                found.append(m)
                end = m.end()
        return found

    def find(self, article: Article, taken: list[tuple[int, int]], named: set[str]) -> list[Mention]:
        if self._regex is None or article.date is None:
            return []
        return self._bind(article, self._matches(article.text), taken, named)

    def find_beside(self, article: Article, mentions: list[Mention]) -> list[Mention]:
        """`find(article, spans of mentions, entities of mentions)`, those two made only when a
        title stands in the text at all (3 articles in 10)."""
        if self._regex is None or article.date is None:
            return []
        found = self._matches(article.text)
        if not isinstance(found, list):
            found = list(found)  # finditer: the same matches, in the same order
        if not found:
            return []
        return self._bind(article, found, [(m.start, m.end) for m in mentions], {m.entity for m in mentions})

    def _bind(self, article: Article, matches, taken: list[tuple[int, int]], named: set[str]) -> list[Mention]:
        text = article.text
        out = []
        for m in matches:
            s, e = m.span()
            if any(a < e and s < b for a, b in taken):
                continue
            after = text[e:e + 30]
            if _NAME_AFTER.match(after) and not _OF_AFTER.match(after):
                continue  # "Prime Minister Mustafa Kadhimi": a title before a name
            head = _title_key(m.group(0))
            holders = [t for t in self.titles if t.head == head and within(article.date, t.since, t.until)]
            if not holders:
                continue  # nobody to bind to (as `pick` below would be empty)
            window = alias_key(text[max(0, s - 40):min(len(text), e + 40)])
            pinned = [t for t in holders if any(_qualifier_re(q).search(window) for q in t.qualifiers)]
            named_holders = [t for t in holders if t.entity in named]
            pick = pinned or named_holders
            if len({t.entity for t in pick}) == 1:
                out.append(Mention(s, e, m.group(0), "actor", pick[0].entity))
        return out


# Both pure, and asked for each title found in the texts (4,000 times at 10,000 articles):
# remembered (the regex module's own cache is looked up by the pattern's text, built each time).
@lru_cache(maxsize=4096)
def _title_key(found: str) -> str:
    return alias_key(found)


@lru_cache(maxsize=4096)
def _qualifier_re(qualifier: str) -> re.Pattern:
    return re.compile(rf"(?<!\w){re.escape(qualifier)}(?!\w)")


_NAME_AFTER = re.compile(r"\s+(?:[A-Z]|al-|el-)")
_OF_AFTER = re.compile(r"\s+(?:of|for)\b")


class Resolver:
    """Maps raw mentions to entity ids (see the module docstring). Call `learn` with every
    article first: typing, surnames and ids are decided over the whole archive."""

    def __init__(self, registry: Registry):
        self.entities: dict[str, Entity] = {e.id: e for e in registry.entities}
        self._registry_keys = {alias_key(a): eid for a, eid in registry.aliases()}
        loose: dict[str, set[str]] = defaultdict(set)
        for a, eid in registry.aliases():
            if len(k := loose_key(a)) >= LOOSE_MIN:
                loose[k].add(eid)
        # A loose key two registry entities share decides nothing.
        self._registry_loose = {k: next(iter(v)) for k, v in loose.items() if len(v) == 1}
        self.titles = TitleBinder(registry)
        self._types: dict[str, Counter] = defaultdict(Counter)   # name key -> label types
        self._forms: dict[str, Counter] = defaultdict(Counter)   # name key -> surface forms
        self._surnames: dict[str, set[str]] = defaultdict(set)   # surname key -> full name keys
        self._ids: dict[str, str] = {}                            # name key -> entity id
        self._learned = False
        self._registry_memo: dict[str, str | None] = {}
        self._resolve_memo: dict[tuple[str, str], tuple | bool] = {}
        self._full_memo: dict[tuple[str, str], tuple] = {}
        self._final_memo: dict[tuple[str, str], tuple[str, str]] = {}  # (text, label) → (type, entity id)
        self._surname_memo: dict[str, str] = {}  # lone surname key → the archive's full name key
        self._group_memo: dict[tuple[str, str], tuple] = {}  # (text, label) → `_group_words`
        self._alias_of: dict[str, str] = {}  # name key → the key it joins (`_merge_keys`)
        self._gazetteer: set[str] = set()  # keys with a spelling in data/places.txt: places
        # (name key, spelling) → the key it has instead: spellings of another family of names
        # than the key's others, which only share its loose key (`_family_split`)
        self._form_key: dict[tuple[str, str], str] = {}

    # -- pass 1 -------------------------------------------------------------------------
    def _registry_id(self, text: str) -> str | None:
        # Asked for every raw mention in both passes; the same names recur thousands of times.
        try:
            return self._registry_memo[text]
        except KeyError:
            pass
        if (eid := self._registry_keys.get(alias_key(text))) is None:
            k = loose_key(text)
            eid = self._registry_loose.get(k) if len(k) >= LOOSE_MIN else None
        self._registry_memo[text] = eid
        return eid

    @staticmethod
    def _raw_type(raw: RawMention) -> str | None:
        etype = LABEL_TYPES.get(raw.label)
        if etype == "organisation" and militia_cue(raw.text):
            return "militia"
        return etype

    def learn(self, annotated: list[AnnotatedArticle]) -> None:
        # Each distinct (text, label) is looked at once, with its number of occurrences; taken
        # in order of first occurrence, so that every count and every key's insertion order
        # (which later choices follow) is what counting mention by mention gives.
        occurrences: Counter = Counter()
        _count_elements(occurrences, [(raw.text, raw.label) for a in annotated for raw in a.mentions if raw.source != "registry"])
        types, forms, surnames = self._types, self._forms, self._surnames
        form_types: dict[tuple[str, str], Counter] = {}  # (name key, spelling) → its types' counts
        for (text, label), n in occurrences.items():
            if self._registry_id(text) is not None:
                continue
            etype = LABEL_TYPES.get(label)
            if etype == "organisation" and militia_cue(text):
                etype = "militia"  # as _raw_type
            if etype is None:
                continue
            c = form_types.get(at := (name_key(text), text.strip()))
            if c is None:
                c = form_types[at] = Counter()
            c[etype] += n
        self._form_key = self._family_split(form_types)
        for (key, form), c in form_types.items():
            key = self._form_key.get((key, form), key)
            types[key].update(c)
            forms[key][form] += sum(c.values())
            if form in _places():
                self._gazetteer.add(key)
            words = form.split()
            if c["actor"] and len(words) >= 2:
                surnames[self._key(words[-1])].add(key)
        self._merge_keys(_bracketed_acronyms(annotated))
        self._forget()  # remembered under the counts and merges before these
        self._learned = True

    def _family_split(self, form_types: dict[tuple[str, str], Counter]) -> dict[tuple[str, str], str]:
        """A known place and a name of another family that only share a short loose key:
        "Warren" (a person, 8 times) and "Iran" both key "aran", "Houthi" (a militia) and
        "Haiti" "hata", "Aziz" and "Azaz". The family with the most mentions keeps the key;
        the spellings of each other family get a key of their own. A spelling's family is the
        one its mentions are typed as (two in three at least; a spelling typed every which way
        follows the key), a place for a gazetteer spelling.

        Only one-word keys of up to five letters, with a gazetteer spelling: longer keys and
        names of several words are transliterations of one name far more often than two
        names, and the rules' types of their spellings are what the merge corrects ("Jeish
        al-Fatah", typed a person, is the militia "Jaish al-Fateh"; "East Ghota" the place)."""
        by_key: dict[str, list[tuple[str, str | None, int]]] = defaultdict(list)
        for (key, form), c in form_types.items():
            if " " in key or len(key) > 5:
                continue
            n = sum(c.values())
            if form in _places():
                family = "place"
            else:
                top = max(c, key=lambda t: (c[t], -_TYPE_ORDER.index(t)))
                family = self._family(top) if 3 * c[top] >= 2 * n else None
            by_key[key].append((form, family, n))
        moved: dict[tuple[str, str], str] = {}
        for key, spellings in by_key.items():
            if len(spellings) < 2:
                continue
            totals: Counter = Counter()
            for _, family, n in spellings:
                if family is not None:
                    totals[family] += n
            if len(totals) < 2 or not any(form in _places() for form, _, _ in spellings):
                continue
            main = max(sorted(totals), key=totals.__getitem__)
            for form, family, _ in spellings:
                if family is not None and family != main:
                    moved[(key, form)] = f"{key}\x1f{family}"  # (no space: a lone name's key stays one word)
        return moved

    def _key(self, text: str) -> str:
        """The name key of a spelling, after `_family_split`."""
        key = name_key(text)
        return self._form_key.get((key, text.strip()), key) if self._form_key else key

    def _forget(self) -> None:
        """Drop every choice remembered under the counts and merges, which just changed."""
        self._resolve_memo.clear()
        self._final_memo.clear()
        self._surname_memo.clear()
        self._group_memo.clear()

    def _merge_keys(self, bracketed: set[tuple[str, str]] = frozenset()) -> None:
        """Join keys that name the same thing: a stripped possessive ("Al Qaedas" → "Al
        Qaeda"), an acronym and its one expansion ("SDF" → "Syrian Democratic Forces"), and a
        shorter name that ends exactly one longer one ("Abdel Rahman" → "Rami Abdel Rahman")."""
        self._alias_of = {}
        keys = list(self._types)
        initials: dict[str, set[str]] = defaultdict(set)
        for k in keys:
            forms = self._forms[k]
            for f in forms:
                words = [w for w in re.split(r"[\s-]+", f) if w and w[0].isupper()]
                if len(words) >= 2:
                    initials["".join(w[0] for w in words).lower()].add(k)
        # Keys by what follows their first word, so that finding the longer names that end a
        # key is a look-up, not a scan of every key (quadratic at 10,000 articles). Keys with
        # irregular spacing are always candidates; the full test below decides.
        by_tail: dict[str, list[str]] = defaultdict(list)
        irregular = [o for o in keys if " ".join(o.split()) != o]
        for o in keys:
            head, sep, tail = o.partition(" ")
            if sep:
                by_tail[tail].append(o)
        event_keys = None  # the events' keys of several words by their endings, made when first needed
        for k in keys:
            t = self.type_for_key(k)
            shouted = self._shouted_key(k)
            if shouted is not None and self._family(self.type_for_key(shouted)) == self._family(t):
                # "DAESH", "MOSCOW" in a headline are "Daesh", "Moscow" (an acronym's key is its
                # letters, a name's its loose key: they would never meet), and "NATO" is "Nato"
                self._alias_of[k] = shouted
            elif k.endswith("s") and k[:-1] in self._types and self._family(self.type_for_key(k[:-1])) == self._family(t) \
                    and _plural_of(self._forms[k], self._forms[k[:-1]]):
                # The rarer spelling joins the commoner: "Al Qaedas" → "Al Qaeda", but
                # "Democratic Force" → "Democratic Forces" (a plural, not a possessive).
                many, few = sum(self._forms[k].values()), sum(self._forms[k[:-1]].values())
                # A person's name does not take a plural: "Donald Trumps" is a possessive whose
                # apostrophe the scraper dropped, however often ("Donald Trumps tweets").
                if many <= few or t == "actor" and self.type_for_key(k[:-1]) == "actor":
                    self._alias_of[k] = k[:-1]
                else:
                    self._alias_of[k[:-1]] = k
            elif k.isalpha() and k.islower() and any(f.isupper() for f in self._forms[k]) and len(initials.get(k, ())) == 1 \
                    and self.type_for_key(next(iter(initials[k]))) != "actor":  # "PM" is not Panos Moumtzis
                self._alias_of[k] = next(iter(initials[k]))
            elif " " in k and t == "event":
                # "strategic dialogue" → "US-Iraq strategic dialogue": the one longer event of
                # the archive that a shorter one ends (an event's qualifiers may be several words)
                if event_keys is None:  # each multi-word event key under every shorter ending of it
                    event_keys = defaultdict(list)
                    for o in keys:
                        if " " in o and self.type_for_key(o) == "event":
                            parts = o.split(" ")
                            for n in range(1, len(parts)):
                                event_keys[" ".join(parts[n:])].append(o)
                longer = event_keys.get(k, [])
                if len(longer) == 1:
                    self._alias_of[k] = longer[0]
            elif " " in k and t in ("actor", "organisation", "militia") \
                    and not (t != "actor" and self._opens_with_demonym(k)):
                # "Abdel Rahman" → "Rami Abdel Rahman"; "Democratic Forces" → "Syrian
                # Democratic Forces": only when exactly one longer name of the family ends so.
                # One extra word only: "Kenneth Roth Human Rights Watch" is two names glued.
                # (A group's name that opens with its demonym is whole: "Syrian Army" is not
                # the "Free Syrian Army".)
                longer = [o for o in dict.fromkeys(by_tail.get(k, []) + irregular)
                          if o != k and o.endswith(" " + k) and len(o.split()) == len(k.split()) + 1
                          and self._family(self.type_for_key(o)) == self._family(t)]
                # Unless the longer name is a rare variant of the shorter: a word a headline
                # glued on ("Defiant Bashar al Assad", "Syria Free Syrian Army", once each) must
                # not take over "Bashar al-Assad" (214 times) and its id; or, for a person, the
                # extra word says where or what, not who ("Senator Ted Cruz", "Iraqi Saleh
                # Hamdani"). (An organisation's place or demonym is part of its name: "Russian
                # Defense Ministry" is the "Defense Ministry" of the archive.)
                if len(longer) == 1:
                    o = longer[0]
                    first = self._forms[o].most_common(1)[0][0].split()[0] if self._forms[o] else ""
                    if t == "actor" and _describes(first) or 5 * sum(self._forms[o].values()) < sum(self._forms[k].values()):
                        self._alias_of.setdefault(o, k)
                    else:
                        self._alias_of[k] = o
        self._merge_acts(keys)
        self._merge_bracketed(bracketed)
        for k, target in list(self._alias_of.items()):
            while target in self._alias_of and self._alias_of[target] != k:
                target = self._alias_of[target]
            self._alias_of[k] = target
            self._forms[target].update(self._forms[k])
            self._types[target].update(self._types[k])
            if k in self._gazetteer:
                self._gazetteer.add(target)

    def _merge_bracketed(self, bracketed: set[tuple[str, str]]) -> None:
        """"the People’s Protection Units (YPG)", "the Kurdistan Workers’ Party (PKK)": an
        acronym in brackets right after a group's name is that group's, whatever its letters
        (they are often the name's in another language), when the archive brackets it after
        one name only and nothing joined it already."""
        names: dict[str, set[str]] = defaultdict(set)
        for full, acronym in bracketed:
            fk, ak = self._key(full), self._key(acronym)
            if fk in self._types and ak in self._types and fk != ak:
                names[ak].add(self._alias_of.get(fk, fk))
        for ak, fulls in names.items():
            if len(fulls) == 1 and ak not in self._alias_of and ak not in fulls \
                    and self._family(self.type_for_key(ak)) == "group" == self._family(self.type_for_key(next(iter(fulls)))):
                self._alias_of[ak] = next(iter(fulls))

    def _opens_with_demonym(self, key: str) -> bool:
        forms = self._forms.get(key)
        return bool(forms) and max(sorted(forms), key=forms.__getitem__).split()[0] in word_set("demonyms.txt")

    def _merge_acts(self, keys: list[str]) -> None:
        """"the killing of Soleimani" → "the killing of Qassem Soleimani": an event done to a
        person named by surname joins the archive's one such event named in full."""
        acts: dict[tuple[str, str], list[str]] = defaultdict(list)
        for k in keys:
            act, sep, name = k.partition(" af ")  # (loose keys spell "of" so)
            if sep and name and " " not in act and k not in self._alias_of and self.type_for_key(k) == "event":
                acts[(act, name.split()[-1])].append(k)
        for group in acts.values():
            full = [k for k in group if len(k.partition(" af ")[2].split()) >= 2]
            if len(full) == 1:
                for k in group:
                    if k != full[0] and " " not in k.partition(" af ")[2]:
                        self._alias_of[k] = full[0]

    def _shouted_key(self, key: str) -> str | None:
        """The key of the name that `key`'s all-capital spellings are, written as a name
        ("DAESH" → "Daesh"), when the archive has that name; else None."""
        forms = self._forms.get(key)
        if not forms or not all(f.isupper() and len(f) >= 3 for f in forms):
            return None
        spelling = max(sorted(forms), key=forms.__getitem__).title()
        other = name_key(spelling)
        # the very spelling must be the other name's: loose keys ignore vowels ("USA", "Asia")
        return other if other != key and spelling in self._forms.get(other, ()) else None

    @staticmethod
    def _family(etype: str) -> str:
        return "group" if etype in ("organisation", "militia") else etype

    def type_for_key(self, key: str) -> str:
        c = self._types[key]
        if c["militia"]:
            return "militia"
        if key in self._gazetteer:
            # a spelling the gazetteer lists decides, however the other spellings were typed
            # ("Sayeda Zeinab" a place, "Sayyeda Zeinab" as often a person: one place)
            return "place"
        return max(c, key=lambda t: (c[t], -_TYPE_ORDER.index(t)))

    def _full_name_key(self, key: str, article_full: dict, at: int = 0) -> str:
        """A lone surname at `at` → the full name's key (after merges): this article's first,
        if it is named before (news names a person in full first: twelve "Mr. Obama" before
        the article's one "Michelle Obama" are not hers), else the archive's one, or the one
        that nine in ten of the archive's full names with this surname name ("Assad" in
        Syrian news: Bashar al-Assad, not Hafez)."""
        if " " in key:
            return key
        alias_of = self._alias_of
        first = article_full.get(key)
        if first is not None and first[1] <= at:
            return alias_of.get(first[0], first[0])
        found = self._surname_memo.get(key)
        if found is None:  # the archive's choice: the same for every article
            found = self._surname_memo[key] = self._archive_full_name(key, alias_of)
        if first is not None and found == key:  # the archive cannot tell: the article's, named after
            return alias_of.get(first[0], first[0])
        return found

    def _archive_full_name(self, key: str, alias_of: dict[str, str]) -> str:
        fulls = {alias_of.get(f, f) for f in self._surnames.get(key, ())}
        if len(fulls) == 1:
            return next(iter(fulls))
        if fulls:
            counts = {f: sum(self._forms[f].values()) for f in fulls}
            top = max(sorted(counts), key=counts.__getitem__)
            if counts[top] >= 0.9 * sum(counts.values()):
                return top
        return key

    def _entity_for(self, key: str, etype: str) -> Entity:
        eid = self._ids.get(key)
        if eid is not None:
            return self.entities[eid]
        forms = self._forms.get(key) or Counter({key: 1})
        # The display name: a spelling of the key itself (not of a merged possessive or
        # acronym), of two words or more when there is one, then the most frequent, then the
        # shortest (a stray title stays out: "Igor Konashenkov", not "Major-General Igor …").
        own = [f for f in forms if name_key(f) == key] or list(forms)
        # (an Arabic article is no word of its own: "al-Qamishli" is one word, as "Qamishli")
        name = sorted(own, key=lambda f: (len(re.split(r"[\s-]+", _ARTICLE.sub("", f))) < 2, -forms[f], len(f), f))[0]
        name = without_the(name)
        if etype == "place" and name in _place_aliases():
            # A country's first name in data/place_aliases.txt names its page, written or not
            # ("Syria", not "Syrian Arab Republic"; "United States" for an archive that only
            # writes "US"), and so does a state's ("Michigan", never "Mich."): the page's
            # address must not change when a later article spells the name out.
            name = _place_aliases()[name]
        if etype == "event" and name[:1].islower():
            name = name[:1].upper() + name[1:]  # "the elections" → "Elections", a page's title
        eid = slugify(name)
        if eid in self.entities:
            eid = f"{eid}-{etype}"
        n = 2
        while eid in self.entities:
            eid, n = f"{slugify(name)}-{etype}-{n}", n + 1
        kind, override = guess_kind(name, etype)
        ent = Entity(id=eid, type=override or etype, name=name, kind=kind,
                     aliases=sorted(f for f in forms if f != name))
        self.entities[eid] = ent
        self._ids[key] = eid
        return ent

    # -- pass 2 -------------------------------------------------------------------------
    def resolve_article(self, a: AnnotatedArticle) -> list[Mention]:
        if not self._learned:
            self.learn([a])
        # `resolve` for each, with its two commonest outcomes inline: a registry mention, and
        # a (text, label) whose entity `resolve` already settled (`_final_memo`)
        out: list[Mention] = []
        append, make = out.append, _mention
        entities, final = self.entities, self._final_memo
        article_full = None
        for raw in a.mentions:
            if raw.source == "registry":
                ent = entities.get(raw.label)
                if ent is not None:
                    append(make(raw.start, raw.end, raw.text, ent.type, ent.id))
                continue
            settled = final.get((raw.text, raw.label))
            if settled is not None:
                append(make(raw.start, raw.end, raw.text, settled[0], settled[1]))
                continue
            if article_full is None:
                # Made at the first mention that needs it (7 articles in 10 have none), before
                # any `resolve` of this article: the same map as made up front.
                article_full = self._article_full(a)
            if (m := self.resolve(raw, article_full)) is not None:
                append(m)
        out.extend(self.titles.find_beside(a.article, out))
        # by start, longest first: two stable sorts with C keys equal one by (start, -end)
        out.sort(key=_END, reverse=True)
        out.sort(key=_START)
        return out

    def _article_full(self, a: AnnotatedArticle) -> dict:
        """The article's full names by their surname's key: surname key → (the first full
        name's key, where it is); and
        its organisations' and militias' names of several words by each of their words
        (`_GROUP_WORD` + word key → full name key after merges, "" when two names share the
        word): "the Observatory" after "Syrian Observatory for Human Rights"."""
        article_full: dict = {}
        full_memo, group_memo, alias_of = self._full_memo, self._group_memo, self._alias_of
        for raw in a.mentions:
            if raw.source != "registry":
                # (surname key, full name key) of a full name, () otherwise: a pure function of
                # the text and the label, remembered (names recur across articles)
                pair = full_memo.get((raw.text, raw.label))
                if pair is None:
                    pair = ()
                    if self._registry_id(raw.text) is None and self._raw_type(raw) == "actor":
                        words = raw.text.split()
                        if len(words) >= 2:
                            pair = (self._key(words[-1]), self._key(raw.text))
                    full_memo[(raw.text, raw.label)] = pair
                if pair and pair[0] not in article_full:
                    article_full[pair[0]] = (pair[1], raw.start)  # the first, and where it is
                words_full = group_memo.get((raw.text, raw.label))
                if words_full is None:
                    words_full = group_memo[(raw.text, raw.label)] = self._group_words(raw)
                if words_full:
                    full = alias_of.get(words_full[1], words_full[1])
                    for w in words_full[0]:
                        article_full[w] = full if article_full.get(w, full) == full else ""
        return article_full

    def _group_words(self, raw: RawMention) -> tuple:
        """((`_GROUP_WORD` + key of each word that can name it alone, …), full name key) of an
        organisation's or militia's name of several words; () for any other mention."""
        words = raw.text.split()
        if len(words) < 2 or self._registry_id(raw.text) is not None or self._family(self._raw_type(raw)) != "group":
            return ()
        full = self._key(raw.text)
        if sum(self._forms[self._alias_of.get(full, full)].values()) < 3:
            return ()  # a headline's run once or twice ("Tim Kaine's Senate"), not a name to go by
        # Only the common nouns an organisation's name is made of ("Observatory", "Coalition",
        # "Army"); a word that is a name itself ("ISIS", "Hezbollah") stays its own entity.
        own = tuple(dict.fromkeys(_GROUP_WORD + name_key(w) for w in words if w in word_set("org_cues.txt")))
        return (own, full) if own else ()

    def resolve(self, raw: RawMention, article_full: dict[str, str] | None = None) -> Mention | None:
        if raw.source == "registry":
            ent = self.entities.get(raw.label)
            return _mention(raw.start, raw.end, raw.text, ent.type, ent.id) if ent else None
        if (known := self._registry_id(raw.text)) is not None:
            if self._learned:
                self._final_memo[(raw.text, raw.label)] = (self.entities[known].type, known)
            return _mention(raw.start, raw.end, raw.text, self.entities[known].type, known)
        # Everything up to the surname look-up depends only on the text and the label, given
        # the learned counts: remembered per (text, label) (a name recurs thousands of times).
        # Counts change only in the branch below, which forgets everything remembered.
        hit = self._resolve_memo.get((raw.text, raw.label))
        if hit is None:
            etype = self._raw_type(raw)
            if etype is None:
                self._resolve_memo[(raw.text, raw.label)] = False
                return None
            key = self._key(raw.text)
            if not self._learned or key not in self._types:
                self._types[key][etype] += 1
                self._forms[key][raw.text.strip()] += 1
                self._forget()
            own = key
            key = self._alias_of.get(key, key)
            lone = (etype == "actor" or self.type_for_key(key) == "actor") and " " not in key
            hit = (key, etype, lone, own if etype == "actor" and not lone and " " not in own else None)
            if self._learned:
                self._resolve_memo[(raw.text, raw.label)] = hit
        elif hit is False:
            return None
        key, etype, lone, surname = hit
        # one word of an organisation's name ("the Observatory"): the one name of this article
        # that holds it, if there is one
        group_word = not lone and " " not in key and key in _org_cue_keys() and self._family(etype) == "group"
        first = article_full.get(surname) if surname is not None and article_full else None
        if first is not None and first[1] <= raw.start:
            # A word typed as a person, the surname of a full name before it in this article,
            # is that person, whatever its key joined in the archive: "Sino" after "Mustafa
            # Sino", though "SANA" (an acronym's key is its letters) shares its key "sana".
            key, lone = self._alias_of.get(first[0], first[0]), True  # (this article's: not remembered)
        elif lone:  # a lone surname: this article's full name, else the archive's one
            key = self._full_name_key(key, article_full or {}, raw.start)
        elif group_word and article_full:
            key = article_full.get(_GROUP_WORD + key) or key
        eid = self._ids.get(key)
        ent = self.entities[eid] if eid is not None else \
            self._entity_for(key, self.type_for_key(key) if key in self._types else etype)
        if not lone and not group_word and self._learned:  # the entity exists now and its type never changes
            self._final_memo[(raw.text, raw.label)] = (ent.type, ent.id)
        return _mention(raw.start, raw.end, raw.text, ent.type, ent.id)


def _bracketed_acronyms(annotated) -> set[tuple[str, str]]:
    """(name, acronym) of every "Name (ACRONYM)" of the archive, neither from the registry
    (which says itself what an alias is). Consecutive mentions are compared by position first:
    one integer test per mention."""
    found: set[tuple[str, str]] = set()
    agencies = word_set("news_agencies.txt")  # "Damascus (SANA)", "… (AFP)": a credit
    for a in annotated:
        text, prev = a.article.text, None
        for raw in a.mentions:
            if prev is not None and raw.start - prev.end == 2 and text[prev.end:raw.start] == " (" \
                    and text[raw.end:raw.end + 1] == ")" and raw.source != "registry" and prev.source != "registry" \
                    and 2 <= len(raw.text) <= 6 and raw.text.isalpha() and raw.text.isupper() and raw.text not in agencies:
                found.add((prev.text, raw.text))
            prev = raw
    return found


@lru_cache(maxsize=4096)
def _describes(word: str) -> bool:
    """Whether a word before a name says where or what it is, not who: a known place, a
    demonym, a title ("UN", "Syrian", "Senator")."""
    return word in _places() or word in word_set("demonyms.txt") or word.lower().rstrip(".") in word_set("titles.txt")


@lru_cache(maxsize=1)
def _org_cue_keys() -> frozenset[str]:
    """The keys of the words `_group_words` maps: only their mentions depend on the article."""
    return frozenset(name_key(w) for w in word_set("org_cues.txt"))


def _plural_of(forms: Counter, singular_forms: Counter) -> bool:
    """Whether a spelling of one key is a spelling of the other with "s" added: the keys are
    loose ("Alloush" and "Ali" give "alas" and "ala"), the spellings are not."""
    singular = {f.lower() for f in singular_forms}
    return any(f.lower()[:-1] in singular for f in forms if f[-1:] in "sS")


_GROUP_WORD = "\0group\0"  # keys of `_article_full` that are an organisation's words, not surnames
_START, _END = attrgetter("start"), attrgetter("end")
_mention = fast_maker(Mention, ("start", "end", "text", "type", "entity"))
