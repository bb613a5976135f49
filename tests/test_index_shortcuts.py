"""The index's shortcuts give what the plain code gives: contexts, quote speakers, co-mentions,
roles before a name and bound titles, each against the code it replaced (kept here as the
reference), on random input and on the fixture archive."""
from __future__ import annotations

import pickle
import re
from bisect import bisect_right
from collections import Counter, defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive import index as index_mod
from archive import roles as roles_mod
from archive.index import Context, _add_contexts, _comentions, _speaker_entity, _speaker_finder
from archive.models import AnnotatedArticle, Article, Mention, Span
from archive.roles import FoundRole, find_roles
from test_load_path import annotated  # noqa: F401 (fixture: the resolve fixture archive, annotated)

# --- the references: the code as it was ---------------------------------------------------------


def _plain_contexts(contexts: dict, art: Article, sentences, ms: list[Mention], width: int = 160) -> None:
    ordered = all(sentences[i][1] <= sentences[i + 1][0] for i in range(len(sentences) - 1))
    starts = [x for x, _ in sentences] if ordered else None
    text, aid = art.text, art.id
    shown: dict[str, int] = {}
    for m in ms:
        n = shown.get(m.entity, 0)
        if n >= 3:
            continue
        shown[m.entity] = n + 1
        ms_, me_ = m.start, m.end
        if starts is not None:
            k = bisect_right(starts, ms_) - 1
            found = sentences[k] if k >= 0 and sentences[k][0] <= ms_ < sentences[k][1] else None
        else:
            found = next(((x, y) for x, y in sentences if x <= ms_ < y), None)
        s, e = found or (max(0, ms_ - width), min(len(text), me_ + width))
        before = text[max(s, ms_ - width):ms_]
        after = text[me_:min(e, me_ + width)]
        contexts.setdefault(m.entity, []).append(Context(aid, ("…" if ms_ - width > s else "") + before.lstrip(), m.text,
                                                         after.rstrip() + ("…" if me_ + width < e else "")))


def _plain_comentions(seen_lists: list[list[str]]) -> dict[str, Counter]:
    out: dict[str, Counter] = {}
    for seen in seen_lists:
        if len(seen) > 1:
            for x in seen:
                c = out.setdefault(x, Counter())
                c.update(seen)
                del c[x]
    return out


def _plain_before(text: str, m: Mention) -> tuple[int, int] | None:
    """The title phrase before a name, as find_roles found it: (start, end) or None."""
    heads, _, vocab = roles_mod._vocab()
    words = list(roles_mod._WORD.finditer(text[max(0, m.start - 120):m.start]))
    base = max(0, m.start - 120)
    phrase: list[re.Match] = []
    for w in reversed(words):
        gap = text[base + w.end():(base + phrase[0].start()) if phrase else m.start]
        tok = w.group(0)
        if gap.strip() or "\n" in gap or (tok.endswith(".") and tok.lower() not in roles_mod._abbrevs()):
            break
        if tok.lower().rstrip(".") in vocab or (tok[:1].isupper() and phrase and len(phrase) < 6):
            phrase.insert(0, w)
            continue
        break
    while phrase and phrase[0].group(0).lower() in ("of", "for", "the", "and"):
        phrase.pop(0)
    if phrase and phrase[-1].group(0).lower().rstrip(".") in heads:
        return base + phrase[0].start(), base + phrase[-1].end()
    return None


# --- random input -------------------------------------------------------------------------------

_PIECES = ["spokesman", "Spokesman", "analyst", "minister", "Minister", "Gen.", "gen.", "Lt.", "Dr.", "said", "the",
           "of", "for", "and", "Iraqi", "defense", "ministry", "Ali", "Hadi", "al-Amiri", "Kata’ib", "Sadr's", "x.",
           "chief", "staff", " ", "  ", "\n", "\t", "\xa0", "\r", "\u2009", ",", ".", "(", "“", "-", "’", "_", "9",
           "é", "İ", "ſ"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=60), st.lists(st.sampled_from(_PIECES), max_size=4))
