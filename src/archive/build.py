"""The orchestrator: one function that runs every stage once, top to bottom.

config → discover → read → annotate → index (barrier) → plan → render + write

Annotation goes through the cache (`cache.py`) and, like rendering, runs on `jobs` processes
(`executor.py`); the index and the plan are rebuilt from scratch every run, so they are never
stale. Writing keeps unchanged files as they are (`render.write_site`).
"""
from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from archive import pagekey
from archive.config import ArchiveConfig
from archive.discover import discover
from archive.early import EarlySite
from archive.errors import ArchiveError, ArticleError
from archive.index import build_index
from archive.lock import build_lock, stop_on_signals
from archive.plan import plan_site
from archive.reader import read_article
from archive.registry import load_registry
from archive.render import check_output_dir, theme_dir, write_site

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
    annotated: int = 0   # articles spaCy analysed
    rematched: int = 0   # cached spaCy output, mentions and quotes found afresh (registry/rules changed)
    reused: int = 0      # annotations taken from the cache as they were
    written: int = 0     # output files written (new or changed bytes)
    unchanged: int = 0   # output files kept as they were
    removed: int = 0     # output files deleted because their source is gone
    annotated_words: int = 0
    stages: dict[str, float] = field(default_factory=dict)  # seconds per stage, for -v and benchmarks
    search_seconds: float | None = None  # Pagefind's run, when this build ran it (part of "render + write")
    search_bundles: tuple[int, int] | None = None  # search bundles (indexed, of all) when Pagefind ran

    @property
    def warnings(self) -> int:
        return len(self.skipped)

    def summary(self) -> str:
        return (f"Built {self.pages} pages into {self.output} in {self.seconds:.1f}s: "
                f"{self.articles} articles ({len(self.skipped)} skipped), {self.entities} entities, "
                f"{self.quotes} quotes. Pipeline: {self.pipeline}.\n"
                f"Annotated {self.annotated}, re-matched {self.rematched}, reused {self.reused} from the cache; "
                f"files: {self.written} written, {self.unchanged} unchanged, {self.removed} removed."
                # where an editor's build time goes at 10,000 articles (README, "Search")
                + (f" Search index (Pagefind): {self.search_seconds:.1f}s, {self.search_bundles[0]} of "
                   f"{self.search_bundles[1]} bundles indexed." if self.search_seconds is not None else ""))


READ_CHUNK = 64  # articles per reading task; a pool only from 4 chunks per process
# At most this many changed article files: spaCy is loaded in a worker forked before reading
# them (annotate_stage.preload_worker). More: they are annotated on a pool after reading.
PRELOAD_MAX = 64


def _read_chunk(task):
    sources, require_date, max_bytes = task
    out = []
    for src in sources:
        try:
            out.append(read_article(src, require_date=require_date, max_bytes=max_bytes))
        except ArticleError as exc:  # returned as data: exceptions with extra fields do not pickle
            out.append((exc.path, exc.reason))
    return out


def _read_all(sources, require_date: bool, jobs: int, cache, max_bytes: int, on_changed=None) -> list:
    """Every article, in order: from the cache when its file is unchanged, else read (parsed)
    on `jobs` processes. A file the reader refused is a (path, reason) pair. `on_changed(n)`
    is told how many files must be read, before they are."""
    from archive.executor import make_executor

    out = [cache.get(src) for src in sources]
    todo = [src for src, art in zip(sources, out) if art is None]
    if on_changed is not None:
        on_changed(len(todo))
    if todo:
        chunks = [(todo[k:k + READ_CHUNK], require_date, max_bytes) for k in range(0, len(todo), READ_CHUNK)]
        executor = make_executor(jobs, len(todo), min_items_per_job=4 * READ_CHUNK)
        try:
            fresh = iter([a for chunk in executor.map(_read_chunk, chunks) for a in chunk])
        finally:
            executor.close()
        for k, art in enumerate(out):
            if art is None:
                out[k] = art = next(fresh)
                if not isinstance(art, tuple):  # only what was read now: the rest is in the cache
                    cache.put(sources[k], art)
    cache.save()
    return out


