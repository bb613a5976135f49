"""The annotation cache: what the pipeline found in an article text, as versioned JSON files.

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

A record is plain JSON (one file per text, written atomically) so that a distributed engine
could produce them too. Anything unreadable, of another version or of the wrong shape is a
miss, never an error: the entry is simply recomputed and overwritten.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import shutil
from pathlib import Path

import archive
from archive.jsonfile import write_json_atomic
from archive.models import AnnotatedArticle, Article, RawMention, RawQuote, Span
from archive.nlp.analyse import Analysis

log = logging.getLogger("archive")

CACHE_VERSION = 1
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
        "code": _files_digest(_package_files("nlp", "data", "annotate.py", "models.py", "dates.py")),
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


def _dates_from_record(article: Article, rec: dict) -> tuple | None:
    from archive.dates import DateMention

    found = rec.get("dates")
    if not isinstance(found, dict) or found.get("anchor") != _anchor(article):
        return None
    return tuple(DateMention(int(s), int(e), str(t), _dec(d), bool(a)) for s, e, t, d, a in found["found"])


def _mention(m: dict) -> RawMention:
    return RawMention(int(m["start"]), int(m["end"]), str(m["text"]), str(m["label"]), str(m["source"]))


def _quote(q: dict) -> RawQuote:
    if set(q) != _QUOTE_FIELDS:
        raise KeyError("quote record of another shape")
    sp, an = q["speaker"], q["antecedent"]
    return RawQuote(q["start"], q["end"], q["text"], q["kind"], q["cue"], None if sp is None else Span(*sp["span"]),
                    q["speaker_via"], None if an is None else Span(*an["span"]))


_QUOTE_FIELDS = {f.name for f in dataclasses.fields(RawQuote)}


def annotated_from_record(article: Article, rec: dict) -> AnnotatedArticle:
    # Field by field rather than through the generic `_dec`: this runs for every mention of
    # every article on every build.
    return AnnotatedArticle(
        article,
        tuple(map(_mention, rec["mentions"])),
        tuple(map(_quote, rec["quotes"])),
        tuple((int(s), int(e)) for s, e in rec["sentences"]),
        str(rec["pipeline"]),
        _dates_from_record(article, rec),
    )


# --- the store ---------------------------------------------------------------------------------

class AnnotationCache:
    """`get(level, text)` / `put(level, text, record)` for level 'analysis' or 'annotation'.

    With `root=None` the cache is off: every get misses and nothing is written."""

    def __init__(self, root: Path | None, fingerprints: dict[str, str]):
        self.root = root
        self.fingerprints = fingerprints
        self.used: list[str] = []  # entries read or written: what the build depended on (fastpath.py)

    @property
    def enabled(self) -> bool:
        return self.root is not None

    def pages_manifest(self, output_dir: Path) -> Path | None:
        """Where the render keys of the site in `output_dir` are kept (see pagekey.py)."""
        if self.root is None:
            return None
        return self.root / f"v{CACHE_VERSION}" / "pages" / f"{text_key(str(output_dir.resolve()))[:20]}.json"

    def _path(self, level: str, key: str) -> Path:
        assert self.root is not None
        return self.root / f"v{CACHE_VERSION}" / level / self.fingerprints[level][:20] / key[:2] / f"{key}.json"

    def get(self, level: str, text: str) -> dict | None:
        if self.root is None:
            return None
        key = text_key(text)
        # a string, not a Path: building Paths was a tenth of a no-change build's cache reads
        path = f"{self.root}/v{CACHE_VERSION}/{level}/{self.fingerprints[level][:20]}/{key[:2]}/{key}.json"
        try:
            with open(path, "rb") as fh:
                doc = json.loads(fh.read())
            if (doc.get("version") != CACHE_VERSION or doc.get("fingerprint") != self.fingerprints[level]
                    or doc.get("text_sha256") != key or not isinstance(doc.get("record"), dict)):
                raise ValueError("stale or foreign entry")
            self.used.append(path)
            return doc["record"]
        except FileNotFoundError:
            return None
        except (OSError, ValueError, AttributeError) as exc:  # corrupt: a miss, recomputed and overwritten
            log.debug("cache entry %s unusable (%s); recomputing", path, exc)
            return None

    def put(self, level: str, text: str, record: dict) -> None:
        if self.root is None:
            return
        key = text_key(text)
        path = self._path(level, key)
        doc = {"version": CACHE_VERSION, "fingerprint": self.fingerprints[level], "text_sha256": key, "record": record}
        try:
            write_json_atomic(path, doc)  # a reader sees the old entry or the new one, never half
            self.used.append(str(path))
        except OSError as exc:  # a read-only or full disk slows builds down; it does not break them
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
                    "code": _files_digest(_package_files("reader.py", "models.py"))})


class ArticleCache:
    """Read (parsed) articles by content path and file hash, in one JSON file per archive: a
    build re-reads only the files that changed. Anything unusable is a miss."""

    def __init__(self, root: Path | None, fingerprint: str):
        self.path = None if root is None else root / f"v{CACHE_VERSION}" / "articles" / f"{fingerprint[:20]}.json"
        self.fingerprint = fingerprint
        self._old: dict = {}
        self._new: dict = {}
        if self.path is not None:
            try:
                doc = json.loads(self.path.read_text(encoding="utf-8"))
                if doc.get("fingerprint") == fingerprint and isinstance(doc.get("entries"), dict):
                    self._old = doc["entries"]
            except (OSError, ValueError, AttributeError):
                pass

    def get(self, src) -> Article | None:
        entry = self._old.get(src.rel)
        if not entry or not src.sha256 or entry[0] != src.sha256:
            return None
        try:
            art = Article(**{k: _dec_field(k, v) for k, v in entry[1].items()})
        except (TypeError, ValueError, KeyError, IndexError, AttributeError):
            return None
        self._new[src.rel] = entry
        return art

    def put(self, src, art: Article) -> None:
        if self.path is None or not src.sha256:
            return
        try:
            rec = {f.name: _enc(getattr(art, f.name)) for f in dataclasses.fields(art)}
        except TypeError:
            return
        if Article(**{k: _dec(v) for k, v in rec.items()}) == art:  # only what round-trips exactly
            self._new[src.rel] = [src.sha256, rec]

    def save(self) -> None:
        if self.path is None or self._new == self._old:
            return
        try:
            write_json_atomic(self.path, {"fingerprint": self.fingerprint, "entries": self._new})
        except OSError:
            pass
