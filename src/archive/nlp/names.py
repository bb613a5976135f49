"""Find names of people, organisations, militias and places with rules, for when no trained
NER is installed (and for names a model misses).

A candidate is a run of capitalised words in one sentence, with connectors inside ("Syrian
Observatory for Human Rights", "Bashar al-Assad"). It is typed by what it contains and what
stands before it: a place from the gazetteer, a militia or organisation by cue words, a person
after a title or by the shape of a personal name. Known limits: a sentence-initial common word
is dropped only when it is a function word or appears lowercased elsewhere in the article.

Scraped war coverage (the FA-KES demo) adds noise the cleanup below is for: apostrophes
stripped from possessives ("Russias Aerospace Forces"), commas stripped so that names run
together ("Hama Human Rights Watch"), credit lines ("Our Standards"), title-cased headlines
("Being Silently Slaughtered") and bare rank abbreviations ("Col", "Lt").
"""
from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import replace
from functools import lru_cache
from itertools import accumulate, chain

from archive.models import RawMention
from archive.nlp.normalise import without_the
from archive.nlp.lexicon import place_alias_groups, reporting_verbs, state_abbreviations, word_list, word_set

# Small words inside a name: "Islamic State of Iraq and the Levant", "Osama bin Laden".
_CONNECTORS = ("of", "for", "the", "and", "al", "el", "bin", "ibn", "de", "du", "van", "von", "al-", "el-")
_CONNECTOR = rf"(?:{'|'.join(_CONNECTORS)})"
# A word of a name. "George W. Bush": an initial keeps its full stop. A plural's possessive
# stays inside a name before the head of a body's name ("Kurdistan Workers’ Party", "Veterans’
# Association"); before any other word it ends the name ("Fox News’ Chris Wallace", "Homs’ Old
# City", "the Democrats’ Senate majority").
_BODY_HEADS = ("Party|Union|Unions|Association|Federation|League|Front|Movement|Council|Congress|Corps|"
               "Brigades?|Committee|Organi[sz]ation|Alliance|Coalition|Syndicate|Guild|Fund")
_WORD = rf"(?:[A-Z][\w’'.\-]*[\w](?:(?<=s)[’'](?=[ \t]+(?:{_BODY_HEADS})\b))?|[A-Z]\.(?=[ \t]+[A-Z])|[A-Z])"
# Inside a name, an Arabic article may be glued to the next word: "Sayyid al-Shuhada".
_RUN = re.compile(rf"(?<![\w])(?<![\w][’'])(?:\b(?:al|el)-)?{_WORD}(?:(?:\s+{_CONNECTOR})*\s+(?:(?:al|el|an|ar|as|ash|ad|az|at)-)?{_WORD})*")
_NAME_PARTICLES = frozenset({"bin", "ibn", "al", "el", "de", "du", "van", "von"})
_FUNCTION_WORDS = {
    "the", "a", "an", "in", "on", "at", "by", "for", "from", "to", "of", "and", "but", "or", "as",
    "he", "she", "it", "they", "we", "i", "you", "his", "her", "its", "their", "our", "this",
    "that", "these", "those", "there", "here", "meanwhile", "however", "after", "before",
    "during", "while", "when", "since", "until", "if", "although", "though", "last", "next",
    "according", "earlier", "later", "also", "another", "other", "some", "many", "most", "all",
    "both", "each", "such", "what", "which", "who", "why", "how", "where", "observers",
    "analysts", "officials", "sources", "yesterday", "today", "tomorrow", "on", "with", "over",
    "under", "between", "among", "without", "within", "despite", "once", "then", "now", "so",
    "not", "no", "yes", "more", "less", "several", "few", "one", "two", "three", "first",
    # auxiliaries that open a headline's question ("Are Donald Trump's …"); not "is" ("IS"
    # is the Islamic State) nor "will" ("Will Smith")
    "are", "was", "were", "has", "have", "had", "does", "did",
    # contractions ("“…,” I’m told."): a pronoun, never a name
    "i’m", "i'm", "i’ve", "i've", "i’d", "i'd", "i’ll", "i'll",
    # prepositions that open a sentence ("Unlike many of the Patriot mines …")
    "unlike", "like", "amid", "against", "toward", "towards", "throughout", "beyond", "behind",
}


@lru_cache(maxsize=1)
def _lexicon():
    places = set(word_list("places.txt"))
    # a country's other names are places too ("Islamic Republic of Iran", "Russian Federation")
    places.update(chain.from_iterable(place_alias_groups()))
    org = set(word_list("org_cues.txt"))
    militia = set(word_list("militia_cues.txt"))
    titles = sorted({t.lower() for t in word_list("titles.txt")}, key=len, reverse=True)
    demonyms = set(word_list("demonyms.txt"))
    return places, org, militia, titles, demonyms


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    return frozenset(word_list("name_stopwords.txt"))


# Prefixes of Levantine and Mesopotamian place names ("Khan Shaykhun", "Tal Abyad", "Deir
# Hafer"), and compass words before a place ("Northern Caucasus").
# What a place is, in lowercase around its name: "the town of Tabqa", "Idlib province".
_PLACE_BEFORE = re.compile(r"\b(?:city|cities|town|towns|village|villages|neighbou?rhoods?|district|province|governorate|"
                           r"suburbs?|countryside|outskirts|capital|hometown|port|region|strongholds?|enclave|bastion)\s+of\s+(?:the\s+)?\Z")
# ("a stronghold of the Takfiri group": a group's, not a place's, name)
_GROUP_AFTER = re.compile(r"\s+(?:group|groups|militias?|organi[sz]ations?|movement)\b")
_PLACE_AFTER = re.compile(r"\s+(?:province|governorate|countryside|district|neighbou?rhood|suburb|city|region|village|"
                          r"town(?!\s+hall))\b")
_POSSESSIVE_END = re.compile(r"(?:’s|'s)$")
_CROSSING_AFTER = re.compile(r"\s+(?:border\s+)?(?:crossing|checkpoint)\b")
# A government or a regime named after its leader: "the Assad regime", "the Trump administration".
_LEADER_AFTER = re.compile(r"\s+(?:regime|administration)\b")
_PLACE_FIRST = {"Khan", "Tal", "Tell", "Ain", "Ras", "Deir", "Jisr", "Maaret", "Maarat", "Kafr", "Jabal",
                "Jebel", "Wadi", "Bab", "Albu", "Qasr", "Tel", "Hayy",
                # more head nouns of Levantine place names: pit, hill, village, house, well,
                # meadow, suburb, market, plain ("Jubb al-Jarrah", "Marj al-Sultan", "Sahl al-Ghab")
                "Jubb", "Tall", "Kfar", "Kafar", "Beit", "Bir", "Marj", "Dahiyet", "Dahiyat", "Souq", "Suq", "Sahl"}
_COMPASS = {"North", "Northern", "South", "Southern", "East", "Eastern", "West", "Western", "Central", "Upper", "Lower",
            "Northeastern", "Northwestern", "Southeastern", "Southwestern", "North-eastern", "North-western",
            "South-eastern", "South-western",
            # "Rural Damascus", "Greater Damascus", "Old Damascus": a part of a known place
            "Rural", "Greater", "Old"}
_PLACE_LAST = {"Province", "Governorate", "City", "River", "Mountains", "Airport", "Base", "Square", "Crossing",
               "Valley", "Gorge", "Desert", "District", "Region", "Plain", "Lake", "Sea", "Gulf", "Island", "Islands",
               "Bridge", "Dam", "Neighbourhood", "Neighborhood", "Quarter", "Camp",
               # streets and buildings where things happen ("Castello Road", "National Hospital"):
               # not "Hill", "Church", "Tower" or "Park", which are surnames too
               "Road", "Street", "Avenue", "Highway", "Farms", "Hospital", "School", "Palace", "Countryside",
               "Mosque", "Stadium", "Market", "Prison", "Heights", "Port", "Village"}
# Arabic adjectives that end place names, after their article: big and small (feminine), town,
# new and old, the compass, upper and lower, middle ("Urum al-Kubra", "Daraa al-Balad").
_ARABIC_PLACE_LAST = {"Kubra", "Sughra", "Balad", "Jadida", "Jadideh", "Jadeeda", "Qadima", "Qadimeh", "Gharbiya",
                      "Gharbiyeh", "Sharqiya", "Sharqiyeh", "Shamaliya", "Janoubiya", "Fawqa", "Tahta", "Foqani",
                      "Tahtani", "Wusta"}  # (not "Kabir", "Sharqi": surnames too)
