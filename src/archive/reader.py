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
import hashlib
import re
import unicodedata
from pathlib import Path

import yaml
from markdown_it import MarkdownIt

from archive import yamlsafe
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

# Articles larger than this are refused before they are read (archive.yml `max_article_size`).
# A long-read feature is ~60 KB. Some extraction rules are quadratic in mentions × quotes, so
# the limit is what bounds build time: a hostile 200 KB paragraph of names and quotes takes
# ~8 s to annotate on one core (docs/README-issue-8-robust.md).
MAX_ARTICLE_BYTES = 200_000
# Control characters other than tab/newline/carriage return have no place in an article; NUL
# in particular is the renderer's placeholder marker (body.ROOT). Lone surrogates and U+FFFE/
# U+FFFF (which YAML escapes such as "\ud800" can produce) cannot be written as UTF-8 or XML
# (feeds): one in a title used to stop the whole build. Removed on decoding and from fields.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def clean_text(value: str) -> str:
    """`value` without the characters `_CONTROL` matches."""
    return _CONTROL.sub("", value)
# Slugs that would collide with a page the site itself writes (`articles/index.html`) or that
# Windows cannot use as file names. slugify gives them a suffix.
RESERVED_SLUGS = frozenset({"index", "con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))})

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def slugify(text: str, max_len: int = 80) -> str:
    """ASCII, lowercase, hyphen-separated; never empty, never a path."""
    original = text
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"['’`]", "", text.lower())
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:max_len].strip("-")
    if slug in RESERVED_SLUGS:
        slug += "-page"  # never "articles/index.html" or "actors/con.html"
    if not slug and original.strip():
        # An Arabic or Persian name has no ASCII letters: a stable short hash keeps two such
        # files from colliding on one "untitled" page.
        slug = "u-" + hashlib.sha1(original.strip().encode("utf-8", "surrogatepass")).hexdigest()[:10]
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
    """Bytes → text, or ArticleError saying why not. UTF-8 (with or without BOM) and UTF-16/32
    with a BOM are decoded; anything else is refused rather than guessed: cp1252, Latin-1 and
    ISO-8859-9 share bytes, and a wrong guess silently misspells every accented name."""
    if not data.strip():
        raise ArticleError(path, "the file is empty")
    boms = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
            (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
    encoding = next((enc for bom, enc in boms if data.startswith(bom)), None)
    if encoding is None and b"\x00" in data[:4096]:
        head = data[:4096]
        # ASCII text in UTF-16 has a NUL in every other byte; a binary file has them anywhere.
        if head[1::2].count(0) > len(head) // 4 or head[0::2].count(0) > len(head) // 4:
            raise ArticleError(path, "looks like UTF-16 without a byte-order mark; save the file as UTF-8")
        raise ArticleError(path, "this is a binary file, not an article")
    try:
        text = data.decode(encoding or "utf-8")
    except UnicodeDecodeError as exc:
        if encoding:
            raise ArticleError(path, f"starts with a {encoding.upper()} byte-order mark but is not valid {encoding.upper()} (byte {exc.start})") from None
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ArticleError(path, f"not UTF-8 text (byte 0x{data[exc.start]:02x} at line {line}, column {column}); "
                                 "it may be Windows-1252 or Latin-1: save the file as UTF-8") from None
    return _CONTROL.sub("", text)


def split_front_matter(text: str, path) -> tuple[dict, str]:
    m = _FRONT_MATTER.match(text)
    if not m:
        return {}, text
    try:
        # bounded: an alias bomb or deep nesting is refused before it is built (yamlsafe)
        meta = yamlsafe.load(m.group(1), yamlsafe.FRONT_MATTER_NODES)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark else ""
        raise ArticleError(path, f"broken front matter{where}: {getattr(exc, 'problem', None) or exc}") from None
    except ValueError as exc:  # YAMLTooBig, YAMLValueError
        raise ArticleError(path, f"front matter refused: {exc}") from None
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


# Hard-wrapped text keeps its lines under about 80 characters; a block with a longer line was
# written one paragraph per line (as many news exports are), so its line breaks end paragraphs.
HARD_WRAP_WIDTH = 100


def _paragraphs(block: str) -> list[str]:
    lines = [line.strip() for line in block.strip().split("\n")]
    if len(lines) > 1 and max(map(len, lines)) > HARD_WRAP_WIDTH:
        return [line for line in lines if line]
    return [" ".join(lines)]


def plain_to_text(source: str) -> tuple[str, tuple]:
    """Plain text → (text, body pieces): blank lines separate paragraphs, line breaks inside
    a hard-wrapped paragraph become spaces; in a block written one paragraph per line (a line
    longer than HARD_WRAP_WIDTH) each line is a paragraph."""
    out = _TextBuilder()
    blocks = re.split(r"\n\s*\n", source.replace("\r\n", "\n"))
    for para in (p for block in blocks for p in _paragraphs(block)):
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


def read_article(src: SourceFile, require_date: bool = False, max_bytes: int = MAX_ARTICLE_BYTES) -> Article:
    """Read and parse one file. Raises ArticleError with the path and the reason."""
    try:
        size = src.path.stat().st_size
        if size > max_bytes:
            # refused before reading: a 50 MB paste must not cost 50 MB and minutes of NLP
            raise ArticleError(src.rel, f"is {size:,} bytes, over the limit of {max_bytes:,} "
                                        "(max_article_size in archive.yml); split it or raise the limit")
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
    # YAML escapes ("\0", "\x07") can put control characters back in; they never belong in a page
    return _CONTROL.sub("", str(value)).strip() or None


def _http_url(meta: dict, path) -> str | None:
    """The article's original URL: only http(s), so `javascript:`/`data:` never become a link."""
    url = _field(meta, "url", path)
    if url is not None and not re.match(r"https?://[^\s/]", url, re.I):
        raise ArticleError(path, f"front matter 'url' must be an http:// or https:// address, not {url[:60]!r}")
    return url


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
    if not isinstance(tags, (list, tuple)) or any(isinstance(t, (dict, list)) for t in tags):
        raise ArticleError(src.rel, "front matter 'tags' must be a list of words")
    return Article(
        id=slugify(_field(meta, "id", src.rel) or slug),
        slug=slug,
        path=src.rel,
        title=title,
        text=text,
        body=body,
        date=date,
        source=_field(meta, "source", src.rel) or trailer_source,
        url=_http_url(meta, src.rel),
        author=_field(meta, "author", src.rel),
        tags=tuple(_CONTROL.sub("", str(t)) for t in tags if str(t).strip()),
        summary=_field(meta, "summary", src.rel) or first_sentence(text),
        title_is_generated=generated,
    )
