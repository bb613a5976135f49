"""Who said what: direct quotes, reported speech, and their speakers, by rules over the text.

Pure functions: text (plus sentence bounds and the mentions found so far) in, `RawQuote`s out.
No spaCy object is needed, so the rules work with any pipeline or none; where a dependency
parse exists, `annotate` passes it in `parse_subjects` and the subject of the reporting verb
is used.

Order of work:
1. `quote_spans` pairs quotation marks paragraph by paragraph (double marks of all kinds, and
   typographic single marks outside them). An opening mark with no closing mark in its
   paragraph continues only if the next paragraph opens with a mark (the multi-paragraph
   convention); otherwise it is dropped, so an unbalanced mark never turns the rest of a
   paragraph into a quote. A stray closing mark is ignored; marks inside markup (`<tweet
   id="…">`) are not quotes.
2. Each direct quote looks for its cue after the closing mark ("…,” Husseini said), then
   before the opening mark (Kadhimi said in Riyadh “…”), then in a sentence that ends with a
   colon right before it ("Trump said:" ¶ “…”), then a dash line ("“…” ― Sonya Herridge").
   A quote split by its attribution ("“…,” he said. “…”") becomes one quote, as news
   corpora annotate it.
3. Reported speech: a cue outside quotes with its clause ("X said (that) …", "X told Y that …",
   "…, X said.", "…, officials said, could …"), nested ones too ("Aides said Ortiz believes
   …"), and "according to X, …"; then `reported` adds stance and raising cues ("endorsed X",
   "appears to …"), questions, framing polls, passives, topics after "about" and title-case
   headlines. A clause with no nameable speaker is kept without one. A reported clause that
   holds a quotation in double marks is a mixed quote ("said those moves contained “a message
   …”") and counts as direct.
4. A short quote inside a sentence with no cue and no speaker to carry is a scare quote or a
   title ("the so-called “strategic dialogue”") and is not reported.
5. Speakers are resolved in text order: "He added", "who said" and "the source" take the
   earlier speaker they refer to; a participle cue (", adding, “…”") takes the speaker of an
   attribution right before it, else the sentence's subject; the second of two coordinated
   verbs ("… and joked, “…”") takes the first one's subject; an unattributed quote takes the
   subject of the sentence right before it when that sentence names someone, else the speaker
   the paragraph carries; words quoted inside a sentence are its subject's. No speaker found
   means none: it is never guessed.

The speaker is the mention in the attribution itself: a name with its title ("former Obama
adviser David Axelrod"), a described person ("Another source familiar with the talks"), a
pronoun ("he") or a group pronoun ("another"); what a pronoun stands for travels separately.
A noun phrase that is the object of a verb or a preposition ("posted a Twitter comment") is no
speaker, nor is a cue word used as a noun ("her claim that", "the last claim").
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

from archive.models import RawQuote, Span
from archive.nlp import reported
from archive.nlp.lexicon import given_names, reporting_verbs, word_list, word_set
from archive.nlp.names import DATE_WORDS
from archive.nlp.role_reference import PERSON_HEADS, RoleReferences, title_words
from archive.resolve import guess_kind

OPENERS = "“„«"
CLOSERS = "”»"
STRAIGHT = '"'
ALL_MARKS = OPENERS + CLOSERS + STRAIGHT
PRONOUNS = {"he", "she", "they", "it", "we", "i", "who"}
# Anaphoric heads: "the source added" refers to the source introduced earlier.
# Heads of a definite description of a group: "the monitor" said what the Observatory reported.
GROUP_HEADS = {"group", "monitor", "watchdog", "organisation", "organization", "observatory", "coalition",
               "movement", "militia", "alliance", "agency", "ministry", "army", "party", "network", "mission",
               "council", "commission", "committee", "union", "league", "front"}
ANAPHOR_HEADS = {"source", "sources", "official", "officials", "spokesman", "spokeswoman",
                 "spokesperson", "minister", "analyst", "diplomat", "statement", "group", "ministry"}
# Words between a speaker and its verb that are not part of the speaker's name.
_AUX = {"also", "later", "recently", "previously", "then", "had", "has", "have", "would", "will",
        "reportedly", "once", "again", "further", "repeatedly", "earlier", "publicly", "did",
        "could", "might", "may", "must", "should", "already", "initially", "separately", "told",
        "has", "never", "often", "frequently", "simply", "flatly", "quickly", "openly", "privately",
        "is", "was", "were", "are", "not", "long", "first", "just", "still", "even", "only", "clearly",
        # aspect verbs before a participle cue: 'Sen. Ron Johnson kept asking her why …'
        "kept", "keeps", "began", "begins", "started", "starts", "continued", "continues", "stopped"}
_NP_STOP = {"that", "and", "but", "while", "as", "because", "when", "which", "whom", "where",
            "if", "after", "before", "since", "though", "although", "whereas", "so", "than", "was",
            "were", "is", "are", "be", "been", "being", "to", "of", "in", "on", "at", "for", "with",
            "by", "from", "about", "into", "over", "during", "what", "how", "why", "this", "these",
            "those", "has", "have", "had", "not", "it's", "there", "here", "asked", "will", "would"}
# Words that open a clause (the reported content of "said he would …" without "that").
_CLAUSE_OPENERS = {"much", "he", "she", "they", "it", "we", "i", "you", "there", "the", "a", "an", "his",
                   "her", "their", "its", "our", "this", "these", "those", "no", "some", "many",
                   "most", "all", "both", "every", "each", "such", "one", "if", "people", "nobody",
                   "everyone", "everybody", "americans", "that's", "he's", "she's", "they're",
                   "it's", "we're", "i'm", "he'd", "she'd", "they'd", "i'd", "we'd", "he'll",
                   "she'll", "they'll", "we'll", "i'll", "there's", "what", "how", "why",
                   "whether", "nothing", "anyone", "not", "more", "too"}
_TRUE_PREPS = {"at", "in", "on", "by", "with", "from", "into", "through", "via", "during", "to"}
_PREPS = {"in", "on", "at", "to", "during", "after", "before", "by", "for", "with", "of", "from",
          "that", "when", "while", "as", "about", "into", "through", "via", "last", "this",
          "earlier", "later", "yesterday", "today", "tonight", "repeatedly", "also", "again",
          "recently", "publicly", "privately", "afterward", "afterwards", "then", "monday",
          "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "over", "under",
          "at", "and", "or", "but", "so", "up", "out", "him", "her", "them", "us", "me", "it",
          "not", "so", "too", "very", "much", "only"}
MAX_SPEAKER_WORDS = 8
# At most this many reported clauses nest in one sentence ('Aides said Ortiz believes …').
MAX_NESTED = 3
# A quote with no cue and at most this many words inside a sentence is a scare quote or title.
MAX_SCARE_WORDS = 5
# A mixed quote ('said those moves contained “…”') starts at its quotation mark when at most
# this many words of paraphrase come before it.
MIXED_LEAD_WORDS = 3
# … unless its quoted words are less than this share of the clause ('said that her tweet was
# “a joke”'): the clause is what was reported.
MIXED_QUOTED_SHARE = 0.8
_DASHES = "-–—―"


@dataclass
class _Found:
    start: int
    end: int
    kind: str
    cue: str | None = None
    cue_start: int | None = None
    speaker: Span | None = None
    via: str | None = None
    participle: bool = False
    antecedent: Span | None = None
    embedded: bool = False  # a direct quote that opens inside a sentence


@lru_cache(maxsize=1)
def _verbs() -> dict[str, tuple[str, frozenset[str]]]:
    """form -> (lemma, flags): reporting_verbs.txt (shared with names.py) plus the cues of
    attribution_verbs.txt that only quotes use. Flags: tell, mixed, direct (see the file)."""
    out = {form: (lemma, frozenset({"tell"} if hearer else ())) for form, (lemma, hearer) in reporting_verbs().items()}
    for line in word_list("attribution_verbs.txt"):
        lemma, _, rest = line.partition(":")
        words = rest.split()
        flags = frozenset(w[1:] for w in words if w.startswith("!"))
        for w in [w for w in words if not w.startswith("!")]:
            out.setdefault(w, (lemma.strip(), flags))
    for line in word_list("direct_cues.txt"):
        lemma, _, rest = line.partition(":")
        for form in (f.strip() for f in rest.split(",")):
            if form:
                out.setdefault(form, (lemma.strip(), frozenset({"direct"})))
    return out


@lru_cache(maxsize=1)
def _clause_lemmas() -> frozenset[str]:
    return frozenset(word_list("clause_verbs.txt"))


@lru_cache(maxsize=1)
def _infinitive_lemmas() -> frozenset[str]:
    return frozenset(word_list("infinitive_verbs.txt"))


@lru_cache(maxsize=1)
def _cue_regex() -> re.Pattern:
    """Cues of direct quotes and reported clauses alike; `_clause_cue_regex` adds the forms
    flagged !reported (attribution_verbs.txt), which only ever introduce a reported clause."""
    return _cue_pattern(tuple(f for f, (_l, flags) in _verbs().items() if "reported" not in flags))


@lru_cache(maxsize=1)
def _clause_cue_regex() -> re.Pattern:
    return _cue_pattern(tuple(_verbs()))


def _cue_pattern(forms) -> re.Pattern:
    forms = sorted(forms, key=len, reverse=True)
    phrases = word_list("speech_phrases.txt")
    alts = list(phrases) + [re.escape(f) for f in forms]
    # Case-sensitive on purpose: "Said" at a sentence start is as likely a name as a verb.
    return re.compile(r"(?<![\w’'-])(?:" + "|".join(alts) + r")(?![\w’'-])")


def paragraphs(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for m in re.finditer(r"\n\s*\n", text):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, len(text)))
    return [(s, e) for s, e in out if text[s:e].strip()]


def _markup(text: str) -> list[tuple[int, int]]:
    """Spans of markup tags (`<tweet id="…">`) whose quotation marks delimit attributes."""
    return [(m.start(), m.end()) for m in _MARKUP.finditer(text)]


# A tag on one line, or one whose quoted attribute values run over lines
# ('<tweet tweet-author="@x" tweet-date="January 19, 2016\n">').
_MARKUP = re.compile(r"<[/!?]?[A-Za-z][^<>\n]{0,400}>|<[A-Za-z][\w-]*(?:\s+[\w:-]+=\"[^\"<>]{0,2000}\"){1,12}\s*/?>")


def _mark_role(text: str, i: int) -> str | None:
    ch = text[i]
    if ch == "“" and i > 0 and (text[i - 1].isalnum() or text[i - 1] in ".,!?;—–-") \
            and (i + 1 == len(text) or text[i + 1].isspace()):
        return "close"  # 'called the KKK “abhorrent“ in a tweet': an opening mark typed as a closing one
    if ch == "”" and (i == 0 or text[i - 1].isspace()) and i + 1 < len(text) and text[i + 1].isalnum():
        return "open"  # '¶ ”Fear. I am truly afraid …“': a closing mark typed as an opening one
    if ch in OPENERS:
        return "open"
    if ch in CLOSERS:
        return "close"
    if ch == STRAIGHT:
        before = text[i - 1] if i > 0 else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        if (before.isspace() or before in "([{—–-/:―") and not after.isspace():
            return "open"
        if not before.isspace() and (after.isspace() or after in ".,;:!?)]}—–-'’―"):
            return "close"
        return "either"
    return None


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Inner spans (without the marks) of balanced direct quotes, in text order."""
    spans: list[tuple[int, int]] = []
    paras = paragraphs(text)
    tags = _markup(text)
    in_tag = set()
    for s, e in tags:
        in_tag.update(range(s, e))
    carry: int | None = None  # an opening mark continued from the previous paragraph
    for idx, (ps, pe) in enumerate(paras):
        open_at: int | None = carry
        carry = None
        for i in range(ps, pe):
            role = _mark_role(text, i)
            if role is None or i in in_tag:
                continue
            if open_at is None:
                if role in ("open", "either"):
                    open_at = i
            elif role in ("close", "either"):
                if open_at < ps and i == ps:
                    continue  # the re-opening mark of a continued paragraph
                spans.append((open_at + 1, i))
                open_at = None
            elif role == "open" and (i == ps or _para_start(text, i)):
                # A paragraph that opens with a mark while one is open: the multi-paragraph
                # convention when the reader has joined lines; the earlier mark continues.
                continue
        if open_at is not None:
            nxt = paras[idx + 1] if idx + 1 < len(paras) else None
            if nxt and _mark_role(text, nxt[0]) in ("open", "either") and _has_close(text, nxt):
                carry = open_at
            # else: unbalanced; dropped on purpose
    spans = [(s, e) for s, e in (_trim(text, s, e) for s, e in spans) if e > s]
    spans = _unbalanced_runs(text, spans)
    return sorted(spans + _single_spans(text, spans, in_tag))


def _para_start(text: str, i: int) -> bool:
    """Is `i` the first character of a line (a paragraph that the reader may have joined)?"""
    j = i - 1
    while j >= 0 and text[j] in " \t":
        j -= 1
    return j < 0 or text[j] == "\n"