# Adjectives glued with a hyphen ("Kurdish-led", "Daesh-held") describe a name, they are not in it.
# Participles after a hyphen ("-led", "-backed"): the word before them describes a name.
_PARTICIPLES = "led|backed|held|based|controlled|run|linked|allied|affiliated|owned|dominated"
_HYPHEN_ADJ = re.compile(rf"^[\w’']+-(?:{_PARTICIPLES}|derived|majority)$", re.I)
_HEADLINE_WORD = re.compile(r"^[A-Z][a-z]{2,}(?:ing|ed)$")
_ADVERB = re.compile(r"^[A-Z][a-z]{3,}ly$")  # "Reportedly": adverbs are never inside a name


# Day and month names are in demonyms.txt, so they are cut from the front of a name; but unlike
# "Syrian" in "Syrian Democratic Forces" they never open an organisation's own name. Scraped
# text drops the comma in "On Monday, the United Nations said", gluing the day to the name
# after it ("Early Sunday Abdel Rahman said", "In September Ahrar al-Sham ...").
DATE_WORDS = frozenset({"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January",
                         "February", "March", "April", "May", "June", "July", "August", "September", "October",
                         "November", "December"})
_BEFORE_DATE = frozenset({"Early", "Late", "Last", "Next", "Since", "Until", "Through"})


# Months that are surnames and given names too: after a given name they end the name ("Theresa
# May"), where a month in demonyms.txt would be cut off.
_NAME_MONTHS = frozenset({"April", "May", "June", "August"})


def _surname_month(words: list, text: str, s: int) -> bool:
    """Whether the last of `words` (matches in the run at `s` of `text`) is a month that is a
    surname here: after a given name, and not a date ("Ariha August 3 2015")."""
    if len(words) < 2 or words[-1].group(0) not in _NAME_MONTHS or re.match(r"\s*\d", text[s + words[-1].end():]):
        return False
    before = words[-2].group(0)
    return before[:1].isupper() and before.lower() not in _FUNCTION_WORDS and before not in DATE_WORDS \
        and before not in _BEFORE_DATE


# Head nouns of events' proper names: last ("Cold War", "Arab Spring", "World War II") or
# first before "of" ("Battle of Aleppo", "Siege of Sarajevo").
_EVENT_HEADS = frozenset({"War", "Wars", "Battle", "Offensive", "Siege", "Massacre", "Summit", "Conference",
                          "Games", "Olympics", "Revolution", "Uprising", "Crisis", "Spring", "Intifada",
                          # treaties: "Abraham Accords", "Treaty of Lausanne" (not "Accord", a party's
                          # name as often: "Green Progressive Accord")
                          "Accords", "Treaty"})
_ROMAN = re.compile(r"^(?:I|II|III|IV|V|VI|VII|VIII|IX|X)$")


_STORMS = frozenset({"Hurricane", "Cyclone", "Typhoon", "Storm", "Tropical"})  # "Hurricane Katrina"


def _is_event_name(words: list[str]) -> bool:
    core = words[:-1] if len(words) >= 2 and _ROMAN.match(words[-1]) else words
    if len(core) > 5 or any(w.isupper() and len(w) > 3 or w[:1].islower() and w not in ("of", "the") for w in core):
        return False  # "REUTERS Rodi Said Battle", "France for the Ghouta Massacre": glued runs
    if len(core) >= 2 and (core[-1] in _EVENT_HEADS or core[0] in _STORMS):
        return True
    return len(core) >= 3 and core[0] in _EVENT_HEADS and core[1] == "of"


def _has_cue(name: str, org, militia) -> bool:
    """Whether a part of a run names a group by itself: a cue word, or a cue of several words
    ("Rights Watch")."""
    return any(w.strip("’'") in org or w.strip("’'") in militia for w in name.split() if w[:1].isupper()) \
        or any(cue in name for cue in _multiword_cues())


def _stands_alone(part: str, text: str, places) -> bool:
    """Whether the part before "and" in a run whose other part is a group's name is a name of
    its own: a known place ("Syria and the Arab League"), or a person whose surname the article
    also writes alone ("Nouri al-Maliki and Fatah Alliance", then "Maliki said"). Not the first
    words of one long name ("Center for Strategic and International Studies", "House Oversight
    and Government Reform Committee")."""
    if part in places:
        return True
    words = part.split()
    if len(words) < 2 or any(w in ("of", "for", "the") for w in words):
        return False
    surname = re.sub(r"^(?:al|el)-", "", words[-1])
    if surname.endswith(("ic", "al", "ive", "ist", "ian", "ous", "ary", "ish", "ese")):
        return False  # "Social Democratic and Labour Party": an adjective, no surname
    return _word_counts(text)[surname] >= 2


@lru_cache(maxsize=2)
def _word_counts(text: str) -> Counter:
    """How often each word is written in the text ("al-Maliki" counts for "Maliki")."""
    return Counter(re.findall(r"\w+", text))


# Words of a state body's name that say what it is but not whose: "Revolutionary Guards",
# "Republican Guard", "Armed Forces", "Defence Ministry", "Supreme Court", "Central Bank".
_STATE_BODY_WORDS = frozenset({"Revolutionary", "Guards", "Guard", "Corps", "Armed", "Forces", "Army", "Navy", "Air",
                               "Force", "National", "Republican", "Special", "Security", "Foreign", "Defence",
                               "Defense", "Interior", "Ministry", "Supreme", "Court", "Central", "Bank",
                               "Intelligence", "Federal", "Police", "Presidential", "General", "Staff", "Border"})


def _state_body(rest: str) -> bool:
    """Whether the words of a run after a state's possessive are two or more such generic words."""
    words = rest.split()
    return len(words) >= 2 and all(w in _STATE_BODY_WORDS for w in words)


_LIST_BEFORE = re.compile(r"([A-Z][\w’'-]+),\s+\Z")
_LIST_AFTER = re.compile(r"(?:,\s+|\s+and\s+)([A-Z][\w’'-]+)(?:[^\w’'-]|\Z)")


def _in_place_list(text: str, start: int, end: int, places) -> bool:
    """Whether a word is between two known places in a list ("Basra, Nasiriyah and Najaf"):
    a list's items are of one kind."""
    before = _LIST_BEFORE.search(text, max(0, start - 40), start)
    after = _LIST_AFTER.match(text, end)
    return before is not None and after is not None and before.group(1) in places and after.group(1) in places


def _inside_fixed_name(run: str, at: int) -> bool:
    """Whether the " and " at `at` in `run` is inside a name of `data/names_with_and.txt`."""
    for phrase in word_set("names_with_and.txt"):
        p = run.find(phrase, max(0, at - len(phrase)), at + len(phrase))  # (bounded: linear runs)
        if 0 <= p <= at and at + len(" and ") <= p + len(phrase):
            return True
    return False


def _and_parts(text: str, runs, places, org, militia):
    """The runs, with "and" between two names split: "President Obama and Hillary Clinton",
    "John Kerry and Russian Foreign Minister Sergei Lavrov" are two people (each part trimmed
    and typed on its own). A run that is a known place ("Bosnia and Herzegovina") stays whole,
    and so does one with an organisation or militia cue ("Organisation for Security and
    Co-operation in Europe") unless two names of groups meet at its "and" (below)."""
    for s, e, blob in runs:
        run = text[s:e]
        if " and " not in run or run in places:
            yield s, e, blob
            continue
        if _has_cue(run, org, militia):
            # Two groups each named with a cue are two ("Kataib Sayyid al-Shuhada and Saraya
            # al-Salam"), and so is a name after "and the" ("Hezbollah and the Houthis", "the
            # Coordination Framework and the Sadrist Movement"); a name's own "and" stays
            # ("Organisation for Security and Co-operation", "Islamic State of Iraq and the Levant").
            start = s
            parts = run.split(" and ")
            at = 0  # where the " and " after parts[k] is in the run
            for k in range(len(parts) - 1):
                # (each side is the part next to this "and", not all the run before it: a run
                # of thousands of "and"s stays linear)
                left, right = parts[k], parts[k + 1]
                at += len(left)
                and_at = at
                at += len(" and ")
                bare = right[4:] if right.startswith("the ") else None
                if _inside_fixed_name(run, and_at):
                    continue  # "Red Cross and Red Crescent": one name
                left_cue, right_cue = _has_cue(left, org, militia), _has_cue(right, org, militia)
                if bare is not None and bare not in places and bare[:1].isupper() \
                        or left_cue and right_cue \
                        or right_cue and not left_cue and _stands_alone(left, text, places):
                    # each part is a blob (a headline's or a credit line's run) only by itself
                    yield start, s + and_at, len(text[start:s + and_at].split()) >= 6
                    start = s + at
            yield start, e, blob if start == s else len(text[start:e].split()) >= 6
            continue
        start = s
        for m in re.finditer(r" and ", run):
            yield start, s + m.start(), blob
            start = s + m.end()
        yield start, e, blob


