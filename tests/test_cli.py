import json

from click.testing import CliRunner

from archive.cli import main


def test_help_is_instant_and_lists_commands():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0, result.output
    assert "build" in result.output and "extract" in result.output


def test_build_command(tiny_archive, tmp_path):
    out = tmp_path / "site"
    result = CliRunner().invoke(main, ["build", str(tiny_archive), "-o", str(out), "--base-url", "/repo/"])
    assert result.exit_code == 0, result.output
    assert "Built" in result.output and "3 articles (0 skipped)" in result.output
    assert (out / "index.html").exists()


def test_build_search_flag_overrides_archive_yml(tiny_archive, tmp_path, monkeypatch):
    """--no-search skips Pagefind (search on by default here); --search runs it where
    archive.yml turns it off (whether Pagefind is installed or not: the build is told to)."""
    import archive.build

    told = []
    real_build = archive.build.build

    def recording(config, **kwargs):
        told.append(config.search)
        return real_build(config, **kwargs)

    monkeypatch.setattr(archive.build, "build", recording)
    off = tmp_path / "off"
    result = CliRunner().invoke(main, ["build", str(tiny_archive), "-o", str(off), "--no-search"])
    assert result.exit_code == 0, result.output
    assert told == [False]
    assert (off / "index.html").exists() and not (off / "pagefind").exists()
    yml = tiny_archive / "archive.yml"
    yml.write_text(yml.read_text(encoding="utf-8") + "search: false\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(tiny_archive), "-o", str(tmp_path / "on"), "--search"])
    assert result.exit_code == 0, result.output
    assert told == [False, True]


def test_extract_json_shape(tiny_archive, monkeypatch):
    monkeypatch.chdir(tiny_archive)
    result = CliRunner().invoke(main, ["extract", "articles/2021-04-07-dialogue.md", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["pipeline"].startswith("rules")
    art = doc["articles"][0]
    assert art["path"] == "articles/2021-04-07-dialogue.md"
    assert {"id", "title", "date", "text", "mentions", "quotes"} <= set(art)
    for m in art["mentions"]:
        assert set(m) >= {"start", "end", "text", "type", "entity"}
        assert art["text"][m["start"]:m["end"]] == m["text"]
    husseini = [q for q in art["quotes"] if q["speaker_entity"] == "jaafar-husseini"]
    assert len(husseini) == 2 and husseini[0]["speaker"]["text"] == "Husseini"


def test_extract_plain_text_outside_an_archive(tmp_path, monkeypatch):
    f = tmp_path / "story.txt"
    f.write_text("Officials met in Baghdad.\n\n“We are ready,” said Ali Saleh.\n")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["extract", "story.txt", "--json", "--model", "rules"])
    assert result.exit_code == 0, result.output
    art = json.loads(result.output)["articles"][0]
    assert art["text"].startswith("Officials met in Baghdad.")
    assert art["quotes"][0]["speaker"]["text"] == "Ali Saleh"


def test_extract_offsets_point_into_a_plain_text_file(tmp_path, monkeypatch):
    # hard-wrapped lines, a non-breaking space before a break, a trailing newline: the reader
    # normalises all of it, and the JSON must still point into the file as it is
    raw = ("Officials met in Baghdad\non Tuesday.\xa0\n\n“We are ready to talk,\nbut not now,” said\n"
           "Ali Saleh, a spokesman.\n\n\nThe talks, he added, would\nresume in May.\n")
    f = tmp_path / "story.txt"
    f.write_text(raw, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["extract", "story.txt", "--json", "--model", "rules"])
    assert result.exit_code == 0, result.output
    art = json.loads(result.output)["articles"][0]
    assert art["text"] == raw and art["offsets"] == "file"
    spans = art["mentions"] + art["quotes"] + [q["speaker"] for q in art["quotes"] if q["speaker"]]
    assert any(q["speaker"] and q["speaker"]["text"] == "Ali Saleh" for q in art["quotes"])
    assert any(m["text"] == "Baghdad" for m in art["mentions"])
    for span in spans:
        assert raw[span["start"]:span["end"]] == span["text"], span
        assert span["text"] == span["text"].strip()
    direct = next(q for q in art["quotes"] if q["kind"] == "direct")
    assert "ready to talk,\nbut not now" in direct["text"]


def test_extract_markdown_offsets_stay_in_the_plain_text(tiny_archive, monkeypatch):
    monkeypatch.chdir(tiny_archive)
    result = CliRunner().invoke(main, ["extract", "articles/2021-04-07-dialogue.md", "--json", "--model", "rules"])
    art = json.loads(result.output)["articles"][0]
    assert art["offsets"] == "text" and not art["text"].startswith("---")
    for q in art["quotes"]:
        assert art["text"][q["start"]:q["end"]] == q["text"]


def test_unknown_model_says_how_to_install(tiny_archive):
    result = CliRunner().invoke(main, ["build", str(tiny_archive), "--model", "en_core_web_xx"])
    assert result.exit_code == 1
    assert "python -m spacy download en_core_web_xx" in result.output


def test_config_error_is_clear(tiny_archive):
    (tiny_archive / "archive.yml").write_text("titel: x\n")
    result = CliRunner().invoke(main, ["build", str(tiny_archive)])
    assert result.exit_code == 1
    assert "did you mean 'title'" in result.output


def test_console_command_exits_with_the_build_outcome(tiny_archive, tmp_path):
    """`python -m archive` (the console script's `run`) ends a successful build with os._exit:
    its summary must still be printed and the site complete; a failed build exits 1 normally."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1] / "src"))
    site = tmp_path / "site"
    ok = subprocess.run([sys.executable, "-m", "archive", "build", str(tiny_archive), "-o", str(site)],
                        capture_output=True, text=True, env=env, timeout=300)
    assert ok.returncode == 0, ok.stderr
    assert "Built " in ok.stdout and "files:" in ok.stdout
    assert (site / "index.html").is_file() and (site / "sitemap.xml").is_file()
    assert not list(tmp_path.glob(".site-tmp-*"))  # nothing half-made left beside it
    empty = tmp_path / "empty"
    (empty / "articles").mkdir(parents=True)
    bad = subprocess.run([sys.executable, "-m", "archive", "build", str(empty)],
                         capture_output=True, text=True, env=env, timeout=300)
    assert bad.returncode == 1
    assert "no articles found" in bad.stderr


def test_a_build_before_exit_hides_its_objects_from_the_collector(tiny_archive, tmp_path, monkeypatch):
    """cli.run ends the process after a build: the build's objects are kept (KEEP_UNTIL_EXIT)
    and frozen out of the cycle collector, whose first run after the build would otherwise
    walk them all (~1 s at 10,000 articles). A build in a process that goes on (a library
    call, `archive serve`) neither keeps nor freezes anything."""
    import gc

    import archive.build
    from archive.config import load_config

    assert gc.isenabled()
    config = load_config(tiny_archive, {"output": str(tmp_path / "a")})
    frozen = gc.get_freeze_count()
    monkeypatch.setattr(archive.build, "KEEP_UNTIL_EXIT", None)
    archive.build.build(config, jobs=1)
    assert gc.isenabled() and gc.get_freeze_count() == frozen
    monkeypatch.setattr(archive.build, "KEEP_UNTIL_EXIT", [])
    try:
        archive.build.build(load_config(tiny_archive, {"output": str(tmp_path / "b")}), jobs=1)
        assert gc.isenabled() and gc.get_freeze_count() > frozen
        kept = archive.build.KEEP_UNTIL_EXIT[-1]
        assert any(getattr(x, "quotes", None) is not None for x in kept)  # the index is among them
    finally:
        gc.unfreeze()
