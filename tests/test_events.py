"""Events written as common noun phrases around names (nlp/events.py), and how they group."""
import shutil
from pathlib import Path

import pytest

from archive.extract import extract
from archive.nlp.events import find_events
from archive.nlp.names import find_names
from archive.resolve import LABEL_TYPES, guess_kind

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "seeds" / "2021-04-arab-weekly-qaani-baghdad.md"


def events(text: str) -> list[str]:
    names = find_names(text, [(0, len(text))])
    return [m.text for m in find_events(text, names, lambda m: LABEL_TYPES.get(m.label))]


@pytest.mark.parametrize("text, found", [
    ("He was angered by the killing of Qassem Soleimani in Baghdad.", ["the killing of Qassem Soleimani"]),
    ("After Qassem Soleimani's killing the militias regrouped.", ["Qassem Soleimani's killing"]),
    ("The fall of Aleppo changed the war.", ["The fall of Aleppo"]),
    ("the 2003 invasion of Iraq", ["2003 invasion of Iraq"]),
    ("during the Vienna negotiations with world powers", ["Vienna negotiations"]),
    ("as the Astana talks resumed", ["Astana talks"]),
    ("the start of the US-Iraq strategic dialogue", ["US-Iraq strategic dialogue"]),
    ("at the same time that the strategic dialogue started", ["strategic dialogue"]),
    ("before the elections and after the upcoming elections", ["the elections", "the upcoming elections"]),
    ("in the Iraqi parliamentary elections of May", ["the Iraqi parliamentary elections"]),
    ("He won the 2004 Canadian federal election easily.", ["2004 Canadian federal election"]),
    ("in the 2009 European Parliament election in Italy", ["2009 European Parliament election in Italy"]),
    ("the unannounced visit to Baghdad by the commander", ["unannounced visit to Baghdad"]),
    # what happens in a place, and an act named after who did it or where
    ("Thousands died in the war in Gaza last year.", ["the war in Gaza"]),
    ("It paved the way for the US withdrawal from Afghanistan.", ["US withdrawal from Afghanistan"]),
    ("They have traded fire since the Hamas attack of October 7.", ["Hamas attack of October 7"]),
    ("Lebanon has not recovered from the Beirut port explosion.", ["Beirut port explosion"]),
    ("the 2013 Ghouta chemical attack", ["2013 Ghouta chemical attack"]),
    # a strike told as a clause: what struck, the verb, what it struck, up to its place
    ("In January, bomb-laden drones struck the main royal palace in Riyadh.",
     ["bomb-laden drones struck the main royal palace in Riyadh"]),
    ("A car bomb hit a checkpoint near Kirkuk, police said.", ["car bomb hit a checkpoint near Kirkuk"]),
    ("Russian warplanes reportedly targeted the town of Saraqib on Monday.",
     ["Russian warplanes reportedly targeted the town of Saraqib"]),
    # datelines and headlines glued to the clause in text without commas stay out of it
    ("Aleppo A bomb blast hit a bus convoy near Aleppo", ["bomb blast hit a bus convoy near Aleppo"]),
    ("On Friday airstrikes hit a market in the town of Atareb", ["airstrikes hit a market in the town of Atareb"]),
    ("Related News Turkish jets raided villages in northern Syria", ["Turkish jets raided villages in northern Syria"]),
    ("its jets have hit Aleppo", ["jets have hit Aleppo"]),
    ("Rockets hit Baghdad airport overnight.", ["Rockets hit Baghdad airport"]),  # the place's building
    # the place in a compound ("US-led") describes; the target goes on to the next place
    ("A roadside bomb struck a convoy carrying supplies for the US-led coalition near Basra on Monday.",
     ["roadside bomb struck a convoy carrying supplies for the US-led coalition near Basra"]),
    ("Syrian regime airstrikes killed at least 58 civilians in eastern Syria on Sunday.",
     ["Syrian regime airstrikes killed at least 58 civilians in eastern Syria"]),
    # an attack named by a noun, with what it struck
    ("He denied any role in a rocket attack on the US embassy in Baghdad.",
     ["rocket attack on the US embassy in Baghdad"]),
    ("The attack on Erbil airport was condemned.", ["The attack on Erbil airport"]),
    ("Two air strikes on a school in Idlib killed five.", ["air strikes on a school in Idlib"]),
    ("a mortar attack on the Damascus countryside", ["mortar attack on the Damascus countryside"]),
])
def test_event_phrases(text, found):
    assert events(text) == found