def build(config: ArchiveConfig, annotator=None, jobs: int | None = None, use_cache: bool = True,
          cache_dir: Path | None = None, show_progress: bool = False, index_search: bool = True) -> BuildReport:
    """Build the site for `config`. Per-article problems are logged, skipped and counted;
    anything global raises ArchiveError and leaves the previous output untouched.

    `jobs`: processes for annotation and rendering (default: all cores; output is identical
    for any value). `use_cache=False` neither reads nor writes the annotation cache.
    `index_search=False`: with `search` on, the pages are made for search (the search box),
    but Pagefind is left to the caller, who indexes the published site (`archive serve`:
    serve_search.py); the report says "deferred".

    One build per archive at a time (lock.build_lock); SIGTERM/SIGINT stop it cleanly."""
    import gc

    check_output_dir(config)  # before any work: an output that must not be replaced fails fast
    # No cyclic garbage collection during a build: it holds millions of long-lived objects (the
    # index, the pages), and each full collection walks them all (seconds at 10,000 articles,
    # and in forked workers it copies their memory pages). What a build makes is freed by
    # reference counting; cycles wait for the collector after the build.
    gc_was_on = gc.isenabled()
    if gc_was_on:
        gc.disable()
    try:
        with build_lock(config.root), stop_on_signals():
            return _build(config, annotator, jobs, use_cache, cache_dir, show_progress, index_search)
    finally:
        if gc_was_on:
            if KEEP_UNTIL_EXIT is not None:
                # The process ends after this build (cli.run). Every object the build made is
                # still in the youngest generation, so the first collection after `enable`
                # would walk them all (~1 s at 10,000 articles) for nothing: they are moved
                # out of the collector's sight first (reference counting still frees them).
                gc.freeze()
            gc.enable()


