"""Quote and speaker rules (nlp/quotes.py) on small hand-written texts; no spaCy model needed.

The sentence splitter here is a plain regex, like the one a blank pipeline's sentencizer gives;
the rules must not depend on a better one.
"""
import re

import pytest
from hypothesis import given, settings, strategies as st

from archive.models import Span
from archive.nlp.quotes import find_quotes, quote_spans, split_role


def sentences(text):
    out, start = [], 0
    for m in re.finditer(r"[.!?][”\"’]?(\s+)|\n\s*\n", text):
        end = m.start(1) if m.lastindex else m.start()
        if end > start:
            out.append((start, end))
        start = m.end(1) if m.lastindex else m.end()
    if start < len(text):
        out.append((start, len(text)))
    return out


def quotes(text, subjects=()):
    return find_quotes(text, sentences(text), list(subjects))


def one(qs, starts):
    found = [q for q in qs if q.text.startswith(starts)]
    assert len(found) == 1, [q.text for q in qs]
    return found[0]


def spk(q):
    return q.speaker.text if q.speaker else None


# --- quotation marks -------------------------------------------------------------------------

@pytest.mark.parametrize("text, inner", [
    ('He said "we are ready" today.', "we are ready"),
    ("He said “we are ready” today.", "we are ready"),
    ("He said «we are ready» today.", "we are ready"),
    ("He said „we are ready” today.", "we are ready"),
    ("He said ‘we are ready’ today.", "we are ready"),
])
def test_every_kind_of_mark(text, inner):
    assert [text[s:e] for s, e in quote_spans(text)] == [inner]


def test_apostrophes_never_close_single_quotes():
    text = "Trump’s aides said the voters’ mood was ‘sour’ and Clinton’s was not."
    assert [text[s:e] for s, e in quote_spans(text)] == ["sour"]


def test_quote_inside_a_quote_belongs_to_it():
    text = "“He told me ‘never again’ and left,” she said."
    assert [text[s:e] for s, e in quote_spans(text)] == ["He told me ‘never again’ and left,"]


def test_unbalanced_opening_mark_is_dropped_not_run_away():
    text = "The minister said “this never closes and the paragraph goes on and on.\n\nLater, “a real one” came."
    assert [text[s:e] for s, e in quote_spans(text)] == ["a real one"]


def test_stray_closing_mark_of_the_seed_opens_nothing():
    text = ("In Baghdad, an unknown group claimed responsibility for the attack, but Kadhimi said in "
            "Riyadh “there were no attacks” on Saudi territory from Iraq.”")
    qs = quotes(text)
    q = one(qs, "there were no attacks")
    assert q.kind == "direct" and spk(q) == "Kadhimi"
    assert not [q for q in qs if "from Iraq" in q.text and q.kind == "direct"]


def test_multi_paragraph_quote_with_reopening_marks():
    text = ("“The first paragraph of a long statement ends here.\n\n"
            "“The second one goes on and ends the quote,” the minister said.")
    assert [text[s:e] for s, e in quote_spans(text)] == [
        "The first paragraph of a long statement ends here.\n\n“The second one goes on and ends the quote,"]
    q = one(quotes(text), "The first paragraph")
    assert spk(q) == "the minister"


def test_marks_inside_markup_are_not_quotes():
    text = '<tweet id="771156940076544000" author="@someone">Nothing here</tweet> and "a real quote," he said.'
    assert [text[s:e] for s, e in quote_spans(text)] == ["a real quote,"]


# --- attribution of direct quotes -------------------------------------------------------------

def test_attribution_after_with_name():
    q = one(quotes("“We will return,” Husseini said."), "We will return")
    assert q.cue == "said" and spk(q) == "Husseini" and q.speaker_via == "explicit"


def test_inverted_attribution_with_appositive():
    q = one(quotes('"We will return," said Ali Saleh, the envoy of the group.'), "We will return")
    assert spk(q) == "Ali Saleh"


def test_attribution_before_with_adverbial():
    q = one(quotes("Kadhimi said in Riyadh “there were no attacks”."), "there were no attacks")
    assert spk(q) == "Kadhimi"


def test_hearer_and_that_before_the_quote():
    text = ("An Iraqi parliamentary source told The Arab Weekly that “Qaani is no Soleimani, and he "
            "does not have the power or influence that his predecessor had.”")
    q = one(quotes(text), "Qaani is no Soleimani")
    assert q.kind == "direct" and spk(q) == "An Iraqi parliamentary source" and q.cue == "told"


def test_attribution_in_the_middle_with_participle():
    text = ("“The negotiations have no value, because the Iraqi people have decided to end the US "
            "occupation,” Husseini said, adding, “The Iraqi resistance continues to pressure America.”")
    qs = quotes(text)
    first, second = one(qs, "The negotiations"), one(qs, "The Iraqi resistance")
    assert spk(first) == "Husseini" and spk(second) == "Husseini"
    assert second.cue == "adding"