@pytest.mark.parametrize("text", [
    "the killing of civilians went on",            # no name: not a particular event
    "the killing of Syrian civilians",              # a demonym is not a person
    "the fall of Aleppo city council members",      # the phrase goes on: the name is a modifier
    "they want to hold elections soon",             # no particular elections
    "the elections commission said",                # a body, not the vote
    "a visit to the market",                        # not a place's name
    "the killing of Hezbollah fighters",            # the name is the fighters' group
    "the conflict from Britain's point of view",    # not where it happens
    "Hamas attack helicopters were seen",           # the act noun is a modifier
    "the NATO bombing campaign",                    # the act noun is a modifier (CrossNER dev)
    "the US withdrawal from the agreement",         # not from a place
    "The economy hit a wall in Ohio last year.",    # what struck is no weapon or force
    "The blast which hit buses in Aleppo killed 20.",  # the clause is about something else
    "the first explosion to hit the heart of Homs",    # no verb right after what struck
    "warplanes struck again, killing five people in Idlib",  # the place is in another clause
    "Syria would be targeted by rebels",            # passive: what struck comes after
    "Two militants killed in Aleppo, the army said.",  # passive: killed, not killing
    "Russian airstrikes have killed thousands since Moscow intervened in Syria",  # another clause
    "Trump threatened an attack on Iran.",          # an attack, unsaid how: as often a threat
    "Russia denied air strikes on Idlib.",          # a plural alone: a kind of deed, not one
    "his attacks on Clinton in Ohio",               # words, not arms
    "a suicide attack on an Idlib village",         # "an Idlib": the place only describes
    "the airstrikes on rebel positions have increased in Idlib",  # the target's words end at a verb
])
def test_no_event(text):
    assert events(text) == []


def test_an_event_cue_does_not_retype_an_event():
    # "visit to the West Bank" has "Bank" in it, a cue of an organisation's name
    assert guess_kind("visit to the West Bank", "event") == (None, None)
    assert guess_kind("Battle of Aleppo", "event")[0] is not None


@pytest.fixture(scope="module")
def seed_without_registry(tmp_path_factory):
    """The seed alone in an archive with no registry: what the rules find by themselves."""
    root = tmp_path_factory.mktemp("noreg")
    shutil.copy(SEED, root / SEED.name)
    doc, errors = extract([str(root / SEED.name)], root, "rules")
    assert not errors
    return doc["articles"][0]


def _entities(article, surface):
    return {(m["entity"], m["type"]) for m in article["mentions"] if m["text"] == surface}


def test_seed_events_without_registry(seed_without_registry):
    a = seed_without_registry
    # one entity per event, whatever the words that come and go around it
    assert _entities(a, "the elections") == _entities(a, "the upcoming elections") == {("elections", "event")}
    assert _entities(a, "strategic dialogue") == _entities(a, "US-Iraq strategic dialogue") \
        == {("us-iraq-strategic-dialogue", "event")}
    assert _entities(a, "the killing of Soleimani") == {("killing-of-soleimani", "event")}
    assert _entities(a, "Vienna negotiations") == {("vienna-negotiations", "event")}
    assert _entities(a, "unannounced visit to Baghdad") == {("unannounced-visit-to-baghdad", "event")}
    assert _entities(a, "bomb-laden drones struck the main royal palace in Riyadh") \
        == {("bomb-laden-drones-struck-the-main-royal-palace-in-riyadh", "event")}
    # the names inside an event are mentions of their own
    assert {m["entity"] for m in a["mentions"] if m["text"] == "Soleimani"} == {"qassem-soleimani"}
    assert _entities(a, "Riyadh") == {("riyadh", "place")}


def test_seed_names_without_registry(seed_without_registry):
    a = seed_without_registry
    assert _entities(a, "The Arab Weekly") == {("arab-weekly", "organisation")}
    assert _entities(a, "Shalamjah border crossing") == {("shalamjah-border-crossing", "place")}
    assert _entities(a, "Quds Force") == {("quds-force", "organisation")}
    assert _entities(a, "ISIS") == {("isis", "militia")}
    texts = {m["text"] for m in a["mentions"]}
    assert "Quds Force of Iran" not in texts and "ISIS and Iran" not in texts


def test_event_names_are_titles(seed_without_registry, tmp_path):
    from archive.build import build
    from archive.config import load_config

    (tmp_path / "articles").mkdir()
    shutil.copy(SEED, tmp_path / "articles" / SEED.name)
    build(load_config(tmp_path, {"search": False}), jobs=1, use_cache=False)
    page = (tmp_path / "build" / "events" / "elections.html")
    assert page.is_file(), sorted(p.name for p in (tmp_path / "build").glob("*/*"))[:40]
    assert "<h1>Elections" in page.read_text(encoding="utf-8") or ">Elections<" in page.read_text(encoding="utf-8")
