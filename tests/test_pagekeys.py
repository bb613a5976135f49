"""Render keys (pagekey.py) change whenever what a page shows changes: the flattened
contexts (quote and article digests, record field tuples) and the whole-archive digest made
from the index's inputs."""

import dataclasses
import gc

import pytest

import archive.build
from archive.build import build
from archive.config import load_config
from archive.pagekey import PageKeys
from archive.plan import PageSpec
from archive.render import site_context, theme_dir
from test_cache import make_archive


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = make_archive(tmp_path_factory.mktemp("keys") / "arch")
    config = load_config(root)
    keep, archive.build.KEEP_UNTIL_EXIT = archive.build.KEEP_UNTIL_EXIT, []
    try:
        build(config, jobs=1)
        arch, pages = archive.build.KEEP_UNTIL_EXIT[-1][2:4]
    finally:
        archive.build.KEEP_UNTIL_EXIT = keep
        gc.unfreeze()  # a build for a process about to end hides its objects from the collector
    return config, arch, pages


def keys_for(config, arch, fingerprint="fp"):
    return PageKeys(config, arch, [theme_dir("templates"), config.templates_dir], site_context(config, arch),
                    index_fingerprint=fingerprint)


def page(pages, kind, pred=lambda p: True):
    return next(p for p in pages if p.kind == kind and pred(p))


def with_context(spec, **changes):
    return PageSpec(spec.kind, spec.template, spec.path, {**spec.context, **changes}, subject=spec.subject)


def test_keys_are_stable_across_instances(built):
    config, arch, pages = built
    a, b = keys_for(config, arch), keys_for(config, arch)
    assert a.whole == b.whole
    for p in pages:
        assert a.key(p) is not None and a.key(p) == b.key(p)


def test_whole_digest_follows_fingerprint_articles_and_registry(built, tmp_path):
    config, arch, pages = built
    base = keys_for(config, arch).whole
    assert keys_for(config, arch, "other").whole != base
    assert keys_for(config, arch, None).whole != base  # no fingerprint: the resolved index's digest
    first = arch.articles[0]
    edited = dataclasses.replace(first, title=first.title + " (updated)")
    arch.articles[0] = edited
    try:
        assert keys_for(config, arch).whole != base
    finally:
        arch.articles[0] = first
    assert keys_for(config, arch).whole == base
    reg = config.registry_path
    text = reg.read_text(encoding="utf-8")
    try:
        reg.write_text(text + "\n# a comment\n", encoding="utf-8")
        assert keys_for(config, arch).whole != base
    finally:
        reg.write_text(text, encoding="utf-8")


def test_article_key_covers_its_quotes_and_linked_entities(built):
    config, arch, pages = built
    spec = page(pages, "article", lambda p: p.context["quotes"] and p.context["entity_counts"])
    k = keys_for(config, arch)
    base = k.key(spec)
    quotes = list(spec.context["quotes"])
    quotes[0] = dataclasses.replace(quotes[0], text=quotes[0].text + " more")
    assert k.key(with_context(spec, quotes=quotes)) != base
    # a linked entity renamed (the registry's name): the page shows its name
    ent, n = spec.context["entity_counts"][0]
    renamed = dataclasses.replace(ent, name=ent.name + " Renamed")
    assert k.key(with_context(spec, entity_counts=[(renamed, n), *spec.context["entity_counts"][1:]])) != base
    old = arch.entities[ent.id]
    arch.entities[ent.id] = renamed
    try:
        assert keys_for(config, arch).key(spec) != base  # the body's link texts too
    finally:
        arch.entities[ent.id] = old
    # the article itself edited
    art = spec.context["article"]
    assert k.key(with_context(spec, article=dataclasses.replace(art, title=art.title + "!"))) != base


