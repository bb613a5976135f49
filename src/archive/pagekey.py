"""Render keys: a digest of everything a page's HTML depends on, so that an unchanged page is
carried over from the previous build without rendering it again.

A key covers the page's kind, template and path, its whole `PageSpec.context` (by value), and
a site digest: the config, every template file, the render code, the pipeline name, the
package versions and the registry's entities (templates look those up by id, e.g. an
entity's organisation). Objects that templates reach *through* a context value are folded in
where they are referenced: a quote brings its speaker entity's name and type and its
article; an entity the names and types of the entities it refers to; an article is its
digest (computed once per build).

Article and entity pages are keyed this finely (an entity page also by what its pictures
show: the archive's month span, its mentions per month and its co-mentioned entities with
their mention counts), and so
are the pages by date of long listings and the timeline's year pages (plan.py). An article's
body is keyed by what it is made from (body.ArticleBody), not rendered to be keyed. Every
other page (home, indexes, quotes, timeline, network, …) is keyed by a digest of the whole
resolved archive as well: it is re-rendered whenever anything changed, and skipped otherwise.

The contract for templates (see docs): an article or entity page may use its own context,
`entities[...]` for entities its context refers to, `archive.article(id)`, and `pictures`
for its own entity. Anything else global such a page shows must reach it through its context
(in plan.py), or the page will not be re-rendered when only that global value changes.
`archive build --no-cache` renders every page.
"""
from __future__ import annotations

import hashlib
import io
import pickle
from importlib.metadata import version
from pathlib import Path

import archive as archive_pkg
from archive.body import ArticleBody
from archive.index import Context
from archive.jsonfile import write_json_atomic
from archive.models import Article, Entity, Mention, PartialDate, Quote, Span
from archive.plan import entity_path
from archive.timeline import TimelineEntry

# Pages keyed by their own inputs; every other kind also by the digest of the whole archive.
_FINE_KINDS = {"article", "entity",
               # pages by date of long listings (plan.py `dated_pages`): keyed by the items they show
               "article_index_page", "quotes_page", "entity_page", "timeline_year"}
# Context values made from other values of the same context, so hashing them adds nothing:
# an entity page's `contexts_by_article` groups its `contexts` by article (plan._Shown).
_DERIVED = frozenset({"contexts_by_article"})
# Site-context values that stand for the whole archive: never hashed into the site digest.
_ARCHIVE_WIDE = ("archive", "entities", "config", "pictures")
# Quote's fields, in order, as quote_value spells them out (any other shape: as they are).
_QUOTE_FIELDS = ("id", "article", "start", "end", "text", "kind", "cue", "speaker", "speaker_entity",
                 "speaker_role", "speaker_name")