def _unbalanced_runs(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Drop a 'quote' that is really the stretch between two unrelated stray marks: it would
    run across several sentences and contain an opening mark of its own."""
    out = []
    for s, e in spans:
        inner = text[s:e]
        if len(inner) > 400 and any(_mark_role(text, i) == "open" for i in range(s, e) if text[i] in OPENERS):
            continue
        out.append((s, e))
    return out


_SINGLE = re.compile(r"(?<![\w’'])‘([^‘’\n“”\"]{1,300}?)’(?![\w])")


def _single_spans(text: str, doubles: list[tuple[int, int]], in_tag: set[int]) -> list[tuple[int, int]]:
    """Typographic single marks outside double quotes (‘…’); inside double quotes they are a
    quote within the quote and belong to it. The closing ’ must not be followed by a letter,
    so the apostrophe of "Trump’s" never closes one."""
    out = []
    for m in _SINGLE.finditer(text):
        s, e = m.start(1), m.end(1)
        if any(ds - 1 <= m.start() and m.end() <= de + 1 for ds, de in doubles) or m.start() in in_tag:
            continue
        if any(ds < e and s < de for ds, de in doubles):
            continue
        s, e = _trim(text, s, e)
        if e > s:
            out.append((s, e))
    return out


def _has_close(text: str, para: tuple[int, int]) -> bool:
    return any(_mark_role(text, i) in ("close", "either") for i in range(para[0] + 1, para[1]))


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def _inside(spans, i: int) -> bool:
    return any(s - 1 <= i <= e for s, e in spans)


def _name_words(words: list[re.Match], floor: int) -> list[re.Match]:
    picked: list[re.Match] = []
    where = 0  # words of a place after "in" when the speaker goes on before it ('Officials in Baghdad')
    skip = -1
    for i in range(len(words) - 1, -1, -1):
        if i == skip:
            continue
        w = words[i]
        token = w.group(0)
        bare = token.strip(",;:()“”\"’'‘")
        if token.endswith((",", ";", ":", "”", '"', ")")) and picked:
            break
        if bare in ("of", "for") and picked and picked[0].group(0)[:1].isupper() and i > 0 \
                and words[i - 1].group(0)[:1].isupper() and not words[i - 1].group(0).endswith(","):
            picked.insert(0, w)  # inside a name: "The Syrian Observatory for Human Rights"
            continue
        if token == "the" and picked and picked[0].group(0)[:1].isupper() and i > 1 \
                and words[i - 1].group(0) == "of" and words[i - 2].group(0)[:1].isupper() \
                and not words[i - 2].group(0).endswith(","):
            # "Rami Abdel Rahman of the Syrian Observatory said": a person and the group they
            # speak for, one speaker (whose entity is the person's, `_speaker_entity`)
            picked[:0] = [words[i - 1], w]
            skip = i - 1  # the "of", taken
            continue
        if bare == "in" and not where and picked and i > 0 and _where(picked) and _noun_before_in(words[i - 1].group(0)):
            # 'Hezbollah in Lebanon said', 'Officials in Baghdad said': the place says where
            # the speaker is; the speaker is the noun before it (not "Lebanon")
            where = len(picked)
            picked.insert(0, w)
            continue
        if not bare or bare.lower() in _NP_STOP or bare in _cue_words() or bare in _DASHES or token in ("--", "―"):
            break  # a dash ends a dateline ('NEW YORK - Republican candidate Donald Trump')
        if token.startswith(("“", '"', "(")) and picked:
            picked.insert(0, w)
            break
        if picked and bare.lower() in ("him", "her", "them", "me", "us", "his", "their", "its") and not _acronym(bare):
            break  # 'told him she …': the hearer is not part of the speaker
        picked.insert(0, w)
        if bare.lower() in PRONOUNS - {"who"}:
            break  # 'him she worries': a subject pronoun is the whole speaker
        if len(picked) - sum(1 for k, p in enumerate(picked) if p.group(0) == "of" or k and p.group(0) == "the"
                             and picked[k - 1].group(0) == "of") >= MAX_SPEAKER_WORDS:
            break  # (an "of the" does not count: "Rami Abdel Rahman of the Syrian Observatory for …")
    if where and any(_verb_like(w.group(0)) for w in picked[:len(picked) - where - 1]):
        # 'met British Foreign Secretary Boris Johnson in London', 'justify the bombings in
        # Syria': a clause, not a speaker, before "in"; the place alone, as before
        return picked[len(picked) - where:]
    return picked


# Past forms not in -ed, and present forms not in -s, that news sentences are built on: what
# follows a name is a clause, not more of the name.
_IRREGULAR_PAST = ("met", "said", "told", "took", "made", "gave", "went", "came", "left", "held", "led", "won",
                   "lost", "fled", "sent", "kept", "found", "became", "began", "spoke", "wrote", "saw", "hit",
                   "got", "ran", "put", "fought", "struck", "brought", "thought", "sought", "built", "bought",
                   "caught", "shot")
_VERB_FORMS = frozenset({*_IRREGULAR_PAST, "control", "controls", "support", "supports", "justify", "meet", "meets",
                         "visit", "visits", "attack", "attacks"})


def _verb_like(token: str) -> bool:
    """A lowercase word that is (or may be) a verb form: not part of a speaker's noun phrase."""
    bare = token.strip(",;:()“”\"’'‘")
    low = bare.lower()
    return bare[:1].islower() and (low in _VERB_FORMS or low.endswith("ing") and len(low) > 5
                                    or low.endswith("ed") and len(low) > 4 or low in _cue_words())


_COMPASS = {"eastern", "western", "northern", "southern", "central", "northeastern", "northwestern",
            "southeastern", "southwestern", "rebel-held", "government-held", "occupied", "besieged"}


def _where(picked: list[re.Match]) -> bool:
    """Words after "in" that name a place: capitalised ones, maybe after "eastern" and the like."""
    tokens = [w.group(0).strip(",;:()") for w in picked]
    return 0 < len(tokens) <= 4 and any(t[:1].isupper() for t in tokens) \
        and all(t[:1].isupper() or t.lower() in _COMPASS or t == "the" for t in tokens) \
        and tokens[0].lower() not in PRONOUNS


def _noun_before_in(token: str) -> bool:
    """'Officials', 'embassy', 'Hezbollah' before "in": a noun, not a verb ('arrived in') or
    a function word."""
    bare = token.strip("“”\"’'‘")
    low = bare.lower()
    if not bare.isalpha() and "-" not in bare or token.endswith((",", ";", ":", ")")):
        return False
    if low in _NP_STOP or low in _AUX or low in _PREPS or low in PRONOUNS or low in _DETS or _adverb(bare):
        return False
    return bare[:1].isupper() or not low.endswith(("ed", "ing")) and low not in _cue_words()


def _acronym(token: str) -> bool:
    """'US', 'UK': capitals that name something, never the pronoun or preposition they spell."""
    return len(token) > 1 and token.isalpha() and token.isupper()


def _adverb(token: str) -> bool:
    """'increasingly', 'famously': a lowercase -ly word between a speaker and the verb."""
    return token[:1].islower() and token.endswith("ly") and len(token) > 4 and token not in ("family", "ally", "rally", "belly", "jelly", "bully")


_TRAILING_TIME = re.compile(r"\s+(?:\w+|a\s+few)\s+(?:days|weeks|months|years|hours)\s+ago\s*$|(?:\s+(?:on|late|early|last|this|earlier|later)(?:\s+(?:on|last|this))?)?\s+(?:Monday|Tuesday|Wednesday|"
                            r"Thursday|Friday|Saturday|Sunday|week|month|year|night|morning|afternoon|evening|"
                            r"weekend|today|yesterday|tonight)(?:\s+(?:night|morning|afternoon|evening))?\s*$")


_LEADING_TIME = re.compile(r"\s+(?:on\s+|last\s+|this\s+|late\s+|early\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|"
                           r"Saturday|Sunday|week|month|year|night|morning|afternoon|evening|weekend|"
                           r"today|yesterday|tonight)(?:\s+(?:night|morning|afternoon|evening))?(?=\s)")


# Words after which a noun phrase can still be a clause's subject ('… when he yelled', 'and
# Clinton said'); after any other lowercase word it is an object ('posted a Twitter comment').
_BEFORE_SUBJECT = {"and", "but", "or", "nor", "that", "when", "while", "as", "because", "after",
                   "before", "if", "since", "though", "although", "whereas", "so", "where", "who",
                   "which", "then", "also", "now", "yet", "once", "until", "unless", "whether",
                   "how", "why", "what", "even", "still", "only", "meanwhile", "instead", "here",
                   "there", "where", "whom", "whose", "later", "earlier", "again", "first"}


def _object_like(text: str, span: Span, floor: int) -> bool:
    """Is the noun phrase the object of a verb or a preposition ('a nod to the front-runner
    acknowledging', 'Clinton posted a Twitter comment') rather than a subject?"""
    before = text[floor:span.start].split()
    if not before:
        return False
    prev = before[-1]
    bare = prev.strip("“”\"‘’'()")
    if prev.endswith((",", ";", ":", "—", "–", "(")) or prev[-1:] in "“”\"" or not bare.isalpha():
        return False
    first = span.text.split()[0]
    if first[:1].islower() and first.endswith(("ly", "ing")):
        return True  # 'carrying signs', 'optimistically': no noun phrase at all
    if bare[:1].isupper():
        return False
    low = bare.lower()
    # after a verb ('posted a Twitter comment') or a preposition that takes no speaker ('a nod
    # to the front-runner'); 'the head of the committee', 'his friend X' stay.
    return low in _OBJECT_PREPS or (low not in _BEFORE_SUBJECT | _DETS | _PREPS | _NP_STOP
                                    and (low.endswith("ing") or len(low) > 4 and low.endswith("ed")))


_OBJECT_PREPS = {"to", "into", "about", "against", "than", "like", "upon", "toward",
                 "towards", "despite", "amid", "at"}


_NEGATED_AUX = re.compile(r"(?i)(?:do|does|did|has|have|had|is|are|was|were|would|could|should|can|wo|ca|must)n[’']t")


def speaker_before(text: str, cue_start: int, floor: int, strict: bool = False) -> Span | None:
    """The noun phrase that ends right before a cue: 'Political analyst Ihssan Shammari said'.

    'Jaafar Husseini, a spokesman for Kata’ib Hezbollah, …, expressed': a comma right before
    the cue closes an appositive or participle phrase, so the speaker is the name before it.
    """
    lead = text[floor:cue_start]
    when = _TRAILING_TIME.search(lead)
    if when:  # 'Donald Trump on Saturday tweeted': the time is not part of the name
        lead = lead[:when.start()] + " " * (len(lead) - when.start())
    rel = list(re.finditer(r"\s(?:who|which)\s+(?:[^,;:“”\"]{1,80}?)\s*$", lead))
    if rel and rel[-1].start() > 0 and len(lead[rel[-1].start():].split()) > 2 \
            and not re.search(r"\bthat\s+(?:[A-Z][\w’'.-]*\s+){0,4}[A-Z][\w’'.-]*\s*$", lead[rel[-1].start():]):
        # 'a White House official who spoke anonymously to discuss internal strategy said':
        # the relative clause describes the speaker, who stands before it.
        lead = lead[:rel[-1].start()]
    words = list(re.finditer(r"\S+", lead))
    while words and (words[-1].group(0).lower().strip(",") in _AUX or _adverb(words[-1].group(0))
                     or _NEGATED_AUX.fullmatch(words[-1].group(0))
                     or len(words) > 1 and words[-1].group(0) in ("who", "that", "which")
                     and not words[-2].group(0).endswith(",")):
        # ('he didn’t believe', 'some economists who argue': the subject is before these; in
        # 'Barkley, who said', "who" stands for the name, found from it later)
        if words[-1].group(0).endswith(","):
            break
        words.pop()
    if not words or words[-1].group(0).endswith(("”", '"', "''")):
        return None  # '“…” said': the words before the cue are the quote's, not a speaker
    if len(words) > 1 and words[-1].group(0) in ("despite", "after", "before", "while", "without", "since", "upon") \
            and words[-2].group(0).endswith(","):
        # 'House Speaker Paul Ryan, R-Wis., despite admitting that …': a gerund after a
        # preposition; its subject is the name before the comma.
        return _before_appositive(text, words[:-1], floor)
    if words[-1].group(0).endswith(","):
        return _before_appositive(text, words, floor)
    if words[-1].group(0) in ("--", "—", "–", "―") and len(words) > 2:
        # 'A former candidate -- John McCain, who lost in 2008 -- said': the speaker is before
        # the dashed appositive (and the name inside it).
        opening = [i for i, w in enumerate(words[:-1]) if w.group(0) == words[-1].group(0)]
        if opening:
            inner = speaker_before(text, floor + words[opening[-1]].start(), floor)
            if inner is not None:
                return inner
    if strict and words and words[-1].group(0).lower() in ("and", "but", "or", "then", "yet"):
        return _coordinated_subject(text, floor, cue_start)
    picked = _name_words(words, floor)
    span = _span_of(text, floor + picked[0].start(), floor + picked[-1].end()) if picked else None
    if span is not None and span.text.lower() in ("another", "others", "some", "many", "most", "several", "one") \
            and span.end == len(text[:cue_start].rstrip()) and (span.text[:1].isupper() or not text[floor:span.start].strip()):
        return span  # '“…,” tweeted another.' / 'Another tweeted, “…”': the pronoun of a group
    if span is None or span.text.split()[-1].lower() in _DETS:
        # 'Another source familiar with Cruz’s thinking said': a whole short clause opener
        # with no verb in it; else nothing ('Many watched the show' is cut in the middle).
        return _whole_lead(text, floor, cue_start, words)
    if strict and _object_like(text, span, floor):
        return _whole_lead(text, floor, cue_start, words)
    if " " not in span.text and span.text.lower() not in PRONOUNS and (
            span.text.lower() in (_BEFORE_SUBJECT | _AUX | _PREPS | {"more", "less"}) - {"who", "which"} or _adverb(span.text)):
        return None  # 'Even', 'More', 'increasingly': an adverb, not a speaker
    before = text[floor:span.start].split()
    if " " not in span.text and span.text[:1].islower() and before and before[-1].lower() in _TRUE_PREPS:
        return None  # 'militias which at times claim responsibility': the object of "at", no speaker
    close = _CLOSE_TO_LEAD.search(text, max(floor, span.start - 60), span.start)
    if close is not None:
        # 'Sources close to the Sadrist Movement said': the sources speak, not the movement
        return _span_of(text, close.start(), span.end) or span
    return span


# Who speaks beside a name, not for it: "sources close to", "a figure close to" (index.py
# gives no speaker's entity to a name after CLOSE_TO).
CLOSE_TO = r"(?:close|closer|near)\s+to\s+"
_CLOSE_TO_LEAD = re.compile(r"(?:\b(?:[Aa]n?|[Tt]wo|[Tt]hree|[Ss]ome|[Ss]everal|[Oo]ne)\s+)?(?:[\w-]+\s+){0,2}?"
                            r"\b(?:[Ss]ources?|[Pp]eople|[Ff]igures?|[Oo]fficials?|[Ss]omeone|[Mm]embers?|[Aa]ides?|"
                            rf"[Aa]ssociates?|[Aa]llies)\s+{CLOSE_TO}\Z")


_SUBJECT_VERB = re.compile(r"(?<![\w’'-])((?:He|She|They|We|I|he|she|they|we)|(?:The|A|An)\s+(?:[a-z][\w-]*\s+){0,3}[a-z][\w-]*(?=\s+[a-z])|(?:(?:The|the)\s+)?[A-Z][\w’'.-]+(?:\s+(?:al-|bin\s+|de\s+)?[A-Z][\w’'.-]+){0,4})"
                           r"(?:\s*\([^()]{1,30}\))?,?\s+([a-z][\w’'-]*)")
_MONTHS_DAYS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
                "february", "march", "april", "june", "july", "august", "september", "october",
                "november", "december"}


def _after_conjunction(text: str, floor: int, cue_start: int) -> bool:
    """Does the cue follow 'and'/'but' (an adverb or auxiliary aside): a second verb?"""
    words = text[floor:cue_start].split()
    while words and (words[-1].lower() in _AUX or _adverb(words[-1])):
        words.pop()
    return bool(words) and words[-1].lower() in ("and", "but", "or", "then", "yet")


def _coordinated_subject(text: str, floor: int, cue_start: int) -> Span | None:
    """The subject of the clause whose second verb is the cue ('such as when Cruz knocked
    Rubio on trade and called him a “moderate”' → Cruz): the first name or pronoun before
    the cue that a verb follows (a form of be/have, an -ed form or a cue)."""
    end = cue_start
    floor = max(floor, cue_start - 400)  # a subject this far back is no longer this clause's
    found = None
    for m in _SUBJECT_VERB.finditer(text, floor, end):
        name, verb = m.group(1), m.group(2)
        if any(c in text[m.start():m.end()] for c in "“”\""):
            continue
        first = name.split()[0].lower()
        if first in _NP_STOP | _PREPS | _DETS - {"the", "a", "an"} and " " not in name or first in _NP_STOP | _PREPS or name.lower() in _MONTHS_DAYS or first.endswith("ing"):
            continue
        if verb in ("was", "is", "has", "had", "were", "are", "will", "would") or verb in _AUX \
                or verb in _cue_words() or len(verb) > 4 and verb.endswith("ed"):
            prev = text[max(floor, m.start(1) - 12):m.start(1)].split()
            if prev and prev[-1].lower() in _SUBORDINATORS:
                # 'When Mook was asked if Clinton would …, he laughed and said'
                found = found or Span(m.start(1), m.end(1), name)
                continue
            return Span(m.start(1), m.end(1), name)
    return found


_SUBORDINATORS = {"when", "if", "after", "before", "that", "because", "while", "as", "since",
                  "although", "though", "whether", "until", "unless", "once", "where", "who"}


def _whole_lead(text: str, floor: int, cue_start: int, words: list[re.Match]) -> Span | None:
    if len(words) < 2 or len(words) > 10 or words[-1].group(0).lower() in _DETS or any(w.group(0)[-1:] in ",;:”\"()" for w in words):
        return None
    first = words[0].group(0)
    if first.lower().endswith(("ing", "ly")) or not (first[:1].isupper() and (first.lower() in _DETS or first.lower() not in _PREPS | _NP_STOP | PRONOUNS)):
        return None
    for k, w in enumerate(words[1:], 1):
        low = w.group(0).lower()
        # 'Cruz’s thinking', 'A 2014 House Intelligence Committee report found': nouns
        after_possessive = words[k - 1].group(0).endswith(("’s", "'s", "’", "'")) \
            or k == len(words) - 1 and words[k - 1].group(0)[:1].isupper()
        if low in _NP_STOP - {"of", "for", "in", "on", "at", "from", "with", "about", "to"} or low in _AUX \
                or w.group(0)[:1].islower() and not after_possessive and (low.endswith(("ed", "ly")) or low in _cue_words()):
            return None  # a verb or an adverb: a clause, not a noun phrase
    return _span_of(text, floor + words[0].start(), floor + words[-1].end())