def test_the_title_test_before_a_name_rules_out_only_names_without_a_title(left_words, joins):
    heads, _, _ = roles_mod._vocab()
    left = "".join(left_words) + "".join(joins)
    text = left + "Ali Hadi said."
    m = Mention(len(left), len(left) + 8, "Ali Hadi", "actor", "ali-hadi")
    if _plain_before(text, m) is not None:
        assert roles_mod._may_end_in_title(text[max(0, m.start - 120):m.start], heads, roles_mod._abbrevs())


def _plain_find_roles(article_id: str, text: str, mentions: list[Mention]) -> list[FoundRole]:
    """find_roles without the shortcut: the phrase before every name is looked for."""
    saved = roles_mod._may_end_in_title
    roles_mod._may_end_in_title = lambda *_: True
    try:
        return find_roles(article_id, text, mentions)
    finally:
        roles_mod._may_end_in_title = saved


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES + ["Ali Hadi", "Ali Hadi", "Kataib Hezbollah"]), max_size=50))
def test_find_roles_finds_what_it_found_without_the_shortcut(words):
    text = " ".join(words)
    mentions = []
    for name, etype in (("Ali Hadi", "actor"), ("Kataib Hezbollah", "militia")):
        for mt in re.finditer(re.escape(name), text):
            mentions.append(Mention(mt.start(), mt.end(), name, etype, name.lower().replace(" ", "-")))
    mentions.sort(key=lambda m: (m.start, -m.end))
    assert find_roles("a", text, mentions) == _plain_find_roles("a", text, mentions)


_spans = st.tuples(st.integers(0, 60), st.integers(0, 12)).map(lambda p: (p[0], p[0] + p[1]))


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(_spans, st.sampled_from(["actor", "organisation", "militia"]), st.sampled_from("abcd"))),
       st.lists(st.one_of(st.none(), _spans)))
def test_speakers_found_by_bisection_are_the_speakers_found_by_a_scan(mentions, spans):
    ms = sorted((Mention(s, e, "x", t, eid) for (s, e), t, eid in mentions), key=lambda m: (m.start, -m.end))
    find = _speaker_finder(ms)
    for span in spans:
        sp = None if span is None else Span(span[0], span[1], "x")
        assert find(sp) == _speaker_entity(sp, ms)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=" a\n.", max_size=500),
       st.lists(st.tuples(st.integers(0, 500), st.integers(0, 40), st.sampled_from("abcde"))),
       st.lists(st.tuples(st.integers(0, 500), st.integers(0, 200))), st.booleans(), st.integers(1, 200))
def test_contexts_are_the_contexts_made_the_plain_way(text, mentions, sentences, in_order, width):
    sents = tuple((s, s + n) for s, n in sentences)
    if in_order:  # as spaCy gives them (bisected); else the scan
        sents = tuple(sorted(sents))
    ms = sorted((Mention(s, s + n, text[s:s + n], "place", e) for s, n, e in mentions), key=lambda m: (m.start, -m.end))
    art = Article(id="a", slug="a", path="a.md", title="A", text=text, body=())
    fast: dict = defaultdict(list)
    plain: dict = {}
    _add_contexts(fast, art, sents, ms, width)
    fast = dict(fast)
    _plain_contexts(plain, art, sents, ms, width)
    assert fast == plain
    assert pickle.dumps(fast) == pickle.dumps(plain)  # same strings shared the same way


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from("abcdefg"), max_size=6).map(lambda xs: list(dict.fromkeys(xs)))))
def test_comentions_counted_per_entity_are_those_counted_per_article(seen_lists):
    ordered = [AnnotatedArticle(Article(id=f"a{i}", slug="", path="", title="", text="", body=()), (), (), (), "rules")
               for i in range(len(seen_lists))]
    entity_articles: dict[str, list[str]] = {}
    together = []
    for a, seen in zip(ordered, seen_lists):
        for x in seen:
            entity_articles.setdefault(x, []).append(a.article.id)
        if len(seen) > 1:
            together.extend(seen)
    ids = [a.article.id for a in ordered]
    fast, plain = _comentions(ids, seen_lists, together, entity_articles), _plain_comentions(seen_lists)
    assert list(fast) == list(plain)  # entity order
    assert [list(c.items()) for c in fast.values()] == [list(c.items()) for c in plain.values()]  # key order too
    # two articles with one id: counted article by article
    twice = ids + ids[:1]
    assert _comentions(twice, seen_lists + seen_lists[:1], together, entity_articles) == \
        _plain_comentions(seen_lists + seen_lists[:1])


