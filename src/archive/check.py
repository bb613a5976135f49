"""`archive check`: is the archive sound and is its built site free of broken links?

Sources are checked with the loaders the build uses (config.py, reader.py, registry.py), so a
problem is reported in the same words as at build time, but all problems at once. The built
site is checked by parsing every page: each internal link and asset must resolve to a file
under the site (with the base URL's path for root-relative links), each `#anchor` to an `id`
on the target page; external links are fetched only when asked (slow, and flaky in CI).

Also here: `count_warnings`, which `archive build --strict` uses to fail on logged warnings
(mkdocs' CountHandler idea).
"""
from __future__ import annotations

import contextlib
import logging
import posixpath
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from archive.errors import ArticleError, ConfigError, RegistryError

# Attributes that point at other pages or files, and whether the target is an asset.
_LINK_ATTRS = {
    ("a", "href"): "link", ("area", "href"): "link", ("link", "href"): "asset",
    ("img", "src"): "asset", ("script", "src"): "asset", ("iframe", "src"): "link",
    ("source", "src"): "asset", ("audio", "src"): "asset", ("video", "src"): "asset",
    ("video", "poster"): "asset", ("track", "src"): "asset", ("embed", "src"): "asset",
    ("object", "data"): "asset", ("img", "srcset"): "asset", ("source", "srcset"): "asset",
}
_SKIP_SCHEMES = {"mailto", "tel", "javascript", "data", "about", "sms"}
# <link rel=…> values that are not fetched resources of this site.
_LINK_REL_IGNORED = {"preconnect", "dns-prefetch"}


@dataclass(frozen=True)
class Problem:
    kind: str  # config | article | registry | site | link | asset | anchor | external
    where: str  # file or page, relative to the archive or the site
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True)
class CheckReport:
    problems: tuple[Problem, ...]
    articles: int = 0
    entities: int = 0
    pages: int = 0
    links: int = 0
    external: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        ext = f", {self.external} external links" if self.external else ""
        return (f"Checked {self.articles} articles, {self.entities} registry entries, {self.pages} pages, "
                f"{self.links} internal links and assets{ext}: {len(self.problems)} problem(s).")


@dataclass
class _Page:
    ids: list[str] = field(default_factory=list)
    links: list[tuple[str, str, int]] = field(default_factory=list)  # (kind, url, line)


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = _Page()

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for name in ("id",) + (("name",) if tag == "a" else ()):
            if values.get(name):
                self.page.ids.append(values[name])
        if tag == "link" and set((values.get("rel") or "").lower().split()) & _LINK_REL_IGNORED:
            return
        line = self.getpos()[0]
        for name, value in attrs:
            kind = _LINK_ATTRS.get((tag, name))
            if kind is None or value is None:
                continue
            if name == "srcset":
                for candidate in value.split(","):
                    if candidate.strip():
                        self.page.links.append((kind, candidate.strip().split()[0], line))
            else:
                self.page.links.append((kind, value.strip(), line))

    handle_startendtag = handle_starttag


def parse_page(path: Path) -> _Page:
    parser = _PageParser()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    parser.close()
    return parser.page


def check_sources(config) -> tuple[list[Problem], int, int]:
    """Registry and articles, as the build reads them. Returns (problems, articles, entities)."""
    from archive.discover import discover
    from archive.reader import read_article
    from archive.registry import load_registry

    problems: list[Problem] = []
    entities = 0
    try:
        entities = len(load_registry(config.registry_path).entities)
    except RegistryError as exc:
        problems += [Problem("registry", _rel(exc.path, config.root), p) for p in exc.problems]
    sources = discover(config.content_dir)
    if not sources:
        problems.append(Problem("config", _rel(config.content_dir, config.root), "no articles found (set 'content:' in archive.yml)"))
    ids: dict[str, str] = {}
    read = 0
    for src in sources:
        where = _rel(src.path, config.root)
        try:
            art = read_article(src, require_date=config.require_date)
        except ArticleError as exc:
            problems.append(Problem("article", where, exc.reason))
            continue
        read += 1
        if art.id in ids:
            problems.append(Problem("article", where, f"id '{art.id}' is already used by {ids[art.id]}"))
        ids.setdefault(art.id, where)
    return problems, read, entities


