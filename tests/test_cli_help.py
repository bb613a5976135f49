"""Every command, including ones added later, has --help text: a summary line, a description,
and help for every option. The list comes from the CLI group itself, so a new command without
help fails here."""
from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from archive.cli import main

COMMANDS = sorted(main.commands)


def test_the_editor_commands_exist():
    assert {"build", "extract", "ingest", "serve", "check"} <= set(COMMANDS)


def test_group_help_lists_every_command():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    listed = result.output.split("Commands:", 1)[1]
    for name in COMMANDS:
        line = next((ln for ln in listed.splitlines() if ln.split()[:1] == [name]), None)
        assert line is not None, f"{name} missing from archive --help"
        assert len(line.split()) > 1, f"{name} has no summary in archive --help"


@pytest.mark.parametrize("name", COMMANDS)
def test_command_help(name):
    command = main.commands[name]
    for flag in ("--help", "-h"):
        result = CliRunner().invoke(main, [name, flag])
        assert result.exit_code == 0, result.output
        assert result.output.startswith(f"Usage: main {name}") or result.output.startswith(f"Usage: archive {name}")
    doc = (command.help or "").strip()
    assert len(doc.split()) >= 8, f"'archive {name}' needs a docstring that says what it does"
    first_line = doc.splitlines()[0]
    assert first_line.rstrip(".") in " ".join(result.output.split())
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            assert param.help and len(param.help.split()) >= 2, f"archive {name} {param.opts[0]} has no help text"
            assert param.opts[0] in result.output
