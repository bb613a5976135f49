import os
import shutil
from pathlib import Path

import pytest

# Every build in the tests checks that the page keys it carries over from the last build
# (keydeps.py: only articles changed) are the keys those pages have now.
os.environ.setdefault("ARCHIVE_VERIFY_KEYS", "1")

HERE = Path(__file__).parent
REPO = HERE.parent


@pytest.fixture
def tiny_archive(tmp_path) -> Path:
    """A copy of tests/fixtures/tiny: three articles and a registry."""
    dest = tmp_path / "tiny"
    shutil.copytree(HERE / "fixtures" / "tiny", dest)
    return dest


@pytest.fixture(scope="session")
def rules_annotator_factory():
    from archive.annotate import Annotator

    def make(registry):
        return Annotator(registry, "rules")

    return make


@pytest.fixture
def render_calls(monkeypatch):
    """The path of every page rendered from now on, in order (render.render_page spied on)."""
    from archive import render

    calls = []
    real = render.render_page

    def spy(env, spec, site):
        calls.append(spec.path)
        return real(env, spec, site)

    monkeypatch.setattr(render, "render_page", spy)
    return calls
