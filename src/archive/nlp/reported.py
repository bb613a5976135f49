"""Reported speech beyond 'X said (that) …': the cues that `quotes._clauses` does not cover.

Attribution corpora (PolNeAR, PARC 3.0) annotate as attributed content not only what a source
said, but what it wants, supports, plans, sees or finds, and what a poll shows. These rules
find such content by cue words kept as data (`data/stance_verbs.txt`):

- stance cues whose object is the content: 'Christie endorsed Trump', 'Rubio wants to emerge
  as …', 'He pointed to Cruz’s organisational capabilities', 'She urged the administration to
  join …'. The content runs from after the cue to the end of its clause;
- raising cues whose subject and infinitive are the content: 'Enthusiasm for Clinton appears to
  have plummeted', 'Trump is expected to deliver …'. The content is the whole clause;
- a headline in title case: 'Trump Says He Never Pledged …' (the verb is capitalised there,
  which the case-sensitive cue pattern of `quotes` rejects on purpose elsewhere);
- a poll or document that frames the sentence: 'In a CNN poll released Monday, 50 percent …';
- a question: 'Asked whether he would run, …', 'asked voters if they …'.

Pure functions over the text, like `quotes`; each finding is (start, end, cue, cue start,
speaker or None). `quotes` decides what a finding may not overlap.
"""
from __future__ import annotations

import re
from functools import lru_cache

from archive.models import Span
from archive.nlp.lexicon import word_list, word_set

Finding = tuple[int, int, str, int, "Span | None"]


@lru_cache(maxsize=1)
def _stance() -> dict[str, tuple[str, frozenset[str]]]:
    """form -> (lemma, flags) from stance_verbs.txt. Flags: raising (subject + infinitive are
    the content), be (only after a form of 'be': 'is expected to')."""
    out: dict[str, tuple[str, frozenset[str]]] = {}
    for line in word_list("stance_verbs.txt"):
        lemma, _, rest = line.partition(":")
        words = rest.split()
        flags = frozenset(w[1:] for w in words if w.startswith("!"))
        forms = [w.replace("_", " ") for w in words if not w.startswith("!")]
        for f in forms:
            out.setdefault(f, (lemma.strip(), flags))
    return out


def stance_forms() -> frozenset[str]:
    return frozenset(f for f, (_l, flags) in _stance().items() if "raising" not in flags and not f.endswith("ing"))


@lru_cache(maxsize=1)
def _stance_regex() -> re.Pattern:
    forms = sorted(_stance(), key=len, reverse=True)
    return re.compile(r"(?<![\w’'-])(?:" + "|".join(re.escape(f) for f in forms) + r")(?![\w’'-])")


# Where an object's clause ends: punctuation, a dash, or a word that opens another clause.
# A comma ends it only before another clause ('…, who …', '…, saying …', '…, he said'); a list
# ('low growth, unemployment and inequality') runs on. A full stop after an abbreviation
# ('Sen. Ted Cruz', 'U.S.') does not end it.
_CLAUSE_END = re.compile(r"\s*[;:!?()]|(?<!\b[A-Z])(?<!\b[A-Z][a-z])(?<!\b[A-Z][a-z][a-z])(?<!\b[A-Z][a-z][a-z][a-z])\.(?:\s|$)"
                         r"|\s[—–―]\s|\s--\s|\s(?:because|after|before|when|while|but|although|though|since|saying|adding|"
                         r"and\s+(?:said|says|added|told))\s"
                         r"|,(?=\s+(?:who|which|where|when|while|but|because|although|though|after|before|since|as|if|"
                         r"according|saying|adding|\w+ing\b|he|she|they|it|we|I|the\s+\w+\s+said|[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*)*\s+(?:said|says|told|added))\b)")
_BE = re.compile(r"(?:\b(?:is|are|was|were|be|been|being|’s|'s|’re|'re|isn’t|wasn’t|aren’t|weren’t)\s+(?:\w+ly\s+|not\s+|also\s+|now\s+|still\s+)?)$")
_SUBJECT_START = re.compile(r"(?:^|[,;:]\s+|\s(?:that|and|but|while|because|although|though|if|as|since|so)\s+)(?=[^,;:]*$)")


# After a naming cue, a preposition or time word means an act ('called Clinton on Monday').
_NOT_A_NAME = re.compile(r"\b(?:on|to|at|in|for|from|into|about|back|up|off|out|last|this|yesterday|today|"
                         r"tonight|after|before|during|with)\b")


