"""How names the registry does not know are grouped into entities across an archive: which
spelling of a group names it, where a lone surname goes, and what counts as a possessive.
Each case is a mistake the grouping made on FA-KES or PolNeAR (see the commit)."""
from __future__ import annotations

from archive.annotate import Annotator
from archive.index import build_index
from archive.models import Article
from archive.registry import Registry


def _index(*texts: str):
    registry = Registry(entities=[])
    articles = [Article(id=f"a{k}", slug=f"a{k}", path=f"a{k}.md", title=f"t{k}", text=t, body=())
                for k, t in enumerate(texts)]
    annotator = Annotator(registry, "rules")
    return build_index(annotator.annotate_all(articles), registry, annotator.info.name)


def _entity_of(archive, surface: str) -> set[str]:
    return {m.entity for ms in archive.mentions.values() for m in ms if m.text == surface}


def _speaker_entities(archive) -> dict[str, str | None]:
    """Each quote's text → its speaker's entity."""
    return {q.text: q.speaker_entity for q in archive.quotes}


def test_a_rare_longer_spelling_does_not_take_over_the_common_name():
    """"Defiant Bashar al Assad" (a headline, once) took "Bashar al-Assad" and its id."""
    archive = _index(*["President Bashar al-Assad said the army would win."] * 6,
                     "Defiant Bashar al-Assad spoke on Monday.")
    assert _entity_of(archive, "Bashar al-Assad") == {"bashar-al-assad"}
    assert archive.entities["bashar-al-assad"].name == "Bashar al-Assad"


def test_a_name_with_a_title_glued_on_joins_the_name_without_it():
    """"Republican Donald Trump" (3 times in PolNeAR dev, against 115) named Donald Trump's
    entity ("republican-donald-trump")."""
    archive = _index(*["Donald Trump spoke in Ohio on Monday."] * 12,
                     "The rally of Republican Donald Trump drew crowds.", "Crowds cheered Republican Donald Trump there.")
    assert _entity_of(archive, "Donald Trump") == {"donald-trump"}


def test_a_lone_surname_goes_to_the_full_name_most_of_the_archive_means():
    """"Assad" alone: Bashar al-Assad when nine in ten full names with that surname are his."""
    archive = _index(*["Bashar al-Assad spoke on Monday."] * 10, "Hafez al-Assad died in 2000.",
                     "Forces loyal to Assad shelled the town, Assad said.")
    assert _entity_of(archive, "Assad") == {"bashar-al-assad"}


def test_a_lone_surname_follows_its_full_name_into_the_group_it_joined():
    """A surname went to the full name's own entity even when that name had joined another."""
    archive = _index("Rami Abdel Rahman said 12 died.", "Rami Abdel Rahman said 5 died.",
                     "Abdel Rahman told reporters so. Rahman said more.")
    assert _entity_of(archive, "Abdel Rahman") == _entity_of(archive, "Rahman") == {"rami-abdel-rahman"}


def test_a_possessive_needs_a_spelling_with_an_s_and_a_person_takes_none():
    """"Alloush" and "Ali" have loose keys "alas" and "ala": not a possessive. "Donald Trumps"
    (an apostrophe the scraper dropped) is Donald Trump however often it occurs."""
    archive = _index("Zahran Alloush said so. Alloush left.", "Ali Haidar said so.", "Ali came.")
    assert _entity_of(archive, "Ali") != _entity_of(archive, "Alloush")
    archive = _index("Donald Trumps tweets angered many.", "Donald Trumps tweets again.", "Donald Trump said so.")
    assert _entity_of(archive, "Donald Trumps") == _entity_of(archive, "Donald Trump") == {"donald-trump"}


def test_a_name_in_capitals_is_the_name_written_so():
    """"DAESH" in a headline was an entity apart from "Daesh" (an acronym's key is its letters,
    a name's its loose key); "USA" must not join "Asia", whose loose key it shares."""
    archive = _index("Fighters of DAESH claimed the attack.", "Daesh fighters left the town.",
                     "The USA and Asia traded. The USA said so.", "Asia grew.")
    assert _entity_of(archive, "DAESH") == _entity_of(archive, "Daesh")
    assert _entity_of(archive, "USA") != _entity_of(archive, "Asia")
    assert {m.type for ms in _index("IS fighters held the town.").mentions.values() for m in ms} == {"militia"}


