"""Temporal rules of issue 17, one row per general pattern (made-up sentences)."""

from __future__ import annotations

import pytest

from timeline import temporal

ROWS = [
    # publication, sentence, expression, type, value
    # 1 the article's own reference time
    ("2009-02-10", "The airline lost $3bn in the last quarter of 2008 and $7bn for the full year.",
     "the full year", "DATE", "2008"),
    ("2009-02-10", "Revenue was $4bn lower than the year previous.", "the year previous", "DATE",
     "2008"),
    ("2009-02-10", "If no deal is reached by March 3, the talks end; by that time, money is gone.",
     "that time", "DATE", "2009-03-03"),
    ("2009-02-11", "Oil prices slipped in morning trading on Wednesday.",
     "morning trading on Wednesday", "TIME", "2009-02-11TMO"),
    ("2009-04-10", "The strike began in early December and was over by the end of the year.",
     "the end of the year", "DATE", "2008"),
    # ... but not a named date in a year after publication: the year is the current one
    ("2008-12-10", "Elections will be held on January 25, and the mandate is due to expire at "
     "the end of the year.", "the end of the year", "DATE", "2008"),
    ("2009-04-10", "At the time, nobody knew.", "the time", "DATE", "PAST_REF"),
    # 2 composition
    ("2009-04-10", "Sales fell in the second quarter of last year.",
     "the second quarter of last year", "DATE", "2008-Q2"),
    ("2009-04-10", "Growth will pick up in the first half of next year.",
     "the first half of next year", "DATE", "2010-H1"),
    ("2009-04-10", "The talks resume in the third week of this month.",
     "the third week of this month", "DATE", "2009-W16"),
    # 3 direction
    ("2009-04-08", "The border stays closed until Friday.", "Friday", "DATE", "2009-04-10"),
    ("2009-04-08", "The company announced a restructuring leading to layoffs during the third "
     "quarter.", "the third quarter", "DATE", "2009-Q3"),
    # 4 generic today; deictic uses keep the day
    ("2009-04-08", "It is cheaper than is possible today.", "today", "DATE", "PRESENT_REF"),
    ("2009-04-08", "Members cast the vote of today.", "today", "DATE", "2009-04-08"),
    ("2009-04-08", "Today's meeting was short.", "Today", "DATE", "2009-04-08"),
    # 5 missed expressions
    ("2009-04-08", "The index finished 1.4% higher on the day.", "the day", "DATE", "2009-04-08"),
    ("2009-04-08", "The Dow ended the day at 8,000.", "the day", "DATE", "2009-04-08"),
    ("2009-04-08", "Summer brought floods to the valley.", "Summer", "DATE", "2008-SU"),
    ("2009-04-08", "Officials flew in for the spring meetings.", "the spring", "DATE", "2009-SP"),
    ("2009-04-08", "Music of the 80s and 90s was played.", "the 80s", "DATE", "198"),
    ("2009-04-08", "Music of the 80s and 90s was played.", "90s", "DATE", "199"),
    ("2009-04-08", "Oil rose in morning trading.", "morning trading", "TIME", "2009-04-08TMO"),
    ("2009-04-08", "The police arrived within minutes.", "minutes", "DURATION", "PTXM"),
    ("2009-04-08", "Repairs take between 10 and 14 days.", "10", "DURATION", "P10D"),
    ("2009-04-08", "Repairs take between 10 and 14 days.", "14 days", "DURATION", "P14D"),
    ("2009-04-08", "He won the marathon in 2:08:15.", "2:08:15", "DURATION", "PT2H8M15S"),
    ("2009-04-08", "The strike began on March 1. On the 12th day, the workers gave in.",
     "the 12th day", "DATE", "2009-03-12"),
    ("2009-04-08", "Today is the eighth day of the blockade.", "the eighth day", "DATE",
     "2009-04-08"),
    ("2000-04-17", "Pilgrims prayed as Easter week began.", "Easter week", "DATE", "2000-W16"),
    # 6 a named anniversary event is not this year's
    ("2006-07-07", "Londoners marked the first anniversary of the July 7 bombings.", "July 7",
     "DATE", "2005-07-07"),
    ("2009-07-10", "Londoners remembered the July 7 bombings at a memorial.", "July 7", "DATE",
     "XXXX-07-07"),
    # from the audit against te3-silver
    ("2005-12-07", "Argentina are one of the eight seeds for Friday's draw.", "Friday", "DATE",
     "2005-12-09"),
    ("2005-12-14", "House prices fell in the September quarter.", "the September quarter", "DATE",
     "2005-Q3"),
    ("2005-11-04", "Since Autumn this year, four outbreaks were reported.", "Autumn this year",
     "DATE", "2005-FA"),
    ("2005-11-05", "The fair runs from 24 to 27 of this month.", "27 of this month", "DATE",
     "2005-11-27"),
    ("2005-11-05", "The fair runs from 24 to 27 of this month.", "24", "DATE", "2005-11-24"),
    ("2005-12-15", "A total of 7,655 candidates, nearly triple the number that stood in January, "
     "are running, with turnout expected to be higher.", "January", "DATE", "2005-01"),
    ("2005-12-12", "The film will feature when nominations are announced Tuesday.", "Tuesday",
     "DATE", "2005-12-13"),
    ("2006-12-12", "Hamas, which controls the government since its win in the January polls, "
     "refused.", "January", "DATE", "2006-01"),
    ("2006-12-29", "The guard on duty during the January 13 incident testified.", "January 13",
     "DATE", "2006-01-13"),
    ("2006-12-20", "Employment rose 2.0 percent from third quarter 2005.", "third quarter 2005",
     "DATE", "2005-Q3"),
    ("2006-12-15", "He cut short his trip ahead of a speech by the president on Saturday.",
     "Saturday", "DATE", "2006-12-16"),
    ("2006-12-20", "Milan would be reluctant to sell him after losing their captain in the summer.",
     "the summer", "DATE", "2006-SU"),
    ("2006-12-21", "The man ran at the pupils as they were about to cross on Wednesday afternoon.",
     "Wednesday afternoon", "TIME", "2006-12-20TAF"),
    ("2006-12-14", "Some 10,000 reached the South in the past half-century.",
     "the past half-century", "DURATION", "P50Y"),
    ("2005-11-26", "Rivals vowed to beat him in Sunday's polls. Crowds gathered in the capital in "
     "the afternoon.", "the afternoon", "TIME", "2005-11-26TAF"),
    ("2005-12-12", "About 59 percent voted last January. Unlike the runup to January's ballot, "
     "violence has dropped.", "January", "DATE", "2005-01"),
    ("2006-11-10", "Five plots were foiled since the 7 July bombings in London in 2005.",
     "the 7 July", "DATE", "2005-07-07"),
    ("2005-11-03", "She won the half marathon in a time of 1: 16:31.", "1: 16:31", "DURATION",
     "PT1H16M31S"),
    ("2006-11-16", "Senegal will host the next meeting on Dec. 11-13 of 2007.", "Dec. 11", "DATE",
     "2007-12-11"),
    ("2006-11-04", "Exports were 550 million dollars in the first nine months, 1.7 percent up on "
     "the same period last year.", "the same period last year", "DATE", "2005"),
    ("2006-12-31", "Inflation was 2.3 percent in December 2005. Nobody can blame the euro for "
     "prices in December, January or February.", "December", "DATE", "2006-12"),
    ("2006-12-14", "The index is expected to dip to 19 in December from 20 in October.", "October",
     "DATE", "2006-10"),
    ("2006-12-21", "Seven Marines are accused of kidnapping a civilian on April 26.", "April 26",
     "DATE", "2006-04-26"),
    ("2006-12-24", "He was hurt in a Christmas holiday skiing accident.", "Christmas", "DATE",
     "2006-12-25"),
    ("1997-04-05", "\"Prices will hold next week,\" he said. Volumes were up from 171 million "
     "dollars the previous week.", "the previous week", "DATE", "1997-W13"),
    ("2006-11-07", "The dialogue had been scheduled for July 25.", "July 25", "DATE",
     "2006-07-25"),
    ("2006-11-14", "Core inflation would have risen by 0.1 percent in October.", "October", "DATE",
     "2006-10"),
    ("1997-04-13", "The main force is due to arrive in the week ahead.", "the week ahead",
     "DURATION", "P1W"),
    ("2005-12-06", "He has watched football for 20 years, five days a week.", "20 years",
     "DURATION", "P20Y"),
    # 8 durations read as points
    ("2009-04-08", "Investment will rise over the next decade.", "the next decade", "DURATION",
     "P10Y"),
    # 9 TimeML unit codes
    ("2009-04-08", "Life has changed over several decades.", "several decades", "DURATION",
     "PXDE"),
    ("2009-04-08", "The walls survived for millennia.", "millennia", "DURATION", "PXML"),
]


