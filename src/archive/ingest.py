"""`archive ingest`: turn raw material into an archive article (Markdown + YAML front matter).

Three kinds of input:
- plain text like the seed (`.txt`): paragraphs, maybe a `Source » outlet` trailer, no title,
  no date;
- Markdown without (or with partial) front matter (`.md`): a leading `# Heading` becomes the
  title;
- a saved news web page (`.html`, `.htm`): main text and metadata via `htmlpage`.

What cannot be determined is written as `key: null  # TODO: …` and reported, never guessed.
An existing file is never overwritten (the name gets `-2`, `-3` …, created with O_EXCL), and an
input whose text equals an article already in the archive is not written at all: the result
names the article it duplicates. Text is compared after the same reading the build does
(reader.py), so "the same text" means the same text to the NLP stages.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from archive.config import ArchiveConfig
from archive.discover import discover
from archive.errors import ArticleError
from archive.htmlpage import read_page
from archive.reader import (
    MARKDOWN_SUFFIXES, decode, first_sentence, markdown_to_text, parse_date, read_article,
    slugify, split_front_matter, strip_trailer,
)

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
INGEST_SUFFIXES = {".txt"} | MARKDOWN_SUFFIXES | HTML_SUFFIXES
# Front matter written by ingest, in this order; these are the fields an editor checks.
FIELDS = ("title", "date", "source", "author", "url")
# Why each missing field matters, shown in the TODO comment and on stderr.
_WHY = {
    "title": "the build will use the first sentence",
    "date": "the build skips undated articles unless require_date is false",
    "source": "the outlet is shown on the article page",
    "author": "optional",
    "url": "optional: the link to the original",
}


@dataclass(frozen=True)
class Draft:
    """One input turned into an article, before it is written."""

    input: str
    kind: str  # text | markdown | html
    meta: dict  # FIELDS (None when unknown) plus any front matter the input already had
    body: str  # Markdown

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(k for k in FIELDS if self.meta.get(k) is None)


@dataclass(frozen=True)
class IngestResult:
    input: str
    written: Path | None = None
    duplicate_of: str | None = None
    missing: tuple[str, ...] = ()
    error: str | None = None


# ---------------------------------------------------------------- reading inputs

def draft_from_file(path: Path) -> Draft:
    suffix = path.suffix.lower()
    if suffix not in INGEST_SUFFIXES:
        raise ArticleError(path, f"cannot ingest '{suffix or 'no suffix'}' files "
                                 f"(use {', '.join(sorted(INGEST_SUFFIXES))})")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ArticleError(path, f"cannot be read: {exc.strerror or exc}") from None
    if suffix in HTML_SUFFIXES:
        return draft_from_html(_decode_html(data), str(path))
    text = decode(data, path).replace("\r\n", "\n")
    return draft_from_text(text, str(path), markdown=suffix in MARKDOWN_SUFFIXES)


def draft_from_text(text: str, name: str, markdown: bool) -> Draft:
    meta, body = split_front_matter(text, name)
    body, trailer = strip_trailer(body)
    meta = {k: v for k, v in meta.items() if v is not None}
    if trailer and "source" not in meta:
        meta["source"] = trailer
    if markdown:
        m = re.match(r"\s*#[ \t]+(.+?)[ \t#]*\n", body + "\n")
        if m and "title" not in meta:
            meta["title"] = m.group(1).strip()
            body = body[m.end():]
        body = body.strip() + "\n"
    else:
        # Plain text: paragraphs are separated by blank lines and may be hard-wrapped;
        # escape each so that Markdown reads back exactly the same text.
        paras = [" ".join(line.strip() for line in p.strip().split("\n"))
                 for p in re.split(r"\n\s*\n", body)]
        body = "\n\n".join(escape_markdown(p) for p in paras if p) + "\n"
    if "date" in meta:
        meta["date"] = _date_text(meta["date"])
    return Draft(input=name, kind="markdown" if markdown else "text", meta=_with_fields(meta), body=body)


def draft_from_html(html: str, name: str) -> Draft:
    page = read_page(html)
    lines = []
    for kind, text in page.blocks:
        if kind.startswith("h"):
            lines.append("#" * int(kind[1]) + " " + escape_markdown(text, line_start=False))
        elif kind == "li":
            lines.append("- " + escape_markdown(text, line_start=False))
        elif kind == "blockquote":
            lines.append("> " + escape_markdown(text, line_start=False))
        else:
            lines.append(escape_markdown(text))
    meta = {"title": page.title, "date": page.date, "source": page.source, "author": page.author,
            "url": page.url}
    if page.language:
        meta["language"] = page.language
    return Draft(input=name, kind="html", meta=_with_fields(meta), body="\n\n".join(lines) + "\n")


def _with_fields(meta: dict) -> dict:
    out = {k: meta.get(k) for k in FIELDS}
    out.update({k: v for k, v in meta.items() if k not in FIELDS})
    return out


def _date_text(value) -> str | None:
    try:
        return parse_date(value).iso()
    except ValueError:
        return None


def _decode_html(data: bytes) -> str:
    """UTF-8 (with or without BOM), else the charset the page declares, else Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    m = re.search(rb"""<meta[^>]+charset=["']?([\w-]+)""", data[:4096], re.I)
    for enc in ([m.group(1).decode("ascii")] if m else []) + ["cp1252"]:
        try:
            return data.decode(enc, errors="replace")
        except LookupError:
            continue
    return data.decode("latin-1")


