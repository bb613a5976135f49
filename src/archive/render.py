"""Render `PageSpec`s with Jinja and publish the site atomically.

Templates are looked up in the archive's own `templates/` first, then in the default theme;
a site template can `{% extends "default:base.html" %}` to override one block of the default.
The site is written to a temporary folder beside the output and swapped in only when every
page rendered, so a failed build leaves the previous site untouched.
"""
from __future__ import annotations

import hashlib
import os
import posixpath
import shutil
import signal
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from functools import partial as partial_fn  # (`partial` names a flag in write_site)
from pathlib import Path

import jinja2
from markupsafe import Markup

import archive
from archive.body import ROOT, ArticleBody
from archive.config import ArchiveConfig
from archive.errors import ArchiveError
from archive.jsonld import jsonld
from archive.plan import SECTIONS, PageSpec, article_path, entity_path
from archive.pagestore import finish_entry_key, keyed_file_key
from archive.publish import SiteListing, commit, files_under
from archive.svg import Pictures


def theme_dir(kind: str) -> Path:
    """The default theme's `templates` or `static` folder: inside the installed package
    (wheel), or at the repository root (editable install)."""
    packaged = Path(archive.__file__).parent / "theme" / kind
    if packaged.is_dir():
        return packaged
    return Path(archive.__file__).resolve().parents[2] / kind


