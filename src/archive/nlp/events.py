"""Events that news names by what happened, not by a proper name: "the killing of Soleimani",
"the Vienna negotiations", "the upcoming elections", "an unannounced visit to Baghdad".

A statistical recogniser (OntoNotes EVENT) finds only capitalised events ("the Arab Spring");
the rules name finder finds those with a cue word ("Civil War"). What researchers ask of an
archive, "what happened when", is mostly written as a common noun phrase around a name that
was already found: an act done to a person or a place, talks at a place, a visit to a place,
the elections. Each pattern below is such a phrase of English news; the name inside it must
be a mention found already (by the registry, NER or the rules) and of the right kind, so a
pattern never fires on a common noun alone ("the killing of civilians").

Spans follow the reference annotation of the seed: a definite "the" belongs to a phrase that
starts with its head noun ("the killing of Soleimani", "the elections"), not to one that a name
or an adjective opens ("Vienna negotiations", "unannounced visit to Baghdad").
"""
from __future__ import annotations

import bisect
import re

from archive.models import RawMention
from archive.nlp.lexicon import word_set

# Acts done to a person, and to a place, named as "the <act> of <name>" or "<name>'s <act>".
PERSON_ACTS = ("killing|assassination|murder|death|execution|arrest|detention|kidnapping|abduction|release|"
               "funeral|ouster|overthrow|resignation|trial|inauguration|poisoning|election")
PLACE_ACTS = ("fall|siege|liberation|capture|recapture|invasion|occupation|bombing|shelling|bombardment|"
              "destruction|battle|evacuation|blockade|storming|annexation")
_ACT_OF = re.compile(rf"\b(?:([Tt]he)\s+)?(?:({PERSON_ACTS})|({PLACE_ACTS}))\s+of\s+(?:the\s+)?")
_POSSESSIVE_ACT = re.compile(rf"(?:’s|'s)\s+(?:(?:recent|sudden|brutal|alleged|reported)\s+)?"
                             rf"(?:({PERSON_ACTS})|({PLACE_ACTS}))\b(?!\s+of\b)")
# After the name of "the killing of <name>", the phrase must end: "the killing of Soleimani
# last year" and "the fall of Aleppo changed the war" are events, "the fall of Aleppo city
# council" or "the killing of Hezbollah fighters" something else (the name is a modifier of
# the noun after it: a place's or a group's body, or people).
_NOUN_AFTER = re.compile(r"\s+(?:city|council|province|governorate|government|army|forces|troops|regime|people|"
                         r"police|airport|countryside|university|area|region|district|office|embassy|border|"
                         r"family|campaign|administration|branch|office|leadership|commander|chief|officials?|"
                         r"authorities|members?|[a-z]+(?:ers|ians|ists|ants|ents|ees))\b")

# Talks and meetings named after their place: "the Vienna negotiations", "the Astana talks",
# "the US-Iraq strategic dialogue", "the Sochi summit".
_MEETINGS = r"(?:(?:strategic|peace|nuclear|political)\s+)?(?:talks|negotiations|dialogue|summit|conference|accords?|agreement|peace\s+process)\b"
_PLACE_MEETING = re.compile(rf"\s+{_MEETINGS}")
_COMPOUND_MEETING = re.compile(rf"\b[A-Z][\w.]*(?:-[A-Z][\w.]*)+\s+{_MEETINGS}")
# Talks known to the article without their place: "the strategic dialogue".
_DEFINITE_MEETING = re.compile(r"\b[Tt]he\s+((?:strategic|national|political)\s+dialogue|peace\s+talks|nuclear\s+talks|"
                               r"(?:peace|nuclear)\s+negotiations)\b")

_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"

# Elections: "the elections", "the upcoming elections", "the Iraqi parliamentary elections",
# "the 2004 Canadian federal election", "the 2009 European Parliament election in Italy".
_ELECTION_WORDS = ("upcoming|coming|next|forthcoming|last|previous|recent|early|snap|parliamentary|presidential|"
                   "general|legislative|municipal|local|provincial|midterm|national|regional|federal|state|"
                   "mayoral|gubernatorial|primary|runoff|run-off|by-election|leadership")
