"""The rule name finder on the kinds of noise scraped war coverage carries."""
from __future__ import annotations

import re

from archive.nlp.names import find_names


def _names(text):
    sentences = [(m.start(), m.end()) for m in re.finditer(r"[^.!?]+[.!?]?", text)]
    return {(m.text, m.label) for m in find_names(text, sentences)}


def _texts(text):
    return {t for t, _ in _names(text)}


def test_stripped_possessive_ends_the_name():
    found = _texts("The strikes were carried out by Russias Aerospace Forces near the city.")
    assert "Aerospace Forces" in found
    assert not any(t.startswith("Russias") for t in found)


def test_bare_rank_is_not_a_person():
    assert not ({"Col", "Lt", "Maj"} & _texts("a coalition spokesman Lt. Col. said the raid ended."))


def test_headline_words_are_not_names():
    assert "Being Silently Slaughtered" not in _texts("The People Being Silently Slaughtered in the east were many.")
    assert not _texts("Reportedly Find Burial Sites near the town was the headline.")


def test_plural_subject_is_not_a_person():
    assert "Activists" not in _texts("Published in 2016 Activists say the death toll continues to rise.")


def test_credit_line_is_cut():
    found = _texts("Reporting by Tom Perry Our Standards: The Thomson Reuters Trust Principles.")
    assert not any("Standards" in t or "Our" in t.split() for t in found)


def test_place_glued_to_an_organisation_is_split():
    found = _names("The shelling of Hama Human Rights Watch said was deliberate.")
    assert ("Hama", "GPE") in found
    assert ("Human Rights Watch", "ORG") in found


def test_levantine_place_prefixes_and_compass_words_make_places():
    found = _names("Fighting spread to Khan Shaykhun and to the Northern Caucasus fighters.")
    assert ("Khan Shaykhun", "GPE") in found
    assert ("Northern Caucasus", "GPE") in found


def test_name_with_glued_arabic_article_is_one_name():
    assert "Kataib Sayyid al-Shuhada" in _texts("Leaders of the Kataib Sayyid al-Shuhada militia met.")


def test_adjective_with_hyphen_is_not_part_of_the_name():
    found = _texts("Fighters of the Kurdish-led Syrian Democratic Forces advanced.")
    assert any(t.endswith("Democratic Forces") for t in found)
    assert not any("Kurdish-led" in t for t in found)


def test_a_real_person_after_a_title_is_kept():
    assert ("Ihssan Shammari", "PERSON") in _names("Political analyst Ihssan Shammari said the moves mattered.")


def test_person_with_glued_article_after_a_registry_place():
    text = "Another resident of Deir al-Zor Abdullah al-Noami said that the towns fell."
    s = text.index("Deir al-Zor")
    found = {(m.text, m.label) for m in find_names(text, [(0, len(text))], [(s, s + len("Deir al-Zor"))])}
    assert ("Abdullah al-Noami", "PERSON") in found
