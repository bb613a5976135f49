"""Quote rules on small texts (pure functions; no spaCy)."""
from sentences import split_sentences as _sentences

from archive.nlp.quotes import find_quotes, quote_spans


def test_unbalanced_opening_mark_never_swallows_the_paragraph():
    text = "He said “this never closes and goes on.\n\nNext paragraph “has a real quote” here."
    spans = [text[s:e] for s, e in quote_spans(text)]
    assert spans == ["has a real quote"]


def test_stray_closing_mark_is_ignored():
    text = "Kadhimi said in Riyadh “there were no attacks” on Saudi territory from Iraq.”"
    assert [text[s:e] for s, e in quote_spans(text)] == ["there were no attacks"]


def test_multi_paragraph_quote():
    text = "“First part of the quote.\n\n“Second part,” she said."
    assert [text[s:e] for s, e in quote_spans(text)] == ["First part of the quote.\n\n“Second part,"]


def test_straight_quotes_and_inverted_attribution():
    text = 'The talks failed. "We will return," said Ali Saleh, the envoy.'
    qs = find_quotes(text, _sentences(text))
    assert len(qs) == 1
    assert qs[0].text == "We will return,"
    assert qs[0].speaker.text == "Ali Saleh"


def test_pronoun_takes_previous_speaker():
    text = "Ali Saleh said that the talks would resume next week in Doha.\n\nHe added, “We are ready.”"
    qs = find_quotes(text, _sentences(text))
    assert [q.kind for q in qs] == ["indirect", "direct"]
    assert qs[1].speaker.text == "He" and qs[1].antecedent.text == "Ali Saleh"


def test_according_to():
    text = "According to the ministry, the attack killed twelve people near the border."
    qs = find_quotes(text, _sentences(text))
    assert len(qs) == 1 and qs[0].speaker.text == "the ministry"
    assert qs[0].text.startswith("the attack killed twelve")


def test_no_speaker_is_not_guessed():
    text = "The so-called “strategic dialogue” has begun. “Nobody knows what comes next.”"
    qs = find_quotes(text, _sentences(text))
    assert all(q.speaker is None for q in qs)


def test_extract_keeps_the_role_apart_from_the_name(tiny_archive, monkeypatch):
    import json

    from click.testing import CliRunner

    from archive.cli import main

    (tiny_archive / "articles" / "role.md").write_text(
        "---\ndate: 2021-04-10\n---\nPolitical analyst Ihssan Shammari said the talks had failed again.\n", encoding="utf-8")
    monkeypatch.chdir(tiny_archive)
    result = CliRunner().invoke(main, ["extract", "articles/role.md", "--json"])
    assert result.exit_code == 0, result.output
    q = json.loads(result.output)["articles"][0]["quotes"][0]
    assert q["speaker"]["text"] == "Political analyst Ihssan Shammari"
    assert q["speaker"]["role"] == "Political analyst"
    assert q["speaker"]["name"]["text"] == "Ihssan Shammari"


def _speakers(text):
    return [(q.text, q.speaker.text if q.speaker else None) for q in find_quotes(text, _sentences(text)) if q.kind == "direct"]


def test_inverted_cue_with_lowercase_descriptor_before_the_name():
    text = "The vote was close. “Nobody expected this turnout,” said former party adviser Lena Korhonen."
    assert _speakers(text) == [("Nobody expected this turnout,", "former party adviser Lena Korhonen")]


def test_inverted_cue_after_words_that_end_the_quoted_sentence():
    text = "The mayor spoke late. “The winter will be hard” for the harbour, said Tomas Brennick."
    assert _speakers(text)[0][1] == "Tomas Brennick"


def test_name_and_appositive_between_quote_and_cue():
    text = ("The plan drew fire. “It is a plain land grab,” Odile Marchetti, the head of the "
            "tenants’ union in the northern district, said on Friday.")
    assert _speakers(text)[0][1] == "Odile Marchetti"


def test_descriptor_then_name_in_commas_before_the_cue():
    text = "The trial ended. “We never lost hope,” his sister, Maren Holt, wrote in a letter."
    assert _speakers(text)[0][1] == "Maren Holt"


def test_participle_hangs_on_the_subject_that_opens_the_sentence():
    from archive.models import Span

    text = "He went on to praise Ines Pell, calling her “the fairest judge in the county.”"
    i = text.index("Ines Pell")
    qs = find_quotes(text, _sentences(text), [(Span(i, i + 9, "Ines Pell"), "person")])
    assert qs[0].speaker.text == "He"