def _clause_end(text: str, start: int, se: int) -> int:
    m = _CLAUSE_END.search(text, start, se)
    end = m.start() if m else se
    while end > start and text[end - 1] in ".;:,!? \n\t”\"’'":
        end -= 1
    return end


# A cue form that is also a noun ('states', 'support', 'tweet', 'attacks', 'plans') is the noun
# after a determiner, a possessive or a number ('the support of', 'Trump’s tweet', 'his home
# state', '35 states'), and before a preposition that a noun takes ('attacks on her', 'support
# from governors').
_NOUN_BEFORE = re.compile(r"(?:\b(?:the|a|an|his|her|their|its|our|my|your|every|such|broad|strong|home|own|whose)|"
                          r"\d[\d,.]*|[’']s|s[’'])\s*$", re.I)
_NOUN_AFTER = re.compile(r"\s+(?:from|of|in|among|within|around|across|is|was|are|were|has|had)\b")


def noun_use(text: str, ss: int, cs: int, ce: int, after: bool = True, before: bool = True) -> bool:
    """Is the cue at cs:ce used as a noun? `before`: after a determiner, possessive or number;
    `after`: before a preposition that a noun takes."""
    if before and _NOUN_BEFORE.search(text, max(ss, cs - 30), cs):
        return True
    return after and bool(_NOUN_AFTER.match(text, ce))


# An adjective before a form that may be a noun makes it the noun: "repeated attacks",
# "logistical support", "financial support", "Western support", "Iranian attacks".
_ADJECTIVE_BEFORE = re.compile(r"\b(?:[a-z]+(?:al|ic|ive|ous|ful|ary|ed|ist)|[A-Z][a-z]+ern)\s+$")


# Cues that are as often the name of a military act ("rocket attacks", "bomb blasts"): a verb
# only after a name or a pronoun ("Trump attacks Clinton", "he blasted the deal").
_ACT_NOUNS = frozenset({"attack", "blast"})
_NAMED_SUBJECT = re.compile(r"(?:\b[A-Z][\w.’'-]*|\b(?:he|she|they|we|I|who|also|again|then|now|repeatedly|"
                            r"sharply|publicly|openly|often)|[’']s)\s+$")
_BY_AFTER = re.compile(r"\s+by\b")


def _used_as_noun(text: str, ss: int, cs: int, form: str, lemma: str) -> bool:
    """Whether a cue form at `cs` that may be a noun is one here (stance and "about" cues alike):
    a military act not after a name or a pronoun ("rocket attacks"), or a form not in -ed/-ing
    after an adjective or a demonym ("Western support")."""
    if lemma in _ACT_NOUNS and not _NAMED_SUBJECT.search(text, max(ss, cs - 40), cs):
        return True
    if form.endswith("ing") and _GERUND_NOUN.match(text, cs + len(form)) \
            and re.search(r"(?:^|\s)(?:the|a|an)\s+$", text[max(ss, cs - 5):cs], re.I):
        return True  # "with the backing of the Coordination Framework": a noun and its "of"
    return not form.endswith(("ed", "ing")) and _noun_cue(text, ss, cs)


_GERUND_NOUN = re.compile(r"\s+of\s")


def _noun_cue(text: str, ss: int, cs: int) -> bool:
    """Whether a stance cue that may be a noun ('support', 'attacks', 'claim', 'plans') is one
    here: after an adjective or a demonym. (After a determiner or a possessive it is a noun
    too, but PolNeAR annotates "his support for Trump" as his attribution: those stay.)"""
    before = text[max(ss, cs - 30):cs]
    if _ADJECTIVE_BEFORE.search(before):
        return True
    prev = before.split()[-1] if before.split() else ""
    return prev in word_set("demonyms.txt")


def _overlaps(s: int, e: int, spans) -> bool:
    return any(a < e and s < b for a, b in spans)