_ESCAPE = re.compile(r"([\\`*_\[\]<>])|&(?=#?\w+;)")
_LINE_START = re.compile(r"^(\s*)(#{1,6}(?=\s|$)|[-+=](?=\s|$)|~{3,}|(?:[-*_=]\s*){3,}$|\d{1,9}(?=[.)](?:\s|$)))")


def escape_markdown(text: str, line_start: bool = True) -> str:
    """Escape a one-line paragraph of plain text so that Markdown renders exactly that text:
    inline markup characters everywhere, block markers (#, -, +, 1.) at the start."""
    text = _ESCAPE.sub(lambda m: "\\" + m.group(0), text)
    if line_start:
        m = _LINE_START.match(text)
        if m:
            marker = m.group(2)
            if marker[0].isdigit():  # "1984. A year" is not an ordered list
                i = m.end()
                text = text[:i] + "\\" + text[i:]
            else:
                text = m.group(1) + "\\" + text[len(m.group(1)):]
    return text


# ---------------------------------------------------------------- rendering and writing

def render_article(draft: Draft, today: dt.date | None = None) -> str:
    """Front matter with TODO markers for what is missing, then the Markdown body."""
    today = today or dt.date.today()
    lines = ["---", f"# ingested from {Path(draft.input).name} on {today.isoformat()} by archive ingest"]
    for key, value in draft.meta.items():
        if value is None:
            if key in FIELDS:
                lines.append(f"{key}: null  # TODO: not found in the input; {_WHY[key]}")
            continue
        if key == "date" and isinstance(value, str) and re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
            lines.append(f"date: {value}")
            continue
        dumped = yaml.safe_dump({key: value}, allow_unicode=True, width=10_000, sort_keys=False)
        lines.append(dumped.rstrip("\n"))
    lines.append("---")
    return "\n".join(lines) + "\n\n" + draft.body


def article_text(content: str) -> str:
    """The plain text the build would analyse for this Markdown article."""
    _, body = split_front_matter(content, "<ingest>")
    body, _ = strip_trailer(body)
    return markdown_to_text(body)[0]


def text_key(text: str) -> str:
    """A fingerprint of an article's words: case, punctuation, quote styles and spacing
    do not count, so a re-saved or re-typed copy of the same text still matches."""
    text = unicodedata.normalize("NFKC", text).casefold()
    words = re.findall(r"\w+", text)
    return hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()


def archive_texts(config: ArchiveConfig) -> dict[str, str]:
    """text_key → path (relative to the archive root) of every readable article."""
    out: dict[str, str] = {}
    for src in discover(config.content_dir):
        try:
            art = read_article(src, require_date=False)
        except ArticleError:
            continue  # `archive check` reports broken articles; here they just cannot match
        out.setdefault(text_key(art.text), _rel(config, src.path))
    return out


def file_name(draft: Draft) -> str:
    """`YYYY-MM-DD-title-slug.md` (date part only when known)."""
    title = draft.meta.get("title")
    if not title:
        title = first_sentence(article_text(draft.body), 60) or Path(draft.input).stem
    slug = slugify(title, 60)
    date = draft.meta.get("date")
    return f"{date}-{slug}.md" if date else f"{slug}.md"


def write_new(folder: Path, name: str, content: str) -> Path:
    """Create `name` in `folder`, or `stem-2.md`, `stem-3.md` …: never overwrite anything."""
    folder.mkdir(parents=True, exist_ok=True)
    stem, suffix = name.rsplit(".", 1)
    for n in range(1, 1000):
        path = folder / (name if n == 1 else f"{stem}-{n}.{suffix}")
        try:
            with open(path, "x", encoding="utf-8") as fh:
                fh.write(content)
            return path
        except FileExistsError:
            continue
    raise ArticleError(folder / name, "too many articles with this name")


def ingest(inputs: list[str], config: ArchiveConfig, dry_run: bool = False,
           today: dt.date | None = None) -> list[tuple[IngestResult, str]]:
    """Ingest each input into the archive's content folder. Returns (result, article text)."""
    known = archive_texts(config)
    results: list[tuple[IngestResult, str]] = []
    for given in inputs:
        try:
            draft = draft_from_file(Path(given))
            content = render_article(draft, today)
            text = article_text(content)
            if not text.strip():
                raise ArticleError(given, "no article text found")
        except ArticleError as exc:
            results.append((IngestResult(given, error=exc.reason), ""))
            continue
        key = text_key(text)
        if key in known:
            results.append((IngestResult(given, duplicate_of=known[key], missing=draft.missing), content))
            continue
        written = None
        if not dry_run:
            written = write_new(config.content_dir, file_name(draft), content)
            known[key] = _rel(config, written)
        results.append((IngestResult(given, written=written, missing=draft.missing), content))
    return results


def _rel(config: ArchiveConfig, path: Path) -> str:
    try:
        return path.resolve().relative_to(config.root.resolve()).as_posix()
    except ValueError:
        return str(path)