def _tree_digest(h, folder: Path) -> None:
    if folder.is_dir():
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                h.update(p.relative_to(folder).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")


_ENTRY_FIELDS = ("date", "kind", "approximate", "entity", "article", "snippet", "date_text")


def _code_digest(h, template_dirs) -> None:
    """Every template file, and all of the package's code (template helpers: JSON-LD, pictures,
    … render too; the index and the plan are code as well)."""
    for folder in template_dirs:
        _tree_digest(h, folder)
    pkg = Path(archive_pkg.__file__).parent
    for path in sorted(pkg.rglob("*.py")):
        h.update(path.relative_to(pkg).as_posix().encode() + b"\0" + path.read_bytes())


def _registry_digest(h, config) -> None:
    """The registry file (or folder of files) as it is on disk."""
    reg = getattr(config, "registry_path", None)
    if reg is not None:
        reg = Path(reg)
        if reg.is_file():
            h.update(reg.read_bytes())
        else:
            _tree_digest(h, reg)


def article_digest(art: Article) -> str:
    """An article by value: its text and every field the reader gave it."""
    return hashlib.sha256(_plain_dump(art)).hexdigest()


def articles_digest(sources: list, articles: list[Article]) -> str:
    """A digest standing for the articles a build read: the source files' paths and content
    hashes in the order found (the reader is a function of those, the config and the code;
    a file it skipped is in there too), or, when a file has no hash, the articles by value."""
    h = hashlib.sha256()
    if sources and all(type(d := getattr(src, "sha256", None)) is str and d for src in sources):
        h.update(b"files\0")
        h.update("".join(f"{src.rel}\0{src.sha256}\0" for src in sources).encode())
    else:
        h.update(b"values\0")
        h.update("".join(article_digest(art) for art in articles).encode())
    return h.hexdigest()


def early_inputs(config, articles: str, pipeline: str, index_fingerprint: str, template_dirs: list[Path]) -> str:
    """A digest of everything a build makes its site from, known before the index is built:
    the articles (`articles_digest`), the registry file, the pipeline and the annotation
    fingerprint (its rules and settings), the config, the templates, the package code and the
    template engine's versions. The index, the plan, every page's key and the finishing step's
    output are deterministic functions of these, so two builds with equal early inputs make the
    same site (early.py places the pages of such a build before its index is ready)."""
    h = hashlib.sha256(b"early\0")
    _code_digest(h, template_dirs)
    h.update(_plain_dump((repr(config), version("jinja2"), version("markupsafe"), str(pipeline), index_fingerprint)))
    _registry_digest(h, config)
    h.update(b"\0articles\0" + articles.encode())
    return h.hexdigest()


def _plain_dump(obj) -> bytes:
    """Pickle by value only (no memo), so equal values give equal bytes whatever is shared."""
    buf = io.BytesIO()
    p = pickle.Pickler(buf, protocol=5)
    p.fast = True
    p.dump(obj)
    return buf.getvalue()


def _by_fields(obj):
    """Reduce a dataclass record to the tuple of its field values (for keys only)."""
    return (tuple, (tuple(obj.__dict__.values()),))


class PageKeys:
    def __init__(self, config, archive_obj, template_dirs: list[Path], site: dict,
                 index_fingerprint: str | None = None, articles_digest: str | None = None,
                 article_files: dict[str, str] | None = None):
        """`index_fingerprint`: everything the index depends on besides the articles and the
        registry (build.py passes the annotation fingerprint: pipeline, registry aliases and
        types, rule files and code). With it, the whole archive's digest is made from those
        inputs; without it, from the resolved index itself (slower, same guarantee).
        `articles_digest`: what `articles_digest` gave for the articles of `archive_obj`, if the
        caller made it (then they are not pickled to make the whole archive's digest).
        `article_files`: {path: content hash} of the files the articles were read from. An
        article is a function of its file, its path and the config and code (both in the site
        digest), so it is keyed by those instead of being pickled (10,000 articles, 0.2 s)."""
        self.archive = archive_obj
        self._files = article_files or {}
        self._config = config
        self._articles: dict[int, str] = {}
        self._articles_digest = articles_digest
        self._quotes: dict[int, tuple] = {}
        self._entity_reduced: dict[int, tuple] = {}
        self._dispatch = {Article: lambda a: (str, ("article:" + self.article_digest(a),)),
                          Quote: lambda q: (tuple, (self.quote_value(q),)),
                          Entity: self._reduce_entity,
                          # plain records, by value; their own __reduce_ex__ is ~10x slower
                          Mention: _by_fields, Context: _by_fields, PartialDate: _by_fields,
                          TimelineEntry: _by_fields,
                          # a body still to be rendered is keyed by what it is made from
                          ArticleBody: lambda b: (tuple, (b.key_inputs(),))}
        self.pictures = site.get("pictures")
        self.site: str | None = None
        self.whole: str | None = None
        self._whole_from_inputs = False
        try:
            self.site = self._site_digest(config, archive_obj, template_dirs, site)
            self.whole = (self._inputs_digest(archive_obj, index_fingerprint) if index_fingerprint
                          else self._archive_digest(archive_obj))
            self._whole_from_inputs = bool(index_fingerprint)
        except Exception:  # something does not pickle: no page is skipped
            self.site = None

    def _reduce_entity(self, e: Entity):
        # The same entities recur on thousands of pages (an article page lists ~25): reduced
        # once per build, to a digest of its values (pickled in full on every page, their
        # aliases and roles were half of the bytes hashed for article pages).
        r = self._entity_reduced.get(id(e))
        if r is None:
            r = self._entity_reduced[id(e)] = self._reduce_entity_once(e)
        return r

    def _reduce_entity_once(self, e: Entity):
        ents = self.archive.entities
        refs = [*(r.organisation for r in e.roles), e.affiliation, e.place, *e.participants]
        named = tuple((r, ents[r].type, ents[r].name) if r in ents else (r,) for r in refs if r)
        value = (tuple(getattr(e, f) for f in e.__dataclass_fields__), named)
        return (str, ("entity:" + hashlib.sha256(_plain_dump(value)).hexdigest(),))

    def _inputs_digest(self, a, index_fingerprint: str) -> str:
        """The whole index is a deterministic function of the articles (their digests: text
        and metadata), the registry (its file, and its entities by value in the site digest),
        the annotation fingerprint and the package code (in the site digest): digest those
        instead of the millions of resolved objects."""
        h = hashlib.sha256(b"inputs\0" + index_fingerprint.encode() + b"\0"
                           + str(getattr(a, "pipeline", "")).encode() + b"\0")
        _registry_digest(h, self._config)
        h.update(b"\0articles\0")
        h.update((self._articles_digest or articles_digest([], a.articles)).encode())
        return h.hexdigest()

    def derive(self) -> None:
        """Every article's digest, now: before the render workers fork, so that they share them
        (a listing or quotes page shows articles from all over the archive)."""
        for art in self.archive.articles:
            self.article_digest(art)

    def _archive_digest(self, a) -> str:
        """Everything resolved, for pages that summarise the whole archive."""
        h = hashlib.sha256()
        for art in a.articles:
            h.update(self.article_digest(art).encode())
        # Every quote's digest now, once, before the render workers fork (they inherit them);
        # the mentions as plain tuples in one pickle (a dispatch call per mention is 3x slower).
        h.update(_plain_dump([self.quote_value(q) for q in a.quotes]))
        mentions = [(aid, [tuple(m.__dict__.values()) for m in ms]) for aid, ms in a.mentions.items()]
        h.update(_plain_dump(mentions))
        h.update(self._dump(sorted(a.entities.items())))
        return h.hexdigest()

    def _entity_pictures(self, eid: str):
        """What the entity page's pictures (sparkline, ego network) are drawn from."""
        pics, a = self.pictures, self.archive
        if pics is None:
            return None
        co = a.comentions.get(eid, {})
        return (list(getattr(pics, "span", [])), sorted((getattr(pics, "mention_months", {}).get(eid) or {}).items()),
                # neighbours by what they share with this entity (the ego network shows no
                # neighbour's own total: svg._node), whether they have a page (links), and the
                # entity's own total (the centre node shows it)
                sorted((x, n, a.entities[x].type, a.entities[x].name, entity_path(a, x) is not None)
                       for x, n in co.items() if x in a.entities), a.mention_counts.get(eid, 0))

    def _site_digest(self, config, archive_obj, template_dirs, site) -> str:
        h = hashlib.sha256()
        _code_digest(h, template_dirs)
        ents = archive_obj.entities
        registry = [e for e in ents.values() if e.in_registry]
        refs = sorted({r for e in registry for r in [*(x.organisation for x in e.roles), e.affiliation, e.place, *e.participants] if r})
        site_values = {k: v for k, v in site.items() if k not in _ARCHIVE_WIDE}
        h.update(self._dump((
            repr(config), version("jinja2"), version("markupsafe"), site_values, registry,
            [(r, ents[r].type, ents[r].name) if r in ents else (r, None) for r in refs],
        )))
        return h.hexdigest()

    def _dump(self, obj) -> bytes:
        """Pickle by value, except that an article or a quote is its digest. (A dispatch table
        is consulted only for those two types, so the rest pickles at C speed.)"""
        buf = io.BytesIO()
        p = pickle.Pickler(buf, protocol=5)
        p.fast = True  # no memo: the key depends on values only, never on object identity
        p.dispatch_table = self._dispatch
        p.dump(obj)
        return buf.getvalue()

    def article_digest(self, art: Article) -> str:
        d = self._articles.get(id(art))
        if d is None:
            sha = self._files.get(art.path)
            d = self._articles[id(art)] = (hashlib.sha256(f"file\0{art.path}\0{sha}".encode()).hexdigest()
                                           if type(sha) is str and sha else article_digest(art))
        return d

    def quote_value(self, q: Quote) -> tuple:
        """A quote as plain values (made once per build): its fields, its speaker entity's id,
        type and name, and its article's digest. Pickled as it is wherever the quote is shown
        (~4 pages each): a sha256 of its repr per quote cost more than pickling these values."""
        v = self._quotes.get(id(q))
        if v is None:
            ent = self.archive.entities.get(q.speaker_entity) if q.speaker_entity else None
            art = self.archive._articles_by_id.get(q.article)
            if tuple(q.__dict__) == _QUOTE_FIELDS:
                # the fields spelled out, spans as plain tuples (a Span would be reduced by a
                # Python call per span)
                sp, sn = q.speaker, q.speaker_name
                fields = (q.id, q.article, q.start, q.end, q.text, q.kind, q.cue,
                          None if sp is None else (sp.start, sp.end, sp.text), q.speaker_entity,
                          q.speaker_role, None if sn is None else (sn.start, sn.end, sn.text))
                if (sp is not None and type(sp) is not Span) or (sn is not None and type(sn) is not Span):
                    fields = ("as is", tuple(q.__dict__.values()))
            else:  # Quote gained or lost a field: every field, named, by value
                fields = ("as is", tuple(q.__dict__.items()))
            v = self._quotes[id(q)] = ("quote", fields, (ent.id, ent.type, ent.name) if ent else None,
                                       self.article_digest(art) if art is not None else None)
        return v

    def _flat(self, v):
        """A context value with its lists of quotes, articles and records replaced by plain
        values (digests, field tuples) in one comprehension each: the same information as the
        pickler's dispatch gives, without a Python call per item inside the pickler. Anything
        else is left as it is (the dispatch table still reduces it)."""
        t = type(v)
        if t is list or t is tuple:
            if not v:
                return v
            t0 = type(v[0])
            if t0 is Quote or t0 is Article or t0 is Context or t0 is Mention or t0 is TimelineEntry:
                for x in v:
                    if type(x) is not t0:
                        return v
                if t0 is Quote:
                    get, slow = self._quotes.get, self.quote_value
                    return ("quotes", [get(id(q)) or slow(q) for q in v])
                if t0 is Article:
                    get, slow = self._articles.get, self.article_digest
                    return ("articles", [get(id(a)) or slow(a) for a in v])
                if t0 is TimelineEntry and tuple(v[0].__dict__) == _ENTRY_FIELDS:
                    # 48,000 entries at 10,000 articles: the date and the article spelled out
                    # inline, not by a dispatch call each
                    get, slow = self._articles.get, self.article_digest
                    return ("entries", [
                        (d.year, d.month, d.day, type(d) is PartialDate, e.kind, e.approximate,
                         e.entity and self._reduce_entity(e.entity)[1][0],
                         (get(id(a)) or slow(a)) if a is not None else None, e.snippet, e.date_text)
                        for e in v for d, a in ((e.date, e.article),)])
                return (t0.__name__, [tuple(x.__dict__.values()) for x in v])
            return v
        if t is dict:
            return {k: self._flat(x) for k, x in v.items()}
        if t is ArticleBody:
            return ("body", tuple(self._flat(x) for x in v.key_inputs()))
        return v

    def value_key(self, value) -> str | None:
        """Key of a file made from `value` (plain data, articles, quotes, entities) with this
        site's config, templates and code; None when it cannot be keyed."""
        if self.site is None:
            return None
        try:
            return hashlib.sha256(self.site.encode() + self._dump(value)).hexdigest()
        except Exception:
            return None

    def finish_key(self) -> str | None:
        """Key of what the finishing step makes (data, feeds, network, sitemap, search), known
        before any page is keyed, so that the step can run beside rendering. Everything it
        reads (the index, the pages planned from it, their HTML for the search index) is a
        function of the index's inputs (`whole`, when made from them: the articles, the
        registry file, the annotation fingerprint) and of the config, templates and code
        (`site`). Without the index's inputs: None (the step always runs)."""
        return self._of_inputs("finish")

    def inputs(self) -> str | None:
        """A digest of everything every page is made from (see `finish_key`), or None. Two
        builds with the same inputs give every page the same key: a build whose inputs equal
        the last one's takes the keys from its manifest instead of hashing every context."""
        return self._of_inputs("pages")

    def _of_inputs(self, purpose: str) -> str | None:
        """A digest of the site digest and the index's inputs for `purpose`, or None when the
        whole-archive digest was not made from those inputs."""
        if self.site is None or self.whole is None or not self._whole_from_inputs:
            return None
        return hashlib.sha256("\n".join([purpose, self.site, self.whole]).encode()).hexdigest()

    def key(self, spec) -> str | None:
        """The page's key, or None when its context cannot be keyed (then it is always rendered)."""
        if self.site is None:
            return None
        try:
            if spec.kind == "entity":
                extra = self._entity_pictures(spec.context["entity"].id)
            elif spec.kind in _FINE_KINDS:
                extra = None
            else:
                extra = self.whole
            ctx = spec.context
            if type(ctx) is dict:
                ctx = ("flat", {k: self._flat(v) for k, v in ctx.items() if k not in _DERIVED})
            body = self._dump((spec.kind, spec.template, spec.path, ctx, extra))
        except Exception:  # e.g. a context value that does not pickle: render it every time
            return None
        return hashlib.sha256(self.site.encode() + body).hexdigest()


# --- the manifest: page path → (key, size, mtime_ns, inode) of the file the last build left ---

def load_manifest(path: Path | None) -> tuple[dict[str, list], str | None]:
    """The last build's {path: [key, size, mtime_ns, inode]} and its `PageKeys.inputs()`."""
    pages, inputs, _ = load_manifest_early(path)
    return pages, inputs


def load_manifest_early(path: Path | None) -> tuple[dict[str, list], str | None, str | None]:
    """`load_manifest`, and the last build's `early_inputs` (None if it kept none)."""
    import json

    if path is None:
        return {}, None, None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        pages = data["pages"] if isinstance(data.get("pages"), dict) else {}
        inputs, early = data.get("inputs"), data.get("early")
        if not (isinstance(inputs, str) and pages):
            return pages, None, None
        return pages, inputs, early if isinstance(early, str) else None
    except (OSError, ValueError, AttributeError, KeyError):  # missing or corrupt: render everything
        return {}, None, None


def save_manifest(path: Path | None, pages: dict[str, list], inputs: str | None = None,
                  early: str | None = None) -> None:
    if path is None:
        return
    try:
        write_json_atomic(path, {"pages": pages, "inputs": inputs, "early": early if inputs else None})
    except OSError:
        pass  # next build renders every page: slower, never wrong