def _title_end(words: list) -> int:
    """How many of `words` (regex matches) are a title before a name: titles in a row
    ("Lt. Gen."; "Secretary of State" as one), with up to three words before the first that
    say whose or what title it is ("Sudanese President Bashir", "Foreign Secretary Boris
    Johnson", "White House Press Secretary Sean Spicer"). At least one word is left."""
    bare = [w.group(0).lower().rstrip(".").replace("-", " ") for w in words]
    known = _title_set()
    end = i = 0
    while i < len(words) - 1 and (end or i < 4):
        for n in (3, 2, 1):
            if i + n < len(words) and " ".join(bare[i:i + n]) in known:
                end = i = i + n
                break
        else:
            if end:  # the name starts here
                break
            if not words[i].group(0)[:1].isupper():
                return 0  # "of" before any title: not a title's qualifier
            i += 1
    return end


def _is_title(word: str) -> bool:
    return word.lower().rstrip(".").replace("-", " ") in _title_set()


@lru_cache(maxsize=1)
def _title_set() -> frozenset[str]:
    titles = _lexicon()[3]
    return frozenset(t.rstrip(".").replace("-", " ") for t in titles) | frozenset(titles)


def _possessive_stem(word: str, text_words: set[str], places: set[str]) -> str | None:
    """'Russias' → 'Russia' where the apostrophe was stripped upstream: the stem must be a
    known place or written without the 's' elsewhere in the article."""
    if re.fullmatch(r"[A-Z]{2,5}s", word):
        return word[:-1]  # "EUs Mogherini", "NATOs pledge"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        stem = word[:-1]
        if stem in places or stem in text_words:
            return stem
    return None


def _strip_possessive(s: str, e: int, text: str) -> int:
    for suffix in ("’s", "'s", "’", "'"):
        if text[s:e].endswith(suffix):
            return e - len(suffix)
    return e


def _title_before(text: str, start: int, titles) -> bool:
    before = text[max(0, start - 40):start].lower().rstrip()
    return any(before.endswith(t) and (len(before) == len(t) or not before[-len(t) - 1].isalpha()) for t in titles)


@lru_cache(maxsize=2)
def _words_of(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"\w+", text))


def _written_lowercase(name: str, text: str) -> bool:
    """Does the text hold `name` in lowercase as a whole word? One set of the text's words
    per article: a regex search of the whole text per name was quadratic in its length."""
    low = name.lower()
    if re.fullmatch(r"\w+", low):
        return low in _words_of(text)
    return re.search(rf"\b{re.escape(low)}\b", text) is not None


# Party adjectives (demonyms.txt): cut before a person ("Republican Donald Trump"), kept in a
# group's name ("Republican Guard", "Republican National Convention").
_PARTY_WORDS = frozenset({"Republican", "Democrat", "Libertarian"})
# Words of newsrooms' names that alone are a menu's or a headline's word ("Latest News").
_MEDIA_WORDS = frozenset({"News", "Media", "Press", "Radio", "Television", "Daily", "Weekly", "Times", "Post"})
# Abbreviations of common nouns, not names, when they stand alone ("Syrian State TV" is a name)
_COMMON_ACRONYMS = frozenset({"TV", "GMT", "UTC", "NGO", "NGOs", "URL", "PM", "AM", "CEO", "PhD", "OK"})


# Plural nouns that open a sentence as its source ("Reports said", "Sources added"), which a
# capitalised word before a reporting verb would otherwise make a person.
_PLURAL_SOURCES = frozenset({"Reports", "Report", "Sources", "Officials", "Witnesses", "Residents", "Analysts",
                             "Experts", "Critics", "Observers", "Monitors", "Rebels", "Militants", "Police",
                             "Authorities", "Medics", "Paramedics", "Locals", "Insurgents", "Fighters", "Troops",
                             "Forces", "Lawmakers", "Diplomats", "Investigators", "Prosecutors", "Protesters",
                             "Doctors", "Survivors", "Aides", "Advisers", "Opponents", "Supporters", "Voters"})

PERSON_BY_SHAPE = "PERSON_BY_SHAPE"  # `_label`: capitalised words shaped like a person's name, nothing more
UNTYPED = "UNTYPED"  # `_label`: a single capitalised word that may be a name, typed later
_CARDINAL_POINTS = frozenset({"West", "East", "North", "South"})

# Words between a subject and its reporting verb: "Obama also said", "Carson has repeatedly denied".
_BEFORE_VERB = re.compile(r"(?:also|later|then|again|once|since|has|had|have|will|would|[a-z]+ly)$")


def _reports(after: list[str]) -> bool:
    """Whether the words after a name open with a reporting verb, after up to two words that
    come between a subject and its verb ("said", "also said", "has repeatedly denied")."""
    for word in after[:3]:
        if word.lower().rstrip(".,;:") in reporting_verbs():
            return True
        if not _BEFORE_VERB.match(word):
            return False
    return False


def _label(name: str, text: str, start: int, end: int, persons: set[str]) -> str | None:
    places, org, militia, titles, demonyms = _lexicon()
    words = name.split()
    if name in places:
        return "GPE"
    if name in _COMMON_ACRONYMS:
        return None
    if name in word_set("news_agencies.txt") or name in word_set("party_names.txt"):
        return "ORG"
    if sum(1 for w in words if w[:1].isupper()) > 7:
        return None  # "OS Android Youtube Satellite Coverage Partner Hotels …": a page's menu, not a name
    if len(words) == 1 and not name.isupper() and _written_lowercase(name, text):
        # "Army", "Front" alone, in an article that also writes "army", "front": a common word, even
        # where it is a cue ("Congress", "Hezbollah", never written so, stay)
        return None
    if name in _MEDIA_WORDS:
        return None  # "News", "Media" alone: a menu's or a headline's word, not a newsroom's name
    folded = name.replace("’", "'")  # "Asa’ib Ahl al-Haq": the cue is written "Asa'ib"
    if any(cue.lower() in folded.lower() for cue in militia if " " in cue or "'" in cue) \
            or any(w.strip(".,").replace("’", "'") in militia for w in words):
        return "MILITIA"
    if any(w in org for w in words) or any(cue in name for cue in org if " " in cue):
        return "ORG"
    if _is_event_name(words):
        return "EVENT"  # "World War II", "the Cold War", "Battle of Aleppo", "Arab Spring"
    if len(words) <= 3 and (_PLACE_BEFORE.search(text, max(0, start - 40), start) and not _GROUP_AFTER.match(text, end)
                            or _PLACE_AFTER.match(text, end)):
        return "GPE"  # "the town of Tabqa", "Idlib province": English names a place by what it is
    if 2 <= len(words) <= 3 and re.match(r"(?:al|el|Al|El)-", words[-1]) and words[-1][3:] in _ARABIC_PLACE_LAST:
        return "GPE"  # "Urum al-Kubra", "Daraa al-Balad": big, the town …
    if words[-1] in _PLACE_LAST and "and" not in words or (len(words) >= 2 and (words[0] in _PLACE_FIRST or words[0] in _COMPASS and " ".join(words[1:]) in places)):
        return "GPE"
    if name.isupper() and name.title() in places:
        return "GPE"  # a dateline: "MOSCOW"
    if name.isupper() and len(name) >= 3 and text[end:end + 1] == ":" and _after_opening(text, start) \
            and re.search(rf"\b{re.escape(name.title())}\b", text):
        return "PERSON"  # a transcript's speaker, named so elsewhere: "PENCE: And that’s why …" (not "NATO:")
    if len(words) == 1:
        if name in persons:
            return "PERSON"
        if _written_lowercase(name, text):
            return None  # the article also writes it in lowercase: a common word
        if name.isupper() and 2 <= len(name) <= 6:
            return "ORG"
        after = text[end:end + 40].split()
        if after and after[0] == "say" or name.endswith(("ists", "ians")) or name in _PLURAL_SOURCES:
            return None  # "Activists say", "Reports also said": a plural common noun, not a name
        if name in ("Having", "Being"):
            return None  # "Having said that, …": an auxiliary that opens the sentence
        if name in _CARDINAL_POINTS:
            return None  # "The West has accused Russia": a part of the world, not a person
        if _title_before(text, start, titles) or _reports(after):
            return "PERSON"
        if _LEADER_AFTER.match(text, end):
            return "PERSON"  # "the Assad regime", "the Trump administration": named after its leader
        if _in_place_list(text, start, end, places):
            return "GPE"  # "in Basra, Nasiriyah and Najaf"
        return UNTYPED  # maybe a name: the whole text may tell (`_type_untyped`)
    if _title_before(text, start, titles):
        return "PERSON"
    if len(words) <= 2 and re.match(r"^(?:Al|El)(?:-|$)", words[0]) and not re.search(r"\b(?:bin|ibn|abu)\b", name, re.I):
        if len(words) == 2 and words[0] in ("Al", "El") and _surname_of_a_person(words[1], text):
            return "PERSON"  # "Al Gore", then "Mr. Gore" or "Gore said": Al is his given name
        return "GPE"  # "Al-Tabqah", "Al Sukhnah": a bare al-name is a town far more often than a person
    # Lowercase particles inside a person's name do not count: "Osama bin Laden", "Mohammed bin
    # Salman", "Ursula von der Leyen" (a run holds only these between capitalised words).
    named = [w for w in words if w not in _NAME_PARTICLES] if len(words) >= 3 else words
    if all(re.sub(r"^(?:al|el|an|ar|as|ash|ad|az|at)-", "", w)[:1].isupper() for w in named) and len(named) <= 4 \
            and not any(w.isupper() and len(w.rstrip(".")) > 1 and not _ROMAN.match(w) for w in named):  # ("J." is an initial)
        if all(w.lower() in _words_of(text) for w in words):
            return None  # "Chemical Attack", "Double Game": title case of words the article also writes in lowercase
        last = words[-1]
        if len(words) >= 2 and len(last) >= 5 and last.endswith("s") and not last.endswith(("us", "ss")) \
                and last.lower() in _words_of(text) and last not in persons:
            return None  # "Terrorist Rocket Attacks", "Jeish Al Fatah Terrorists": a headline's plural noun
        return PERSON_BY_SHAPE
    # Five or more capitalised words without a cue: glued names or a headline, not a name.
    return None