def test_other_names_of_a_country_are_one_place():
    """"US", "U.S." and "United States" were three places, "Britain" and "UK" two
    (data/place_aliases.txt)."""
    archive = _index("The US and Britain said so.", "U.S. officials met UK envoys in the United States.",
                     "The United States and the United Kingdom agreed.")
    us = _entity_of(archive, "US") | _entity_of(archive, "U.S.") | _entity_of(archive, "United States")
    uk = _entity_of(archive, "Britain") | _entity_of(archive, "UK") | _entity_of(archive, "United Kingdom")
    assert us == {"united-states"} and uk == {"united-kingdom"}
    assert archive.entities["united-states"].type == "place"


def test_one_word_of_an_organisation_s_name_is_that_organisation_in_its_article():
    """"the Observatory" after "the Syrian Observatory for Human Rights" was an entity of its
    own (365 FA-KES mentions); a word that is a name itself ("ISIS") stays its own entity,
    and two names with the word in one article decide nothing."""
    sohr = "The Syrian Observatory for Human Rights said 12 died."
    archive = _index(sohr, sohr, sohr + " The Observatory said more.",
                     "ISIS Terrorists Attack. ISIS Terrorists fled. ISIS Terrorists left. ISIS said so.",
                     "The UN Security Council and the Syrian National Council met. The Council agreed.")
    assert _entity_of(archive, "Observatory") == {"syrian-observatory-for-human-rights"}
    assert _entity_of(archive, "ISIS") == {"isis"}
    assert _entity_of(archive, "Council") == {"council"}


def test_an_arabic_article_does_not_make_a_spelling_the_name():
    """"al-Qameshli" (twice) named the place that FA-KES writes "Qamishli" far more often:
    its "al-" counted as a word, and a name of two words was preferred."""
    archive = _index(*["Shelling hit the town of Qamishli on Monday."] * 5,
                     "Shelling hit the town of al-Qamishli on Monday.")
    assert _entity_of(archive, "Qamishli") == _entity_of(archive, "al-Qamishli") == {"qamishli"}


def test_events_group_without_words_of_time_and_join_the_longer_event():
    """"the upcoming elections" and "the elections" are one event; "strategic dialogue" is the
    archive's one "US-Iraq strategic dialogue"; an event's name is a title."""
    archive = _index("Militias plan for the elections. They fear the upcoming elections.",
                     "The US-Iraq strategic dialogue began. The strategic dialogue went on.")
    assert _entity_of(archive, "the elections") == _entity_of(archive, "the upcoming elections") == {"elections"}
    assert archive.entities["elections"].name == "Elections" and archive.entities["elections"].type == "event"
    assert _entity_of(archive, "strategic dialogue") == _entity_of(archive, "US-Iraq strategic dialogue") \
        == {"us-iraq-strategic-dialogue"}


def test_a_middle_initial_does_not_make_another_person():
    archive = _index(*["Donald Trump spoke in Ohio on Monday."] * 3, "Donald J. Trump spoke in Iowa.")
    assert _entity_of(archive, "Donald Trump") == _entity_of(archive, "Donald J. Trump") == {"donald-trump"}


def test_a_spelling_in_the_gazetteer_makes_the_group_a_place():
    """"Sayeda Zeinab" is in data/places.txt; "Sayyeda Zeinab", as often written, was typed a
    person, and the tie made the place a person."""
    archive = _index("Shells fell on Sayeda Zeinab on Monday.", "Sayyeda Zeinab was shelled again.")
    assert {archive.entities[e].type for e in _entity_of(archive, "Sayyeda Zeinab")} == {"place"}
    assert _entity_of(archive, "Sayyeda Zeinab") == _entity_of(archive, "Sayeda Zeinab")


