"""The sped-up hot paths give exactly what the straightforward versions gave."""
import posixpath
import unicodedata

from hypothesis import given, settings, strategies as st

from archive.nlp.normalise import _LOOSE_SUBS_1, _LOOSE_SUBS_2, _VOWELS, fold, loose_fold
from archive.render import relative

_APOSTROPHES = set("'’‘`´ʼʻʾʿ′")
_DASHES = set("-‐‑‒–—")


def reference_fold(text, keep_case=True):
    """The character-by-character fold that `normalise.fold` replaced."""
    def fold_char(ch):
        if ch in _APOSTROPHES:
            return ""
        if ch in _DASHES or ch.isspace():
            return " "
        return "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))

    out, offsets, prev_space, n = [], [], True, len(text)
    for i, ch in enumerate(text):
        if ch in _APOSTROPHES and i + 1 < n and text[i + 1] == "s" and (i + 2 == n or not text[i + 2].isalnum()):
            folded = " "
        else:
            folded = fold_char(ch)
        for c in folded:
            if c == " ":
                if prev_space:
                    continue
                prev_space = True
            else:
                prev_space = False
            out.append(c if keep_case else c.lower())
            offsets.append(i)
    offsets.append(len(text))
    return "".join(out), offsets


TRICKY = st.lists(st.sampled_from(list("aZs9 .,;\"()'’`-–—\n\t\u00a0éÉİßﬁ´ʼ") + ["  ", "Iran’s", "al-"]), max_size=20).map("".join)


@settings(max_examples=500, deadline=None)
@given(TRICKY, st.booleans())
def test_fold_matches_reference(text, keep_case):
    assert fold(text, keep_case) == reference_fold(text, keep_case)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30), st.booleans())
def test_fold_matches_reference_on_any_text(text, keep_case):
    assert fold(text, keep_case) == reference_fold(text, keep_case)


def test_fold_of_an_ordinary_sentence():
    text = "Iran’s  Quds-Force met al-Kadhimi in Baghdad."
    folded, offsets = fold(text)
    assert folded == "Iran s Quds Force met al Kadhimi in Baghdad."
    assert (folded, offsets) == reference_fold(text)


SEGMENT = st.sampled_from(["articles", "actors", "a", "index.html", "x.html", "static", "style.css"])


@settings(max_examples=300, deadline=None)
@given(st.lists(SEGMENT, min_size=1, max_size=3).map("/".join), st.lists(SEGMENT, min_size=1, max_size=3).map("/".join))
def test_relative_matches_relpath(from_page, target):
    base = posixpath.dirname(from_page) or "."
    assert relative(from_page, target) == posixpath.relpath(target, base)


def test_relative_odd_targets_fall_back_to_relpath():
    for target in ["a/../b.html", "./x.html", "a//b.html", "a/"]:
        assert relative("index.html", target) == posixpath.relpath(target, ".")


_LOOSE_SUBS = [("gh", "q"), ("dh", "z"), ("kh", "k"), ("th", "t"), ("sh", "s"), ("ph", "f"),
               ("ck", "k"), ("c", "k"), ("w", "u")]


def reference_loose_fold(text):
    """The scan-the-list loose fold that `normalise.loose_fold` replaced by look-ups."""
    folded, offsets = fold(text, keep_case=False)
    chars, offs = [], []
    i, n = 0, len(folded)
    while i < n:
        two = folded[i:i + 2]
        sub = next((r for p, r in _LOOSE_SUBS if len(p) == 2 and two == p), None)
        if sub is not None:
            c, step = sub, 2
        else:
            c = next((r for p, r in _LOOSE_SUBS if len(p) == 1 and folded[i] == p), folded[i])
            step = 1
        if c in "aeiou":
            c = "a"
        if not (chars and chars[-1] == c and c != " "):
            chars.append(c)
            offs.append(offsets[i])
        i += step
    offs.append(offsets[-1])
    out, out_offs, s, i = [], [], "".join(chars), 0
    while i < len(s):
        if s.startswith("al ", i) and (i == 0 or s[i - 1] == " ") and i + 3 < len(s):
            i += 3
            continue
        out.append(s[i])
        out_offs.append(offs[i])
        i += 1
    out_offs.append(offs[-1])
    return "".join(out), out_offs


LOOSE = st.lists(st.sampled_from(list("aeioughdkhtcspwAGHKQ .'’-é") + ["al ", "Gh", "ck", "  "]), max_size=20).map("".join)


@settings(max_examples=500, deadline=None)
@given(LOOSE)
def test_loose_fold_matches_reference(text):
    from archive.nlp.normalise import loose_fold

    assert loose_fold(text) == reference_loose_fold(text)


def reference_loose_fold(text):
    """loose_fold as one pass over the folded characters, then a pass dropping 'al ' words."""
    folded, offsets = fold(text, keep_case=False)
    chars, offs, i = [], [], 0
    while i < len(folded):
        sub = _LOOSE_SUBS_2.get(folded[i:i + 2])
        c, step = (sub, 2) if sub is not None else (_LOOSE_SUBS_1.get(folded[i], folded[i]), 1)
        c = "a" if c in _VOWELS else c
        if not (chars and chars[-1] == c and c != " "):
            chars.append(c)
            offs.append(offsets[i])
        i += step
    offs.append(offsets[-1])
    s, out, out_offs, i = "".join(chars), [], [], 0
    while i < len(s):
        if s.startswith("al ", i) and (i == 0 or s[i - 1] == " ") and i + 3 < len(s):
            i += 3
            continue
        out.append(s[i])
        out_offs.append(offs[i])
        i += 1
    out_offs.append(offs[-1])
    return "".join(out), out_offs


LOOSE_TRICKY = st.lists(st.sampled_from(["al", "al-", "el", "all", " ", "  ", "Qa'ani", "Ghaani", "kh", "sh", "th",
                                         "ck", "w", "oo", "Raqqa", "Hizballah", "-", "’s", "é", "x"]),
                        max_size=12).map("".join)


@settings(max_examples=500, deadline=None)
@given(LOOSE_TRICKY)
def test_loose_fold_matches_reference(text):
    assert loose_fold.__wrapped__(text) == reference_loose_fold(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_loose_fold_matches_reference_on_any_text(text):
    assert loose_fold.__wrapped__(text) == reference_loose_fold(text)
