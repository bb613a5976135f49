"""The annotation cache: what the pipeline found in an article text, in versioned binary shards.

Two levels, because they go stale for different reasons:

- `analysis`: the spaCy stage's output (`nlp.analyse.Analysis`: sentences, entities, parse
  subjects). Keyed by sha256(text) under a fingerprint of the NLP setup (spaCy version,
  pipeline name, version, config and components, `EXTRACTOR_VERSION`, the source of
  `nlp/analyse.py`). Only a new pipeline or a new spaCy invalidates it.
- `annotation`: the raw mentions, quotes and sentences that `Annotator.finish` derives from an
  analysis with the registry and the rule files. Keyed by the same text hash under a
  fingerprint that adds the registry's aliases and types, the rule data files and the source
  of the rule code. A registry edit makes these miss, and they are recomputed from the cached
  analyses: spaCy does not run again. Resolution against the registry (`index.py`) is never
  cached; it runs afresh every build.

A record is plain JSON data so that a distributed engine could produce them too; the store
keeps the same data as tuples (`compact_annotation`) in a few `marshal` files (`packstore.py`):
one read per shard instead of one file per text. Anything unreadable, of another version or
of the wrong shape is a miss, never an error: the entry is simply recomputed and overwritten.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import marshal
import shutil
from pathlib import Path

import archive
from archive.models import AnnotatedArticle, Article, PartialDate, RawMention, RawQuote, Span, fast_maker
from archive.nlp.analyse import Analysis
from archive.packstore import PackStore

log = logging.getLogger("archive")

CACHE_VERSION = 2  # 2: binary shards (packstore.py) instead of one JSON file per entry
# Bump when `nlp/analyse.py` records something different for the same Doc (its source is
# hashed into the fingerprint as well; the constant is for changes elsewhere, e.g. in spaCy use).
EXTRACTOR_VERSION = "1"
CACHE_DIR_NAME = ".archive-cache"


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _digest(obj) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def _package_files(*names: str) -> list[Path]:
    root = Path(archive.__file__).parent
    out: list[Path] = []
    for name in names:
        path = root / name
        out += sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts) if path.is_dir() else [path]
    return out


def _files_digest(paths: list[Path]) -> str:
    h = hashlib.sha256()
    root = Path(archive.__file__).parent
    for p in paths:
        h.update(str(p.relative_to(root)).encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def _schema(*classes) -> list:
    return [[c.__name__, [(f.name, str(f.type)) for f in dataclasses.fields(c)]] for c in classes]


def analysis_fingerprint(nlp, info) -> str:
    """Everything the spaCy stage's output depends on, besides the text."""
    import spacy

    try:
        config = nlp.config.to_str()
    except Exception:  # a pipeline whose config cannot be serialised: its name must do
        config = ""
    return _digest({
        "cache": CACHE_VERSION, "extractor": EXTRACTOR_VERSION, "spacy": spacy.__version__,
        "pipeline": info.name, "meta": {k: nlp.meta.get(k) for k in ("lang", "name", "version")},
        "components": list(nlp.pipe_names), "config": hashlib.sha256(config.encode()).hexdigest(),
        "code": _files_digest(_package_files("nlp/analyse.py")),
        "schema": _schema(Analysis),
    })


def annotation_fingerprint(analysis_fp: str, registry, info) -> str:
    """Everything `Annotator.finish` depends on, besides the text: the analysis, the registry's
    aliases and types, the rule files and the rule code (so another engineer's edit to a rule
    can never be hidden behind a stale cache)."""
    return _digest({
        "analysis": analysis_fp, "pipeline": info.name, "has_ner": info.has_ner,
        "aliases": sorted(registry.aliases()), "types": sorted((e.id, e.type) for e in registry.entities),
        # cache.py and packstore.py: the stored form of a record (compact_annotation)
        "code": _files_digest(_package_files("nlp", "data", "annotate.py", "models.py", "dates.py", "cache.py", "packstore.py")),
        "schema": _schema(RawMention, RawQuote, Span),
    })