def test_object_before_a_noun_cue_is_not_the_speaker():
    text = "Greta Lind posted a video comment on Sunday, saying “the bridge must stay open.”"
    assert _speakers(text)[0][1] == "Greta Lind"


def test_pronoun_subject_of_an_embedded_quote_is_its_speaker():
    text = "Ada Brun spoke on Monday.\n\nShe offered “my sympathy to every family that lost a home.”"
    qs = [q for q in find_quotes(text, _sentences(text)) if q.kind == "direct"]
    assert qs[0].speaker.text == "She"


def test_descriptor_phrase_then_name_in_commas():
    text = "The count went on. Another delegate on the river slate, Jon Pahl, said he was only “leaning north.”"
    assert _speakers(text)[0][1] == "Jon Pahl"


def test_whole_short_subject_without_a_name():
    text = "It was tense.\n\nAnother source close to the mayor said, “She will not sign it this year.”"
    assert _speakers(text)[0][1] == "Another source close to the mayor"


def test_a_line_break_ends_the_attribution_sentence():
    text = ("Lorna Vass reminded the room of one thing:\n\n"
            "And after the recount, Piet Ambler said that he was “proud of every volunteer.”")
    assert _speakers(text)[-1][1] == "Piet Ambler"


def test_second_of_two_coordinated_verbs_takes_the_first_verbs_subject():
    text = ("The hall was loud.\n\nAs the band played, Mira Osei was joined on stage by the mayor "
            "and joked, “Nobody came for the speeches tonight.”")
    assert _speakers(text)[-1][1] == "Mira Osei"


def test_abbreviated_title_does_not_end_the_attribution():
    text = "The vote passed. “We will keep the clinic open,” Rep. Dana Whitlow (D-Ore.) said."
    assert _speakers(text)[0][1] == "Rep. Dana Whitlow (D-Ore.)"


def test_direct_only_cue_after_the_quote():
    text = "The room went quiet.\n\n“They came for the free lunch,” Nils Berg shot back with a laugh."
    assert _speakers(text)[0][1] == "Nils Berg"


def test_sentence_before_an_unattributed_quote_names_its_speaker():
    text = ("“We lost the north,” said Ivo Brandt.\n\n"
            "Tamsin Okafor agreed. “Nobody knocked on doors there this year.”")
    assert _speakers(text)[-1][1] == "Tamsin Okafor"


def test_name_right_before_a_colon_introduces_the_quote():
    text = "Turnout fell in every district - Orla Finch: “The young simply stayed at home this time.”"
    assert _speakers(text)[0][1] == "Orla Finch"


def test_lowercase_title_with_of_after_an_inverted_cue():
    text = "The hall filled up. “Welcome to all of you,” said master of ceremonies Ada Quist, a retired teacher."
    assert _speakers(text)[0][1] == "master of ceremonies Ada Quist"


def test_name_with_a_long_affiliation_before_the_cue():
    text = ("It was late. “The rocket failed twice,” Omar Vale of the Centre for Arms Control "
            "Studies wrote on Monday.")
    assert _speakers(text)[0][1].startswith("Omar Vale")


def test_described_subject_with_a_capitalised_adjective():
    text = "Talks stalled.\n\nA Danish official responded by saying the port must stay “open to every ship.”"
    assert _speakers(text)[0][1] == "A Danish official"


def test_a_cue_word_used_as_a_noun_is_no_attribution():
    text = "Nora Lind stood by her claim that the bridge was “never safe for trucks.”"
    assert _speakers(text)[0][1] == "Nora Lind"


def test_dateline_and_introductory_phrase_before_a_participle_subject():
    text = ("OSLO, May 3 (NTB) — In reply to the new tax, the mayor’s chief aide rallied "
            "supporters, saying: “We will fight this in court.”")
    assert "mayor" in _speakers(text)[0][1]


def test_group_pronoun_opening_the_attribution():
    text = "Fans wrote in all night.\n\nAnother tweeted, “The referee should never work again.”"
    assert _speakers(text)[0][1] == "Another"


def test_name_with_two_appositives_before_the_cue():
    text = ("Rules tightened.\n\n“It is an invasion of our domain,” Mara Holm, the attorney general "
            "of Nordland, one of the states suing the agency, said on Monday.")
    assert _speakers(text)[0][1] == "Mara Holm"


