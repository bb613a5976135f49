"""The load path's shortcuts give what the plain code gives: objects made by fast_maker, the
title regex tried at candidate offsets only, counting each (text, label) once, and the
resolver's memos."""
from __future__ import annotations

import pickle
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.models import Mention, Quote, RawMention, Span, fast_maker
from archive.resolve import Resolver, TitleBinder, name_key
from test_resolve import FIXTURE


def test_fast_maker_makes_the_same_object_as_the_constructor():
    make = fast_maker(Mention, ("start", "end", "text", "type", "entity"))
    a, b = make(1, 5, "Qaani", "actor", "esmail-qaani"), Mention(1, 5, "Qaani", "actor", "esmail-qaani")
    assert a == b and hash(a) == hash(b) and repr(a) == repr(b) and vars(a) == vars(b)
    assert list(vars(a)) == list(vars(b))  # same field order: pickled by value, same bytes
    assert pickle.dumps(a) == pickle.dumps(b)
    with pytest.raises(AttributeError):
        a.start = 2  # still frozen
    q = fast_maker(Quote, tuple(Quote.__dataclass_fields__))("a-q1", "a", 0, 4, "text", "direct", None,
                                                             Span(0, 1, "x"), None, None, None)
    assert q == Quote("a-q1", "a", 0, 4, "text", "direct", None, Span(0, 1, "x"), None)


def test_fast_maker_falls_back_to_the_class_when_it_cannot_be_exact():
    @dataclass(frozen=True, slots=True)
    class Slotted:
        a: int

    @dataclass
    class Checked:
        a: int

        def __post_init__(self):
            self.a = abs(self.a)

    assert fast_maker(Slotted, ("a",)) is Slotted
    assert fast_maker(Checked, ("a",)) is Checked
    assert fast_maker(RawMention, ("start", "end", "text", "source", "label")) is RawMention  # wrong order


@pytest.fixture(scope="module")
def binder():
    from archive.registry import load_registry
    from archive.config import load_config

    return TitleBinder(load_registry(load_config(FIXTURE, {"model": "rules"}).registry_path))


_WORDS = ["prime", "minister", "Prime", "MINISTER", "president", "President", "presidential", "commander",
          "xpresident", "the", "of", "Iraq", "\n", "  ", " ", ",", ".", "é", "’", "İ", "ſ", "K", "prime  minister"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), max_size=30))
def test_title_candidates_find_what_the_regex_finds(binder, words):
    assert binder._regex is not None  # the fixture registry has titles: nothing to compare otherwise
    text = " ".join(words) + "".join(words)
    assert [m.span() for m in binder._matches(text)] == [m.span() for m in binder._regex.finditer(text)]


def test_title_candidates_on_tricky_texts(binder):
    assert binder._regex is not None  # the fixture registry has titles: nothing to compare otherwise
    for text in ["President", "the president,president", "prime\nminister Prime   Minister", "vice-president",
                 "presidents", "_president", "1president", "PRESIDENT.", "Prİme minister", "pre­sident", ""]:
        assert [m.span() for m in binder._matches(text)] == [m.span() for m in binder._regex.finditer(text)]


def _learn_one_by_one(resolver: Resolver, annotated) -> None:
    """Resolver.learn as it was: every mention counted on its own."""
    for a in annotated:
        for raw in a.mentions:
            if raw.source == "registry" or resolver._registry_id(raw.text) is not None:
                continue
            etype = resolver._raw_type(raw)
            if etype is None:
                continue
            key = name_key(raw.text)
            resolver._types[key][etype] += 1
            resolver._forms[key][raw.text.strip()] += 1
            words = raw.text.split()
            if etype == "actor" and len(words) >= 2:
                resolver._surnames[name_key(words[-1])].add(key)


@pytest.fixture(scope="module")
def annotated():
    from archive.annotate import Annotator
    from archive.config import load_config
    from archive.discover import discover
    from archive.reader import read_article
    from archive.registry import load_registry

    config = load_config(FIXTURE, {"model": "rules"})
    registry = load_registry(config.registry_path)
    articles = [read_article(s) for s in discover(config.content_dir)]
    return registry, Annotator(registry, "rules").annotate_all(articles)


def test_learning_each_name_once_counts_what_counting_each_mention_counts(annotated):
    registry, anns = annotated
    fast, slow = Resolver(registry), Resolver(registry)
    fast.learn(anns)
    _learn_one_by_one(slow, anns)
    assert any(fast._types.values())
    for attr in ("_types", "_forms"):
        a, b = getattr(fast, attr), getattr(slow, attr)
        assert list(a) == list(b)  # key order too: later choices follow it
        assert [list(c.items()) for c in a.values()] == [list(c.items()) for c in b.values()]
    assert dict(fast._surnames) == dict(slow._surnames)


class _Forgetful(Resolver):
    """Forgets every memo before each resolution: the plain computation."""

    def resolve(self, raw, article_full=None):
        self._resolve_memo.clear()
        self._final_memo.clear()
        return super().resolve(raw, article_full)

    def resolve_article(self, a):
        self._final_memo.clear()
        self._full_memo.clear()
        return super().resolve_article(a)


def test_the_resolver_memos_change_no_resolution(annotated):
    registry, anns = annotated
    plain, memo = _Forgetful(registry), Resolver(registry)
    plain.learn(anns)
    memo.learn(anns)
    for a in anns + anns:  # twice: the second time everything is remembered
        assert memo.resolve_article(a) == plain.resolve_article(a)
    assert list(memo.entities) == list(plain.entities)
    assert memo._final_memo  # it did remember
