"""A speaker described by a role ("the prime minister said") is the person introduced with that
title before (nlp/role_reference.py); a lone surname before the article's full name is the
archive's person when the archive can tell (resolve.Resolver._full_name_key)."""
from __future__ import annotations

from test_resolve_merges import _index, _speaker_entities  # an archive of these texts, without a registry

from archive.annotate import Annotator
from archive.models import Article, Span
from archive.nlp.role_reference import RoleReferences
from archive.registry import Registry


def _speakers(archive) -> dict[str, str | None]:
    return {q.speaker.text: q.speaker_entity for q in archive.quotes if q.speaker}


def test_the_prime_minister_and_the_premier_are_the_prime_minister_named_before():
    archive = _index("Iraqi Prime Minister Mustafa Kadhimi met Iranian officials in Tehran on Sunday. "
                     "The prime minister said Iraq would not become a battleground.\n\n"
                     "“We will protect our sovereignty,” the premier said.")
    speakers = _speakers(archive)
    assert speakers["The prime minister"] == "mustafa-kadhimi"
    assert speakers["the premier"] == "mustafa-kadhimi"


def test_a_demonym_fits_the_country_and_leader_fits_any_top_title():
    """"The Turkish leader" is the Turkish President named before, not the Russian one named
    after him; "the Hezbollah chief" is Hezbollah's leader, not Hezbollah."""
    archive = _index("Turkish President Recep Tayyip Erdogan spoke by phone with Russian President Vladimir Putin. "
                     "The Turkish leader told reporters that the ceasefire would hold.\n\n"
                     "Hezbollah leader Hassan Nasrallah spoke on Friday. "
                     "The Hezbollah chief added that “the response is coming”.")
    speakers = _speakers(archive)
    assert speakers["The Turkish leader"] == "recep-tayyip-erdogan"
    assert speakers["The Hezbollah chief"] == "hassan-nasrallah"


def test_an_appositive_gives_the_title():
    archive = _index("Mustafa Kadhimi, the Iraqi prime minister, flew to Riyadh. Kadhimi met the king. "
                     "The prime minister said the talks went well.")
    assert _speakers(archive)["The prime minister"] == "mustafa-kadhimi"


def test_no_person_with_the_title_means_no_speaker_entity():
    """Nobody was introduced as a minister; "the minister" is not the prime minister either, and
    a former president is not the president."""
    archive = _index("Iraqi Prime Minister Mustafa Kadhimi met officials. The minister said the talks went well.")
    assert _speakers(archive)["The minister"] != "mustafa-kadhimi"
    refs = _refs("Former President Bill Clinton spoke. President Joe Biden spoke too. The president said no.")
    assert refs.antecedent(_span_of(refs.text, "The president")).text == "Joe Biden"
    refs = _refs("President Joe Biden spoke. The former president said no.")
    assert refs.antecedent(_span_of(refs.text, "The former president")) is None


def test_the_same_surname_is_two_people():
    """"the former president" after Hillary Clinton is Bill Clinton, named with that title."""
    refs = _refs("Former President Bill Clinton campaigned for Hillary Clinton. Hillary Clinton spoke. "
                 "The former president said the law was crazy.")
    assert refs.antecedent(_span_of(refs.text, "The former president")).text == "Bill Clinton"
    # a surname alone before the article's one full name with it may be someone else (PolNeAR
    # train: "President Obama", then "the first lady, Michelle Obama", then "Mr. Obama")
    refs = _refs("As President Obama greeted guests, the first lady, Michelle Obama, smiled. "
                 "Mr. Obama waved. The president told her that it was not that simple.")
    found = refs.antecedent(_span_of(refs.text, "The president"))
    assert found.text == "Obama" and found.start < refs.text.index("Michelle")