# --- records: plain JSON ⇄ models -------------------------------------------------------------

def analysis_record(an: Analysis) -> dict:
    return {"sentences": [list(s) for s in an.sentences], "ents": [list(e) for e in an.ents],
            "subjects": [list(s) for s in an.subjects]}


def analysis_from_record(rec: dict) -> Analysis:
    return Analysis(
        sentences=tuple((int(s), int(e)) for s, e in rec["sentences"]),
        ents=tuple((int(s), int(e), str(label)) for s, e, label in rec["ents"]),
        subjects=tuple((int(v), int(s), int(e)) for v, s, e in rec["subjects"]),
    )


def _fields(obj) -> dict:
    return {f.name: _enc(getattr(obj, f.name)) for f in dataclasses.fields(obj)}


def annotation_record(a: AnnotatedArticle) -> dict:
    return {"mentions": [_fields(m) for m in a.mentions], "quotes": [_fields(q) for q in a.quotes],
            "sentences": [list(s) for s in a.sentences], "pipeline": a.pipeline}


def _anchor(article: Article) -> str | None:
    return article.date.iso() if article.date else None


def dates_record(article: Article) -> dict:
    """The dates written in the article, resolved against its publication date (the anchor):
    a function of text and anchor, kept in the annotation record so that the index does not
    search every text again on every build. A record whose anchor differs is recomputed."""
    from archive.dates import find_dates

    return {"anchor": _anchor(article),
            "found": [[d.start, d.end, d.text, _enc(d.date), d.approximate] for d in find_dates(article.text, article.date)]}


# --- the stored form of an annotation record ------------------------------------------------
#
# What `annotate_texts` returns is plain JSON (dicts); what the store keeps is the same data as
# tuples in field order (`compact_annotation`), because turning 230,000 mention dicts into
# objects on every build of 10,000 articles took a second. Dates are kept by publication date
# (the anchor they were resolved against): two articles with one text and different dates
# share the record without recomputing it for each other on every build.

_MENTION_NAMES = ("start", "end", "text", "label", "source")
_QUOTE_NAMES = ("start", "end", "text", "kind", "cue", "speaker", "speaker_via", "antecedent")
_make_mention = fast_maker(RawMention, _MENTION_NAMES)
_make_quote = fast_maker(RawQuote, _QUOTE_NAMES)
_make_span = fast_maker(Span, ("start", "end", "text"))
_QUOTE_FIELDS = {f.name for f in dataclasses.fields(RawQuote)}


def _quote_tuple(q: dict) -> tuple:
    if set(q) != _QUOTE_FIELDS:
        raise KeyError("quote record of another shape")
    sp, an = q["speaker"], q["antecedent"]
    return (q["start"], q["end"], q["text"], q["kind"], q["cue"], None if sp is None else tuple(sp["span"]),
            q["speaker_via"], None if an is None else tuple(an["span"]))


def _dates_tuple(found) -> tuple:
    return tuple((int(s), int(e), str(t), None if d is None else tuple(d["d"]), bool(a)) for s, e, t, d, a in found)


def compact_annotation(rec: dict) -> tuple:
    """The JSON record → the stored form: (mentions, quotes, sentences, pipeline, {anchor: dates})."""
    dates = {}
    if isinstance(rec.get("dates"), dict):
        dates[rec["dates"]["anchor"]] = _dates_tuple(rec["dates"]["found"])
    return (tuple((int(m["start"]), int(m["end"]), str(m["text"]), str(m["label"]), str(m["source"])) for m in rec["mentions"]),
            tuple(map(_quote_tuple, rec["quotes"])),
            tuple((int(s), int(e)) for s, e in rec["sentences"]),
            str(rec["pipeline"]), dates)


def with_dates(rec: tuple, dates: dict) -> tuple:
    """A stored record with the dates of `dates_record(article)` added for its anchor."""
    return (*rec[:4], {**rec[4], dates["anchor"]: _dates_tuple(dates["found"])})


