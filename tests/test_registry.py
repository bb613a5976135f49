import pytest

from archive.errors import RegistryError
from archive.nlp.registry_matcher import RegistryMatcher
from archive.registry import load_registry


def _write(tmp_path, text):
    p = tmp_path / "entities.yml"
    p.write_text(text, encoding="utf-8")
    return p


def test_validation_collects_problems_with_lines(tmp_path):
    p = _write(tmp_path, """entities:
  - {id: a-b, type: actor, name: A B, colour: red}
  - {id: a-b, type: actor, name: Other}
  - {id: x, type: planet, name: X}
  - {id: ev, type: event, name: Some Event}
  - {id: y, type: actor, name: Y, aliases: [A B]}
  - {id: z, type: actor, name: Z, affiliation: nowhere}
""")
    with pytest.raises(RegistryError) as exc:
        load_registry(p)
    msg = str(exc.value)
    assert f"{p}:2: " in msg and "unknown key 'colour'" in msg  # file:line, as compilers print it
    assert "duplicate id 'a-b'" in msg
    assert "'type' must be one of" in msg
    assert "an event needs a 'date'" in msg
    assert "claimed by both" in msg
    assert "unknown id 'nowhere'" in msg


def test_aliases_match_spelling_variants(tmp_path):
    reg = load_registry(_write(tmp_path, """entities:
  - {id: kh, type: militia, name: "Kata'ib Hezbollah"}
  - {id: q, type: actor, name: Esmail Qaani}
  - {id: us, type: place, name: United States, aliases: [US]}
  - {id: iran, type: place, name: Iran}
"""))
    m = RegistryMatcher(reg.aliases())
    text = "Kataib Hezbollah, Kata’ib Hezbollah and KATA'IB HEZBOLLAH; Ghaani met us in the US. Iranian Iran’s"
    found = [(x.text, x.entity) for x in m(text)]
    assert found == [
        ("Kataib Hezbollah", "kh"), ("Kata’ib Hezbollah", "kh"), ("KATA'IB HEZBOLLAH", "kh"),
        ("Ghaani", "q"), ("US", "us"), ("Iran", "iran"),
    ]


def test_surname_alias_added_for_people_unless_ambiguous(tmp_path):
    reg = load_registry(_write(tmp_path, """entities:
  - {id: a, type: actor, name: Jaafar Husseini}
  - {id: b, type: actor, name: Ali Hamdani}
  - {id: c, type: actor, name: Saleh Hamdani}
"""))
    aliases = dict(reg.aliases())
    assert aliases["Husseini"] == "a"
    assert "Hamdani" not in aliases