def test_a_lone_surname_before_the_articles_full_name_is_the_archives_person():
    """Twelve "Mr. Obama" before the article's one "Michelle Obama" were hers (PolNeAR dev):
    when nine in ten of the archive's Obamas are Barack, they are his. Named after the full
    name, or when the archive cannot tell, the surname is the article's full name."""
    archive = _index(*["Barack Obama spoke in Ohio."] * 20, "Michelle Obama spoke in Ohio.",
                     "President Obama said it was personal. Mr. Obama and the first lady, Michelle Obama, "
                     "will campaign. Obama smiled.",
                     "Qaani is no Soleimani, they said. Qassem Soleimani was killed in 2020.")
    obama = [m for m in archive.mentions["a21"] if m.text == "Obama"]
    assert [m.entity for m in obama] == ["barack-obama", "barack-obama", "michelle-obama"]
    soleimani = {m.entity for m in archive.mentions["a22"] if "Soleimani" in m.text}
    assert soleimani == {"qassem-soleimani"}


def _refs(text: str) -> RoleReferences:
    annotator = Annotator(Registry(entities=[]), "rules")
    art = Article(id="a", slug="a", path="a.md", title="t", text=text, body=())
    annotated = annotator.annotate_all([art])[0]
    people = [(Span(m.start, m.end, m.text), "person") for m in annotated.mentions if m.label == "PERSON"]
    return RoleReferences(text, people, annotated.sentences)


def _span_of(text: str, words: str) -> Span:
    at = text.index(words)
    return Span(at, at + len(words), words)


def test_the_countrys_president_but_not_the_groups_leader():
    """"the country's president" is the president named before; "the group's leader" says
    whose only by a description, so it is nobody named (not the latest leader of anything)."""
    refs = _refs("Syrian President Bashar al-Assad met the envoy. The country's president said no. "
                 "Hezbollah leader Hassan Nasrallah spoke. The group's leader said yes.")
    assert refs.antecedent(_span_of(refs.text, "The country's president")).text == "Bashar al-Assad"
    assert refs.antecedent(_span_of(refs.text, "The group's leader")) is None


def test_a_person_of_a_group_speaks_for_themself():
    """The quote of "Rami Abdel Rahman of the Syrian Observatory for Human Rights said" went to
    the Observatory, and "Zakaria Malhifji of the … group told Reuters" had no speaker."""
    archive = _index("Rami Abdel Rahman of the Syrian Observatory for Human Rights said 20 were killed.\n\n"
                     "“There is renewed bombardment,” Zakaria Malhifji of the Aleppo-based Fastaqim opposition "
                     "group told Reuters.")
    speakers = _speakers(archive)
    assert speakers["Rami Abdel Rahman of the Syrian Observatory for Human Rights"] == "rami-abdel-rahman"
    assert speakers["Zakaria Malhifji of the Aleppo-based Fastaqim opposition group"] == "zakaria-malhifji"


def test_a_possessive_voice_speaks_for_the_person_or_group_named_before():
    """"His office said", "her campaign said", "its statement said" had no speaker's entity; a
    spokesman or an office speaks for its owner, whose page shows the quote. Who is only close
    to the owner ("his supporters") speaks for themselves."""
    archive = _index("Donald Trump spoke in Ohio on Monday. His campaign said he would return. "
                     "His supporters said they loved him.",
                     "Kata'ib Hezbollah said on Sunday it would suspend attacks. Its statement said the pause was temporary.")
    speakers = _speakers(archive)
    assert speakers["campaign"] == "donald-trump"
    assert speakers["statement"] == "kataib-hezbollah"
    assert speakers["supporters"] is None


def test_a_pronoun_stands_for_a_name_that_opens_its_sentence_after_its_title():
    """"Iraqi Prime Minister Mohammed Shia al-Sudani met …. He said …": a title before the
    name kept it from being the sentence's subject, and "he" had no antecedent. Words that
    are no title do ("Rebels fighting to oust President Bashar al-Assad have …")."""
    archive = _index("Iraqi Prime Minister Mohammed Shia al-Sudani met the envoy in Baghdad on Monday. "
                     "He said the talks covered security.")
    assert _speakers(archive)["He"] == "mohammed-shia-al-sudani"
    archive = _index("Observatory director Rami Abdel Rahman said the town fell. "
                     "Rebels fighting to oust President Bashar al-Assad have suffered losses. "
                     "The supply lines are still open, he added.")
    assert _speakers(archive)["he"] == "rami-abdel-rahman"