def _span_of(text: str, s: int, e: int) -> Span | None:
    while e > s and text[e - 1] in ",;:”\"’)!?" and not (text[e - 1] == ")" and "(" in text[s:e]):
        e -= 1
    last = text[s:e].split()[-1] if text[s:e].split() else ""
    if last.endswith(".") and len(last) > 3 and "." not in last[:-1] and any(c.islower() for c in last):
        e -= 1  # 'said Ali Saleh.': the sentence's full stop, not an abbreviation ('Jr.', 'U.S.')
    while s < e and text[s] in "“”\"(‘":
        s += 1
    if e <= s:
        return None
    return Span(s, e, text[s:e])


_ARABIC_ARTICLE = re.compile(r"(?:al|el|an|ar|as|ash|ad|az|at)-[A-Z]")


def _before_appositive(text: str, words: list[re.Match], floor: int) -> Span | None:
    """Walk back over comma-closed segments ('a spokesman for X,', 'speaking on WOR710,')
    to the name that they describe."""
    segs: list[list[re.Match]] = [[]]
    for w in words:
        segs[-1].append(w)
        if w.group(0).endswith(","):
            segs.append([])
    segs = [s for s in segs if s]
    # segs[-1] is the phrase that the comma before the cue closes; the speaker precedes it.
    cands = segs[:-1]
    # … unless it is the name itself after a descriptor: 'his wife, Gabriela Lazar, wrote',
    # 'Another delegate on the slate, Jim Poolman, said'.
    last = segs[-1] if segs else []
    alt = None
    if cands and last and last[0].group(0)[:1].isupper() and len(last) <= 5 \
            and all(w.group(0)[:1].isupper() or w.group(0).lower() in _CONNECT or _ARABIC_ARTICLE.match(w.group(0))
                    for w in last):  # ('A government spokesman, Basim al-Awadi, told')
        alt = _span_of(text, floor + last[0].start(), floor + last[-1].end())
        opener = cands[-1][0].group(0).strip("“\"(")
        if opener.lower() in _DETS or opener[:1].islower() and opener.lower() not in _PREPS | _NP_STOP:
            return alt
    for k in range(len(cands) - 1, -1, -1):
        seg = cands[k]
        first = seg[0].group(0).strip("“\"(")
        if first.lower() in ("a", "an", "the") and seg[0].group(0)[:1].islower():
            prev = cands[k - 1] if k > 0 else None
            named = prev is not None and prev[-1].group(0).rstrip(",")[:1].isupper() \
                and prev[0].group(0).lower() not in _PREPS
            if named:
                continue  # 'Jaafar Husseini, a spokesman for …,': the name is before it
            picked = _name_words(seg, floor)  # 'In Baghdad, an unknown group, which …,'
            return _span_of(text, floor + picked[0].start(), floor + picked[-1].end()) if picked else alt
        if first[:1].islower() or first[:1].isdigit():
            continue  # another descriptor ("who …,", "speaking on WOR710,")
        picked = _name_words(seg, floor)
        if picked and picked[0].group(0)[:1].isupper():
            return _span_of(text, floor + picked[0].start(), floor + picked[-1].end())
        if first.lower() in _DETS and 2 <= len(seg) <= 6:  # 'That letter, on company letterhead, demanded'
            return _span_of(text, floor + seg[0].start(), floor + seg[-1].end())
        return alt
    return alt


# A name does not end at the full stop of the title before it: '…, said Mr. Manafort envisioned …'
# (read as the inverted '…, said Mr.' with 'Mr' speaking, the clause was lost).
_DOTTED_TITLES = ("Mr", "Mrs", "Ms", "Dr", "Sen", "Rep", "Gov", "Gen", "Lt", "Col", "Sgt", "Capt", "Prof", "Rev", "St")
_NOT_AT_TITLE_DOT = "".join(rf"(?<!\b{t})" for t in _DOTTED_TITLES)


def speaker_after(text: str, start: int, ceiling: int) -> Span | None:
    """The noun phrase right after an inverted cue: '…,” said Husseini.'"""
    m = re.match(r"\s*((?:the\s+|a\s+|an\s+)?[\w’'.-]+(?:/[\w’'.-]+)?(?:\s+[\w’'.-]+){0,6}?)" + _NOT_AT_TITLE_DOT + r"(?=\s*(?:[,.;:!?“\"]|$|\s+(?:in|on|at|during|who|adding|according|after|before|when|while|as|to|of|about|from|last|this|because|and|but)\b))",
                 text[start:ceiling])
    if not m:
        # no clear end within seven words ('said one well-connected Democrat familiar with …'):
        # the words right after the cue, cut to what can be a speaker.
        m = re.match(r"\s*([\w’'.-]+(?:/[\w’'.-]+)?(?:\s+[\w’'.-]+){0,6})", text[start:ceiling])
    if not m:
        return None
    s = start + m.start(1)
    e = start + m.end(1)
    if e - s < 2 or text[s:e].split()[0].lower() in _PREPS | {"that"}:
        return None
    np = _noun_phrase(text, s, e)
    if np is None:
        # 'said master of ceremonies Asab Al-Tabchi': the short match ended at 'of'.
        longer = re.match(r"\s*([\w’'.-]+(?:/[\w’'.-]+)?(?:\s+[\w’'.-]+){0,6})", text[start:ceiling])
        if longer and start + longer.end(1) > e:
            np = _noun_phrase(text, start + longer.start(1), start + longer.end(1))
    return np


_AUXILIARIES = frozenset({"could", "would", "will", "can", "may", "might", "should", "must", "shall", "is", "was",
                          "are", "am", "were", "has", "had", "have", "did", "does", "do"})
_DETS = {"the", "a", "an", "one", "another", "two", "three", "several", "some", "many", "his",
         "her", "their", "its", "our", "my", "this", "that", "these", "those", "other"}
_CONNECT = {"of", "the", "for", "and", "de", "del", "da", "bin", "al-", "van", "von", "der", "la", "le"}


def _noun_phrase(text: str, s: int, e: int) -> Span | None:
    """Keep the part of a span after an inverted cue that can be a speaker: a name ('Rep. John
    Smith'), a pronoun, or a determiner phrase ('a senior official'); 'Comey cannot' or 'do a
    cover' are clauses, not speakers."""
    words = list(re.finditer(r"\S+", text[s:e]))
    first = words[0].group(0)
    low = first.lower().strip(",")
    if low in PRONOUNS - {"who", "it"}:
        return _span_of(text, s, s + words[0].end())
    keep = [words[0]]
    if first[:1].isupper() and low not in _DETS:
        keep = _name_run(words)
        keep = _role_then_name(words, keep)
    elif low in _DETS:
        keep = words[:6]
        for k, w in enumerate(keep[1:], 1):
            if w.group(0).lower() in _AUXILIARIES:
                keep = keep[:k]  # 'said the candidate could be …': a clause's subject, then its verb
                break
    else:
        # 'said former Obama adviser David Axelrod', 'said spokesman John Kirby': lowercase
        # descriptors before a name; without a name after them it is a clause ('do a cover').
        lead = []
        for w in words[:5]:
            t = w.group(0).strip(",")
            if t[:1].isupper():
                break
            if t.lower() in _PREPS - {"of"} or t.lower() in _NP_STOP - {"of"} or t.lower() in PRONOUNS:
                return None
            lead.append(w)
        rest = words[len(lead):]
        if not rest or not rest[0].group(0)[:1].isupper() or len(lead) > 4:
            return None
        keep = lead + _name_run(rest)
    return _span_of(text, s + keep[0].start(), s + keep[-1].end())


def _role_then_name(words: list[re.Match], keep: list[re.Match]) -> list[re.Match]:
    """'said Hezbollah spokesman Ali Hassan', 'said Operation Inherent Resolve spokesperson
    Colonel Christopher Garver': a group's name, a role of up to three lowercase words (one
    of them a title) and a name are one speaker, whose head is the name (the speaker was
    the group)."""
    rest = words[len(keep):]
    if keep[-1].group(0).endswith(","):
        return keep
    role = []
    for w in rest[:3]:
        t = w.group(0)
        if not t[:1].islower():
            break
        if t.lower() in _PREPS or t.lower() in _NP_STOP or t.lower() in PRONOUNS or _verb_like(t) or t.endswith(","):
            return keep
        role.append(w)
    after = rest[len(role):]
    if not role or not after or not after[0].group(0)[:1].isupper() \
            or not any(r.group(0).lower() in title_words() for r in role):
        return keep
    return keep + role + _name_run(after)



def _name_run(words: list[re.Match]) -> list[re.Match]:
    """The capitalised run (with its connecting words) that opens `words`."""
    keep = [words[0]]
    if words[0].group(0).endswith(","):
        return keep
    for w in words[1:]:
        t = w.group(0)
        if t[:1].isupper() or t.lower() in _CONNECT or t[:1] in "(-" or _ARABIC_ARTICLE.match(t):
            keep.append(w)  # ('Abu Ali al-Askari': an Arabic article glued to a name's word)
            if t.endswith(","):
                break
        else:
            break
    while len(keep) > 1 and keep[-1].group(0).lower() in _CONNECT:
        keep.pop()
    return keep


@lru_cache(maxsize=1)
def _cue_words() -> frozenset[str]:
    return frozenset(f for f in _verbs() if " " not in f)


def _sentence_of(sentences, i: int) -> tuple[int, int]:
    # sentences are in text order and do not overlap: bisect (a scan per call made a 200 KB
    # article spend most of its time here)
    k = bisect.bisect_right(sentences, i, key=lambda se: se[0]) - 1
    if k >= 0 and sentences[k][0] <= i < sentences[k][1]:
        return sentences[k]
    return 0, 0


def _prev_mark(text: str, spans, start: int) -> int:
    """End of the last quote closed before `start` (spans are in text order: bisect, since a
    scan per quote makes a text full of marks take minutes)."""
    i = bisect.bisect_left(spans, start - 1, key=lambda sp: sp[0]) - 1
    best = 0
    while i >= 0:
        if spans[i][1] < start - 1:
            best = max(best, spans[i][1] + 1)
            if i == 0 or spans[i - 1][1] < spans[i][1]:
                break
        i -= 1
    return best


def _cue_before(text, q: _Found, spans, sentences) -> bool:
    sent_start = _sentence_of(sentences, q.start - 1)[0]
    floor = max(sent_start, _prev_mark(text, spans, q.start))
    head = text[floor:q.start - 1]
    m = list(_cue_regex().finditer(head))
    return bool(m) and len(head[m[-1].end():].split()) <= 10


# '…,” David Axelrod, the chief strategist of Obama's 2008 campaign, said': a name and one
# appositive between the quote and its cue.
_APPOSITIVE_LEAD = re.compile(r"[\s,]*(?:[A-Z][\w’'.-]*\s+){0,4}[A-Z][\w’'.-]*,(?:[^,.;:“”\"]{3,160},){1,3}\s*$")


_ABBREVIATIONS = {"rep", "reps", "sen", "sens", "gov", "govs", "dr", "mr", "mrs", "ms", "lt", "gen",
                  "col", "sgt", "st", "jr", "sr", "rev", "prof", "capt", "adm", "maj", "cmdr", "pres",
                  "atty", "supt", "insp", "no", "vs", "ft", "mt", "u.s", "u.n", "u.k", "d.c", "inc", "co",
                  "corp", "ltd", "jan", "feb", "aug", "sept", "sep", "oct", "nov", "dec"}


def _sentence_end(tail: str) -> re.Match | None:
    """The first sentence end in `tail`, not the full stop of 'Rep.', 'Sen.' or an initial."""
    for m in re.finditer(r"[.!?](?:\s|$)|\n", tail):
        if tail[m.start()] == ".":
            word = re.search(r"([\w.]+)$", tail[:m.start()])
            if word and (word.group(1).lower() in _ABBREVIATIONS or len(word.group(1)) == 1 and word.group(1).isupper()):
                continue
        return m
    return None


# '…,” Jeffrey Lewis of the James Martin Center for Nonproliferation Studies wrote': a name
# with its affiliation, longer than a plain speaker but with no clause in it.
_LONG_NAME_LEAD = re.compile(r"[\s,]*[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)+(?:\s+(?:of|at|for|from|with|and|the|[A-Z][\w’'.-]*)){1,10}\s*$")


_NOUN_MARKERS = {"the", "a", "an", "his", "her", "their", "its", "our", "my", "your", "this",
                 "that", "these", "those", "last", "first", "whose", "no", "any", "every",
                 "such", "racial", "convoluted", "latest", "recent", "earlier", "famous"}


# Cue forms that are nouns too (not 'said': "the Democrat said" is a subject and its verb).
_NOUN_FORMS = re.compile(r"(?:states?|claims?|reports?|calls?|demands?|promises?|pledges?|warnings?|statements?)\b")


def _noun_use(text: str, at: int) -> bool:
    """Is the cue word at `at` a noun ('his call for', 'the last claim', 'Obama’s promise')?"""
    prev = text[max(0, at - 30):at].split()
    if not prev:
        return False
    w = prev[-1].lower().replace("’", "'")
    if w in _NOUN_MARKERS or w in _NUMBER_WORDS:
        return True
    if prev[-1] in word_set("demonyms.txt") and _NOUN_FORMS.match(text, at):
        return True  # 'Syrian state news agency SANA', 'Iraqi claims': an adjective before a noun
    # 'Obama’s promise', but not 'he’s said' or 'that's what'
    return w.endswith("'s") and w[:-2] not in PRONOUNS | {"that", "there", "what", "it", "who", "here", "let"}


