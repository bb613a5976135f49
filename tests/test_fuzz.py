"""Property tests (hypothesis) on everything that reads untrusted text: never an unhandled
exception, offsets always inside the text, every quote's text equal to the text at its offsets,
slugs always safe file names, no executable markup from Markdown."""
from __future__ import annotations

import re
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from archive import yamlsafe
from archive.body import render_body
from archive.errors import ArticleError
from archive.models import Entity, Mention, Quote, SourceFile, Span
from archive.nlp.quotes import find_quotes
from archive.reader import (RESERVED_SLUGS, decode, markdown_to_text, plain_to_text, read_article, slugify,
                            split_front_matter)

FUZZ = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text that looks like news: words, names, every kind of quotation mark, cue verbs, paragraph
# breaks, Markdown punctuation and markup. Plain st.text() alone rarely builds a quote.
_PIECES = st.sampled_from([
    "“", "”", '"', "«", "»", "„", "‘", "’", "'", " said", " says", " told reporters", " according to ",
    " added", "He", " she", "Qaani", " Esmail Qaani", " Kadhimi", " the source", ", ", ". ", "\n", "\n\n",
    " that ", "*", "_", "`", "[", "](", ")", "<script>", "javascript:", "# ", "> ", "- ", "1. ", "    ",
    "<img src=x onerror=alert(1)>", "&amp;", "&#0;", "\\", "---\n", "|", "~~~", "```",
])
news_text = st.lists(st.one_of(_PIECES, st.text(max_size=12)), max_size=60).map("".join)


def _sentences(text: str) -> list[tuple[int, int]]:
    """Rough sentence bounds (the rules pipeline uses spaCy's sentencizer; any bounds must do)."""
    out, start = [], 0
    for m in re.finditer(r"[.!?]\s+|\n\s*\n", text):
        out.append((start, m.end()))
        start = m.end()
    if start < len(text):
        out.append((start, len(text)))
    return out


def _check_pieces(text: str, body: tuple) -> None:
    last = 0
    for piece in body:
        assert piece[0] in ("html", "text")
        if piece[0] == "text":
            _, s, e = piece
            assert 0 <= last <= s <= e <= len(text)
            last = e
        else:
            html = piece[1].lower()
            # Markdown never passes markup through (html=False) and drops javascript: links
            assert "<script" not in html and "<img src=x" not in html
            assert not re.search(r"""\s on\w+\s*=""", html.replace("\n", " "))
            assert not re.search(r"""(href|src)\s*=\s*["']?\s*(javascript|vbscript|data:text)""", html)


@FUZZ
@given(st.text(max_size=200))
@example("../../etc/passwd")
@example("index")
@example("CON")
@example("\x00")
@example("قاآني")
@example("")
def test_slugify_is_always_a_safe_file_name(s):
    slug = slugify(s)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug), slug
    assert slug not in RESERVED_SLUGS
    assert len(slug) <= 86


@FUZZ
@given(news_text)
def test_markdown_pieces_point_into_the_text(source):
    text, body = markdown_to_text(source)
    _check_pieces(text, body)


@FUZZ
@given(news_text)
def test_plain_text_pieces_point_into_the_text(source):
    text, body = plain_to_text(source)
    _check_pieces(text, body)
    for piece in body:
        if piece[0] == "text":
            assert text[piece[1]:piece[2]].strip()


@FUZZ
@given(news_text)
@example("He said “unbalanced. And ” stray ” marks «mixed\" ones„ here.")
@example("“““ ””” \"\" «» „ “ ” « » \" \"")
@example("“A,” he said.\n\n“B.\n\n“C,” Qaani said.")
def test_quotes_never_fail_and_match_their_offsets(text):
    quotes = find_quotes(text, _sentences(text))
    for q in quotes:
        assert 0 <= q.start <= q.end <= len(text)
        assert q.text == text[q.start:q.end]
        for span in (q.speaker, q.antecedent):
            if span is not None:
                assert 0 <= span.start <= span.end <= len(text)
                assert span.text == text[span.start:span.end]


_yaml_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20)),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=20,
)