def _build(config: ArchiveConfig, annotator=None, jobs: int | None = None, use_cache: bool = True,
           cache_dir: Path | None = None, show_progress: bool = False, index_search: bool = True) -> BuildReport:
    from archive.annotate import Annotator
    from archive.annotate_stage import annotate_articles
    from archive.cache import (AnnotationCache, ArticleCache, analysis_fingerprint, annotation_fingerprint,
                               default_cache_dir, pipeline_setup, raise_max_length, reader_fingerprint)
    from archive.executor import can_fork, default_jobs

    jobs = jobs or default_jobs()

    started = time.perf_counter()
    report = BuildReport(output=config.output_dir)
    lap = [started]

    def stage(name: str) -> None:
        now = time.perf_counter()
        report.stages[name] = now - lap[0]
        lap[0] = now
        log.debug("stage %s: %.2fs", name, report.stages[name])

    cache_root = (cache_dir or default_cache_dir(config)) if use_cache else None
    hashes = None
    if cache_root is not None:
        from archive.cache import CACHE_VERSION, text_key
        from archive.discover import HashCache

        hashes = HashCache(cache_root / f"v{CACHE_VERSION}" / "hashes" / f"{text_key(str(config.content_dir.resolve()))[:20]}.json")
    found_skipped: list = []
    sources = discover(config.content_dir, found_skipped, hashes)
    fast_state = digest = None
    if cache_root is not None and annotator is None and index_search and sources:
        # Nothing changed since the last build, and its site and cache are intact: done.
        from archive import fastpath

        fast_state = fastpath.state_path(cache_root, config.output_dir)
        digest = fastpath.inputs_digest(config, sources, found_skipped)
        quick = fastpath.try_fast(fast_state, digest, config, BuildReport)
        if quick is not None:
            for exc in quick.skipped:
                log.warning("skipped %s", exc)
            quick.seconds = time.perf_counter() - started
            quick.stages = {"no change": quick.seconds}
            log.info("nothing changed since the last build; the site is as it was")
            return quick
        fastpath.remove_state(fast_state)  # the site is about to change
    registry = load_registry(config.registry_path)
    log.info("registry %s: %d entities", config.registry_path, len(registry.entities))
    report.skipped += found_skipped
    for exc in report.skipped:
        log.warning("skipped %s", exc)
    log.info("found %d article files in %s", len(sources), config.content_dir)
    if not sources:
        raise ArchiveError(f"no articles found in {config.content_dir} (set 'content:' in archive.yml)")
    read_cache = ArticleCache(cache_root, reader_fingerprint(config.require_date, config.max_article_size))
    made: dict = {}  # the annotator, its analysis fingerprint, and maybe a worker loading spaCy

    def make_annotator():
        if annotator is None:
            nlp, info, fp = pipeline_setup(config.model, cache_root)  # spaCy loads only if needed
            made["annotator"] = Annotator(registry, config.model, pipeline=(nlp, info))
        else:
            made["annotator"], fp = annotator, analysis_fingerprint(annotator.nlp, annotator.info)
        made["analysis"] = fp
        # spaCy refuses texts over nlp.max_length (1,000,000 characters) with an exception that
        # would stop the whole build; an article within max_article_size must always be analysed.
        raise_max_length(made["annotator"].nlp, config.max_article_size + 1)

    def on_changed(n: int) -> None:
        # A few files changed (an editor added or edited articles): their texts will probably
        # need spaCy, whose import and load take about a second. A worker forked now loads it
        # while this process reads and looks up everything else; it then annotates them.
        if annotator is None and jobs > 1 and 0 < n <= PRELOAD_MAX and cache_root is not None and can_fork():
            from archive.annotate_stage import preload_worker

            make_annotator()
            made["worker"] = preload_worker(made["annotator"])

    articles = []
    ids: dict[str, str] = {}
    for src, art in zip(sources, _read_all(sources, config.require_date, jobs, read_cache, config.max_article_size,
                                           on_changed)):
        try:
            if isinstance(art, tuple):  # (path, reason): the reader refused it
                raise ArticleError(*art)
            if art.id in ids:
                raise ArticleError(src.rel, f"id '{art.id}' is already used by {ids[art.id]}; set a different 'id' or 'slug'")
            ids[art.id] = src.rel
            articles.append(art)
        except ArticleError as exc:
            log.warning("skipped %s", exc)
            report.skipped.append(exc)
    stage("read")
    if "annotator" not in made:
        make_annotator()
    annotator, analysis_fp, worker = made["annotator"], made["analysis"], made.get("worker")
    stage("load pipeline")
    report.pipeline = annotator.info.name
    cache = AnnotationCache(cache_root, {
        "analysis": analysis_fp, "annotation": annotation_fingerprint(analysis_fp, registry, annotator.info)})
    manifest_path = cache.pages_manifest(config.output_dir)
    early_inputs = early = None
    articles_digest = pagekey.articles_digest(sources, articles)
    if cache_root is not None:
        early_inputs = pagekey.early_inputs(config, articles_digest, annotator.info.name, cache.fingerprints["annotation"],
                                            [theme_dir("templates"), config.templates_dir])
        # the last build's site, placed on the other core while the index is rebuilt (early.py)
        early = EarlySite.start(config, early_inputs, manifest_path, _pages_store(cache_root), jobs)
    try:
        log.info("annotating %d articles with %s", len(articles), annotator.info.name)
        try:
            annotated, ann = annotate_articles(articles, annotator, cache, jobs=jobs, show_progress=show_progress,
                                               executor=worker)
        finally:
            if worker is not None:
                worker.terminate()  # done, or not needed after all (the texts were in the cache)
        report.annotated, report.rematched, report.reused = ann.annotated, ann.rematched, ann.reused
        report.annotated_words = ann.words
        stage("annotate")
        archive = build_index(annotated, registry, annotator.info.name)
        stage("index")
        pages = plan_site(archive, config)
        stage("plan")
        log.info("rendering %d pages into %s", len(pages), config.output_dir)
        finish = SiteFinish(archive, config, pages, report, cache_root, show_progress, index_search, jobs)
        written = write_site(pages, config, archive, finish=finish,
                             jobs=jobs, show_progress=show_progress, manifest_path=manifest_path,
                             store_dir=_pages_store(cache_root), index_fingerprint=cache.fingerprints["annotation"],
                             finish_summary=lambda: {"data_rows": report.data_rows, "feeds": report.feeds,
                                                     "search": report.search},
                             early=early, early_inputs=early_inputs, articles_digest=articles_digest,
                             article_files={src.rel: src.sha256 for src in sources})
    finally:
        if early is not None:
            early.close()  # a failed build: the worker stops and its folder goes
    if written.finished:  # the finishing step's output was reused: report what it reported then
        report.data_rows = written.finished.get("data_rows", report.data_rows)
        report.feeds = written.finished.get("feeds", report.feeds)
        report.search = written.finished.get("search", report.search)
    stage("render + write")
    report.pages = written.pages
    report.written, report.unchanged, report.removed = written.written, written.unchanged, written.removed
    report.articles = len(articles)
    report.entities = sum(1 for p in pages if p.kind == "entity")
    report.quotes = len(archive.quotes)
    report.seconds = time.perf_counter() - started
    if KEEP_UNTIL_EXIT is not None:
        # everything large this frame holds: the caches keep every record they loaded (freeing
        # them one object at a time takes ~0.1 s at 10,000 articles, after the build is done)
        KEEP_UNTIL_EXIT.append((articles, annotated, archive, pages, cache, read_cache, made, registry))
    if fast_state is not None:
        fastpath.save_state(fast_state, digest, config, report,
                            [*cache.used, *read_cache.used, str(cache.pages_manifest(config.output_dir))])
    return report


