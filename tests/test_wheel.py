"""The default theme and the linguistic data must ship inside the wheel, not only in the repo."""
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_wheel_contains_theme_and_data(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path), str(REPO)],
                   check=True, capture_output=True)
    wheel = next(tmp_path.glob("archive-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in ["archive/theme/templates/base.html", "archive/theme/templates/entity.html",
                     "archive/theme/static/style.css", "archive/data/reporting_verbs.txt",
                     "archive/data/places.txt", "archive/cli.py",
                     "archive/pipelines/en_archive_sm/meta.json", "archive/pipelines/en_archive_sm/parser/model",
                     "archive/pipelines/en_archive_sm/vocab/strings.json", "archive/pipelines/LICENSE"]:
        assert required in names, required
