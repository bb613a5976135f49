"""`archive extract`: what the pipeline finds in some files, as JSON (for checking and scripts)."""
from __future__ import annotations

from pathlib import Path

from archive.config import load_config
from archive.discover import discover_inputs
from archive.errors import ArticleError
from archive.index import build_index
from archive.models import to_jsonable
from archive.reader import TEXT_SUFFIXES, decode, read_article
from archive.registry import load_registry
from archive.srcmap import SourceMap


def extract(inputs: list[str], archive_dir: str | Path = ".", model: str | None = None) -> tuple[dict, list[ArticleError]]:
    """Run the same stages a build runs (with the archive's config and registry) and return
    the JSON document `archive extract --json` prints, plus the files that failed."""
    from archive.annotate import Annotator

    config = load_config(archive_dir, {"model": model})
    registry = load_registry(config.registry_path)
    articles, errors, files = [], [], {}
    for src in discover_inputs(inputs):
        try:
            articles.append(read_article(src, require_date=False))
            files[articles[-1].path] = src.path
        except ArticleError as exc:
            errors.append(exc)
    annotator = Annotator(registry, config.model)
    annotated = annotator.annotate_all(articles)
    archive = build_index(annotated, registry, annotator.info.name)
    out = []
    for a in articles:  # input order, not date order
        smap = _source_map(a, files[a.path])
        out.append({
            "path": a.path, "id": a.id, "title": a.title,
            "date": a.date.iso() if a.date else None, "source": a.source,
            "text": smap.source if smap else a.text,
            "offsets": "file" if smap else "text",
            "mentions": [_span_json(m, smap) for m in archive.mentions[a.id]],
            "quotes": [_quote_json(q, smap) for q in archive.quotes if q.article == a.id],
        })
    return {"pipeline": annotator.info.name, "articles": out}, errors


def _source_map(article, path: Path) -> SourceMap | None:
    """For a plain-text file, the map from the article's text onto the file as read (so the
    offsets match annotations made on the file); Markdown keeps offsets into its plain text."""
    if path.suffix.lower() not in TEXT_SUFFIXES:
        return None
    try:
        source = decode(path.read_bytes(), article.path).replace("\r\n", "\n")
    except (OSError, ArticleError):
        return None
    return SourceMap.build(article.text, source)


def _span_json(span, smap: SourceMap | None) -> dict:
    """A span (mention, speaker, name) as JSON, its offsets and text taken from the file when mapped."""
    data = to_jsonable(span)
    if smap is not None:
        data["start"], data["end"] = smap.span(span.start, span.end)
        data["text"] = smap.source[data["start"]:data["end"]]
    return data


def _quote_json(q, smap: SourceMap | None = None) -> dict:
    start, end, text = q.start, q.end, q.text
    if smap is not None:
        start, end = smap.span(q.start, q.end)
        text = smap.source[start:end]
    return {
        "start": start, "end": end, "text": text, "kind": q.kind, "cue": q.cue,
        "speaker": dict(_span_json(q.speaker, smap), role=q.speaker_role,
                        name=_span_json(q.speaker_name, smap) if q.speaker_name else None) if q.speaker else None,
        "speaker_entity": q.speaker_entity,
    }
