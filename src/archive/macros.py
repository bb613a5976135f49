"""The macros every listing calls thousands of times (`entity_link`, `article_meta`,
`quote_item`), in Python: a Jinja macro call costs ~20 µs before it writes a character, and a
10,000-article site makes ~400,000 of them. templates/macros.html exports these under the
macros' names, so templates (and themes) import and call them as before; their output is
what the Jinja macros wrote, character for character.
"""
from __future__ import annotations

from functools import lru_cache

import jinja2
from markupsafe import Markup, escape


@jinja2.pass_context
def entity_link(ctx, ent) -> Markup:
    href = ctx["entity_url"](ent.id)
    if href:
        return Markup(f'<a class="entity entity-{escape(ent.type)}" href="{escape(href)}">{escape(ent.name)}</a>')
    return Markup(escape(ent.name))


def _meta(a) -> str:
    return _meta_of(a.date, a.source)


@lru_cache(maxsize=1 << 16)
def _meta_of(date, source) -> str:
    """By value (a PartialDate is a frozen dataclass): the same few thousand dates and
    sources recur on every listing page, ~150,000 times per 10,000-article site."""
    when = f'<time datetime="{escape(date.iso())}">{escape(date.human())}</time>' if date else "undated"
    return f'<span class="meta">{when}{f" · {escape(source)}" if source else ""}</span>'


@jinja2.pass_context
def article_meta(ctx, a) -> Markup:
    return Markup(_meta(a))


@jinja2.pass_context
def quote_item(ctx, q, show_speaker=True, show_article=True) -> Markup:
    text = f"“{escape(q.text)}”" if q.kind == "direct" else escape(q.text)
    out = [f'<li class="quote-item quote-{escape(q.kind)}">\n  <blockquote>{text}</blockquote>\n  <p class="attribution">']
    if show_speaker:
        if q.speaker_entity:
            out.append(entity_link(ctx, ctx["entities"][q.speaker_entity]))
            if q.speaker_role:
                out.append(f', <span class="role">{escape(q.speaker_role)}</span>')
        elif q.speaker:
            out.append(escape(q.speaker.text))
        else:
            out.append('<span class="unknown">speaker not identified</span>')
        out.append(" ")
    if q.cue:
        out.append(f'<span class="cue">({escape(q.cue)})</span> ')
    out.append(f'<span class="kind">{"quote" if q.kind == "direct" else "reported speech"}</span>')
    if show_article:
        a = ctx["archive"].article(q.article)
        out.append(f' — <a href="{escape(ctx["article_url"](a.id))}#{escape(q.id)}">{escape(a.title)}</a> {_meta(a)}')
    out.append("  </p>\n</li>")  # (the macro trimmed the newline after its last block tag)
    return Markup("".join(map(str, out)))


@jinja2.pass_context
def entity_articles(ctx, articles, contexts_by_article) -> Markup:
    """An entity's articles with the sentences that mention it (its page and its pages by date:
    ~200 articles and their contexts each, 1.7 ms a page as a Jinja macro)."""
    article_url = ctx["article_url"]
    out = ['<ul class="articles">\n']
    for a in articles:
        out.append(f'  <li><a href="{escape(article_url(a.id))}">{escape(a.title)}</a> {_meta(a)}\n'
                   '    <ul class="contexts">')
        for c in contexts_by_article.get(a.id, ()):
            out.append(f"<li>{escape(c.before)}<strong>{escape(c.text)}</strong>{escape(c.after)}</li>")
        out.append("</ul>\n  </li>\n")
    out.append("</ul>")
    return Markup("".join(out))


GLOBALS = {"_entity_link": entity_link, "_article_meta": article_meta, "_quote_item": quote_item,
           "_entity_articles": entity_articles}