def test_she_never_stands_for_a_man_the_article_calls_mr():
    archive = _index("Mr. Obama spoke at the museum on Saturday. Hillary Clinton spoke in Ohio. "
                     "Barack Obama praised the museum. She said the economy was growing.")
    assert _speakers(archive)["She"] == "hillary-clinton"


def test_she_never_stands_for_a_man_by_his_given_name():
    archive = _index("Hillary Clinton spoke in Ohio on Monday. John O'Donnell praised the speech. "
                     "She said the economy was growing.")
    assert _speakers(archive)["She"] == "hillary-clinton"


def test_he_never_stands_for_a_group_that_spoke_last():
    """"CNN reported …. He said …" gave "he" to CNN, the latest speaker."""
    archive = _index("Bernie Sanders spoke in Oakland on Monday. CNN reported that the rally was large. "
                     "He said there had been good gains.")
    assert _speakers(archive)["He"] == "bernie-sanders"


def test_the_words_that_end_a_name_speak_for_it_and_a_group_is_no_he():
    """"Syrian state television said …": the speaker's words are "television", the end of the
    organisation's name. "He" never stands for a speaker that names only a group ("The Syrian
    Observatory for Human Rights monitoring group said …. He said …" was the Observatory)."""
    archive = _index("Syrian state television said the army advanced. Later, Syrian state TV said the town fell.",
                     "Activist Fadl Abdel Ghani spoke in Geneva. The Syrian Observatory for Human Rights monitoring "
                     "group said that 60,000 people have died. He said more than 20,000 of them died at Sednaya prison.")
    by_text = _speaker_entities(archive)
    assert by_text["the army advanced"] == by_text["the town fell"] is not None  # one entity, "TV" or "television"
    assert by_text["more than 20,000 of them died at Sednaya prison"] == "fadl-abdel-ghani"


def test_a_description_that_holds_a_name_is_that_name_s():
    """"the Observatory official said" took the latest speaker (history) for its antecedent,
    although the description names the Observatory itself."""
    archive = _index("Syrian state television said the army advanced. "
                     "The Observatory official said two bombers struck the base.")
    by_text = _speaker_entities(archive)
    assert by_text["two bombers struck the base"] == "observatory"


def test_a_name_after_a_dateline_is_a_subject_a_voice_or_a_pronoun_can_stand_for():
    """'BAGHDAD - Iraqi Prime Minister … met …, his office said': the dateline kept the name
    from opening its sentence, and "his office" had no speaker's entity."""
    archive = _index("BAGHDAD - Iraqi Prime Minister Mohammed Shia al-Sudani on Sunday met a delegation, "
                     "his office said.",
                     "WASHINGTON (Reuters) - Senator John McCain visited Kiev on Monday. He said the US stands with Ukraine.")
    speakers = _speakers(archive)
    assert speakers["office"] == "mohammed-shia-al-sudani"
    assert speakers["He"] == "john-mccain"


def test_the_mission_or_the_council_is_the_body_whose_name_holds_the_word():
    """"The United Nations Assistance Mission for Iraq (UNAMI) urged restraint. … the mission
    said": a body called by the kind of body it is, when a name named before holds the word."""
    archive = _index("The United Nations Assistance Mission for Iraq (UNAMI) urged restraint. "
                     "“We call on all parties to exercise restraint,” the mission said in a statement. "
                     "The Arab League met in Cairo. “The attacks must stop,” the council said.")
    speakers = _speakers(archive)
    assert speakers["the mission"] == "united-nations-assistance-mission-for-iraq"
    assert speakers["the council"] is None  # no name before holds "council"


def test_sources_close_to_a_body_do_not_speak_for_it():
    """"Sources close to the Sadrist Movement said": the quote was the movement's (PolNeAR
    train: "people close to the vice president" was Joe Biden's)."""
    archive = _index("Sources close to the Sadrist Movement said the cleric would not join the government. "
                     "A source close to Kataib Hezbollah told AFP the group would retaliate. "
                     "Kataib Hezbollah said it was close to a deal.")
    speakers = _speakers(archive)
    assert speakers["Sources close to the Sadrist Movement"] is None
    assert speakers["A source close to Kataib Hezbollah"] is None
    assert speakers["Kataib Hezbollah"] == "kataib-hezbollah"
