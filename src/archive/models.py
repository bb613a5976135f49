"""The typed data that flows between the pipeline's stages.

Every model is a frozen dataclass of plain, JSON-serialisable values: no spaCy or Jinja object
ever leaves its stage. That is what keeps caching, `archive extract --json` and templates simple.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

ENTITY_TYPES = ("actor", "militia", "organisation", "place", "event", "other")


# calendar.month_name formats a date with strftime on every look-up; pages ask ~50 times each.
_MONTH_NAMES = list(__import__("calendar").month_name)


@dataclass(frozen=True)
class PartialDate:
    """A date known to a given precision: '2021', '2021-04' or '2021-04-07'."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    def iso(self) -> str:
        out = f"{self.year:04d}"
        if self.month:
            out += f"-{self.month:02d}"
            if self.day:
                out += f"-{self.day:02d}"
        return out

    def sort_key(self) -> tuple[int, int, int]:
        return (self.year, self.month or 0, self.day or 0)

    def human(self) -> str:
        if not self.month:
            return str(self.year)
        month = _MONTH_NAMES[self.month]
        if not self.day:
            return f"{month} {self.year}"
        return f"{self.day} {month} {self.year}"

    def __str__(self) -> str:
        return self.iso()


@dataclass(frozen=True)
class SourceFile:
    """A file that discovery found: absolute path, path relative to the content root, hash."""

    path: Path
    rel: str
    sha256: str


@dataclass(frozen=True)
class Article:
    """An article as read from disk, before any NLP.

    `text` is the plain text that is analysed; every offset in the pipeline points into it.
    `body` describes the rendered body as a sequence of pieces: ("html", markup) for markup
    the reader produced from Markdown, ("text", start, end) for a run of `text` that the
    renderer escapes and annotates.
    """

    id: str
    slug: str
    path: str
    title: str
    text: str
    body: tuple[tuple, ...]
    date: PartialDate | None = None
    source: str | None = None
    url: str | None = None
    author: str | None = None
    tags: tuple[str, ...] = ()
    summary: str | None = None
    title_is_generated: bool = False


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class RawMention:
    """A mention as the pipeline found it, before registry resolution.

    `label` is the pipeline's label (a registry entity id when `source == "registry"`,
    else an NER label such as PERSON or ORG).
    """

    start: int
    end: int
    text: str
    label: str
    source: str  # "registry" | "ner" | "rules"


@dataclass(frozen=True)
class RawQuote:
    start: int
    end: int
    text: str
    kind: str  # "direct" | "indirect"
    cue: str | None
    speaker: Span | None
    # How the speaker was found: "explicit" (named in the attribution), "pronoun",
    # "anaphor" ("the source"), "carried" (no cue; the paragraph continues a speaker).
    speaker_via: str | None = None
    # For anaphoric speakers: the offsets of the earlier speaker span they refer to.
    antecedent: Span | None = None


@dataclass(frozen=True)
class AnnotatedArticle:
    article: Article
    mentions: tuple[RawMention, ...]
    quotes: tuple[RawQuote, ...]
    sentences: tuple[tuple[int, int], ...]
    pipeline: str
    # Dates written in the text, resolved against the publication date (dates.DateMention);
    # None when not found yet (the index then finds them). Kept in the annotation cache.
    dates: tuple | None = None


@dataclass(frozen=True)
class Mention:
    """A mention resolved to an entity."""

    start: int
    end: int
    text: str
    type: str
    entity: str


@dataclass(frozen=True)
class Quote:
    id: str
    article: str
    start: int
    end: int
    text: str
    kind: str
    cue: str | None
    speaker: Span | None
    speaker_entity: str | None
    # The speaker's title or descriptor, kept apart from the name: "Political analyst Ihssan
    # Shammari" → role "Political analyst", name "Ihssan Shammari" (nlp.quotes.split_role).
    speaker_role: str | None = None
    speaker_name: Span | None = None


@dataclass(frozen=True)
class Role:
    title: str
    organisation: str | None = None  # entity id
    since: PartialDate | None = None
    until: PartialDate | None = None


@dataclass
class Entity:
    """A real-world actor, militia, organisation, place or event.

    Mutable while the index is built (mentions are appended), read-only afterwards.
    """

    id: str
    type: str
    name: str
    aliases: list[str] = field(default_factory=list)
    kind: str | None = None
    description: str | None = None
    roles: list[Role] = field(default_factory=list)
    affiliation: str | None = None
    date: PartialDate | None = None
    place: str | None = None
    participants: list[str] = field(default_factory=list)
    in_registry: bool = False


def fast_maker(cls, names: tuple[str, ...]):
    """A constructor for dataclass `cls` from values in field order that sets the instance
    dict in one step: a frozen dataclass's __init__ sets each field through
    object.__setattr__, three times slower, and the load path makes ~500,000 such objects
    per build at 10,000 articles. Same object (fields, equality, hash, pickling) as `cls(*values)`,
    without the defaults: every field must be given. Falls back to `cls` itself if its fields
    are not `names` (in order) or it has no instance dict, so that a change here cannot make
    it build wrong objects."""
    import dataclasses

    if tuple(f.name for f in dataclasses.fields(cls)) != names or "__slots__" in cls.__dict__ \
            or cls.__dataclass_params__.init is False or getattr(cls, "__post_init__", None) is not None:
        return cls
    # generated, like dataclass's own __init__, so that the dict is a literal (no zip, no *args)
    args = ", ".join(names)
    items = ", ".join(f"{n!r}: {n}" for n in names)
    scope = {"new": object.__new__, "set_dict": object.__setattr__, "cls": cls}
    exec(f"def make({args}):\n    obj = new(cls)\n    set_dict(obj, '__dict__', {{{items}}})\n    return obj", scope)
    return scope["make"]


def to_jsonable(obj):
    """Turn models (and containers of them) into plain JSON data."""
    if hasattr(obj, "__dataclass_fields__"):
        if isinstance(obj, PartialDate):
            return obj.iso()
        return {k: to_jsonable(getattr(obj, k)) for k in obj.__dataclass_fields__}
    if isinstance(obj, dict):
        return {k: to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, Path):
        return str(obj)
    return obj
