"""Render an article body with its mentions linked and its quotes highlighted.

The reader stored the body as pieces: markup it produced from Markdown, and runs of the
article's plain text by offset. Annotations are spans of that text. They may nest or cross
(an event phrase contains a place; a quote crosses a paragraph), so at every boundary all open
tags are closed and the still-active ones reopened: the output is always well-formed.
"""
from __future__ import annotations

from markupsafe import Markup, escape

# Placeholder for relative links: the renderer replaces it with the path to the site root.
ROOT = "\x00ROOT\x00"


def _annotations(mentions, quotes, archive) -> list[tuple[int, int, int, str, str]]:
    """(start, end, nesting rank, open tag, close tag); lower rank = outer."""
    out = []
    for q in quotes:
        who = archive.entities[q.speaker_entity].name if q.speaker_entity else (q.speaker.text if q.speaker else "unknown speaker")
        title = escape(f"{'Quote' if q.kind == 'direct' else 'Reported speech'}: {who}")
        out.append((q.start, q.end, 0, f'<mark class="quote quote-{q.kind}" id="{q.id}" title="{title}">', "</mark>"))
        if q.speaker:
            out.append((q.speaker.start, q.speaker.end, 1, '<span class="speaker">', "</span>"))
    for m, path in mentions:
        if path:
            name = escape(archive.entities[m.entity].name)
            out.append((m.start, m.end, 2 if m.type != "event" else 1,
                        f'<a class="mention mention-{m.type}" href="{ROOT}{path}" title="{name}">', "</a>"))
    return out


def _open(tag: str, used_ids: set[str]) -> str:
    """An element split at a boundary is opened again; only its first piece keeps the id."""
    if ' id="' not in tag:
        return tag
    ident = tag.split(' id="', 1)[1].split('"', 1)[0]
    if ident in used_ids:
        return tag.replace(f' id="{ident}"', "")
    used_ids.add(ident)
    return tag


def _render_run(text: str, s: int, e: int, anns, used_ids: set[str]) -> str:
    """Escape text[s:e] and wrap annotated parts, keeping a stack of open elements: at each
    boundary only the elements that must close are closed, and those above them reopened."""
    active = [a for a in anns if a[0] < e and a[1] > s]
    if not active:
        return str(escape(text[s:e]))
    points = sorted({s, e, *(max(s, a[0]) for a in active), *(min(e, a[1]) for a in active)})
    # Sweep: elements enter at their (clipped) start and leave at their end, so each segment
    # costs only its own changes. Recomputing `live` from `active` for every segment was
    # quadratic: 60 KB of quotation marks (12,000 quotes) took 40 s to render.
    starts: dict[int, list] = {}
    ends: dict[int, list] = {}
    for x in active:
        lo, hi = max(s, x[0]), min(e, x[1])
        if lo < hi:
            starts.setdefault(lo, []).append(x)
            ends.setdefault(hi, []).append(x)
    out: list[str] = []
    stack: list[tuple] = []
    live: set[tuple] = set()
    for a, b in zip(points, points[1:]):
        live.difference_update(ends.get(a, ()))
        live.update(starts.get(a, ()))
        while any(x not in live for x in stack):
            out.append(stack.pop()[4])  # live elements popped here are reopened below
        new = [x for x in live if x not in stack]
        for x in sorted(new, key=lambda x: (x[2], -x[1], x[0], x[3])):  # full key: same bytes every run
            out.append(_open(x[3], used_ids))
            stack.append(x)
        out.append(str(escape(text[a:b])))
    while stack:
        out.append(stack.pop()[4])
    return "".join(out)


class ArticleBody:
    """An article body still to be rendered: what `render_body` needs, kept until a page is
    really rendered. Most builds carry most article pages over unrendered (pagekey.py), so
    the plan only describes the body; the render key is made from these inputs, and the HTML
    is made in the render worker that needs it."""

    __slots__ = ("article", "mentions", "quotes", "archive")

    def __init__(self, article, mentions, quotes, archive):
        self.article, self.mentions, self.quotes, self.archive = article, mentions, quotes, archive

    def key_inputs(self) -> tuple:
        """Everything the HTML depends on, as plain values: the article, the linked mentions,
        the quotes, and the names of the entities they show (looked up in `archive`)."""
        ents = self.archive.entities
        names = tuple(ents[m.entity].name for m, path in self.mentions if path)
        speakers = tuple(ents[q.speaker_entity].name if q.speaker_entity else None for q in self.quotes)
        # each mention as its plain field values: pickled at C speed, where a Mention object
        # costs a Python reduce call per mention (50 per article; pagekey.py)
        mentions = [(tuple(m.__dict__.values()), path) for m, path in self.mentions]
        return (self.article, mentions, tuple(self.quotes), names, speakers)

    def render(self) -> Markup:
        return render_body(self.article, self.mentions, self.quotes, self.archive)


def render_body(article, mentions, quotes, archive) -> Markup:
    anns = _annotations(mentions, quotes, archive)
    parts = []
    used_ids: set[str] = set()
    for piece in article.body:
        if piece[0] == "html":
            parts.append(piece[1])
        else:
            parts.append(_render_run(article.text, piece[1], piece[2], anns, used_ids))
    return Markup("".join(parts))
