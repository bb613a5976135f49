"""`archive extract`: what the pipeline finds in some files, as JSON (for checking and scripts)."""
from __future__ import annotations

from pathlib import Path

from archive.config import load_config
from archive.discover import discover_inputs
from archive.errors import ArticleError
from archive.index import build_index
from archive.models import to_jsonable
from archive.reader import read_article
from archive.registry import load_registry


def extract(inputs: list[str], archive_dir: str | Path = ".", model: str | None = None) -> tuple[dict, list[ArticleError]]:
    """Run the same stages a build runs (with the archive's config and registry) and return
    the JSON document `archive extract --json` prints, plus the files that failed."""
    from archive.annotate import Annotator

    config = load_config(archive_dir, {"model": model})
    registry = load_registry(config.registry_path)
    articles, errors = [], []
    for src in discover_inputs(inputs):
        try:
            articles.append(read_article(src, require_date=False))
        except ArticleError as exc:
            errors.append(exc)
    annotator = Annotator(registry, config.model)
    annotated = annotator.annotate_all(articles)
    archive = build_index(annotated, registry, annotator.info.name)
    out = []
    for a in articles:  # input order, not date order
        out.append({
            "path": a.path, "id": a.id, "title": a.title,
            "date": a.date.iso() if a.date else None, "source": a.source,
            "text": a.text,
            "mentions": [to_jsonable(m) for m in archive.mentions[a.id]],
            "quotes": [_quote_json(q) for q in archive.quotes if q.article == a.id],
        })
    return {"pipeline": annotator.info.name, "articles": out}, errors


def _quote_json(q) -> dict:
    return {
        "start": q.start, "end": q.end, "text": q.text, "kind": q.kind, "cue": q.cue,
        "speaker": dict(to_jsonable(q.speaker), role=q.speaker_role,
                        name=to_jsonable(q.speaker_name) if q.speaker_name else None) if q.speaker else None,
        "speaker_entity": q.speaker_entity,
    }