def test_split_quote_is_one_quote():
    text = "“We are nowhere near the end game,” he said. “The end game is going to come at the end.”"
    qs = quotes(text, [(Span(0, 0, ""), "person")][:0])
    assert len(qs) == 1
    assert qs[0].text.startswith("We are nowhere") and qs[0].text.endswith("come at the end.")
    assert text[qs[0].start:qs[0].end] == qs[0].text


def test_participle_after_a_clause_takes_the_subject():
    text = ("Last week, during his visit to Riyadh, Kadhimi tried to reassure the Saudis their territory "
            "will not be attacked from Iraqi soil, pledging, “We will not allow any attack on the kingdom”.")
    q = one(quotes(text, [(Span(text.index("Kadhimi"), text.index("Kadhimi") + 7, "Kadhimi"), "person")]),
            "We will not allow")
    assert spk(q) == "Kadhimi" and q.cue == "pledging"


def test_colon_introduces_the_quote_in_the_next_paragraph():
    text = "As Joel Pollak reported after the FBI left the scene:\n\n“For example, the government has done nothing.”"
    q = one(quotes(text), "For example")
    assert spk(q) == "Joel Pollak"


def test_dash_line_names_the_speaker():
    q = one(quotes("“I voted for the first time this year.” ― Sonya Herridge"), "I voted")
    assert spk(q) == "Sonya Herridge"


def test_mixed_quote_keeps_the_speaker_of_the_clause():
    text = ("Political analyst Ihssan Shammari said those moves contained “a message to Iran according "
            "to which Iraq has the right to pursue another course in its foreign relations.”")
    q = one(quotes(text), "a message to Iran")
    assert q.kind == "direct" and spk(q) == "Political analyst Ihssan Shammari"


def test_long_paraphrase_with_quoted_words_is_one_mixed_quote():
    text = ("Cruz warned that the “Washington cartel” is growing nervous with the successes of the "
            "conservative movement.")
    qs = quotes(text)
    assert len(qs) == 1
    assert qs[0].kind == "direct" and qs[0].text.startswith("that the “Washington cartel”")
    assert spk(qs[0]) == "Cruz"


# --- reported speech --------------------------------------------------------------------------

def test_said_that():
    text = ("Informed Iraqi sources said that the visit of Qassem Soleimani’s heir was announced only "
            "when it had ended.")
    q = one(quotes(text), "the visit of Qassem")
    assert q.kind == "indirect" and spk(q) == "Informed Iraqi sources"


def test_said_without_that():
    q = one(quotes("Mike Shields, president of the fund, said nearly every donor wants a firewall."), "nearly every")
    assert q.kind == "indirect" and spk(q) == "Mike Shields"


def test_told_hearer_that():
    text = ("Iraqi blogger Saleh Hamdani told The Arab Weekly that Iranians want the dialogue with "
            "Washington to be limited.")
    q = one(quotes(text), "Iranians want")
    assert spk(q) == "Iraqi blogger Saleh Hamdani"


def test_inverted_reported_speech():
    q = one(quotes("The economy is in a bad shape now, said a senior official in the ministry."), "The economy")
    assert q.kind == "indirect" and spk(q) == "a senior official"


def test_parenthetical_attribution():
    q = one(quotes("Even then, he said, he has learned enough about the race to be sure."), "Even then")
    assert q.kind == "indirect" and spk(q) == "he"


def test_multi_word_cue():
    text = "He expressed his belief that this issue was on the agenda of the talks."
    q = one(quotes(text), "this issue")
    assert q.cue == "expressed his belief" and spk(q) == "He"


@pytest.mark.parametrize("text, speaker, starts", [
    ("According to the ministry, the attack killed twelve people near the border.", "the ministry", "the attack"),
    ("The attack killed twelve people near the border, according to local officials.", "local officials", "The attack"),
])
def test_according_to(text, speaker, starts):
    q = one(quotes(text), starts)
    assert q.kind == "indirect" and spk(q) == speaker and q.cue == "according to"


def test_an_act_is_not_a_statement():
    # 'announced the nominee' has no clause: a cue outside clause_verbs.txt needs "that".
    assert quotes("The party announced the nominee at noon on Friday.") == []
    q = one(quotes("The party announced that the nominee would speak at noon on Friday."), "the nominee")
    assert q.kind == "indirect" and spk(q) == "The party"


def test_naming_verbs_need_quoted_words():
    assert quotes("Trump called Clinton on Monday to concede the election.") == []
    q = one(quotes("Christie called him a “talented guy” when he had a teleprompter."), "him a")
    assert q.kind == "direct" and spk(q) == "Christie"


