"""Same inputs, same bytes: two builds (separate processes, different hash seeds, different
output folders) produce identical sites, file for file."""
from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import archive
from hostile.support import HOSTILE, snapshot

SRC = str(Path(archive.__file__).resolve().parents[1])

# Articles from the hostile corpus that exercise more of the pipeline than the tiny archive:
# unbalanced and mixed quotes, UTF-16, reserved and non-ASCII slugs, markup in every field.
EXTRA = ["quotes_unbalanced.md", "quotes_mixed.txt", "enc_utf16_bom.md", "slug_arabic.md",
         "slug_reserved_index.md", "xss_front_matter_fields.md", "xss_quote.md", "xss_md_link_javascript.md"]


def _build(root: Path, out: Path, seed: str) -> None:
    # PYTHONHASHSEED changes the iteration order of every set and of str hashes: output that
    # depends on it differs between the two builds.
    env = dict(os.environ, PYTHONPATH=SRC, PYTHONHASHSEED=seed)
    subprocess.run([sys.executable, "-m", "archive", "build", str(root), "-o", str(out), "-q"],
                   env=env, check=True, timeout=300)


def test_two_builds_are_byte_identical(tiny_archive: Path, tmp_path: Path):
    for name in EXTRA:
        shutil.copyfile(HOSTILE / name, tiny_archive / "articles" / name)
    (tiny_archive / "archive.yml").write_text(
        (tiny_archive / "archive.yml").read_text(encoding="utf-8") + "require_date: false\n", encoding="utf-8")
    first, second = tmp_path / "first", tmp_path / "second"
    _build(tiny_archive, first, "1")
    _build(tiny_archive, second, "4242")
    # Pagefind (a separate program, run when installed) writes its filter index in hash-map
    # order, so pagefind/ differs from run to run even for identical pages; everything archive
    # itself writes must not.
    a, b = ({k: v for k, v in snapshot(d).items() if not k.startswith("pagefind")} for d in (first, second))
    assert len([k for k in a if k.endswith(".html")]) > 20
    assert a.keys() == b.keys()
    different = [k for k in a if a[k] != b[k]]
    assert different == []
    # no build timestamp or output path in any page
    today = dt.date.today().isoformat()
    for page in first.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert today not in html, page
        assert str(tmp_path) not in html, page
