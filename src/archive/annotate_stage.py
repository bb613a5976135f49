"""The annotate stage over a whole archive: cache look-ups, then the misses on the executor.

For each article (in order): a cached annotation is reused as it is; else a cached spaCy
analysis is re-matched against the current registry and rules (`Annotator.finish`, no spaCy);
else the text is analysed. Work goes to the executor in chunks, and Docs never outlive their
chunk, so memory stays flat however many articles there are.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from archive.cache import (AnnotationCache, LazyPipeline, analysis_from_record, analysis_record, annotated_from_record,
                           annotation_record, compact_annotation, dates_record, with_dates)
from archive.executor import SerialExecutor, make_executor
from archive.models import AnnotatedArticle, Article
from archive.nlp.analyse import tokenizable, analysis_from_doc
from archive.progress import progress

log = logging.getLogger("archive")

CHUNK = 32  # articles per task: big enough for nlp.pipe batching, small enough to bound memory


@dataclass
class AnnotateStats:
    annotated: int = 0   # spaCy ran
    rematched: int = 0   # spaCy output from the cache, mentions and quotes found afresh
    reused: int = 0      # everything from the cache
    words: int = 0       # words that spaCy analysed


# Worker state: set once per process by `_init`, read by `_annotate_chunk`.
_WORKER: dict = {}


def _init(annotator) -> None:
    _WORKER["annotator"] = annotator


def _init_loaded(annotator) -> None:
    if isinstance(annotator.nlp, LazyPipeline):
        annotator.nlp.load()
    _WORKER["annotator"] = annotator


def preload_worker(annotator):
    """A worker forked now that loads `annotator`'s pipeline at once, while this process goes
    on; pass it to `annotate_articles` as its executor (executor.ForkedWorker)."""
    from archive.executor import ForkedWorker

    return ForkedWorker(_init_loaded, (annotator,))


def annotate_texts(annotator, tasks: list[tuple]) -> list[tuple[dict | None, dict]]:
    """The pure core: [(text, cached analysis record or None[, publication date])] → [(new
    analysis record or None, annotation record)]. Everything in and out is plain data. With a
    publication date (a PartialDate or None) the record also holds the dates the text reports."""
    todo = []
    analyses: list = [None] * len(tasks)
    for i, (text, arec, *_) in enumerate(tasks):
        if arec is not None:
            try:
                analyses[i] = analysis_from_record(arec)
                continue
            except (KeyError, TypeError, ValueError):  # a corrupt cached analysis is a miss
                pass
        todo.append(i)
    fresh: dict[int, dict] = {}
    if todo:
        # tokenizable: long runs without spaces are broken up (same length, so offsets hold);
        # spaCy's tokenizer is quadratic in a token's length.
        for i, doc in zip(todo, annotator.nlp.pipe((tokenizable(tasks[i][0]) for i in todo), batch_size=CHUNK)):
            analyses[i] = analysis_from_doc(doc)
            fresh[i] = analysis_record(analyses[i])
    out = []
    for i, (text, _, *published) in enumerate(tasks):
        # `finish` reads only the text; the real Article is attached by the caller.
        placeholder = Article(id="", slug="", path="", title="", text=text, body=(), date=published[0] if published else None)
        rec = annotation_record(annotator.finish(placeholder, analyses[i]))
        if published:
            rec["dates"] = dates_record(placeholder)
        out.append((fresh.get(i), rec))
    return out


def _annotate_chunk(tasks):
    return annotate_texts(_WORKER["annotator"], tasks)


def annotate_articles(articles: list[Article], annotator, cache: AnnotationCache, jobs: int = 1,
                      show_progress: bool = False, executor=None) -> tuple[list[AnnotatedArticle], AnnotateStats]:
    """`executor`: where the texts that need annotating go (e.g. `preload_worker`, which has the
    pipeline loaded already); the caller closes it. Default: this process or a pool of `jobs`."""
    try:
        return _annotate_articles(articles, annotator, cache, jobs, show_progress, executor)
    finally:
        cache.flush()  # also when stopped half-way: what was annotated is kept


def _annotate_articles(articles: list[Article], annotator, cache: AnnotationCache, jobs: int,
                       show_progress: bool, given=None) -> tuple[list[AnnotatedArticle], AnnotateStats]:
    stats = AnnotateStats()
    results: list[AnnotatedArticle | None] = [None] * len(articles)
    pending: list[int] = []
    # What a process that builds again and again (`archive serve`, which keeps its Annotator)
    # annotated in its last build: an article equal to one then, under the same fingerprint,
    # gets the very same record, so its AnnotatedArticle is taken as it is (at 10,000 articles,
    # reading the records and making their objects again is 0.6 s of a preview's rebuild).
    kept = getattr(annotator, "kept", None)
    fingerprint = cache.fingerprints.get("annotation")
    if not kept:  # a one-off build (the CLI) has none: no pass over the articles
        todo = list(range(len(articles)))
    else:
        todo = []
        for i, art in enumerate(articles):
            hit = kept.get(art.text)
            if hit is not None and hit[0] == fingerprint and hit[1] == art:
                results[i] = hit[2]
                stats.reused += 1
            else:
                todo.append(i)
    stored = cache.get_many("annotation", [articles[i].text for i in todo])  # one read per shard
    for i, rec in zip(todo, stored):
        art = articles[i]
        if rec is not None:
            try:
                results[i] = annotated_from_record(art, rec)
                if results[i].dates is None:  # recorded for other publication dates (or none)
                    # the latest record: another article with the same text may have added its dates
                    rec = with_dates(cache.get("annotation", art.text) or rec, dates_record(art))
                    cache.put("annotation", art.text, rec)
                    results[i] = annotated_from_record(art, rec)
                stats.reused += 1
                continue
            except (KeyError, TypeError, ValueError, AttributeError):
                log.debug("cached annotation of %s unusable; recomputing", art.path)
        pending.append(i)
    chunks = [pending[k:k + CHUNK] for k in range(0, len(pending), CHUNK)]
    if chunks:
        if given is not None:
            executor = given
        else:
            if isinstance(annotator.nlp, LazyPipeline):
                annotator.nlp.load()  # once, here, so that forked workers share it
            executor = make_executor(jobs, len(pending), _init, (annotator,), min_items_per_job=CHUNK) \
                if jobs > 1 else SerialExecutor(_init, (annotator,))
        bar = progress(len(pending), "annotating", show_progress)
        try:
            tasks = ([(articles[i].text, cache.get("analysis", articles[i].text), articles[i].date) for i in chunk]
                     for chunk in chunks)
            for chunk, outputs in zip(chunks, executor.map(_annotate_chunk, tasks)):
                for i, (fresh, rec) in zip(chunk, outputs):
                    art = articles[i]
                    if fresh is not None:
                        cache.put("analysis", art.text, fresh)
                        stats.annotated += 1
                        stats.words += len(art.text.split())
                    else:
                        stats.rematched += 1
                    rec = compact_annotation(rec)
                    cache.put("annotation", art.text, rec)
                    results[i] = annotated_from_record(art, rec)
                bar.update(len(chunk))
        except BaseException:
            if executor is not given:
                getattr(executor, "terminate", executor.close)()  # do not wait for the rest
            raise
        else:
            if executor is not given:
                executor.close()
        finally:
            bar.close()
    if kept is not None:
        kept.clear()  # only the last build's: an archive's size, not its history
        kept.update((art.text, (fingerprint, art, res)) for art, res in zip(articles, results) if res is not None)
    return results, stats  # type: ignore[return-value]
