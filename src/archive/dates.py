"""Dates written in an article, resolved against its publication date.

News prose dates events relative to the day it was written: "on Tuesday", "yesterday", "last
week", "in January". Such a date is resolved only as precisely as the anchor allows: with a
day-precise publication date "on Tuesday" is a day; with only a month (the seed article is
dated 2021-04) it is that month, flagged `approximate`. Vague spans ("last week", "earlier this
month") are always approximate. Absolute dates ("7 April 2021", "April 7", "March 2011") need
no anchor except for a missing year.

Pure functions over text; no spaCy.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from archive.models import PartialDate

_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
_MONTHS["sept"] = 9
_WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}

_MONTH = r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
_WEEKDAY = r"(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
# Words before a bare weekday that make it a date, also opening a sentence ("Since Monday, …").
_DATE_FRAME = re.compile(r"\b(?:on|by|since|until|from|last|this|late|early|the)\s*\Z", re.IGNORECASE)
_PATTERNS = [
    ("dmy", re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH}\s*,?\s+(?P<year>(?:19|20)\d\d)\b")),
    ("mdy", re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s*,?\s+(?P<year>(?:19|20)\d\d)\b")),
    ("my", re.compile(rf"\b(?:in\s+|since\s+|of\s+)?(?:early\s+|mid-?\s*|late\s+)?{_MONTH}\s+(?P<year>(?:19|20)\d\d)\b")),
    ("dm", re.compile(rf"\b(?:on\s+)?(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH}\b")),
    ("md", re.compile(rf"\b(?:on\s+)?{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?!\s*,?\s*\d)")),
    ("weekday", re.compile(rf"\b(?:(?P<rel>[Ll]ast|[Tt]his|[Nn]ext|[Oo]n|[Ll]ate|[Ee]arly)\s+)?{_WEEKDAY}(?:s\b|’s\b|'s\b|\b)(?:\s+(?P<part>morning|afternoon|evening|night))?")),
    ("month", re.compile(rf"\b(?P<rel>[Ii]n|[Ll]ast|[Ss]ince|[Ee]arly|[Ll]ate|[Mm]id-?|[Tt]his|[Nn]ext)\s+{_MONTH}\b(?!\s+\d)")),
    ("word", re.compile(r"\b(?P<word>yesterday|today|tomorrow|last night|last week|this week|next week|last month|this month|next month|earlier this month|earlier this week|last year|this year|next year|earlier this year)\b", re.I)),
]


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    text: str
    date: PartialDate | None
    approximate: bool

    def human(self) -> str:
        if self.date is None:
            return "unknown date"
        return ("around " if self.approximate else "") + self.date.human()


def _as_date(p: PartialDate | None) -> dt.date | None:
    if p is None or p.day is None:
        return None
    try:
        return dt.date(p.year, p.month, p.day)
    except ValueError:
        return None


def _of(d: dt.date) -> PartialDate:
    return PartialDate(d.year, d.month, d.day)


def _month_near(month: int, pub: PartialDate, rel: str) -> tuple[int, int]:
    """A month named without a year: 'next March' is the first March after publication;
    otherwise ('in January', 'last March', 'since May') the latest one not after it."""
    if rel == "next":
        return (pub.year if pub.month and month > pub.month else pub.year + 1), month
    if not pub.month:
        return pub.year, month
    return (pub.year if month <= pub.month else pub.year - 1), month


def resolve(kind: str, m: re.Match, pub: PartialDate | None) -> tuple[PartialDate | None, bool]:
    g = m.groupdict()
    month = _MONTHS.get((g.get("month") or "").lower().rstrip("."))
    if kind in ("dmy", "mdy"):
        try:
            dt.date(int(g["year"]), month, int(g["day"]))
        except ValueError:
            return None, True
        return PartialDate(int(g["year"]), month, int(g["day"])), False
    if kind == "my":
        return PartialDate(int(g["year"]), month), False
    if kind in ("dm", "md"):
        if pub is None:
            return None, True
        day = int(g["day"])
        if not 1 <= day <= 31:
            return None, True
        year = pub.year if not pub.month or (month, day) <= (pub.month, pub.day or 31) else pub.year - 1
        return PartialDate(year, month, day), pub.month is None
    if kind == "month":
        if pub is None:
            return None, True
        rel = (g.get("rel") or "").lower()
        year, month = _month_near(month, pub, rel)
        return PartialDate(year, month), pub.month is None
    if kind == "weekday":
        if pub is None:
            return None, True
        anchor = _as_date(pub)
        rel = (g.get("rel") or "").lower()
        if anchor is None:  # only the month is known: the weekday falls somewhere in it
            return PartialDate(pub.year, pub.month) if pub.month else PartialDate(pub.year), True
        target = _WEEKDAYS[g["weekday"].lower()]
        if rel == "next":
            delta = (target - anchor.weekday()) % 7 or 7
            return _of(anchor + dt.timedelta(days=delta)), False
        back = (anchor.weekday() - target) % 7
        if rel == "last" and back == 0:
            back = 7
        return _of(anchor - dt.timedelta(days=back)), False
    if kind == "word":
        if pub is None:
            return None, True
        word = g["word"].lower()
        anchor = _as_date(pub)
        if word in ("yesterday", "today", "tomorrow", "last night"):
            if anchor is None:
                return (PartialDate(pub.year, pub.month) if pub.month else PartialDate(pub.year)), True
            shift = {"yesterday": -1, "today": 0, "tomorrow": 1, "last night": -1}[word]
            return _of(anchor + dt.timedelta(days=shift)), False
        if word.endswith("week"):
            if anchor is None:
                return (PartialDate(pub.year, pub.month) if pub.month else PartialDate(pub.year)), True
            shift = {"last": -7, "next": 7}.get(word.split()[0], 0)
            return _of(anchor + dt.timedelta(days=shift)), True  # a week, not a day
        if word.endswith("month"):
            if not pub.month:
                return PartialDate(pub.year), True
            y, mo = pub.year, pub.month
            if word.startswith("last"):
                y, mo = (y - 1, 12) if mo == 1 else (y, mo - 1)
            elif word.startswith("next"):
                y, mo = (y + 1, 1) if mo == 12 else (y, mo + 1)
            return PartialDate(y, mo), False
        if word.endswith("year"):
            shift = {"last": -1, "next": 1}.get(word.split()[0], 0)
            return PartialDate(pub.year + shift), False
    return None, True


def find_dates(text: str, published: PartialDate | None) -> list[DateMention]:
    """Date expressions in `text`, earliest pattern first where they overlap (a full date wins
    over the weekday or month inside it)."""
    out: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            s, e = m.span()
            if any(a < e and s < b for a, b in taken):
                continue
            if kind == "weekday" and not m.group("rel") and not _DATE_FRAME.search(text, max(0, s - 12), s) \
                    and not (m.group(0).endswith(("s", "’s", "'s")) or m.group("part")):
                # A bare capitalised weekday is a date only in a date-like frame ("on Tuesday",
                # "Tuesday's debate", "Tuesday night") or as the subject of "said Tuesday".
                if not re.search(r"\b(?:said|says|announced|reported|killed|began|started)\s*$", text[max(0, s - 14):s]):
                    continue
            date, approx = resolve(kind, m, published)
            taken.append((s, e))
            out.append(DateMention(s, e, m.group(0), date, approx))
    out.sort(key=lambda d: d.start)
    return out
