import pytest

from archive.config import load_config, normalise_base_url
from archive.errors import ConfigError


def test_defaults_without_a_config_file(tmp_path):
    cfg = load_config(tmp_path)
    assert cfg.model == "auto" and cfg.base_url == "/" and cfg.content == "articles"
    assert cfg.registry_path == (tmp_path / "articles" / "entities.yml").resolve()


def test_every_problem_reported_at_once_with_hints(tmp_path):
    (tmp_path / "archive.yml").write_text("titel: x\nlatest_articles: many\nrequire_date: 3\n")
    with pytest.raises(ConfigError) as exc:
        load_config(tmp_path)
    msg = str(exc.value)
    assert "archive.yml" in msg and "3 problem(s)" in msg
    assert "did you mean 'title'" in msg
    assert "'latest_articles' must be a number" in msg


def test_cli_overrides_and_base_url(tmp_path):
    (tmp_path / "archive.yml").write_text("base_url: repo\n")
    assert load_config(tmp_path).base_url == "/repo/"
    assert load_config(tmp_path, {"base_url": "https://u.github.io/r"}).base_url == "https://u.github.io/r/"
    assert normalise_base_url("") == ""


def test_not_a_mapping(tmp_path):
    (tmp_path / "archive.yml").write_text("- a\n- b\n")
    with pytest.raises(ConfigError, match="mapping"):
        load_config(tmp_path)