def _attribute_direct(text, q: _Found, spans, sentences) -> None:
    cue_re = _cue_regex()
    close = q.end + 1 if q.end < len(text) else q.end
    # 1. After: '…,” Husseini said' or '…,” said Husseini'.
    tail_end = min(len(text), close + 240)
    after = bisect.bisect_left(spans, close + 1, key=lambda sp: sp[0])
    nxt_open = min(spans[after][0] - 1, tail_end) if after < len(spans) else tail_end
    tail = text[close:nxt_open]
    stop = _sentence_end(tail)
    tail = tail[: stop.start() + 1] if stop else tail
    m = next((c for c in cue_re.finditer(tail) if not _noun_use(text, close + c.start())), None)
    lead = tail[: m.start()] if m else ""
    if m and text[q.start:q.end].rstrip()[-1:] in ".!?" and lead.strip()[:1].isupper() and _cue_before(text, q, spans, sentences):
        m = None  # 'said Wednesday, "… discussions." Trump, who said …': the next sentence is not its attribution
    if m and m.group(0).endswith("ing") and not lead.strip(" ,"):
        m = None  # 'Peabody said: “…,” adding that …': the participle opens the next statement
    if m and (len(lead.split()) <= MAX_SPEAKER_WORDS or _APPOSITIVE_LEAD.match(lead) or _LONG_NAME_LEAD.match(lead)) and not lead.strip().endswith(".") \
            and re.match(r"[\s,.!?;:—–-]*[A-Za-z]|[\s,]*$", lead) and not re.search(r"[;:]", lead):
        cue_start = close + m.start()
        q.cue, q.cue_start = m.group(0), cue_start
        if lead.strip(" ,"):
            q.speaker = speaker_before(text, cue_start, close, strict=True)
            long_name = _LONG_NAME_LEAD.match(lead)
            if long_name and len(lead.split()) > 3 and (q.speaker is None or len(q.speaker.text.split()) < len(lead.split()) - 1):
                # the whole name with its affiliation, not its last words
                ls = close + len(lead) - len(lead.lstrip(" ,"))
                q.speaker = _span_of(text, ls, close + len(lead.rstrip()))
            if q.speaker is None and lead.rstrip().endswith(","):
                # '“This will be a challenge” for Clinton, said Kunin': the lead ends the quoted
                # sentence; the speaker follows the inverted cue.
                q.speaker = speaker_after(text, close + m.end(), close + len(tail))
        else:
            q.speaker = speaker_after(text, close + m.end(), close + len(tail))
        if q.speaker is not None or not lead.strip(" ,"):
            return
        q.cue = q.cue_start = None  # 'He echoed that promise': not an attribution of this quote
    elif m and "," in lead and not re.search(r"[;:“”\"]", lead) and lead[:1] in " ,":
        # '“There's a sense of stability now,” and donations began to pick up again, Gilbert
        # said.': the sentence that the quote opens ends with its attribution.
        comma = lead.rfind(",")
        rest = tail[m.end():]
        if not lead[comma + 1:].strip():  # '“…” if she didn’t win by more, said David Wasserman'
            sp = speaker_after(text, close + m.end(), close + len(tail))
        elif len(lead[comma + 1:].split()) <= MAX_SPEAKER_WORDS and (_SHORT_TAIL.match(rest) or re.match(r",\s+[a-z]+ing\s", rest)):
            # ('…, she said, referencing the bank’s …': a participle phrase may follow.)
            sp = speaker_before(text, close + m.start(), close + comma + 1, strict=True)
        else:
            sp = None
        if sp is not None and not any(c in text[q.end:sp.start] for c in OPENERS):
            q.cue, q.cue_start, q.speaker = m.group(0), close + m.start(), sp
            return
    # 2. Before: 'Kadhimi said in Riyadh “…”', 'He added, “…”', '…, pledging, “…”'.
    sent_start = _sentence_of(sentences, q.start - 1)[0]
    floor = max(sent_start, _prev_mark(text, spans, q.start))
    head = text[floor: q.start - 1]
    if not head.strip() or head.rstrip().endswith(":") and not cue_re.search(head):
        # 3. A colon or line break introduces it: 'As Pollak reported …:' ¶ “…”.
        j = q.start - 2
        while j >= 0 and text[j].isspace():
            j -= 1
        if j >= 0 and text[j] == ":":
            s0 = _sentence_of(sentences, j)[0]
            floor = max(s0, _prev_mark(text, spans, j))
            head = text[floor:j + 1]
    cues = [c for c in cue_re.finditer(head) if not _noun_use(text, floor + c.start())]
    if cues:
        m = cues[-1]
        between = head[m.end():]
        # The cue must govern the quote: nothing but a hearer, a short adverbial or a colon
        # lies between them ('told The Arab Weekly that “…”', 'said in Riyadh “…”').
        if len(between.split()) <= 10 and not re.search(r"[.!?;]\s", between):
            cue_start = floor + m.start()
            q.cue, q.cue_start = m.group(0), cue_start
            if m.group(0).endswith("ing") and head[: m.start()].rstrip().endswith(","):
                q.participle = True
                return
            q.speaker = speaker_before(text, cue_start, floor, strict=True)
            if q.speaker is not None:
                q.speaker = _naming_subject(text, q.speaker, sent_start, m.group(0))
            if q.speaker is None and (not head[: m.start()].strip() or head[: m.start()].rstrip().endswith(",")
                                      and re.fullmatch(r"\s+[^,;:“”\"]{2,80}[,:]\s*", head[m.end():])):
                # 'said Solovey, “…”' / 'In other words, explained moderator Nancy Cordes: “…”'
                q.speaker = speaker_after(text, floor + m.end(), q.start - 1)
            if q.speaker is None:
                # 'Obama punctuated his list by saying “Too many.”': the sentence's subject.
                q.speaker = _opening_subject(text, (floor, q.start), cue_start)
            return
    if head.rstrip().endswith(":"):
        # 'Philip Bump: “…”', 'Clinton released the following statement: “…”'.
        intro = head.rstrip()[:-1]
        name = re.fullmatch(r"\s*((?:[A-Z][\w’'.-]*\s+){0,4}[A-Z][\w’'.-]*)\s*", intro)
        if not name:
            # '… for Republican contests - Philip Bump:', '… doesn’t surprise pollster Daron
            # Shaw:': a name of two or more words right before the colon.
            name = re.search(r"(?:^|[\s(])((?:[A-Z][\w’'.-]*\s+){1,4}[A-Z][\w’'.-]*)\s*$", intro)
            if name and (name.group(1).split()[0].lower() in _DETS | _PREPS | _NP_STOP
                         or name.group(1).split()[-1].lower() in _MONTHS_DAYS or name.group(1).isupper()):
                name = None
        if name:
            s0 = floor + name.start(1)
            q.speaker = Span(s0, s0 + len(name.group(1)), name.group(1))
        else:
            q.speaker = _opening_subject(text, (floor, q.start), q.start)
        if q.speaker is not None:
            q.via = "explicit"
            return
    # 4. A dash line after the quote: '“…” ― Sonya Herridge'.
    d = re.match(r"\s*[" + _DASHES + r"]+\s*([A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*){0,4})", text[close:close + 80])
    if d:
        s = close + d.start(1)
        q.speaker, q.cue, q.cue_start = Span(s, s + len(d.group(1)), d.group(1)), None, None
        q.via = "explicit"


def _naming_subject(text, speaker: Span, sent_start: int, cue: str) -> Span:
    """'Ban Ki-moon condemned what he called a “brazen breach”', 'Cruz has railed against what
    he calls the “Washington cartel”': the pronoun of the naming clause is the sentence's
    subject, whose name opening the sentence is the speaker's mention."""
    low = speaker.text.lower()
    if low not in ("he", "she", "they") or not re.fullmatch(r"(?:call|describ|term|dub|label)\w*", cue.lower()) \
            or speaker.start - sent_start > 300:
        return speaker  # ('in which she called for …' is her own statement)
    if not re.search(r"(?:\bwhat|,\s+which)\s+$", text[max(sent_start, speaker.start - 10):speaker.start]):
        return speaker
    subj = _opening_subject(text, (sent_start, speaker.start), speaker.start)
    if subj is None or subj.start >= speaker.start:
        return speaker
    if subj.text.lower() in PRONOUNS and subj.text.lower() != low:
        return speaker  # 'She mocked what he called …': another person
    return subj


_FINITE = re.compile(rf"\b(?:{'|'.join(sorted(_AUXILIARIES - {'do'}))})\b")
_THAT = re.compile(r"(?:\s*,[^,“”\"]{1,80},)?(?P<words>\s+[^.;:!?“”\"]{0,60}?)??\s+that\s+")
_HEARER = re.compile(r"\s*((?:the\s+|The\s+)?[A-Z][\w’'.-]*(?:\s+(?:of\s+)?[A-Z][\w’'.-]*){0,4}|reporters|journalists|supporters|voters|the\s+\w+|him|her|them|us|me|you)")


# A whole statement in a word or two: 'said so', 'said yes', 'said the same'.
_SHORT_CONTENT = re.compile(r"\s+(so|yes|no|otherwise|the\s+same|as\s+much|that)(?=\s*(?:[.,;!?]|$|\s+(?:in|on|at|last|this|about|of)\s))")
_SHORT_WORDS = {"so", "yes", "no", "otherwise", "the same", "as much", "that"}


def _content_start(text: str, m_end: int, se: int, lemma: str, flags: frozenset[str]) -> int | None:
    rest = m_end
    if "mixed" in flags:
        # 'called him a “talented guy”': the object and its description are the content.
        nxt = re.match(r"\s+(?!(?:for|on|off|up|out|in|at|to|by|with|from|about|into)\b)(\S)", text[rest:se])
        return rest + nxt.start(1) if nxt else None
    if "tell" in flags:
        h = _HEARER.match(text, rest, se)
        if h:
            rest = h.end()
    when = _LEADING_TIME.match(text, rest, se)
    if when:  # 'telling reporters on Thursday he viewed …'
        rest = when.end()
    t = _THAT.match(text, rest, se)
    if t and len(text[rest:t.end()].split()) <= 9 and not (t.group("words") and _FINITE.search(t.group("words"))):
        # ('said in a statement on Tuesday that …', 'cautioned, as did the campaign, that …';
        # not 'told AP the bomb was placed inside a bus that transports workers', 'said she was
        # not going to jump to that conclusion': after a finite verb, the "that" is inside the
        # content, not the conjunction that opens it)
        return t.end()
    short = _SHORT_CONTENT.match(text, rest, se)
    if short and lemma in _clause_lemmas():  # '55 percent said so', '75 percent said yes'
        return short.start(1)
    if lemma in _infinitive_lemmas():
        inf = re.match(r"\s+to\s+[a-z]", text[rest:se])
        if inf:
            return rest + inf.start() + inf.group(0).index("to")
    if lemma not in _clause_lemmas():
        # 'announced she is expecting', 'confirmed he would run': a subject pronoun opens a
        # clause after any cue; a noun phrase there is the cue's object ('announced the nominee').
        pro = re.match(r"\s+(?:he|she|they|we|I|he’s|she’s|they’re|we’re|he'?s|she'?s|they'?re|we'?re|"
                       r"he’d|she’d|they’d|he’ll|she’ll|they’ll|it(?=\s+(?:could|would|will|was|is|had|has|"
                       r"might|may|must|can|should)\b))\s+[a-z]", text[rest:se])
        return rest + pro.start() + 1 if pro else None
    nxt = re.match(r"[\s,:]+([\w’'“\"]+)", text[rest:se])
    if not nxt:
        return None
    word = nxt.group(1).lower().strip("“\"").replace("’", "'")
    if nxt.group(1)[:1] in "“\"":
        return rest + nxt.start(1)
    if word in _cue_words() or text[rest:rest + 1] == "," and (word.endswith("ing") or word in _PREPS | _NP_STOP
                                                                or len(text[rest:se].split()) < 6):
        return None  # 'said, adding …': the participle brings its own clause
    if word in _CLAUSE_OPENERS or word not in _PREPS or _acronym(nxt.group(1)):
        return rest + nxt.start(1)  # ('said US forces would stay': the country, not "us")
    return None


_SUBORDINATE_OPENING = re.compile(r"\s*(?:While|Although|Though|Even\s+though|Whereas|Because|Since|When|After|Before|If|Unless|Once)\s")
# 'quoted a military source on Wednesday as saying': the quoted source, between the cue and "as".
_AS_PARTICIPLES = ("saying", "telling", "stating")
_AS_SAYING = re.compile(rf"\s+[^.;:,“”\"]{{1,80}}?\s+as\s+(?:{'|'.join(_AS_PARTICIPLES)})\b")
_QUOTED_AS = re.compile(r"\b(?:quoted|quoting|quotes|cited|citing|cites|reported|reporting|reports)\s+"
                        r"([^.;:,“”\"]{1,80}?)(?:\s+(?:on|last|this|late|early)\s+\w+)?\s+as\s+$")
# A sentence that opens with a name and an appositive or a participle phrase: 'Mr. Manafort,
# citing “the unique magic of Trump,” said …' (the quote before the cue is not its quote).
_QUOTE_ENDS = re.compile(r"(?:[”\"]|'')\s*$")  # the words before a cue end with a closing mark
_NAME_THEN_APPOSITIVE = re.compile(rf"\s*((?:(?:{'|'.join(_DOTTED_TITLES)})\.\s+)?[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*){{0,3}}),"
                                   r"\s+(?:[a-z]+ing|a|an|the|who|whose)\s")
_COORDINATED = re.compile(r",?\s+(?:and|but)\s+(?:(?:also|then|later|again|repeatedly|\w+ly)\s+)?(?=[a-z])")
_AS_CUE = re.compile(r"\s*As\s+((?:the\s+|The\s+)?[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*){0,5}|he|she|they|[a-z]+\s+[a-z]+)\s+"
                     r"(?:(?:has|had|have|also|later|first|recently)\s+)?([a-z]+(?:\s+out|\s+it)?)\b[^,.;“”\"]{0,40},\s+")