_ELECTIONS = re.compile(rf"\b((?:(?:{_ELECTION_WORDS})\s+){{0,3}})(elections?|primaries|referendum)\b"
                        rf"(?!\s+(?:to|for|law|commission|results?|campaign|day|officials?)\b)"
                        rf"(?!\s+of\s+(?:the\s+)?(?!(?:{_MONTHS})\b)[A-Z])")  # "the election of Trump": an act
# What may stand before an event's phrase and make it a name: a year, perhaps with its month,
# and up to five capitalised words ("2019 United Kingdom general election", "2003 invasion of
# Iraq"); a definite article before that is not part of the name.
_YEAR_BEFORE = re.compile(rf"(?:\b(?:{_MONTHS})\s+)?\b(?:1[6-9]|20)\d\d\s+(?:(?:[A-Z][\w.’'-]*|of|and)\s+){{0,5}}\Z")
_CAPITALS_BEFORE = re.compile(r"(?:\b[A-Z][\w.-]*\s+){1,3}\Z")
_THE_BEFORE = re.compile(r"\b[Tt]he\s+\Z")
_IN_PLACE = re.compile(r"\s+in\s+(?:the\s+)?")

# A visit to a place: "an unannounced visit to Baghdad", "his first visit to Moscow".
_VISIT = re.compile(r"\b((?:(?:unannounced|surprise|secret|official|state|rare|first|recent|brief|historic|landmark|"
                    r"[a-z]+-day)\s+)?(?:visit|trip))\s+to\s+(?:the\s+)?")

# What happens in a place, named with it: "the war in Gaza", "the US withdrawal from
# Afghanistan", "the protests in Baghdad", "the ceasefire in Idlib".
_SITUATION = re.compile(r"\b(?:([Tt]he)\s+)?(?:(war|conflict|uprising|revolution|protests|demonstrations|ceasefire|truce|"
                        r"intervention|offensive|incursion|insurgency)\s+(?:in|on|against)|(withdrawal|pullout)\s+from)"
                        r"\s+(?:the\s+)?")
# An act named after who did it or where: "the Hamas attack of October 7", "the Beirut port
# explosion", "the Khan Sheikhoun chemical attack".
_NAMED_ACT = re.compile(r"\s+((?:(?:port|airport|border|car|suicide|drone|missile|rocket|chemical|gas|sarin|chlorine|"
                        r"truck|bus|market|mosque|church|school|hospital|embassy|prison)\s+)?"
                        r"(?:attack|bombing|explosion|blast|massacre|offensive|invasion|incursion|uprising|raid|"
                        r"ambush|siege|protests|withdrawal))\b(?!\s+(?:on|against|in|by|of|from|helicopters?|aircraft|jets?|"
                        r"drones?|forces|troops|units?|groups?|planes?|campaign|operations?|mission|plot|plan|"
                        rf"threats?|suspects?|victims?|survivors?|site|zone)\b(?!\s+(?:{_MONTHS})\b))")
_ON_DAY = re.compile(rf"\s+(?:of|on)\s+(?:(?:{_MONTHS})\s+\d{{1,2}}|\d{{1,2}}\s+(?:{_MONTHS}))(?:,?\s+(?:1[6-9]|20)\d\d)?\b")

_PERSON, _PLACE = "actor", "place"
_GROUPS = ("militia", "organisation")


def find_events(text: str, mentions: list[RawMention], type_of) -> list[RawMention]:
    """Event mentions in `text` around the names found already (`mentions`, in order of start;
    `type_of(mention)` gives each one's entity type: 'actor', 'place', …, or None). Events may
    contain those names; they never overlap each other or an event the registry found."""
    names = _Names(mentions, type_of)
    found = {*_acts(text, names), *_meetings(text, names), *_elections(text, names), *_visits(text, names),
             *_situations(text, names), *_named_acts(text, names), *_strikes(text, names), *_attacks_on(text, names)}
    registry = sorted((m.start, m.end) for m in mentions if type_of(m) == "event")
    starts = [a for a, _ in registry]
    out: list[RawMention] = []
    last_end = -1
    # longest first where they overlap ("the killing of Soleimani" over "Soleimani's killing");
    # in order of start, so an event overlaps an earlier one only if it starts before its end
    for s, e in sorted(found, key=lambda span: (span[0], -span[1])):
        k = bisect.bisect_left(starts, e)  # the registry's events that start before e …
        if s < last_end or any(b > s for _, b in registry[max(0, k - 3):k]):  # … and end after s
            continue
        last_end = e
        out.append(RawMention(s, e, text[s:e], "EVENT", "rules"))
    return out


