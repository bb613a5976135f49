"""Who a speaker described by a role stands for: "the prime minister said" after "Iraqi Prime
Minister Mustafa Kadhimi", "the Turkish leader told" after "Turkish President Recep Tayyip
Erdogan", "the Hezbollah chief added" after "Hezbollah leader Hassan Nasrallah".

News introduces a person once with a title, then refers to them by the title alone. The
person a description stands for is the latest person named before it whose titles (the words
right before any of their mentions, or an appositive right after one: "Kadhimi, the Iraqi
prime minister,") hold the description's head and every word that qualifies it. A demonym
fits its country's name ("the Turkish leader", "Turkey's president"); "leader", "chief" and
"head" fit any title of someone at the top ("president", "prime minister", "secretary-general").

Only definite descriptions are looked up ("the premier", "Iraq's foreign minister"): "a
minister" is somebody not named.
"""
from __future__ import annotations

import bisect
import os
import re
from functools import lru_cache

from archive.models import Span
from archive.nlp.lexicon import reporting_verbs, word_list

# The nouns of a role a person holds, as the last word of a description.
PERSON_HEADS = frozenset({
    "president", "premier", "minister", "leader", "chief", "head", "commander", "spokesman",
    "spokeswoman", "spokesperson", "envoy", "ambassador", "general", "governor", "mayor", "king",
    "queen", "emir", "sultan", "ayatollah", "cleric", "senator", "secretary-general", "chairman",
    "chairwoman", "prince", "sheikh", "director", "analyst", "blogger", "lawmaker", "diplomat",
    "speaker", "monarch", "pope", "patriarch", "imam", "secretary",
})
# "the Turkish leader": any title of the one at the top
_TOP = frozenset({"leader", "chief", "head", "president", "premier", "prime", "king", "queen", "emir",
                  "sultan", "chairman", "chairwoman", "secretary-general", "supreme", "monarch",
                  "commander", "director"})
_GENERIC_HEADS = frozenset({"leader", "chief", "head"})
# words of a description that do not say which person ("the country's new president")
_FILLER = frozenset({"country", "nation", "kingdom", "top", "senior", "new",  # ("the country's president")
                     "veteran", "powerful", "embattled", "current", "incumbent", "influential",
                     "then", "long-time", "longtime", "of", "the"})
_BODY_POSSESSIVES = frozenset({"group's", "movement's", "militia's", "party's", "organisation's", "organization's",
                               "faction's", "alliance's", "coalition's", "company's", "agency's", "network's"})
# words that may stand in a title before a name besides capitalised ones and the titles' own
_TITLE_GLUE = frozenset({"of", "the", "for", "and", "former", "acting", "deputy", "vice", "senior",
                         "top", "then", "interim", "caretaker", "outgoing", "foreign", "defence",
                         "defense", "interior", "finance", "justice", "health", "oil", "supreme"})
# demonyms whose country's name does not share their first letters
_IRREGULAR = {"american": ("us", "united", "america"), "british": ("uk", "britain", "united"),
              "french": ("france",), "dutch": ("netherlands",), "emirati": ("uae", "emirates"),
              "swiss": ("switzerland",), "welsh": ("wales",), "scottish": ("scotland",),
              "irish": ("ireland",), "spanish": ("spain",), "danish": ("denmark",),
              "swedish": ("sweden",), "finnish": ("finland",), "polish": ("poland",),
              "greek": ("greece",), "yemeni": ("yemen",), "qatari": ("qatar",), "omani": ("oman",),
              "bahraini": ("bahrain",), "kuwaiti": ("kuwait",),
              "palestinian": ("palestine", "palestinian")}
# demonyms of states whose names their spelling does not give (`demonym_fits`)
_DEMONYM_STATES = {"american": "united states", "british": "united kingdom", "emirati": "united arab emirates",
                   "turkish": "turkey", "chinese": "china", "french": "france", "dutch": "netherlands",
                   "swiss": "switzerland", "greek": "greece", "spanish": "spain", "polish": "poland",
                   "danish": "denmark", "swedish": "sweden", "finnish": "finland", "irish": "ireland",
                   "norwegian": "norway", "philippine": "philippines", "filipino": "philippines"}


def demonym_fits(demonym: str, state: str) -> bool:
    """Whether `demonym` is the adjective of the state named `state`: "Syrian" / "Syria",
    "German" / "Germany", "Lebanese" / "Lebanon", "Saudi" / "Saudi Arabia", "American" /
    "United States" (not "Austrian" / "Australia")."""
    d, name = demonym.lower(), state.lower()
    if d in _DEMONYM_STATES:
        return _DEMONYM_STATES[d] == name
    first = name.split()[0] if name.split() else ""
    if len(first) < 4:
        return False
    if d.startswith(first) or first.startswith(d):
        return True
    common = len(os.path.commonprefix([d, first]))
    return common >= 5 and common >= len(first) - 2


_DESCRIPTION = re.compile(r"(?:the|[A-Z][\w.-]*(?:'s|’s))\s+(.+)", re.I)
_WINDOW = 5000  # characters before a description in which the person's latest mention must be


@lru_cache(maxsize=1)
def title_words() -> frozenset[str]:
    """Every word of every title of data/titles.txt ("prime", "minister", "gen.")."""
    return frozenset(w for t in word_list("titles.txt") for w in t.split())


def _plain(word: str) -> str:
    word = word.lower().strip(",.;:()\"“”")
    for s in ("'s", "’s"):
        if word.endswith(s):
            return word[:-len(s)]
    return word


