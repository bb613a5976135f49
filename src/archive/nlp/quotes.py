"""Who said what: direct quotes, reported speech, and their speakers, by rules over the text.

Pure functions: text (plus sentence bounds and the mentions found so far) in, `RawQuote`s out.
No spaCy object is needed, so the rules work with any pipeline or none; where a dependency
parse exists, `annotate` passes it in `parse` and the subject of the reporting verb is used.

Order of work:
1. `quote_spans` pairs quotation marks paragraph by paragraph. An opening mark with no closing
   mark in its paragraph continues only if the next paragraph opens with a mark (the
   multi-paragraph convention); otherwise it is dropped, so an unbalanced mark never turns the
   rest of a paragraph into a quote. A stray closing mark is ignored.
2. Each direct quote looks for its cue after the closing mark ("…,” Husseini said) and then
   before the opening mark (Kadhimi said in Riyadh “…”).
3. Reported speech: a cue verb outside quotes followed by "that …" (or, for say, a clause),
   and "according to X, …".
4. Speakers are resolved in text order: "He added" and "the source" take the earlier speaker
   they refer to; a participle cue (", adding, “…”") takes the sentence's speaker.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from archive.models import RawQuote, Span
from archive.nlp.lexicon import reporting_verbs, word_list

OPENERS = "“„«"
CLOSERS = "”»"
STRAIGHT = '"'
PRONOUNS = {"he", "she", "they", "it", "we", "i"}
# Anaphoric heads: "the source added" refers to the source introduced earlier.
ANAPHOR_HEADS = {"source", "sources", "official", "officials", "spokesman", "spokeswoman",
                 "spokesperson", "minister", "analyst", "diplomat", "statement", "group", "ministry"}
# Words between a speaker and its verb that are not part of the speaker's name.
_AUX = {"also", "later", "recently", "previously", "then", "had", "has", "have", "would", "will",
        "reportedly", "once", "again", "further", "repeatedly", "earlier", "publicly", "has", "did",
        "could", "might", "may", "must", "should", "already", "initially", "separately", "told"}
_NP_STOP = {"that", "and", "but", "while", "as", "because", "when", "which", "who", "whom", "where",
            "if", "after", "before", "since", "though", "although", "whereas", "so", "than", "was",
            "were", "is", "are", "be", "been", "being"}
MAX_SPEAKER_WORDS = 8


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


@lru_cache(maxsize=1)
def _cue_regex() -> re.Pattern:
    forms = sorted(reporting_verbs(), key=len, reverse=True)
    phrases = word_list("speech_phrases.txt")
    alts = [re.escape(f) for f in forms] + list(phrases)
    # Case-sensitive on purpose: "Said" at a sentence start is as likely a name as a verb.
    return re.compile(r"(?<![\w’'-])(?:" + "|".join(alts) + r")(?![\w’'-])")


def paragraphs(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for m in re.finditer(r"\n\s*\n", text):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, len(text)))
    return [(s, e) for s, e in out if text[s:e].strip()]


def _mark_role(text: str, i: int) -> str | None:
    ch = text[i]
    if ch in OPENERS:
        return "open"
    if ch in CLOSERS:
        return "close"
    if ch == STRAIGHT:
        before = text[i - 1] if i > 0 else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        if (before.isspace() or before in "([{—–-/:") and not after.isspace():
            return "open"
        if not before.isspace() and (after.isspace() or after in ".,;:!?)]}—–-'’"):
            return "close"
        return "either"
    return None


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Inner spans (without the marks) of balanced direct quotes, in text order."""
    spans: list[tuple[int, int]] = []
    paras = paragraphs(text)
    carry: int | None = None  # an opening mark continued from the previous paragraph
    for idx, (ps, pe) in enumerate(paras):
        open_at: int | None = carry
        carry = None
        for i in range(ps, pe):
            role = _mark_role(text, i)
            if role is None:
                continue
            if open_at is None:
                if role in ("open", "either"):
                    open_at = i
            elif role in ("close", "either"):
                if open_at < ps and i == ps:
                    continue  # the re-opening mark of a continued paragraph
                spans.append((open_at + 1, i))
                open_at = None
            elif role == "open" and open_at >= ps and i == ps:
                continue
        if open_at is not None:
            nxt = paras[idx + 1] if idx + 1 < len(paras) else None
            if nxt and _mark_role(text, nxt[0]) in ("open", "either") and _has_close(text, nxt):
                carry = open_at
            # else: unbalanced; dropped on purpose
    return [(s, e) for s, e in (_trim(text, s, e) for s, e in spans) if e > s]


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