class _Names:
    """The names found already, looked up by where they start and end, with their type."""

    def __init__(self, mentions: list[RawMention], type_of):
        self.all, self.type_of = mentions, type_of
        self.at_start = {m.start: m for m in mentions}
        self.at_end = {m.end: m for m in mentions}
        self.starts = [m.start for m in mentions]  # (mentions come in order of start)

    def within(self, start: int, end: int) -> list[RawMention]:
        """The names that start in [start, end)."""
        return self.all[bisect.bisect_left(self.starts, start):bisect.bisect_left(self.starts, end)]

    def starting(self, at: int) -> tuple[str | None, int]:
        """(type, end) of the name that starts at `at`, or (None, -1)."""
        m = self.at_start.get(at)
        return (self.type_of(m), m.end) if m is not None else (None, -1)

    def ending(self, at: int, *etypes: str) -> RawMention | None:
        """The name of one of `etypes` that ends at `at`, or None."""
        m = self.at_end.get(at)
        return m if m is not None and self.type_of(m) in etypes else None


def _acts(text: str, names: _Names):
    """"the killing of Soleimani", "the 2003 invasion of Iraq", "Soleimani’s killing"."""
    for m in _ACT_OF.finditer(text):
        kind, end = names.starting(m.end())
        if kind == (_PERSON if m.group(2) else _PLACE) and not _NOUN_AFTER.match(text, end):
            act = m.start(2) if m.group(2) else m.start(3)
            year = _year_before(text, act)
            yield (year if year is not None else m.start(1) if m.group(1) else act), end
    for m in _POSSESSIVE_ACT.finditer(text):
        name = names.ending(m.start(), _PERSON if m.group(1) else _PLACE)
        if name is not None:
            yield name.start, m.end()


def _meetings(text: str, names: _Names):
    """"Vienna negotiations", "US-Iraq strategic dialogue", "the strategic dialogue"."""
    for m in names.all:
        if names.type_of(m) == _PLACE and text[m.end:m.end + 1] != "-" \
                and (meeting := _PLACE_MEETING.match(text, m.end)) is not None:
            yield m.start, meeting.end()
    for m in _COMPOUND_MEETING.finditer(text):
        compound_end = m.start() + len(m.group(0).split()[0])
        if any(names.type_of(x) == _PLACE for x in names.within(m.start(), compound_end)):
            yield m.start(), m.end()
    for m in _DEFINITE_MEETING.finditer(text):
        yield m.start(1), m.end(1)


def _elections(text: str, names: _Names):
    """"the elections", "the Iraqi parliamentary elections", "2004 Canadian federal election"."""
    for m in _ELECTIONS.finditer(text):
        start = m.start()
        if (year := _year_before(text, start)) is not None:
            end = m.end()
            if (inside := _IN_PLACE.match(text, end)) is not None and names.starting(inside.end())[0] == _PLACE:
                end = names.starting(inside.end())[1]  # "… election in Italy"
            yield year, end
            continue
        capitals = _CAPITALS_BEFORE.search(text, max(0, start - 60), start)
        place = names.ending(start - 1, _PLACE) if text[start - 1:start] == " " else None
        if capitals is not None and all(w in word_set("demonyms.txt") for w in capitals.group(0).split()):
            start = capitals.start()  # "the Iraqi elections"
        elif place is not None:
            start = place.start  # "the Iraq elections"
        elif not m.group(1) and not _THE_BEFORE.search(text, max(0, start - 5), start):
            continue  # "to hold elections": no particular elections
        the = _THE_BEFORE.search(text, max(0, start - 5), start)
        yield (the.start() if the is not None else start), m.end()