def _dates_from_record(article: Article, rec: tuple) -> tuple | None:
    found = rec[4].get(_anchor(article), False)
    if found is False:
        return None
    mk = _make_date_mention()
    return tuple([mk(s, e, t, None if d is None else PartialDate(*d), a) for s, e, t, d, a in found])


def _make_date_mention():
    global _MAKE_DATE_MENTION
    if _MAKE_DATE_MENTION is None:  # dates.py is imported only when needed
        from archive.dates import DateMention

        _MAKE_DATE_MENTION = fast_maker(DateMention, ("start", "end", "text", "date", "approximate"))
    return _MAKE_DATE_MENTION


_MAKE_DATE_MENTION = None


def annotated_from_record(article: Article, rec) -> AnnotatedArticle:
    """`rec`: a stored record (tuple) or a JSON record (dict). Runs for every article of every
    build: no per-field checks beyond the shape, which the store's fingerprint vouches for."""
    if isinstance(rec, dict):
        rec = compact_annotation(rec)
    mentions, quotes, sentences, pipeline, dates = rec
    if not isinstance(dates, dict):
        raise TypeError("record of another shape")
    mk = _make_mention
    qk = _make_quote
    return AnnotatedArticle(
        article,
        tuple([mk(s, e, t, label, src) for s, e, t, label, src in mentions]),
        tuple([qk(s, e, t, kind, cue, None if sp is None else _make_span(*sp), via, None if an is None else _make_span(*an))
               for s, e, t, kind, cue, sp, via, an in quotes]),
        sentences if type(sentences) is tuple else tuple(map(tuple, sentences)),  # stored as tuples already
        pipeline,
        _dates_from_record(article, rec),
    )


# --- the store ---------------------------------------------------------------------------------

class AnnotationCache:
    """`get(level, text)` / `put(level, text, record)` for level 'analysis' (a JSON record) or
    'annotation' (a stored record: `compact_annotation`). Kept in a `PackStore` per level and
    fingerprint; `flush()` writes what was put.

    With `root=None` the cache is off: every get misses and nothing is written."""

    def __init__(self, root: Path | None, fingerprints: dict[str, str]):
        self.root = root
        self.fingerprints = fingerprints
        self._stores: dict[str, PackStore] = {}

    @property
    def enabled(self) -> bool:
        return self.root is not None

    @property
    def used(self) -> list[str]:
        """The cache files read or written: what the build depended on (fastpath.py)."""
        return sorted(p for store in self._stores.values() for p in store.used)

    def pages_manifest(self, output_dir: Path) -> Path | None:
        """Where the render keys of the site in `output_dir` are kept (see pagekey.py)."""
        if self.root is None:
            return None
        return self.root / f"v{CACHE_VERSION}" / "pages" / f"{text_key(str(output_dir.resolve()))[:20]}.json"

    def _store(self, level: str) -> PackStore:
        store = self._stores.get(level)
        if store is None:
            fp = self.fingerprints[level]
            store = self._stores[level] = PackStore(f"{self.root}/v{CACHE_VERSION}/{level}/{fp[:20]}", fp)
        return store

    def get(self, level: str, text: str):
        if self.root is None:
            return None
        return self._store(level).get(text_key(text))

    def get_many(self, level: str, texts: list[str]) -> list:
        if self.root is None:
            return [None] * len(texts)
        return self._store(level).get_all([text_key(t) for t in texts])

    def put(self, level: str, text: str, record) -> None:
        if self.root is None:
            return
        try:
            self._store(level).put(text_key(text), record)
        except OSError as exc:  # a read-only or full disk slows builds down; it does not break them
            log.warning("could not write the annotation cache (%s); continuing without it", exc)

    def flush(self) -> None:
        for store in self._stores.values():
            try:
                store.flush()
            except (OSError, ValueError) as exc:
                log.warning("could not write the annotation cache (%s); continuing without it", exc)