def test_an_act_done_to_a_person_named_by_surname_is_the_one_named_in_full():
    """"the killing of Soleimani", "Soleimani's killing" and "the killing of Qassem Soleimani"
    are one event."""
    archive = _index("Qassem Soleimani led the force. The killing of Qassem Soleimani shook Iraq.",
                     "Qassem Soleimani was mourned. Since the killing of Soleimani, Qaani leads.",
                     "Qassem Soleimani was a general. After Qassem Soleimani's killing, the militias regrouped.")
    ids = _entity_of(archive, "The killing of Qassem Soleimani") | _entity_of(archive, "the killing of Soleimani") \
        | _entity_of(archive, "Qassem Soleimani's killing")
    assert len(ids) == 1 and archive.entities[next(iter(ids))].type == "event"


def test_a_monitor_described_is_the_monitoring_group_named_before():
    """"The Britain-based monitor said …" after the Syrian Observatory for Human Rights spoke
    is the Observatory (FA-KES: 53 such quotes had no speaker entity); "the army" is not the
    ISIS named last."""
    archive = _index("Shelling killed ten people in Aleppo, the Syrian Observatory for Human Rights said. "
                     "ISIS fighters attacked the town on Monday. "
                     "The Britain-based monitor said the toll would rise. "
                     "The army said it had repelled the attack.")
    by_speaker = {q.speaker.text: q.speaker_entity for q in archive.quotes if q.speaker}
    assert by_speaker["The Britain-based monitor"] == "syrian-observatory-for-human-rights"
    assert by_speaker.get("The army") != "isis"


def test_a_possessor_in_the_speakers_words_is_not_the_speaker():
    """"Qassem Soleimani’s heir said …" was attributed to Soleimani (the seed without a registry)."""
    archive = _index("Qassem Soleimani died in 2020. Qassem Soleimani’s heir said the militias must unite.")
    q = next(q for q in archive.quotes if q.speaker and "heir" in q.speaker.text)
    assert q.speaker_entity != "qassem-soleimani"


def test_a_group_named_with_its_demonym_is_not_a_longer_group():
    """"Syrian Army" (the government's) joined the "Free Syrian Army" (the rebels), the one
    longer name of the archive that ends so."""
    archive = _index(*["The Free Syrian Army attacked on Monday."] * 3, "The Syrian Army said it held the town.")
    assert _entity_of(archive, "Syrian Army") != _entity_of(archive, "Free Syrian Army")


def test_an_acronym_in_brackets_after_a_groups_name_is_that_group():
    """"the People’s Protection Units (YPG)", "Islamic State (IS)": the letters are the name's in
    another language, or none; FA-KES: 114 "IS" were a group of their own. Not a credit: "(AFP)"."""
    archive = _index("The People’s Protection Units (YPG) hold the town. The YPG said it would stay.",
                     "Fighters of the Islamic State (IS) attacked. IS claimed the attack.",
                     "The Syrian Observatory for Human Rights (AFP) said ten died.")
    assert _entity_of(archive, "YPG") == _entity_of(archive, "People’s Protection Units")
    assert _entity_of(archive, "IS") == _entity_of(archive, "Islamic State")
    assert _entity_of(archive, "AFP") != _entity_of(archive, "Syrian Observatory for Human Rights")


def test_a_known_place_and_a_person_sharing_a_short_loose_key_are_two():
    """"Warren" (8 times) and "Iran" share the loose key "aran": PolNeAR dev's Iran had the id
    "warren". A transliteration of one name typed two ways still joins ("Jeish al-Fatah")."""
    archive = _index(*["Senator Warren told the banker he should resign. Warren said so again."] * 4,
                     "Sanctions on Iran were lifted. Iran welcomed it.")
    assert _entity_of(archive, "Iran") == {"iran"} and archive.entities["iran"].type == "place"
    assert "iran" not in _entity_of(archive, "Warren")