def test_quote_key_covers_its_speaker_and_its_article(built):
    config, arch, pages = built
    q = next(q for q in arch.quotes if q.speaker_entity)
    spec = page(pages, "article", lambda p: q in p.context["quotes"])
    base = keys_for(config, arch).key(spec)
    ent = arch.entities[q.speaker_entity]
    arch.entities[q.speaker_entity] = dataclasses.replace(ent, name=ent.name + " X")
    try:
        assert keys_for(config, arch).key(spec) != base
    finally:
        arch.entities[q.speaker_entity] = ent
    # a quotes page showing the quote: editing the quote's article changes its key
    qspec = next(p for p in pages if p.kind in ("quotes", "quotes_page", "home")
                 and any(x is q for v in p.context.values() if isinstance(v, list) for x in v))
    base = keys_for(config, arch).key(qspec)
    i = next(i for i, a in enumerate(arch.articles) if a.id == q.article)
    art = arch.articles[i]
    edited = dataclasses.replace(art, title=art.title + " (updated)")
    arch.articles[i] = arch._articles_by_id[art.id] = edited
    try:
        assert keys_for(config, arch).key(qspec) != base
    finally:
        arch.articles[i] = arch._articles_by_id[art.id] = art


def test_entity_key_covers_contexts_quotes_and_articles(built):
    config, arch, pages = built
    spec = page(pages, "entity", lambda p: p.context["contexts"] and p.context["quotes"])
    k = keys_for(config, arch)
    base = k.key(spec)
    ctx = list(spec.context["contexts"])
    ctx[0] = dataclasses.replace(ctx[0], text=ctx[0].text + "x")
    assert k.key(with_context(spec, contexts=ctx)) != base
    # contexts_by_article is not hashed: it is `contexts` grouped by article, on every page
    for p in pages:
        if "contexts_by_article" in p.context:
            grouped = {}
            for c in p.context["contexts"]:
                grouped.setdefault(c.article, []).append(c)
            assert p.context["contexts_by_article"] == grouped, p.path
    qs = list(spec.context["quotes"])
    qs[0] = dataclasses.replace(qs[0], cue="declared")
    assert k.key(with_context(spec, quotes=qs)) != base
    arts = list(spec.context["articles"])
    arts[0] = dataclasses.replace(arts[0], title=arts[0].title + "?")
    assert k.key(with_context(spec, articles=arts)) != base
    assert k.key(with_context(spec, articles=arts[::-1])) != base or len(arts) == 1


def test_mixed_lists_still_key_by_value(built):
    config, arch, pages = built
    spec = page(pages, "entity", lambda p: p.context["quotes"])
    k = keys_for(config, arch)
    q = spec.context["quotes"][0]
    a = with_context(spec, extra=[q, "text"])
    b = with_context(spec, extra=[dataclasses.replace(q, text=q.text + "!"), "text"])
    assert k.key(a) is not None and k.key(a) != k.key(b)


def test_timeline_entries_key_by_every_field(built):
    """A month or year page of the timeline lists entries (spelled out inline for speed,
    pagekey._flat): a change to any field of any entry, or to its article or event, changes
    the page's key."""
    from archive.models import PartialDate
    from archive.timeline import timeline_entries

    config, arch, pages = built
    entries = timeline_entries(arch, arch.sentences)
    assert {e.kind for e in entries} >= {"article", "reported"}
    event = next((e for e in entries if e.kind == "event"), None)
    spec = PageSpec("timeline_year", "timeline_month.html", "timeline/2021/04.html", {"year": 2021, "entries": entries})
    k = keys_for(config, arch)
    base = k.key(spec)
    assert base is not None and base == keys_for(config, arch).key(spec)
    reported = next(i for i, e in enumerate(entries) if e.kind == "reported")
    e = entries[reported]
    changes = [dict(snippet=e.snippet + " more"), dict(date_text=e.date_text + "x"), dict(approximate=not e.approximate),
               dict(date=PartialDate(e.date.year, e.date.month, None if e.date.day else 1)), dict(kind="article"),
               dict(article=dataclasses.replace(e.article, title=e.article.title + "!"))]
    for change in changes:
        edited = list(entries)
        edited[reported] = dataclasses.replace(e, **change)
        assert k.key(with_context(spec, entries=edited)) != base, change
    if event is not None:
        i = entries.index(event)
        edited = list(entries)
        edited[i] = dataclasses.replace(event, entity=dataclasses.replace(event.entity, name=event.entity.name + " II"))
        assert k.key(with_context(spec, entries=edited)) != base
    assert k.key(with_context(spec, entries=entries[::-1])) != base
