"""Roles and affiliations that articles state beside a person's name.

Two shapes carry nearly all of them in news prose:
- an apposition after the name: "Jaafar Husseini, a spokesman for Kata’ib Hezbollah," and,
  in text whose commas were stripped, "Andrew Mitchell a former international development
  minister said";
- a title phrase before the name: "Political analyst Ihssan Shammari", "Russian defense
  ministry spokesman Igor Konashenkov".
A phrase counts only if it contains a title word from `titles.txt` (spokesman, analyst,
chief of staff …). An organisation or militia mentioned inside the phrase becomes the
affiliation ("for Kata’ib Hezbollah" → kataib-hezbollah); a place only when nothing else is.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from archive.models import Mention
from archive.nlp.lexicon import word_list


@dataclass(frozen=True)
class FoundRole:
    entity: str
    title: str
    organisation: str | None
    article: str
    start: int
    end: int


@lru_cache(maxsize=1)
def _vocab() -> tuple[frozenset[str], tuple[str, ...], frozenset[str]]:
    titles = [t.lower().rstrip(".") for t in word_list("titles.txt")]
    # The head of "member of parliament" is "member", of "chief of staff" "chief".
    heads = frozenset(re.split(r"\s+(?:of|for)\s+", t)[0].split()[-1] for t in titles)
    multi = tuple(sorted((t for t in titles if " " in t), key=len, reverse=True))
    # Words that may stand inside a title phrase before a name ("Russian defense ministry
    # spokesman"): every word of a title, organisation cue words, demonyms, connectors.
    words = {w for t in titles for w in t.split()}
    words |= {w.lower() for w in word_list("org_cues.txt") if " " not in w}
    words |= {w.lower() for w in word_list("demonyms.txt")}
    words |= {"of", "for", "the", "former", "senior", "top", "local", "defense", "defence", "foreign",
              "interior", "international", "development", "political", "military", "security",
              "opposition", "rebel", "regional", "state", "government", "ministry", "affairs"}
    return heads, multi, frozenset(words)


@lru_cache(maxsize=1)
def _abbrevs() -> frozenset[str]:
    return frozenset(t.lower() for t in word_list("titles.txt") if t.endswith("."))


@lru_cache(maxsize=1)
def _multi_word_title() -> re.Pattern:
    """Any multi-word title as a whole phrase: one compiled alternation, not one search per
    title (find_roles runs for every actor mention of the archive on every build)."""
    multi = _vocab()[1]
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, multi)) + r")(?!\w)") if multi else re.compile(r"(?!x)x")


def _has_title(phrase: str) -> bool:
    heads = _vocab()[0]
    low = phrase.lower()
    if _multi_word_title().search(low):
        return True
    return any(w.strip(".,") in heads for w in low.split())


_AFTER = re.compile(
    r",?\s+((?:a|an|the)\s+(?:former\s+|senior\s+|top\s+)?[^,.;:“”\"()]{3,90}?)"
    r"(?=\s*[,.;:“”\"()]|\s+(?:said|says|told|added|who|which|that|in a statement)\b)")


_WORD = re.compile(r"[\w’'.\-]+")


def _org_inside(s: int, e: int, mentions: list[Mention]) -> str | None:
    inside = [m for m in mentions if s <= m.start and m.end <= e]
    groups = [m for m in inside if m.type in ("organisation", "militia")]
    places = [m for m in inside if m.type == "place"]
    pick = groups or places
    return pick[0].entity if pick else None


_WORD_END = re.compile(r"[\w’'.\-]+\Z")  # the last `_WORD` of a text that ends in one


def _may_end_in_title(left: str, heads: frozenset[str], abbrevs: frozenset[str]) -> bool:
    """Whether the phrase that `find_roles` gathers from the words of `left` (the text before a
    name) can be a title: only if its last word, the one next to the name, is a title's head.
    That word is taken directly (the text's end, its last whitespace-separated chunk), which
    is much cheaper than finding every word of the 120 characters before each of the archive's
    30,000 names, and rules out 3 names in 4. Exact: False only where `find_roles` would
    find nothing there; its own loop decides the rest."""
    body = left.rstrip()
    # no word, or punctuation between the last word and the name, or a line break: the
    # phrase is empty (its loop stops at the first gap that is not plain spaces)
    if not body or "\n" in left[len(body):] or _WORD_END.search(body[-1]) is None:
        return False
    last = _WORD_END.search(body.rsplit(None, 1)[-1]).group(0)
    low = last.lower()
    if last.endswith(".") and low not in abbrevs:
        return False  # a sentence end: the loop stops before taking it
    return low.rstrip(".") in heads


def find_roles(article_id: str, text: str, mentions: list[Mention]) -> list[FoundRole]:
    """Roles stated for the people (actor mentions) of one article."""
    out: list[FoundRole] = []
    heads, _, vocab = _vocab()
    abbrevs = _abbrevs()
    # the actors and their places, found in one pass (7 mentions in 8 are of something else)
    places = [i for i, m in enumerate(mentions) if m.type == "actor"]
    actors = [mentions[i] for i in places]
    for i in places:
        m = mentions[i]
        if m.text.islower():
            continue  # "the prime minister" is itself a title, not a name
        # 1. apposition after the name
        am = _AFTER.match(text, m.end)
        if am and _has_title(am.group(1)) and len(am.group(1).split()) <= 12:
            nxt = next((n for n in mentions[i + 1:] if n.start >= am.start(1)), None)
            if nxt is None or nxt.start >= am.end(1) or nxt.type != "actor" or nxt.entity == m.entity:
                title = re.sub(r"^(?:a|an|the)\s+", "", am.group(1).strip())
                s, e = am.start(1), am.end(1)
                out.append(FoundRole(m.entity, title, _org_inside(s, e, mentions), article_id, s, e))
        # 2. title phrase before the name
        base = max(0, m.start - 120)
        if not _may_end_in_title(text[base:m.start], heads, abbrevs):
            continue
        words = list(_WORD.finditer(text[base:m.start]))
        phrase: list[re.Match] = []
        for w in reversed(words):
            gap = text[base + w.end():(base + phrase[0].start()) if phrase else m.start]
            tok = w.group(0)
            if gap.strip() or "\n" in gap or (tok.endswith(".") and tok.lower() not in abbrevs):
                break  # punctuation or a sentence end between: the phrase stops there
            if tok.lower().rstrip(".") in vocab or (tok[:1].isupper() and phrase and len(phrase) < 6):
                phrase.insert(0, w)
                continue
            break
        while phrase and phrase[0].group(0).lower() in ("of", "for", "the", "and"):
            phrase.pop(0)
        if phrase and phrase[-1].group(0).lower().rstrip(".") in heads:
            s, e = base + phrase[0].start(), base + phrase[-1].end()
            title = text[s:e]
            if len(title) > 2 and not any(n.start < e and s < n.end for n in actors):  # no other name in it
                out.append(FoundRole(m.entity, title, _org_inside(s, e, mentions), article_id, s, e))
    return out