def test_inverted_cue_in_mid_sentence_before_the_quote():
    text = "The count was slow. But, said Ines Farrow, “we will wait as long as it takes.”"
    assert _speakers(text)[0][1] == "Ines Farrow"


def test_pronoun_after_an_abbreviation_starts_a_new_attribution():
    from archive.nlp.quotes import _repair_sentences

    text = "Vik Orme says the plan failed in the U.S. He says voters want “a clean start.”"
    sents = _repair_sentences(text, [(0, len(text))], [])
    assert [text[s:e] for s, e in sents][-1].startswith("He says")


def test_determiner_phrase_before_an_appositive_and_a_noun_ending_the_subject():
    text = "Talks ended.\n\nThat letter, on company paper, demanded that Ruiz make “a public apology.”"
    assert _speakers(text)[0][1] == "That letter"


def test_relative_clause_ends_before_a_quote_the_splitter_cut():
    # the reported clause of 'who has told' ends at the main verb; the quote (cut in two by
    # the sentence splitter) is the main subject's, not part of the relative clause.
    text = ('The rally was off.\n\nMarlowe, who has told aides he sees the two issues as linked, said in '
            'a statement: "I am trying to keep the harbor open. We can\'t wait any longer."\n')
    qs = find_quotes(text, _sentences(text))
    direct = [q for q in qs if q.kind == "direct" and "harbor" in q.text]
    assert direct and all(q.speaker is not None and q.speaker.text == "Marlowe" for q in direct)
    assert not any(q.speaker is not None and q.speaker.text == "who" and "harbor" in q.text for q in qs)


def test_second_quote_with_its_own_attribution_is_not_merged():
    # '“A,” X said. He added, “B”': the second sentence brings its own cue and mention.
    text = ('“We do not want them in our harbor,” Marlowe said. He added, “I only want boats '
            'that respect our rules and love our coast.”\n')
    qs = [q for q in find_quotes(text, _sentences(text)) if q.kind == "direct"]
    assert len(qs) == 2
    assert qs[0].speaker.text == "Marlowe" and qs[1].speaker.text == "He"
    # an attribution that only interrupts one quote still joins it
    text = '“We do not want them in our harbor,” Marlowe said, “and we never will.”\n'
    qs = [q for q in find_quotes(text, _sentences(text)) if q.kind == "direct"]
    assert len(qs) == 1 and qs[0].speaker.text == "Marlowe"


def test_inverted_attribution_followed_by_a_participle():
    # '“B” to …, she said, referencing …': the attribution after the paraphrase is the quote's.
    text = ('The hearing ran late.\n\n“This just is not right,” Okafor said. “You squeezed the staff to '
            'the breaking point” to lift the share price and your pay, she said, referencing the bonus.\n')
    qs = [q for q in find_quotes(text, _sentences(text)) if q.kind == "direct"]
    second = [q for q in qs if "squeezed" in q.text]
    assert second and second[0].speaker is not None and second[0].speaker.text == "she"
    assert "right" not in second[0].text


def test_inverted_speaker_may_open_with_a_slashed_number():
    text = '“The reasons do not hold. They are wrong,” said 9/11 widow Dana Orloff.\n'
    qs = [q for q in find_quotes(text, _sentences(text)) if q.kind == "direct"]
    assert qs and qs[0].speaker is not None and "Dana Orloff" in qs[0].speaker.text


def test_naming_clause_pronoun_gives_way_to_the_sentence_subject():
    # 'X condemned what he called “…”': the quoted name is X's; the pronoun is X.
    text = 'The meeting ended late.\n\nSecretary Mara Lindqvist condemned what she called a "reckless breach" of the rules.\n'
    qs = [q for q in find_quotes(text, _sentences(text)) if q.kind == "direct"]
    assert qs and qs[0].speaker is not None and "Lindqvist" in qs[0].speaker.text
    # another person's naming stays theirs
    text = 'The meeting ended late.\n\nHe ignored what she called a "reckless breach" of the rules.\n'
    qs = [q for q in find_quotes(text, _sentences(text)) if q.kind == "direct"]
    assert qs and qs[0].speaker is not None and qs[0].speaker.text == "she"