def check_site(site: Path, base_url: str = "/", external: bool = False,
               timeout: float = 10.0) -> tuple[list[Problem], int, int, int]:
    """Links, anchors and assets of a built site. Returns (problems, pages, links, externals)."""
    problems: list[Problem] = []
    site = site.resolve()
    base_path = urlsplit(base_url).path or "/"
    base_path = base_path if base_path.endswith("/") else base_path + "/"
    absolute_base = base_url if "://" in base_url else None
    pages = {p.relative_to(site).as_posix(): p for p in sorted(site.rglob("*.html"))}
    parsed: dict[str, _Page] = {}

    def page(rel: str) -> _Page:
        if rel not in parsed:
            parsed[rel] = parse_page(pages[rel])
        return parsed[rel]

    internal = 0
    externals: dict[str, list[str]] = {}
    for rel in pages:
        info = page(rel)
        seen_ids: set[str] = set()
        for ident in info.ids:
            if ident in seen_ids:
                problems.append(Problem("anchor", rel, f"id '{ident}' is used twice on the page"))
            seen_ids.add(ident)
        for kind, url, line in info.links:
            if absolute_base and url.startswith(absolute_base):
                url = base_path + url[len(absolute_base):]  # our own canonical URLs: internal
            parts = urlsplit(url)
            if parts.scheme in _SKIP_SCHEMES:
                continue
            if parts.scheme or url.startswith("//"):
                externals.setdefault(url, []).append(f"{rel}:{line}")
                continue
            internal += 1
            target = _resolve(rel, unquote(parts.path), base_path)
            where = f"{rel}:{line}"
            if target is None:
                problems.append(Problem(kind, where, f"'{url}' points outside the site (base path {base_path})"))
                continue
            fs = site / target if target else site
            if fs.is_dir() or url.endswith("/") or target == "":
                target = posixpath.join(target, "index.html") if target else "index.html"
                fs = site / target
            if not fs.is_file():
                problems.append(Problem(kind, where, f"broken {kind} '{url}': {target} does not exist"))
                continue
            fragment = unquote(parts.fragment)
            if fragment and fragment != "top" and target in pages and fragment not in page(target).ids:
                problems.append(Problem("anchor", where, f"'{url}': no id '{fragment}' on {target}"))
    if external:
        problems += _check_external(externals, timeout)
    return problems, len(pages), internal, len(externals)


def _resolve(page_rel: str, path: str, base_path: str) -> str | None:
    """Site-relative path of a link's target; '' is the site root; None if outside the site."""
    if not path:
        return page_rel  # "#anchor" or "?query": this page
    if path.startswith("/"):
        if not (path + "/").startswith(base_path) and not path.startswith(base_path):
            return None
        joined = path[len(base_path):] if path.startswith(base_path) else ""
    else:
        joined = posixpath.join(posixpath.dirname(page_rel), path)
    norm = posixpath.normpath(joined) if joined else ""
    if norm in (".", ""):
        return ""
    if norm.startswith("../") or norm == "..":
        return None
    return norm


def _check_external(externals: dict[str, list[str]], timeout: float) -> list[Problem]:
    def probe(url: str) -> str | None:
        for method in ("HEAD", "GET"):  # some servers refuse HEAD
            req = urllib.request.Request(url, method=method, headers={"User-Agent": "archive-check/1"})
            try:
                with urllib.request.urlopen(req, timeout=timeout):
                    return None
            except urllib.error.HTTPError as exc:
                if method == "HEAD" and exc.code in (403, 405, 501):
                    continue
                return f"HTTP {exc.code}"
            except (urllib.error.URLError, OSError, ValueError) as exc:
                return str(getattr(exc, "reason", exc))
        return None

    urls = sorted(externals)
    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(probe, urls))
    return [Problem("external", externals[url][0], f"external link '{url}' failed: {err}"
                    + (f" (and {len(externals[url]) - 1} more pages)" if len(externals[url]) > 1 else ""))
            for url, err in zip(urls, outcomes) if err]


def check_archive(archive_dir: str | Path = ".", site: str | Path | None = None, external: bool = False,
                  timeout: float = 10.0, base_url: str | None = None) -> CheckReport:
    """Every check, all problems collected. `site` defaults to the archive's output folder."""
    from archive.config import load_config

    try:
        config = load_config(archive_dir, {"base_url": base_url})
    except ConfigError as exc:
        return CheckReport(problems=tuple(Problem("config", str(exc.path), p) for p in exc.problems))
    problems, articles, entities = check_sources(config)
    site_dir = Path(site).resolve() if site else config.output_dir
    pages = links = externals = 0
    if not (site_dir / "index.html").is_file():
        problems.append(Problem("site", str(site_dir), "no built site here: run 'archive build' first"))
    else:
        site_problems, pages, links, externals = check_site(site_dir, config.base_url, external, timeout)
        problems += site_problems
    return CheckReport(problems=tuple(problems), articles=articles, entities=entities,
                       pages=pages, links=links, external=externals)


def _rel(path, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


class _Counter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


@contextlib.contextmanager
def count_warnings(logger_name: str = "archive"):
    """Count WARNING-or-worse records logged under `logger_name` inside the block, even when
    the console shows errors only (--quiet): the logger is opened to WARNING for the count."""
    logger = logging.getLogger(logger_name)
    counter = _Counter()
    old_level = logger.level
    if logger.getEffectiveLevel() > logging.WARNING:
        logger.setLevel(logging.WARNING)
    logger.addHandler(counter)
    try:
        yield counter
    finally:
        logger.removeHandler(counter)
        logger.setLevel(old_level)
