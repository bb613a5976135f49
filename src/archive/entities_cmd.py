"""`archive entities`: the editor's loop. What the registry does not know yet, most frequent
first, with the pipeline's type guess, counts and a context line; and YAML stubs, ready to edit
and paste into entities.yml, for the ones the editor picks.

The stubs are checked against the registry they will join: an alias that an existing entry
already claims is left out, so pasting them never breaks the build's registry validation.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from archive.config import load_config
from archive.discover import discover
from archive.errors import ArchiveError, ArticleError
from archive.index import Archive, build_index
from archive.nlp.normalise import alias_key
from archive.reader import read_article
from archive.registry import Registry, load_registry


@dataclass(frozen=True)
class Candidate:
    id: str
    type: str
    kind: str | None
    name: str
    aliases: tuple[str, ...]
    mentions: int
    articles: int
    context: str
    role: str | None
    affiliation: str | None


def load_archive(archive_dir: str | Path, model: str | None) -> tuple[Archive, Registry]:
    """Run the stages a build runs up to the index (no pages are written)."""
    from archive.annotate import Annotator

    config = load_config(archive_dir, {"model": model})
    registry = load_registry(config.registry_path)
    articles = []
    for src in discover(config.content_dir):
        try:
            articles.append(read_article(src, require_date=False))
        except ArticleError:
            continue  # `archive build` reports these; here they only lack candidates
    if not articles:
        raise ArchiveError(f"no articles found in {config.content_dir}")
    annotator = Annotator(registry, config.model)
    return build_index(annotator.annotate_all(articles), registry, annotator.info.name), registry


def candidates(archive: Archive) -> list[Candidate]:
    """Entities the pipeline found that the registry does not know, most mentioned first."""
    out = []
    for ent in archive.entities.values():
        n = archive.mention_counts.get(ent.id, 0)
        if ent.in_registry or not n:
            continue
        first = archive.entity_articles.get(ent.id)  # its first context is in its first article
        ctx = next(iter(archive.article_contexts(ent.id, first[0])), None) if first else None
        line = _context_line(ctx) if ctx else ""
        # The most informative role: one naming an organisation, not ending in a rank
        # abbreviation ("… spokesman Maj. Gen."), then the longest.
        roles = sorted(archive.roles.get(ent.id, []),
                       key=lambda r: (r.organisation is None, r.title.endswith("."), -len(r.title)))
        out.append(Candidate(
            id=ent.id, type=ent.type, kind=ent.kind, name=ent.name, aliases=tuple(ent.aliases),
            mentions=n, articles=len(archive.entity_articles.get(ent.id, [])), context=line,
            role=roles[0].title if roles else None,
            affiliation=next((r.organisation for r in roles if r.organisation), None),
        ))
    out.sort(key=lambda c: (-c.mentions, -c.articles, c.name.lower()))
    return out


def _context_line(ctx, width: int = 60) -> str:
    before = " ".join(ctx.before.split())
    after = " ".join(ctx.after.split())
    if len(before) > width:
        before = "…" + before[-width:].lstrip()
    if len(after) > width:
        after = after[:width].rstrip() + "…"
    return f"{before} [{ctx.text}] {after}".strip()


def select(cands: list[Candidate], ids: tuple[str, ...] = (), etype: str | None = None,
           min_mentions: int = 1, limit: int | None = None) -> list[Candidate]:
    chosen = [c for c in cands if (not ids or c.id in ids) and (etype is None or c.type == etype)
              and c.mentions >= min_mentions]
    missing = [i for i in ids if i not in {c.id for c in cands}]
    if missing:
        raise ArchiveError(f"not among the unknown entities: {', '.join(missing)} (run `archive entities` to list them)")
    return chosen[:limit] if limit else chosen


def format_table(cands: list[Candidate]) -> str:
    if not cands:
        return "The registry knows every entity the pipeline found."
    lines = [f"{len(cands)} entit{'y' if len(cands) == 1 else 'ies'} not in the registry (most mentioned first):", ""]
    for c in cands:
        kind = f", {c.kind}" if c.kind else ""
        lines.append(f"{c.mentions:4d}× in {c.articles} article{'s' if c.articles != 1 else ' '}  {c.id}  [{c.type}{kind}]  {c.name}")
        extra = []
        if c.aliases:
            extra.append("also: " + ", ".join(c.aliases))
        if c.role:
            extra.append("role: " + c.role)
        if extra:
            lines.append("        " + "; ".join(extra))
        if c.context:
            lines.append("        " + c.context)
    return "\n".join(lines)


def stubs(cands: list[Candidate], registry: Registry) -> str:
    """YAML entries for `cands`, to paste under `entities:`; aliases the registry already
    claims are dropped, affiliations kept only when they name a known id."""
    claimed = {alias_key(a) for a, _ in registry.aliases()}
    known_ids = {e.id for e in registry.entities} | {c.id for c in cands}
    chunks = []
    for c in cands:
        entry: dict = {"id": c.id, "type": c.type, "name": c.name}
        aliases = [a for a in c.aliases if alias_key(a) not in claimed and alias_key(a) != alias_key(c.name)]
        if aliases:
            entry["aliases"] = aliases
        if c.kind:
            entry["kind"] = c.kind
        if c.role:
            entry["role"] = c.role
        if c.affiliation and c.affiliation in known_ids:
            entry["affiliation"] = c.affiliation
        body = yaml.safe_dump([entry], allow_unicode=True, sort_keys=False, width=100)
        if c.type == "event":
            body += "  date:   # required for events: YYYY, YYYY-MM or YYYY-MM-DD\n"
        note = f"  # found {c.mentions}× in {c.articles} article(s); check the type and name"
        ctx = c.context
        chunks.append(note + "\n" + (f"  # e.g. {ctx}\n" if ctx else "")
                      + "\n".join("  " + line for line in body.rstrip().splitlines()))
    return "\n".join(chunks) + "\n"