def _words_before(text: str, start: int, end: int) -> list[re.Match]:
    return list(re.finditer(r"[^\s]+", text[start:end]))


def speaker_before(text: str, cue_start: int, floor: int) -> Span | None:
    """The noun phrase that ends right before a cue: 'Political analyst Ihssan Shammari said'."""
    words = _words_before(text, floor, cue_start)
    picked: list[re.Match] = []
    while words and words[-1].group(0).lower() in _AUX and not picked:
        words.pop()
    for w in reversed(words):
        token = w.group(0)
        bare = token.strip(",;:()“”\"’'")
        if token.endswith((",", ";", ":", "”", '"')) and picked:
            break
        if token.endswith((",", ";", ":")) and not picked:
            # "X, a spokesman for Y, said": the appositive closes right before the cue.
            break
        if bare.lower() in _NP_STOP or bare in _cue_words() or not bare:
            break
        picked.insert(0, w)
        if len(picked) >= MAX_SPEAKER_WORDS:
            break
    if not picked:
        return None
    s, e = floor + picked[0].start(), floor + picked[-1].end()
    while e > s and text[e - 1] in ",;:":
        e -= 1
    while s < e and text[s] in "“”\"(":
        s += 1
    span = Span(s, e, text[s:e])
    return _prefer_appositive_head(text, span, floor) or span


def _prefer_appositive_head(text: str, span: Span, floor: int) -> Span | None:
    """'Jaafar Husseini, a spokesman for Kata’ib Hezbollah, said' → Jaafar Husseini."""
    if not re.match(r"(?:a|an|the)\s", span.text, re.I) or span.text.split()[0] in ("The",) and span.start == floor:
        return None
    before = text[floor:span.start].rstrip()
    if not before.endswith(","):
        return None
    name = re.search(r"([A-Z][\w’'.-]*(?:\s+(?:al-|bin\s+)?[A-Z][\w’'.-]*){0,3})\s*,$", before)
    if not name:
        return None
    s = floor + name.start(1)
    return Span(s, s + len(name.group(1)), name.group(1))


def speaker_after(text: str, start: int, ceiling: int) -> Span | None:
    """The noun phrase right after an inverted cue: '…,” said Husseini.'"""
    m = re.match(r"\s*((?:the\s+|a\s+|an\s+)?[\w’'.-]+(?:\s+[\w’'.-]+){0,6}?)(?=\s*(?:[,.;:!?]|$|\s+(?:in|on|at|during|who|adding|according)\b))",
                 text[start:ceiling])
    if not m:
        return None
    s = start + m.start(1)
    e = start + m.end(1)
    while e > s and text[e - 1] in ".,;:!?":
        e -= 1
    if e - s < 2:
        return None
    return Span(s, e, text[s:e])


@lru_cache(maxsize=1)
def _cue_words() -> frozenset[str]:
    return frozenset(f for f in reporting_verbs() if " " not in f)


def _sentence_of(sentences, i: int) -> tuple[int, int]:
    for s, e in sentences:
        if s <= i < e:
            return s, e
    return 0, 0


def _attribute_direct(text, q: _Found, spans, sentences, prev_closing: int) -> None:
    cue_re = _cue_regex()
    close = q.end + 1 if q.end < len(text) else q.end
    # 1. After: '…,” Husseini said' or '…,” said Husseini'.
    tail_end = min(len(text), close + 120)
    nxt_open = min([s - 1 for s, _ in spans if s - 1 >= close] + [tail_end])
    tail = text[close:nxt_open]
    stop = re.search(r"[.!?](?:\s|$)|\n", tail)
    tail = tail[: stop.start() + 1] if stop else tail
    m = cue_re.search(tail)
    if m and len(tail[: m.start()].split()) <= MAX_SPEAKER_WORDS and not tail[: m.start()].strip().endswith("."):
        cue_start = close + m.start()
        q.cue, q.cue_start = m.group(0), cue_start
        lead = tail[: m.start()].strip(" ,")
        if lead:
            q.speaker = speaker_before(text, cue_start, close)
        else:
            q.speaker = speaker_after(text, close + m.end(), close + len(tail))
        return
    # 2. Before: 'Kadhimi said in Riyadh “…”', 'He added, “…”', '…, pledging, “…”'.
    sent_start = _sentence_of(sentences, q.start - 1)[0]
    floor = max(sent_start, prev_closing)
    head = text[floor: q.start - 1]
    cues = list(cue_re.finditer(head))
    if not cues:
        return
    m = cues[-1]
    cue_start = floor + m.start()
    q.cue, q.cue_start = m.group(0), cue_start
    if m.group(0).endswith("ing") and head[: m.start()].rstrip().endswith(","):
        q.participle = True
        return
    q.speaker = speaker_before(text, cue_start, floor)
    if q.speaker is None:
        q.speaker = speaker_after(text, floor + m.end(), q.start - 1)