def _surname_of_a_person(word: str, text: str) -> bool:
    """Whether the text writes `word` alone as a person's surname: after a courtesy title or
    a politician's ("Mr. Gore", "Sen. Franken"), or before a reporting verb ("Gore said")."""
    w = re.escape(word)
    return re.search(rf"\b(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov)\.?\s+{w}\b|(?<![\w-]){w}\s+(?:said|says|told|added|wrote)\b",
                     text) is not None


class _Taken(list):
    """Spans already taken, sorted, answering "does (s, e) overlap one?" in O(log n).

    Scanning every taken span for every word made names quadratic in the article's length
    (a 200 KB article took minutes)."""

    def __init__(self, spans=()):
        super().__init__(sorted(spans))
        self._starts = [a for a, _ in self]
        self._max_end = list(accumulate((b for _, b in self), max))

    @classmethod
    def of(cls, spans) -> "_Taken":
        return spans if isinstance(spans, cls) else cls(spans)

    def overlaps(self, s: int, e: int) -> bool:
        i = bisect.bisect_left(self._starts, e)  # spans before i start before e
        return i > 0 and self._max_end[i - 1] > s


@lru_cache(maxsize=1)
def _names_with_in() -> tuple[re.Pattern | None, dict[str, str]]:
    """One pattern for the names of `data/names_with_in.txt`, and each name's label by its key."""
    labels = {}
    for line in word_list("names_with_in.txt"):
        name, label = (f.strip() for f in line.split("|"))
        labels[_in_name_key(name)] = label
    if not labels:
        return None, labels
    alternatives = []
    for name in sorted(labels, key=len, reverse=True):
        words = [re.escape(w).replace("'", "['’]") for w in name.split()]
        alternatives.append(r"[\s-]+".join(words))
    # (not the start of a longer name: "Islamic State in Iraq and Syria" is not listed)
    return re.compile(rf"(?<![\w-])(?i:{'|'.join(alternatives)})(?![\w-])(?!\s+and\s+(?:the\s+|al-)?[A-Z])"), labels


# The small words that the listed names hold, as a text has them (a quick test before the pattern).
_SMALL_WORD_MARKERS = (" in ", " on ", " without ", " Without ")


def _in_name_key(name: str) -> str:
    return " ".join(re.split(r"[\s-]+", name.lower().replace("’", "'")))


def _fixed_names(text: str, taken: "_Taken") -> list[RawMention]:
    """The names of `data/names_with_in.txt` in `text`, capitalised as names are (not a
    sentence's lowercase "islamic state in iraq"), outside `taken`. Their small word would
    cut them ("in", "on", and "Without", which in title case reads as a headline's)."""
    pattern, labels = _names_with_in()
    if pattern is None or not any(marker in text for marker in _SMALL_WORD_MARKERS):
        return []  # (most texts: no name of the list can be there)
    out = []
    for m in pattern.finditer(text):
        words = [w for w in re.split(r"[\s-]+", m.group(0)) if w.lower() not in ("in", "on", "without", "the", "and", "for", "of", "al", "el")]
        if all(w[:1].isupper() for w in words) and not taken.overlaps(m.start(), m.end()):
            out.append(RawMention(m.start(), m.end(), m.group(0), labels[_in_name_key(m.group(0))], "rules"))
    return out


# A state's broadcaster or press, named by what it is: "Syrian state television said …",
# "Iranian state media reported …" (a news agency has a name of its own: "state news agency SANA").
_STATE_MEDIA = re.compile(r"\b([A-Z][a-z]+)\s+state(?:-run|-owned)?\s+(?:television|TV|media|broadcaster|radio)\b")


def _state_media(text: str, taken: "_Taken") -> list[RawMention]:
    """The state media of `text` named with their state's demonym, outside `taken`, as
    organisations: a quote they report is theirs ("Syrian state television said …")."""
    if " state" not in text:
        return []
    demonyms = _lexicon()[4]
    return [RawMention(m.start(), m.end(), m.group(0), "ORG", "rules") for m in _STATE_MEDIA.finditer(text)
            if m.group(1) in demonyms and m.group(1) not in DATE_WORDS and not taken.overlaps(m.start(), m.end())]