def _pages_store(cache_root: Path | None) -> Path | None:
    """The page store's folder in the cache (render.write_site, pagestore.py)."""
    from archive.cache import CACHE_VERSION

    return cache_root / f"v{CACHE_VERSION}" / "pages-store" if cache_root is not None else None


# Set to a list by the `archive` command (cli.run): a build leaves its index and pages in it,
# so that they are never freed one object at a time; the command then ends the process at once.
KEEP_UNTIL_EXIT: list | None = None


# State for the finishing tasks (set by SiteFinish.prepare before the pool forks, read by `_finish_task`).
_FINISH: dict = {}


def _finish_task(task: tuple):
    """One independent part of the finishing step; each writes its own files into the site."""
    from archive.exports import write_exports
    from archive.feeds import write_feeds
    from archive.sitemap import write_sitemap
    from archive.svg import write_network_exports

    st = _FINISH
    tmp, archive, config = st["tmp"], st["archive"], st["config"]
    if task[0] == "data":
        from archive.export_rows import export_rows

        # The rows are made here, in the worker that writes them: JSON and CSV, then SQLite,
        # one task. (Made in the main process before the fork, they cost 0.45 s there, on one
        # core, at 10,000 articles; here they run beside the other tasks and the page keys, and
        # adding an article took 0.5 s less to render and write: 4.42 s against 4.94, 4 builds
        # each, side by side. The copy-on-write cost of reading the index in a forked worker,
        # which once made this 3x slower, is paid anyway now that the workers key the pages.)
        rows = export_rows(archive, getattr(st["reuse"], "article_keys", None))
        rows.make_mentions(st["previous"].wanted())
        return write_exports(archive, tmp / "data", {"title": config.title}, parts=("text", "sqlite"),
                             previous=st["previous"], reuse=st["reuse"], rows=rows)
    if task[0] == "feeds":
        _, k, n = task
        return write_feeds(archive, config, tmp, st["entity_ids"][k::n], main=k == 0, reuse=st["reuse"])
    if task[0] == "network":
        return write_network_exports(archive, tmp / "network", reuse=st["reuse"])
    return write_sitemap(st["pages"], config, tmp)


