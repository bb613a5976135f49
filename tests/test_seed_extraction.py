"""The demo's seed article, extracted with the rules-only pipeline (no trained model)."""
import pytest
import yaml

from archive.extract import extract

from pathlib import Path

HERE = Path(__file__).parent
REPO = HERE.parent

SEED = "seeds/2021-04-arab-weekly-qaani-baghdad.md"
EXPECTED = yaml.safe_load((HERE / "fixtures" / "seed_expected.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def seed(request):
    import os

    cwd = os.getcwd()
    os.chdir(REPO)
    try:
        doc, errors = extract([SEED], REPO, "rules")
    finally:
        os.chdir(cwd)
    assert not errors
    return doc["articles"][0]


def test_metadata(seed):
    assert seed["path"] == SEED
    assert seed["date"] == "2021-04"
    assert seed["source"] == "The Arab Weekly"
    assert "Source »" not in seed["text"]


@pytest.mark.parametrize("eid", sorted(EXPECTED["entities"]))
def test_entity(seed, eid):
    want = EXPECTED["entities"][eid]
    for surface in want["surfaces"]:
        found = [m for m in seed["mentions"] if m["text"] == surface]
        assert found, f"no mention {surface!r}"
        assert {m["entity"] for m in found} == {eid}, surface
        assert {m["type"] for m in found} == {want["type"]}, surface


@pytest.mark.parametrize("want", EXPECTED["quotes"], ids=lambda q: q["starts"][:25])
def test_quote(seed, want):
    found = [q for q in seed["quotes"] if q["kind"] == want["kind"] and q["text"].startswith(want["starts"])]
    assert len(found) == 1, [q["text"][:40] for q in seed["quotes"]]
    q = found[0]
    assert q["speaker"]["text"] == want["speaker"]
    assert q["speaker_entity"] == want["entity"]
    assert seed["text"][q["start"]:q["end"]] == q["text"]
    assert seed["text"][q["speaker"]["start"]:q["speaker"]["end"]] == q["speaker"]["text"]


def test_stray_closing_mark_makes_no_quote(seed):
    assert not [q for q in seed["quotes"] if "from Iraq." in q["text"]]
    assert not [q for q in seed["quotes"] if q["kind"] == "direct" and len(q["text"]) > 400]


def test_offsets(seed):
    for m in seed["mentions"]:
        assert seed["text"][m["start"]:m["end"]] == m["text"]