def _clauses(text, sentences, direct: list[tuple[int, int]], parse_subjects: dict[int, Span] | None = None) -> list[_Found]:
    """Reported clauses (and mixed quotes): 'X said (that) …', '…, X said.', 'according to'."""
    out: list[_Found] = []
    cue_re = _clause_cue_regex()
    verbs = _verbs()
    tags = _markup(text)  # '<tweet id="…">' names no cue
    for ss, se in sentences:
        taken = False
        taken_until: int | None = None  # a second clause may follow where the first one ends
        as_cue = _AS_CUE.match(text, ss, se)
        if as_cue and as_cue.group(2) in verbs and not _inside(direct, as_cue.start(2)):
            # 'As The Washington Post reported, even if Sanders …': the sentence after the comma.
            cs, ce = _trim(text, as_cue.end(), se)
            while ce > cs and text[ce - 1] in ".;:,!? \n\t":
                ce -= 1
            spk_span = Span(as_cue.start(1), as_cue.end(1), as_cue.group(1))
            if len(text[cs:ce].split()) >= 3 and not (text[cs] in ALL_MARKS and any(ds - 1 == cs for ds, _ in direct)):
                quotes_in = [d for d in direct if cs <= d[0] - 1 and d[1] <= ce]
                out.append(_Found(cs, ce, _mixed_kind(text, quotes_in), as_cue.group(2), as_cue.start(2), spk_span))
                taken = True
        for m in cue_re.finditer(text, ss, se):
            cs, ce = m.start(), m.end()
            if _inside(direct, cs) or any(ts <= cs < te for ts, te in tags):
                continue
            # A cue inside the content of the clause before opens a nested attribution
            # ('Aides said Trump believes the race is tight'), as attribution corpora annotate
            # it; a nested mixed quote would split the quotation, so that one is left to it.
            nested = taken and (taken_until is None or cs < taken_until)
            if nested and sum(1 for f in out[-MAX_NESTED:] if f.start >= ss) >= MAX_NESTED:
                continue  # a run of cues in one 'sentence' (a text of marks) stays linear
            cue = m.group(0)
            lemma, flags = verbs.get(cue, (cue, frozenset()))
            if "direct" in flags:
                continue
            before = text[ss:cs]
            # Inverted: '…, X said.' / '…, said X.' closing the sentence; never a noun that
            # ends it ('…, Oklahoma and his home state.', '… in Trump’s tweet').
            inv = None if "mixed" in flags or reported.noun_use(text, ss, cs, ce, after=False) \
                else _inverted(text, ss, se, m, direct) or _inverted_appositive(text, ss, se, m, direct) \
                or _inverted_without_comma(text, ss, se, m, flags)
            if inv is not None:
                out.append(inv)
                taken = True
                continue
            if _QUOTE_ENDS.search(before) and not _NAME_THEN_APPOSITIVE.match(before) \
                    and not (cue.endswith("ing") and re.search(r",[”\"]\s*$", before)) or (before.rstrip().endswith(",") and re.match(
                    r"\s+(?:the\s+|a\s+|an\s+)?[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*|\s+(?:of|for)(?:\s+the)?(?=\s+[A-Z])){0,8}"
                    + _NOT_AT_TITLE_DOT + r"\s*(?:[,;]|\.[\s”\"’']*$|$)", text[ce:se])):
                # '…,” said X' / '…, said Larry Sabato, …' / '…, said Rami Abdel Rahman of the
                # Syrian Observatory.': inverted, not a clause (a full stop ends it only where
                # the sentence ends: '…, adding the U.S. must …' is a clause)
                continue
            if re.search(r"\b[Hh]aving\s+$", before) and re.match(r"\s+that\s*,", text[ce:se]):
                continue  # 'Having said that, …': a turn of phrase, not a statement
            if lemma in ("quote", "cite", "report") and _AS_SAYING.match(text, ce, se):
                continue  # 'quoted a military source as saying …': the participle's clause reports it
            if cue not in verbs:  # a multi-word cue: 'called for …', 'expressed his belief that …'
                t = _THAT.match(text, ce, se)
                nxt = re.match(r"\s+(\S)", text[ce:se])
                cstart = t.end() if t else (ce + nxt.start(1) if nxt else None)
            else:
                cstart = _content_start(text, ce, se, lemma, flags)
            if cstart is None:
                continue
            if "tell" in flags and re.search(r"[,.!?][”\"]\s+(?:[\w’'.-]+\s+){1,%d}$" % MAX_SPEAKER_WORDS, before) \
                    and not re.search(r"\bthat\s*$", text[ce:cstart]):
                continue  # '“…,” he told cheering supporters in Nashua': the hearer of a quote
            cend = se
            but = re.search(r",\s+(?:but|while|whereas)\s(?!that\s)|,?\s+when\s+asked\b", text[cstart:se]) if cstart < se else None
            if but:  # '…, but Kadhimi said …': the next clause is another statement ('…, but that …' goes on)
                cend = cstart + but.start()
            relative = False
            if re.search(r",\s+who\s+(?:[a-z]+\s+){0,2}$", before):
                # 'Graham, who says allies should send troops, tweeted that “…”': the relative
                # clause ends at the comma before the main verb, whose cue comes next.
                for v in re.finditer(r",\s+(?:[a-z]+ly\s+)?([a-z][\w’'-]*)", text[cstart:cend]):
                    w = v.group(1)
                    if w in _cue_words() or w in ("has", "had", "was", "is", "will", "would") or len(w) > 4 and w.endswith("ed"):
                        cend, relative = cstart + v.start(), True
                        break
            for nxt in cue_re.finditer(text, cstart, cend):
                # 'Asked if he thought that …, Devine responded: “…”': the next attribution
                # ('…, Devine responded') closes this clause.
                comma = max(text.rfind(",", cstart, nxt.start()), text.rfind("―", cstart, nxt.start()),
                            text.rfind("—", cstart, nxt.start()))
                # ('When Clinton noted that … ― Trump boasted, “…”': a dash closes it too)
                lead = text[comma + 1:nxt.start()].split() if comma > 0 else []
                if comma > 0 and lead in ([], ["”"], ['"']) and text[comma] == "," and nxt.group(0).endswith("ing") \
                        and "direct" not in verbs.get(nxt.group(0), ("", {"direct"}))[1] and not _inside(direct, nxt.start()):
                    # '… he saw no need to change, telling Stephanopoulos that …', '… has
                    # “expanded the party,” claiming that …': a participle of the same subject
                    # opens an attribution of its own
                    cend = comma + 2 if lead else comma
                    break
                # (after an opening subordinate clause any noun phrase opens the main clause:
                # 'While Clinton claimed that the videos exist, foreign policy experts affirm …')
                if lead and len(lead) <= 5 and (lead[0][:1].isupper() or lead[0].lower() in PRONOUNS
                                                or _SUBORDINATE_OPENING.match(text, ss, cs)) \
                        and nxt.group(0) in verbs and "direct" not in verbs[nxt.group(0)][1] \
                        and re.match(r"\s*(?:[,:.;]|$|“|\"|that\b|\w+\s)", text[nxt.end():cend + 1]):
                    cend = comma
                    break
            for more in _COORDINATED.finditer(text, cstart, cend):
                # 'admitted that …, but said his campaign …', 'called X “crazy” and said …':
                # a second cue of the same subject opens its own clause.
                nxt = cue_re.match(text, more.end())
                if nxt and nxt.group(0) in verbs and "direct" not in verbs[nxt.group(0)][1] \
                        and not any(nxt.end() <= ds - 1 <= nxt.end() + 60 for ds, _de in direct):
                    cend = more.start()  # (but 'and added, “…”' stays inside the mixed quote)
                    break
            nxt_from = cend
            for ds, de in direct:  # a quote that the sentence splitter cut keeps its clause
                if cstart <= ds - 1 < se < de + 1 and ds - 1 < cend:
                    # (unless the clause ended before it: 'Trump, who has told aides …, said: “…”')
                    cend = de + 1
            cstart, cend = _trim(text, cstart, cend)
            # (and a bracket or a mark that opens what the sentence splitter left in: "… must
            # go. (Source: …)")
            while cend > cstart and text[cend - 1] in ".;:,!? \n\t([{“‘":
                cend -= 1
            if cend - cstart < 2:
                continue
            quotes_in = [(ds, de) for ds, de in direct if cstart <= ds - 1 and de <= cend]
            if text[cstart] in ALL_MARKS and quotes_in and quotes_in[0][1] + 1 >= cend - 1:
                continue  # 'said “…”': a plain direct quote owns it
            short = _SHORT_CONTENT.match(text, cstart - 1, cend + 12)
            if short and short.start(1) == cstart:
                cend = short.end(1)
            elif len(text[cstart:cend].split()) < 3 or ("mixed" in flags and not quotes_in):
                continue
            participle = cue.endswith("ing") and re.search(r",[”\"]?\s*$", before) is not None
            speaker = None if participle else ((parse_subjects or {}).get(cs) or speaker_before(text, cs, ss))
            opening = _NAME_THEN_APPOSITIVE.match(before) if speaker is None and not participle else None
            if opening is not None and _QUOTE_ENDS.search(before):
                # 'Mr. Manafort, citing “…,” said …': the name that opens the sentence
                speaker = Span(ss + opening.start(1), ss + opening.end(1), opening.group(1))
            quoted = _QUOTED_AS.search(before) if cue in _AS_PARTICIPLES else None
            if quoted is not None:
                # 'SANA quoted a military source as saying that …': the source said it
                qs = ss + quoted.start(1)
                speaker, participle = Span(qs, qs + len(quoted.group(1)), quoted.group(1)), False
            if taken and out and out[-1].start >= ss and re.search(r"\b(?:and|but)\s+(?:\w+\s+)?$", before):
                # 'Graham called Trump “crazy” and said …': the same subject
                speaker, participle = out[-1].speaker, out[-1].participle
            if speaker is None and not participle and quotes_in and _after_conjunction(text, ss, cs) \
                    and not re.search(r"[,;]", text[ce:quotes_in[0][0] - 1].lstrip(" ,")):
                # 'Silverman was joined on stage by … and joked, “…”': the subject of the
                # first of two coordinated verbs.
                speaker = _coordinated_subject(text, ss, cs)
            kind = _mixed_kind(text, quotes_in)
            if nested and (kind == "direct" or quotes_in):
                continue
            if speaker is None and not participle and kind == "direct":
                # 'Jason Sims — a teacher — says he …': the sentence's subject, if a name opens it
                speaker = _opening_subject(text, (ss, se), cs)
            if speaker is None and not participle and reported.noun_use(text, ss, cs, ce, after=False):
                continue  # 'Many watched the show “The Apprentice”', 'the expected storm': no cue
            if speaker is not None and speaker.text in word_set("demonyms.txt") and _NOUN_FORMS.match(cue):
                continue  # 'Syrian state news agency SANA': a demonym before a noun, no speaker
            word_before = text[max(ss, cs - 30):cs].split()[-1:] if kind == "direct" else ()
            if word_before and (word_before[0].lower() in _NOUN_MARKERS or word_before[0].lower() in _NUMBER_WORDS):
                continue  # 'a convoluted answer to …', 'his call for “…”': a noun, no attribution
            if kind == "direct" and speaker is not None:
                speaker = _naming_subject(text, speaker, ss, cue)
            if kind == "direct" and speaker is not None and _object_like(text, speaker, ss):
                # 'Clinton posted a Twitter comment of her own, saying “…”': an object before
                # the cue; the words are the sentence subject's.
                speaker = _opening_subject(text, (ss, se), cs) or speaker
            if kind == "direct" and len(quotes_in) == 1 and quotes_in[0][0] - 1 > cstart and quotes_in[0][1] + 1 >= cend - 1 \
                    and len(text[cstart:quotes_in[0][0] - 1].split()) <= MIXED_LEAD_WORDS \
                    and quotes_in[0][1] - quotes_in[0][0] >= MIXED_QUOTED_SHARE * (cend - cstart):
                # A mixed quote that ends with its quoted words after a short lead starts at them
                # ('said those moves contained “a message to Iran …”' → 'a message to Iran …');
                # a longer paraphrase stays, or the quoted fragment would lose its sense.
                cstart, cend = quotes_in[0][0], max(quotes_in[0][1], min(cend, quotes_in[0][1]))
            elif kind == "direct" and re.search(r"\bthat\s+$", text[max(0, cstart - 6):cstart]):
                # A paraphrase that holds quoted words is reported as its whole that-clause.
                cstart = cstart - len(re.search(r"that\s+$", text[max(0, cstart - 6):cstart]).group(0))
            if kind == "direct" and quotes_in:
                cend = _mixed_tail(text, quotes_in[-1][1] + 1, cend)
            out.append(_Found(cstart, cend, kind, cue, cs, speaker, participle=participle))
            taken = not relative  # one reported clause per cue; nested cues belong to its content
            taken_until = nxt_from if nxt_from < se else None
        out.extend(_according_to(text, ss, se, direct))
        if not taken:
            out.extend(_colon_line(text, ss, se, direct))
        out.extend(_more_reported(text, ss, se, direct, out))
    return out


_TAIL_BREAK = re.compile(r"\s*(?:[,;]\s+|\s[—–-]{1,2}\s*|—)(?=\S)")
MIXED_TAIL_WORDS = 4


def _mixed_tail(text: str, qend: int, cend: int) -> int:
    """'Trump called the system “rigged” in a tweet Tuesday, and a few lawmakers have …': a
    mixed quote ends at the first clause break after its last quoted words when a longer
    clause follows (the words after the break are the writer's, not the speaker's)."""
    if cend - qend > 400:
        return cend
    m = _TAIL_BREAK.search(text, qend, cend)
    if m and len(text[m.end():cend].split()) >= MIXED_TAIL_WORDS:
        e = m.start()
        while e > qend and text[e - 1] in " ,;":
            e -= 1
        return e
    return cend


def _more_reported(text, ss, se, direct, found) -> list[_Found]:
    """The cues of `reported` (questions, frames, passives, stance, headlines) where no clause
    of this module lies; each finding blocks its content and cue for the rules after it."""
    blocked = [(s - 1, e + 1) for s, e in direct] + [(f.start, f.end) for f in found if f.end > ss]
    blocked += [(f.cue_start, f.cue_start + len(f.cue)) for f in found if f.cue_start is not None and f.cue]
    speaker_of = lambda at, floor: speaker_before(text, at, floor)  # noqa: E731
    found_here: list[reported.Finding] = []

    def add(findings) -> None:
        found_here.extend(findings)
        blocked.extend((cs, ce) for cs, ce, *_ in findings)
        blocked.extend((at, at + len(cue)) for _cs, _ce, cue, at, _spk in findings)

    add(reported.asked_clauses(text, ss, se, blocked) + reported.frame_clauses(text, ss, se, blocked))
    add(reported.passive_clauses(text, ss, se, blocked, _headline_forms()))
    add(reported.stance_clauses(text, ss, se, blocked, speaker_of))
    add(reported.about_clauses(text, ss, se, blocked, _about_forms(), speaker_of))
    if "\n" in text[ss:se].strip() or not any(f.start < se and ss < f.end for f in found) and not found_here:
        add(reported.headline_clauses(text, ss, se, blocked, _headline_forms(), speaker_of))
    return [_Found(cs, ce, "indirect", cue, at, spk) for cs, ce, cue, at, spk in found_here]


@lru_cache(maxsize=1)
def _about_forms() -> frozenset[str]:
    """Cue forms whose topic may follow 'about' ('wrote about', 'worried about')."""
    return frozenset(f for f in _verbs() if " " not in f) | reported.stance_forms()


@lru_cache(maxsize=1)
def _headline_forms() -> frozenset[str]:
    """Present-tense and past cue forms that a title-case headline capitalises ('Trump Says …')."""
    return frozenset(f for f, (_lemma, flags) in _verbs().items() if "direct" not in flags
                     and not f.endswith("ing")) | reported.stance_forms()


_COLON_LINE = re.compile(r"\s*((?:[A-Z][\w’'.-]*\s+){0,3}[A-Z][a-z][\w’'.-]*):\s+(?=\S)")
# Capitalised words before a colon that label a line rather than name a speaker.
_LABELS = {"note", "update", "updated", "editor", "correction", "source", "sources", "photo",
           "related", "watch", "read", "video", "image", "credit", "via", "transcript", "q", "a",
           "question", "answer", "name", "age", "city", "job", "pay", "why", "what", "who",
           "when", "where", "how", "bottom line", "the bottom line", "background", "context",
           # news-format rubrics: 'The Latest: Sanders wins Minnesota', 'Breitbart News Daily: …'
           "latest", "the latest", "daily", "live", "breaking", "analysis", "opinion", "exclusive"}


def _mixed_kind(text: str, quotes_in) -> str:
    """A reported clause that holds words in double marks is a mixed quote; words in single
    marks ('Clinton: Time for ‘intensification’ of ISIL strategy') are a headline's paraphrase
    or scare quotes, and the clause stays reported speech."""
    return "direct" if any(text[ds - 1] not in "‘’" for ds, _de in quotes_in) else "indirect"


def _colon_line(text, ss, se, direct) -> list[_Found]:
    """'Clinton: Time for ‘intensification’ of ISIL strategy' — a name, a colon, its words
    (the headline and transcript convention)."""
    m = _COLON_LINE.match(text, ss, se)
    if not m or m.group(1).lower() in _LABELS or m.group(1).split()[-1].lower() in _LABELS:
        return []
    cs, ce = _trim(text, m.end(), se)
    while ce > cs and text[ce - 1] in ".;:,!? \n\t":
        ce -= 1
    if len(text[cs:ce].split()) < 3 or (text[cs] in ALL_MARKS and any(ds - 1 == cs for ds, _ in direct)):
        return []
    quotes_in = [d for d in direct if cs <= d[0] - 1 and d[1] <= ce]
    spk = Span(m.start(1), m.end(1), m.group(1))
    return [_Found(cs, ce, _mixed_kind(text, quotes_in), ":", None, spk, via="explicit")]


_SHORT_TAIL = re.compile(r"\s*(?:(?:on|in|at|during|to|after|before|from|last|this|of|about|via|when|while|earlier|later|afterward)\b[^.;!?]{0,80}?|\w+day|[A-Z][^.;!?]{0,60}?)?\s*[.!?]?[\s”\"']*$")


# After an inverted cue ('…, said X'), X is a name or a person noun, not a clause.
# ('…, said the Observatory, a Britain-based monitor.': a group named after "the", or by the
# noun of a body that speaks: "the ministry", "the monitor")
_INVERTED_NP = re.compile(r"\s+(?:[A-Z]|the\s+[A-Z]|(?:the|a|an|one|another|two|three|several|some)\s+(?:[\w’'-]+\s+){0,4}?"
                          r"(?:spokes\w+|officials?|sources?|aides?|analysts?|persons?|people|advisers?|advisors?|"
                          r"lawyers?|attorneys?|experts?|directors?|professors?|strategists?|members?|leaders?|"
                          r"officers?|researchers?|economists?|senators?|governors?|candidates?|residents?|"
                          r"voters?|supporters?|wom[ae]n|m[ae]n|statement|report|chairm[ae]n|president|"
                          r"executive|consultant|pollster|organizer|activist|operative|delegate|staffer|friend)\b|"
                          # a body's noun ends the phrase ('…, said the group rejected the talks' is
                          # a clause)
                          r"(?:the|a|an)\s+(?:[\w’'-]+\s+){0,4}?(?:ministry|agency|army|military|group|monitor|"
                          r"observatory|police|government|organi[sz]ation|committee|council|office|department|"
                          r"embassy|coalition|command)(?=\s*(?:[,.;:]|$|\s+(?:in|on|at|said|says)\b)))")


_THAT_INSIDE = re.compile(r"(?<=\s)that\s+(?:the|a|an|his|her|its|their|it|he|she|they|we|i|[A-Z])")