class SiteFinish:
    """What is made from the archive beside the pages: data exports, feeds, the network files
    and the sitemap (independent tasks, each writing its own files), then the search index
    (last: Pagefind indexes the finished HTML). render.write_site runs it in three parts so
    that the tasks share the render pool and run beside keying and rendering:

    - `prepare(tmp, reuse)` in the main process before the pool forks: reads the record of
      the previous exports and returns the tasks, longest first;
    - `run(task)` in any process of the pool (state inherited through the fork);
    - `complete(results)` once every page and static file is in `tmp`: reports, saves the
      export record and indexes for search. Returns {path: key} of the files made from keyed
      inputs (see render.Reuse), whose previous versions the next build copies from.
    """

    def __init__(self, archive, config: ArchiveConfig, pages, report: BuildReport, cache_root: Path | None = None,
                 show_progress: bool = False, index_search: bool = True, jobs: int = 1):
        self.archive, self.config, self.pages, self.report, self.cache_root = archive, config, pages, report, cache_root
        self.show_progress = show_progress
        # Pagefind runs here only if the build makes the index
        self.indexes = config.search and index_search
        self.jobs = jobs  # Pagefind processes at a time (one per search bundle)
        self.tmp: Path | None = None
        self.state_file: Path | None = None
        self.reuse = None  # render.Reuse, given by `prepare`

    def prepare(self, tmp: Path, reuse=None) -> list[tuple]:
        from archive.export_state import state_path
        from archive.exports import previous_exports

        self.tmp, self.reuse = tmp, reuse
        # The record of what data/ holds lives in the build's cache folder, which is on exactly
        # when the pages are keyed (`reuse.keys`).
        self.state_file = (state_path(self.cache_root) if self.cache_root is not None and reuse is not None
                           and getattr(reuse, "keys", None) is not None else None)
        previous = previous_exports(self.state_file, getattr(reuse, "manifest", None), getattr(reuse, "out", None),
                                    getattr(reuse, "store", None))
        _FINISH.update(tmp=tmp, archive=self.archive, config=self.config, pages=self.pages, reuse=reuse,
                       previous=previous,
                       entity_ids=[p.subject.id for p in self.pages if p.kind == "entity"])
        # Longest first: the pool hands the next task to whichever process is free. At 10,000
        # articles, adding one: data ~0.6 s (rows 0.3, JSON and CSV 0.2, SQLite 0.1), the
        # feeds ~0.2 s, network ~0.25 s, sitemap ~0.1 s.
        return [("data",), ("feeds", 0, 2), ("feeds", 1, 2), ("network",), ("sitemap",)]

    run = staticmethod(_finish_task)

    @property
    def variant(self) -> str:
        """What this step's output is, beyond its key's inputs: a build that leaves the index
        to its caller makes other files than one that indexes (render.write_site)."""
        return "search index deferred" if self.config.search and not self.indexes else ""

    def complete(self, results: dict) -> dict[str, str]:
        from archive.exports import save_exports_state

        report = self.report
        data = results[("data",)]
        report.data_rows = data["rows"]
        save_exports_state(self.state_file, data["state"])
        (n1, keyed1), (n2, keyed2) = results[("feeds", 0, 2)], results[("feeds", 1, 2)]
        report.feeds = n1 + n2
        keyed = {**data["keys"], **keyed1, **keyed2, **(results[("network",)] or {})}
        if self.variant:
            report.search = "deferred"  # the caller indexes the published site
        elif self.config.search:
            keyed.update(self._index_search())
        return keyed

    def _index_search(self) -> dict[str, str]:
        """Run Pagefind on the bundles whose pages changed, carrying the others over from the
        last build (its site, or the page store); {path: bundle key} of every index file.

        A page is known unchanged by its file: this build keeps the very file of the last
        build (or of the page store, which shares it) for a page whose bytes did not change,
        and makes a new one for a page that did (render.write_site). Its render key would say
        less: an entity page's key changes with any article it lists, also when its bytes do
        not. Published in place (`reuse.partial`), `tmp` holds only the changed files: the
        others, carried bundles too, stay in the site."""
        from archive.progress import status
        from archive.publish import files_under
        from archive.search import BUNDLE, build_index, index_sections
        from archive.search_bundles import stat_token

        reuse, report, tmp = self.reuse, self.report, self.tmp
        partial = bool(getattr(reuse, "partial", False))
        out = getattr(reuse, "out", None)

        def source(rel: str) -> Path:  # the file of page `rel` in the site being made
            path = tmp / rel
            return out / rel if partial and not os.path.lexists(path) else path

        token = stat_token(source) if reuse is not None and getattr(reuse, "keys", None) is not None else None
        last = getattr(reuse, "last", None) or {}
        by_key: dict[tuple[str, str], list[str]] = {}  # (bundle, key) → its files in the last build
        for rel, entry in last.items():
            if rel.startswith(BUNDLE + "/") and rel.count("/") >= 2 and entry and isinstance(entry[0], str):
                by_key.setdefault((rel.split("/", 2)[1], entry[0]), []).append(rel)
        in_place: dict[str, str] = {}  # index files left where they are in the site: their key

        def carry(bundle, key: str) -> bool:
            rels = by_key.get((bundle.name, key))
            if not rels:
                return False
            if partial and all(reuse.in_site(rel, key) for rel in rels):
                in_place.update(dict.fromkeys(rels, key))
                return True
            return all(reuse.link(rel, key) for rel in rels)

        began = time.perf_counter()
        with status("search index (Pagefind)", self.show_progress):
            result = build_index(tmp / BUNDLE, [p.path for p in self.pages], source, index_sections(self.config),
                                 self.jobs, token, carry)
        if result.problem:
            log.warning("%s; the site has no search index", result.problem)
            report.search = "skipped"
            return {}
        report.search = "pagefind"
        report.search_seconds = time.perf_counter() - began
        log.debug("search index: %d bundles carried over in %.2fs, %d indexed in %.2fs", len(result.carried),
                  result.seconds[0], len(result.indexed), result.seconds[1])
        report.search_bundles = (len(result.indexed), len(result.indexed) + len(result.carried))
        keyed: dict[str, str] = dict(in_place)
        for name, key in result.keys.items():
            if key is not None:
                keyed.update((f"{BUNDLE}/{name}/{rel}", key) for rel in files_under(tmp / BUNDLE / name))
        return keyed

    def close(self) -> None:
        _FINISH.clear()