def _visits(text: str, names: _Names):
    """"an unannounced visit to Baghdad"."""
    for m in _VISIT.finditer(text):
        kind, end = names.starting(m.end())
        if kind == _PLACE:
            yield m.start(1), end


def _year_before(text: str, start: int) -> int | None:
    """Where a year (with its month, and the capitalised words between) that names the event
    at `start` begins, or None: "2019 United Kingdom general election"."""
    m = _YEAR_BEFORE.search(text, max(0, start - 100), start)
    return m.start() if m is not None else None


def _situations(text: str, names: _Names):
    """"the war in Gaza", "the US withdrawal from Afghanistan", "the protests in Baghdad"."""
    for m in _SITUATION.finditer(text):
        kind, end = names.starting(m.end())
        if kind != _PLACE or _NOUN_AFTER.match(text, end):
            continue
        head = m.start(2) if m.group(2) else m.start(3)
        # who withdrew or intervened, named before it: "the US withdrawal from Afghanistan"
        actor = names.ending(head - 1, _PLACE, *_GROUPS) if text[head - 1:head] == " " else None
        year = _year_before(text, actor.start if actor is not None else head)
        if year is not None:
            yield year, end
        elif actor is not None:
            yield actor.start, end
        elif m.group(1):
            yield m.start(1), end


def _named_acts(text: str, names: _Names):
    """"the Hamas attack of October 7", "the Beirut port explosion", "the Khan Sheikhoun
    chemical attack": a group or a place, then what happened."""
    for x in names.all:
        if names.type_of(x) not in (_PLACE, *_GROUPS) or text[x.end:x.end + 1] != " ":
            continue
        m = _NAMED_ACT.match(text, x.end)
        if m is None:
            continue
        end = m.end(1)
        day = _ON_DAY.match(text, end)
        if day is not None:
            end = day.end()
        year = _year_before(text, x.start)
        yield (year if year is not None else x.start), end


# A strike told as a clause: what struck, the verb, and what it struck in a place found
# already: "bomb-laden drones struck the main royal palace in Riyadh", "Russian warplanes
# targeted the neighbourhood of Al-Rashideen", "a car bomb hit a checkpoint near Kirkuk".
# News names most attacks this way, not with a noun ("the drone attack on …"); the clause is
# the event's name. What struck must be a weapon or an armed force ("the economy hit a wall in
# Ohio" is no attack), and the verb must follow it at once, perhaps after an adverb ("the
# explosion to hit the town", "a blast which hit buses": the clause is about something else).
# What struck: a weapon or an armed force, the head of its noun phrase ("air strikes",
# "barrel bomb", "Syrian regime forces": the words before it are `_STRIKER_WORD`s).
_STRIKER_NOUNS = ("strike", "raid", "airstrike", "drone", "rocket", "missile", "mortar", "shell", "bomb", "warplane",
                  "plane", "jet", "helicopter", "gunship", "explosion", "blast", "bomber", "militant", "insurgent",
                  "jihadist", "attacker", "sniper", "militia")
_STRIKER_MASS = ("aircraft", "gunmen", "artillery", "forces", "troops", "army", "coalition")
_STRIKERS = rf"(?:{'|'.join(_STRIKER_NOUNS)})s?|{'|'.join(_STRIKER_MASS)}"
_STRIKER_LAST_WORDS = frozenset([*_STRIKER_NOUNS, *(n + "s" for n in _STRIKER_NOUNS), *_STRIKER_MASS])
_STRIKE_VERBS = r"struck|hit|targeted|attacked|bombed|shelled|pounded|rocked|raided|stormed|ambushed|killed|wounded|injured"
_DETERMINERS = r"[Aa]n?|[Tt]he|[Ii]ts|[Tt]heir|[Hh]is|[Hh]er|[Tt]wo|[Tt]hree|[Ff]our|[Ff]ive|[Tt]en|[Ss]everal|[Mm]ultiple|[Mm]ore|[Oo]ther|\d+"
# Up to four words before the striker's head: "bomb-laden", "Israeli", "ground-to-ground",
# "Syrian regime" (`_striker_start` keeps those that describe it).
_STRIKER_WORD = (rf"(?!(?:{_DETERMINERS}|and|or|but|that|which|who|when|as|after|before|while|if|of|to|by|for|with|from|"
                 r"in|on|at|was|were|is|are|had|has|have|said|says)\b)[\w’'-]+")