@FUZZ
@given(st.one_of(
    st.text(max_size=300),
    st.builds(lambda d, b: f"---\n{yaml.safe_dump(d, allow_unicode=True)}---\n{b}", st.dictionaries(st.text(max_size=10), _yaml_values, max_size=6), news_text),
    st.builds(lambda y, b: f"---\n{y}\n---\n{b}", st.lists(st.sampled_from(["&a ", "*a", "[", "]", "{", "}", ": ", "- ", "\n", "  ", "x", "!!python/name:os.system", "2021-13-45", "'", '"']), max_size=40).map("".join), news_text),
))
@example("---\ndate: 2021-13-45\n---\nBody.")
@example("---\nn: " + "9" * 5000 + "\n---\nBody.")
@example("---\nx: " + "[" * 3000 + "]" * 3000 + "\n---\nBody.")
@example("---\na: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
         "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n---\nBody.")
@example("---\ntitle: !!python/object/apply:os.system [ls]\n---\nBody.")
def test_front_matter_is_a_mapping_or_a_clear_error(text):
    try:
        meta, body = split_front_matter(text, "fuzz.md")
    except ArticleError as exc:
        assert exc.path == "fuzz.md" and exc.reason
        return
    assert isinstance(meta, dict)
    assert text.endswith(body)


@FUZZ
@given(st.text(max_size=400))
def test_bounded_yaml_loads_or_refuses(text):
    try:
        yamlsafe.load(text, 500, max_depth=10)
    except (yaml.YAMLError, ValueError):
        pass


@FUZZ
@given(st.one_of(
    st.binary(max_size=300),
    news_text.map(lambda t: t.encode("utf-8")),
    news_text.map(lambda t: t.encode("utf-16")),
    st.builds(lambda d, b: (f"---\n{yaml.safe_dump(d, allow_unicode=True)}---\n{b}").encode("utf-8"),
              st.fixed_dictionaries({}, optional={k: _yaml_values for k in ("title", "slug", "id", "date", "tags", "url", "author")}),
              news_text),
), st.sampled_from(["a.md", "b.txt"]))
def test_read_article_returns_an_article_or_a_clear_error(data, name):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        try:
            art = read_article(SourceFile(path=path, rel=name, sha256=""))
        except ArticleError as exc:
            assert exc.path == name and exc.reason
            return
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", art.slug) and re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", art.id)
    assert art.text.strip()
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", art.text + art.title)
    _check_pieces(art.text, art.body)
    assert art.url is None or re.match(r"https?://", art.url)


@FUZZ
@given(st.binary(max_size=200))
def test_decode_gives_clean_text_or_a_clear_error(data):
    try:
        text = decode(data, "x.md")
    except ArticleError as exc:
        assert exc.reason
        return
    assert "\x00" not in text


class _Balance(HTMLParser):
    """Fails on an end tag that does not close the innermost open element."""

    VOID = {"br", "img", "hr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []
        self.ids: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)
        self.ids += [v for k, v in attrs if k == "id"]

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, (tag, self.stack)
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


@st.composite
def _annotated(draw):
    """A plain-text article with random, possibly nested or crossing, mentions and quotes."""
    text, body = plain_to_text(draw(news_text))
    n = len(text)
    span = st.tuples(st.integers(0, n), st.integers(0, n)).map(sorted)
    mentions = []
    for s, e in draw(st.lists(span, max_size=12)):
        mentions.append((Mention(s, e, text[s:e], draw(st.sampled_from(["actor", "place", "event"])), "e1"), "actors/e1.html"))
    quotes = []
    for i, (s, e) in enumerate(draw(st.lists(span, max_size=6))):
        sp = draw(st.one_of(st.none(), span.map(lambda p: Span(p[0], p[1], text[p[0]:p[1]]))))
        quotes.append(Quote(f"a-q{i + 1}", "a", s, e, text[s:e], draw(st.sampled_from(["direct", "indirect"])), None, sp, None))
    return text, body, mentions, quotes


@FUZZ
@given(_annotated())
def test_annotated_bodies_are_well_formed(case):
    """Mentions and quotes may nest or cross; the body is still balanced HTML, shows exactly
    the article's text, and gives each quote's id to one element only."""
    text, body, mentions, quotes = case
    archive = SimpleNamespace(entities={"e1": Entity(id="e1", type="actor", name="<E1> & co")})
    article = SimpleNamespace(text=text, body=body)
    html = str(render_body(article, mentions, quotes, archive))
    check = _Balance()
    check.feed(html)
    check.close()
    assert check.stack == []
    visible = "".join(check.text)
    assert visible.replace("\n", "") == "".join(text[p[1]:p[2]] for p in body if p[0] == "text").replace("\n", "")
    assert len(check.ids) == len(set(check.ids))