def default_cache_dir(config) -> Path:
    return config.root / CACHE_DIR_NAME


def clean(config) -> list[Path]:
    """Remove the cache and the built site; return what was removed."""
    removed = []
    for path in (default_cache_dir(config), config.output_dir):
        if path.exists():
            shutil.rmtree(path)
            removed.append(path)
    return removed


# --- the pipeline without loading it -----------------------------------------------------------

class LazyPipeline:
    """Stands in for the spaCy pipeline until something uses it: a build whose annotations are
    all cached never imports spaCy (that alone takes seconds)."""

    def __init__(self, model: str):
        self._model = model
        self._nlp = None
        self._min_max_length = 0

    def load(self):
        if self._nlp is None:
            from archive.nlp.pipeline import load_pipeline

            self._nlp, _ = load_pipeline(self._model)
            self._nlp.max_length = max(self._nlp.max_length, self._min_max_length)
        return self._nlp

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.load(), name)


def raise_max_length(nlp, n: int) -> None:
    """nlp.max_length = max(nlp.max_length, n), without loading a `LazyPipeline`."""
    if isinstance(nlp, LazyPipeline):
        nlp._min_max_length = max(nlp._min_max_length, n)
        if nlp._nlp is not None:
            nlp._nlp.max_length = max(nlp._nlp.max_length, n)
    else:
        nlp.max_length = max(nlp.max_length, n)


def _setup_key(model: str) -> str:
    """A cheap key (no spaCy import) for everything `load_pipeline(model)` depends on: the
    installed spaCy and pipeline packages, the shipped pipeline, a pipeline folder's files, and
    the code that chooses and runs the pipeline. Any change means: load it and fingerprint it."""
    from importlib import metadata

    from archive.nlp.pipeline import SHIPPED_NAME, TRAINED

    def dist(name: str):
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return None

    def folder(path: Path):
        if not path.is_dir():
            return None
        return sorted((p.relative_to(path).as_posix(), p.stat().st_size, p.stat().st_mtime_ns)
                      for p in path.rglob("*") if p.is_file())

    shipped = Path(archive.__file__).parent / "pipelines" / SHIPPED_NAME
    return _digest({
        "cache": CACHE_VERSION, "extractor": EXTRACTOR_VERSION, "model": model, "spacy": dist("spacy"),
        "packages": {n: dist(n) for n in (*TRAINED, model) if "/" not in n and "\\" not in n},
        "shipped": folder(shipped), "path": folder(Path(model)) if model not in ("auto", "rules") else None,
        "code": _files_digest(_package_files("nlp/pipeline.py", "nlp/analyse.py", "cache.py")),
    })


def pipeline_setup(model: str, cache_root: Path | None):
    """(nlp, PipelineInfo, analysis fingerprint). With a cache, a setup seen before is not
    loaded: its name and fingerprint come from the cache and `nlp` is a `LazyPipeline`."""
    from archive.nlp.pipeline import PipelineInfo, load_pipeline

    path = None
    if cache_root is not None:
        path = cache_root / f"v{CACHE_VERSION}" / "setup" / f"{_setup_key(model)[:32]}.json"
        try:
            rec = json.loads(path.read_text(encoding="utf-8"))
            name, has_parser, has_ner = rec["info"]
            return LazyPipeline(model), PipelineInfo(str(name), bool(has_parser), bool(has_ner)), str(rec["analysis"])
        except (OSError, ValueError, KeyError, TypeError):
            pass
    nlp, info = load_pipeline(model)
    fp = analysis_fingerprint(nlp, info)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps({"info": [info.name, info.has_parser, info.has_ner], "analysis": fp}), encoding="utf-8")
        except OSError:
            pass
    return nlp, info, fp


# --- read articles -------------------------------------------------------------------------------