def test_reported_clause_ends_at_a_dash_before_a_new_attribution():
    text = ('The debate ran long.\n\nWhen Jones noted that Marlowe has often paid nothing in taxes ― as was '
            'true for the years his returns were public ― Marlowe boasted, “That makes me smart.”\n')
    qs = find_quotes(text, _sentences(text))
    smart = [q for q in qs if "smart" in q.text]
    assert len(smart) == 1 and smart[0].speaker.text == "Marlowe" and "taxes" not in smart[0].text


def test_participle_hangs_on_an_opening_it():
    text = ('The board met on Monday.\n\nMeanwhile, it attacked the mayor, saying he “has insulted '
            'every neighborhood in the city.”\n')
    qs = [q for q in find_quotes(text, _sentences(text)) if "insulted" in q.text]
    assert qs and qs[0].speaker is not None and qs[0].speaker.text == "it"


def test_gerund_after_a_preposition_takes_the_name_before_the_comma():
    text = ('Council Chair Rosa Ibarra, D-Ore., despite admitting that she had doubts about “lawyers '
            'getting rich” and “legal matters,” said the families “deserve their day in court.”\n')
    qs = [q for q in find_quotes(text, _sentences(text)) if q.kind == "direct"]
    assert qs and all(q.speaker is not None and "Rosa Ibarra" in q.speaker.text for q in qs)


def test_mixed_quote_ends_at_the_clause_break_after_its_quoted_words():
    text = ("Votes were counted late.\n\nKell Amory called the tally “rigged” on Monday, and several "
            "council members have asked for an audit of the machines.")
    quotes = [q for q in find_quotes(text, _sentences(text)) if q.kind == "direct"]
    assert quotes and all("audit" not in q.text for q in quotes)
    assert any("rigged" in q.text for q in quotes)


def test_opening_mark_typed_as_a_closing_mark():
    text = "Rain fell.\n\nThe mayor called the plan “reckless“ in a statement. Nobody else spoke."
    assert [text[s:e] for s, e in quote_spans(text)] == ["reckless"]
    text = "Rain fell.\n\n“We will rebuild the bridge by spring,“ Dara Pell said."
    assert [text[s:e] for s, e in quote_spans(text)] == ["We will rebuild the bridge by spring,"]


def test_closing_mark_typed_as_an_opening_mark_at_a_paragraph_start():
    text = "Readers answered.\n\n”Fear. I am afraid the vote will be close.” wrote one reader."
    assert [text[s:e] for s, e in quote_spans(text)] == ["Fear. I am afraid the vote will be close."]


def test_mixed_quote_keeps_its_clause_when_the_quoted_words_are_a_small_part():
    text = "The vote was delayed.\n\nOrla Wendt said that her last tweet was “a joke.”"
    quotes = [q for q in find_quotes(text, _sentences(text)) if q.kind == "direct"]
    assert [q.text for q in quotes] == ["that her last tweet was “a joke.”"]


def test_single_marks_in_a_headline_are_not_quotes():
    text = ("Mayor on the Budget Talks: ‘We Will Not Sign.’\n\nThe talks stalled on Monday. "
            "“We will not sign this budget,” Mayor Ilse Varga said.")
    quotes = [q.text for q in find_quotes(text, _sentences(text)) if q.kind == "direct"]
    assert quotes == ["We will not sign this budget,"]


def test_marks_inside_a_tag_over_two_lines_are_attributes():
    text = ('Fans reacted.\n\n<tweet tweet-author="@someone" tweet-date="May 2, 2016\n">'
            "I will always be a fan of the team.<tweet/>.\n\nThe club thanked them.")
    assert quote_spans(text) == []


def test_function_words_in_marks_are_mentioned_not_said():
    text = "Nobody asked.\n\nSo why vote at all, unless “she” is really a “he”? Everyone is “certainly” tired."
    assert [q for q in find_quotes(text, _sentences(text)) if q.kind == "direct"] == []


def test_a_group_its_role_and_a_name_after_an_inverted_cue_are_one_speaker():
    """'“…,” said Hezbollah spokesman Ali Hassan.': the speaker was "Hezbollah" (the capitalised
    run stopped at the role); FA-KES: 'said Observatory director Rami Abdel Rahman' gave the
    Observatory 15 of his quotes. A clause after the group is not a role ("said Obama,
    adding")."""
    found = _speakers("“We are ready,” said Hezbollah spokesman Ali Hassan. "
                      "“It is over,” said Observatory director Rami Abdel Rahman on Monday. "
                      "“We will respond,” warned Kataib Hezbollah commander Abu Ali al-Askari.")
    assert [speaker for _, speaker in found] == ["Hezbollah spokesman Ali Hassan", "Observatory director Rami Abdel Rahman",
                                                 "Kataib Hezbollah commander Abu Ali al-Askari"]


