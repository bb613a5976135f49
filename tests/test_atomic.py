"""Interrupted and concurrent builds: the previous site survives byte for byte, no temporary
folder is left behind, and a second build of the same archive is refused while one runs."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import archive
import archive.render
from archive.build import build
from archive.config import load_config
from archive.errors import ArchiveError
from archive.lock import BuildLocked, build_lock
from hostile.support import snapshot

SRC = str(Path(archive.__file__).resolve().parents[1])

# A build whose every page takes 0.15 s to render (each render noted in a log), and which then
# waits before publishing, whether it swaps a complete tree or commits in place (in case pages
# are carried over without rendering): long enough to be interrupted while its temporary site
# exists.
SLOW_BUILD = """
import sys, time
import archive.render as r
render_page, swap, commit = r.render_page, r._swap, r.commit
def slow(*args, **kwargs):
    with open(sys.argv[2], "a") as log:
        log.write("render\\n")
    time.sleep(0.15)
    return render_page(*args, **kwargs)
def slow_publish(publish):
    def wait(*args, **kwargs):
        time.sleep(60)
        return publish(*args, **kwargs)
    return wait
r.render_page, r._swap, r.commit = slow, slow_publish(swap), slow_publish(commit)
from archive.cli import main
main(["build", sys.argv[1], "--no-cache"])  # no cache: every page is really rendered
"""


def _change_every_page(root: Path) -> None:
    """A new site title changes every page, so that no page can be carried over unrendered
    from the previous build and the patched render_page is reached."""
    config = root / "archive.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("title: Tiny test archive", "title: Changed title"),
                      encoding="utf-8")
    assert "Changed title" in config.read_text(encoding="utf-8")


def _leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith((".build-tmp-", ".build-old-")))


def _renders(root: Path) -> Path:
    return root.parent / f"{root.name}-renders.log"


def _start_slow_build(root: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=SRC + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.Popen([sys.executable, "-c", SLOW_BUILD, str(root), str(_renders(root))], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for_rendering(root: Path, proc: subprocess.Popen, timeout: float = 60) -> None:
    """Until the build has made its temporary site and rendered a few pages (published in
    place, the folder gets only the pages whose bytes change, maybe none yet)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        tmp = [p for p in root.iterdir() if p.name.startswith(".build-tmp-")]
        log = _renders(root)
        if tmp and log.exists() and len(log.read_text().splitlines()) >= 3:
            time.sleep(0.2)
            return
        if proc.poll() is not None:
            pytest.fail(f"the build ended before it could be interrupted: {proc.communicate()}")
        time.sleep(0.05)
    proc.kill()
    pytest.fail("the build never started rendering")


@pytest.fixture
def built(tiny_archive: Path) -> tuple[Path, dict]:
    """The tiny archive with a finished build, and that build's snapshot."""
    build(load_config(tiny_archive))
    site = tiny_archive / "build"
    assert (site / "index.html").exists()
    return tiny_archive, snapshot(site)


def test_a_crash_mid_render_leaves_the_previous_site(built, monkeypatch):
    root, before = built
    calls = []
    render_page = archive.render.render_page

    def crash_on_fifth(*args, **kwargs):
        calls.append(1)
        if len(calls) == 5:
            raise RuntimeError("disk on fire")
        return render_page(*args, **kwargs)

    monkeypatch.setattr(archive.render, "render_page", crash_on_fifth)
    _change_every_page(root)
    with pytest.raises(RuntimeError, match="disk on fire"):
        # no cache: unchanged pages would otherwise be carried over without rendering
        build(load_config(root), use_cache=False)
    assert snapshot(root / "build") == before
    assert _leftovers(root) == []


def test_a_template_error_mid_render_leaves_the_previous_site(built):
    root, before = built
    (root / "templates").mkdir()
    # entity pages come after the home and article pages: the failure is mid-way
    (root / "templates" / "entity.html").write_text("{{ no_such_variable }}", encoding="utf-8")
    with pytest.raises(ArchiveError, match=r"template entity\.html failed for (actors|militias|organisations|places|events)/"):
        build(load_config(root))
    assert snapshot(root / "build") == before
    assert _leftovers(root) == []


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_mid_build_leaves_the_previous_site(built, signum):
    root, before = built
    proc = _start_slow_build(root)
    _wait_for_rendering(root, proc)
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1, (out, err)
    assert "Aborted" in err
    assert "Built" not in out
    assert snapshot(root / "build") == before
    assert _leftovers(root) == []
    # the lock went with the process: the next build runs
    build(load_config(root))


def test_a_second_build_of_the_same_archive_is_refused(built):
    root, before = built
    proc = _start_slow_build(root)
    try:
        _wait_for_rendering(root, proc)
        second = subprocess.run([sys.executable, "-m", "archive", "build", str(root)], capture_output=True, text=True,
                                env=dict(os.environ, PYTHONPATH=SRC), timeout=120)
        assert second.returncode == 1
        assert f"another build of this archive is running (process {proc.pid})" in second.stderr
        assert str(root / ".archive.lock") in second.stderr
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=60)
    assert snapshot(root / "build") == before  # the refused build touched nothing


def test_the_lock_is_held_for_the_whole_build(built):
    root, _ = built
    with build_lock(root):
        with pytest.raises(BuildLocked, match="another build of this archive is running"):
            build(load_config(root))
    build(load_config(root))  # released on exit


def test_leftovers_of_a_killed_build_are_cleaned_and_the_old_site_restored(built, monkeypatch):
    """SIGKILL (or a power cut) runs no cleanup at all. Simulate one that came between the two
    renames of the swap: the site is only in `.build-old-*`, and a temp folder lies around."""
    root, before = built
    os.replace(root / "build", root / ".build-old-4242")
    (root / ".build-tmp-dead").mkdir()
    (root / ".build-tmp-dead" / "index.html").write_text("half a site", encoding="utf-8")

    monkeypatch.setattr(archive.render, "render_page", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("crash")))
    _change_every_page(root)
    with pytest.raises(RuntimeError):
        build(load_config(root), use_cache=False)
    assert snapshot(root / "build") == before  # restored, then the failed build left it alone
    assert _leftovers(root) == []


def test_a_page_outside_the_site_is_refused_by_name_and_the_site_survives(tmp_path, monkeypatch):
    """write_site's last line of defence: a page planned outside the output folder (plan.py
    never makes one) stops the build with an error naming it, before anything is written,
    and the previous site stays as it was."""
    import archive.build as build_mod
    from archive.plan import PageSpec
    from test_cache import make_archive

    root = make_archive(tmp_path / "arch")
    config = load_config(root)
    build(config, jobs=1)
    before = snapshot(config.output_dir)
    real = build_mod.plan_site
    monkeypatch.setattr(build_mod, "plan_site",
                        lambda arch, cfg: [*real(arch, cfg), PageSpec("page", "404.html", "../evil.html", {})])
    (root / "articles" / "2021-04-09-kataib.md").write_text(
        (root / "articles" / "2021-04-09-kataib.md").read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    with pytest.raises(ArchiveError, match=r"refused to write '\.\./evil\.html'"):
        build(config, jobs=1)
    assert snapshot(config.output_dir) == before
    assert not (root / "evil.html").exists()
    assert not list(root.glob(".build-tmp-*"))