_THAT = re.compile(r"\s*(?:,[^,“”\"]{1,80},\s*)?that\s+")
_HEARER = re.compile(r"\s*((?:the\s+|The\s+)?[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*){0,4}|reporters|journalists|the\s+\w+|him|her|them|us|me)")


def _indirect(text, sentences, direct: list[tuple[int, int]], taken_cues: set[int] = frozenset(),
              parse_subjects: dict[int, Span] | None = None) -> list[_Found]:
    out: list[_Found] = []
    cue_re = _cue_regex()
    verbs = reporting_verbs()
    for ss, se in sentences:
        sent = text[ss:se]
        for m in cue_re.finditer(sent):
            cs, ce = ss + m.start(), ss + m.end()
            if _inside(direct, cs) or cs in taken_cues:
                continue  # inside a quote, or the cue of a direct quote's attribution
            lemma, hearer = verbs.get(m.group(0), (m.group(0), False))
            rest = ce
            if hearer:
                h = _HEARER.match(text, rest, se)
                if h:
                    rest = h.end()
            t = _THAT.match(text, rest, se)
            if t:
                content_start = t.end()
            elif lemma == "say" and re.match(r"\s+(?!(?:in|on|at|to|during|after|before|by|for|with|of|from|that|when|while|as|\"|“))[A-Za-z]", text[rest:se]):
                content_start = rest + 1
            else:
                continue
            if content_start < se and text[content_start] in OPENERS + STRAIGHT:
                continue  # 'told X that “…”': a direct quote owns it
            content_end = se
            for ds, de in direct:
                if content_start <= ds - 1 < content_end:
                    content_end = ds - 1
            content_start, content_end = _trim(text, content_start, content_end)
            while content_end > content_start and text[content_end - 1] in ".;:,”\" ":
                content_end -= 1
            if len(text[content_start:content_end].split()) < 4:
                continue
            speaker = (parse_subjects or {}).get(cs) or speaker_before(text, cs, ss)
            if speaker is None:
                continue
            out.append(_Found(content_start, content_end, "indirect", m.group(0), cs, speaker))
            break  # one reported clause per cue sentence; nested cues belong to its content
        out.extend(_according_to(text, ss, se, direct))
    return out


_ACCORDING = re.compile(r"\b[Aa]ccording to\s+([^,.;“”\"]{2,80})")


def _according_to(text, ss, se, direct) -> list[_Found]:
    out = []
    for m in _ACCORDING.finditer(text, ss, se):
        if _inside(direct, m.start()):
            continue
        src = Span(m.start(1), m.end(1), m.group(1))
        if m.start() - ss > 20:  # '…, according to X.'
            cs, ce = _trim(text, ss, m.start())
        else:  # 'According to X, …'
            cs, ce = _trim(text, m.end(1) + 1, se)
        while ce > cs and text[ce - 1] in ".,;:":
            ce -= 1
        if len(text[cs:ce].split()) >= 4:
            out.append(_Found(cs, ce, "indirect", "according to", m.start(), src))
    return out


def _head(span: Span) -> str:
    words = span.text.lower().split()
    return words[-1] if words else ""