def _reported(text):
    return [(q.text, q.speaker.text if q.speaker else None) for q in find_quotes(text, _sentences(text))
            if q.kind == "indirect"]


def test_the_content_opens_at_the_first_that():
    """'said that A and that B': the optional words before "that" were tried longest first,
    so the content opened at the second "that" and A was lost (PolNeAR train: 'Mr. Trump said
    that he was aware of the Boeing's limitations and that he did not …')."""
    found = _reported("Mr. Trump said that he was aware of the limitations and that he did not use it often.")
    assert [content for content, _ in found] == ["he was aware of the limitations and that he did not use it often"]


def test_an_opening_subordinate_clause_ends_its_content_at_the_main_clause():
    found = _reported("While Clinton claimed that the videos exist, foreign policy experts affirm that "
                      "it is highly likely.")
    assert found == [("the videos exist", "Clinton"), ("it is highly likely", "foreign policy experts")]


def test_a_participle_cue_after_a_comma_opens_its_own_attribution():
    """'…, telling X that …', '… “…,” claiming that …': the participle's words are the same
    subject's second statement, not the end of the first one."""
    found = _reported("Carson said he saw no need to change anything about his campaign, "
                      "telling Stephanopoulos that he was fine.")
    assert found == [("he saw no need to change anything about his campaign", "Carson"), ("he was fine", "Carson")]
    quotes = find_quotes(text := "In Florida, Trump insisted that he has “expanded the Republican party,” claiming "
                                 "that he is responsible for higher voter turnout.", _sentences(text))
    assert [(q.text, q.speaker.text if q.speaker else None) for q in quotes] == [
        ("that he has “expanded the Republican party,”", "Trump"), ("he is responsible for higher voter turnout", "Trump")]


def test_the_source_quoted_as_saying_is_the_speaker():
    """'SANA quoted a military source as saying that …': the source said it, once (the
    agency's "quoted" and the participle had given the same words twice, and the participle's
    had no speaker). Wire copy has it in nearly every FA-KES article from SANA."""
    assert _reported("Interfax quoted Russia's Defence Ministry on Monday as saying that the jets had hit ten "
                     "targets near Idlib.") == [("the jets had hit ten targets near Idlib", "Russia's Defence Ministry")]
    assert _reported("The agency quoted the source as saying the attacks caused material damage.") == [
        ("the attacks caused material damage", "the source")]


def test_a_title_with_a_full_stop_does_not_end_the_name_after_the_cue():
    """'…, said Mr. Manafort envisioned …' read as the inverted '…, said Mr.' (speaker "Mr",
    content the subject before the comma); '“…,” said Sen. Chris Murphy' had the speaker "Sen"."""
    def one_sentence(text):  # (the tests' splitter would end a sentence at "Mr.")
        return [(q.text, q.speaker.text if q.speaker else None) for q in find_quotes(text, [(0, len(text))])]

    assert one_sentence("Mr. Kopachko, the pollster, said Mr. Manafort envisioned an approach that exploited "
                        "regional peculiarities in voting.") == [
        ("Mr. Manafort envisioned an approach that exploited regional peculiarities in voting", "Mr. Kopachko")]
    assert one_sentence("“It should be the very first vote,” said Sen. Chris Murphy of Connecticut.") == [
        ("It should be the very first vote,", "Sen. Chris Murphy")]


def test_a_quote_in_an_appositive_before_the_cue_leaves_the_clause_to_the_name():
    """'Mr. Manafort, citing “the unique magic of Trump,” said the candidate could be …' was
    read as an inverted attribution: content 'Mr. Manafort, citing …', speaker 'the candidate
    could be'."""
    text = ("Mr. Manafort, citing ''the unique magic of Trump,'' said the candidate could be in a very "
            "competitive situation in states like Pennsylvania.")
    found = [(q.text, q.speaker.text if q.speaker else None) for q in find_quotes(text, [(0, len(text))])]
    assert found == [("the candidate could be in a very competitive situation in states like Pennsylvania",
                      "Mr. Manafort")]


