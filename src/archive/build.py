"""The orchestrator: one function that runs every stage once, top to bottom.

config → discover → read → annotate → index (barrier) → plan → render + write
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from archive.config import ArchiveConfig
from archive.discover import discover
from archive.errors import ArchiveError, ArticleError
from archive.index import build_index
from archive.plan import plan_site
from archive.reader import read_article
from archive.registry import load_registry
from archive.render import write_site

log = logging.getLogger("archive")


@dataclass
class BuildReport:
    output: Path
    pipeline: str = ""
    articles: int = 0
    skipped: list[ArticleError] = field(default_factory=list)
    entities: int = 0
    quotes: int = 0
    pages: int = 0
    seconds: float = 0.0

    @property
    def warnings(self) -> int:
        return len(self.skipped)

    def summary(self) -> str:
        return (f"Built {self.pages} pages into {self.output} in {self.seconds:.1f}s: "
                f"{self.articles} articles ({len(self.skipped)} skipped), {self.entities} entities, "
                f"{self.quotes} quotes. Pipeline: {self.pipeline}.")


def build(config: ArchiveConfig, annotator=None) -> BuildReport:
    """Build the site for `config`. Per-article problems are logged, skipped and counted;
    anything global raises ArchiveError and leaves the previous output untouched."""
    from archive.annotate import Annotator

    started = time.perf_counter()
    report = BuildReport(output=config.output_dir)
    registry = load_registry(config.registry_path)
    log.info("registry %s: %d entities", config.registry_path, len(registry.entities))
    sources = discover(config.content_dir)
    log.info("found %d article files in %s", len(sources), config.content_dir)
    if not sources:
        raise ArchiveError(f"no articles found in {config.content_dir} (set 'content:' in archive.yml)")
    articles = []
    ids: dict[str, str] = {}
    for src in sources:
        try:
            art = read_article(src, require_date=config.require_date)
            if art.id in ids:
                raise ArticleError(src.rel, f"id '{art.id}' is already used by {ids[art.id]}; set a different 'id' or 'slug'")
            ids[art.id] = src.rel
            articles.append(art)
        except ArticleError as exc:
            log.warning("skipped %s", exc)
            report.skipped.append(exc)
    annotator = annotator or Annotator(registry, config.model)
    report.pipeline = annotator.info.name
    log.info("annotating %d articles with %s", len(articles), annotator.info.name)
    annotated = annotator.annotate_all(articles)
    archive = build_index(annotated, registry, annotator.info.name)
    pages = plan_site(archive, config)
    log.info("rendering %d pages into %s", len(pages), config.output_dir)
    report.pages = write_site(pages, config, archive)
    report.articles = len(articles)
    report.entities = sum(1 for p in pages if p.kind == "entity")
    report.quotes = len(archive.quotes)
    report.seconds = time.perf_counter() - started
    return report