def find_quotes(text: str, sentences: list[tuple[int, int]], subjects: list[tuple[Span, str]] = (),
                parse_subjects: dict[int, Span] | None = None) -> list[RawQuote]:
    """All quotes in `text`.

    `subjects`: (span, 'person'|'group') of the mentions that can speak, used to find a
    sentence's speaker for participle cues (', pledging, “…”') and the person a pronoun
    refers to. `parse_subjects`: where a dependency parse exists,
    the grammatical subject of each verb, keyed by the verb's start offset; it overrides the
    noun phrase that the rules would take.
    """
    spans = quote_spans(text)
    found: list[_Found] = []
    prev_close = 0
    for s, e in spans:
        q = _Found(s, e, "direct")
        _attribute_direct(text, q, spans, sentences, prev_close)
        found.append(q)
        prev_close = e + 1
    found.extend(_indirect(text, sentences, spans, {f.cue_start for f in found if f.cue_start is not None}, parse_subjects))
    if parse_subjects:
        for f in found:
            subj = parse_subjects.get(f.cue_start) if f.cue_start is not None else None
            if subj is not None and not _inside(spans, subj.start):
                f.speaker, f.participle = subj, False
    found.sort(key=lambda f: (f.start, f.end))
    return _resolve_speakers(text, found, sentences, subjects)


def _resolve_speakers(text, found: list[_Found], sentences, subjects) -> list[RawQuote]:
    out: list[RawQuote] = []
    history: list[Span] = []  # explicit speakers so far, in text order
    last_by_sentence: dict[tuple[int, int], Span] = {}
    para_speaker: Span | None = None
    para_bounds = paragraphs(text)
    for f in found:
        sent = _sentence_of(sentences, f.start - 1 if f.kind == "direct" else f.start)
        antecedent = None
        via = None
        speaker = f.speaker
        if f.participle:
            speaker = last_by_sentence.get(sent) or _sentence_subject(text, sent, subjects, f.cue_start)
            via = "carried" if speaker else None
        elif speaker is not None:
            low = speaker.text.lower()
            if low in PRONOUNS and (history or subjects):
                antecedent, via = _antecedent(text, low, f.cue_start or f.start, history, subjects, sentences), "pronoun"
            elif re.match(r"the\s", low) and _head(speaker) in ANAPHOR_HEADS and history:
                antecedent = next((h for h in reversed(history) if _head(speaker).rstrip("s") in h.text.lower()), history[-1])
                via = "anaphor"
            else:
                via = "explicit"
        elif f.kind == "direct" and f.cue is None and para_speaker is not None and _near_paragraph(text, f.start, para_bounds, para_speaker):
            # An unattributed quote in the paragraph after a quoted speaker continues that
            # speaker (the news convention for long quotations and follow-up fragments).
            speaker, via = para_speaker, "carried"
        if speaker is not None:
            named = antecedent or speaker
            if via in ("explicit", "carried", "pronoun", "anaphor"):
                history.append(named)
                last_by_sentence[sent] = speaker if via != "carried" else named
            para_speaker = named
        out.append(RawQuote(f.start, f.end, text[f.start:f.end], f.kind, f.cue, speaker, via, antecedent))
    return out


def _near_paragraph(text: str, start: int, paras, previous: Span) -> bool:
    """Is the quote in the same paragraph as the previous speaker, or the next one?"""
    idx = [i for i, (ps, pe) in enumerate(paras) if ps <= start < pe + 1]
    prev = [i for i, (ps, pe) in enumerate(paras) if ps <= previous.start < pe + 1]
    return bool(idx and prev) and 0 <= idx[0] - prev[0] <= 1


def _sentence_subject(text, sent, subjects, before: int | None) -> Span | None:
    for sp, _kind in subjects:
        if sent[0] <= sp.start < (before or sent[1]):
            return sp
    return None


def _antecedent(text, pronoun: str, at: int, history: list[Span], subjects, sentences) -> Span | None:
    """What 'he'/'she'/'they' refers to: the latest earlier speaker, or person who is the
    subject of an earlier sentence ('Hamdani stressed …. He expressed his belief that …')."""
    best = history[-1] if history else None
    want = "person" if pronoun in ("he", "she", "i") else None
    for sp, kind in subjects:
        if sp.start >= at:
            break
        if want and kind != want:
            continue
        sent = _sentence_of(sentences, sp.start)
        lead = text[sent[0]:sp.start]
        # subject position: the mention opens its sentence (after at most a short adverbial)
        if len(lead.split()) <= 1 or lead.rstrip().endswith(","):
            if best is None or sp.start > best.start:
                best = sp
    return best