def _inverted(text, ss, se, m, direct) -> _Found | None:
    """'The economy is bad, Trump said.' / '…, said Larry Sabato, director of …' → content
    before the comma; and the parenthetical 'Even then, he said, he’s learned …' → the whole
    sentence (the attribution inside it is too short to matter)."""
    cs, ce = m.start(), m.end()
    before = text[ss:cs]
    comma = max(before.rfind(","), before.rfind(",''"))
    if comma < 0:
        return None
    lead = before[comma + 1:].strip(" '")
    if len(lead.split()) > MAX_SPEAKER_WORDS or lead.split(None, 1)[:1] in (["which"], ["that"], ["whom"]) \
            or _THAT_INSIDE.search(lead):
        # '…a drone attack on the base, which the Islamic Resistance claimed.': the cue's
        # object is the relative pronoun, not the clause before it; '…, Hadi al-Amiri, warned
        # on Monday that the factions would respond': the cue is in another cue's clause
        return None
    after = text[ce:se]
    if lead:
        speaker = speaker_before(text, cs, ss + comma + 1)
        if speaker is None or not (_SHORT_TAIL.match(after) or re.match(r"\s*,", after)):
            return None
        if re.match(r"\s+to\s+[a-z]", after) and _verbs().get(m.group(0), (m.group(0),))[0] in _infinitive_lemmas():
            return None  # 'According to an official, Kataib Hezbollah refused to attend talks': its own infinitive
        tail_clause = re.match(r"\s*,\s*(?:that\s+)?", after)
        if tail_clause:
            first = (after[tail_clause.end():].split() or [""])[0].lower()
            if first in _PREPS or first.endswith("ing") or first in ("who", "which", "according"):
                tail_clause = None  # ', he said, on condition of anonymity': an adverbial
    else:
        if not _INVERTED_NP.match(after) or "tell" in _verbs().get(m.group(0), ("", frozenset()))[1]:
            return None  # '…, told The Star-Ledger …': the name after is the hearer
        speaker = speaker_after(text, ce, se)
        if speaker is None or speaker.text in _NOT_SPEAKERS or speaker.text.split()[0].lower() in _CLAUSE_OPENERS - {"the", "a", "an", "one", "some", "many", "most", "all", "both", "his", "her", "their", "its", "our"}:
            return None
        rest = text[speaker.end:se]
        lower = [w for w in speaker.text.split()[1:] if w[:1].islower() and w not in ("of", "the", "for", "and", "at", "in", "de", "al-", "bin")]
        if (speaker.text[:1].isupper() or re.match(r"the\s+[A-Z]", speaker.text)) and lower or not re.match(r"\s*(?:[,.!?;:)\"”']|$)", rest) and not _SHORT_TAIL.match(rest):
            return None  # ', said Obama failed to …': the words after the cue are a clause
        tail_clause = None
    cstart, cend = _trim(text, ss, ss + comma)
    while cstart < cend and text[cstart] in "'":
        cstart += 1
    cstart = _statement_start(text, cstart, cend)
    for ds, de in direct:  # 'The bill’s failure was "heartbreaking," she said': the comma is quoted
        if ds <= cend <= de + 1 and ds > cstart:
            cend = de
    if tail_clause and len(text[ce + tail_clause.end():se].split()) >= 4:
        # 'Even then, he said, he’s learned …', 'Whatever progress Kerry has made, officials
        # said, could easily be unraveled': the attribution sits inside the statement.
        if any(ce <= ds - 1 < se for ds, _de in direct):
            return None  # 'On Israel, Trump added, “…”': the direct quote after owns it
        cend = se
        while cend > cstart and text[cend - 1] in ".;:,!?\"”' ":
            cend -= 1
    return _statement(text, cstart, cend, m, speaker, direct)


def _statement(text, cstart: int, cend: int, m, speaker: Span, direct) -> _Found | None:
    """The statement text[cstart:cend] that the cue `m` attributes to `speaker`, unless it is
    too short or a direct quote's ('“…,” X said': the direct quote owns it)."""
    if cend - cstart < 10 or len(text[cstart:cend].split()) < 3:
        return None
    if text[cstart] in ALL_MARKS and any(ds - 1 == cstart for ds, _ in direct):
        return None
    quotes_in = [d for d in direct if cstart <= d[0] - 1 and d[1] <= cend]
    return _Found(cstart, cend, _mixed_kind(text, quotes_in), m.group(0), m.start(), speaker)


# '…, the Observatory, a Britain-based monitoring group, said.': a name, then an appositive
# (lowercase or a relative clause, no comma or sentence end in it), right before the cue.
_APPOSITIVE_BEFORE_CUE = re.compile(
    r",\s+((?:[Tt]he\s+)?[A-Z][\w’'.-]*(?:\s+(?:[A-Z][\w’'.-]*|of|for|the|al-[\w’'-]+|bin|ibn))*),\s+"
    r"(?=a\s|an\s|the\s|who\s|which\s|[a-z])(?:(?!\.\s)[^,;:!?“”\"]){2,100},\s*\Z")


def _inverted_appositive(text, ss, se, m, direct) -> _Found | None:
    """'IS fighters have seized buildings, the Observatory, a Britain-based monitoring group,
    said.' / '…, Rami Abdel Rahman, head of the Observatory, said on Sunday.': the name before
    the appositive speaks, and what comes before it is the statement."""
    app = _APPOSITIVE_BEFORE_CUE.search(text, ss, m.start())
    if app is None or not _CUE_ENDS_SENTENCE.match(text[m.end():se]):
        return None  # (the cue ends the sentence: "…, declined to comment on …" is a clause's verb)
    speaker = _span_of(text, app.start(1), app.end(1))
    cstart, cend = _trim(text, ss, app.start())
    return _statement(text, _statement_start(text, cstart, cend), cend, m, speaker, direct)


_NOT_SPEAKERS = DATE_WORDS | {"Today", "Tonight", "Yesterday", "Read", "Also"}
_SENTENCE_END = re.compile(r"(?:\s+(?:on|late|early|last|this)\s+\w+(?:\s+(?:morning|afternoon|evening|night))?)?"
                           r"\s*[.!?]?[\s”\"'’)]*$")
# the cue ends its sentence, or only a day follows it ('…, Kadhimi, who spoke in Riyadh, said Tuesday.')
_CUE_ENDS_SENTENCE = re.compile(r"(?:\s+(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|today|"
                                r"yesterday))?" + _SENTENCE_END.pattern)


def _inverted_without_comma(text, ss, se, m, flags) -> _Found | None:
    """'… in the province of Deir Ezzor said the Syrian Observatory for Human Rights.': scraped
    text that lost its commas (FA-KES) inverts without one. The words after a say-verb are then
    a name (or a group's role and a name) that ends the sentence: no statement is a bare name,
    so the clause before the cue is what was said (five words at least)."""
    if "tell" in flags:
        return None  # '… told Reuters.': the name after is the hearer
    cs, ce = m.start(), m.end()
    if not re.match(r"\s+(?:the\s+|The\s+)?(?:so-called\s+)?[A-Z]", text[ce:se]):
        return None
    speaker = speaker_after(text, ce, se)
    if speaker is None or not speaker.text[:1].isupper() and not re.match(r"the\s+(?:so-called\s+)?[A-Z]", speaker.text) \
            or not _SENTENCE_END.match(text, speaker.end, se) \
            or any(w[:1].islower() and _verb_like(w) for w in speaker.text.split()[1:]) \
            or speaker.text.split()[0].strip(".") in _NOT_SPEAKERS or len(speaker.text.split()) == 1 \
            and speaker.text.lower().rstrip(".") in title_words():
        return None  # ('… said Sunday.', '… said Col. …': a time, a bare title)
    cstart = _statement_start(text, *_trim(text, ss, cs))
    cend = _trim(text, cstart, cs)[1]
    if len(text[cstart:cend].split()) < 5 or re.search(r"[,;:“”\"()—–]|''|``", text[cstart:cend]):
        return None  # (only in a sentence without punctuation: with it, `_inverted` reads it)
    return _Found(cstart, cend, "indirect", m.group(0), cs, speaker)


_ACCORDING = re.compile(r"\b[Aa]ccording to\s+((?:the\s+)?[^,.;“”\"]{2,80}?)(?=\s*(?:[,.;]|$|\s+(?:who|which|that|in|on|at)\s))")


# A dateline before an article's first sentence: 'BAGHDAD –', 'DAMASCUS, Syria (AP) —',
# 'WASHINGTON, Dec. 8 (UPI) — '. A hyphen is a dateline's dash only after a space ("US-led"
# opens a sentence).
_DATELINE = re.compile(r"\s*[A-Z][A-Z.'’ -]{1,40}(?:,\s*[A-Z][\w.'’ -]{1,30}?)?(?:\s*\([A-Za-z. ]{1,20}\))?"
                       r"\s*(?:[—–]+|(?<=\s)-{1,2})\s*")


# A sentence adverb that links the statement to the text before it, not part of it.
_LINKING = re.compile(r"(?:Meanwhile|However|Separately|Moreover|Furthermore|Elsewhere|In addition|In other news),\s+(?=\S)")


def _statement_start(text: str, cs: int, ce: int) -> int:
    """Where a statement starts once the dateline before it, and a linking adverb ('Meanwhile,
    Syrian President Bashar al-Assad met …, the presidency said'), are left out."""
    m = _DATELINE.match(text, cs, ce)
    if m and any(c.islower() for c in text[m.end():ce]):
        cs = m.end()
    link = _LINKING.match(text, cs, ce)
    return link.end() if link else cs


def _according_to(text, ss, se, direct) -> list[_Found]:
    out = []
    for m in _ACCORDING.finditer(text, ss, se):
        if _inside(direct, m.start()):
            continue
        src = Span(m.start(1), m.end(1), m.group(1))
        rest = re.match(r"\s*,\s*(\S+)", text[m.end(1):se])
        lead = len(text[ss:m.start()].split())
        if lead >= 2 and rest and len(text[m.end(1):se].split()) >= 4 \
                and rest.group(1).lower() not in ("who", "which", "where", "when", "while", "whose") \
                and not rest.group(1).lower().endswith("ing"):
            # 'The plan, according to aides, would cut taxes': the statement runs on both sides
            cs, ce = _trim(text, ss, se)
        elif m.start() - ss > 20 or lead >= 2 and not rest:  # '…, according to X.'
            cs, ce = _trim(text, ss, m.start())
            cs = _statement_start(text, cs, ce)
        else:  # 'According to X, …' (after a relative clause on X: 'who spoke on condition of anonymity,')
            rel = re.match(r"\s+(?:who|which)\s[^,;“”\"]{1,120},", text[m.end(1):se])
            cs, ce = _trim(text, m.end(1) + (rel.end() if rel else 1), se)
        while ce > cs and text[ce - 1] in ".,;:!? \n\t":
            ce -= 1
        while cs < ce and text[cs] in ",;: ":
            cs += 1
        if len(text[cs:ce].split()) >= 3:
            quotes_in = [d for d in direct if cs <= d[0] - 1 and d[1] <= ce]
            out.append(_Found(cs, ce, _mixed_kind(text, quotes_in), "according to", m.start(), src))
    return out


def _head(span: Span) -> str:
    words = span.text.lower().split()
    return words[-1] if words else ""


def _merge_split(text: str, found: list[_Found], paras) -> list[_Found]:
    """'“A,” X said. “B”' (or ', adding, “B”'): one quote interrupted by its attribution."""
    out: list[_Found] = []
    for q in found:
        prev = out[-1] if out else None
        if prev is not None and prev.kind == q.kind == "direct" and prev.cue_start is not None \
                and prev.cue_start > prev.end and (q.cue is None or not q.participle and
                                                   (q.cue_start is not None and prev.end < q.cue_start < q.start)) \
                and _same_para(paras, prev.start, q.start):
            gap = text[prev.end + 1:q.start - 1]
            if len(gap.split()) <= MAX_SPEAKER_WORDS + 3 and not any(c in gap for c in ALL_MARKS) \
                    and not re.search(r"[.!?;:]\s*$", text[prev.start:prev.end].rstrip("”\" ")[-1:] + "x"):
                own = q.cue_start is not None and q.cue_start != prev.cue_start and q.speaker is not None \
                    and re.search(r"[.!?]\s", gap)
                # ('“A,” X said. He added, “B”': a new sentence with its own attribution is
                # another quote, whose speaker is its own mention.)
                if not own and (q.cue_start is None or gap.lower().count(" ") < 12):
                    prev.end = q.end
                    continue
        out.append(q)
    return out


def _same_para(paras, a: int, b: int) -> bool:
    ia = next((i for i, (s, e) in enumerate(paras) if s <= a < e + 1), -1)
    ib = next((i for i, (s, e) in enumerate(paras) if s <= b < e + 1), -2)
    return ia == ib


def find_quotes(text: str, sentences: list[tuple[int, int]], subjects: list[tuple[Span, str]] = (),
                parse_subjects: dict[int, Span] | None = None) -> list[RawQuote]:
    """All quotes in `text`.

    `subjects`: (span, 'person'|'group') of the mentions that can speak, used to find a
    sentence's speaker for participle cues (', pledging, “…”') and the person a pronoun
    refers to. `parse_subjects`: where a dependency parse exists, the grammatical subject of
    each verb, keyed by the verb's start offset; it overrides the noun phrase that the rules
    would take.
    """
    spans = quote_spans(text)
    sentences = _repair_sentences(text, list(sentences) or [(0, len(text))], spans)
    paras = paragraphs(text)
    direct: list[_Found] = []
    # Titles in marks are no one's words, but a clause that holds one still quotes it.
    all_spans = spans
    spans = [(s, e) for s, e in spans if not (_embedded(text, s, sentences) and _looks_like_title(text[s:e]))]
    for s, e in spans:
        q = _Found(s, e, "direct")
        _attribute_direct(text, q, spans, sentences)
        q.embedded = _embedded(text, s, sentences)
        direct.append(q)
    clauses = _clauses(text, sentences, all_spans, parse_subjects)
    # A clause that holds quotes replaces them (mixed quote); plain quotes stay.
    for c in clauses:
        if c.kind == "direct" and c.speaker is None and not c.participle:
            # A mixed quote whose cue names no speaker takes the attribution of a quote inside.
            inner = next((q for q in direct if c.start <= q.start and q.end <= c.end + 1
                          and (q.speaker is not None or q.participle)), None)
            if inner is not None:
                c.speaker, c.via, c.participle = inner.speaker, inner.via, inner.participle
                c.cue, c.cue_start = inner.cue, inner.cue_start
    covered = [(c.start, c.end) for c in clauses]
    direct = [q for q in direct if not any(cs <= q.start and q.end <= ce + 1 for cs, ce in covered)]
    direct = _merge_split(text, direct, paras)
    for c in clauses:
        _close_relative(text, c)
    found = direct + clauses
    if parse_subjects:
        for f in found:
            subj = parse_subjects.get(f.cue_start) if f.cue_start is not None else None
            if subj is not None and not _inside(spans, subj.start):
                f.speaker, f.participle = subj, False
    found.sort(key=lambda f: (f.start, f.end))
    quotes = _resolve_speakers(text, found, sentences, subjects, paras)
    return [q for q in quotes if not _headline_single(text, q, paras) and not _mentioned_words(text, q)]


_RELATIVE_BEFORE = re.compile(r",\s+(?:who|which)\s+(?:(?:also|has|have|had|long|repeatedly|\w+ly)\s+)?\Z")
_MAIN_VERB_AFTER = re.compile(r",\s+(?:has|have|had|is|was|are|were|will|would|can|could|also|then|"
                              rf"{'|'.join(_IRREGULAR_PAST)}|[a-z]+(?:ed|s))\s")


def _close_relative(text: str, c: _Found) -> None:
    """'Washington, which backs the SDF, has urged restraint': a cue inside a relative clause
    between commas reports only up to the comma that closes it; the sentence goes on with the
    clause's own verb."""
    if c.kind != "indirect" or c.cue_start is None or c.start < c.cue_start:
        return
    if not _RELATIVE_BEFORE.search(text, max(0, c.cue_start - 40), c.cue_start):
        return
    after = _MAIN_VERB_AFTER.search(text, c.start, c.end)
    if after is not None and len(text[c.start:after.start()].split()) >= 2:
        c.end = after.start()


# Words that, quoted alone, are mentioned rather than said ('because “she” is a “he”', 'whether
# they are “high” or “low” functioning', 'The public “certainly” deserves …').
_FUNCTION_WORDS = frozenset(
    "i me my he him his she her they them their we us our you your it its this that these those "
    "who what a an the and or but if so as much many well very too also not high low new old "
    "certainly here there now then".split())