def find_names(text: str, sentences: list[tuple[int, int]], taken: list[tuple[int, int]] = ()) -> list[RawMention]:
    """Rule-based names in `text`, avoiding spans in `taken` (e.g. registry matches)."""
    places, org, militia, titles, demonyms = _lexicon()
    lowered_words = set(re.findall(r"\b[a-z][\w’'-]*\b", text))
    taken_sorted = _Taken(taken)
    fixed = _fixed_names(text, taken_sorted)
    fixed += _state_media(text, _Taken([*taken, *((m.start, m.end) for m in fixed)]))
    if fixed:  # (the runs go around them as around the registry's)
        taken_sorted = _Taken([*taken, *((m.start, m.end) for m in fixed)])
    sentence_starts = {s for s, _ in sentences}
    persons: set[str] = set()
    out: list[RawMention] = list(fixed)
    untyped: list[RawMention] = []  # single capitalised words nothing typed where they stand
    by_shape: set[int] = set()  # where the persons typed by their shape alone start
    text_words = set(re.findall(r"[A-Z][\w-]*", text))
    for s, e, blob in _and_parts(text, _split_runs(text, places, text_words, taken_sorted), places, org, militia):
        words = list(re.finditer(r"\S+", text[s:e]))
        # Trim leading words that are not part of a name: function words, demonyms, and a
        # sentence-initial word that the article also uses in lowercase.
        while words:
            w = words[0].group(0)
            at_start = (s + words[0].start()) in sentence_starts or _after_opening(text, s + words[0].start())
            own_name = w in demonyms and w not in DATE_WORDS and _demonym_in_name(w, words, text, s, e)
            if w.lower() in _FUNCTION_WORDS and not (w == "The" and _keeps_the(text[s:e])) \
                    or (w in demonyms and not own_name or at_start and w.lower() in lowered_words) \
                    and not _opens_place(words, places) \
                    or (w in _BEFORE_DATE and len(words) > 1 and words[1].group(0) in DATE_WORDS) \
                    or (w in _COMMON_ACRONYMS and len(words) > 1):  # "appoints new PM Summit in Tehran …"
                words.pop(0)
                continue
            break
        while words and (words[-1].group(0).lower() in _FUNCTION_WORDS or words[-1].group(0) in demonyms) \
                and not _surname_month(words, text, s):
            words.pop()
        while words and _HYPHEN_ADJ.match(words[0].group(0)):
            words.pop(0)
        if words and _HYPHEN_ADJ.match(words[-1].group(0)):
            words.pop()
        if not words:
            continue
        bare = [w.group(0).rstrip(".").lower() for w in words]
        if all(b in _title_set() for b in bare) or " ".join(bare) in titles:
            continue  # "Col", "Lt", "Prime Minister": a title without its name
        if len(words) == 1 and words[0].group(0) in _PLACE_LAST:
            continue  # "Governorate" cut off from its name
        if any(_ADVERB.match(w.group(0)) and w.group(0) not in places and w.group(0) not in org for w in words):
            # ("The Arab Weekly", "Gulf Daily News": a cue word that looks like an adverb)
            continue
        if len(words) >= 2 and any(_HEADLINE_WORD.match(w.group(0)) and w.group(0) not in word_set("verb_like_names.txt") for w in words) \
                and not any(w.group(0) in org or w.group(0) in militia for w in words) and not _opens_place(words, places):
            continue  # "Being Silently Slaughtered": a title-cased headline, not a name ("United States" is a place)
        # A title at the front is a role, not part of the name ("Foreign Minister Boris Johnson").
        end = _title_end(words)
        rest = [_POSSESSIVE_END.sub("", w.group(0)) for w in words[end:]]  # "the Justice Department's"
        if end and (not _is_title(words[0].group(0)) or all(w in org for w in rest)) \
                and any(w in org or w in militia for w in rest):
            # ("General Assembly", "General Command": a title before nothing but a cue word)
            end = 0  # "Syrian Revolution General Commission": an organisation's name, not a title before a person's
        words = words[end:]
        while words and words[0].group(0).lower() in _FUNCTION_WORDS \
                and not (words[0].group(0) == "The" and _keeps_the(text[s:e])):
            words.pop(0)  # "of State John Kerry" once "Secretary" is cut
        if not words:
            continue
        ns, ne = s + words[0].start(), s + words[-1].end()
        ne = _strip_possessive(ns, ne, text)
        if text[ns:ne] not in places:
            ne = ns + len(text[ns:ne].rstrip(".,;:’'-"))
        if text[ne:ne + 1] == "." and text[ns:ne + 1] in places:
            ne += 1  # "U.S.": its last full stop is its own (a run ends before it)
        if ne <= ns or taken_sorted.overlaps(ns, ne):
            continue
        name = text[ns:ne]
        label = _label(name, text, ns, ne, persons)
        if label == PERSON_BY_SHAPE:
            label = "PERSON"
            if not blob:
                by_shape.add(ns)
        crossing = _CROSSING_AFTER.match(text, ne)
        if label in (None, UNTYPED) and crossing is not None and text[max(0, ns - 4):ns].lower() == "the ":
            label = "GPE"  # "the Nasib crossing" (not "Ahmed crossing the road")
        if label == UNTYPED:
            if not blob:
                untyped.append(RawMention(ns, ne, name, label, "rules"))
            continue
        if label is None:
            continue
        if label == "PERSON" and name.startswith("The "):
            label = "ORG"  # "according to The Independent": "The" was kept for a publication's name
        if crossing is not None and label in ("GPE", "PERSON"):
            # "the Shalamjah border crossing", "the Nasib crossing": the crossing is the place
            # (the town it is named after may lie on the other side of the border)
            ne, label = crossing.end(), "GPE"
            if taken_sorted.overlaps(ns, ne):
                continue
            name = text[ns:ne]
        if blob and label == "PERSON" and not _title_before(text, ns, titles) and name.split()[-1] not in persons:
            # Six or more capitalised words in a row: a headline or a credit line. Places and
            # cue-typed groups in it are real; a bare "person" there is usually not.
            continue
        if label == "PERSON" and (" " in name or _title_before(text, ns, titles)):
            # (a single name after a title too: "Lord Byron", then "Byron")
            surname = name.split()[-1]
            persons.add(surname)
            # "Bashar al-Assad", then "Assad": English news drops the Arabic article
            persons.add(re.sub(r"^(?:al|el|Al|El)-", "", surname))
        out.append(RawMention(ns, ne, name, label, "rules"))
    if by_shape:
        out = _places_in_place_lists(text, out, by_shape)
        out = [replace(m, label="GPE") if m.start in by_shape and _BEARING.match(text, m.end) else m for m in out]
    typed = _type_untyped(text, untyped, out, persons, sentence_starts, by_shape)
    if fixed or typed:
        out.extend(typed)
        out.sort(key=lambda m: m.start)
    return out


# One name beside another in a list: ", ", " and ", " or ", ", and ".
_LIST_GAP = re.compile(r"\s*,\s*(?:(?:and|or)\s+)?|\s+(?:and|or)\s+")


def _type_untyped(text: str, untyped: list[RawMention], found: list[RawMention], persons: set[str],
                  sentence_starts: set[int], by_shape: set[int]) -> list[RawMention]:
    """The single words left untyped, typed by what the whole text says of them: an item of a
    list whose named items are all of one kind ("Narendra Deo and Nehru", "Dewsbury,
    Doncaster, Halifax, Huddersfield"), or else the surname of a person named in full anywhere
    in it ("Johnson" in a headline, "Boris Johnson" below). The rest are no names."""
    demonyms = _lexicon()[4]
    # Demonyms, titles and words of letters are no names ("Christian Democrats, Jewish: …",
    # "his Cabinet, William H. Seward", "Regards, Kevin", "CCNG, Inc.", "Gov. Terry McAuliffe"),
    # nor are a member's party and state ("Mitch McConnell, R-Ky., said").
    untyped = [m for m in untyped if m.text not in demonyms and m.text.rstrip("s") not in demonyms
               and not m.text.endswith(_ADJECTIVE_ENDS) and not _is_title(m.text) and m.text not in _stopwords()
               and m.text not in _LETTER_WORDS and not _PARTY_STATE.match(m.text)]
    # "Flint, Mich.": the state, with its full stop (its page takes the state's name: resolve.py)
    out = [replace(m, end=m.end + 1, text=m.text + ".", label="GPE") for m in untyped
           if text[m.end:m.end + 1] == "." and m.text + "." in state_abbreviations()
           and _AFTER_TOWN.search(text, max(0, m.start - 40), m.start)]
    # "near Tarmiyah, north of Baghdad": a name placed by its bearing from another is a place
    # (not a person's surname: "Barack Obama …, Obama north of Chicago"); and after "near"
    # ("a convoy near Nasiriyah, security sources said")
    typed = {m.start for m in out}
    out += [replace(m, label="GPE") for m in untyped if m.text not in persons and m.start not in typed
            and (_BEARING.match(text, m.end) or _NEAR_BEFORE.search(text, max(0, m.start - 12), m.start))]
    typed = {m.start for m in out}
    out += _list_items(text, [m for m in untyped if m.start not in typed], found, sentence_starts, by_shape)
    typed = {m.start for m in out}
    for m in untyped:
        # (not "in Lattakia" because a run "Northern Lattakia" was taken for a person's name)
        if m.start not in typed and m.text in persons and not _PREPOSITION_BEFORE.search(text, max(0, m.start - 12), m.start):
            out.append(replace(m, label="PERSON"))
    return out


_JOINED = re.compile(r"\b(?:and|or)\b")
_NEAR_BEFORE = re.compile(r"\b(?:near|outside|nearby)\s+\Z")
# Where a place lies from another: "Tarmiyah, north of Baghdad", "Jarrah, about 73 km east of Homs".
_BEARING = re.compile(r",?\s+(?:(?:about|some|around|nearly|roughly)\s+)?(?:\d+(?:\.\d+)?\s*(?:km|kilometres|kilometers|miles)\s+)?"
                      r"(?:north|south|east|west)(?:-?(?:east|west))?\s+of\s+(?:the\s+)?(?=[A-Z])")
_PLACE_ITEM_END = re.compile(r"\s*,?\s*(?:(?:and|or)\s+)?(?=[A-Z])|\s*(?:[.;:)]|\Z)")
_INITIAL = re.compile(r"\b[A-Z]\.")
_POSSESSIVE_AFTER = re.compile(r"\s?['’]s\b")
_AL_NAME = re.compile(r"(?:Al|El)[ -]")


