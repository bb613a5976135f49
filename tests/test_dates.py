"""Relative and absolute dates resolved against the publication date."""
from __future__ import annotations

from archive.dates import find_dates
from archive.models import PartialDate as P


def _one(text, pub):
    found = find_dates(text, pub)
    assert len(found) == 1, found
    return found[0]


def test_weekday_with_a_day_precise_anchor_is_certain():
    d = _one("The talks began on Wednesday in Baghdad.", P(2021, 4, 8))  # a Thursday
    assert d.date == P(2021, 4, 7) and not d.approximate


def test_weekday_with_a_month_anchor_is_approximate():
    d = _one("The talks began on Wednesday in Baghdad.", P(2021, 4))
    assert d.date == P(2021, 4) and d.approximate


def test_same_weekday_as_publication_is_that_day_and_last_goes_back_a_week():
    assert _one("He spoke on Thursday.", P(2021, 4, 8)).date == P(2021, 4, 8)
    assert _one("He spoke last Thursday.", P(2021, 4, 8)).date == P(2021, 4, 1)


def test_possessive_weekday_without_apostrophe():
    d = _one("During Tuesdays debate in parliament MPs spoke.", P(2016, 10, 7))  # a Friday
    assert d.date == P(2016, 10, 4)


def test_month_without_year_is_the_latest_not_after_publication():
    assert _one("Troops left in January.", P(2021, 4, 8)).date == P(2021, 1)
    assert _one("Troops left in November.", P(2021, 4, 8)).date == P(2020, 11)


def test_last_week_is_always_approximate_and_yesterday_exact():
    d = _one("Ghaani arrived last week.", P(2021, 4, 8))
    assert d.approximate and d.date == P(2021, 4, 1)
    y = _one("He arrived yesterday.", P(2021, 4, 8))
    assert y.date == P(2021, 4, 7) and not y.approximate


def test_absolute_dates_win_over_the_parts_inside_them():
    found = find_dates("It began on 7 April 2021 and in March 2011 before.", P(2021, 4, 8))
    assert [(d.text, d.date) for d in found] == [("7 April 2021", P(2021, 4, 7)), ("in March 2011", P(2011, 3))]


def test_no_anchor_no_guess():
    d = _one("The raid came on Tuesday.", None)
    assert d.date is None and d.approximate


def test_a_bare_capitalised_weekday_in_a_name_is_not_a_date():
    assert find_dates("Black Friday Sales were reported.", P(2021, 4, 8)) == []


def test_a_date_opening_a_sentence_is_a_date():
    pub = P(2021, 4, 10)
    found = {d.text: d.date.iso() for t in ("In January, drones struck.", "On Tuesday, rockets hit.", "Since Monday, talks stalled.",
                                             "Last Tuesday, they met.", "Early March saw talks.")
             for d in find_dates(t, pub)}
    assert found == {"In January": "2021-01", "On Tuesday": "2021-04-06", "Monday": "2021-04-05",
                     "Last Tuesday": "2021-04-06", "Early March": "2021-03"}