def test_it_before_a_verb_and_but_that_go_on_the_content():
    """'announced it could pay …' (an object "it" is no content: 'announced it on Twitter');
    'predicted that A, but that B' is one statement; '…, adding the U.S. must …' is a clause,
    not the inverted '…, adding the U.S.'"""
    assert _reported("In October, the Obama administration announced it could pay only a fraction of the funds.") == [
        ("it could pay only a fraction of the funds", "the Obama administration")]
    assert _reported("The company announced it on Twitter last week.") == []
    assert _reported("Hamermesh predicted that wages would fall over time, but that higher overtime payments "
                     "would offset any loss.") == [
        ("wages would fall over time, but that higher overtime payments would offset any loss", "Hamermesh")]
    text = "“They have a global strategy,” he said of the group, adding the U.S. must be equally global to match it."
    assert [q.text for q in find_quotes(text, [(0, len(text))]) if q.kind == "indirect"] == [
        "the U.S. must be equally global to match it"]


def test_a_that_after_a_finite_verb_is_inside_the_content():
    """'Clinton said she was not going to jump to that conclusion': the optional words between
    a cue and "that" took "she was not going to jump to", and the content was "conclusion"."""
    text = ("Asked if she believed Putin wanted Trump to win, Clinton said she was not going to jump to "
            "that conclusion.")
    assert ("she was not going to jump to that conclusion", "Clinton") in _reported(text)
    assert _reported("Several experts cautioned, as did the campaign itself, that the plans might well change.") == [
        ("the plans might well change", "Several experts")]
    assert ("that", "Having") not in _reported("Having said that, there are economists who argue that firms should pay.")


def test_a_negated_auxiliary_or_a_restrictive_who_is_not_part_of_the_speaker():
    """'he didn’t believe …' had the speaker "he didn’t", 'some economists who argue …' "some
    economists who"; ', who said' still stands for the name before it."""
    found = _reported("He said he didn’t believe those claims did Romney in. "
                      "There are some economists who argue that corporations should pay.")
    speakers = [speaker for _, speaker in found]
    assert "he" in speakers and "some economists" in speakers
    assert not any(speaker and speaker.endswith(("didn’t", "who")) for speaker in speakers)


def test_a_name_and_its_appositive_before_a_closing_cue_speak_the_sentence_before():
    """'…, the Observatory, a Britain-based monitoring group, said.' gave no quote: the cue's
    lead after the last comma is empty, and no name follows it."""
    for text, speaker in (("IS fighters have seized buildings, the Observatory, a Britain-based monitoring group, "
                           "said on Sunday.", "the Observatory"),
                          ("IS fighters have seized buildings, Rami Abdel Rahman, head of the Observatory, said.",
                           "Rami Abdel Rahman"),
                          ("The talks will resume next week, Kadhimi, who spoke in Riyadh, said Tuesday.", "Kadhimi")):
        qs = find_quotes(text, _sentences(text))
        assert [(q.text, q.speaker.text) for q in qs] == [(text.split(",")[0], speaker)]
    # a clause's verb, not a closing cue: no statement before the name
    text = "Trump’s campaign manager, Corey Lewandowski, who ran the data team, declined to comment on it."
    assert not [q for q in find_quotes(text, _sentences(text)) if q.text.startswith("Trump’s campaign")]


def test_a_cue_in_a_relative_clause_has_no_statement_before_it():
    """'…, which the Islamic Resistance in Iraq claimed.': the cue's object is "which"; the
    clause before it is the writer's, not the group's statement."""
    text = "The meeting came days after a drone attack on the base, which the Islamic Resistance in Iraq claimed."
    assert find_quotes(text, _sentences(text)) == []
    text = "The meeting came days after a drone attack on the base, the Islamic Resistance in Iraq claimed."
    assert [q.speaker.text for q in find_quotes(text, _sentences(text))] == ["the Islamic Resistance in Iraq"]


def test_a_cue_inside_another_cue_s_clause_is_no_closing_attribution():
    """'The head of …, Hadi al-Amiri, warned on Monday that the factions would respond …': "respond"
    closed a statement made of the words before the comma, spoken by "the factions"."""
    text = "The head of the Fatah Alliance, Hadi al-Amiri, warned on Monday that the factions would respond to any US strike."
    assert [(q.speaker.text, q.text) for q in find_quotes(text, _sentences(text))] == \
        [("Hadi al-Amiri", "the factions would respond to any US strike")]
