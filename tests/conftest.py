import shutil
from pathlib import Path

import pytest

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
