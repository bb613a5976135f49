"""Pull the article out of a saved news web page: its metadata and its main text.

Stdlib only (html.parser): a saved page is parsed into a small element tree, then
- metadata comes from JSON-LD (`NewsArticle` and friends), OpenGraph/`article:` tags, the
  usual `<meta name=…>` tags, `<link rel=canonical>`, `<time datetime>` and `<title>`, in
  that order of trust (JSON-LD and OpenGraph are written for machines; `<title>` often
  carries the site name);
- the main text is the `articleBody`/`<article>`/`<main>` element, or else the element whose
  paragraphs hold the most text (Readability's idea, much simplified), after dropping scripts,
  navigation, sharing widgets, related-story lists and other boilerplate.

Nothing here guesses: what the page does not say stays None, and the caller marks it.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

# Elements whose whole subtree is never article text.
_DROP_TAGS = {
    "script", "style", "noscript", "template", "svg", "canvas", "iframe", "object", "embed",
    "nav", "header", "footer", "aside", "form", "button", "select", "textarea", "input",
    "figure", "figcaption", "menu", "dialog", "head",
}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
         "source", "track", "wbr"}
# class/id words that mark boilerplate, unless the same attribute also looks like content
# (Readability's unlikelyCandidates / okMaybeItsACandidate, trimmed to what news sites use).
_UNLIKELY = re.compile(
    r"-ad-|\bads?\b|advert|banner|breadcrumb|comment|community|cookie|consent|disqus|footer|gdpr|"
    r"header|menu|most-?read|newsletter|outbrain|pager|pagination|popup|promo|recommend|related|"
    r"share|sharing|sidebar|skyscraper|social|sponsor|subscribe|taboola|toolbar|trending|widget",
    re.I)
_MAYBE = re.compile(r"article|body|content|main|story|text", re.I)
_MAX_DEPTH = 200
_BLOCKS = {"p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre"}
_ARTICLE_TYPES = {"newsarticle", "article", "reportagenewsarticle", "blogposting", "analysisnewsarticle",
                  "opinionnewsarticle", "backgroundnewsarticle", "webpage", "report"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    children: list = field(default_factory=list)  # Element or str

    def get(self, name: str) -> str:
        return self.attrs.get(name) or ""

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def text(self) -> str:
        parts: list[str] = []
        _collect_text(self, parts)
        return _clean("".join(parts))


def _collect_text(el: Element, parts: list[str]) -> None:
    for child in el.children:
        if isinstance(child, str):
            parts.append(child)
        elif child.tag == "br":
            parts.append(" ")
        elif child.tag not in _DROP_TAGS:
            _collect_text(child, parts)
            if child.tag in _BLOCKS or child.tag in ("div", "section", "td"):
                parts.append(" ")


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


class _TreeBuilder(HTMLParser):
    """A forgiving tree builder: unclosed tags are closed by their ancestors' end tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        el = Element(tag, {k: (v or "") for k, v in attrs})
        # A new <p> or <li> closes an open one (HTML's implied end tags).
        if tag in ("p", "li") and self.stack[-1].tag == tag:
            self.stack.pop()
        self.stack[-1].children.append(el)
        # Beyond a sane depth, nesting is flattened: the tree is walked recursively, and real
        # pages are nowhere near this deep.
        if tag not in _VOID and len(self.stack) < _MAX_DEPTH:
            self.stack.append(el)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Element(tag, {k: (v or "") for k, v in attrs}))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse_html(html: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


@dataclass(frozen=True)
class Page:
    """What a saved page says about itself, and its main text as blocks."""

    title: str | None
    date: str | None  # YYYY, YYYY-MM or YYYY-MM-DD
    author: str | None
    url: str | None
    source: str | None
    language: str | None
    blocks: tuple[tuple[str, str], ...]  # (kind, text): kind is p, h2…h6, li, blockquote, pre


def read_page(html: str) -> Page:
    root = parse_html(html)
    meta = _meta_tags(root)
    ld = _json_ld(root)
    title = _first(ld.get("headline"), meta.get("og:title"), meta.get("twitter:title"),
                   meta.get("dc.title"), _h1(root), _title_tag(root, meta))
    date = _first(*(_iso_date(v) for v in (
        ld.get("datePublished"), meta.get("article:published_time"), meta.get("og:published_time"),
        meta.get("og:article:published_time"), meta.get("datepublished"), meta.get("date"),
        meta.get("pubdate"), meta.get("publishdate"), meta.get("publish-date"), meta.get("dc.date"),
        meta.get("dc.date.issued"), meta.get("dcterms.created"), meta.get("sailthru.date"),
        meta.get("parsely-pub-date"), meta.get("citation_publication_date"), _time_tag(root),
        ld.get("dateCreated"))))
    author = _first(_ld_name(ld.get("author")), meta.get("author"), meta.get("parsely-author"),
                    meta.get("sailthru.author"), meta.get("dc.creator"),
                    _not_url(meta.get("article:author")))
    url = _first(_canonical(root), meta.get("og:url"), _ld_url(ld))
    source = _first(meta.get("og:site_name"), _ld_name(ld.get("publisher")),
                    meta.get("application-name"), _domain(url))
    html_el = next((el for el in root.iter() if el.tag == "html"), None)
    language = _first(html_el.get("lang") if html_el else None, meta.get("og:locale"))
    blocks = _main_blocks(root, title)
    return Page(title=title, date=date, author=author, url=url, source=source,
                language=language.split("-")[0].split("_")[0].lower() if language else None,
                blocks=blocks)


# ---------------------------------------------------------------- metadata

def _first(*values) -> str | None:
    for v in values:
        if isinstance(v, str) and _clean(v):
            return _clean(v)
    return None


def _meta_tags(root: Element) -> dict[str, str]:
    """name/property/itemprop of every <meta> → content (first one wins), keys lowercased."""
    out: dict[str, str] = {}
    for el in root.iter():
        if el.tag != "meta":
            continue
        content = el.get("content")
        for key in ("property", "name", "itemprop"):
            name = el.get(key).strip().lower()
            if name and content:
                out.setdefault(name, content)
    return out


def _json_ld(root: Element) -> dict:
    """The first JSON-LD object that describes an article (looking into lists and @graph)."""
    found: list[dict] = []
    for el in root.iter():
        if el.tag == "script" and el.get("type").strip().lower() == "application/ld+json":
            raw = "".join(c for c in el.children if isinstance(c, str)).strip()
            try:
                data = json.loads(raw)
            except ValueError:
                continue  # a broken JSON-LD block is common; the other sources still work
            _ld_objects(data, found)
    for obj in found:
        types = obj.get("@type")
        types = types if isinstance(types, list) else [types]
        if any(isinstance(t, str) and t.lower() in _ARTICLE_TYPES for t in types) and obj.get("headline"):
            return obj
    return {}


def _ld_objects(data, out: list[dict]) -> None:
    if isinstance(data, list):
        for item in data:
            _ld_objects(item, out)
    elif isinstance(data, dict):
        out.append(data)
        if "@graph" in data:
            _ld_objects(data["@graph"], out)


def _ld_name(value) -> str | None:
    if isinstance(value, str):
        return _not_url(value)
    if isinstance(value, dict):
        return _ld_name(value.get("name"))
    if isinstance(value, list):
        names = [n for n in (_ld_name(v) for v in value) if n]
        return ", ".join(dict.fromkeys(names)) or None
    return None


def _ld_url(ld: dict) -> str | None:
    page = ld.get("mainEntityOfPage")
    if isinstance(page, dict):
        page = page.get("@id") or page.get("url")
    return _first(ld.get("url") if isinstance(ld.get("url"), str) else None,
                  page if isinstance(page, str) else None)


def _not_url(value: str | None) -> str | None:
    if value and re.match(r"^\w+://", value.strip()):
        return None
    return value


def _canonical(root: Element) -> str | None:
    for el in root.iter():
        if el.tag == "link" and "canonical" in el.get("rel").lower().split():
            return el.get("href") or None
    return None


def _domain(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.") or None


def _h1(root: Element) -> str | None:
    for el in root.iter():
        if el.tag == "h1":
            return el.text() or None
    return None


def _title_tag(root: Element, meta: dict) -> str | None:
    for el in root.iter():
        if el.tag == "title":
            text = el.text()
            site = meta.get("og:site_name")
            # "Headline | Site", or "Headline - Site" when the page names its site: keep the
            # headline. A dash alone is not enough ("Iraq - Iran talks" is one headline).
            parts = re.split(r"\s+[|–—-]\s+", text)
            if len(parts) > 1 and site and _clean(parts[-1]).lower() == site.strip().lower():
                text = " - ".join(parts[:-1])
            elif site is None and " | " in text:
                text = text.rsplit(" | ", 1)[0]
            return text or None
    return None


def _time_tag(root: Element) -> str | None:
    for el in root.iter():
        if el.tag == "time" and el.get("datetime"):
            return el.get("datetime")
    return None


def _iso_date(value) -> str | None:
    """'2021-04-07T10:00:00Z' → '2021-04-07'; '2021-04' stays; anything else → None."""
    if not isinstance(value, str):
        return None
    m = re.match(r"\s*(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", value)
    if not m or not 1000 <= int(m.group(1)) <= 2999:
        return None
    return "-".join(g for g in m.groups() if g)


# ---------------------------------------------------------------- main text

def _is_boilerplate(el: Element) -> bool:
    if el.tag in _DROP_TAGS or el.get("hidden") or el.get("aria-hidden") == "true":
        return True
    if el.get("role").lower() in ("navigation", "banner", "contentinfo", "complementary", "dialog"):
        return True
    marks = f"{el.get('class')} {el.get('id')}"
    return bool(_UNLIKELY.search(marks)) and not _MAYBE.search(marks)


def _prune(el: Element) -> None:
    el.children = [c for c in el.children if isinstance(c, str) or not _is_boilerplate(c)]
    for child in el.children:
        if isinstance(child, Element):
            _prune(child)


def _container(root: Element) -> Element:
    """The element that holds the article text."""
    for el in root.iter():
        if el.get("itemprop").lower() == "articlebody":
            return el
    articles = [el for el in root.iter() if el.tag == "article"]
    if articles:
        return max(articles, key=_paragraph_chars)
    for el in root.iter():
        if el.tag == "main" or el.get("role").lower() == "main":
            return el
    # Score every element by the paragraph text it holds directly (and half of what its
    # children hold), so that the container of the paragraphs wins over <body>.
    scores: dict[int, float] = {}
    elements: dict[int, Element] = {}
    for el in root.iter():
        for child in el.children:
            if isinstance(child, Element) and child.tag == "p":
                n = len(child.text())
                if n >= 25:
                    scores[id(el)] = scores.get(id(el), 0) + n
                    elements[id(el)] = el
    if not scores:
        return root
    return elements[max(scores, key=scores.get)]


def _paragraph_chars(el: Element) -> int:
    return sum(len(p.text()) for p in el.iter() if p.tag == "p")


def _main_blocks(root: Element, title: str | None) -> tuple[tuple[str, str], ...]:
    _prune(root)
    container = _container(root)
    blocks: list[tuple[str, str]] = []
    _blocks(container, blocks)
    if not blocks:  # text in bare <div>s with <br>s: one block per run of text
        text = container.text()
        if text:
            blocks.append(("p", text))
    if blocks and title and blocks[0][1] == title:
        blocks.pop(0)
    return tuple(blocks)


def _blocks(el: Element, out: list[tuple[str, str]]) -> None:
    for child in el.children:
        if not isinstance(child, Element):
            continue
        if child.tag in _BLOCKS:
            # A list item or quote that holds paragraphs is read paragraph by paragraph.
            if child.tag in ("li", "blockquote") and any(
                    isinstance(c, Element) and c.tag == "p" for c in child.children):
                _blocks(child, out)
                continue
            text = child.text()
            if text:
                out.append((child.tag, text))
        elif child.tag == "h1":
            text = child.text()
            if text:
                out.append(("h2", text))
        else:
            _blocks(child, out)
