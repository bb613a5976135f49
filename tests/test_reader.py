from pathlib import Path

import pytest

from archive.discover import source_file
from archive.errors import ArticleError
from archive.models import PartialDate
from archive.reader import markdown_to_text, parse_date, plain_to_text, read_article, slugify, strip_trailer


def _read(tmp_path: Path, name: str, content: str | bytes, **kw):
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return read_article(source_file(path, name), **kw)


def test_front_matter_and_trailer(tmp_path):
    art = _read(tmp_path, "a.txt", "---\ntitle: T\ndate: 2021-04\n---\nFirst para.\n\nSecond para.\n\nSource » thearabweekly\n")
    assert art.title == "T"
    assert art.date == PartialDate(2021, 4) and art.date.precision == "month"
    assert art.source == "The Arab Weekly"
    assert "Source" not in art.text
    assert art.text == "First para.\n\nSecond para."


def test_plain_text_first_line_is_not_a_title(tmp_path):
    art = _read(tmp_path, "b.txt", "Iran is redoubling its efforts.\n\nMore text here.\n")
    assert art.title_is_generated
    assert art.text.startswith("Iran is redoubling its efforts.")


def test_title_from_first_line_when_the_file_says_so(tmp_path):
    art = _read(tmp_path, "c.txt", "---\ntitle_from_first_line: true\n---\nHeadline here\nBody text follows.\n")
    assert art.title == "Headline here"
    assert art.text == "Body text follows."


def test_markdown_offsets_map_into_text():
    text, body = markdown_to_text("# Head\n\nSome *emphasis* and `code`.\n\n- item one\n- item two\n")
    assert text == "Head\n\nSome emphasis and code.\n\nitem one\n\nitem two"
    runs = [text[p[1]:p[2]] for p in body if p[0] == "text"]
    assert runs == ["Head", "Some ", "emphasis", " and ", "code", ".", "item one", "item two"]
    markup = "".join(p[1] for p in body if p[0] == "html")
    assert "<h1>" in markup and "<em>" in markup and "<li>" in markup


def test_raw_html_is_not_passed_through():
    text, body = markdown_to_text("Hello <script>alert(1)</script> world")
    assert all("<script" not in p[1] for p in body if p[0] == "html")
    assert "<script>" in text  # kept as text, escaped at render time


def test_plain_paragraphs_join_wrapped_lines():
    text, _ = plain_to_text("line one\nline two\n\n\nnext para\n")
    assert text == "line one line two\n\nnext para"


def test_broken_front_matter_names_file_and_line(tmp_path):
    with pytest.raises(ArticleError) as exc:
        _read(tmp_path, "bad.md", "---\ntitle: [unclosed\ndate: 2021-01-01\n---\nBody\n")
    assert exc.value.path == "bad.md"
    assert "front matter" in exc.value.reason


def test_missing_date_is_an_error_only_when_required(tmp_path):
    with pytest.raises(ArticleError, match="no date"):
        _read(tmp_path, "d.md", "Body text.\n", require_date=True)
    assert _read(tmp_path, "e.md", "Body text.\n").date is None


def test_bad_date_and_bad_encoding(tmp_path):
    with pytest.raises(ArticleError, match="front matter"):
        _read(tmp_path, "f.md", "---\ndate: 2021-13-01\n---\nBody\n")
    with pytest.raises(ArticleError, match="not UTF-8"):
        _read(tmp_path, "g.md", "caf\xe9 au lait".encode("latin-1"))
    with pytest.raises(ArticleError, match="empty"):
        _read(tmp_path, "h.md", "")


def test_parse_date_precisions():
    assert parse_date("2021").precision == "year"
    assert parse_date("2021-04-07").iso() == "2021-04-07"
    with pytest.raises(ValueError):
        parse_date("April 2021")


def test_slugify_is_safe():
    assert slugify("../../etc/passwd") == "etc-passwd"
    assert slugify("Kata’ib Hezbollah") == "kataib-hezbollah"
    assert slugify("") == "untitled"


def test_trailer_only_on_last_line():
    body, source = strip_trailer("Text.\n\nSource: Reuters\n")
    assert source == "Reuters" and body.strip() == "Text."
    body, source = strip_trailer("Source: not a trailer\n\nText continues.\n")
    assert source is None


def test_plain_text_written_one_paragraph_per_line_keeps_its_paragraphs():
    long_line = "The minister said the talks would resume in May, after a pause that both sides had asked for in the spring."
    text, body = plain_to_text(f"{long_line}\n“We are ready,” he said.\nShort line\n\nwrapped\nlines\n")
    assert text.split("\n\n") == [long_line, "“We are ready,” he said.", "Short line", "wrapped lines"]
    assert sum(1 for piece in body if piece == ("html", "<p>")) == 4
