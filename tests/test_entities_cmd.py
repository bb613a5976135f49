"""`archive entities`: the editor's loop, and registry messages with file:line."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from archive.cli import main
from archive.errors import RegistryError
from archive.registry import load_registry

FIXTURE = Path(__file__).parent / "fixtures" / "resolve"


@pytest.fixture()
def archive_dir(tmp_path):
    dest = tmp_path / "archive"
    shutil.copytree(FIXTURE, dest)
    return dest


def test_lists_unknown_entities_most_frequent_first(archive_dir):
    result = CliRunner().invoke(main, ["entities", str(archive_dir), "--model", "rules", "--json"])
    assert result.exit_code == 0, result.output
    import json

    rows = json.loads(result.output)
    ids = [r["id"] for r in rows]
    assert "saleh-hamdani" in ids and "mustafa-kadhimi" not in ids  # registry entities are not listed
    counts = [r["mentions"] for r in rows]
    assert counts == sorted(counts, reverse=True)
    hamdani = next(r for r in rows if r["id"] == "saleh-hamdani")
    assert hamdani["type"] == "actor" and hamdani["mentions"] == 2 and hamdani["articles"] == 2
    assert "Hamdani]" in hamdani["context"]


def test_table_has_type_counts_and_context(archive_dir):
    result = CliRunner().invoke(main, ["entities", str(archive_dir), "--model", "rules", "--type", "militia"])
    assert result.exit_code == 0, result.output
    assert "kataib-sayyid-al-shuhada" in result.output and "[militia, political militia]" in result.output
    assert "saleh-hamdani" not in result.output


def test_stubs_paste_into_the_registry_and_the_names_become_known(archive_dir):
    runner = CliRunner()
    result = runner.invoke(main, ["entities", str(archive_dir), "--model", "rules", "--stub",
                                  "--id", "saleh-hamdani", "--id", "abu-fadak-mohammedawi"])
    assert result.exit_code == 0, result.output
    entries = yaml.safe_load("entities:\n" + result.output)["entities"]
    by_id = {e["id"]: e for e in entries}
    assert set(by_id) == {"saleh-hamdani", "abu-fadak-mohammedawi"}
    assert by_id["abu-fadak-mohammedawi"]["affiliation"] == "popular-mobilisation-forces"
    assert by_id["saleh-hamdani"]["type"] == "actor" and "Hamdani" not in by_id["saleh-hamdani"].get("aliases", [])
    registry = archive_dir / "entities.yml"
    registry.write_text(registry.read_text(encoding="utf-8") + result.output, encoding="utf-8")
    assert {"saleh-hamdani", "abu-fadak-mohammedawi"} <= {e.id for e in load_registry(registry).entities}
    again = runner.invoke(main, ["entities", str(archive_dir), "--model", "rules", "--json"])
    assert "saleh-hamdani" not in again.output


def test_unknown_id_is_refused(archive_dir):
    result = CliRunner().invoke(main, ["entities", str(archive_dir), "--model", "rules", "--id", "nobody"])
    assert result.exit_code != 0 and "nobody" in result.output


def test_registry_problems_carry_file_and_line(tmp_path):
    path = tmp_path / "entities.yml"
    path.write_text(
        "entities:\n"
        "  - {id: ali, type: actor, name: Ali One, aliases: [Ali], colour: red}\n"
        "  - {id: ali-two, type: actor, name: Ali Two, aliases: [Ali]}\n"
        "  - {id: talks, type: event, name: Talks, place: ali-tw}\n"
        "  - {id: ali, type: actor, name: Ali Three}\n", encoding="utf-8")
    with pytest.raises(RegistryError) as err:
        load_registry(path)
    problems = err.value.problems
    assert any(p.startswith(f"{path}:2:") and "unknown key 'colour'" in p for p in problems)
    assert any(p.startswith(f"{path}:3:") and "'ali'" in p and "claimed by both" in p for p in problems)
    assert any(p.startswith(f"{path}:4:") and "needs a 'date'" in p for p in problems)
    assert any(p.startswith(f"{path}:4:") and "did you mean" in p for p in problems)
    assert any(p.startswith(f"{path}:5:") and "duplicate id 'ali'" in p for p in problems)
