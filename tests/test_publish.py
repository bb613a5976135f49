"""Publishing in place (publish.py): a build killed during its commit is rolled forward by the
next one; a previous site with symbolic links is replaced whole, never written through."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import archive
from archive.build import build
from archive.config import load_config
from test_cache import make_archive, site_bytes

SRC = str(Path(archive.__file__).resolve().parents[1])

KILLED_COMMIT = """
import os, sys
import archive.publish as p
real = p._apply
def half(tmp, out, moves, deletes, unlink_first=frozenset()):
    real(tmp, out, moves[: len(moves) // 2], [], unlink_first)
    os._exit(9)  # like SIGKILL: no clean-up runs
p._apply = half
from archive.build import build
from archive.config import load_config
build(load_config(sys.argv[1]), jobs=1)
"""


@pytest.fixture
def archive_dir(tmp_path):
    return make_archive(tmp_path / "arch")


def clean_site(archive_dir, tmp_path):
    build(load_config(archive_dir, {"output": str(tmp_path / "clean")}), jobs=1, use_cache=False)
    return site_bytes(tmp_path / "clean")


def edit(archive_dir):
    path = archive_dir / "articles" / "2021-04-09-kataib.md"
    path.write_text(path.read_text(encoding="utf-8").replace("on Friday", "on Saturday"), encoding="utf-8")
    (archive_dir / "articles" / "2021-04-07-dialogue.md").unlink()


def test_a_commit_killed_half_way_is_rolled_forward(archive_dir, tmp_path):
    config = load_config(archive_dir)
    build(config, jobs=1)
    edit(archive_dir)
    env = dict(os.environ, PYTHONPATH=SRC + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run([sys.executable, "-c", KILLED_COMMIT, str(archive_dir)], env=env, capture_output=True, text=True)
    assert proc.returncode == 9, proc.stderr
    journals = list(archive_dir.glob(".build-journal.json"))
    assert journals, "the commit should have been interrupted with its journal in place"
    assert (config.output_dir / "articles/2021-04-07-dialogue.html").exists()  # deletions not applied yet
    report = build(config, jobs=1)
    assert not list(archive_dir.glob(".build-journal.json"))
    assert not [p for p in archive_dir.iterdir() if p.name.startswith((".build-tmp-", ".build-old-"))]
    assert report.removed == 0  # the rolled-forward commit removed them already
    assert site_bytes(config.output_dir) == clean_site(archive_dir, tmp_path)


def test_a_symlinked_folder_in_the_previous_site_is_not_written_through(archive_dir, tmp_path):
    config = load_config(archive_dir)
    build(config, jobs=1)
    elsewhere = tmp_path / "elsewhere"
    shutil.move(config.output_dir / "articles", elsewhere)
    (config.output_dir / "articles").symlink_to(elsewhere, target_is_directory=True)
    before = site_bytes(elsewhere)
    edit(archive_dir)
    build(config, jobs=1)
    assert site_bytes(elsewhere) == before
    assert not (config.output_dir / "articles").is_symlink()
    assert site_bytes(config.output_dir) == clean_site(archive_dir, tmp_path)


def test_a_folder_where_a_file_goes_is_replaced(archive_dir, tmp_path):
    config = load_config(archive_dir)
    build(config, jobs=1)
    (config.output_dir / "sitemap.xml").unlink()
    (config.output_dir / "sitemap.xml").mkdir()
    (config.output_dir / "sitemap.xml" / "stray").write_text("x", encoding="utf-8")
    edit(archive_dir)
    build(config, jobs=1)
    assert site_bytes(config.output_dir) == clean_site(archive_dir, tmp_path)


def test_an_edited_site_in_place_equals_a_clean_build(archive_dir, tmp_path):
    config = load_config(archive_dir)
    build(config, jobs=1)
    (config.output_dir / "stray.html").write_text("not ours", encoding="utf-8")
    (config.output_dir / "old-folder").mkdir()
    (config.output_dir / "old-folder" / "x.html").write_text("not ours", encoding="utf-8")
    edit(archive_dir)
    report = build(config, jobs=1)
    assert report.removed >= 3  # the stray files and the deleted article's page
    assert not (config.output_dir / "old-folder").exists()  # emptied folders go too
    assert site_bytes(config.output_dir) == clean_site(archive_dir, tmp_path)


def test_large_replaced_files_are_freed_with_the_temporary_folder(tmp_path, monkeypatch):
    """A large file that a move replaces is held in the temporary folder by a second link
    until the tidy-up thread removes it; a linked one (in the page store) is left alone.
    The site ends the same either way."""
    from archive import publish

    monkeypatch.setattr(publish, "LARGE", 10)
    out, tmp = tmp_path / "site", tmp_path / "tmp"
    (out / "data").mkdir(parents=True)
    (tmp / "data").mkdir(parents=True)
    (out / "data" / "big.json").write_bytes(b"old" * 10)
    (out / "data" / "linked.json").write_bytes(b"old" * 10)
    os.link(out / "data" / "linked.json", tmp_path / "store-entry")
    (out / "gone.html").write_bytes(b"x")
    for name in ("big.json", "linked.json"):
        (tmp / "data" / name).write_bytes(b"new")
    held = []
    real = publish._apply

    def apply(tmp_, out_, moves, deletes, unlink_first):
        held.extend(sorted(p.name for p in tmp_.glob(".replaced-*/*")))
        assert unlink_first == {"data/big.json"}
        real(tmp_, out_, moves, deletes, unlink_first)

    monkeypatch.setattr(publish, "_apply", apply)
    publish.commit(tmp, out, ["data/big.json", "data/linked.json"], ["gone.html"]).join()
    assert held == ["0"]  # big.json only: linked.json has another link
    assert not tmp.exists() and not publish.journal_path(out).exists()
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == ["data/big.json", "data/linked.json"]
    assert (out / "data" / "big.json").read_bytes() == b"new"
    assert (tmp_path / "store-entry").read_bytes() == b"old" * 10