def stance_clauses(text: str, ss: int, se: int, blocked, speaker_of) -> list[Finding]:
    """Stance and raising cues of one sentence. `blocked`: spans no finding may overlap
    (quotes and clauses found already); `speaker_of(cue_start, floor)`: the noun phrase before
    a cue (quotes.speaker_before)."""
    out: list[Finding] = []
    table = _stance()
    for m in _stance_regex().finditer(text, ss, se):
        cue = m.group(0)
        if _overlaps(m.start(), m.end(), blocked):
            continue
        lemma, flags = table[cue]
        before = text[ss:m.start()]
        if "be" in flags and not _BE.search(before):
            continue
        if "raising" in flags or "adverb" in flags:
            if not re.match(r"\s+(?:to\s+\w|like\s|as\s+(?:if|though)\s|that\s)", text[m.end():se]) \
                    and "be" not in flags and "adverb" not in flags:
                continue
            sub = list(_SUBJECT_START.finditer(before))
            cs = ss + (sub[-1].end() if sub else 0)
            if len(text[cs:m.start()].split()) > 12:
                continue
            ce = _clause_end(text, m.end(), se)
            cs, _ = _trim(text, cs, ce)
            if len(text[cs:ce].split()) < 4 or _overlaps(cs, ce, blocked):
                continue
            out.append((cs, ce, cue, m.start(), None))
            continue
        if " " not in cue and _used_as_noun(text, ss, m.start(), cue, lemma):
            continue  # "repeated attacks with missiles", "terrorist rocket attacks": nouns
        if cue.endswith("ed") and _BY_AFTER.match(text, m.end()):
            continue  # "Turkish forces backed by tanks": a passive participle (passive_clauses)
        cs = m.end()
        while cs < se and text[cs] in " \t\n":
            cs += 1
        if cs >= se or text[cs] in ",.;:!?" or text[cs] in "“\"":
            continue
        ce = _clause_end(text, cs, se)
        if ce <= cs or _overlaps(cs, ce, blocked):
            continue
        if len(text[cs:ce].split()) > 40:
            continue
        if "own" in flags and not re.match(r"(?:his|her|their|its|our|my)\s", text[cs:ce]):
            continue
        if "naming" in flags and (len(text[cs:ce].split()) < 2 or _NOT_A_NAME.search(text, cs, ce)):
            continue
        participle = cue.endswith("ing") and before.rstrip().endswith(",")
        speaker = None if participle else speaker_of(m.start(), ss)
        out.append((cs, ce, cue, m.start(), speaker))
    return out


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s] in " \t\n,;:":
        s += 1
    return s, e


_SMALL = {"a", "an", "the", "of", "and", "or", "in", "on", "at", "to", "for", "with", "by", "from",
          "as", "is", "vs", "vs.", "but", "about", "over", "into", "after", "if", "it", "not"}


def _title_case(words: list[str]) -> bool:
    content = [w for w in words if any(c.isalpha() for c in w) and w.lower() not in _SMALL]
    if len(content) < 3:
        return False
    caps = sum(1 for w in content if w.lstrip("‘’'\"“(")[:1].isupper())
    return caps >= 0.9 * len(content)


def headline_clauses(text: str, ss: int, se: int, blocked, forms, speaker_of) -> list[Finding]:
    """'Trump Says He Never Pledged To Kill Family Members': a title-case line whose verb is a
    cue. `forms`: the lowercase cue forms (quotes._verbs and stance verbs). A rule sentence
    splitter runs a headline without a full stop into the next line: each line counts alone."""
    if "\n" in text[ss:se].strip():
        out: list[Finding] = []
        for m in re.finditer(r"[^\n]+", text[ss:se]):
            out += headline_clauses(text, ss + m.start(), ss + m.end(), blocked, forms, speaker_of)
        return out
    line = text[ss:se]
    words = line.split()
    if len(words) < 4 or len(words) > 30 or not _title_case(words):
        return []
    for m in re.finditer(r"(?<![\w’'-])([A-Z][a-z]+(?:\s+(?:Out|For|On|To|About))?)(?![\w’'-])", line):
        form = m.group(1).lower()
        if form not in forms or m.start() == 0:
            continue
        cs, ce = ss + m.end(), se
        while cs < ce and text[cs] in " \t:,":
            cs += 1
        while ce > cs and text[ce - 1] in ".;:,!? \n\t":
            ce -= 1
        if len(text[cs:ce].split()) < 2 or _overlaps(cs, ce, blocked):
            return []
        return [(cs, ce, m.group(1), ss + m.start(), speaker_of(ss + m.start(), ss))]
    return []


# 'Asked whether he would run, Bush said …', '…,” Christie said when asked whether …': the
# question put to the source is attributed content of its own.
_ASKED = re.compile(r"(?:(?<=^)|(?<=[\s,(—–-]))(?:[Ww]hen\s+|[Ii]f\s+|[Aa]fter\s+being\s+|[Ww]hile\s+being\s+)?"
                    r"(?:[Aa]sked|ASKED)\s+(?:[^,;:.?!“”\"]{1,60}?\s+)?"
                    r"((?:about|whether|if|what|why|how|who|when|where|which)\b)")