def _fits(qualifier: str, title: frozenset[str]) -> bool:
    if qualifier in title:
        return True
    if len(qualifier) >= 4:
        # a demonym and its country: "turkish" / "turkey", "iraqi" / "iraq"
        if any(len(t) >= 4 and t[:4] == qualifier[:4] for t in title):
            return True
    return any(c in title for c in _IRREGULAR.get(qualifier, ()))


def _head_fits(head: str, qualifiers: list[str], title: frozenset[str]) -> bool:
    if head in _GENERIC_HEADS:
        return bool(title & _TOP)
    if head == "premier":
        return "premier" in title or "prime" in title and "minister" in title
    if head == "minister" and "prime" in title and "prime" not in qualifiers:
        return False  # "the minister" is not the prime minister
    return head in title


class RoleReferences:
    """The titles of an article's people, for finding who a description stands for."""

    def __init__(self, text: str, subjects, sentences):
        from archive.nlp.quotes import _sentence_of  # (quotes.py imports this module)

        self.text = text
        self._sentence_start = lambda at: _sentence_of(sentences, at)[0]
        self.people: list[Span] = [sp for sp, kind in subjects if kind == "person"]
        self.starts = [sp.start for sp in self.people]
        # Each mention's title words; a person is all mentions of one full name, with the
        # mentions of its surname alone after it when no other person of the article shares it
        # ("Obama" is not Barack's when Michelle Obama is named too: it is a person of its own).
        ends = {sp.end for sp in self.people}  # a title stops at another person's name
        self.title_of = [frozenset(self._before(sp, ends) | self._after(sp)) for sp in self.people]
        full: dict[str, set[str]] = {}  # surname → the full names that end with it
        first: dict[str, int] = {}  # surname → where the article first names one in full
        for sp in self.people:
            words = sp.text.split()
            if len(words) > 1:
                full.setdefault(_plain(words[-1]), set()).add(_plain(sp.text))
                first.setdefault(_plain(words[-1]), sp.start)
        self.person_of: list[str] = []
        # per mention: its person's titles so far, and its person's latest mention by full name
        # so far (the surname alone may be typed or grouped apart): one look-up per candidate,
        # whatever the number of mentions (an article may be hostile)
        self.titles_so_far: list[frozenset[str]] = []
        self.named_so_far: list[int] = []
        titles: dict[str, frozenset[str]] = {}
        named: dict[str, int] = {}
        for j, sp in enumerate(self.people):
            key = _plain(sp.text)
            if " " not in key and len(full.get(key, ())) == 1 and first[key] < sp.start:
                key = next(iter(full[key]))  # (before it, as in resolve.py: maybe someone else)
            self.person_of.append(key)
            titles[key] = titles.get(key, frozenset()) | self.title_of[j]
            if " " in sp.text.strip():
                named[key] = j
            self.titles_so_far.append(titles[key])
            self.named_so_far.append(named.get(key, j))

    def _before(self, sp: Span, ends: set[int]) -> set[str]:
        """The title right before a mention: "Iraqi Prime Minister", "Hezbollah leader"."""
        lo = max(self._sentence_start(sp.start), sp.start - 120)
        out: set[str] = set()
        titles = title_words()
        for m in reversed(list(re.finditer(r"\S+", self.text[lo:sp.start]))):
            raw = m.group()
            if raw[-1] in ",;:()“”\"" or lo + m.end() in ends and out:
                break  # a clause's edge, or another name's end ("Erdogan met Kadhimi")
            w = _plain(raw)
            if not (raw[:1].isupper() or w in titles or w in _TITLE_GLUE):
                break
            out.add(w)
        return out

    def _after(self, sp: Span) -> set[str]:
        """An appositive: "Mustafa Kadhimi, the Iraqi prime minister," """
        m = re.match(r",\s+(?:the\s+|a\s+|an\s+)?([^,.;:()“”\"]{1,60}?)\s*[,.;]", self.text[sp.end:sp.end + 80])
        if not m:
            return set()
        words = [_plain(w) for w in m.group(1).split()]
        return set(words) if words and words[-1] in PERSON_HEADS else set()

    def _ends_phrase(self, at: int) -> bool:
        """Whether a noun phrase ends at `at`: punctuation or a reporting verb follows."""
        nxt = re.match(r"\s*([\w’'-]+|\S)", self.text[at:at + 40])
        return nxt is None or not nxt.group(1)[:1].isalpha() or nxt.group(1).lower() in reporting_verbs()

    def antecedent(self, speaker: Span) -> Span | None:
        """The latest person's mention that `speaker` (a definite description) stands for."""
        m = _DESCRIPTION.fullmatch(speaker.text.strip())
        if m is None:
            return None
        words = [_plain(w) for w in speaker.text.split()]
        head = words[-1]
        if head not in PERSON_HEADS:
            return None
        if any(w in _BODY_POSSESSIVES for w in speaker.text.lower().replace("’", "'").split()):
            return None  # "the group's leader": whose, the description does not say by name
        if head in _GENERIC_HEADS and not self._ends_phrase(speaker.end):
            return None  # "the nation's chief supporting role": an adjective, no person
        qualifiers = [w for w in words[1:-1] if w not in _FILLER]
        if words[0] != "the":
            qualifiers.append(words[0])  # "Iraq's prime minister"
        lo = bisect.bisect_left(self.starts, speaker.start - _WINDOW)
        hi = bisect.bisect_left(self.starts, speaker.start)
        tried: set[str] = set()
        for k in range(hi - 1, lo - 1, -1):
            person = self.person_of[k]
            if self.people[k].end > speaker.start or person in tried:
                continue
            tried.add(person)
            title = self.titles_so_far[k]  # (k is the person's latest mention before the speaker)
            if _head_fits(head, qualifiers, title) and all(_fits(q, title) for q in qualifiers):
                return self.people[self.named_so_far[k]]
        return None
