"""Pictures drawn at build time as inline SVG: no script, no fetch, readable in any browser.

- `timeline`: articles per month as bars, events as marks on the same axis, linked to their pages;
- `sparkline`: one entity's mentions per month over the archive's whole span;
- `ego_network`: an entity and the entities most often mentioned in the same articles;
- `network`: the co-mention network of the archive's most mentioned entities.

Layouts are deterministic (fixed order, fixed geometry, no random seed), so an unchanged
archive renders byte-identical pages. Colours come from CSS classes (static/style.css), so the
pictures follow dark mode and print styles. Every picture has a <title> and a text equivalent
on its page (counts in a table or list), because a picture alone is not accessible. Pictures
with links are role="group" (a role="img" may not contain focusable links, WCAG 4.1.2); each
link is named by its text label.
The co-mention graph is also exported as JSON (node-link, as networkx and d3 read it) and
GraphML (Gephi, Cytoscape, yEd) by `write_network_exports`.
"""
from __future__ import annotations

import calendar
import json
import math
from collections import Counter
from functools import cached_property
from itertools import repeat
from operator import attrgetter
from json.encoder import encode_basestring
from pathlib import Path

from markupsafe import Markup, escape

from archive.index import Archive
from archive.plan import entity_path

Month = tuple[int, int]


def _months(first: Month, last: Month) -> list[Month]:
    out, (y, m) = [], first
    while (y, m) <= last:
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _label(month: Month) -> str:
    return f"{calendar.month_name[month[1]]} {month[0]}"


