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


def test_unknown_model_says_how_to_install(tiny_archive):
    result = CliRunner().invoke(main, ["build", str(tiny_archive), "--model", "en_core_web_xx"])
    assert result.exit_code == 1
    assert "python -m spacy download en_core_web_xx" in result.output


def test_config_error_is_clear(tiny_archive):
    (tiny_archive / "archive.yml").write_text("titel: x\n")
    result = CliRunner().invoke(main, ["build", str(tiny_archive)])
    assert result.exit_code == 1
    assert "did you mean 'title'" in result.output