# --- the fixture archive ------------------------------------------------------------------------

def test_titles_bound_beside_the_mentions_are_those_bound_with_spans_and_names(annotated):  # noqa: F811
    from archive.resolve import Resolver

    registry, anns = annotated
    resolver = Resolver(registry)
    resolver.learn(anns)
    found = 0
    for a in anns:
        ms = resolver.resolve_article(a)
        others = [m for m in ms if m.text.lower() not in ("president", "prime minister", "commander")]
        beside = resolver.titles.find_beside(a.article, others)
        assert beside == resolver.titles.find(a.article, [(m.start, m.end) for m in others], {m.entity for m in others})
        found += len(beside)
    assert found  # the fixture has bound titles


def test_index_parts_on_the_fixture_archive(annotated):  # noqa: F811
    from archive.index import build_index

    registry, anns = annotated
    archive = build_index(anns, registry, "rules")
    by_id = {a.article.id: a for a in anns}
    plain_contexts: dict = {}
    for art in archive.articles:
        a = by_id[art.id]
        _plain_contexts(plain_contexts, art, a.sentences, archive.mentions[art.id])
        ms = archive.mentions[art.id]
        speakers = [m for m in ms if m.type in index_mod.SPEAKER_TYPES]
        for q in (q for q in archive.quotes if q.article == art.id):
            rq = a.quotes[int(q.id.rsplit("-q", 1)[1]) - 1]
            assert q.speaker_entity == _speaker_entity(rq.antecedent or rq.speaker, speakers, art.text)
        assert find_roles(art.id, art.text, ms) == _plain_find_roles(art.id, art.text, ms)
    # an entity's contexts made article by article (an entity page's articles only, before
    # every entity's are made: a build keying a few entity pages, keydeps.py) are the same
    alone = {eid: [c for aid in archive.entity_articles.get(eid, []) for c in archive.article_contexts(eid, aid)]
             for eid in archive.entities}
    assert "contexts" not in archive.__dict__
    assert {eid: c for eid, c in alone.items() if c} == plain_contexts
    assert archive.contexts == plain_contexts
    assert list(archive.contexts) == list(plain_contexts)
    seen_lists = [list(dict.fromkeys(m.entity for m in archive.mentions[art.id])) for art in archive.articles]
    plain = _plain_comentions(seen_lists)
    assert list(archive.comentions) == list(plain)
    assert [list(c.items()) for c in archive.comentions.values()] == [list(c.items()) for c in plain.values()]


@pytest.mark.parametrize("left, expected", [
    ("said Iraqi defense ministry spokesman ", True),
    ("spokesman\n", False),         # a line break between: no phrase
    ("spokesman, ", False),         # punctuation between
    ("the spokesman.  ", False),    # a sentence end
    ("Gen. ", True),                # an abbreviation of a title
    ("", False),
    ("   ", False),
    ("(spokesman ", True),
    ("spokesman", True),            # right against the name
])
def test_the_title_test_on_examples(left, expected):
    heads, _, _ = roles_mod._vocab()
    assert roles_mod._may_end_in_title(left, heads, roles_mod._abbrevs()) is expected