def _list_neighbours(text: str, m: RawMention, start_of: dict[int, int], label_at: dict[int, str]) -> list[tuple[int, str]]:
    """(start, the gap between them) of the typed names right before and after `m` in a list
    (", ", " and ", ", or "): `start_of` maps a name's end to its start, `label_at` a typed
    name's start to its label."""
    out = []
    before = _LIST_GAP_BEFORE.search(text, max(0, m.start - 12), m.start)
    if before is not None and start_of.get(before.start()) in label_at:
        out.append((start_of[before.start()], before.group(0)))
    after = _LIST_GAP.match(text, m.end)
    if after is not None and after.end() > m.end and after.end() in label_at:
        out.append((after.end(), after.group(0)))
    return out


def _places_in_place_lists(text: str, found: list[RawMention], by_shape: set[int]) -> list[RawMention]:
    """`found`, with the names typed persons by their shape alone that are items of a list of
    places made places: "Kon Tum, Hoi An, Tuy Hoa, Da Nang and Pleiku", "Mosul, Tal Afar and
    Sinjar" (places the gazetteer lacks; each item must end where the next item or the clause
    does)."""
    # (not a neighbour: an item that is a possessive, "Egypt's Gamal Abdel Nasser, India's
    # Jawaharlal Nehru", or a place by its shape alone, "Slade Gorton and Al Gore")
    label_at = {m.start: m.label for m in found if m.label != "EVENT" and "." not in m.text
                and not _POSSESSIVE_AFTER.match(text, m.end) and not _AL_NAME.match(m.text)
                and (m.label != "GPE" or _PLACE_ITEM_END.match(text, m.end))}
    start_of = {m.end: m.start for m in found if m.label != "EVENT"}
    at_start = {m.start: k for k, m in enumerate(found)}
    # (a middle initial is a person's: "Charles E. Grassley, Republican of Iowa, and Patrick J. Leahy")
    # Each item, the place beside it too, ends at the next item or the clause: not "In London,
    # Owen Jones, a liberal columnist", "Woody Johnson and Wisconsin billionaire Diane Hendricks".
    pending = [m for m in found if m.start in by_shape and _PLACE_ITEM_END.match(text, m.end)
               and not _INITIAL.search(m.text)]
    changed = True
    while changed and pending:
        changed, left = False, []
        for m in pending:
            # (label, typed by shape, joined by "and"/"or") of each neighbour
            kinds = [(label_at[n], n in by_shape, _JOINED.search(gap) is not None)
                     for n, gap in _list_neighbours(text, m, start_of, label_at)]
            places = [k for k in kinds if k[:2] == ("GPE", False)]
            # places beside it, no person but one typed by its shape too, and a list for sure:
            # an item on each side or an "and" ("governor of Massachusetts, Deval Patrick",
            # "-Michelle Marks, Philadelphia" are no lists)
            if places and all(k[0] == "GPE" or k[1] for k in kinds) and (len(kinds) == 2 or places[0][2]):
                found[at_start[m.start]] = replace(m, label="GPE")
                label_at[m.start] = "GPE"
                by_shape.discard(m.start)
                changed = True
            else:
                left.append(m)
        pending = left
    return found


def _list_items(text: str, untyped: list[RawMention], found: list[RawMention],
                sentence_starts: set[int], by_shape: set[int]) -> list[RawMention]:
    """The untyped words that are items of a list whose typed items are all of one kind.

    A list's item ends where the next item or the clause does ("Thanks, Renee, Thank you" is
    no list); a word that opens its sentence is more often an adverb ("Still, The New York
    Times reported", "Regardless, Clinton has …"); a common noun has a determiner ("his
    Cabinet"). An abbreviation is typed too weakly to type its neighbours: "Charlotte, N.C.".
    """
    pending = [m for m in untyped if _ITEM_END.match(text, m.end) and m.start not in sentence_starts
               and not _after_opening(text, m.start) and not _DETERMINER_BEFORE.search(text, max(0, m.start - 8), m.start)]
    label_at: dict[int, str] = {m.start: m.label for m in found if m.label != "EVENT" and "." not in m.text
                                and not (m.text.isupper() and m.label == "ORG" and " " not in m.text)}
    start_of: dict[int, int] = {m.end: m.start for m in found if m.label != "EVENT"}  # end → start
    for m in pending:
        start_of.setdefault(m.end, m.start)
    out: list[RawMention] = []

    def _list_start(at: int) -> int:
        """Where the list whose item starts at `at` starts."""
        seen = set()
        while at not in seen:
            seen.add(at)
            before = _LIST_GAP_BEFORE.search(text, max(0, at - 12), at)
            if before is None or before.start() not in start_of:
                break
            at = start_of[before.start()]
        return at

    changed = True
    while changed and pending:  # items typed from their neighbours, until none changes
        changed, left = False, []
        for m in pending:
            neighbours = [n for n, _ in _list_neighbours(text, m, start_of, label_at)]
            kinds = {label_at[n] for n in neighbours}
            if kinds == {"PERSON"}:
                # Places the gazetteer lacks, beside one typed a person by its shape alone: "battles
                # raged in Hardatain and Ratain", "control over Ghweiran and al-Nashwa al-Sharqi"
                first = _list_start(m.start)
                after_word = (_PREPOSITION_BEFORE if all(n in by_shape for n in neighbours) else _LOCATIVE_BEFORE)
                if after_word.search(text, max(0, first - 12), first):
                    kinds = set()
            if len(kinds) == 1:
                label_at[m.start] = label = kinds.pop()
                out.append(replace(m, label=label))
                changed = True
            else:
                left.append(m)
        pending = left
    return out


_LOCATIVE_BEFORE = re.compile(r"\b(?:in|at|near|across|into|around|towards?|outside|inside)\s+\Z")
_PREPOSITION_BEFORE = re.compile(r"\b(?:of|in|at|near|from|to|over|between|across|into|around|towards?|outside|"
                                 r"inside)\s+\Z")


# Words of letters, abbreviations in companies' names and titles that data/titles.txt lacks
# ("Hi.", "Regards, Kevin", "CCNG, Inc.", "St. George's", "Gov. Terry McAuliffe"; the others,
# "Lt.", "Sen.", are titles, which `_is_title` finds)
_LETTER_WORDS = frozenset({"Hi", "Hello", "Dear", "Regards", "Thanks", "Cheers", "Inc", "Ltd", "Co", "Corp", "Jr",
                           "Sr", "St", "Gov", "Rev"})
_DETERMINER_BEFORE = re.compile(r"\b(?:[Hh]is|[Hh]er|[Tt]heir|[Ii]ts|[Oo]ur|[Mm]y|[Yy]our|[Aa]n?|[Tt]he|[Tt]his|[Tt]hat|"
                                r"[Tt]hese|[Tt]hose)\s+\Z")  # "his Cabinet, William H. Seward"
_AFTER_TOWN = re.compile(r"\b[A-Z][\w’'.-]*,\s+\Z")
_PARTY_STATE = re.compile(r"^[A-Z]-[A-Z]")  # "R-Ky", "D-Va"
_ADJECTIVE_ENDS = ("ish", "ian", "ese", "ic")  # "Jewish", "Ukrainian": a list of groups' kinds
_ITEM_END = re.compile(rf"(?:{_LIST_GAP.pattern})|\s*(?:[.;:)]|\Z)")
_LIST_GAP_BEFORE = re.compile(rf"(?:{_LIST_GAP.pattern})\Z")


_COMPOUND_TAIL = re.compile(rf"^(?:{_PARTICIPLES}|sponsored|funded|brokered|born|made)$")


def _places_in_compound(word: str, places, demonyms) -> list[tuple[int, int]]:
    """(start, end) in `word` of the known places and militias of a hyphenated compound made
    only of these, demonyms and participles ("US-led", "U.S.-backed", "Syria-Turkey", "US-Iraqi",
    "Daesh-held"); [] for any other word, or a place whose name has a hyphen itself."""
    word = word.rstrip(".,;:")
    if word in places:
        return []
    militia = _lexicon()[2]
    out, at = [], 0
    parts = word.split("-")
    for part in parts:
        if part in places or part in militia and part.isalpha() and part[:1].isupper():  # "Daesh-held", "ISIS-controlled"
            out.append((at, at + len(part)))
        elif part not in demonyms and not _COMPOUND_TAIL.match(part):
            return []
        at += len(part) + 1
    return out if len(parts) > 1 else []


def _opens_cue(run: str) -> bool:
    """Whether the run opens with a cue of several words: "Islamic State" (a militia) starts
    with a demonym, yet the demonym belongs to the name."""
    return any(run.startswith(cue) and (len(run) == len(cue) or not run[len(cue)].isalnum()) for cue in _multiword_cues())


@lru_cache(maxsize=1)
def _multiword_cues() -> tuple[str, ...]:
    _, org, militia, _, _ = _lexicon()
    return tuple(sorted(cue for cue in (*militia, *org) if " " in cue))


