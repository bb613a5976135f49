"""Read one article file into an `Article`: front matter, trailers, plain text with offsets.

Two formats:
- Markdown (`.md`, `.markdown`) with optional YAML front matter;
- plain text (`.txt`) such as the seed: paragraphs separated by blank lines, optional front
  matter, and an optional `Source » outlet` trailer line that becomes metadata.

The plain text that NLP analyses is built block by block from the Markdown token stream, so
that every character of it maps back to a place in the rendered body (see `Article.body`).
Raw HTML in Markdown is never passed through: markdown-it runs with `html=False`, which
renders it as text.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

import yaml
from markdown_it import MarkdownIt

from archive.errors import ArticleError
from archive.models import Article, PartialDate, SourceFile

MARKDOWN_SUFFIXES = {".md", ".markdown"}
TEXT_SUFFIXES = {".txt"}
ARTICLE_SUFFIXES = MARKDOWN_SUFFIXES | TEXT_SUFFIXES

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)(?:\r?\n)?^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S | re.M)
# "Source » thearabweekly", "Source: Reuters", "Source >> AFP" on the last line of a raw text.
_TRAILER = re.compile(r"^\s*Source\s*(?:»|>>|:)\s*(?P<source>\S.{0,120}?)\s*$", re.I)
_KNOWN_KEYS = {"title", "date", "source", "url", "author", "tags", "slug", "id", "summary", "language", "title_from_first_line"}
_SOURCE_NAMES = {"thearabweekly": "The Arab Weekly"}

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def slugify(text: str, max_len: int = 80) -> str:
    """ASCII, lowercase, hyphen-separated; never empty, never a path."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"['’`]", "", text.lower())
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:max_len].strip("-")
    return slug or "untitled"


def parse_date(value, where: str = "date") -> PartialDate:
    """Accept YAML dates, 'YYYY', 'YYYY-MM', 'YYYY-MM-DD' (and a time, which is dropped)."""
    if isinstance(value, dt.datetime):
        return PartialDate(value.year, value.month, value.day)
    if isinstance(value, dt.date):
        return PartialDate(value.year, value.month, value.day)
    if isinstance(value, int) and 1000 <= value <= 9999:
        return PartialDate(value)
    if isinstance(value, str):
        m = re.fullmatch(r"\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[T ].*)?\s*", value)
        if m:
            year, month, day = (int(g) if g else None for g in m.groups())
            try:
                if month:
                    dt.date(year, month, day or 1)
            except ValueError:
                raise ValueError(f"{where}: {value!r} is not a real date") from None
            return PartialDate(year, month, day)
    raise ValueError(f"{where}: {value!r} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)")


def decode(data: bytes, path) -> str:
    if not data.strip():
        raise ArticleError(path, "the file is empty")
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ArticleError(path, "this is a binary file, not an article")
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return data.decode(enc)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ArticleError(path, f"not UTF-8 text (byte {exc.start}); save the file as UTF-8") from None


def split_front_matter(text: str, path) -> tuple[dict, str]:
    m = _FRONT_MATTER.match(text)
    if not m:
        return {}, text
    try:
        meta = yaml.safe_load(m.group(1))
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
        # YAML constructors raise ValueError for impossible values ("date: 2021-13-01").
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark else ""
        raise ArticleError(path, f"broken front matter{where}: {getattr(exc, 'problem', exc)}") from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise ArticleError(path, "front matter must be a mapping of keys to values")
    return meta, text[m.end():]


def strip_trailer(body: str) -> tuple[str, str | None]:
    """Remove a `Source » outlet` last line; return the body and the outlet name."""
    lines = body.rstrip().split("\n")
    if lines and (m := _TRAILER.match(lines[-1])):
        raw = m.group("source").strip()
        return "\n".join(lines[:-1]).rstrip() + "\n", _SOURCE_NAMES.get(raw.lower(), raw)
    return body, None


