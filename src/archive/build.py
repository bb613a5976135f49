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
    # What the finishing step added (issue 6): rows per data table, feeds, search status.
    data_rows: dict = field(default_factory=dict)
    feeds: int = 0
    search: str = "off"

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
    report.pages = write_site(pages, config, archive, finish=lambda tmp: _finish_site(tmp, archive, config, pages, report))
    report.articles = len(articles)
    report.entities = sum(1 for p in pages if p.kind == "entity")
    report.quotes = len(archive.quotes)
    report.seconds = time.perf_counter() - started
    return report


def _finish_site(tmp: Path, archive, config: ArchiveConfig, pages, report: BuildReport) -> None:
    """What is made from the rendered site, in the temp folder before the swap; search last,
    because Pagefind indexes the finished HTML."""
    from archive.exports import write_exports
    from archive.feeds import write_feeds
    from archive.search import build_index as build_search_index
    from archive.sitemap import write_sitemap
    from archive.svg import write_network_exports

    report.data_rows = write_exports(archive, tmp / "data", {"title": config.title})
    write_network_exports(archive, tmp / "network")
    report.feeds = write_feeds(archive, config, tmp, [p.context["entity"].id for p in pages if p.kind == "entity"])
    write_sitemap(pages, config, tmp)
    if config.search:
        problem = build_search_index(tmp)
        if problem:
            log.warning("%s", problem)
        report.search = problem and "skipped" or "pagefind"