def _opens_place(words: list, places) -> bool:
    """Whether the first words are a known place: "Saudi Arabia" opens with a demonym and
    "United States" with a word that looks like a headline's verb, yet both are names."""
    return len(words) >= 2 and any(" ".join(w.group(0) for w in words[:k]) in places for k in range(2, min(len(words), 5) + 1))


def _split_runs(text: str, places: set[str], text_words: set[str], taken=()):
    """Candidate runs, cut where scraped text glued names together: at stop words, at a word
    with digits, at a possessive ("Russias" ends a name), at a mid-run "The", and after a
    known place that a non-place word follows ("Hama Human Rights Watch"); and around spans
    already taken by the registry ("Kataeb Hizballah and of the Kataib Sayyid al-Shuhada")."""
    stop = _stopwords()
    _, org, militia, _, demonyms = _lexicon()
    taken = _Taken.of(taken)
    for m in _RUN.finditer(text):
        s0 = m.start()
        blob = len(m.group(0).split()) >= 6
        pieces: list[tuple[int, int]] = []
        cur: list[tuple[int, int]] = []  # word spans of the current piece
        cuts: list[int] = []  # where a bare "the" parted the run (`_bare_the_cuts`)
        for w in re.finditer(r"\S+", m.group(0)):
            ws, we = s0 + w.start(), s0 + w.end()
            word = w.group(0)
            places_in = _places_in_compound(word, places, demonyms) if "-" in word else None
            if places_in:
                # "US-led", "UK-based", "Syria-Turkey border": the places in the compound are
                # names of their own; the compound ends the run.
                if cur:
                    pieces.append((cur[0][0], cur[-1][1]))
                cur = []
                pieces.extend((ws + a, ws + b) for a, b in places_in if not taken.overlaps(ws + a, ws + b))
                continue
            if word in stop or any(c.isdigit() for c in word) or taken.overlaps(ws, we) \
                    or _HYPHEN_ADJ.match(word):
                if cur:
                    pieces.append((cur[0][0], cur[-1][1]))
                cur = []
                continue
            if cur and word[:1].isupper() and word.lower() in _FUNCTION_WORDS and word != "The":
                # "Run From Areas": a capitalised function word inside a run is headline case.
                pieces.append((cur[0][0], cur[-1][1]))
                cur = []
                continue
            if word == "The" and cur:
                pieces.append((cur[0][0], cur[-1][1]))
                cur = []
            if word == "the" and cur and _bare_the_cuts(text, cur, text[we:m.end()], places, demonyms):
                pieces.append((cur[0][0], cur[-1][1]))
                cur = []
                cuts.append(we)  # two runs: each is a blob (a headline's, a credit line's) only by itself
                continue
            if cur and len(cur) <= 4 and text[cur[0][0]:cur[-1][1]] in places and word[:1].isupper() \
                    and word not in _PLACE_LAST and f"{text[cur[0][0]:cur[-1][1]]} {word}" not in places \
                    and not _place_in_org_name(word, m.group(0).split()[-1]) and re.sub(r"(?:’s|'s)$", "", word) not in org \
                    and word not in _EVENT_HEADS \
                    and m.group(0).split()[-1] not in _PLACE_LAST:  # "Gulf War", "Damascus International Airport"
                pieces.append((cur[0][0], cur[-1][1]))
                cur = []
            if word.endswith(("’s", "'s")) and word[:-2] in places and _state_body(text[we:m.end()]) \
                    and not (cur := _cut_at_connector(text, cur, pieces)):
                # "Iran’s Revolutionary Guards", "Syria’s Republican Guard": a state's body named
                # by generic words alone is named with its state (as the seed's reference has it)
                cur.append((ws, we))
                continue
            if word.endswith(("’s", "'s")) and len(word) > 3 and \
                    (word[:-2] in places or cur and f"{text[cur[0][0]:ws]}{word[:-2]}" in places
                     or word[:-2].isupper() and word[:-2].isalpha() and len(word) <= 8  # "NBC’s Lester Holt"
                     or not cur and _word_counts(text)[word[:-2]] >= 2 and word[:-2] not in org):  # "Trump's RT"
                # "Britain’s Prime Minister Boris Johnson", "North Korea's Kim Jong Un": a place's
                # possessive ends its own name (an organisation's, "People's Protection Units", does not)
                cur = _cut_at_connector(text, cur, pieces)
                cur.append((ws, we - 2))
                pieces.append((cur[0][0], cur[-1][1]))
                cur = []
                continue
            # (a cue word in "s" is a plural, not a possessive: "the Houthis" beside "Houthi rebels")
            stem = _possessive_stem(word, text_words, places) if not _keeps_possessive(word) \
                and word not in militia and word not in org else None
            if stem is not None:
                if stem in places:  # "Iraqs" in "ISIS and Iraqs neighbours", not "Bureau of Prisons"
                    cur = _cut_at_connector(text, cur, pieces)
                cur.append((ws, we - 1))
                pieces.append((cur[0][0], cur[-1][1]))
                cur = []
                continue
            cur.append((ws, we))
        if cur:
            pieces.append((cur[0][0], cur[-1][1]))
        for a, b in pieces:
            if cuts:
                bounds = [s0, *cuts, m.end()]
                k = bisect.bisect_right(bounds, a) - 1
                blob = len(text[bounds[k]:bounds[k + 1]].split()) >= 6
            parts = _person_of_group(text, a, b)
            for pa, pb in parts:
                # (each part is a blob, a headline's or a credit line's run, only by itself)
                part_blob = blob if len(parts) == 1 else len(text[pa:pb].split()) >= 6
                for qa, qb in _group_then_person(text, pa, pb, part_blob):
                    yield qa, qb, part_blob and (qa, qb) == (pa, pb)


def _bare_the_cuts(text: str, cur: list[tuple[int, int]], rest: str, places: set[str], demonyms) -> bool:
    """Whether a "the" that no other connector comes before ends the name before it. Text
    without commas glues names so: "Damascus the Syrian Observatory for Human Rights", "Abu
    Bakr al-Baghdadi the Observatory", "Washington the Pentagon". A name's own "the" follows
    "of", "for" or "and" ("Organisation for the Prohibition …", "Iraq and the Levant"), or joins
    one word that is no known name to one more: a title ("Meet the Press", "Face the Nation")
    or an epithet ("Ivan the Terrible")."""
    before = text[cur[-1][0]:cur[-1][1]]
    if before in _CONNECTOR_WORDS:
        return False
    first, after = text[cur[0][0]:cur[-1][1]], rest.split()
    one_more = len(after) == 1 or len(after) > 1 and after[1] in _CONNECTOR_WORDS  # "Meet the Press and …"
    return not (len(cur) == 1 and one_more and first not in places and first not in demonyms and not first.isupper())


_CONNECTOR_WORDS = frozenset(_CONNECTORS) - {"the"}


# Words that make a run before "of" a state's or a place's name, not a person's: "Islamic
# Republic of Iran", "United Kingdom of Great Britain", "al-Hosn Castle of Talkalakh".
_NOT_PERSON_BEFORE_OF = frozenset({"Republic", "Kingdom", "Emirate", "Emirates", "Sultanate", "State", "States",
                                   "Federation", "Commonwealth", "Principality", "Caliphate", "Union", "Museum",
                                   "Library", "Institute", "Academy", "College", "Church", "Order", "House",
                                   "Castle", "Fort", "Citadel", "Friends", "Sons", "Daughters", "People", "Men",
                                   "Knights", "Northwest", "Northeast", "Southwest", "Southeast", "The", "Operation"})
# After a name in a sentence (not in a headline): punctuation, or a lowercase word that is not
# a preposition of the headline's next words.
_GOES_ON_WORD = r"(?!(?:to|of|in|from|for|at|on|by|with|and)\b)[a-z]"
_CLAUSE_GOES_ON = re.compile(rf"\s*(?:[.,;:)”\"’]|\Z|{_GOES_ON_WORD})")
_SENTENCE_GOES_ON = re.compile(rf"\s*(?:[,;:]|{_GOES_ON_WORD})")  # (not its end)


