"""From an `Analysis` (what spaCy found) and the registry to raw mentions and quotes.

Pure and cheap: it runs every build, so a registry edit never needs spaCy to run again.
"""
from __future__ import annotations

from archive.resolve import LABEL_TYPES
from archive.models import RawMention, RawQuote, Span
from archive.nlp.analyse import Analysis
from archive.nlp.events import find_events
from archive.nlp.names import find_names
from archive.nlp.quotes import find_quotes
from archive.nlp.registry_matcher import RegistryMatcher

# Statistical NER labels we keep (others, e.g. DATE or CARDINAL, are not entities of a page).
NER_LABELS = frozenset(LABEL_TYPES)


def _overlaps(a: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(a[0] < e and s < a[1] for s, e in spans)


def find_mentions(text: str, analysis: Analysis, matcher: RegistryMatcher, use_ner: bool,
                  event_matcher: RegistryMatcher | None = None, registry_types: dict[str, str] | None = None) -> list[RawMention]:
    """Registry matches, then names (NER and/or rules), then events: the registry's, and those
    written around the names found (`events.py`; `registry_types`: entity id → type, for the
    registry's matches)."""
    registry = [RawMention(m.start, m.end, m.text, m.entity, "registry") for m in matcher(text)]
    taken = [(m.start, m.end) for m in registry]
    found = list(registry)
    if use_ner:
        for s, e, label in analysis.ents:
            if label in NER_LABELS and not _overlaps((s, e), taken):
                found.append(RawMention(s, e, text[s:e], label, "ner"))
                taken.append((s, e))
    for m in find_names(text, list(analysis.sentences), taken):
        # Rules fill what NER missed; with NER they only add what it has no label for.
        if not use_ner or m.label == "MILITIA":
            found.append(m)
    found.sort(key=lambda m: (m.start, -m.end))
    found = _drop_nested(found)
    if event_matcher is not None:
        # Event mentions may contain other mentions; they never displace them.
        found.extend(RawMention(m.start, m.end, m.text, m.entity, "registry") for m in event_matcher(text))
        found.sort(key=lambda m: (m.start, -m.end))
    types = registry_types or {}

    def type_of(m: RawMention) -> str | None:
        return types.get(m.label) if m.source == "registry" else LABEL_TYPES.get(m.label)

    events = find_events(text, found, type_of)
    if events:
        found.extend(events)
        found.sort(key=lambda m: (m.start, -m.end))
    return found


def _drop_nested(mentions: list[RawMention]) -> list[RawMention]:
    out: list[RawMention] = []
    for m in mentions:
        if out and m.start < out[-1].end:
            continue
        out.append(m)
    return out


def find_all_quotes(text: str, analysis: Analysis, mentions: list[RawMention], speaker_kind) -> list[RawQuote]:
    """`speaker_kind(mention)` says which mentions can be a speaker: 'person', 'group' or None."""
    subjects = [(Span(m.start, m.end, m.text), k) for m in mentions if (k := speaker_kind(m))]
    return find_quotes(text, list(analysis.sentences), subjects, analysis.parse_subjects(text) or None)
