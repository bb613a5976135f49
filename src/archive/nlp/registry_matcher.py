"""Find registry aliases in text, ahead of (and overriding) statistical NER.

One compiled regular expression over folded text (diacritics, apostrophes and hyphens folded,
see `normalise.fold`) finds every alias with word boundaries, longest alias first. Acronyms
match case-sensitively; everything else ignores case. Pure: text in, spans out.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from archive.nlp.normalise import fold, is_acronym, variants


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
        self._regex = re.compile(r"(?<![\w])(?:" + "|".join(parts) + r")(?![\w])") if parts else None

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
            out.append(AliasMatch(start, end, text[start:end], eid))
        return out
