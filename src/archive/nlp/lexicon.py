"""Load the linguistic data files in `archive/data/` (see its README)."""
from __future__ import annotations

from functools import lru_cache
from importlib import resources


def _lines(name: str) -> list[str]:
    text = resources.files("archive").joinpath("data", name).read_text(encoding="utf-8")
    return [line.split(" #", 1)[0].strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=None)
def word_list(name: str) -> tuple[str, ...]:
    return tuple(_lines(name))


@lru_cache(maxsize=None)
def word_set(name: str) -> frozenset[str]:
    """The entries of a data file, for membership tests."""
    return frozenset(_lines(name))


@lru_cache(maxsize=1)
def place_alias_groups() -> tuple[tuple[str, ...], ...]:
    """The names of each country in place_aliases.txt, its first (page) name first."""
    return tuple(tuple(n.strip() for n in line.split("|")) for line in _lines("place_aliases.txt"))


@lru_cache(maxsize=1)
def state_abbreviations() -> dict[str, str]:
    """Each US state's abbreviation after a town ("Mich.") → the state's name (state_abbreviations.txt)."""
    return {abbr: state for state, abbr in (map(str.strip, line.split("|")) for line in _lines("state_abbreviations.txt"))}


@lru_cache(maxsize=1)
def given_names() -> dict[str, str]:
    """A given name → "m" or "f" (given_names.txt)."""
    return {name: line[0] for line in _lines("given_names.txt") for name in line[2:].split()}


@lru_cache(maxsize=None)
def reporting_verbs() -> dict[str, tuple[str, bool]]:
    """form -> (lemma, takes_hearer)."""
    out: dict[str, tuple[str, bool]] = {}
    for line in _lines("reporting_verbs.txt"):
        lemma, _, forms = line.partition(":")
        words = forms.split()
        takes_hearer = "!tell" in words
        out[lemma.strip()] = (lemma.strip(), takes_hearer)
        # forms are whitespace-separated, but "points out" is two words: rebuild phrases
        # for particle verbs from the lemma's particle.
        particle = lemma.split()[1] if " " in lemma else None
        for w in words:
            if w == "!tell" or w == particle:
                continue
            form = f"{w} {particle}" if particle else w
            out[form] = (lemma.strip(), takes_hearer)
    return out
