"""The spaCy stage without a trained model: blank pipelines and hand-built parsed Docs."""
import pytest
import spacy
from spacy.tokens import Doc

from archive.errors import ModelNotFound
from archive.nlp.analyse import analysis_from_doc
from archive.nlp.pipeline import load_pipeline, resolve_model
from archive.nlp.quotes import find_quotes


def test_rules_pipeline_splits_sentences():
    nlp, info = load_pipeline("rules")
    assert info.name.startswith("rules") and not info.has_parser and not info.has_ner
    doc = nlp("Kadhimi went to Riyadh. He met officials there.")
    assert [s.text for s in doc.sents] == ["Kadhimi went to Riyadh.", "He met officials there."]


def test_missing_model_is_a_clear_error():
    with pytest.raises(ModelNotFound, match="python -m spacy download en_core_web_zz"):
        resolve_model("en_core_web_zz")


def test_auto_prefers_an_installed_trained_pipeline_else_rules(monkeypatch):
    import spacy.util

    monkeypatch.setattr(spacy.util, "is_package", lambda name: False)
    assert resolve_model("auto") == "rules"
    monkeypatch.setattr(spacy.util, "is_package", lambda name: name in ("en_core_web_sm", "en_core_web_md"))
    assert resolve_model("auto") == "en_core_web_md"
    assert resolve_model("shipped") == "shipped"


def _parsed_doc():
    # "Jaafar Husseini , a spokesman , said the talks failed again ."
    words = ["Jaafar", "Husseini", ",", "a", "spokesman", ",", "said", "the", "talks", "failed", "again", "."]
    heads = [1, 6, 1, 4, 1, 1, 6, 8, 9, 6, 9, 6]
    deps = ["compound", "nsubj", "punct", "det", "appos", "punct", "ROOT", "det", "nsubj", "ccomp", "advmod", "punct"]
    pos = ["PROPN", "PROPN", "PUNCT", "DET", "NOUN", "PUNCT", "VERB", "DET", "NOUN", "VERB", "ADV", "PUNCT"]
    return Doc(spacy.blank("en").vocab, words=words, heads=heads, deps=deps, pos=pos,
               sent_starts=[True] + [False] * 11)


def test_parse_subjects_cut_the_apposition():
    doc = _parsed_doc()
    analysis = analysis_from_doc(doc)
    subjects = analysis.parse_subjects(doc.text)
    said = doc[6].idx
    assert subjects[said].text == "Jaafar Husseini"
    assert subjects[doc[9].idx].text == "the talks"


def test_parse_subject_becomes_the_speaker():
    doc = _parsed_doc()
    analysis = analysis_from_doc(doc)
    qs = find_quotes(doc.text, list(analysis.sentences), parse_subjects=analysis.parse_subjects(doc.text))
    assert len(qs) == 1 and qs[0].kind == "indirect"
    assert qs[0].speaker.text == "Jaafar Husseini"
    assert qs[0].text == "the talks failed again"


def test_pipeline_names_carry_the_language_once():
    """spaCy's packages name themselves without the language, the shipped pipeline with it:
    the summary and the site's footer said "en_en_archive_sm"."""
    from archive.nlp.pipeline import _pipeline_name

    assert _pipeline_name({"lang": "en", "name": "core_web_sm", "version": "3.8.0"}) == "en_core_web_sm 3.8.0"
    assert _pipeline_name({"lang": "en", "name": "en_archive_sm", "version": "0.2.0"}) == "en_archive_sm 0.2.0"