def asked_clauses(text: str, ss: int, se: int, blocked) -> list[Finding]:
    out: list[Finding] = []
    for m in _ASKED.finditer(text, ss, se):
        cs = m.start(1)
        if m.group(1) == "about":
            cs = m.end(1)
            while cs < se and text[cs] == " ":
                cs += 1
        ce = _clause_end(text, cs, se)
        comma = text.find(",", cs, ce)
        if comma > 0:  # 'Asked whether she would run, Ortiz smiled': the question ends there
            ce = comma
        if len(text[cs:ce].split()) < 2 or _overlaps(cs, ce, blocked):
            continue
        out.append((cs, ce, "asked", m.start(), None))
    return out


@lru_cache(maxsize=1)
def _frames() -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in word_list("frame_cues.txt")))


def frame_clauses(text: str, ss: int, se: int, blocked) -> list[Finding]:
    """'In a CNN poll released Monday, 50 percent …' → the rest of the sentence."""
    s0 = ss
    while s0 < se and text[s0] in " \t\n\"“'‘(":
        s0 += 1
    m = _frames().match(text, s0, se)
    if not m:
        return []
    cs = m.end()
    while cs < se and text[cs] in " \t\n":
        cs += 1
    ce = se
    while ce > cs and text[ce - 1] in ".;:,!? \n\t":
        ce -= 1
    if len(text[cs:ce].split()) < 3 or _overlaps(cs, ce, blocked):
        return []
    return [(cs, ce, m.group(0).split()[0], s0, None)]


_PASSIVE = re.compile(r"\b(?:is|was|were|are|been|being)\s+(?:(?:first|also|not|widely|publicly|strongly|\w+ly)\s+)?"
                      r"([a-z]+ed|told|written|shown|seen|found|known|thought)\s+by\s+"
                      r"((?:the\s+|a\s+|an\s+)?[^,;:.“”\"]{1,60}?)(?=\s*(?:[,;:.]|$|\s(?:in|on|at|during|after|before|who|which|and|as|to|for|because)\s))")


def passive_clauses(text: str, ss: int, se: int, blocked, forms) -> list[Finding]:
    """'The meeting was first reported by Politico', 'Kasich is backed by the governor': the
    subject is the content and the agent its source. `forms`: the cue forms (past participles
    among them)."""
    out: list[Finding] = []
    for m in _PASSIVE.finditer(text, ss, se):
        if m.group(1) not in forms:
            continue
        before = text[ss:m.start()]
        sub = list(_SUBJECT_START.finditer(before))
        cs = ss + (sub[-1].end() if sub else 0)
        cs, ce = _trim(text, cs, m.start())
        while ce > cs and text[ce - 1] in " \t\n":
            ce -= 1
        if not text[cs:ce].split() or len(text[cs:ce].split()) > 30 or _overlaps(cs, ce, blocked):
            continue
        src = Span(m.start(2), m.end(2), m.group(2))
        out.append((cs, ce, m.group(1), m.start(1), src))
    return out


# 'wrote about his tax plan', 'questions about her emails': the topic of a speech act or of a
# stated worry is attributed content. The word before 'about' must be a cue form or one of
# these nouns of talk.
_ABOUT_NOUNS = frozenset({"questions", "question", "concerns", "concern", "comments", "comment", "remarks",
                          "worries", "complaints", "claims", "criticism", "statements", "statement",
                          "speech", "warnings", "jokes", "tweets", "doubts", "fears"})
_ABOUT = re.compile(r"(?<![\w’'-])([a-z]+)\s+(?:(?:publicly|openly|repeatedly|often|frequently|again|directly)\s+)?"
                    r"(about|over|against|on\s+the\s+subject\s+of)\s+(?=\S)")


def about_clauses(text: str, ss: int, se: int, blocked, forms, speaker_of) -> list[Finding]:
    out: list[Finding] = []
    for m in _ABOUT.finditer(text, ss, se):
        word = m.group(1)
        is_noun = word in _ABOUT_NOUNS
        if not is_noun and word not in forms and not (word.endswith("ed") and m.group(2) in ("about", "against")):
            # any past tense before 'about'/'against' ('bragged about', 'voted against')
            continue
        if _overlaps(m.start(1), m.end(1), blocked):
            continue
        if not is_noun and _used_as_noun(text, ss, m.start(1), word, word.rstrip("s")):
            continue  # "Western support against ISIS", "Iraq witnesses attacks against US soldiers"
        cs = m.end()
        ce = _clause_end(text, cs, se)
        if ce <= cs or len(text[cs:ce].split()) > 40 or _overlaps(cs, ce, blocked):
            continue
        speaker = None if is_noun or word.endswith("ing") else speaker_of(m.start(1), ss)
        out.append((cs, ce, f"{word} {m.group(2)}", m.start(1), speaker))
    return out
