"""Find registry aliases in text, ahead of (and overriding) statistical NER.

One compiled regular expression over folded text (diacritics, apostrophes and hyphens folded,
see `normalise.fold`) finds every alias with word boundaries, longest alias first. Acronyms
match case-sensitively; everything else ignores case. Pure: text in, spans out.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from archive.nlp.normalise import LOOSE_MIN, fold, is_acronym, loose_fold, loose_key, variants


# Names that end in "s" and would otherwise read as "name + stripped possessive".
_KNOWN_S = {"hamas", "homs", "iras", "unas", "isis", "emirates", "states", "forces", "brigades", "guards"}


@dataclass(frozen=True)
class AliasMatch:
    start: int
    end: int
    text: str
    entity: str


class RegistryMatcher:
    def __init__(self, aliases: list[tuple[str, str]]):
        """`aliases`: (surface form, entity id) pairs."""
        self._by_key: dict[str, str] = {}
        sensitive: set[str] = set()
        for alias, eid in aliases:
            acronym = is_acronym(alias)
            for v in variants(alias.strip()):
                key = v if acronym else v.lower()
                self._by_key.setdefault(key, eid)
                if acronym:
                    sensitive.add(key)
        keys = sorted(self._by_key, key=lambda k: (-len(k), k))
        parts = [re.escape(k) if k in sensitive else f"(?i:{re.escape(k)})" for k in keys]
        self._sensitive = sensitive
        # (?<!\w)…(?!\w): whole words only; "Iran" must not match inside "Iranian".
        # A trailing "s" is allowed (and left out of the span) for possessives whose apostrophe
        # was stripped upstream ("Bashar al-Assads forces", "Russias"); see __call__.
        self._regex = re.compile(r"(?<![\w])(?:" + "|".join(parts) + r")(?=s?(?![\w]))") if parts else None
        # Second pass for transliteration variants the editor did not list (Hizballah for
        # Hezbollah, Kazimi for Kadhimi): loose keys, capitalised text only (see normalise).
        self._by_loose: dict[str, str] = {}
        for alias, eid in aliases:
            if not is_acronym(alias) and len(lk := loose_key(alias)) >= LOOSE_MIN:
                self._by_loose.setdefault(lk, eid)
        lkeys = sorted(self._by_loose, key=lambda k: (-len(k), k))
        self._loose = re.compile(r"(?<![\w])(?:" + "|".join(map(re.escape, lkeys)) + r")(?![\w])") if lkeys else None

    def __call__(self, text: str) -> list[AliasMatch]:
        if self._regex is None:
            return []
        folded, offsets = fold(text)
        out = []
        for m in self._regex.finditer(folded):
            found = m.group(0)
            eid = self._by_key.get(found) or self._by_key.get(found.lower())
            if eid is None:
                continue
            start, end = offsets[m.start()], offsets[m.end() - 1] + 1
            if folded[m.end():m.end() + 1] == "s" and not self._possessive(found, text, start):
                continue
            out.append(AliasMatch(start, end, text[start:end], eid))
        if self._loose is not None:
            out = self._add_loose(text, out)
        return out

    def _possessive(self, found: str, text: str, start: int) -> bool:
        """'Assads' as a stripped possessive: a capitalised name, in a text without apostrophes,
        and not itself another name ('Hama' + 's' is Hamas)."""
        plural = found + "s"
        return (text[start].isupper() and "'" not in text and "’" not in text
                and plural not in self._by_key and plural.lower() not in self._by_key
                and plural.lower() not in _KNOWN_S)

    def _add_loose(self, text: str, exact: list[AliasMatch]) -> list[AliasMatch]:
        loose, offsets = loose_fold(text)
        found = []
        for m in self._loose.finditer(loose):
            start, end = offsets[m.start()], offsets[m.end() - 1] + 1
            while end < len(text) and text[end].isalpha():  # a collapsed double letter
                end += 1
            if not text[start].isupper():
                continue
            found.append(AliasMatch(start, end, text[start:end], self._by_loose[m.group(0)]))
        # A longer loose match wins over the exact ones inside it ("Kataeb Hizballah" is the
        # militia, not "Hizballah"); otherwise exact matches stand.
        exact_set = set(exact)  # `in` a list made this sort quadratic: 50 s for a 200 KB article
        merged = sorted(exact + found, key=lambda a: (a.start, -(a.end - a.start), a not in exact_set))
        out: list[AliasMatch] = []
        for a in merged:
            if out and a.start < out[-1].end:
                continue
            out.append(a)
        return out