# --- speakers -------------------------------------------------------------------------------

def test_pronoun_resolves_to_the_previous_speaker():
    text = ("Prime Minister Kadhimi stressed that the government seeks to protect the state.\n\n"
            "He added, “Iraq’s outstanding regional and international relations buttress state protection efforts.”")
    k = text.index("Kadhimi")
    q = one(quotes(text, [(Span(k, k + 7, "Kadhimi"), "person")]), "Iraq’s outstanding")
    assert spk(q) == "He" and q.speaker_via == "pronoun"
    assert q.antecedent is not None and q.antecedent.text in ("Kadhimi", "Prime Minister Kadhimi")


def test_the_source_refers_to_the_anonymous_source():
    text = ("An Iraqi parliamentary source told The Arab Weekly that the visit was a failure.\n\n"
            "The source added that the leader of the Quds Force had tasked loyal militias with calm.")
    q = one(quotes(text), "the leader of the Quds Force")
    assert spk(q) == "The source" and q.speaker_via == "anaphor"
    assert q.antecedent.text == "An Iraqi parliamentary source"


def test_relative_pronoun_who():
    text = "The crowd cheered for Sanders, who said the movement would keep going after the election."
    q = one(quotes(text), "the movement")
    assert spk(q) == "who" and q.antecedent.text == "Sanders"


def test_unattributed_quote_continues_the_paragraph_speaker():
    text = ("An Iraqi parliamentary source told The Arab Weekly that “Qaani is no Soleimani.”\n\n"
            "He also does not have “the personal background” that qualifies him to impose his decisions.")
    q = one(quotes(text), "the personal background")
    assert spk(q) == "An Iraqi parliamentary source" and q.speaker_via == "carried"


def test_no_speaker_is_never_guessed():
    text = "“Nobody knows what comes next in this long and difficult process.”"
    qs = quotes(text)
    assert len(qs) == 1 and qs[0].speaker is None and qs[0].speaker_via is None


def test_scare_quotes_and_titles_are_not_quotes():
    text = ("The so-called “strategic dialogue” started between Baghdad and Washington. "
            "Many watched the show “The Apprentice” on Sunday.")
    assert quotes(text) == []


def test_single_marks_in_a_headline_need_a_speaker():
    assert quotes("Talk compared to ‘working the referees’ ahead of the debate") == []


@pytest.mark.parametrize("speaker, role, name", [
    ("Political analyst Ihssan Shammari", "Political analyst", "Ihssan Shammari"),
    ("Iraqi blogger Saleh Hamdani", "Iraqi blogger", "Saleh Hamdani"),
    ("Prime Minister Mustafa Kadhimi", "Prime Minister", "Mustafa Kadhimi"),
    ("An Iraqi parliamentary source", None, "An Iraqi parliamentary source"),
    ("Husseini", None, "Husseini"),
])
def test_role_is_kept_apart_from_the_name(speaker, role, name):
    got_role, got_name = split_role(Span(10, 10 + len(speaker), speaker))
    assert got_role == role and got_name.text == name
    assert got_name.end == 10 + len(speaker) and got_name.end - got_name.start == len(name)


# --- robustness ---------------------------------------------------------------------------

ALPHABET = st.sampled_from(list("ab cd EF.,;:!?\n\n\"'“”‘’«»„—-") + ["said", " He ", " told ", " that ",
                                                                     " according to ", "Ali Saleh", " said, “"])


@settings(max_examples=300, deadline=None)
@given(st.lists(ALPHABET, max_size=80).map("".join))
def test_never_crashes_and_offsets_hold(text):
    for q in quotes(text):
        assert 0 <= q.start <= q.end <= len(text)
        assert q.text == text[q.start:q.end]
        assert q.kind in ("direct", "indirect")
        if q.speaker is not None:
            assert 0 <= q.speaker.start <= q.speaker.end <= len(text)
            assert q.speaker.text == text[q.speaker.start:q.speaker.end]
        else:
            assert q.speaker_via is None


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_never_crashes_on_any_text(text):
    for q in find_quotes(text, [(0, len(text))]):
        assert q.text == text[q.start:q.end]


def test_many_unbalanced_marks_stay_fast():
    import time

    text = ("He said “a " * 3000) + ("word. " * 3000)
    t0 = time.perf_counter()
    quotes(text)
    assert time.perf_counter() - t0 < 5


def test_thirty_kilobytes_of_marks_stay_fast():
    import time

    for text in ("“a” " * 7500, "“x,” he said. " * 2500):
        t0 = time.perf_counter()
        quotes(text)
        assert time.perf_counter() - t0 < 10, text[:20]