def test_a_surname_after_its_full_name_is_the_person_whatever_shares_its_key():
    """"Sino" after "Mustafa Sino" was the Syrian Arab News Agency: an acronym's key is its
    letters, "sana", which is also the loose key of "Sino"."""
    archive = _index(*["The Syrian Arab News Agency (SANA) said the army advanced. SANA added more."] * 3,
                     "Kurdish official Mustafa Sino said 1500 people died. Sino told journalists on Thursday.")
    assert _entity_of(archive, "Sino") == {"mustafa-sino"}
    assert len(_entity_of(archive, "SANA")) == 1 and _entity_of(archive, "SANA") != {"mustafa-sino"}


def test_a_country_s_other_name_is_a_place_and_joins_its_first_name():
    """"the Islamic Republic of Iran" was no name at all (its demonym was cut, and "Republic"
    alone became a person); once it is a place, the longer spelling must not rename the page
    of Iran (the alias line's first name names it, as "Syria" beside "Syrian Arab Republic")."""
    archive = _index("Iran said the talks would resume.", "The Islamic Republic of Iran rejected the claims.",
                     "Officials of the Islamic Republic said the talks failed.", "Iran sent an envoy to Baghdad.")
    assert _entity_of(archive, "Islamic Republic of Iran") == _entity_of(archive, "Iran") == {"iran"}
    assert _entity_of(archive, "Islamic Republic") == {"iran"}
    assert archive.entities["iran"].type == "place"
    assert not any(e.name == "Republic" for e in archive.entities.values())


def test_a_state_or_a_capital_that_speaks_is_the_speaker_entity():
    """"Moscow said …", "the United States urged …": news names a government by its capital or
    country, and these quotes had no speaker's entity (a place was never one). A town, a place
    after a preposition or a pronoun's antecedent stays without one."""
    archive = _index("Moscow said on Wednesday that its jets had hit ten targets near Idlib.",
                     "The United States said the strikes were necessary and lawful.",
                     "Residents fled as the bombing in the suburbs of Damascus said the Observatory went on.",
                     "Douma said the water supply had been cut for a week.")
    by_text = _speaker_entities(archive)
    assert by_text["its jets had hit ten targets near Idlib"] == "moscow"
    assert by_text["the strikes were necessary and lawful"] == "united-states"
    assert "damascus" not in by_text.values() and "douma" not in by_text.values()
    assert "moscow" in archive.entity_quotes


def test_a_state_s_name_that_is_the_surname_of_a_person_named_before_speaks_as_the_person():
    """"Rep. Jim Jordan …. Jordan said …" gave the quote to the country (PolNeAR dev). Not when
    the name holds "of" ("King Abdullah of Jordan"), nor when the article writes the state's
    name before the person ("Russia …, YouTube Russia …, Russia said" is the state)."""
    archive = _index("Rep. Jim Jordan attacked the report. Jordan said the FBI had lied.",
                     "King Abdullah of Jordan met the envoy. Jordan said the border would reopen.",
                     "Russia sent jets. A clip on YouTube Russia spread. Russia said the jets hit militants.")
    by_text = _speaker_entities(archive)
    assert by_text["the FBI had lied"] == "jim-jordan"
    assert by_text["the border would reopen"] == "jordan"
    assert by_text["the jets hit militants"] == "russia"


def test_a_state_s_government_that_speaks_is_the_state():
    """"The Syrian government said …", "the US administration said …", "Russian authorities
    said …" had no speaker's entity: the state is the one named in the article that the
    demonym is of. A demonym that fits no state named there, or two, gives none."""
    archive = _index("Syria's army advanced. The Syrian government said the rebels had fled.",
                     "US troops left. The US administration said it was watching.",
                     "Strikes hit Idlib. Russian authorities said the targets were militants. Russia denied it.",
                     "Austria and Australia met. Austrian authorities said the talks went well.",
                     "The Syrian government said the convoy was attacked.")
    by_text = _speaker_entities(archive)
    assert by_text["the rebels had fled"] == "syria"
    assert by_text["it was watching"] == "united-states"
    assert by_text["the targets were militants"] == "russia"
    assert by_text["the talks went well"] == "austria"
    assert by_text["the convoy was attacked"] is None  # no Syria named in that article