def _mentioned_words(text: str, q: RawQuote) -> bool:
    if q.kind != "direct" or q.cue or q.start == 0 or text[q.start - 1] not in ALL_MARKS + "‘":
        return False
    words = [w.strip(".,;:!?").lower() for w in text[q.start:q.end].split()]
    return 0 < len(words) <= 2 and all(w in _FUNCTION_WORDS for w in words)


HEADLINE_WORDS = 30


def _headline_single(text: str, q: RawQuote, paras) -> bool:
    """'Gillibrand on the Transcripts: ‘I Think She Will.’', 'DNC issues ‘deep and sincere
    apology’ to Sanders': words in single marks in an article's headline (its first line, when
    a short one) are the headline writer's paraphrase; the article body quotes them properly."""
    if q.kind != "direct" or not paras:
        return False
    ps, pe = paras[0]
    if text[:ps].strip() or not ps <= q.start < pe or len(text[ps:pe].split()) > HEADLINE_WORDS:
        return False
    return (q.start > 0 and text[q.start - 1] == "‘") or "‘" in text[q.start:min(q.end, pe)]


def _repair_sentences(text: str, sentences, spans) -> list[tuple[int, int]]:
    """Undo the sentence splits that a rule splitter makes inside attributions: a 'sentence'
    that opens in lowercase continues the previous one ('Sen. Bernie Sanders (I-Vt.) said');
    an opening quotation mark left at the end of a sentence belongs to the next one."""
    openers = {ds - 1 for ds, _ in spans}
    # A line break ends a sentence: a headline or a paragraph that ends without a full stop
    # ('… reminded viewers that he doesn’t:' ¶ 'And after …, Clinton said …') is not part of
    # the next paragraph's attribution. Parsed pipelines split there already.
    split: list[tuple[int, int]] = []
    for s, e in sorted(sentences):
        at = s
        # … and so does a full stop after an abbreviation when a pronoun opens the next
        # sentence ('… attacks in the U.S. He says …', '… at 7 p.m. He says …').
        for m in re.finditer(r"\n\s*|(?<=[a-zA-Z]\.[a-zA-Z]\.)\s+(?=(?:He|She|They|We|It|I)\s+[a-z])", text[s:e]):
            if text[at:s + m.start()].strip():
                split.append((at, s + m.start()))
            at = s + m.end()
        if text[at:e].strip():
            split.append((at, e))
    out: list[list[int]] = []
    for s, e in split:
        lead = text[s:e].lstrip(" \t")
        if out and lead[:1].islower() and "\n" not in text[out[-1][1] - 1:s + 1]:
            out[-1][1] = e
            continue
        out.append([s, e])
    for i in range(len(out) - 1):
        s, e = out[i]
        j = e - 1
        while j > s and text[j].isspace():
            j -= 1
        if j > s and j in openers:
            out[i][1] = j
            out[i + 1][0] = j
    return [(s, e) for s, e in out if e > s]


_SMALL_WORDS = {"a", "an", "the", "of", "and", "or", "in", "on", "at", "to", "for", "with", "is", "by", "from", "as"}


def _looks_like_title(inner: str) -> bool:
    """'This Week With George Stephanopoulos', 'Orange is the New Black': a short run of
    capitalised words inside a sentence names a show, book or slogan; nobody is quoted."""
    words = [w.strip(",.;:!?") for w in inner.split()]
    words = [w for w in words if w]
    if not words or len(words) > 8 or inner.rstrip()[-1:] in "!?":
        return False
    content = [w for w in words if w.lower() not in _SMALL_WORDS]
    return bool(content) and all(w[:1].isupper() or w[:1].isdigit() for w in content) \
        and len(content) > 1


def _embedded(text: str, start: int, sentences) -> bool:
    """Does the quote open inside a sentence (after a word, not at its start or after a colon)?"""
    ss = _sentence_of(sentences, start - 1)[0]
    lead = text[ss:start - 1].rstrip()
    return bool(lead) and lead[-1] not in ":\n" and not _para_start(text, start - 1)


def _resolve_speakers(text, found: list[_Found], sentences, subjects, paras) -> list[RawQuote]:
    out: list[RawQuote] = []
    history: list[Span] = []  # explicit speakers so far, in text order
    recent: list[tuple[int, Span, Span]] = []  # (quote end, speaker span, what it stands for)
    para_speaker: Span | None = None  # the last speaker mention, and what it stands for
    para_named: Span | None = None
    covered_until = -1  # a quote widened to its predicate absorbs the quotes inside it
    role_refs: list = []  # the article's RoleReferences, made when a description first needs it
    for f in found:
        if f.start < covered_until:
            continue
        sent = _sentence_of(sentences, f.start - 1 if f.kind == "direct" else f.start)
        antecedent = None
        via = f.via
        speaker = f.speaker
        if f.participle:
            # ', adding, “…”' / ', saying …': the speaker of the clause the participle hangs on.
            at = f.cue_start if f.cue_start is not None else f.start
            near = [r for r in recent if at - r[0] < 300 and _same_para(paras, r[0], at)]
            speaker = _participle_subject(text, _sentence_of(sentences, at), subjects, at)
            if speaker is not None and speaker.text.lower() in PRONOUNS:
                antecedent = _antecedent(text, speaker.text.lower(), speaker.start, history, subjects, sentences)
            elif speaker is None and near:
                speaker, antecedent = near[-1][1], (near[-1][2] if near[-1][2] is not near[-1][1] else None)
            via = "carried" if speaker else None
        elif speaker is not None:
            low = speaker.text.lower()
            if low in PRONOUNS:
                if low == "who":
                    antecedent = _relative_antecedent(text, speaker)
                elif history or subjects:
                    antecedent = _antecedent(text, low, f.cue_start or f.start, history, subjects, sentences)
                via = "pronoun"
            elif _head(speaker) in PERSON_HEADS and not _names_inside(speaker, subjects, "person") \
                    and (person := _roles(text, subjects, sentences, role_refs).antecedent(speaker)) is not None:
                # "the prime minister said", "the Turkish leader told": the person introduced
                # with that title before (role_reference.py)
                antecedent, via = person, "anaphor"
            elif re.match(r"the\s", low) and _head(speaker) in GROUP_HEADS and not _names_inside(speaker, subjects):
                # "the UK-based group", "the monitor": the latest group that spoke or was the
                # subject of a sentence before (never a person)
                antecedent = _group_antecedent(speaker, history, subjects)
                via = "anaphor"
            elif (owner := _voice_owner(text, speaker)) is not None:
                # "his office said", "her campaign said", "its spokesman said": the voice of the
                # person or group named before, on whose page the quote belongs
                antecedent = _antecedent(text, owner, speaker.start, history, subjects, sentences)
                via = "anaphor"
            elif re.match(r"the\s", low) and _head(speaker) in ANAPHOR_HEADS and history \
                    and not _names_inside(speaker, subjects):  # ("the Observatory official": its own name)
                antecedent = next((h for h in reversed(history) if _head(speaker).rstrip("s") in h.text.lower()), history[-1])
                via = "anaphor"
            else:
                via = via or "explicit"
        elif f.kind == "direct" and f.cue is None and not f.embedded \
                and (intro := _introducing_subject(text, f.start, sentences, subjects)) is not None:
            # '… Bystrom agreed. “Mainstream Republicans are running out of time …”': the
            # sentence right before an unattributed quote names who speaks, before any speaker
            # the paragraph would carry.
            speaker = intro
            if intro.text.lower() in PRONOUNS:
                via = "pronoun"
                antecedent = _antecedent(text, intro.text.lower(), intro.start, history, subjects, sentences)
            else:
                via = "explicit"
        elif f.kind == "direct" and f.cue is None and para_speaker is not None \
                and _near_paragraph(f.start, paras, para_speaker):
            # An unattributed quote in the paragraph after a quoted speaker continues that
            # speaker (the news convention for long quotations and follow-up fragments).
            # The speaker is the mention of that attribution ('she' in '…, she said.');
            # what it stands for travels with it.
            speaker, via = para_speaker, "carried"
            antecedent = para_named if para_named is not para_speaker else None
        if f.kind == "direct" and via in (None, "carried") and f.cue is None and f.embedded and not f.participle:
            # 'Bush referred to Rubio as “a bright, charismatic leader”': words quoted inside a
            # sentence are its subject's, when the subject is a name (a pronoun could be
            # anyone; 'the so-called “…”' has no name as subject).
            subj = _opening_subject(text, sent, f.start)
            if subj is None:
                # 'Sen. Susan Collins (Maine) joined the group, …', 'Later, as the race
                # tightened, Rubio told …': the first subject that a verb follows.
                subj = _coordinated_subject(text, sent[0], f.start - 1)
            # A one-word capitalised opener ('Talk compared to …') is a name only when the
            # mention finder knows it as a person or group.
            if subj is not None and " " not in subj.text and subj.text.lower() not in PRONOUNS \
                    and not _known_name(text, subj, subjects):
                subj = None
            if subj is not None and subj.text.lower() in PRONOUNS - {"who", "it"} \
                    and (via is None or not _stative_after(text, subj.end)):
                # 'He offered “my thoughts and prayers”': the pronoun is the attribution's
                # mention; what it stands for is resolved like any other.
                speaker, via = subj, "pronoun"
                antecedent = _antecedent(text, subj.text.lower(), subj.start, history, subjects, sentences)
            elif subj is not None and subj.text.lower() not in PRONOUNS:
                speaker, via = subj, "explicit"
                # The quoted words are part of what the subject said: the predicate after
                # its verb ('Bush referred to Rubio as “a bright, charismatic leader”').
                verb = re.match(r"\s+\S+\s+", text[subj.end:f.start])
                if verb:
                    f.start = subj.end + verb.end()
                    end = max(f.end, sent[1])
                    while end > f.start and text[end - 1] in " \n.;:,!?\"”’":
                        end -= 1
                    f.end = max(f.end, end)
                    covered_until = f.end
        if f.kind == "direct" and speaker is None and f.cue is None and f.embedded \
                and len(text[f.start:f.end].split()) <= MAX_SCARE_WORDS:
            continue  # a scare quote or a title: nobody is quoted
        if f.kind == "direct" and via in (None, "carried") and f.cue is None and f.embedded \
                and re.fullmatch(r"[A-Z][\w’'.-]*,?", text[f.start:f.end].strip()) and not text[f.start:f.end].rstrip(",").endswith("."):
            continue  # 'her film, “Trainwreck.”', 'star of “Scandal,”': a one-word name or title
        if f.kind == "direct" and speaker is None and f.start > 0 and text[f.start - 1] == "‘":
            continue  # single marks without a speaker: a headline's or a scare quote
        if speaker is not None:
            named = antecedent or speaker
            history.append(named)
            recent.append((f.end, speaker, named))
            para_speaker, para_named = speaker, named
        out.append(RawQuote(f.start, f.end, text[f.start:f.end], f.kind, f.cue, speaker, via if speaker else None, antecedent))
    return out


_STATIVE = {"is", "was", "are", "were", "has", "have", "had", "does", "do", "did", "doesn't",
            "don't", "didn't", "isn't", "wasn't", "hasn't", "haven't", "hadn't", "seems", "seemed",
            "remains", "remained", "lacks", "lacked", "doesn’t", "don’t", "didn’t", "isn’t",
            "wasn’t", "hasn’t", "haven’t", "hadn’t", "will", "would", "could", "can", "may", "might"}


def _stative_after(text: str, at: int) -> bool:
    """Does a state ('He also does not have “the personal background”'), not a speech act
    ('He offered “my thoughts”'), follow the subject? The quoted words then stay with the
    speaker the paragraph carries: the pronoun is what the quote is about."""
    words = [w.lower().strip(",") for w in text[at:at + 60].split()[:3]]
    while words and (words[0] in ("also", "still", "just", "even", "now", "only") or _adverb(words[0])):
        words.pop(0)
    return bool(words) and words[0] in _STATIVE


def _introducing_subject(text: str, start: int, sentences, subjects) -> Span | None:
    """The subject of the sentence right before a quote that opens its own sentence, when
    that sentence quotes nothing itself and its subject is a name or a personal pronoun
    ('Dottie Deans … credited him for …. “He has a desire …”')."""
    i = start - 2
    while i >= 0 and text[i].isspace():
        i -= 1
    if i < 0 or text[i] not in ".!?:":
        return None
    if text[i] == ":":
        return None  # a colon introduction has its own rule
    prev = _sentence_of(sentences, i)
    if prev == (0, 0) or prev[1] < i or any(c in text[prev[0]:i + 1] for c in ALL_MARKS + "‘’"):
        return None
    if len(text[prev[0]:i].split()) < 3:
        return None
    subj = _opening_subject(text, prev, i)
    if subj is None:
        # 'Dottie Deans, the chairwoman of …, is supporting …', 'Sen. Ted Cruz (R-Tex.), …'
        start = prev[0]
        intro = _INTRO.match(text, start, i)
        if intro:
            start = intro.end()
        m = re.compile(r"\s*([A-Z][\w’'.-]+(?:\s+[A-Z][\w’'.-]+){1,4}(?:\s*\([^()]{1,20}\))?),").match(text, start, i)
        subj = Span(m.start(1), m.end(1), m.group(1)) if m else None
    if subj is None:
        return None
    low = subj.text.lower()
    if low in PRONOUNS:
        return subj if low in ("he", "she", "they", "i", "we") else None
    if not subj.text[:1].isupper() or subj.text.split()[0].lower() in _DETS:
        return None
    if " " not in subj.text and not _known_name(text, subj, subjects):
        return None
    return subj


def _known_name(text: str, word: Span, subjects) -> bool:
    """Is a one-word capitalised sentence opener a name? When the mention finder knows it as a
    person or group there, or as part of one elsewhere ('Clinton' after 'Hillary Clinton'), or
    the word is capitalised inside a sentence elsewhere in the text."""
    if any(sp.start <= word.start < sp.end for sp, _k in subjects):
        return True
    w = word.text.rstrip("’'s").rstrip("’'")
    if len(w) < 3:
        return False
    if any(re.search(r"(?<![\w’'-])" + re.escape(w) + r"(?![\w’'-])", sp.text) for sp, _k in subjects):
        return True
    return w in _inner_capitalised(text)


@lru_cache(maxsize=4)
def _inner_capitalised(text: str) -> frozenset[str]:
    """Capitalised words that stand inside a sentence somewhere in the text: proper names."""
    return frozenset(m.group(1) for m in re.finditer(r"[a-z,;]\s+([A-Z][\w’'.-]*?)(?=[^\w’'-]|$)", text))


def _relative_antecedent(text: str, who: Span) -> Span | None:
    """'Trump, who said …' → Trump."""
    m = re.search(r"([A-Z][\w’'-]*(?:\.(?=[ \t]+[A-Z]))?(?:[ \t]+(?:al-|bin[ \t]+|de[ \t]+)?[A-Z][\w’'.-]*){0,3})[ \t]*,[ \t]*$",
                  text[max(0, who.start - 80):who.start])
    if not m:
        return None
    s = max(0, who.start - 80) + m.start(1)
    return Span(s, s + len(m.group(1)), m.group(1))


def _near_paragraph(start: int, paras, previous: Span) -> bool:
    """Is the quote in the same paragraph as the previous speaker, or the next one?"""
    idx = [i for i, (ps, pe) in enumerate(paras) if ps <= start < pe + 1]
    prev = [i for i, (ps, pe) in enumerate(paras) if ps <= previous.start < pe + 1]
    return bool(idx and prev) and 0 <= idx[0] - prev[0] <= 1


# 'The retired neurosurgeon addressed …': a described person opening the sentence, then a verb.
_OPENING_DESCRIPTION = re.compile(r"\s*((?:The|A|An|His|Her|Their|Its|the|a|an)\s+(?:[\w’'-]+\s+){0,3}[a-z][\w-]*)"
                                  r"(?=\s+(?:\w+ed|\w+[^s]s|has|had|was|is|began|went|took|made|gave|spoke|wrote|told|said|says|"
                                  r"sought|sent|kept|left|met|led|held|brought|thought|felt|got|put|set|ran|won|lost|"
                                  r"stood|struck|saw|came|became|fought|drew|threw|grew|knew|chose|rose|hit|cut|let|"
                                  r"will|would|can|could|may|might|must|should|also|then|later|never|still)\b)")
