"""Helpers for tests that read a built site: parse pages, resolve relative links."""
from __future__ import annotations

import posixpath
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse


class Page(HTMLParser):
    def __init__(self, path: Path):
        super().__init__()
        self.path = path
        self.links: list[tuple[str, dict]] = []   # (href, attrs) of <a> and <link>
        self.assets: list[str] = []
        self.ids: set[str] = set()
        self.elements: list[tuple[str, dict]] = []
        self._text: list[str] = []
        self.feed(path.read_text(encoding="utf-8"))

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.elements.append((tag, a))
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and "href" in a:
            self.links.append((a["href"], a))
        if tag == "link" and "href" in a and a.get("rel") != "canonical":
            self.assets.append(a["href"])
        if tag in ("script", "img") and "src" in a:
            self.assets.append(a["src"])

    def handle_data(self, data):
        self._text.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self._text).split())

    def find(self, tag: str, **attrs) -> list[dict]:
        return [a for t, a in self.elements if t == tag and all(attrs[k] in (a.get(k) or "").split() for k in attrs)]


def resolve(site: Path, page: Path, href: str) -> Path | None:
    """The file a relative link points to, or None for external links."""
    parsed = urlparse(href)
    if parsed.scheme or parsed.netloc or href.startswith("mailto:"):
        return None
    rel = posixpath.normpath(posixpath.join(posixpath.dirname(page.relative_to(site).as_posix()), unquote(parsed.path)))
    target = site / rel if parsed.path else page
    if target.is_dir():
        target = target / "index.html"
    return target


def broken_links(site: Path) -> list[str]:
    bad = []
    for page_path in site.rglob("*.html"):
        page = Page(page_path)
        for href in [h for h, _ in page.links] + page.assets:
            target = resolve(site, page_path, href)
            if target is None:
                continue
            if not target.exists():
                bad.append(f"{page_path.relative_to(site)} -> {href}")
                continue
            frag = urlparse(href).fragment
            if frag and target.suffix == ".html" and frag not in Page(target).ids:
                bad.append(f"{page_path.relative_to(site)} -> {href} (no #{frag})")
    return bad