def test_a_state_abbreviated_after_a_town_is_the_state_s_page():
    """"Flint, Mich.", "Alexandria, Va.": agency datelines abbreviate the state; the abbreviation
    was an unknown word (or, through a list, a person), and now names the state's page, also
    where the article never writes the state in full."""
    archive = _index("FLINT, Mich., Oct. 4 (UPI) — Bill Clinton criticized the law.",
                     "He was held in Alexandria, Va., for weeks. Virginia's governor spoke.")
    assert _entity_of(archive, "Mich.") == {"michigan"}
    assert archive.entities["michigan"].name == "Michigan" and archive.entities["michigan"].type == "place"
    assert _entity_of(archive, "Va.") == _entity_of(archive, "Virginia") == {"virginia"}


def test_a_country_s_page_takes_its_first_name_even_when_only_an_abbreviation_is_written():
    """An archive that only writes "US" had the page "US" at entity/us/; the first article that
    wrote "United States" moved it to entity/united-states/, breaking every link to it."""
    only_short = _index("The US said the talks would resume.", "US forces left the base.")
    assert _entity_of(only_short, "US") == {"united-states"}
    assert only_short.entities["united-states"].name == "United States"
    both = _index("The US said the talks would resume.", "The United States sent an envoy.")
    assert _entity_of(both, "US") == _entity_of(both, "United States") == {"united-states"}


def _dated_index(*texts_and_dates):
    from archive.models import PartialDate

    registry = Registry(entities=[])
    articles = [Article(id=f"a{k}", slug=f"a{k}", path=f"a{k}.md", title=f"t{k}", text=t, body=(),
                        date=PartialDate(*d)) for k, (t, d) in enumerate(texts_and_dates)]
    annotator = Annotator(registry, "rules")
    return build_index(annotator.annotate_all(articles), registry, annotator.info.name)


def test_a_found_event_takes_the_date_and_place_its_sentence_gives():
    archive = _dated_index(
        ("Kadhimi visited Riyadh. In January, bomb-laden drones struck the main royal palace in Riyadh.", (2021, 4)),
        ("He denied any role in a rocket attack on the US embassy in Baghdad on Tuesday.", (2021, 4, 10)),
        ("The US-Iraq strategic dialogue began on Wednesday.", (2021, 4, 10)))
    [strike] = _entity_of(archive, "bomb-laden drones struck the main royal palace in Riyadh")
    assert archive.entities[strike].date.iso() == "2021-01"   # "In January", in the article's year
    assert archive.entities[strike].place == "riyadh"
    [attack] = _entity_of(archive, "rocket attack on the US embassy in Baghdad")
    assert archive.entities[attack].date.iso() == "2021-04-06"  # the Tuesday before the article
    assert archive.entities[attack].place == "baghdad"        # where the embassy is, not "US"
    [dialogue] = _entity_of(archive, "US-Iraq strategic dialogue")
    assert archive.entities[dialogue].date.iso() == "2021-04-07"
    assert archive.entities[dialogue].place is None           # its parties are no place


def test_a_found_event_named_in_many_articles_takes_the_date_most_give():
    text = "{} the attack on Erbil airport killed two."
    archive = _dated_index((text.format("On Monday"), (2021, 2, 17)), (text.format("Since Monday"), (2021, 2, 17)),
                           (text.format("On February 1"), (2021, 3, 2)))
    [attack] = _entity_of(archive, "the attack on Erbil airport")
    assert archive.entities[attack].date.iso() == "2021-02-15"
    assert archive.entities[attack].place == "erbil"


def test_a_found_event_takes_no_date_that_says_when_something_was_said():
    """"The Observatory reported on Thursday that 90 people died in the attack on …": Thursday
    is when it was reported (FA-KES: 10 of 172 dated events took such a date)."""
    archive = _dated_index(("The Observatory reported on Thursday that 90 people were killed in the attack on Erbil airport.",
                            (2021, 2, 19)))
    [attack] = _entity_of(archive, "the attack on Erbil airport")
    assert archive.entities[attack].date is None and archive.entities[attack].place == "erbil"
