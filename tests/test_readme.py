"""The README is the front door: its commands must be the ones CI runs, and its claims true."""
import re

from click.testing import CliRunner

from archive.cli import main
from archive.config import _SCHEMA

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

README = (REPO / "README.md").read_text(encoding="utf-8")
CI = (REPO / ".ci" / "run").read_text(encoding="utf-8")


def _sh_blocks() -> list[list[str]]:
    return [[l for l in b.strip().splitlines() if l.strip()] for b in re.findall(r"```sh\n(.*?)```", README, re.S)]


def test_setup_is_two_commands_and_ci_runs_them():
    setup, test = _sh_blocks()[:2]
    assert len(setup) == 2 and setup[1] == "archive build"
    install = setup[0]
    assert install.startswith("pip install -e")
    assert install.replace("pip install", "python -m pip install --quiet") in CI
    assert "archive build" in CI
    assert test == ["python -m pytest"] and "\npython -m pytest\n" in CI


def test_every_setting_is_documented():
    for key in _SCHEMA:
        assert f"`{key}`" in README, key


def test_every_build_option_is_documented():
    for opt in ["--output", "--base-url", "--model", "--strict", "--quiet", "--verbose", "--debug"]:
        assert opt in README, opt
    for name, cmd in main.commands.items():
        assert f"archive {name}" in README, name
        assert cmd.help, name


def test_demo_archive_builds_as_the_readme_says(tmp_path):
    result = CliRunner().invoke(main, ["build", str(REPO), "-o", str(tmp_path / "site"), "--model", "rules"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "site" / "articles" / "2021-04-arab-weekly-qaani-baghdad.html").exists()
    assert (tmp_path / "site" / "militias" / "kataib-hezbollah.html").exists()