# The verb first (rare), then what struck in the words right before it (a pattern tried at
# every word of every text cost 1.3 s on FA-KES's 804 texts).
_STRIKE_VERB = re.compile(rf"\b(?:{_STRIKE_VERBS})\b"
                          # "killed" must have an object: "militants killed in Aleppo" is passive
                          r"(?:(?<!killed)(?<!wounded)(?<!injured)|(?!\s+(?:in|on|at(?!\s+least)|near|as|by|while|"
                          r"during|since|fighting|after)\b))", re.IGNORECASE)
_STRIKE_ADVERBS = ("also", "reportedly", "allegedly", "apparently", "then", "later", "again", "had", "have", "has")
_STRIKER_BEFORE = re.compile(rf"\b(?:(?:{_DETERMINERS})\s+)?((?:{_STRIKER_WORD}\s+){{0,4}}?(?:{_STRIKERS}))"
                             rf"\s+(?:(?:{'|'.join(_STRIKE_ADVERBS)})\s+)?\Z",
                             re.IGNORECASE)  # "Rockets hit …" opens a sentence
# Time words glued to the striker in text without commas ("Saturday evening rocket struck").
# (demonyms.txt lists the days, which also open names: "Friday airstrikes" is a time.)
_NOT_STRIKER_WORDS = frozenset("morning evening night afternoon dawn weekend week day month year yesterday today "
                               "tonight later earlier meanwhile also hours days weeks months years monday tuesday wednesday thursday friday "
                               "saturday sunday".split() + _MONTHS.lower().split("|"))
# Between the verb and the place: what was struck, perhaps "in", "near", "of" …; at most ten
# words, none that ends the clause or starts another ("…, killing", "which", "and said").
_STRUCK = re.compile(r"(?:\s+(?!(?:killing|wounding|injuring|which|who|that|when|after|before|as|while|but|since|"
                     r"said|says|and\s+(?:killed|wounded|said)|leaving|causing)\b)[\w’'-]+){0,10}?\s+\Z")


def _strikes(text: str, names: _Names):
    """"bomb-laden drones struck the main royal palace in Riyadh": from what struck to the
    first place named after the verb, within the clause."""
    last_end = 0
    for v in _STRIKE_VERB.finditer(text):
        before = text[max(0, v.start() - 40):v.start()].split()
        if before and before[-1].lower() in _STRIKE_ADVERBS:
            before.pop()
        if not before or before[-1].lower().lstrip("\"“‘'(") not in _STRIKER_LAST_WORDS:
            continue  # (most verbs: what comes right before them cannot have struck)
        m = _STRIKER_BEFORE.search(text, max(last_end, v.start() - 120), v.start())
        if m is None:
            continue
        start = _striker_start(text, m.start(1), m.end(1))
        verb_end = last_end = v.end()
        for x in names.within(verb_end, verb_end + 90):
            if names.type_of(x) != _PLACE or text[x.end:x.end + 1] == "-":  # (not the "US" of "US-led")
                continue
            if _STRUCK.match(text, verb_end, x.start) is not None:
                yield start, _target_end(text, names, x)
            break


def _striker_start(text: str, start: int, end: int) -> int:
    """Where the words describing what struck begin: after the last word before its head that
    is a capitalised word other than a demonym or an acronym ("Aleppo A bomb blast", "Mondays
    airstrikes", "Related News Turkish warplanes": headlines and datelines run together in text
    without punctuation), or a time word ("Saturday evening rocket")."""
    words = list(re.finditer(r"[\w’'-]+", text[start:end]))
    keep = start
    for w in words[:-1]:
        word = w.group(0)
        first = word.split("-")[0]
        if word.lower() in _NOT_STRIKER_WORDS or (
                word[0].isupper() and not first.isupper() and first not in word_set("demonyms.txt")):
            keep = start + w.end()
    while keep < end and text[keep].isspace():
        keep += 1
    return keep