def _enc(v):
    """Plain JSON with tags for what JSON lacks: spans, tuples and dates. One codec for every
    cached record (articles, mentions, quotes)."""
    from archive.models import PartialDate

    if isinstance(v, Span):
        return {"span": [v.start, v.end, v.text]}
    if isinstance(v, tuple):
        return {"t": [_enc(x) for x in v]}
    if isinstance(v, PartialDate):
        return {"d": [v.year, v.month, v.day]}
    if v is None or isinstance(v, (str, int, float, bool)):
        return v
    raise TypeError(f"cannot cache a {type(v).__name__}")


def _dec(v):
    from archive.models import PartialDate

    if isinstance(v, dict):
        if "span" in v:
            return Span(*v["span"])
        if "t" in v:
            return tuple(_dec(x) for x in v["t"])
        return PartialDate(*v["d"])
    return v


def _dec_field(name: str, v):
    """`_dec` for one Article field; the body (a tuple of pieces, each a tuple of str/int) is
    decoded directly, without the generic recursion: it runs for every article every build."""
    if name == "body" and isinstance(v, dict):
        return tuple(tuple(piece["t"]) for piece in v["t"])
    return _dec(v)


def reader_fingerprint(require_date: bool, max_bytes: int | None = None) -> str:
    return _digest({"cache": CACHE_VERSION, "require_date": require_date, "max_bytes": max_bytes, "schema": _schema(Article),
                    "code": _files_digest(_package_files("reader.py", "models.py", "cache.py", "packstore.py"))})


_ARTICLE_NAMES = tuple(f.name for f in dataclasses.fields(Article))
_make_article = fast_maker(Article, _ARTICLE_NAMES)
_DATE_AT = _ARTICLE_NAMES.index("date")


def _article_entry(art: Article) -> tuple:
    values = [getattr(art, n) for n in _ARTICLE_NAMES]
    d = values[_DATE_AT]
    values[_DATE_AT] = None if d is None else (d.year, d.month, d.day)
    return tuple(values)


def _article_from_entry(values: tuple) -> Article:
    if len(values) != len(_ARTICLE_NAMES):
        raise ValueError("article entry of another shape")
    d = values[_DATE_AT]
    if d is not None:
        values = (*values[:_DATE_AT], PartialDate(*d), *values[_DATE_AT + 1:])
    return _make_article(*values)


class ArticleCache:
    """Read (parsed) articles by content path and file hash, in a `PackStore` (256 shards by
    the path's hash): a build re-reads only the files that changed, and rewrites only the
    shards of those files. Entries of files that are gone are dropped when it saves.
    Anything unusable is a miss."""

    def __init__(self, root: Path | None, fingerprint: str):
        self.fingerprint = fingerprint
        self._store = None if root is None else \
            PackStore(f"{root}/v{CACHE_VERSION}/articles/{fingerprint[:20]}", fingerprint)
        self._kept: set[str] = set()  # keys of the files of this build

    @property
    def used(self) -> list[str]:
        """The cache files read or written (fastpath.py)."""
        return sorted(self._store.used) if self._store is not None else []

    def get(self, src) -> Article | None:
        if self._store is None:
            return None
        key = text_key(src.rel)
        self._kept.add(key)
        entry = self._store.get(key)
        if not entry or not src.sha256 or entry[0] != src.sha256:
            return None
        try:
            return _article_from_entry(entry[1])
        except (TypeError, ValueError, KeyError, IndexError, AttributeError):
            return None

    def put(self, src, art: Article) -> None:
        if self._store is None or not src.sha256:
            return
        entry = (src.sha256, _article_entry(art))
        try:
            if _article_from_entry(marshal.loads(marshal.dumps(entry[1]))) != art:
                return  # only what round-trips exactly
        except (ValueError, TypeError):
            return
        key = text_key(src.rel)
        self._kept.add(key)
        self._store.put(key, entry)

    def save(self) -> None:
        if self._store is None:
            return
        try:
            self._store.retain(self._kept)
            self._store.flush()
        except (OSError, ValueError):
            pass