@pytest.mark.parametrize("published,sentence,text,type_,value", ROWS)
def test_issue_17_patterns(nlp, published, sentence, text, type_, value):
    article = temporal.tag(sentence, published, nlp=nlp)
    found = [m for m in article.mentions if m.text == text]
    assert found, f"{text!r} not in {[m.text for m in article.mentions]}"
    assert (found[0].type, found[0].value) == (type_, value)


@pytest.mark.parametrize("sentence", [
    "The bank shut nearly a quarter of its branches.",
    "He won the Formula 1 title as the FTSE 100 index rose.",
    "It was not a day too soon.",
    "If a day comes when we fail, so be it.",
    "Engineers argued over the shape of today's smartphones.",
    "Japan closed the third quarter 54-43 after the centre was benched with four fouls.",
    "Early Christians prayed so until the year 325.",
    "Matthew Hayden hit his first century of the series.",
    "The city restricts car use on certain days of the week.",
    "Nowitzki left the game against Seattle in the first quarter.",
])
def test_issue_17_look_alikes_are_not_tagged(nlp, sentence):
    assert temporal.tag(sentence, "2009-04-08", nlp=nlp).mentions == []


def test_a_fiscal_year_keeps_the_calendar_year_and_notes_the_fiscal_value(nlp):
    article = temporal.tag("The firm lost money in fiscal 2008.", "2009-04-08", nlp=nlp)
    m = [x for x in article.mentions if x.text == "fiscal 2008"][0]
    assert (m.value, m.extra["fiscal_year"]) == ("2008", "FY2008")


def test_a_range_of_durations_is_its_first_number_at_least(nlp):
    article = temporal.tag("The men were jailed for between five to 15 years.", "2005-12-12",
                           nlp=nlp)
    m = [x for x in article.mentions if x.text == "five to 15 years"][0]
    assert (m.value, m.mod) == ("P5Y", "EQUAL_OR_MORE")