def _fmt(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


_entity_of = attrgetter("entity")


class Pictures:
    """Every picture of one archive; counts are computed once and shared by all pages."""

    EDGES_PER_NODE = 4

    def __init__(self, archive: Archive, network_size: int = 40):
        self.archive = archive
        self.network_size = network_size

    # What the pictures are drawn from, counted on first use: a build whose pages all come
    # from the last build draws none. `derive` counts now.
    @property
    def article_months(self) -> Counter:
        return self._counts[0]

    @property
    def mention_months(self) -> dict[str, Counter]:
        return self._counts[1]

    @property
    def events(self) -> list:
        return self._counts[2]

    @property
    def span(self) -> list[Month]:
        return self._counts[3]

    def derive(self) -> None:
        """Count now (before worker processes fork, so that they share the counts)."""
        _ = self._counts

    @cached_property
    def _counts(self) -> tuple[Counter, dict[str, Counter], list, list[Month]]:
        return self._count()

    def _count(self) -> tuple[Counter, dict[str, Counter], list, list[Month]]:
        archive = self.archive
        article_months: Counter = Counter()
        mention_months: dict[str, Counter] = {}
        # (entity, month) pairs counted in C, then grouped by entity: the same counts in the
        # same order (first appearance) as a Counter increment per mention, about 3x faster
        # (half a million mentions at 10,000 articles).
        pairs: Counter = Counter()
        mentions = archive.mentions
        for art in archive.articles:
            if art.date is None or art.date.month is None:
                continue  # a year-only date has no place on a monthly axis
            month = (art.date.year, art.date.month)
            article_months[month] += 1
            ms = mentions.get(art.id)
            if ms:
                pairs.update(zip(map(_entity_of, ms), repeat(month)))
        for (eid, month), n in pairs.items():
            counts = mention_months.get(eid)
            if counts is None:
                counts = mention_months[eid] = Counter()
            counts[month] = n
        events = sorted((e for e in archive.entities.values() if e.type == "event" and e.date and e.date.month),
                        key=lambda e: (e.date.sort_key(), e.name))
        known = list(article_months) + [(e.date.year, e.date.month) for e in events]
        return article_months, mention_months, events, _months(min(known), max(known)) if known else []

    # --- timeline -------------------------------------------------------------------------
    def timeline(self, entity_url, compact: bool = False) -> Markup:
        if not self.span:
            return Markup("")
        w, h, left, bottom, top = 800, (110 if compact else 200), 28, 22, 10
        plot_h = h - bottom - top - (0 if compact else 24)
        step = (w - left - 4) / len(self.span)
        peak = max(self.article_months.values(), default=1)
        parts = [f'<svg class="chart timeline" viewBox="0 0 {w} {h}" role="group" aria-labelledby="tl-title" '
                 f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
                 f'<title id="tl-title">Articles per month, {_label(self.span[0])} to {_label(self.span[-1])}'
                 f' (highest: {peak})</title>']
        base = top + plot_h
        parts.append(f'<line class="axis" x1="{left}" y1="{base}" x2="{w - 2}" y2="{base}"/>')
        parts.append(f'<text class="tick" x="{left - 4}" y="{top + 8}" text-anchor="end">{peak}</text>')
        for i, month in enumerate(self.span):
            x = left + i * step
            n = self.article_months.get(month, 0)
            if month[1] == 1 or i == 0:
                parts.append(f'<line class="grid" x1="{_fmt(x)}" y1="{top}" x2="{_fmt(x)}" y2="{base + 4}"/>'
                             f'<text class="tick" x="{_fmt(x + 2)}" y="{base + 16}">{month[0]}</text>')
            if n:
                bh = max(2.0, plot_h * n / peak)
                parts.append(f'<rect class="bar" x="{_fmt(x + step * 0.1)}" y="{_fmt(base - bh)}" width="{_fmt(max(step * 0.8, 1))}" '
                             f'height="{_fmt(bh)}"><title>{_label(month)}: {n} article{"s" if n != 1 else ""}</title></rect>')
        if not compact:
            for j, ev in enumerate(self.events):
                i = self.span.index((ev.date.year, ev.date.month))
                x = left + (i + 0.5) * step
                y = h - 6 - (j % 2) * 10
                mark = (f'<circle class="event" cx="{_fmt(x)}" cy="{_fmt(y - 4)}" r="4"><title>{escape(ev.name)}, '
                        f'{escape(ev.date.human())}</title></circle>')
                href = entity_url(ev.id)
                parts.append(f'<a href="{escape(href)}">{mark}</a>' if href else mark)
        parts.append("</svg>")
        return Markup("".join(parts))

    def month_table(self) -> list[tuple[str, str, int]]:
        """(iso month, label, count) for months with articles: the timeline's text equivalent."""
        return [(f"{y:04d}-{m:02d}", _label((y, m)), n) for (y, m), n in sorted(self.article_months.items())]

    # --- sparkline ------------------------------------------------------------------------
    def sparkline(self, entity_id: str) -> Markup:
        counts = self.mention_months.get(entity_id)
        if not counts or len(self.span) < 2:
            return Markup("")
        w, h = 240, 36
        peak = max(counts.values())
        step = (w - 4) / (len(self.span) - 1)
        pts = " ".join(f"{_fmt(2 + i * step)},{_fmt(h - 3 - (h - 6) * counts.get(mo, 0) / peak)}" for i, mo in enumerate(self.span))
        total = sum(counts.values())
        busiest = max(sorted(counts), key=lambda mo: counts[mo])
        desc = (f"Mentions per month, {_label(self.span[0])} to {_label(self.span[-1])}: {total} in all, "
                f"most in {_label(busiest)} ({counts[busiest]})")
        return Markup(f'<svg class="chart sparkline" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
                      f'aria-label="{escape(desc)}" xmlns="http://www.w3.org/2000/svg"><title>{escape(desc)}</title>'
                      f'<polyline class="line" points="{pts}"/></svg>')

    # --- networks -------------------------------------------------------------------------
    def _node(self, eid: str, x: float, y: float, r: float, entity_url, label_side: str, center: bool = False) -> str:
        ent = self.archive.entities[eid]
        name = ent.name if len(ent.name) <= 24 else ent.name[:22] + "…"
        anchor = {"left": "end", "right": "start", "middle": "middle"}[label_side]
        dx = {"left": -r - 3, "right": r + 3, "middle": 0}[label_side]
        dy = 4 if label_side != "middle" else -r - 4
        body = (f'<circle class="node node-{ent.type}{" center" if center else ""}" cx="{_fmt(x)}" cy="{_fmt(y)}" r="{_fmt(r)}">'
                f'<title>{escape(ent.name)} ({ent.type}{self._mentions(eid) if center else ""})</title></circle>'
                f'<text class="label" x="{_fmt(x + dx)}" y="{_fmt(y + dy)}" text-anchor="{anchor}">{escape(name)}</text>')
        href = entity_url(eid)
        return f'<a href="{escape(href)}">{body}</a>' if href else body

    def _mentions(self, eid: str) -> str:
        # Only the centre of an ego network shows its own total: a neighbour's total would make
        # every page that shows it stale whenever an article mentions that neighbour (adding an
        # article to a 10,000-article archive re-rendered ~1,500 entity pages); what a neighbour
        # shares with the centre is on its edge ("N articles together").
        n = self.archive.mention_counts.get(eid, 0)
        return f', {n} mention{"s" if n != 1 else ""}'

    def neighbours(self, entity_id: str, limit: int = 8) -> list[tuple[str, int]]:
        co = self.archive.comentions.get(entity_id, Counter())
        ranked = sorted(((e, n) for e, n in co.items() if entity_path(self.archive, e)),
                        key=lambda en: (-en[1], self.archive.entities[en[0]].name.lower(), en[0]))
        return ranked[:limit]

    def ego_network(self, entity_id: str, entity_url, limit: int = 8) -> Markup:
        near = self.neighbours(entity_id, limit)
        if not near:
            return Markup("")
        w, h, cx, cy, radius = 640, 300, 320, 150, 105
        peak = max(n for _, n in near)
        ent = self.archive.entities[entity_id]
        parts = [f'<svg class="chart network ego" viewBox="0 0 {w} {h}" role="group" aria-label="{escape(ent.name)} and the '
                 f'{len(near)} entities most often mentioned in the same articles" xmlns="http://www.w3.org/2000/svg">'
                 f'<title>{escape(ent.name)} and the entities most often mentioned with it</title>']
        nodes = []
        for i, (eid, n) in enumerate(near):
            a = -math.pi / 2 + 2 * math.pi * i / len(near)
            x, y = cx + radius * math.cos(a) * 1.35, cy + radius * math.sin(a)
            parts.append(f'<line class="edge" x1="{cx}" y1="{cy}" x2="{_fmt(x)}" y2="{_fmt(y)}" '
                         f'stroke-width="{_fmt(1 + 4 * n / peak)}"><title>{n} article{"s" if n != 1 else ""} together</title></line>')
            side = "middle" if abs(math.cos(a)) < 0.2 else ("right" if math.cos(a) > 0 else "left")
            nodes.append(self._node(eid, x, y, 7, entity_url, side))
        parts += nodes
        parts.append(self._node(entity_id, cx, cy, 11, lambda _e: None, "middle", center=True))
        parts.append("</svg>")
        return Markup("".join(parts))

    def network_members(self) -> list[str]:
        """The archive network's nodes: the most mentioned entities that have a page and a neighbour."""
        ranked = sorted((eid for eid, n in self.archive.mention_counts.items()
                         if n and entity_path(self.archive, eid) and self.archive.comentions.get(eid)),
                        key=lambda e: (-self.archive.mention_counts[e], e))
        return ranked[: self.network_size]

    def network(self, entity_url) -> Markup:
        members = self.network_members()
        if len(members) < 2:
            return Markup("")
        # A circle, grouped by type then by mentions: related kinds sit together and the order,
        # hence the picture, never changes between builds of the same archive.
        order = ["actor", "militia", "organisation", "event", "place", "other"]
        members = sorted(members, key=lambda e: (order.index(self.archive.entities[e].type)
                                                 if self.archive.entities[e].type in order else 99,
                                                 -self.archive.mention_counts[e], e))
        w, h, cx, cy, radius = 980, 940, 490, 470, 270
        pos = {}
        for i, eid in enumerate(members):
            a = -math.pi / 2 + 2 * math.pi * i / len(members)
            pos[eid] = (cx + radius * math.cos(a), cy + radius * math.sin(a), a)
        inside = set(members)
        # Every pair of a busy archive co-occurs somewhere: drawing all pairs gives a hairball.
        # Keep, for each entity, its EDGES_PER_NODE strongest links (the exports keep them all).
        edges_d: dict[tuple[str, str], int] = {}
        for x in members:
            near = sorted(((y, n) for y, n in self.archive.comentions.get(x, {}).items() if y in inside and y != x),
                          key=lambda yn: (-yn[1], yn[0]))[: self.EDGES_PER_NODE]
            for y, n in near:
                edges_d[(min(x, y), max(x, y))] = n
        edges = sorted(edges_d.items())
        peak = max((n for _, n in edges), default=1)
        peak_m = max(self.archive.mention_counts[e] for e in members)
        parts = [f'<svg class="chart network whole" viewBox="0 0 {w} {h}" role="group" aria-labelledby="net-title" '
                 f'xmlns="http://www.w3.org/2000/svg"><title id="net-title">Co-mention network of the {len(members)} most '
                 f'mentioned entities, each linked to the {self.EDGES_PER_NODE} it is most often mentioned with</title>']
        for (x, y), n in edges:
            (x1, y1, _), (x2, y2, _) = pos[x], pos[y]
            parts.append(f'<line class="edge" x1="{_fmt(x1)}" y1="{_fmt(y1)}" x2="{_fmt(x2)}" y2="{_fmt(y2)}" '
                         f'stroke-width="{_fmt(0.6 + 3 * n / peak)}"/>')
        for eid in members:
            x, y, a = pos[eid]
            r = 3 + 7 * math.sqrt(self.archive.mention_counts[eid] / peak_m)
            side = "right" if math.cos(a) >= 0 else "left"
            # labels point outwards, rotated along the radius so that they never overlap
            deg = math.degrees(a) if side == "right" else math.degrees(a) + 180
            node = self._node(eid, x, y, r, entity_url, side)
            parts.append(f'<g transform="rotate({_fmt(deg)} {_fmt(x)} {_fmt(y)})">{node}</g>')
        parts.append("</svg>")
        return Markup("".join(parts))

    def network_data(self) -> dict:
        """The co-mention graph of every entity with a page, as node-link data."""
        return network_data(self.archive)


def network_data(archive: Archive) -> dict:
    """The co-mention graph of every entity with a page, as node-link data (it needs none of
    the counts `Pictures` makes, so the exports do not make them)."""
    arch = archive
    nodes = sorted(e for e in arch.entities if entity_path(arch, e) and arch.mention_counts.get(e))
    known = set(nodes)
    links = sorted({(min(x, y), max(x, y)): n for x in nodes for y, n in arch.comentions.get(x, {}).items()
                    if y in known and x != y}.items())
    return {
        "directed": False, "multigraph": False,
        "graph": {"description": "Entities linked when mentioned in the same article; weight = number of such articles"},
        "nodes": [{"id": e, "name": arch.entities[e].name, "type": arch.entities[e].type,
                   "mentions": arch.mention_counts[e], "articles": len(arch.entity_articles.get(e, [])),
                   "page": entity_path(arch, e)} for e in nodes],
        "links": [{"source": x, "target": y, "weight": n} for (x, y), n in links],
    }


def _json_value(v) -> str:
    return encode_basestring(v) if v.__class__ is str else json.dumps(v, ensure_ascii=False)


def network_json(data: dict) -> str:
    """json.dumps(data, ensure_ascii=False, indent=1) + newline, written directly: the json
    module indents in pure Python, ten times slower (tests check the two agree)."""
    out = ["{"]
    items = list(data.items())
    for n, (key, value) in enumerate(items):
        comma = "," if n < len(items) - 1 else ""
        if isinstance(value, list) and value and all(isinstance(x, dict) and x and all(
                v is None or isinstance(v, (str, int, float)) for v in x.values()) for x in value):
            rows = []
            for x in value:
                fields = ",\n".join(f"   {encode_basestring(k)}: {_json_value(v)}" for k, v in x.items())
                rows.append(f"  {{\n{fields}\n  }}")
            out.append(f" {encode_basestring(key)}: [\n" + ",\n".join(rows) + f"\n ]{comma}")
        else:  # small values: the json module, re-indented by one level
            text = json.dumps(value, ensure_ascii=False, indent=1).replace("\n", "\n ")
            out.append(f" {encode_basestring(key)}: {text}{comma}")
    out.append("}")
    return "\n".join(out) + "\n"


_GRAPHML_KEYS = [("name", "node", "string"), ("type", "node", "string"), ("mentions", "node", "int"),
                 ("articles", "node", "int"), ("page", "node", "string"), ("weight", "edge", "int")]


def _cdata(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(text: str) -> str:  # as ElementTree escapes attribute values
    return (_cdata(text).replace('"', "&quot;").replace("\r", "&#13;").replace("\n", "&#10;")
            .replace("\t", "&#09;"))


def _data(key: str, value) -> str:
    text = str(value)
    return f'   <data key="{key}">{_cdata(text)}</data>' if text else f'   <data key="{key}" />'


def graphml(data: dict) -> bytes:
    """GraphML of network_data(): the bytes ElementTree wrote (indented by one space, short
    empty elements, no final newline), written directly because ElementTree took ten times as
    long (tests check the two agree)."""
    out = ["<?xml version='1.0' encoding='utf-8'?>", '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">']
    out += [f' <key id="{n}" for="{k}" attr.name="{n}" attr.type="{t}" />' for n, k, t in _GRAPHML_KEYS]
    if not data["nodes"] and not data["links"]:
        out.append(' <graph id="comentions" edgedefault="undirected" />')
    else:
        out.append(' <graph id="comentions" edgedefault="undirected">')
        node_keys = [n for n, k, _ in _GRAPHML_KEYS if k == "node"]
        for node in data["nodes"]:
            out.append(f'  <node id="{_attr(node["id"])}">')
            out += [_data(name, node[name]) for name in node_keys]
            out.append("  </node>")
        for i, link in enumerate(data["links"]):
            out.append(f'  <edge id="e{i}" source="{_attr(link["source"])}" target="{_attr(link["target"])}">')
            out.append(_data("weight", link["weight"]))
            out.append("  </edge>")
        out.append(" </graph>")
    out.append("</graphml>")
    return "\n".join(out).encode("utf-8")


def write_network_exports(archive: Archive, folder: Path, reuse=None) -> dict[str, str]:
    """network/network.json and network/network.graphml beside the network page. With `reuse`
    (render.Reuse), files whose data did not change are carried over from the previous site;
    returns {path: key} of both."""
    folder.mkdir(parents=True, exist_ok=True)
    data = network_data(archive)
    key = reuse.key(("network", data)) if reuse is not None else None
    keyed = {}
    for name, make in (("network.json", lambda: network_json(data).encode("utf-8")), ("network.graphml", lambda: graphml(data))):
        rel = f"network/{name}"
        if key is not None:
            keyed[rel] = key
        if not (reuse is not None and reuse.link(rel, key)):
            (folder / name).write_bytes(make())
    return keyed