# An attack named by a noun with its target: "a rocket attack on the US embassy in Baghdad",
# "an airstrike on a hospital in Idlib", "the attack on Erbil airport". Without "the", the
# noun must say how it struck ("a rocket attack", "an airstrike"): "an attack on Iran" is as
# often a threat as a deed.
_ATTACK_NOUNS = r"attacks?|strikes?|assaults?|raids?|bombings?|shelling|ambush|offensive"
_HOW = (r"(?:(?:drone|rocket|missile|mortar|suicide|chemical|car[- ]bomb|artillery|air|terrorist|deadly|"
        r"coordinated|twin|double|cross-border|[a-z]+-led)\s+)")
_ATTACK_ON = re.compile(rf"\b(?:([Tt]he)\s+|([Aa]n?|[Tt]wo|[Ss]everal)\s+(?=(?:{_HOW})|airstrikes?|air\s+raids?))?"
                        rf"((?:{_HOW}){{0,2}}(?:airstrikes?|air\s+raids?|{_ATTACK_NOUNS}))\s+(?:on|against)\s+")
_SAYS_HOW = re.compile(rf"{_HOW}|air")  # "rocket attack", "airstrike": a deed, not a threat
# What was attacked, before its place: "the US embassy in", "a hospital in", "a convoy near".
_TARGET = re.compile(r"(?:the\s+)?\Z|(?:(?:the|a|an|its|their)\s+)?(?:(?!(?:have|has|had|was|were|is|are|will|would|"
                     r"and|which|that|who|killed|killing|after|before)\b)[\w’'-]+\s+){0,4}?"
                     r"(?:in|near|outside|at|on|of)\s+(?:the\s+)?\Z")
# What a target named by a place goes on with: a building or a part of the place ("Erbil
# airport"), or who was struck there ("U.S. facilities", "US troops").
_FACILITY = re.compile(r"\s+(?:international\s+)?(?:airport|embass(?:y|ies)|consulates?|air\s+bases?|bases?|"
                       r"military\s+bases?|compounds?|headquarters|palace|port|prisons?|camps?|refinery|oil\s+fields?|"
                       r"gas\s+fields?|facilities|installations|interests|positions|targets|troops|forces|soldiers|"
                       r"diplomats|personnel|convoys?|patrols?|checkpoints?|mission|ships?|vessels?)\b")
_IN_PLACE_AFTER = re.compile(r"\s+(?:in|near|outside)\s+(?:the\s+)?")


def _attacks_on(text: str, names: _Names):
    """"a rocket attack on the US embassy in Baghdad": from the attack to where it struck."""
    for m in _ATTACK_ON.finditer(text):
        the, article, attack = m.group(1, 2, 3)
        if not the and (not _SAYS_HOW.match(attack) or (not article and attack.endswith("s"))):
            # "an attack on Iran" may be a threat; a plural alone is a kind of deed, not one
            # ("Russia denies air strikes on Idlib")
            continue
        target = m.end()
        for x in names.within(target, target + 60):
            if names.type_of(x) != _PLACE or text[x.end:x.end + 1] == "-":
                continue
            if x.start == target or _TARGET.match(text, target, x.start) is not None:
                yield (m.start(1) if the else m.start(3)), _target_end(text, names, x)
            break


def _target_end(text: str, names: _Names, place: RawMention) -> int:
    """Where a struck target named by `place` ends: with a building or part named after the
    place ("Erbil airport", "the US embassy"), and the place that holds it ("… in Baghdad")."""
    end = place.end
    facility = _FACILITY.match(text, end) or _NOUN_AFTER.match(text, end)  # "the Damascus countryside"
    if facility is not None:
        end = facility.end()
    holder = _IN_PLACE_AFTER.match(text, end)
    if holder is not None:
        kind, holder_end = names.starting(holder.end())
        if kind == _PLACE:
            end = holder_end
    return end