def _personal_name(words: list[str], text: str) -> bool:
    """Whether `words` can be a person's name: two to four capitalised words (and particles:
    "bin", "al-"), none a cue of a group, a place, an event's head, a headline's word or a
    word the article also writes in lowercase."""
    lowercase = _words_of(text)
    places, org, militia, _, demonyms = _lexicon()
    for w in words:
        if w in _NAME_PARTICLES:
            continue
        if w in demonyms or w.lower() in _FUNCTION_WORDS or w in _PLACE_FIRST:
            return False
        bare = re.sub(r"^(?:al|el)-", "", w, flags=re.I)
        if not bare[:1].isupper() or w in org or w in militia or w in places or w in _PLACE_LAST \
                or w in _EVENT_HEADS or w in _NOT_PERSON_BEFORE_OF or w in _COMPASS or w.lower() in lowercase \
                or w.isupper() and len(w) > 1 or any(c.isdigit() for c in w) or _HEADLINE_WORD.match(w) \
                or _title_word(w):
            return False
    return 2 <= sum(1 for w in words if w not in _NAME_PARTICLES) <= 4


def _group_then_person(text: str, a: int, b: int, blob: bool) -> list[tuple[int, int]]:
    """A group's name ending in its cue word, then a person's: "(President of) the Syrian
    Coalition Anas al-Abdah", "(member of) the Kurdish National Council Mustafa Sino". The
    run is cut after the cue word when the two to four words after it are a personal name
    (in a long run, a `blob`, only if a sentence goes on after it: a site's menu, "Careers
    Press Releases Documentary Contact Us", names nobody)."""
    if blob and not _SENTENCE_GOES_ON.match(text, b):
        return [(a, b)]
    org = _lexicon()[1]
    words = list(re.finditer(r"\S+", text[a:b]))
    for i in range(max(1, len(words) - 4), len(words) - 1):
        # (an organisation's cue, an English noun: a militia's, "Jabhat", "Faylaq", opens
        # Arabic names whose next words are no person's: "Jabhat Fatah al-Sham")
        cue, first = words[i - 1].group(0), words[i].group(0)
        if cue in org and not cue.isupper() and not re.match(r"(?:al|el)(?:-|$)", first, re.I) \
                and _personal_name([w.group(0) for w in words[i:]], text):
            return [(a, a + words[i - 1].end()), (a + words[i].start(), b)]
    return [(a, b)]


def _title_word(word: str) -> bool:
    """A title, also inside a compound ("Commander-in-Chief")."""
    return _is_title(word) or "-" in word and any(_is_title(part) for part in word.split("-") if len(part) > 2)


def _person_of_group(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """A person named with the group or place they belong to, "Rami Abdel Rahman of the Syrian
    Observatory for Human Rights", "Zakaria Malhifji of the Aleppo-based Fastaqim group", is
    two names: the run is cut at its first "of" when the words before it are a personal name
    (two to four capitalised words, maybe after a title, none of them a cue of a group, a
    place, an event, a headline's word or a word the article also writes in lowercase). One
    word before "of" is a name's head ("Bank of America", "Battle of Aleppo", "Secretary of
    State"), and so is a state's word ("Islamic Republic of Iran"). A title after the name
    takes the "of" ("Nasr al-Hariri Secretary General of the Syrian Coalition"): the run is
    cut before the title, which is then trimmed from the group's name like any title."""
    run = text[a:b]
    m = re.search(r"\s+of\s+(?:the\s+)?", run)
    if m is None or m.end() == len(run):
        return [(a, b)]
    before = list(re.finditer(r"\S+", run[:m.start()]))
    bare = [w.group(0).lower().rstrip(".").replace("-", " ") for w in before]
    known = _title_set()
    k = len(before)
    while k:  # titles after the name, of one to three words ("Executive Director")
        n = next((n for n in (3, 2, 1) if n <= k and " ".join(bare[k - n:k]) in known), 0)
        if not n and not _title_word(before[k - 1].group(0)):
            break
        k -= n or 1
    named = [w.group(0) for w in before[:k] if not _title_word(w.group(0))]
    places, org, militia, _, _ = _lexicon()
    if len(named) > 6 or " ".join(named) in places or not _personal_name(named, text):
        return [(a, b)]
    if len(run.split()) >= 6 and k == len(before) and len(named) == k and _word_counts(text)[named[-1]] < 2 \
            and not (_has_cue(run[m.end():], org, militia) and _CLAUSE_GOES_ON.match(text, b)):
        # A long run of capitalised words is often a headline ("Damascus Demands Immediate
        # Withdrawal of Turkish Army From Syria"): a name in it needs a title, its surname
        # elsewhere, or a group's name after it and a sentence that goes on ("… said").
        return [(a, b)]
    if k < len(before):
        return [(a, a + before[k - 1].end()), (a + before[k].start(), b)]
    return [(a, a + m.start()), (a + m.end(), b)]


def _demonym_in_name(w: str, words: list, text: str, s: int, e: int) -> bool:
    """Whether the demonym `w` opening the run words[0] belongs to an organisation's own name
    ("Syrian Democratic Forces", "Syrian Arab Army", "Islamic State", "Republican Party",
    "Republican Guard"), rather than standing before a person or a place."""
    _, org, militia, _, _ = _lexicon()
    if len(words) == 2 and words[1].group(0) == "Party" or w in _PARTY_WORDS and _has_cue(text[s:e], org, militia):
        return True
    if _is_event_name([x.group(0) for x in words]):
        return True  # "Arab Spring", "Syrian Civil War"
    cue = words[1].group(0) if len(words) == 2 else ""
    if cue and (cue in org or cue in militia) and not cue.isupper() and not _ends_another_name(cue, text, s, e):
        # "the Lebanese Forces party": a demonym and a cue word, and no other name of the
        # article ends in that word, so "Forces" alone would stand for nothing ("Syrian Army"
        # beside "the Syrian Arab Army" is cut to "Army", which resolves to it; an acronym is a
        # name by itself: "Kurdish YPG" is the YPG)
        return True
    return len(words) >= 3 and any(x.group(0) in org or x.group(0) in militia for x in words[1:]) \
        or _opens_cue(text[s + words[0].start():e])


def _ends_another_name(word: str, text: str, s: int, e: int) -> bool:
    """Whether a name of the article outside text[s:e] ends in `word` (after a capitalised word,
    within its clause), other than this very name written again ("The Syrian Coalition
    extends …", then "(Source: Syrian Coalition)": not another name, so the demonym stays).
    The text before and after the run are searched in place: copying the article for each run
    made this linear in its length per run."""
    found = re.compile(rf"\b[A-Z][\w’'-]+\s+(?:[\w’'-]+\s+)*?{re.escape(word)}\b")
    same = _without_the(text[s:e])
    return any(_without_the(m.group(0)) != same for m in chain(found.finditer(text, 0, s), found.finditer(text, e)))


def _without_the(name: str) -> str:
    return " ".join(without_the(name).split())


def _cut_at_connector(text: str, cur: list, pieces: list) -> list:
    """Before a possessive: a run that reaches it through "of" or "and" is two names, not one
    ("the Quds Force of Iran’s Revolutionary Guards", "against ISIS and Iran’s influence": the
    possessive's name owns what follows it, so it cannot be the end of the name before it).
    The name before the connector becomes a piece; the current piece starts afresh."""
    if len(cur) >= 2 and text[cur[-1][0]:cur[-1][1]] in ("of", "and"):
        pieces.append((cur[0][0], cur[-2][1]))
        return []
    return cur


def _place_in_org_name(next_word: str, last_word: str) -> bool:
    """Whether a known place opens an organisation's name: the run ends in an organisation cue
    ("Aleppo Media Center", "Damascus University", "Chicago Police Department"), and no
    demonym starts a name of its own after the place ("Damascus Syrian Arab News Agency"). A
    place glued to a name that ends otherwise is cut from it ("Hama Human Rights Watch")."""
    _, org, _, _, demonyms = _lexicon()
    return last_word in org and next_word not in demonyms


def _keeps_possessive(word: str) -> bool:
    # Names that end in "s" for real.
    return word in {"Homs", "Hamas", "Texas", "Paris", "Athens", "Brussels", "Wales", "Marcus", "Thomas", "Abbas",
                    "Idlibs" if False else "Kurds", "Forces", "News", "Helmets", "Committees", "Nations", "States",
                    "Guards", "Brigades", "Emirates", "Affairs", "Rights", "Times", "Principles", "Standards"}


def _keeps_the(run: str) -> bool:
    # "The Arab Weekly", "The New York Times": "The" belongs to media names.
    return bool(re.search(r"\b(Weekly|Times|Post|News|Guardian|Economist|Daily|Journal|Telegraph|Independent)\b", run))


def _after_opening(text: str, i: int) -> bool:
    j = i - 1
    while j >= 0 and text[j] == " ":
        j -= 1
    return j < 0 or text[j] in "“\"‘(\n:"
