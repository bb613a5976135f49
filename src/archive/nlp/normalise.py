"""Normalisation of names for matching: case, diacritics, apostrophes, hyphens, transliteration.

`fold(text)` returns the folded text together with a map from each folded character back to
its offset in the original, so matches found in folded text become exact character offsets.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Apostrophes and glottal-stop marks that transliterations use and drop at will:
# Kata’ib = Kata'ib = Kataib; Qa'ani = Qaani.
_APOSTROPHES = set("'’‘`´ʼʻʾʿ′")
_DASHES = set("-‐‑‒–—")


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if ch in _APOSTROPHES:
        return ""
    if ch in _DASHES:
        return " "
    if ch.isspace():
        return " "
    decomposed = unicodedata.normalize("NFKD", ch)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# Runs of characters that fold to themselves (ASCII letters, digits, most punctuation) with
# single inner spaces: `fold` copies them in one step instead of character by character. It
# is the hot path of every build (registry matching folds each article's whole text).
_PLAIN_RUN = re.compile(r"[A-Za-z0-9!\"#$%&()*+,./:;<=>?@\[\\\]^_{|}~]+(?: [A-Za-z0-9!\"#$%&()*+,./:;<=>?@\[\\\]^_{|}~]+)*")


def fold(text: str, keep_case: bool = True) -> tuple[str, list[int]]:
    """Fold `text` for matching; return (folded, offsets) where offsets[i] is the index in
    `text` of folded character i (plus one sentinel at the end)."""
    out: list[str] = []
    offsets: list[int] = []
    prev_space = True
    n = len(text)
    i = 0
    plain = _PLAIN_RUN.search(text)
    while i < n:
        if plain is not None and plain.start() == i:
            j = plain.end()
            run = text[i:j]
            out.append(run if keep_case else run.lower())
            offsets.extend(range(i, j))
            prev_space = False
            i = j
            plain = _PLAIN_RUN.search(text, j)
            continue
        ch = text[i]
        if ch in _APOSTROPHES and i + 1 < n and text[i + 1] == "s" and (i + 2 == n or not text[i + 2].isalnum()):
            folded = " "  # possessive "Iran’s": keep a word boundary before the "s"
        else:
            folded = _fold_char(ch)
        for c in folded:
            if c == " ":
                if prev_space:
                    continue
                prev_space = True
            else:
                prev_space = False
            out.append(c if keep_case else c.lower())
            offsets.append(i)
        i += 1
    offsets.append(len(text))
    return "".join(out), offsets


_THE = re.compile(r"^(?:the|The)\s+")


def without_the(name: str) -> str:
    """A name without the "the" before it ("the United States" → "United States")."""
    return _THE.sub("", name)


@lru_cache(maxsize=65536)
def alias_key(alias: str) -> str:
    """The case-insensitive key two aliases share when they should match the same text."""
    folded, _ = fold(alias.strip(), keep_case=False)
    return folded.strip()


def is_acronym(alias: str) -> bool:
    """'US', 'ISIS', 'PMF': matched case-sensitively so 'us' and 'Isis' (a name) stay apart."""
    letters = [c for c in alias if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and len(alias) <= 6


_TRANSLIT = [
    # Arabic and Persian names reach English in several spellings; each pair is a class of
    # letters that transliterations swap. Applied to both alias and text only through
    # `variants`, which expands an alias into the spellings editors would otherwise list.
    (r"\bGh", "Q"), (r"\bQ", "Gh"), (r"dh", "z"), (r"aa", "a"), (r"ou", "u"),
    (r"\bal ", ""), (r"\bAl ", ""), (r"\bel ", ""), (r"\bEl ", ""),
]


def variants(alias: str) -> set[str]:
    """Spelling variants of an alias: without an 'al-' prefix, Q/Gh, dh/z, aa/a …"""
    folded, _ = fold(alias)
    out = {folded}
    for pattern, repl in _TRANSLIT:
        for v in list(out):
            w = re.sub(pattern, repl, v)
            if w != v and len(w) >= 3:
                out.add(w)
    return out


def fold_offsets_span(offsets: list[int], start: int, end: int) -> tuple[int, int]:
    """Map a [start, end) span of folded text back to the original text."""
    return offsets[start], offsets[end - 1] + 1


# Loose matching: transliterations of Arabic and Persian names disagree mostly in vowels
# (Hezbollah/Hizballah, Kazemi/Kazimi, Kataib/Kataeb), in doubled letters (Qaani/Qani) and in a
# few consonant pairs (Q/Gh, dh/z, kh/k, ou/u). The loose key keeps the consonant skeleton and
# where vowels stand (every run of vowels becomes one "a"), so "Iraq" (arak) and "Raqqa" (rak a)
# stay apart while Qaani, Ghaani and Qa'ani meet. Only used for capitalised, long enough names:
# see `LOOSE_MIN`.
_LOOSE_SUBS = [("gh", "q"), ("dh", "z"), ("kh", "k"), ("th", "t"), ("sh", "s"), ("ph", "f"),
               ("ck", "k"), ("c", "k"), ("w", "u")]
# The same as look-ups (first pair wins, as in a scan of the list): this runs per character.
_LOOSE_SUBS_2 = {}
_LOOSE_SUBS_1 = {}
for _p, _r in _LOOSE_SUBS:
    (_LOOSE_SUBS_2 if len(_p) == 2 else _LOOSE_SUBS_1).setdefault(_p, _r)
# "y" stays a consonant: as a vowel it would make Mayadin (a town) = Midan (a district).
_VOWELS = set("aeiou")
LOOSE_MIN = 5  # loose keys shorter than this ("ran" for Iran) are too easy to collide


@lru_cache(maxsize=1 << 15)
def _loose_word(word: str) -> tuple[str, tuple[int, ...]]:
    """The loose form of one folded, lowercased word (no spaces) and, for each of its
    characters, the index in `word` it comes from. Words repeat across an article and an
    archive, so this per-character work is done once per distinct word."""
    chars: list[str] = []
    offs: list[int] = []
    i, n = 0, len(word)
    while i < n:
        sub = _LOOSE_SUBS_2.get(word[i:i + 2])
        if sub is not None:
            c, step = sub, 2
        else:
            c = _LOOSE_SUBS_1.get(word[i], word[i])
            step = 1
        if c in _VOWELS:
            c = "a"
        # Doubled letters and vowel runs collapse: Qaani = Qani, Raqqa = Raqa.
        if not (chars and chars[-1] == c):
            chars.append(c)
            offs.append(i)
        i += step
    return "".join(chars), tuple(offs)


# The registry matcher and the event matcher loose-fold the same article text one after the
# other: remember the last few. (Callers only read the returned list.)
@lru_cache(maxsize=4)
def loose_fold(text: str) -> tuple[str, list[int]]:
    """Like `fold`, lowercased, then reduced to the loose form; returns (loose, offsets into
    `text`) so that loose matches map back to exact spans.

    Works word by word: no substitution or collapse crosses a space (spaces are never
    collapsed), so each word's loose form is independent of its neighbours."""
    folded, offsets = fold(text, keep_case=False)
    parts: list[str] = []
    out_offs: list[int] = []
    words = folded.split(" ")
    pos = 0  # where the current word starts in `folded`
    skip_space = False
    for k, word in enumerate(words):
        if k:  # the space before this word
            if skip_space:
                skip_space = False
            else:
                parts.append(" ")
                out_offs.append(offsets[pos - 1])
        loose, rel = _loose_word(word)
        # The Arabic article inside a name is optional: "Mustafa al-Kadhimi" = "Mustafa
        # Kadhimi" (only before another word, never at the very end).
        if loose == "al" and _more_after(words, k):
            skip_space = True
        else:
            parts.append(loose)
            out_offs.extend([offsets[pos + r] for r in rel])
        pos += len(word) + 1
    out_offs.append(offsets[-1])
    return "".join(parts), out_offs


def _more_after(words: list[str], k: int) -> bool:
    """Is there any character after the space that follows word k? ("al " at the very end
    of the text stays.)"""
    return any(words[j] for j in range(k + 1, min(len(words), k + 3))) or k + 2 < len(words)


@lru_cache(maxsize=1 << 16)  # pure, and called for every name of every build
def loose_key(name: str) -> str:
    """The loose key of a whole name, without a leading article ('al-Kadhimi' = 'Kadhimi')."""
    bare = re.sub(r"^(?:al|el|the)[\s\-‐‑]+", "", name.strip(), flags=re.I)
    key, _ = loose_fold(bare)
    return key.strip()
