"""The English pipeline shipped in the package loads and annotates a sentence of the seed.

The pipeline is trained by training/ (never here); this only loads what is committed.
"""

from pathlib import Path

import pytest

spacy = pytest.importorskip("spacy")

MODEL = Path(__file__).parents[1] / "src/archive/pipelines/en_archive_sm"
SENTENCE = (
    "Political analyst Ihssan Shammari said those moves contained a message to Iran, while "
    "Jaafar Husseini, a spokesman for Kata’ib Hezbollah, rejected the US-Iraqi dialogue in "
    "Baghdad."
)


@pytest.fixture(scope="module")
def nlp():
    assert MODEL.is_dir(), f"shipped pipeline missing: {MODEL}"
    return spacy.load(MODEL)


@pytest.fixture(scope="module")
def doc(nlp):
    return nlp(SENTENCE)


def token(doc, text):
    return next(t for t in doc if t.text == text)


def test_meta(nlp):
    assert nlp.meta["name"] == "en_archive_sm"
    assert nlp.meta["version"]
    assert "CC BY-SA 4.0" in nlp.meta["license"]
    assert {"tagger", "parser", "ner"} <= set(nlp.pipe_names)


def test_small_enough():
    size = sum(f.stat().st_size for f in MODEL.rglob("*") if f.is_file())
    assert size <= 15 * 1024 * 1024


def test_tags(doc):
    assert all(t.tag_ and t.pos_ for t in doc)
    said = token(doc, "said")
    assert said.pos_ == "VERB"
    assert said.tag_ == "VBD"
    assert token(doc, "Baghdad").pos_ == "PROPN"
    assert token(doc, "said").lemma_ == "say"


def test_parse(doc):
    assert doc.has_annotation("DEP")
    said = token(doc, "said")
    # UD attaches a name's other parts to its first word ("Ihssan" <-flat- "Shammari"), so
    # look for Shammari in the subject's subtree
    subjects = [c for c in said.children if c.dep_.startswith("nsubj")]
    assert said.dep_ == "ROOT" or subjects
    assert any("Shammari" in [t.text for t in s.subtree] for s in subjects), [
        (t.text, t.dep_, t.head.text) for t in doc]


def test_sentences(nlp, doc):
    assert doc.has_annotation("SENT_START")
    assert len(list(doc.sents)) == 1
    two = nlp("Qaani held meetings with militia leaders in Iraq. He left on Tuesday.")
    assert len(list(two.sents)) == 2


def test_entities(doc):
    ents = {(e.text, e.label_) for e in doc.ents}
    people = {t for t, label in ents if label == "PERSON"}
    places = {t for t, label in ents if label in {"GPE", "LOC"}}
    assert people, ents
    assert places, ents
    assert any("Shammari" in p or "Husseini" in p for p in people), ents
    assert places & {"Iran", "Baghdad"}, ents


def test_tokenizer_news_rules(nlp):
    words = [t.text for t in nlp.tokenizer("Iran’s envoy, the U.S.-led coalition and Kata’ib Hezbollah")]
    assert words[:2] == ["Iran", "’s"]
    assert "Kata’ib" in words
    assert words[words.index("U.S."):words.index("U.S.") + 3] == ["U.S.", "-", "led"]