def make_env(config: ArchiveConfig) -> jinja2.Environment:
    default = jinja2.FileSystemLoader(str(theme_dir("templates")))
    loaders = []
    if config.templates_dir.is_dir():
        loaders.append(jinja2.FileSystemLoader(str(config.templates_dir)))
    loaders += [jinja2.PrefixLoader({"default": default}, delimiter=":"), default]
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=jinja2.select_autoescape(default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    from archive.macros import GLOBALS

    env.globals.update(GLOBALS)  # the hot macros of macros.html, in Python
    return env


def relative(from_page: str, target: str) -> str:
    """Relative URL from one site path to another ('actors/x.html' from 'articles/a.html')."""
    return _relative_from(posixpath.dirname(from_page), target)


def _relative_from(base: str, target: str) -> str:
    """`relative` from a page in folder `base` ('' for the site root)."""
    if not base:
        if target and all(part not in ("", ".", "..") for part in target.split("/")):
            return target  # from the root, a clean relative path is its own URL
        return posixpath.relpath(target, ".")
    return _relpath(target, base)


@lru_cache(maxsize=1 << 18)
def _relpath(target: str, base: str) -> str:
    """posixpath.relpath(target, base) for the clean relative paths the site uses, by comparing
    path parts (relpath calls os.getcwd() and abspath twice per link; this runs ~60 times per
    page). Anything unusual goes to relpath itself."""
    t, b = target.split("/"), base.split("/")
    if any(p in ("", ".", "..") for p in t) or any(p in ("", ".", "..") for p in b):
        return posixpath.relpath(target, base)
    n, m = 0, min(len(t), len(b))
    while n < m and t[n] == b[n]:
        n += 1
    return "/".join([".."] * (len(b) - n) + t[n:]) or "."


def render_page(env: jinja2.Environment, spec: PageSpec, site: dict) -> str:
    base = posixpath.dirname(spec.path)
    root = _relative_from(base, "index.html")[: -len("index.html")]

    def url(target: str) -> str:
        return _relative_from(base, target)

    def entity_url(entity_id: str) -> str | None:
        path = entity_path(site["archive"], entity_id)
        return url(path) if path else None

    context = dict(site, **spec.context, page_path=spec.path, page_kind=spec.kind, root=root,
                   url=url, entity_url=entity_url, article_url=lambda aid: url(article_path(aid)),
                   canonical=(site["config"].base_url + spec.path) if "://" in site["config"].base_url else None)
    body = context.get("body")
    if isinstance(body, ArticleBody):
        body = body.render()
    if isinstance(body, Markup):
        context["body"] = Markup(str(body).replace(ROOT, root))
    try:
        return env.get_template(spec.template).render(context)
    except jinja2.TemplateError as exc:
        raise ArchiveError(f"template {spec.template} failed for {spec.path}: {exc}") from exc


def site_context(config: ArchiveConfig, archive_obj) -> dict:
    return {
        "config": config, "archive": archive_obj, "site_title": config.title,
        "pipeline": archive_obj.pipeline, "sections": SECTIONS, "version": archive.__version__,
        "entities": archive_obj.entities,
        # issue 6: schema.org JSON-LD for the head, and the build-time SVG pictures
        "jsonld": jsonld, "pictures": Pictures(archive_obj),
    }


def static_files(config: ArchiveConfig) -> dict[str, Path]:
    """Site path → source file: the default theme's static files, then the archive's own
    (which win, file by file)."""
    out: dict[str, Path] = {}
    for src in (theme_dir("static"), config.static_dir):
        if src.is_dir():
            for path in sorted(src.rglob("*")):
                if path.is_file():
                    out["static/" + path.relative_to(src).as_posix()] = path
    return out


# Written into every site; an existing output folder without it (or the older `.nojekyll`) was
# not made by archive, and is never replaced (`-o ~/Documents` must not delete Documents).
SITE_MARKER = ".archive-site"


def check_output_dir(config: ArchiveConfig) -> None:
    """Refuse an output folder whose replacement would destroy something that is not a site."""
    out = config.output_dir
    root = config.root.resolve()
    if root.is_relative_to(out):
        raise ArchiveError(f"output folder {out} is the archive folder or contains it; "
                           "building there would delete the archive. Choose another 'output'.")
    for name, path in (("content", config.content_dir), ("templates", config.templates_dir),
                       ("static", config.static_dir), ("registry", config.registry_path)):
        if path.resolve().is_relative_to(out):
            raise ArchiveError(f"output folder {out} contains the {name} ({path}); "
                               "building there would delete it. Choose another 'output'.")
    if out.exists() and not out.is_dir():
        raise ArchiveError(f"output {out} exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not any((out / m).exists() for m in (SITE_MARKER, ".nojekyll")):
        raise ArchiveError(f"output folder {out} is not empty and was not built by archive; it would be "
                           "replaced. Empty or remove it, or choose another 'output'.")


def _clean_leftovers(out: Path, keep: Path | None = None) -> None:
    """Remove what a killed build (SIGKILL, power cut) left beside the output. Runs under the
    build lock, so no other build of this archive is using them, except `keep` (this build's
    own folder: early.py). If the kill came between the
    two renames of `_swap`, the previous site is in an `-old-` folder: put it back first; if it
    came during an in-place commit (publish.py), finish that commit first."""
    from archive.publish import roll_forward

    roll_forward(out)
    olds = sorted(out.parent.glob(f".{out.name}-old-*"), key=lambda p: p.stat().st_mtime)
    if olds and not out.exists():
        os.replace(olds.pop(), out)
    for leftover in [*olds, *out.parent.glob(f".{out.name}-tmp-*")]:
        if leftover != keep:
            shutil.rmtree(leftover, ignore_errors=True)


def copy_static(config: ArchiveConfig, dest: Path) -> None:
    for rel, path in static_files(config).items():
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, dest / rel)


@dataclass
class WriteStats:
    pages: int = 0
    written: int = 0     # files whose bytes are new or changed
    unchanged: int = 0   # same bytes as the previous build: carried over, not rewritten
    removed: int = 0     # files of the previous build that no page produces any more
    finished: dict | None = None  # `finish_summary` of the build whose finishing output was reused


def _place(data: bytes, rel: str, tmp: Path, out: Path, partial: bool = False) -> bool:
    """Put `data` at tmp/rel. If the previous site holds the same bytes there, hard-link that
    file instead of writing (its inode, mtime and disk blocks stay as they were), or with
    `partial` (published in place: publish.py) leave it where it is; returns True when the
    file was written."""
    target = tmp / rel
    old = out / rel
    try:
        if old.stat().st_size == len(data) and old.read_bytes() == data:
            if not partial:
                os.link(old, target)
            return False
    except OSError:  # no previous file, or no hard links on this file system: write it
        pass
    with open(target, "wb") as fh:
        fh.write(data)
    return True


RENDER_CHUNK = 64  # pages per task
KEY_CHUNK = 256  # pages per task when the workers key them
# Pages per task when only some keys are made (keydeps.py: ~40 at 10,000 articles, adding one),
# for the first KEY_FEW_TASKS tasks: small tasks share those pages between both workers, which
# also run the finishing tasks (one task of 40 pages left one worker idle for 0.3 s).
KEY_FEW = 4
KEY_FEW_TASKS = 32
FLUSH_EVERY = 2000  # keyed pages after which a task goes out, however few pages it has

# Render state for worker processes (set before the pool forks, read by `_render_chunk`, `_key_chunk`).
_RENDER: dict = {}


def _render_chunk(task: list[tuple[int, str | None]]) -> list[tuple[int, tuple]]:
    """`_page` for each (page, key) of a task (in a worker): these pages are rendered."""
    return [(i, _page(i, key, True)) for i, key in task]


def _key_chunk(task: list[int]) -> list[tuple[int, tuple]]:
    """Key each page of a task, then carry it over or render it (in a worker)."""
    key, pages = _RENDER["keys"].key, _RENDER["pages"]
    return [(i, _page(i, key(pages[i]), True)) for i in task]


def _pool_task(task: tuple[str, object]) -> tuple[str, object]:
    """One task of the render pool: ("render", chunk of (page, key)), ("key", chunk of pages
    to key and then place) or ("finish", a task of the finishing step); the result comes back
    tagged the same way ("key" as "render")."""
    kind, arg = task
    if kind == "render":
        return kind, _render_chunk(arg)
    if kind == "key":
        return "render", _key_chunk(arg)
    return kind, _RENDER["finish_run"](arg)


def _page(i: int, key: str | None, render: bool) -> tuple[bool, str | None, list | None, list | None] | None:
    """Place page `i`: (written?, render key, [size, mtime_ns, inode] of the file placed, the
    same of its page-store entry or None). Without `render`, None when it must be rendered."""
    st = _RENDER
    manifest, tmp, out, store = st["manifest"], st["tmp"], st["out"], st["store"]
    partial = st["partial"]
    spec = st["pages"][i]
    prev = manifest.get(spec.path)
    new, old = f"{st['tmp_s']}/{spec.path}", f"{st['out_s']}/{spec.path}"
    written = stat = None
    if key is not None and prev is not None and prev[0] == key:
        # Same inputs as last time: carry the file over without rendering, if it is still
        # the very file the last build wrote (not edited or replaced since).
        try:
            s = os.stat(old)
            if [s.st_size, s.st_mtime_ns, s.st_ino] == prev[1:]:
                if not partial:  # in place, it stays where it is
                    os.link(old, new)
                written, stat = False, prev[1:]
        except OSError:
            written = None
    if written is None and key is not None and store is not None and store.fetch(key, new):
        # Rendered by an earlier build (the previous site may be gone): its stored bytes
        written = _keep_if_same(spec.path, tmp, out, partial) if st["out_exists"] else True
    if written is None:
        if not render:
            return None
        written = _place(render_page(st["env"], spec, st["site"]).encode("utf-8"), spec.path, tmp, out, partial)
    if stat is None:
        try:
            s = os.stat(new)
        except FileNotFoundError:  # in place and unchanged: the previous site's file
            s = os.stat(old)
            new = old
        stat = [s.st_size, s.st_mtime_ns, s.st_ino]
    elif partial:
        new = old
    if key is None or store is None:
        stored = None
    elif store.entries.get(key) == stat:
        # The store's entry is this very file (a hard link to it: same inode, size and
        # mtime), so storing it again would change nothing; a store file removed since is
        # a miss when a build fetches it (`PageStore.valid`), never a wrong page.
        stored = stat
    else:
        stored = store.put(key, new)
    return written, key, stat, stored


def write_site(pages: list[PageSpec], config: ArchiveConfig, archive_obj, finish=None, jobs: int = 1,
               show_progress: bool = False, manifest_path: Path | None = None,
               store_dir: Path | None = None, finish_summary=None,
               index_fingerprint: str | None = None, early=None, early_inputs: str | None = None,
               articles_digest: str | None = None, article_files: dict[str, str] | None = None) -> WriteStats:
    """Render every page into a temporary folder beside the output, then swap it in, so a
    failed build leaves the previous site untouched. Unchanged files are hard-linked from the
    previous site rather than rewritten; `jobs` > 1 renders in a pool of processes (same bytes).

    `finish`, if given (build.SiteFinish), adds what is made from the archive beside the pages
    (data, feeds, search index): `finish.prepare(tmp_dir, reuse)` returns its tasks, which run
    in the render pool (`finish.run`) before the pages, beside keying and rendering, and
    `finish.complete(results)` runs once every page and static file is written, before the
    swap. Its files whose bytes did not change are swapped for the previous build's too, and
    those it keys (`Reuse`) are carried over without being made again. When nothing in the
    archive, config, templates or code changed since the last build (`PageKeys.finish_key`),
    its output is taken from the last build instead.

    With `manifest_path` (in the cache), a page whose render key (`pagekey.py`) equals last
    build's is not even rendered: its file is carried over as it is. With `store_dir` too,
    a page whose key is in the page store (`pagestore.py`) is taken from there, and every
    page placed is kept there: a build with no previous site renders only what changed.

    `finish_summary()` (JSON data: what the finishing step reported) is kept with its output;
    when that output is reused instead of made, `WriteStats.finished` is the summary kept.

    `early` (early.EarlySite): a worker that has been placing the last build's site since the
    articles were read; its folder is used if this build makes that very site. `early_inputs`
    (pagekey.early_inputs) is kept in the manifest for the next build to compare;
    `articles_digest` (pagekey.articles_digest) stands for the archive's articles, and
    `article_files` ({path: content hash}) for each article (PageKeys).

    When only articles changed since the last build, the article and entity pages that cannot
    have changed keep their keys from its manifest (keydeps.py); the rest are keyed."""
    from archive import keydeps
    from archive.executor import make_executor
    from archive.pagekey import PageKeys, load_manifest, save_manifest
    from archive.pagestore import PageStore
    from archive.progress import progress

    out = config.output_dir
    check_output_dir(config)
    out.parent.mkdir(parents=True, exist_ok=True)
    _clean_leftovers(out, keep=early.tmp if early is not None else None)
    stats = WriteStats(pages=len(pages))
    tmp = None
    executor = pruning = store = tidy = None
    stored: dict[str, list] = {}  # key → stat of the page-store entries this site uses
    try:
        for spec in pages:
            # plan.py builds paths from slugs ([a-z0-9-]); this is the last line of defence
            # (tmp is new, so no symlink inside it: a normalised path says where it goes)
            norm = posixpath.normpath(spec.path)
            if os.path.isabs(spec.path) or norm == ".." or norm.startswith("../") or norm == ".":
                raise ArchiveError(f"refused to write {spec.path!r}: it is outside the output folder")
        site = site_context(config, archive_obj)
        keys = (PageKeys(config, archive_obj, [theme_dir("templates"), config.templates_dir], site,
                         index_fingerprint=index_fingerprint, articles_digest=articles_digest,
                         article_files=article_files)
                if manifest_path else None)
        # the last build's keys, even if its site is gone
        last, last_inputs = (early.last, early.last_inputs) if early is not None else load_manifest(manifest_path)
        inputs = keys.inputs() if keys is not None else None
        # Same inputs as the last build (its site may be gone: a CI build with the cache
        # restored): every page's key is the one in its manifest, hashing them again would
        # give the same digests (~3 s at 10,000 articles).
        same_inputs = inputs is not None and inputs == last_inputs
        known = last if same_inputs else {}
        fkey = keys.finish_key() if keys is not None and finish is not None else None
        if fkey is not None and getattr(finish, "variant", ""):
            fkey = hashlib.sha256(f"{fkey}\n{finish.variant}".encode()).hexdigest()
        # (what `_page` gave for each page, whether the finishing output is in place) when the
        # early worker placed this very site (early.py); else None, and its folder is gone
        early_placed = early.take(pages, inputs if same_inputs else None, fkey) if early is not None else None
        tmp = early.tmp if early_placed is not None else Path(tempfile.mkdtemp(prefix=f".{out.name}-tmp-", dir=out.parent))
        for folder in sorted({posixpath.dirname(p.path) for p in pages} | {"static"}):
            (tmp / folder).mkdir(parents=True, exist_ok=True)
        store = PageStore(store_dir) if store_dir is not None and keys is not None else None
        manifest = last if out.is_dir() else {}
        # In place (publish.py) unless the previous site has symbolic links or folders where
        # pages go; tmp then gets only what changed. (Pagefind reads the pages it indexes from
        # where they are: build.SiteFinish, search_bundles.py.)
        listing = SiteListing(out) if out.is_dir() else None
        partial = listing is not None and listing.plain and listing.fits([p.path for p in pages])
        key_state = None  # what this build's keys are made from (keydeps.py), when they are made
        if not same_inputs:
            if inputs is not None:
                # only articles changed: the article and entity pages they cannot have changed
                # keep their last keys (at 10,000 articles, adding one keys ~40 pages, not 16,410)
                last_state = keydeps.load_state(keydeps.state_path(manifest_path)) if last_inputs else None
                if last_state is not None and last_state.inputs != last_inputs:
                    last_state = None
                key_state = keydeps.current_state(keys, archive_obj, inputs, index_fingerprint, site.get("pictures"),
                                                  pages, last_state)
                if last_state is not None:
                    known = keydeps.unchanged_keys(last_state, key_state, pages, last) or {}
                if hasattr(type(archive_obj), "found_in_article") and "roles" not in archive_obj.__dict__:
                    # the roles are not made yet: they will be from these (0.4 s less at 10,000 articles)
                    archive_obj.found_in_article = keydeps.found_roles(key_state)
            # Pages are keyed or rendered in the workers: what they read of the index and of the
            # pictures' counts, made on first use, is made once, here, and shared. With most
            # keys known, the few entity pages keyed make their own entities' contexts, and
            # the worker keying the timeline's pages its entries (0.35 and 0.4 s at 10,000
            # articles, off this process's path, which the whole build waits on).
            if known:
                # (the roles: made by the worker keying pages that show them; the timeline's
                # entries by the workers keying their months' pages, with the periods, which
                # keydeps.current_state made)
                _ = archive_obj.comentions
            elif hasattr(archive_obj, "derive"):
                archive_obj.derive()
            for made_late in (site.get("pictures"), keys):
                if hasattr(made_late, "derive"):
                    made_late.derive()
            keydeps.verify(keys, pages, known)
        # The finishing step's output is reused, or its tasks are made ready before the pool forks.
        finish_tasks: list = []
        keyed: dict[str, str] = {}
        summary = None
        finish_reused = False
        if finish is not None:
            if early_placed is not None and early_placed[1] or early_placed is None and \
                    _reuse_finished(last.get(""), fkey, tmp, out, store, last):  # "" never names a page
                keyed = {rel: last[rel][0] for rel, *_ in last[""][1] if rel in last}
                summary = stats.finished = last[""][2] if len(last[""]) > 2 else None
                finish_reused = True
            else:
                # the export rows' keys: from this build's state, or made where the rows are
                export_keys = (partial_fn(keydeps.article_keys, key_state) if key_state is not None else
                               partial_fn(keydeps.article_keys, None, keys, archive_obj, index_fingerprint)
                               if inputs is not None else None)
                finish_tasks = finish.prepare(tmp, Reuse(keys, manifest, tmp, out, store, export_keys,
                                                         keydeps.carried_files(pages, known, last), last, partial))
        _RENDER.update(env=make_env(config), site=site, pages=pages, tmp=tmp, out=out, keys=keys, manifest=manifest,
                       store=store, partial=partial, tmp_s=os.fspath(tmp), out_s=os.fspath(out),
                       out_exists=out.is_dir(), finish_run=getattr(finish, "run", None))
        new_manifest: dict[str, list] = {}

        def take(i: int, result) -> None:
            written, key, stat, entry = result
            stats.written += written
            stats.unchanged += not written
            if key is not None:
                new_manifest[pages[i].path] = [key, *stat]
            if entry is not None:
                stored[key] = entry

        # Keys to hash (the inputs changed since the last build): the workers key the pages,
        # in tasks of KEY_CHUNK, and carry each one over or render it. Each makes the contexts
        # of its own pages, on both cores; a worker reading the index copies the memory pages
        # it touches (reference counts), which costs less than keying on one core: at 10,000
        # articles, adding one took 4.9-5.1 s to render and write with keys made here, and
        # 4.3-4.5 s with keys made in the workers (after a code change, every page rendered:
        # 14.9 s and 12.1 s). The finishing step's tasks go first, so that they run while the
        # first pages are keyed.
        # Keys known from the last build's manifest: each page is carried over here (links,
        # no context read), and the pages that must be rendered go to the workers in tasks
        # as soon as they are found (`Pool.imap` runs this generator in its feeder thread).
        carried: list[tuple[int, tuple]] = []
        finish_results: list = []
        missing: list[tuple[int, str]] = []  # pages the early worker did not place: rendered
        if early_placed is not None:
            for i, result in enumerate(early_placed[0]):
                if result is not None:
                    carried.append((i, result))
                else:
                    missing.append((i, known[pages[i].path][0]))

        def tasks():
            for t in finish_tasks:
                yield "finish", t
            if early_placed is not None:
                for start in range(0, len(missing), RENDER_CHUNK):
                    yield "render", missing[start:start + RENDER_CHUNK]
                return
            if keys is not None and not known:
                for start in range(0, len(pages), KEY_CHUNK):
                    yield "key", list(range(start, min(start + KEY_CHUNK, len(pages))))
                return
            task = []
            to_key: list[int] = []  # pages whose key is not known: keyed (then placed) in the workers
            key_tasks = 0
            last_group = None
            last_sent = 0
            for i, spec in enumerate(pages):
                key = known.get(spec.path, (None,))[0]
                if type(key) is not str:
                    if keys is not None:
                        group = _key_group(spec)
                        if len(to_key) >= (KEY_FEW if key_tasks < KEY_FEW_TASKS else KEY_CHUNK) and group != last_group:
                            yield "key", to_key
                            to_key = []
                            key_tasks += 1
                        to_key.append(i)
                        last_group = group
                        continue
                    key = None
                result = _page(i, key, False)
                if result is not None:
                    carried.append((i, result))
                    continue
                task.append((i, key))
                # a full task, or what was found among the last pages keyed: rendering starts
                # while keying goes on, also when few pages changed (adding an article)
                if len(task) == RENDER_CHUNK or i - last_sent >= FLUSH_EVERY:
                    yield "render", task
                    task = []
                    last_sent = i
            if to_key:
                yield "key", to_key
            if task:
                yield "render", task

        bar = progress(len(pages), "rendering", show_progress)
        try:
            # No pool when there is nothing for it to do: every page's key is known and its
            # file is in the previous site or the page store, and the finishing step's output
            # is reused (a warm build; forking two workers of a ~700 MB process costs ~0.05 s).
            # A file that turns out to be missing is then rendered here, the same way.
            idle = not finish_tasks and (not missing if early_placed is not None
                                         else bool(known) and _all_placed(pages, known, manifest, store))
            executor = make_executor(1 if idle else jobs, len(pages), min_items_per_job=RENDER_CHUNK)
            for kind, results in executor.map(_pool_task, tasks()):
                if kind == "finish":
                    finish_results.append(results)
                    continue
                for i, result in results:
                    take(i, result)
                bar.update(len(results))
            executor.close()  # before the pruning thread starts: no fork after it
            executor = None
            for i, result in carried:
                take(i, result)
            bar.update(len(carried))
        finally:
            bar.close()
        # in page order, as before (the manifest and the store index are JSON objects)
        new_manifest = {p.path: new_manifest[p.path] for p in pages if p.path in new_manifest}
        if store is not None:
            # the last site's page versions that no page uses now go beside the finishing step
            # (not its finishing files: that step may take them from the store); `save` below
            # removes whatever else this site does not use
            pruning = store.start_prune((_last_page_keys(last) | _last_finish_keys(last, fkey)) - set(stored))
        extra = {rel: path.read_bytes() for rel, path in static_files(config).items()}
        extra[".nojekyll"] = b""
        extra[SITE_MARKER] = b"This folder is a site built by archive; each build replaces it whole.\n"
        for rel, data in extra.items():
            (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
            written = _place(data, rel, tmp, out, partial)
            stats.written += written
            stats.unchanged += not written
        placed = {p.path for p in pages} | set(extra)
        made_rels: set[str] = set()
        if finish is not None:
            if not finish_reused:
                keyed = finish.complete(dict(zip(finish_tasks, finish_results))) or {}
                summary = finish_summary() if finish_summary is not None else None
            if pruning is not None:
                pruning.join()  # before storing the finishing files: it would remove them
            made = []
            in_tmp = [rel for rel in _files(tmp) if rel not in placed]
            # keyed files the step left where they are in the site (published in place: the
            # search bundles carried over), part of this site as they are
            in_place = keyed.keys() - set(in_tmp) - placed if partial else set()
            for rel in in_tmp + sorted(in_place):
                made_rels.add(rel)
                written = rel not in in_place and _keep_if_same(rel, tmp, out, partial)
                stats.written += written
                stats.unchanged += not written
                path = tmp / rel if written or not partial else out / rel
                st = os.stat(path)
                made.append([rel, st.st_size, st.st_mtime_ns, st.st_ino])
                if keyed.get(rel) is not None:
                    new_manifest[rel] = [keyed[rel], st.st_size, st.st_mtime_ns, st.st_ino]
                    entry = store.put(keyed_file_key(keyed[rel], rel), path) if store is not None else None
                    if entry is not None:
                        stored[keyed_file_key(keyed[rel], rel)] = entry
                elif store is not None and fkey is not None:
                    # unkeyed: stored as part of the whole step's output, by fkey (a keyed
                    # file is found by its own key: the ~1,700 entity feeds, most unchanged,
                    # are not stored again under each new fkey)
                    entry = store.put(finish_entry_key(fkey, rel), path)
                    if entry is not None:
                        stored[finish_entry_key(fkey, rel)] = entry
            if fkey is not None:
                new_manifest[""] = [fkey, made, summary]
        tmp.chmod(0o755)  # mkdtemp makes it 0700; a published site must be readable by the web server
        if partial:
            new_files = placed | made_rels
            moves = sorted(files_under(tmp))
            if listing.fits(moves):
                deletes = sorted(listing.files - new_files)
                stats.removed = len(deletes)
                save_manifest(manifest_path, {})  # while the site changes, no manifest is trusted
                tidy = commit(tmp, out, moves, deletes)
            else:  # a finishing file where the previous site has a folder, or the reverse
                _complete(tmp, out, new_files - set(moves))
                partial = False
        if not partial:
            stats.removed = _count_removed(out, tmp)
            save_manifest(manifest_path, {})  # while the site changes, no manifest is trusted
            _swap(tmp, out)
        if not same_inputs:  # (else the saved state names these very inputs already)
            keydeps.save_state(keydeps.state_path(manifest_path), key_state)
        save_manifest(manifest_path, new_manifest, inputs, early_inputs)
        if store is not None:
            pruning.join()
            if stored != store.entries:
                store.save(stored, prune=True)  # only this site's pages: the store stays one site big
            # (else the store holds exactly this site already, as when a warm cache restored a
            # deleted site: its index is not rewritten nor its 18,000 files listed at 10,000
            # articles; a killed build's stray files are swept by the next build that changes it)
    except BaseException:
        if executor is not None and hasattr(executor, "terminate"):
            executor.terminate()
            executor = None
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        if pruning is not None:
            pruning.join()
        if store is not None and stored:
            store.save(stored, prune=False)  # what was rendered stays usable by the next build
        raise
    finally:
        _RENDER.clear()
        if tidy is not None:
            tidy.join()  # the previous site's replaced files, freed beside the records above
        if early is not None:
            early.close()  # its worker is done; its folder is gone unless it became the site
        if finish is not None:
            finish.close()
        if executor is not None:
            executor.close()
    return stats


def _key_group(spec) -> object:
    """Pages keyed in one task when they follow each other: a year's timeline pages, which
    share that year's entries (made once per process that keys them); any other page alone."""
    if spec.kind == "timeline_year" and spec.subject:
        return ("timeline", spec.subject[0])
    return spec.path


def _all_placed(pages, known: dict, manifest: dict, store) -> bool:
    """Whether every page's known key names a file of the previous site (`manifest`) or of
    the page store, so that placing the pages will render none (unless a file changed)."""
    entries = store.entries if store is not None else {}
    for p in pages:
        key = (known.get(p.path) or (None,))[0]
        if type(key) is not str or (key not in entries and (manifest.get(p.path) or (None,))[0] != key):
            return False
    return True


class Reuse:
    """Lets the finishing step carry one of its files over from the previous site, like an
    unchanged page: `key(value)` is a digest of what the file is made from (None: unkeyable),
    and `link(rel, key)` puts the previous file in place when the last build made it from
    the same key and it is still the very file that build left. The finishing step returns
    {rel: key} for its keyed files, and write_site keeps those keys in the manifest."""

    def __init__(self, keys, manifest: dict, tmp: Path, out: Path, store=None, article_keys=None,
                 carried: dict | None = None, last: dict | None = None, partial: bool = False):
        self.keys, self.manifest, self.tmp, self.out, self.store = keys, manifest, tmp, out, store
        # published in place (publish.py): `tmp` gets only what changed, the rest stays in `out`
        self.partial = partial
        # the last build's manifest, also when its site is gone (`manifest` is then empty): what
        # its keyed files were, to be found in the page store
        self.last = last if last is not None else manifest
        # makes {article id: digest of everything its export rows are made from}, or None
        # (keydeps.article_keys)
        self._article_keys = article_keys
        self._made = None
        # {path: the last build's key} of files whose inputs cannot have changed (keydeps.py)
        self.carried = carried or {}

    @property
    def article_keys(self) -> dict[str, str] | None:
        if self._made is None and self._article_keys is not None:
            self._made = self._article_keys()
        return self._made

    def key_of(self, rel: str, inputs) -> str | None:
        """The key of the file at `rel`, made from `inputs()`; or, for a file whose inputs
        cannot have changed since the last build, its key then (`inputs()` not called, but
        checked under ARCHIVE_VERIFY_KEYS)."""
        from archive import keydeps

        known = self.carried.get(rel)
        if known is None:
            return self.key(inputs())
        keydeps.verify_one(rel, known, lambda: self.key(inputs()))
        return known

    def key(self, value) -> str | None:
        return self.keys.value_key(value) if self.keys is not None else None

    def in_site(self, rel: str, key: str) -> bool:
        """Whether the previous site's file at `rel` is the very file the last build made from
        `key` (same size, time and inode as its manifest says)."""
        prev = self.manifest.get(rel)
        if prev is None or prev[0] != key:
            return False
        try:
            s = os.stat(self.out / rel)
        except OSError:
            return False
        return [s.st_size, s.st_mtime_ns, s.st_ino] == prev[1:]

    def link(self, rel: str, key: str | None) -> bool:
        if key is None:
            return False
        if self.in_site(rel, key):
            try:
                (self.tmp / rel).parent.mkdir(parents=True, exist_ok=True)
                os.link(self.out / rel, self.tmp / rel)
                return True
            except OSError:
                pass
        return self._from_store(rel, key)

    def _from_store(self, rel: str, key: str) -> bool:
        """The file as an earlier build stored it (write_site stores the keyed files)."""
        if self.store is None:
            return False
        try:
            (self.tmp / rel).parent.mkdir(parents=True, exist_ok=True)
        except OSError:
            return False
        return self.store.fetch(keyed_file_key(key, rel), self.tmp / rel) is not None


def _reuse_finished(prev, fkey: str | None, tmp: Path, out: Path, store=None, last: dict | None = None) -> bool:
    """When no page and nothing in the archive changed, what the finishing step made last time
    is still right: link those files (from the previous site, or from the page store when that
    site is gone or a file of it changed) instead of making them again. False if anything is
    off (then nothing was linked). A file the step keyed itself (`last[rel]`, see `Reuse`) is
    in the store under that key, the others under the whole step's key (`finish_entry_key`)."""
    if fkey is None or not prev or prev[0] != fkey:
        return False
    last = last or {}
    linked = []
    try:
        for rel, size, mtime, ino in prev[1]:
            (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
            linked.append(tmp / rel)
            try:
                st = os.stat(out / rel)
                same = [st.st_size, st.st_mtime_ns, st.st_ino] == [size, mtime, ino]
            except OSError:
                same = False
            if same:
                os.link(out / rel, tmp / rel)
            elif store is None or store.fetch(_finish_store_key(fkey, rel, last), tmp / rel) is None:
                raise OSError("changed since the last build, and not in the page store")
    except (OSError, ValueError, TypeError):
        for path in linked:
            path.unlink(missing_ok=True)
        return False
    return True


def _finish_store_key(fkey: str, rel: str, manifest: dict) -> str:
    """The page-store key of the finishing step's file `rel` (see `_reuse_finished`)."""
    keyed = manifest.get(rel)
    return keyed_file_key(keyed[0], rel) if keyed else finish_entry_key(fkey, rel)


def _files(root: Path) -> list[str]:
    out = []
    for dirpath, _, files in os.walk(root):
        rel = os.path.relpath(dirpath, root)
        out += [f if rel == "." else f"{rel}/{f}".replace(os.sep, "/") for f in files]
    return out


def _keep_if_same(rel: str, tmp: Path, out: Path, partial: bool = False) -> bool:
    """A file `finish` wrote: if the previous site has the same bytes, put that file in its
    place (same inode and mtime), or with `partial` (published in place) remove the new one.
    Returns True when the new file stays (it was written)."""
    new, old = tmp / rel, out / rel
    try:
        a, b = old.stat(), new.stat()
        if (a.st_ino, a.st_dev) == (b.st_ino, b.st_dev):
            if partial:
                new.unlink()
            return False  # already the previous file (carried over)
        if a.st_size == b.st_size and old.read_bytes() == new.read_bytes():
            if partial:
                new.unlink()
                return False
            link = new.with_name(new.name + ".archive-link")
            os.link(old, link)
            os.replace(link, new)
            return False
    except OSError:
        pass
    return True


def _last_finish_keys(last: dict, fkey: str | None) -> set[str]:
    """The store keys of the last build's finishing files, unless this build can reuse them."""
    try:
        entry = last.get("", [None, []])
        last_fkey, made = entry[0], entry[1]
        if last_fkey is None or last_fkey == fkey:
            return set()
        # (a keyed file's entry may be used again by this build: the final `save` sweeps those)
        return {finish_entry_key(last_fkey, m[0]) for m in made if not last.get(m[0])}
    except (TypeError, ValueError, IndexError):
        return set()


def _manifest_pages(last: dict) -> list[str] | None:
    """The pages of the last build's manifest: every entry but its finishing files (listed
    under ""), in order; None when that list is not readable."""
    try:
        finished = {m[0] for m in last.get("", [None, []])[1]}
    except (TypeError, IndexError, KeyError):
        return None
    return [rel for rel in last if rel and rel not in finished]


def _last_page_keys(last: dict) -> set[str]:
    """The page keys of the last build's manifest."""
    try:
        return {last[rel][0] for rel in _manifest_pages(last) or () if isinstance(last[rel][0], str)}
    except (TypeError, IndexError):
        return set()


def _complete(tmp: Path, out: Path, kept: set[str]) -> None:
    """Make tmp a complete site for `_swap`: link in the previous site's files it keeps."""
    for rel in kept:
        (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(out / rel, tmp / rel)
        except OSError:
            shutil.copy2(out / rel, tmp / rel)


def _count_removed(out: Path, new: Path) -> int:
    """Files of the previous site that the new one does not have."""
    if not out.is_dir():
        return 0
    n = 0
    for dirpath, _, files in os.walk(out):
        rel = os.path.relpath(dirpath, out)
        for f in files:
            if not (new / rel / f).exists():
                n += 1
    return n


def _swap(new: Path, out: Path) -> None:
    old = None
    # Between the two renames there is no site at `out`: hold SIGINT/SIGTERM until both are
    # done (a signal that arrives meanwhile is delivered right after).
    blocked = hasattr(signal, "pthread_sigmask")
    if blocked:
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        if out.exists():
            old = out.with_name(f".{out.name}-old-{os.getpid()}")
            os.replace(out, old)
        os.replace(new, out)
    finally:
        if blocked:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
