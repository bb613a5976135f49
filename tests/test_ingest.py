"""`archive ingest`: raw text, Markdown and saved web pages become articles with front matter."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.cli import main
from archive.config import load_config
from archive.discover import discover
from archive.ingest import escape_markdown, text_key
from archive.reader import markdown_to_text, plain_to_text, read_article, split_front_matter

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"

RAW = """Officials in the capital said on Monday that talks with the northern council had stalled.

The council's spokesman, Omar Example, said the delegation
would not return "until the shelling stops".

Source » examplewire
"""


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    (tmp_path / "archive.yml").write_text("title: Test\ncontent: articles\nmodel: rules\n", encoding="utf-8")
    (tmp_path / "articles").mkdir()
    return tmp_path


def run(archive: Path, *args: str):
    return CliRunner().invoke(main, ["ingest", "--archive", str(archive), *args])


def front_matter(path: Path) -> dict:
    meta, _ = split_front_matter(path.read_text(encoding="utf-8"), path)
    return meta


def articles(archive: Path) -> list[Path]:
    return sorted((archive / "articles").glob("*.md"))


def test_plain_text_like_the_seed(archive, tmp_path):
    raw = tmp_path / "raw.txt"
    raw.write_text(RAW, encoding="utf-8")
    result = run(archive, str(raw))
    assert result.exit_code == 0, result.output
    [path] = articles(archive)
    meta = front_matter(path)
    assert meta["source"] == "examplewire"  # from the trailer, which is gone from the body
    assert meta["title"] is None and meta["date"] is None
    content = path.read_text(encoding="utf-8")
    assert "date: null  # TODO" in content and "title: null  # TODO" in content
    assert "Source »" not in content
    assert "date not found" in result.stderr and str(path.name) in result.stderr
    # The build reads exactly the text of the input (hard-wrapped lines joined).
    art = read_article(discover(archive / "articles")[0])
    assert art.text == plain_to_text(RAW.rsplit("Source", 1)[0])[0]
    assert 'would not return "until the shelling stops".' in art.text


def test_markdown_heading_becomes_title(archive, tmp_path):
    md = tmp_path / "note.md"
    md.write_text("# Talks stall in the north\n\nThe *council* said talks had stalled.\n", encoding="utf-8")
    assert run(archive, str(md)).exit_code == 0
    [path] = articles(archive)
    assert path.name == "talks-stall-in-the-north.md"
    meta = front_matter(path)
    assert meta["title"] == "Talks stall in the north"
    art = read_article(discover(archive / "articles")[0], require_date=False)
    assert art.text == "The council said talks had stalled."  # Markdown kept as Markdown


def test_saved_news_page(archive):
    result = run(archive, str(FIXTURES / "news-page.html"))
    assert result.exit_code == 0, result.output
    [path] = articles(archive)
    assert path.name == "2021-04-07-militia-leaders-meet-in-baghdad-ahead-of-the-vote.md"
    meta = front_matter(path)
    assert meta["title"] == "Militia leaders meet in Baghdad ahead of the vote"
    assert str(meta["date"]) == "2021-04-07"
    assert meta["author"] == "Jane Reporter"
    assert meta["source"] == "The Example Courier"
    assert meta["url"] == "https://courier.example/world/2021/04/militia-leaders-meet"
    assert "not found" not in result.stderr
    text = read_article(discover(archive / "articles")[0]).text
    assert text.startswith("Leaders of several armed factions met in Baghdad on Tuesday")
    assert "“We will not accept foreign forces on our soil,” said Abu Example" in text
    assert "since 2014 & that the protests changed the mood." in text
    assert text.rstrip().endswith("The prime minister’s office declined to comment.")
    for boilerplate in ("TRACKING", "cookies", "World news", "Share on social", "football",
                        "newsletter", "All rights reserved", "Photo credit", "By Jane Reporter", "font-family"):
        assert boilerplate not in text, boilerplate


def test_page_without_metadata_marks_what_is_missing(archive, tmp_path):
    page = tmp_path / "bare.html"
    page.write_text("<html><head><title>Ceasefire holds</title></head><body><div id=nav><a href=/>Home</a></div>"
                    "<div class=content><p>The ceasefire held for a third day, residents said on the phone.</p>"
                    "<p>Aid convoys reached two towns that had been cut off since the winter.</p></div></body></html>",
                    encoding="utf-8")
    result = run(archive, str(page))
    assert result.exit_code == 0
    [path] = articles(archive)
    meta = front_matter(path)
    assert meta["title"] == "Ceasefire holds"
    assert meta["date"] is None and meta["url"] is None and meta["source"] is None
    for key in ("date", "url", "source"):
        assert f"{key} not found" in result.stderr
    text = read_article(discover(archive / "articles")[0], require_date=False).text
    assert text.split("\n\n") == ["The ceasefire held for a third day, residents said on the phone.",
                                  "Aid convoys reached two towns that had been cut off since the winter."]


def test_duplicate_is_reported_and_not_written(archive, tmp_path):
    first = tmp_path / "a.txt"
    first.write_text(RAW, encoding="utf-8")
    assert run(archive, str(first)).exit_code == 0
    [existing] = articles(archive)
    # Same words, different wrapping, quote style and case: still the same article.
    again = tmp_path / "b.md"
    again.write_text(RAW.replace("\n", "\n\n").replace('"', "“").upper(), encoding="utf-8")
    result = run(archive, str(again))
    assert result.exit_code == 1
    assert f"same text as articles/{existing.name}" in result.stderr
    assert articles(archive) == [existing]


def test_never_overwrites(archive, tmp_path):
    md = tmp_path / "n.md"
    md.write_text("# Same title\n\nFirst text about the council.\n", encoding="utf-8")
    taken = archive / "articles" / "same-title.md"
    taken.write_text("---\ntitle: Same title\ndate: 2020\n---\n\nAn older article.\n", encoding="utf-8")
    before = taken.read_bytes()
    assert run(archive, str(md)).exit_code == 0
    assert taken.read_bytes() == before
    assert (archive / "articles" / "same-title-2.md").is_file()


def test_dry_run_writes_nothing(archive):
    result = run(archive, "--dry-run", str(FIXTURES / "news-page.html"))
    assert result.exit_code == 0
    assert articles(archive) == []
    assert "title: Militia leaders meet in Baghdad ahead of the vote" in result.stdout


def test_unsupported_file_is_refused(archive, tmp_path):
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    result = run(archive, str(pdf))
    assert result.exit_code == 1 and "cannot ingest '.pdf'" in result.stderr


def test_ingested_page_builds(archive):
    from archive.build import build

    assert run(archive, str(FIXTURES / "news-page.html")).exit_code == 0
    report = build(load_config(archive))
    assert report.articles == 1 and not report.skipped
    page = archive / "build" / "articles" / "2021-04-07-militia-leaders-meet-in-baghdad-ahead-of-the-vote.html"
    assert "Militia leaders meet in Baghdad ahead of the vote" in page.read_text(encoding="utf-8")


def test_text_key_ignores_form_not_words():
    assert text_key("He said: “No.”") == text_key('he said "no"')
    assert text_key("He said no.") != text_key("He said yes.")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.one_of(st.sampled_from("#-+*_`[]<>&;!\\=)(|~ 1.:/"),
                                  st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))), max_size=60))
def test_escaped_plain_text_reads_back_unchanged(s):
    para = " ".join(s.split())
    if not para:
        return
    assert markdown_to_text(escape_markdown(para))[0] == plain_to_text(para)[0]


@pytest.mark.parametrize("para", ["# not a heading", "1. not a list", "- not a list", "> not a quote",
                                  "*not emphasis*", "<http://not.a.link>", "&amp; stays", "```", "~~~", "---",
                                  "a \\ backslash", "[not](a link)"])
def test_markdown_syntax_in_plain_text_is_kept_as_text(para):
    assert markdown_to_text(escape_markdown(para))[0] == para


@pytest.mark.parametrize("title, site, expected", [
    ("Talks stall | The Courier", None, "Talks stall"),
    ("Iraq - Iran talks", None, "Iraq - Iran talks"),
    ("Iraq - Iran talks - The Courier", "The Courier", "Iraq - Iran talks"),
])
def test_title_tag_loses_the_site_name_only(title, site, expected):
    from archive.htmlpage import read_page

    meta = f'<meta property="og:site_name" content="{site}">' if site else ""
    page = read_page(f"<html><head><title>{title}</title>{meta}</head><body><p>Text.</p></body></html>")
    assert page.title == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(list("<>/=\"' pdivarticlescript&;#x") + ["<p>", "</p>", "<div>", "<script>",
                                                                        "<!--", "-->", "<meta content=", "\x00"]),
                max_size=80).map("".join))
def test_any_html_is_read_without_crashing(html):
    from archive.htmlpage import read_page

    page = read_page(html)
    assert all(text == " ".join(text.split()) and text for _, text in page.blocks)


def test_deeply_nested_page_is_read():
    from archive.htmlpage import read_page

    html = "<div>" * 5000 + "<p>Deep text about the talks in Baghdad today.</p>" + "</div>" * 5000
    assert read_page(html).blocks == (("p", "Deep text about the talks in Baghdad today."),)


def test_page_without_text_is_not_added(archive, tmp_path):
    page = tmp_path / "empty.html"
    page.write_text("<html><head><title>x</title><script>var a = 1;</script></head><body><nav>Home</nav></body></html>",
                    encoding="utf-8")
    result = run(archive, str(page))
    assert result.exit_code == 1 and "no article text found" in result.stderr
    assert articles(archive) == []
