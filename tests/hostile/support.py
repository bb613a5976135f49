"""Shared by the robustness tests: a small archive to attack, a scanner that finds executable
HTML in a built site, and a byte-for-byte snapshot of a folder."""
from __future__ import annotations

import hashlib
import json
import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path

HOSTILE = Path(__file__).parent

BASE_ARTICLE = """---
title: Qaani in Baghdad
date: 2021-04-07
source: The Arab Weekly
---
Esmail Qaani visited Baghdad on Tuesday and met Prime Minister Mustafa Kadhimi.

“We will not leave Iraq,” Qaani said after the meeting.

Kadhimi said that the talks were useful.
"""

BASE_REGISTRY = """entities:
  - id: esmail-qaani
    type: actor
    name: Esmail Qaani
    aliases: [Qaani]
    description: Commander of the Quds Force.
  - id: mustafa-kadhimi
    type: actor
    name: Mustafa Kadhimi
    aliases: [Kadhimi]
  - id: baghdad
    type: place
    name: Baghdad
"""

BASE_CONFIG = """title: Hostile input test archive
content: articles
output: build
model: rules
require_date: false
search: false  # Pagefind's index is data, not pages; leaving it out keeps 70 builds fast
base_url: https://archive.example.org/  # absolute, so that feeds and the sitemap are written too
"""


def make_archive(root: Path) -> Path:
    """A valid archive with one article and a small registry; cases add or replace files."""
    (root / "articles").mkdir(parents=True)
    (root / "archive.yml").write_text(BASE_CONFIG, encoding="utf-8")
    (root / "articles" / "base.md").write_text(BASE_ARTICLE, encoding="utf-8")
    (root / "articles" / "entities.yml").write_text(BASE_REGISTRY, encoding="utf-8")
    return root


def snapshot(folder: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file (and '<dir>' for folders) under `folder`."""
    out = {}
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder).as_posix()
        out[rel] = "<dir>" if p.is_dir() and not p.is_symlink() else hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "<link>"
    return out


# Attributes whose value the browser loads or navigates to.
_URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "poster", "background", "data",
              "srcset", "cite", "longdesc", "dynsrc", "lowsrc", "manifest", "ping"}
# Never written by the theme, and each can load or run something.
_FORBIDDEN_TAGS = {"iframe", "object", "embed", "frame", "frameset", "applet"}
_SAFE_DATA = re.compile(r"data:image/(?:png|gif|jpeg|webp)[;,]")


class _Scanner(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.scripts: list[tuple[dict, str]] = []  # (attributes, text) of every <script>
        self._script: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        self.elements.append((tag, a))
        if tag == "script":
            self._script = a
            self.scripts.append((a, ""))

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)


def _dangerous_url(value: str) -> bool:
    # Browsers ignore whitespace and control characters inside a scheme ("java\tscript:").
    folded = re.sub(r"[\x00-\x20\x7f]+", "", value).lower()
    if folded.startswith(("javascript:", "vbscript:", "livescript:")):
        return True
    return folded.startswith("data:") and not _SAFE_DATA.match(folded)


def _theme_scripts() -> list[re.Pattern]:
    """The inline scripts written in the default theme's templates, as patterns in which each
    `{{ … }}` may be any value without quotes, brackets or spaces (a relative path, say).
    An inline script in the site is the theme's own only if it matches one of them whole."""
    from archive.render import theme_dir

    patterns = []
    for path in sorted(theme_dir("templates").rglob("*.html")):
        source = path.read_text(encoding="utf-8")
        for body in re.findall(r"<script>(.*?)</script>", source, re.S):
            parts = re.split(r"\{\{.*?\}\}", body.strip(), flags=re.S)
            patterns.append(re.compile(r"[^\"'<>\s]*".join(re.escape(p) for p in parts), re.S))
    return patterns


_DATA_SCRIPTS = {"application/ld+json", "application/json"}


def unsafe_html(site: Path) -> list[str]:
    """Everything in the site's HTML that could run script: <script> that is not the theme's
    own (a file under static/, or inline code matching a script of a theme template), on*
    handlers, javascript:/vbscript:/data: URLs, embedding tags, meta refresh, NUL characters."""
    problems = []
    theme = _theme_scripts()
    for page in sorted(site.rglob("*.html")):
        rel = page.relative_to(site).as_posix()
        html = page.read_text(encoding="utf-8")
        if "\x00" in html:
            problems.append(f"{rel}: NUL character")
        scan = _Scanner()
        scan.feed(html)
        scan.close()
        for attrs, text in scan.scripts:
            kind = attrs.get("type", "").lower()
            if kind in _DATA_SCRIPTS:
                # a data block is never run, but only if nothing broke out of it: whole JSON
                try:
                    json.loads(text)
                except ValueError:
                    problems.append(f"{rel}: <script type={kind}> is not one JSON document: {text[:60]!r}")
                continue
            src = attrs.get("src", "")
            if src:
                target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), src))
                if "://" in src or src.startswith("//") or not target.startswith("static/"):
                    problems.append(f"{rel}: <script src={src!r}> is not the theme's own")
            elif text.strip() and not any(p.fullmatch(text.strip()) for p in theme):
                problems.append(f"{rel}: inline script that is not the theme's own: {text.strip()[:60]!r}")
        for tag, attrs in scan.elements:
            if tag in _FORBIDDEN_TAGS or (tag == "base" and rel != "404.html"):
                # the theme's 404 page sets <base href=base_url> so that it works at any depth
                problems.append(f"{rel}: <{tag}>")
            if tag == "meta" and attrs.get("http-equiv", "").lower() == "refresh":
                problems.append(f"{rel}: <meta http-equiv=refresh>")
            for name, value in attrs.items():
                if name.startswith("on"):
                    problems.append(f"{rel}: <{tag} {name}=...>")
                if name in _URL_ATTRS and _dangerous_url(value):
                    problems.append(f"{rel}: <{tag} {name}={value[:60]!r}>")
                if name == "style" and re.search(r"javascript:|expression\(|url\(", value, re.I):
                    problems.append(f"{rel}: <{tag} style={value[:60]!r}>")
    return problems


class TextOf(HTMLParser):
    """Visible text of one page (whitespace collapsed), and its elements."""

    def __init__(self, path: Path):
        super().__init__(convert_charrefs=True)
        self._parts: list[str] = []
        self.elements: list[tuple[str, dict]] = []
        self.feed(path.read_text(encoding="utf-8"))

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data):
        self._parts.append(data)

    @property
    def text(self) -> str:
        # joined without a separator: a quote highlight inside a word must not split it
        return " ".join("".join(self._parts).split())