_NUMBER_WORDS = {"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                 "eleven", "twelve", "thirteen", "fourteen", "fifteen", "twenty", "thirty", "forty",
                 "fifty", "hundred", "thousand", "million", "dozens", "hundreds", "thousands"}
_INTRO = re.compile(r"\s*(?:\w+ing|[A-Z][a-z]+ly|Outside|Inside|Asked|After|Before|When|While|In|On|At|During|Like|Unlike|"
                    r"Despite|Since|With|For|From|By|Last|This|Earlier|Later|As|Although|Though|Once|Until|Because|"
                    r"Amid|Following|Throughout|Under|Over|Even\s+as|Even\s+though|"
                    r"(?:Hours|Days|Weeks|Months|Years|Minutes|Moments)\s+(?:later|earlier|before|after))\b[^,]{0,120},"
                    r"(?:\s*[A-Z][a-z]{1,4}\.,)?\s*")  # 'At a conference in Aspen, Colo., the …'"
_OPENERS_RE = r"(?:But|And|However|Still|Yet|So|Then|Later|Meanwhile|Instead|Also|Now)"
_OPENING = re.compile(r"\s*(?:" + _OPENERS_RE + r",?\s+(he|she|they|we|it(?!\s+(?:is|was|seems|seemed|would|will)\b))(?=\s+[a-z])|(?:" + _OPENERS_RE + r",?\s+)?"
                      r"((?:He|She|They|I|We|It)|[A-Z][\w’'.-]+(?:\s+(?:al-|bin\s+|de\s+)?[A-Z][\w’'.-]+){0,4})"
                      r"(?=\s+[a-z]|,\s+(?:who|a|an|the|\d+,)\s))")


def _opening_subject(text, sent, before: int) -> Span | None:
    """The pronoun or name that opens the sentence: the subject a participle hangs on
    ('He echoed that promise, saying …')."""
    start = sent[0]
    dateline = _DATELINE.match(text, start, max(start, before))
    if dateline:  # 'WASHINGTON, Dec. 8 (UPI) — In response to …'
        start = dateline.end()
    intro = _INTRO.match(text, start, max(start, before))
    if intro:  # 'Speaking to MSNBC’s Morning Joe Monday, Bush referred to …'
        start = intro.end()
        pron = re.match(r"(he|she|they|we)(?=\s+[a-z])", text[start:max(start, before)])
        if pron:  # 'Speaking in his real voice again, he proceeded to …'
            return Span(start, start + pron.end(1), pron.group(1))
    m = _OPENING.match(text, start, max(start, before))
    if m is not None and m.group(1):  # 'Then he cut into Bush, calling him …'
        return Span(m.start(1), m.end(1), m.group(1))
    g = 2
    if m is None or m.group(g).split()[0].lower() in _DETS:
        d = _OPENING_DESCRIPTION.match(text, start, max(start, before))
        if d:  # 'The billionaire businessman began by …, saying …'
            # cut at a function word or adverb inside ('The poll has bad news' → 'The poll')
            words = list(re.finditer(r"\S+", d.group(1)))
            keep = len(words)
            for k, w in enumerate(words[1:], 1):
                low = w.group(0).lower()
                if low in _DETS | _NP_STOP | PRONOUNS | _AUX or _adverb(w.group(0)):
                    keep = k
                    break
            return Span(d.start(1), d.start(1) + words[keep - 1].end(), d.group(1)[:words[keep - 1].end()])
    if not m or m.group(g).split()[0].lower() in _PREPS | _NP_STOP | _DETS | _BEFORE_SUBJECT | {"if", "after", "before", "outside", "inside", "it’s", "it's", "more", "likewise", "always", "never", "perhaps", "maybe"} \
            or m.group(g).split()[0].lower().endswith("ly") and " " not in m.group(g) \
            or m.group(g).split()[0].lower().endswith("ing") or m.group(g)[:1].isdigit() \
            or m.group(g).split()[0].lower() in _NUMBER_WORDS:
        return None
    return Span(m.start(g), m.end(g), m.group(g))


def _participle_subject(text, sent, subjects, at: int) -> Span | None:
    """Who a participle cue (', adding, “…”', ', calling him “…”') hangs on: the speaker of
    an attribution right before it ('…,” he said, adding'), else the subject that opens the
    sentence ('He went on to endorse Ayotte, calling her …'), else its first person or group
    that stands as a subject."""
    head = text[sent[0]:at]
    inv = [c for c in _cue_regex().finditer(head, max(0, len(head) - 200)) if not _noun_use(text, sent[0] + c.start())]
    if inv:
        m = inv[-1]
        between = head[m.end():]
        if re.fullmatch(r"(?:\s+[\w’'.-]+){0,4}?\s*,\s*(?:and\s+)?", between) and "direct" not in _verbs().get(m.group(0), ("", ()))[1] \
                or re.fullmatch(r"\s*,\s*", between):
            cue_start = sent[0] + m.start()
            lead = head[:m.start()]
            if lead.rstrip().endswith((",", "”", '"')) or not lead.strip():
                sp = speaker_after(text, sent[0] + m.end(), at)  # '…,” said Nefzi, adding'
            else:
                sp = speaker_before(text, cue_start, sent[0], strict=True)  # '…,” Nefzi said, adding'
            if sp is not None:
                return sp
    return _opening_subject(text, sent, at) or _sentence_subject(text, sent, subjects, at)


def _sentence_subject(text, sent, subjects, before: int | None) -> Span | None:
    """The first person or group mention of the sentence that stands as a subject: followed by
    a verb-like lowercase word and not inside a prepositional phrase ('Washington (AFP) –
    Democrat Hillary Clinton has taken …' → Hillary Clinton)."""
    first = None
    for sp, _kind in subjects:
        if not sent[0] <= sp.start < (before or sent[1]):
            continue
        first = first or sp
        after = re.match(r"\s+([a-z]\w*)", text[sp.end:sp.end + 30])
        prev = text[max(sent[0], sp.start - 12):sp.start].split()
        if after and after.group(1) not in _PREPS and not (prev and prev[-1].lower() in _PREPS):
            return sp
    return first


def _roles(text: str, subjects, sentences, made: list) -> RoleReferences:
    if not made:
        made.append(RoleReferences(text, subjects, sentences))
    return made[0]


def _names_inside(span: Span, subjects, kind: str | None = None) -> bool:
    """Whether a subject (of `kind`, if given) lies inside `span`. (Subjects are in text order:
    only those starting inside the span are looked at.)"""
    lo = bisect.bisect_left(subjects, span.start, key=lambda x: x[0].start)
    hi = bisect.bisect_left(subjects, span.end, key=lambda x: x[0].start)
    return any(sp.end <= span.end and (kind is None or k == kind) for sp, k in subjects[lo:hi])


def _group_antecedent(speaker: Span, history: list[Span], subjects) -> Span | None:
    """The group a definite description of a group stands for: the latest earlier speaker that
    is a group, else the latest group named before it in the text (a monitor's report is often
    attributed by name once, then by "the monitor"), within 1,500 characters."""
    head = _head(speaker)
    if head == "group" and re.search(r"-based|\brights\b|monitoring|\bwar\b", speaker.text.lower()):
        head = "monitor"  # "the UK-based group", "the rights group": described as a watcher
    lo = speaker.start - 1500
    # (subjects come in text order: only those of the window are looked at, so an article of
    # many such speakers stays linear)
    near = subjects[bisect.bisect_left(subjects, lo, key=lambda x: x[0].start):
                    bisect.bisect_left(subjects, speaker.start, key=lambda x: x[0].start)]
    groups = [sp for sp, kind in near if kind == "group" and _fits_head(head, sp.text)]
    named = [w.lower() for w in speaker.text.split()[1:] if w[:1].isupper() and w.lower() in GROUP_HEADS | _WATCHER_HEADS]
    if named:
        # "the Observatory, a Britain-based group": a group whose name holds the capitalised
        # kind it is called by, not the latest one ("Syrian state television" named between)
        groups = [g for g in groups if any(w in g.text.lower() for w in named)]
    people = [sp for sp, kind in near if kind == "person"]
    for h in reversed(history):
        if h.start < lo:
            break
        if h.start < speaker.start and any(h.start <= g.start and g.end <= h.end for g in groups) \
                and not any(h.start <= p.start and p.end <= h.end for p in people):  # not "Kremlin spokesman Peskov"
            return h
    return groups[-1] if groups else None


# Heads that name what kind of body it is: the antecedent's name must hold the word ("the
# army" is the "Syrian Arab Army", not the ISIS named last). A watcher's head: a monitoring group.
_NAMED_HEADS = {"army", "ministry", "coalition", "alliance", "party", "movement", "agency", "militia", "mission",
                "council", "commission", "committee", "union", "league", "front"}
_WATCHER_HEADS = {"monitor", "watchdog", "observatory"}


def _fits_head(head: str, name: str) -> bool:
    if head in _NAMED_HEADS:
        return head in name.lower()
    if head in _WATCHER_HEADS:
        # a monitor, watchdog or observatory by its name's kind ("Syrian Observatory for Human
        # Rights", "Human Rights Watch"), not whichever body spoke last
        return guess_kind(name, "organisation")[0] == "civil society / monitoring group"
    return True


# Who speaks for a person or a group, after "his", "her", "its" or "their": not who is only
# close to them ("his supporters", "her husband" speak for themselves).
_VOICE_HEADS = frozenset({"office", "campaign", "spokesman", "spokeswoman", "spokesperson", "aide", "aides",
                          "adviser", "advisers", "advisor", "advisors", "team", "staff", "statement", "spokesmen"})
_OWNERS = {"his": "he", "her": "she", "its": "it", "their": "they"}
_OWNER_BEFORE = re.compile(r"\b(his|her|its|their)\s+\Z", re.I)


def _voice_owner(text: str, speaker: Span) -> str | None:
    """The pronoun a speaker such as "his office" or "their campaign" stands for ("he",
    "they"), or None. The possessive may be the speaker's first word or just before it."""
    words = speaker.text.lower().split()
    if not words or words[-1] not in _VOICE_HEADS or len(words) > 3:
        return None
    if words[0] in _OWNERS:
        return _OWNERS[words[0]]
    before = _OWNER_BEFORE.search(text, max(0, speaker.start - 8), speaker.start)
    return _OWNERS[before.group(1).lower()] if before is not None and len(words) <= 2 else None


def _antecedent(text, pronoun: str, at: int, history: list[Span], subjects, sentences) -> Span | None:
    """What 'he'/'she'/'they' refers to: the latest earlier speaker, or person who is the
    subject of an earlier sentence ('Hamdani stressed …. He expressed his belief that …')."""
    other = {"he": "f", "she": "m"}.get(pronoun)  # the gender the pronoun cannot stand for
    want = "person" if pronoun in ("he", "she", "i") else None
    # (a speaker that names a group and no person is no "he" or "she": "Democrats", "The
    # Syrian Observatory for Human Rights monitoring group")
    best = next((h for h in reversed(history) if (other is None or _gender(text, h) != other)
                 and not (want and _names_only_a_group(h, subjects))), None)
    for sp, kind in subjects:
        if sp.start >= at:
            break
        if want and kind != want or other is not None and _gender(text, sp) == other:
            continue
        sent = _sentence_of(sentences, sp.start)
        dateline = _DATELINE.match(text, sent[0], sp.start)  # 'BAGHDAD - Iraqi Prime Minister …'
        lead = text[dateline.end() if dateline else sent[0]:sp.start]
        # subject position: the mention opens its sentence (after at most a short adverbial, or
        # its title: "Iraqi Prime Minister Mohammed Shia al-Sudani met …. He said …")
        if len(lead.split()) <= 1 or lead.rstrip().endswith(",") or _title_lead(lead):
            if best is None or sp.start > best.start:
                best = sp
    return best


def _names_only_a_group(span: Span, subjects) -> bool:
    """Whether the names inside `span` are groups' only (one at least)."""
    kinds = {kind for sp, kind in subjects if span.start <= sp.start and sp.end <= span.end}
    return kinds == {"group"}


def _gender(text: str, span: Span) -> str | None:
    """"m" or "f" when the article writes the name's last word after "Mr." or "Mrs."/"Ms."
    (news' courtesy titles), or its first word is a given name of data/given_names.txt, else
    None: "she" never stands for the Obama of "Mr. Obama", nor for John O'Donnell."""
    words = span.text.split()
    if not words or not words[-1][:1].isupper():
        return None
    courtesy = _courtesy_genders(text).get(re.sub(r"(?:[’']s|[’'.,])$", "", words[-1]))
    return courtesy or (given_names().get(words[0]) if len(words) >= 2 else None)


@lru_cache(maxsize=4)
def _courtesy_genders(text: str) -> dict[str, str]:
    """Last name → "m"/"f" by the courtesy titles the text gives it (one article; a name given
    both is left out)."""
    found: dict[str, set[str]] = {}
    for m in _COURTESY.finditer(text):
        found.setdefault(m.group(2), set()).add("m" if m.group(1) == "Mr" else "f")
    return {name: g.pop() for name, g in found.items() if len(g) == 1}


_COURTESY = re.compile(r"\b(Mr|Mrs|Ms|Miss)\.?\s+(?:[A-Z]\.\s+)*(?:[A-Z][\w’'-]+\s+)?([A-Z][\w’'-]+)\b")


def _title_lead(lead: str) -> bool:
    """Whether the words before a name that opens its sentence are its title ("Iraqi Prime
    Minister", "Quds Force commander"): at most five words, the last ones a title (the longest
    that fits), the others capitalised."""
    words = lead.split()
    if not 2 <= len(words) <= 5:
        return False
    m = _title_at_end().search(" ".join(words).lower())
    return m is not None and all(w[:1].isupper() for w in words[:len(words) - len(m.group(1).split())])


@lru_cache(maxsize=1)
def _title_at_end() -> re.Pattern:
    """A title that ends a phrase, the longest that fits (its match starts first): one
    compiled alternation, not one test per title, as roles.py does (pronouns look at every
    subject before them)."""
    return re.compile(r"(?:^|(?<=\s))(" + "|".join(re.escape(t.lower()) for t in _titles()) + r")$")


@lru_cache(maxsize=1)
def _titles() -> tuple[str, ...]:
    return tuple(sorted(word_list("titles.txt"), key=len, reverse=True))


def split_role(speaker: Span) -> tuple[str | None, Span]:
    """'Political analyst Ihssan Shammari' → ('Political analyst', Span('Ihssan Shammari')).

    The role is the run of lowercase descriptors and known titles before the capitalised
    name; a speaker with no name after them ('An Iraqi parliamentary source') has no role.
    """
    found = _split_text(speaker.text)
    if found is None:
        return None, speaker
    role, cut = found
    return role, Span(speaker.start + cut, speaker.end, speaker.text[cut:])


@lru_cache(maxsize=1 << 16)
def _split_text(text: str) -> tuple[str | None, int] | None:
    """(role, offset of the name) for a speaker text, or None: a function of the text alone,
    cached because the index splits every quote's speaker on every build."""
    low = text.lower()
    cut = 0
    for title in _titles():
        i = low.find(title + " ")
        if i >= 0 and (i == 0 or low[i - 1] == " ") and i + len(title) + 1 > cut:
            cut = i + len(title) + 1
    # descriptors before the title: 'Political analyst', 'Iraqi blogger', 'Defense Secretary'
    words = list(re.finditer(r"\S+", text))
    if not cut:
        for w in words:
            if w.group(0)[:1].islower() and w.group(0).lower() not in ("al-", "bin", "de", "von", "van"):
                cut = w.end() + 1
    if not cut or cut >= len(text):
        return None
    rest = text[cut:]
    if not rest[:1].isupper():
        return None
    role = text[:cut].strip().strip(",")
    return role or None, cut