class _TextBuilder:
    """Accumulates the plain text and the body pieces that point into it."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.body: list[tuple] = []
        self.block_open = False

    def html(self, markup: str) -> None:
        if markup:
            self.body.append(("html", markup))

    def text(self, s: str, visible: bool = True) -> None:
        if not s:
            return
        start = self.length
        self.parts.append(s)
        self.length += len(s)
        if visible:
            self.body.append(("text", start, self.length))

    def new_block(self) -> None:
        if self.length:
            self.text("\n\n", visible=False)

    def result(self) -> tuple[str, tuple]:
        return "".join(self.parts), tuple(self.body)


def markdown_to_text(source: str) -> tuple[str, tuple]:
    """Markdown → (plain text, body pieces)."""
    tokens = _md.parse(source)
    out = _TextBuilder()
    options = _md.options
    renderer = _md.renderer
    for i, tok in enumerate(tokens):
        if tok.type == "inline":
            out.new_block()
            for j, child in enumerate(tok.children or []):
                if child.type == "text":
                    out.text(child.content)
                elif child.type == "softbreak":
                    out.text(" ")
                elif child.type == "hardbreak":
                    out.html("<br>")
                    out.text("\n", visible=False)
                elif child.type == "code_inline":
                    out.html("<code>")
                    out.text(child.content)
                    out.html("</code>")
                elif child.type == "image":
                    out.html(renderer.renderInline([child], options, {}))
                else:
                    out.html(renderer.renderToken(tok.children, j, options, {}))
        elif tok.type in ("fence", "code_block"):
            out.html(renderer.render([tok], options, {}))
        else:
            out.html(renderer.renderToken(tokens, i, options, {}))
    return out.result()


def plain_to_text(source: str) -> tuple[str, tuple]:
    """Plain text → (text, body pieces): blank lines separate paragraphs, line breaks inside
    a paragraph become spaces (hard-wrapped text reads as one paragraph)."""
    out = _TextBuilder()
    for para in re.split(r"\n\s*\n", source.replace("\r\n", "\n")):
        para = " ".join(line.strip() for line in para.strip().split("\n"))
        if not para:
            continue
        out.new_block()
        out.html("<p>")
        out.text(para)
        out.html("</p>\n")
    return out.result()


def first_sentence(text: str, limit: int = 200) -> str:
    para = text.strip().split("\n\n", 1)[0]
    m = re.match(r"(.+?[.!?])(\s|$)", para)
    s = m.group(1) if m else para
    return s if len(s) <= limit else s[: limit - 1].rsplit(" ", 1)[0] + "…"


def read_article(src: SourceFile, require_date: bool = False) -> Article:
    """Read and parse one file. Raises ArticleError with the path and the reason."""
    try:
        data = src.path.read_bytes()
    except OSError as exc:
        raise ArticleError(src.rel, f"cannot be read: {exc.strerror or exc}") from None
    raw = decode(data, src.rel).replace("\r\n", "\n")
    meta, body_src = split_front_matter(raw, src.rel)
    body_src, trailer_source = strip_trailer(body_src)
    suffix = src.path.suffix.lower()
    if suffix in TEXT_SUFFIXES and meta.get("title_from_first_line") and "title" not in meta:
        first, _, rest = body_src.strip().partition("\n")
        meta["title"], body_src = first.strip(), rest
    text, body = markdown_to_text(body_src) if suffix in MARKDOWN_SUFFIXES else plain_to_text(body_src)
    if not text.strip():
        raise ArticleError(src.rel, "the article has no text")
    return _build_article(src, meta, text, body, trailer_source, require_date)


def _field(meta: dict, key: str, path) -> str | None:
    value = meta.get(key)
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        raise ArticleError(path, f"front matter '{key}' must be text, not a {type(value).__name__}")
    return str(value).strip() or None


def _build_article(src, meta, text, body, trailer_source, require_date) -> Article:
    date = None
    if meta.get("date") is not None:
        try:
            date = parse_date(meta["date"], "date")
        except ValueError as exc:
            raise ArticleError(src.rel, f"front matter {exc}") from None
    elif require_date:
        raise ArticleError(src.rel, "no date: add 'date: YYYY-MM-DD' (or YYYY-MM) to the front matter")
    stem = Path(src.rel).stem
    title = _field(meta, "title", src.rel)
    generated = title is None
    if generated:
        title = first_sentence(text, 90)
    slug = slugify(_field(meta, "slug", src.rel) or stem)
    tags = meta.get("tags") or ()
    if isinstance(tags, str):
        tags = [t.strip() for t in tags.split(",")]
    if not isinstance(tags, (list, tuple)):
        raise ArticleError(src.rel, "front matter 'tags' must be a list")
    return Article(
        id=slugify(_field(meta, "id", src.rel) or slug),
        slug=slug,
        path=src.rel,
        title=title,
        text=text,
        body=body,
        date=date,
        source=_field(meta, "source", src.rel) or trailer_source,
        url=_field(meta, "url", src.rel),
        author=_field(meta, "author", src.rel),
        tags=tuple(str(t) for t in tags if str(t).strip()),
        summary=_field(meta, "summary", src.rel) or first_sentence(text),
        title_is_generated=generated,
    )
