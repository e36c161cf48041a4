"""Temporal expressions: the examples of issue 3, table by table.

Each row is an expression in a sentence (mostly from the seeds), the
publication date and what the expression must resolve to.  The spaCy model
is loaded once per session (fixture ``nlp``).
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from timeline import sentences, temporal
from timeline.article import Article
from timeline.temporal import Point, parse_number, parse_year, rules

FRI = date(2025, 11, 21)    # a Friday
SUN = date(2025, 11, 23)    # a Sunday
MON = date(2025, 11, 24)    # a Monday


def mention(article: Article, text: str):
    found = [m for m in article.mentions if m.text == text]
    assert found, f"{text!r} not found in {[m.text for m in article.mentions]}"
    return found[0]


# --- the rules as data -------------------------------------------------------------


def _example(example: str) -> tuple[str, str]:
    """(text, expected expression): "[...]" marks the expression in context."""
    inside = re.search(r"\[(.*)\]", example)
    return example.replace("[", "").replace("]", ""), inside.group(1) if inside else example


def test_every_pattern_example_is_matched_whole_by_its_pattern():
    for pat in rules().patterns:
        assert pat.examples, f"pattern {pat.name} has no example"
        for example in pat.examples:
            text, expected = _example(example)
            m = pat.regex.search(text)
            assert m is not None, f"{pat.name}: {example!r} not matched"
            got = m.group("span") if m.groupdict().get("span") else m.group(0)
            assert got == expected, f"{pat.name}: {example!r} -> {got!r}"


def test_every_pattern_example_holds_a_trigger_word():
    # find() only tries the patterns near a trigger: an example without one
    # would never be found in running text.
    for pat in rules().patterns:
        for example in pat.examples:
            text, expected = _example(example)
            assert rules().trigger.search(expected), f"{pat.name}: no trigger in {example!r}"


def test_patterns_have_known_kinds_and_unique_names():
    from timeline.temporal.resolvers import RESOLVERS

    names = [p.name for p in rules().patterns]
    assert len(names) == len(set(names))
    assert {p.kind for p in rules().patterns} <= set(RESOLVERS)


def test_every_pattern_example_is_found_in_running_text():
    for pat in rules().patterns:
        for example in pat.examples:
            text, expected = _example(example)
            article = sentences.split(Article("x", f"He said it {text} in a statement."))
            temporal.find(article)
            spans = [m.text for m in article.mentions]
            assert any(expected in s or s in expected for s in spans), (pat.name, example, spans)


# --- weekdays follow the tense -----------------------------------------------------

WEEKDAYS = [
    # sentence, publication, expression, value
    ("He left last week and met her on Friday.", date(1997, 4, 19), "Friday", "1997-04-18"),
    # a deferral in the past tells of the day it happened; "until" looks ahead
    ("Flights were postponed because of thick fog on Saturday.", date(2006, 11, 19),
     "Saturday", "2006-11-18"),
    ("The vote was postponed until Tuesday.", date(2006, 11, 19), "Tuesday", "2006-11-21"),
    ("The leaders agreed to meet on Tuesday.", date(2006, 11, 19), "Tuesday", "2006-11-21"),
    ("The index will rise 3 points on Friday.", date(2006, 12, 13), "Friday", "2006-12-15"),
    # an adjective of intent before an infinitive looks ahead, even in a past clause
    ("The troops were due to arrive in Durres by Friday.", date(1997, 4, 16), "Friday",
     "1997-04-18"),
    ("The troops were likely to arrive on Friday.", date(1997, 4, 16), "Friday", "1997-04-18"),
    ("The troops were happy to arrive on Monday.", date(1997, 4, 16), "Monday", "1997-04-14"),
    # a reporting verb after "be" is no report: the day is ahead
    ("Her decision, due to be announced on Sunday, was difficult.", date(1997, 4, 18),
     "Sunday", "1997-04-20"),
    ("The results will be announced on Monday.", date(1997, 4, 16), "Monday", "1997-04-21"),
    ("The results were announced on Monday.", date(1997, 4, 16), "Monday", "1997-04-14"),
    ("Reuters reported on Friday, citing two sources familiar with the matter.", FRI, "Friday",
     "2025-11-21"),
    ("Kiev on Thursday confirmed receiving the document.", FRI, "Thursday", "2025-11-20"),
    ("Washington and Kiev will continue their discussions on a technical level on Monday.", SUN,
     "Monday", "2025-11-24"),
    ("The coalition of the willing will hold a virtual call on Tuesday.", SUN, "Tuesday",
     "2025-11-25"),
    ("The leaders of France, Germany and the UK met on Friday with Vladimir Zelensky.", SUN,
     "Friday", "2025-11-21"),
    ("The US wanted Kiev to sign the framework by next Thursday.", FRI, "next Thursday",
     "2025-11-27"),
    ("He spoke to reporters last Monday.", FRI, "last Monday", "2025-11-17"),
    ("Rubio met Ukrainian officials in Geneva on Sunday.", SUN, "Sunday", "2025-11-23"),
    # a present-tense copula with a day: a scheduled event, ahead
    ("The vote is on Friday.", MON, "Friday", "2025-11-28"),
    ("The deadline for the bids is Wednesday.", MON, "Wednesday", "2025-11-26"),
    ("The vote on the budget is on Friday.", MON, "Friday", "2025-11-28"),
    ("The vote was on Friday.", MON, "Friday", "2025-11-21"),
    ("The Kremlin has held no talks since Monday.", SUN, "Monday", "2025-11-17"),
    # the day of a report, whatever the reported clause says
    ("The company said on Thursday it would cut 500 jobs.", FRI, "Thursday", "2025-11-20"),
    ("The minister told reporters Wednesday that troops will leave.", FRI, "Wednesday",
     "2025-11-19"),
    # a timetable verb in the simple present looks ahead
    ("The offer expires Wednesday.", FRI, "Wednesday", "2025-11-26"),
    ("The offer expired Wednesday.", FRI, "Wednesday", "2025-11-19"),
    # a day before a noun takes no tense, unless the noun names a past event
    ("The Feb. 14 assassination shook the country.", FRI, "Feb. 14", "2025-02-14"),
    ("Leaders of the March 14 movement met.", FRI, "March 14", "2025-03-14"),
    # "ahead of" a day: the day is to come
    ("Leaders met ahead of Monday's referendum.", FRI, "Monday", "2025-11-24"),
    ("A survey for Saturday's Times showed Labour ahead.", FRI, "Saturday", "2025-11-22"),
    ("Sunday's elections will go ahead as planned.", FRI, "Sunday", "2025-11-23"),
    ("He will miss Tuesday's trip to Porto.", FRI, "Tuesday", "2025-11-25"),
    ("They will appeal Wednesday's ruling.", FRI, "Wednesday", "2025-11-19"),
    # "may"/"might" + a plain verb look ahead; "may have" + participle does not
    ("The rebels may attack on Monday.", FRI, "Monday", "2025-11-24"),
    ("The summit might be held on Saturday.", FRI, "Saturday", "2025-11-22"),
    ("He may have left on Monday.", FRI, "Monday", "2025-11-17"),
]


@pytest.mark.parametrize("sentence,published,text,value", WEEKDAYS)
def test_weekdays_follow_the_tense(nlp, sentence, published, text, value):
    m = mention(temporal.tag(sentence, published, nlp=nlp), text)
    assert (m.type, m.value, m.granularity, m.anchor) == ("DATE", value, "day", "publication")
    assert m.date_start == m.date_end == date.fromisoformat(value)


def test_a_participle_under_a_verbless_root_ends_its_climb(nlp):
    # the root of a fragment is a noun: looking up from "walking" for a verb
    # must stop there (it once went round forever)
    article = temporal.tag("A man walking his dog on Friday.", FRI, nlp=nlp)
    assert mention(article, "Friday").value == "2025-11-21"


@pytest.mark.parametrize("sentence,text,value", [
    ('He could meet Kabila "in the first part of next week, probably on Monday or Tuesday."',
     "Tuesday", "1997-04-22"),
    ("The bombing last week, on Tuesday, killed ten.", "Tuesday", "1997-04-08"),
])
def test_a_weekday_narrowing_the_week_named_before_is_in_that_week(nlp, sentence, text, value):
    article = temporal.tag(sentence, date(1997, 4, 19), nlp=nlp)
    m = mention(article, text)
    assert (m.value, m.anchor) == (value, "mention:0")


def test_weekdays_without_a_parse_use_lexical_cues():
    article = temporal.tag("Talks will resume on Monday. The envoy arrived on Thursday.", FRI,
                           nlp=False)
    assert mention(article, "Monday").value == "2025-11-24"
    assert mention(article, "Thursday").value == "2025-11-20"


def test_part_of_a_weekday_is_a_time(nlp):
    m = mention(temporal.tag("On Thursday evening, Russia reported it had taken Kupyansk.", FRI,
                             nlp=nlp), "Thursday evening")
    assert (m.type, m.value, m.date_start) == ("TIME", "2025-11-20TEV", date(2025, 11, 20))


# --- relative to the publication date ----------------------------------------------

RELATIVE = [
    # sentence, publication, expression, type, value, start, end, granularity, mod
    ("Last week, the anti-corruption bureau announced an investigation.", FRI, "Last week",
     "DATE", "2025-W46", "2025-11-10", "2025-11-16", "week", ""),
    ("The draft reportedly handed to Kiev this week is said to reflect ideas.", FRI, "this week",
     "DATE", "2025-W47", "2025-11-17", "2025-11-23", "week", ""),
    ("The media claimed earlier this week it had been developed with Russia.", FRI,
     "earlier this week", "DATE", "2025-W47", "2025-11-17", "2025-11-23", "week", "START"),
    ("She stepped down as the head of her party earlier this month.", FRI, "earlier this month",
     "DATE", "2025-11", "2025-11-01", "2025-11-30", "month", "START"),
    ("The roadmap could be agreed by the end of this month.", date(2025, 11, 20),
     "the end of this month", "DATE", "2025-11", "2025-11-01", "2025-11-30", "month", "END"),
    ("The goal is to put 40,000 troops in the region by the end of the month.",
     date(1990, 8, 13), "the end of the month", "DATE", "1990-08", "1990-08-01", "1990-08-31",
     "month", "END"),
    ("Putin discussed it with Trump at their meeting in Alaska in August.", FRI, "August",
     "DATE", "2025-08", "2025-08-01", "2025-08-31", "month", ""),
    ("It was later refined in late October by senior negotiators.", FRI, "late October",
     "DATE", "2025-10", "2025-10-01", "2025-10-31", "month", "END"),
    ("The summit will take place in February.", FRI, "February",
     "DATE", "2026-02", "2026-02-01", "2026-02-28", "month", ""),
    ("The military intervention in Ukraine began nearly three years ago.", date(2025, 2, 19),
     "nearly three years ago", "DATE", "2022", "2022-01-01", "2022-12-31", "year", "APPROX"),
    ("Prices fell sharply yesterday.", FRI, "yesterday",
     "DATE", "2025-11-20", "2025-11-20", "2025-11-20", "day", ""),
    ("The storm dumped a foot of snow overnight.", FRI, "overnight",
     "TIME", "2025-11-20TNI", "2025-11-20", "2025-11-20", "time", ""),
    ("More snow is expected overnight.", FRI, "overnight",
     "TIME", "2025-11-21TNI", "2025-11-21", "2025-11-21", "time", ""),
    ("Officials will meet tomorrow morning.", FRI, "tomorrow morning",
     "TIME", "2025-11-22TMO", "2025-11-22", "2025-11-22", "time", ""),
    ("Sales grew 8% last year.", FRI, "last year",
     "DATE", "2024", "2024-01-01", "2024-12-31", "year", ""),
    ("Profits in the third quarter doubled.", date(2025, 10, 24), "the third quarter",
     "DATE", "2025-Q3", "2025-07-01", "2025-09-30", "quarter", ""),
    ("Sales in the fourth quarter fell.", date(1998, 1, 26), "the fourth quarter",
     "DATE", "1997-Q4", "1997-10-01", "1997-12-31", "quarter", ""),
    ("The vote is set for next week.", FRI, "next week",
     "DATE", "2025-W48", "2025-11-24", "2025-11-30", "week", ""),
    ("Negotiators worked through the weekend.", date(2025, 11, 24), "the weekend",
     "DATE", "2025-W47-WE", "2025-11-22", "2025-11-23", "week", ""),
    # "by the weekend" is a deadline, not "by the day" (distributive)
    ("Officials said the storm could hit the coast by the weekend.", date(2013, 3, 14),
     "the weekend", "DATE", "2013-W11-WE", "2013-03-16", "2013-03-17", "week", ""),
    ("The work was finished by the weekend.", date(2013, 3, 14),
     "the weekend", "DATE", "2013-W10-WE", "2013-03-09", "2013-03-10", "week", ""),
    ("The results will be published early next year.", FRI, "early next year",
     "DATE", "2026", "2026-01-01", "2026-12-31", "year", "START"),
    ("Sales rose from $40 million a year earlier.", FRI, "a year earlier",
     "DATE", "2024", "2024-01-01", "2024-12-31", "year", ""),
    ("Share prices were up 2 pence at mid-afternoon yesterday.", FRI, "mid-afternoon yesterday",
     "TIME", "2025-11-20TAF", "2025-11-20", "2025-11-20", "time", "MID"),
    ("The day before last Tuesday's hearing, he went to the house.", FRI,
     "The day before last Tuesday", "DATE", "2025-11-17", "2025-11-17", "2025-11-17", "day", ""),
    ("A speech is expected early in the new year.", date(2006, 12, 28), "the new year",
     "DATE", "2007", "2007-01-01", "2007-12-31", "year", ""),
    ("The plan should be ready in the new year.", date(2006, 2, 3), "the new year",
     "DATE", "2006", "2006-01-01", "2006-12-31", "year", ""),
    ("The process would be completed by the end of year.", date(2006, 11, 2), "the end of year",
     "DATE", "2006", "2006-01-01", "2006-12-31", "year", "END"),
    ("The economy grew 2.2 percent in the July-September quarter.", date(2006, 12, 21),
     "the July-September quarter", "DATE", "2006-Q3", "2006-07-01", "2006-09-30", "quarter", ""),
    ("In the quarter ended July 31, it had 5.6 million shares outstanding.", date(1989, 10, 30),
     "the quarter", "DATE", "1989-Q2", "1989-04-01", "1989-06-30", "quarter", ""),
    ("Net income was $1.8 million for the corresponding period last year.", date(1989, 11, 1),
     "the corresponding period last year", "DATE", "1988-Q3", "1988-07-01", "1988-09-30",
     "quarter", ""),
    ("The attack took place in the morning when gunmen opened fire.", date(2005, 11, 15),
     "the morning", "TIME", "2005-11-15TMO", "2005-11-15", "2005-11-15", "time", ""),
    ("The index has risen 12% since year-end.", date(1989, 10, 30), "year-end",
     "DATE", "1988", "1988-01-01", "1988-12-31", "year", "END"),
    ("Shares are down since the end of the year.", date(1989, 10, 30), "the end of the year",
     "DATE", "1988", "1988-01-01", "1988-12-31", "year", "END"),
    ("The deal should close by year-end.", date(1989, 10, 30), "year-end",
     "DATE", "1989", "1989-01-01", "1989-12-31", "year", "END"),
]


@pytest.mark.parametrize("sentence,published,text,type_,value,start,end,gran,mod", RELATIVE)
def test_relative_expressions(nlp, sentence, published, text, type_, value, start, end, gran, mod):
    m = mention(temporal.tag(sentence, published, nlp=nlp), text)
    assert (m.type, m.value, m.granularity, m.mod) == (type_, value, gran, mod)
    assert (m.date_start, m.date_end) == (date.fromisoformat(start), date.fromisoformat(end))
    assert m.anchor == "publication"


def test_later_in_the_day_is_the_day_named_before(nlp):
    article = temporal.tag("Wadephul said on Friday that the plan is a list of topics. When asked "
                           "about the proposal later in the day, Peskov said nothing specific is "
                           "being discussed.", FRI, nlp=nlp)
    friday = article.mentions.index(mention(article, "Friday"))
    later = mention(article, "later in the day")
    assert (later.value, later.date_start, later.mod) == ("2025-11-21", FRI, "END")
    assert later.anchor == f"mention:{friday}"


DAY_OF_MONTH = [
    # sentence, expression, value: the month of publication or the one next
    # to it, by the tense
    ("The index fell on the 20th, traders said.", "the 20th", "2025-11-20"),
    ("The shop will reopen on the 1st.", "the 1st", "2025-12-01"),
    ("Profits rose in Q3, the firm said.", "Q3", "2025-Q3"),
]


@pytest.mark.parametrize("sentence,text,value", DAY_OF_MONTH)
def test_a_day_or_quarter_named_alone(nlp, sentence, text, value):
    m = mention(temporal.tag(sentence, FRI, nlp=nlp), text)
    assert (m.value, m.anchor) == (value, "publication")


def test_a_part_of_the_day_refers_to_the_day_named_before(nlp):
    article = temporal.tag("The mine exploded on Sunday. Rescuers arrived in the afternoon.",
                           date(2005, 11, 15), nlp=nlp)
    sunday = article.mentions.index(mention(article, "Sunday"))
    afternoon = mention(article, "the afternoon")
    assert (afternoon.value, afternoon.anchor) == ("2005-11-13TAF", f"mention:{sunday}")
    # "the night of Oct. 23" is the date: no second expression for "the night"
    night = temporal.tag("He was shot in the night of Oct. 23.", date(1998, 10, 25), nlp=nlp)
    assert [m.text for m in night.mentions] == ["Oct. 23"]


def test_a_clock_time_takes_the_day_of_its_sentence(nlp):
    article = temporal.tag("The blast occurred at about 9:05 a.m. (0305 GMT) Tuesday, police "
                           "said. The victims were buried on Wednesday. The vigil began at "
                           "10 p.m. Officials met at 4 in the morning (4 a.m. EST Thursday).",
                           FRI, nlp=nlp)
    assert mention(article, "9:05 a.m.").value == "2025-11-18T09:05"
    assert mention(article, "10 p.m.").value == "2025-11-21T22:00"     # not Wednesday's
    assert mention(article, "4 in the morning").value == "2025-11-20T04:00"
    later = temporal.tag("Polling stations will open at 7 a.m. during Monday's referendum. The "
                         "blast hit at 10 p.m. in Baghdad on Tuesday.", FRI, nlp=nlp)
    assert mention(later, "7 a.m.").value == "2025-11-24T07:00"      # the day named after it
    assert mention(later, "Monday").value == "2025-11-24"            # a scheduled event ahead
    assert mention(later, "10 p.m.").value == "2025-11-18T22:00"
    market = temporal.tag("At 5 p.m., the dollar was quoted at 116.32 yen, compared with "
                          "116.50 yen on Wednesday.", FRI, nlp=nlp)
    assert mention(market, "5 p.m.").value == "2025-11-21T17:00"     # not the compared day
    noon = mention(temporal.tag("The deadline expired Tuesday noon.", FRI, nlp=nlp), "Tuesday noon")
    assert (noon.type, noon.value) == ("TIME", "2025-11-18T12:00")


DAY_FROM_CONTEXT = [
    # sentence, publication, value of its first expression
    # a day in the brackets is the converted time's; local time is at most 12
    # hours behind GMT and 14 ahead
    ("The quake struck at 8:30 a.m. (2330 GMT Thursday) in Ibaraki.", date(1997, 4, 11),
     "1997-04-11T08:30"),
    ("Fighting resumed at 10 p.m. (0200 GMT Friday) in the capital.", date(1997, 4, 11),
     "1997-04-10T22:00"),
    ("Talks opened at 3 p.m. (1300 GMT Thursday).", date(1997, 4, 11), "1997-04-10T15:00"),
    # a numeric date in a past clause is not after publication (3 December lies ahead)
    ("The deal was announced on 12/03/2013.", date(2013, 3, 14), "2013-03-12"),
    ("The deal will be signed on 12/03/2013.", date(2013, 3, 14), "2013-12-03"),
    ("The deal was announced on 11/21/2012.", date(2013, 3, 14), "2012-11-21"),
]


@pytest.mark.parametrize("sentence,published,value", DAY_FROM_CONTEXT)
def test_the_day_of_a_date_read_from_its_context(nlp, sentence, published, value):
    assert temporal.tag(sentence, published, nlp=nlp).mentions[0].value == value


def test_the_morning_is_not_in_a_month_named_as_a_modifier(nlp):
    article = temporal.tag("It was an aftershock of the January 1994 Northridge quake and would "
                           "be followed by others through the morning.", date(1997, 4, 27),
                           nlp=nlp)
    assert mention(article, "the morning").value == "1997-04-27TMO"


def test_the_day_before_is_next_to_the_day_named_before(nlp):
    article = temporal.tag("Police arrested him on Thursday. The day before, he had bought a "
                           "rifle. He left the day after the vote.", FRI, nlp=nlp)
    assert mention(article, "The day before").value == "2025-11-19"
    assert "the day after" not in [m.text for m in article.mentions]   # its own event


def test_a_date_after_since_is_no_anchor_for_later_in_the_day(nlp):
    article = temporal.tag("The dollar rose on Thursday to its highest since Sept. 25. Earlier "
                           "in the day, the euro fell.", FRI, nlp=nlp)
    assert mention(article, "Earlier in the day").value == "2025-11-20"


def test_the_previous_quarter_is_the_one_before_the_quarter_named(nlp):
    article = temporal.tag("Third-quarter growth slowed from the previous quarter.",
                           date(2006, 12, 14), nlp=nlp)
    assert mention(article, "the previous quarter").value == "2006-Q2"


def test_a_movable_feast_without_a_year_has_no_day(nlp):
    article = temporal.tag("They met on Easter Monday.", None, nlp=nlp)
    assert (mention(article, "Easter Monday").value, article.mentions[0].anchor) \
        == ("XXXX-XX-XX", "none")
    dated = temporal.tag("Pilgrims came for Easter 2026.", None, nlp=nlp)
    assert mention(dated, "Easter 2026").value == "2026-04-05"


def test_the_month_of_march_is_march(nlp):
    article = temporal.tag("The museum was closed in the month of March. In the month of Ramadan "
                           "they fast.", date(1997, 4, 25), nlp=nlp)
    assert [(m.text, m.value) for m in article.mentions] == [("March", "1997-03")]


def test_the_month_is_the_month_named_before(nlp):
    article = temporal.tag("Consumer prices rose 0.5 percent in October. Energy costs jumped in "
                           "the month.", FRI, nlp=nlp)
    assert mention(article, "the month").value == "2025-10"
    far = temporal.tag("Prices rose in October. Wages fell. Rents rose. Output grew over the "
                       "month.", FRI, nlp=nlp)
    assert mention(far, "the month").value == "2025-11"   # October is three sentences back
    alone = temporal.tag("Energy costs jumped in the month.", FRI, nlp=nlp)
    assert mention(alone, "the month").value == "2025-11"


def test_that_period_is_a_quarter_only_in_a_report_of_results(nlp):
    budget = temporal.tag("The EU budget for 2007-2013 was agreed. Spending over that period "
                          "will rise.", FRI, nlp=nlp)
    assert [m.text for m in budget.mentions] == ["2007", "2013"]
    results = temporal.tag("Third-quarter profit rose. The latest period showed gains.", FRI,
                           nlp=nlp)
    assert mention(results, "The latest period").value == "2025-Q3"


def test_a_year_ago_compares_with_a_period_already_over(nlp):
    # "the third quarter of 1990" lies ahead: the year-ago period is the
    # reported quarter's, not a year before an outlook
    article = temporal.tag("Third-quarter profit fell. The industry expects a recovery by the "
                           "third quarter of 1990. In the year-ago period, it earned $101 "
                           "million.", date(1989, 10, 26), nlp=nlp)
    assert mention(article, "the year-ago period").value == "1988-Q3"
    # the year back may come after another adjective
    other = temporal.tag("It expects to report a profit for the third quarter. In the comparable "
                         "year-ago quarter, it had a loss.", date(1989, 10, 27), nlp=nlp)
    assert mention(other, "the comparable year-ago quarter").value == "1988-Q3"


def test_a_year_ago_in_a_quarterly_report_is_the_same_quarter_a_year_back(nlp):
    article = temporal.tag("Third-quarter net income rose to $5 million from $4 million a year "
                           "ago.", date(1989, 10, 26), nlp=nlp)
    assert mention(article, "Third-quarter").value == "1989-Q3"
    assert mention(article, "a year ago").value == "1988-Q3"
    nine = temporal.tag("Third-quarter net income rose. For the first nine months, profit was "
                        "$9 million, compared with $7 million a year earlier.",
                        date(1989, 10, 26), nlp=nlp)
    assert mention(nine, "a year earlier").value == "1988"     # nine months, not the quarter


# --- absolute expressions ----------------------------------------------------------

ABSOLUTE = [
    # sentence, expression, value, start, end, granularity, mod
    ("He sent the parents a letter on February, 6, 1996, imitating her writing.",
     "February, 6, 1996", "1996-02-06", "1996-02-06", "1996-02-06", "day", ""),
    ("The agreements were reached during the Sultan’s state visit to Moscow in the spring of "
     "2025.", "the spring of 2025", "2025-SP", "2025-03-01", "2025-05-31", "season", ""),
    ("They reviewed the naval exercises held in late October 2024.", "late October 2024",
     "2024-10", "2024-10-01", "2024-10-31", "month", "END"),
    ("Europe and Japan enjoyed stability after deterrence was reached in the 1970s.", "the 1970s",
     "197", "1970-01-01", "1979-12-31", "decade", ""),
    ("Those territories joined Russia following referendums in September 2022.",
     "September 2022", "2022-09", "2022-09-01", "2022-09-30", "month", ""),
    ("He was referring to the coup in Kiev in 2014.", "2014", "2014", "2014-01-01", "2014-12-31",
     "year", ""),
    ("The order was signed on March 5, 1946 in Washington.", "March 5, 1946", "1946-03-05",
     "1946-03-05", "1946-03-05", "day", ""),
    ("The new rules apply from 1 January 2026.", "1 January 2026", "2026-01-01", "2026-01-01",
     "2026-01-01", "day", ""),
    ("Earnings for fiscal 1989 rose.", "fiscal 1989", "1989", "1989-01-01", "1989-12-31", "year",
     ""),
    ("Growth slowed in the third quarter of 1984.", "the third quarter of 1984", "1984-Q3",
     "1984-07-01", "1984-09-30", "quarter", ""),
    ("Losses were heavy in the first half of 1990.", "the first half of 1990", "1990-H1",
     "1990-01-01", "1990-06-30", "half", ""),
    ("It was one of the great events of the 20th century.", "the 20th century", "19",
     "1900-01-01", "1999-12-31", "century", ""),
    ("The economy recovered in the mid-1990s.", "the mid-1990s", "199", "1990-01-01",
     "1999-12-31", "decade", "MID"),
    ("In nineteen ninety-one Keating was convicted.", "nineteen ninety-one", "1991", "1991-01-01",
     "1991-12-31", "year", ""),
    ("Results for Q3 2025 beat forecasts.", "Q3 2025", "2025-Q3", "2025-07-01", "2025-09-30",
     "quarter", ""),
    ("Guidance for H1 2026 was raised.", "H1 2026", "2026-H1", "2026-01-01", "2026-06-30",
     "half", ""),
    ("Spending for FY2026 was cut.", "FY2026", "2026", "2026-01-01", "2026-12-31", "year", ""),
    ("The attack happened on 19/11/2024, police said.", "19/11/2024", "2024-11-19",
     "2024-11-19", "2024-11-19", "day", ""),
    ("The law was passed on 19.11.2024 in Berlin.", "19.11.2024", "2024-11-19", "2024-11-19",
     "2024-11-19", "day", ""),
]


@pytest.mark.parametrize("sentence,text,value,start,end,gran,mod", ABSOLUTE)
def test_absolute_expressions(nlp, sentence, text, value, start, end, gran, mod):
    m = mention(temporal.tag(sentence, FRI, nlp=nlp), text)
    assert (m.type, m.value, m.granularity, m.mod, m.anchor) == ("DATE", value, gran, mod, "none")
    assert (m.date_start, m.date_end) == (date.fromisoformat(start), date.fromisoformat(end))


YEAR_RANGES = [
    # sentence, expected (text, value) pairs
    ("Iraq got the technology during its 1980-1988 war with Iran.",
     [("1980", "1980"), ("1988", "1988")]),
    ("He was a commander during the war in 1998-99.", [("1998", "1998"), ("99", "1999")]),
    ("The budget for 2007-13 was cut.", [("2007", "2007"), ("13", "2013")]),
    ("He played for them in 1999-2001.", [("1999", "1999"), ("2001", "2001")]),
    ("He served in 1995-96.", [("1995", "1995"), ("96", "1996")]),
    ("They beat them 2025-1999.", []),             # backwards: a score
    ("The index moved 1520-1600 points.", []),     # 80 years apart: amounts
]


def test_last_century_is_the_one_before_publication(nlp):
    article = temporal.tag("Missionaries who early last century were among the first settlers "
                           "arrived by sea. In the last century the town grew.",
                           date(1997, 4, 11), nlp=nlp)
    early = mention(article, "early last century")
    assert (early.value, early.mod, early.anchor) == ("18", "START", "publication")
    assert mention(article, "the last century").value == "P100Y"   # the past hundred years
    undated = mention(temporal.tag("Early last century, it grew.", None, nlp=nlp),
                      "Early last century")
    assert (undated.value, undated.anchor) == ("XX", "none")      # no clock to guess from


@pytest.mark.parametrize("sentence,expected", YEAR_RANGES)
def test_a_range_of_years_gives_both_years(nlp, sentence, expected):
    article = temporal.tag(sentence, FRI, nlp=nlp)
    assert [(m.text, m.value) for m in article.mentions] == expected


def test_two_years_joined_by_and_are_two_mentions(nlp):
    article = temporal.tag("She objected to covering Kiev’s needs for 2026 and 2027, estimated at "
                           "€135.7 billion ($156.4 billion).", FRI, nlp=nlp)
    assert [(m.text, m.value) for m in article.mentions] == [("2026", "2026"), ("2027", "2027")]


# --- durations and sets ------------------------------------------------------------

DURATIONS = [
    # sentence, expression, type, value, mod
    ("The paper is published daily in Moscow.", "daily", "SET", "P1D", ""),
    ("Exports increased by five percent in the following years.", "the following years",
     "DURATION", "PXY", ""),
    # an unsaid number of units between two events
    ("She flew into Vietnam just days after a group highlighted low pay.", "days", "DURATION",
     "PXD", ""),
    ("He died mere hours later.", "hours", "DURATION", "PTXH", ""),
    # a fiscal year named by its end is a year's length, as "the year ended Sept. 30"
    ("Daiwa announced net losses for the year to March.", "the year", "DURATION", "P1Y", ""),
    ("Profit rose 5% in the year to the end of June.", "the year", "DURATION", "P1Y", ""),
    ("Ukraine would be required to hold elections within 100 days of signing.", "100 days",
     "DURATION", "P100D", ""),
    ("This is what is known about a plan for ending nearly four years of conflict.",
     "nearly four years", "DURATION", "P4Y", "APPROX"),
    ("The two sides met for four hours in Riyadh.", "four hours", "DURATION", "PT4H", ""),
    ("He signed a two-year contract.", "two-year", "DURATION", "P2Y", ""),
    ("She has lived there for 2 1/2 years.", "2 1/2 years", "DURATION", "P2Y6M", ""),
    ("Europe has used this pattern for centuries.", "centuries", "DURATION", "PXCE", ""),
    ("The offer stands for several weeks.", "several weeks", "DURATION", "PXW", ""),
    ("The talks lasted a week.", "a week", "DURATION", "P1W", ""),
    ("The bank reports every quarter.", "every quarter", "SET", "P1Q", ""),
    ("Inspectors visit the site daily.", "daily", "SET", "P1D", ""),
    ("The debt costs $500 million a year.", "a year", "SET", "P1Y", ""),
    ("The market opens each Thursday.", "each Thursday", "SET", "XXXX-WXX-4", ""),
    ("The club elects a chairman every four years.", "every four years", "SET", "P4Y", ""),
    ("A shuttle leaves the depot every 20 minutes.", "every 20 minutes", "SET", "PT20M", ""),
    ("The census is repeated every few years.", "every few years", "SET", "PXY", ""),
    ("Nothing will change for a couple of weeks.", "a couple of weeks", "DURATION", "P2W", ""),
    ("He runs every afternoon.", "every afternoon", "SET", "XXXX-XX-XXTAF", ""),
    ("There is one flight a day.", "a day", "SET", "P1D", ""),
    ("Five days earlier, the storm hit.", "Five days", "DURATION", "P5D", ""),
    ("He served 14 years, nine months and 20 days in prison.", "14 years, nine months and 20 days",
     "DURATION", "P14Y9M20D", ""),
    ("She won in 1 hour 08 minutes 14 seconds.", "1 hour 08 minutes 14 seconds", "DURATION",
     "PT1H8M14S", ""),
]


@pytest.mark.parametrize("sentence,text,type_,value,mod", DURATIONS)
def test_durations_and_sets(nlp, sentence, text, type_, value, mod):
    m = mention(temporal.tag(sentence, FRI, nlp=nlp), text)
    assert (m.type, m.value, m.mod) == (type_, value, mod)
    assert m.date_start is None and m.date_end is None


def test_a_duration_anchored_by_the_text_gets_an_interval(nlp):
    m = mention(temporal.tag("Prices doubled over the past two months.", FRI, nlp=nlp),
                "the past two months")
    assert (m.type, m.value) == ("DURATION", "P2M")
    assert (m.date_start, m.date_end, m.anchor) == (date(2025, 9, 22), FRI, "publication")
    ahead = mention(temporal.tag("Over the next couple of years we expect Europe to grow.", FRI,
                                 nlp=nlp), "the next couple of years")
    assert (ahead.value, ahead.date_start, ahead.date_end) == ("P2Y", FRI, date(2027, 11, 20))


def test_compound_ages_are_not_durations(nlp):
    article = temporal.tag("His 6-year-old son stayed in Miami.", FRI, nlp=nlp)
    assert article.mentions == []


# --- no date where there is none ---------------------------------------------------

NOT_DATES = [
    "It may rain in the capital.",
    "The paper, a radical daily, reported it.",
    "It was reported by the respected Vedomosti business daily in Moscow.",
    "She led the March of the Combatant Mothers through the capital.",
    "The March of Dimes raised money for research.",
    "The French daily Le Figaro quoted the minister.",
    "The Sunday Times said it had seen the letter.",
    "The news weekly Der Spiegel reported it.",
    "The China Daily carried the story.",
    "The report was leaked to the Communist Party daily.",
    "He scored 12 points in the first quarter as the Lakers led 30-20.",
    "India won the one-day international by six wickets.",
    "Prices will rise by at least one quarter.",
    "About a quarter of China's users, some 30 million, shop online.",
    "He was named coach of the year.",
    "The group reported 1721 million US dollars in sales.",
    "The new Audi Q3 sold well.",
    "Sales of Christmas trees rose.",
    "Tourists flew to Easter Island.",
    "Children hunted Easter eggs in the park.",
    "Crowds gathered for the Spring Festival and the Mid-Autumn Festival.",
    "He had 3:57 left in the fourth quarter.",
    "India won the one-day match.",
    "The bank kept its overnight call rate at 0.25 percent.",
    "They marked the 20th anniversary of the law on a rainy morning.",
    "He finished in the 3rd round.",
    "Install version 1.2.2019 of the software.",
    "May I ask a question?",
    "Protesters march on the capital.",
    "The march began peacefully.",
    "We are watching.",
    "Japan sat at the center of world politics.",
    "Kupyansk is one of two areas where troops were encircled.",
    "The reported 28-point draft agreement was leaked.",
    "NABU said the group siphoned roughly $100 million in kickbacks.",
    "Instead of having 50 to 60 people in the audience, the conference saw 500 persons.",
    "They won 3-1 on aggregate.",
    "About 2000 people attended the rally.",
    "Czech Foreign Minister Jan Kavan said he was pleased.",
    # Ages are not temporal expressions in TimeBank, nor are fractions.
    "Ms. Lindqvist, 61 years old, will chair the board.",
    "Pension funds hold more than a quarter of the bonds.",
    "The island imports three-quarters of its grain.",
    # A title is not a date.
    "The minister spoke on NBC's \"This Week\" program.",
    # "today" and "tomorrow" in general, not a day
    "The museum asks what today's youth make of the old factories.",
    "Engineers argued over the shape of today's mobile phones.",
    "She said the city needs the builders of tomorrow.",
    # scores and ranges of amounts are not years
    "The score was 2025 to 1999 after extra time.",
    "The home side trailed 1688 to 1702 on points.",
    "The final tally was 1702 to 1688.",
    # "the fall" as a movement, not a season
    "Northbank led the fall in banking stocks.",
    "He led the fall in prices.",
    "Exports grew after the fall of the old regime.",
    # a month name that is a first name
    "April Ryan asked a question.",
    "At the briefing, June Castle took notes.",
    # a number right after a common noun labels a thing
    "The delegation 2004 arrived in the capital on time.",
    "The quote is on page 1998 of the transcript.",
    "Guests of room 2010 complained about the noise.",
]


@pytest.mark.parametrize("sentence", NOT_DATES)
def test_no_date_where_there_is_none(nlp, sentence):
    assert temporal.tag(sentence, FRI, nlp=nlp).mentions == []


@pytest.mark.parametrize("sentence, text", [
    ("The budget 2004 was approved by the council.", "2004"),     # a noun that takes a year
    ("Turnout fell in the election 2000 in every district.", "2000"),
    ("Sales rose sharply in fiscal 1998.", "fiscal 1998"),
    ("The club was founded in 1998.", "1998"),
    ("The delegation left in 2004 after the talks.", "2004"),     # a preposition between
])
def test_a_year_after_a_noun_that_takes_one_stays_a_year(nlp, sentence, text):
    assert [m.text for m in temporal.tag(sentence, FRI, nlp=nlp).mentions] == [text]


# --- a month or day without a year: which year ------------------------------------

YEAR_CHOICE = [
    # sentence, publication, expression, value
    # past clause: the latest such month or day up to publication, even when
    # next December is nearer than last December
    ("The retailer switched to a calendar year in December.", date(2023, 10, 20), "December",
     "2022-12"),
    ("In January, the chain hired a new chief executive.", date(2023, 10, 25), "January",
     "2023-01"),
    ("The index closed near the record high set on Aug. 9.", date(2024, 2, 9), "Aug. 9",
     "2023-08-09"),
    # a past clause keeps the month before publication even when the next
    # one is only weeks away ...
    ("The jet crashed in January.", date(2006, 12, 15), "January", "2006-01"),
    # the second of two joined months comes from the first one on
    ("The two reports are due in April and May.", date(2006, 12, 14), "May", "2007-05"),
    ("Elections will be held between November and January.", date(2006, 12, 14), "January",
     "2008-01"),
    ("Talks were held in December and January.", date(2006, 2, 14), "January", "2006-01"),
    # a plan made in the past: a month is the nearest, not the next one
    ("The cartel decided in October to reduce its output from the beginning of November.",
     date(2006, 12, 15), "the beginning of November", "2006-11"),
    # a base of comparison is behind, even in a future clause
    ("Fourth quarter GDP will grow by 0.6 percent from the third quarter.", date(2006, 12, 13),
     "the third quarter", "2006-Q3"),
    ("Sales will rise next year compared with September.", date(2006, 12, 13), "September",
     "2006-09"),
    # a bare participle takes the tense of the clause it hangs on
    ("The stock has fluctuated sharply, rising to a high in June from $29.75 in March.",
     date(1989, 10, 30), "March", "1989-03"),
    ("It said two flights would leave on Mondays, with the third departing each Thursday from "
     "August 6.", date(1998, 2, 13), "August 6", "1998-08-06"),
    ("Light sweet crude for delivery in January rose 30 cents.", date(2006, 12, 14), "January",
     "2007-01"),
    ("He was looking forward to Chirac's visit in May.", date(1997, 4, 7), "May", "1997-05"),
    ("Police feared Christmas attacks.", date(2005, 12, 16), "Christmas", "2005-12-25"),
    ("We met on Christmas Day.", date(2005, 11, 16), "Christmas Day", "2004-12-25"),
    # movable feasts, counted from Western Easter
    ("They attended Easter service in Shanghai.", date(1997, 4, 2), "Easter", "1997-03-30"),
    ("The attack came on Good Friday.", date(2024, 4, 3), "Good Friday", "2024-03-29"),
    ("Shops were shut on Easter Monday.", date(2025, 4, 25), "Easter Monday", "2025-04-21"),
    ("Hamas took power after its historic win in the January polls.", date(2006, 12, 12),
     "January", "2006-01"),
    # ... unless the sentence looks ahead
    ("The visit slated for January was announced on Monday.", date(2006, 12, 15), "January",
     "2007-01"),
    # ... unless the date is a payment or a change dated ahead
    ("The board declared a dividend payable Dec. 4 to holders of record Nov. 15.",
     date(2023, 10, 20), "Dec. 4", "2023-12-04"),
    ("The board declared a dividend payable Dec. 4 to holders of record Nov. 15.",
     date(2023, 10, 20), "Nov. 15", "2023-11-15"),
    ("The bank named a new treasurer, effective Feb. 1.", date(2023, 10, 20), "Feb. 1",
     "2024-02-01"),
    ("The union signed a contract effective June 1.", date(2023, 10, 20), "June 1",
     "2024-06-01"),
    # a future clause: the first one not yet over
    ("The ministers will meet again in March.", date(2023, 10, 20), "March", "2024-03"),
    # "last February" written just after February is a year back; "last
    # October" written in March is the October before
    ("Two helicopters crashed last February.", date(2024, 3, 2), "last February", "2023-02"),
    ("The ferry sank last October.", date(2024, 3, 2), "last October", "2023-10"),
    # a plan that has changed: the past perfect keeps the day in the past
    ("The offer had been scheduled to expire Friday.", date(2025, 11, 24), "Friday",
     "2025-11-21"),
    ("The committee has scheduled a vote for Thursday.", date(2025, 11, 24), "Thursday",
     "2025-11-27"),
    # "until" with a present or present perfect verb: a deadline ahead; with
    # a past verb it stays behind
    ("The agency has given the tenants until Wednesday to leave.", date(2025, 11, 24),
     "Wednesday", "2025-11-26"),
    ("The exhibition runs until Saturday.", date(2025, 11, 24), "Saturday", "2025-11-29"),
    ("The crew stayed until Saturday.", date(2025, 11, 24), "Saturday", "2025-11-22"),
]


@pytest.mark.parametrize("sentence,published,text,value", YEAR_CHOICE)
def test_the_year_of_a_date_named_without_one(nlp, sentence, published, text, value):
    m = mention(temporal.tag(sentence, published, nlp=nlp), text)
    assert (m.value, m.anchor) == (value, "publication")


# --- TimeBank conventions for vague periods ------------------------------------------

CONVENTIONS = [
    # sentence, publication, expression, type, value
    ("Exports have doubled in recent years.", FRI, "recent years", "DATE", "PAST_REF"),
    ("Such attacks were rare in past years.", FRI, "past years", "DATE", "PAST_REF"),
    ("Bond prices have fallen in the last few months.", FRI, "the last few months", "DATE",
     "PAST_REF"),
    ("Margins narrowed over the past several quarters.", FRI, "the past several quarters",
     "DATE", "PAST_REF"),
    ("Analysts expect demand to weaken in coming months.", FRI, "coming months", "DATE",
     "FUTURE_REF"),
    ("Scientists believe the probe will one day reach Jupiter.", FRI, "one day", "DATE",
     "FUTURE_REF"),
    ("The mural had been spotted some time ago.", FRI, "some time ago", "DATE", "PAST_REF"),
    ("It happened on Christmas Eve in 2000.", FRI, "Christmas Eve in 2000", "DATE",
     "2000-12-24"),
    ("Western festivals such as Valentine's Day are popular.", FRI, "Valentine's Day", "DATE",
     "XXXX-02-14"),
    ("Inspectors visit the site daily.", FRI, "daily", "SET", "P1D"),
    ("The average daily volume was 140 million shares.", FRI, "daily", "SET", "P1D"),
    ("The ferry makes 12 voyages a day.", FRI, "a day", "SET", "P1D"),
    ("The strike was a one-day protest.", FRI, "one-day", "DURATION", "P1D"),
    ("Protesters gathered at the start of today's hearing.", FRI, "today", "DATE", "2025-11-21"),
    ("Sales rose 5 percent from the same month last year.", FRI, "the same month last year",
     "DATE", "2024-11"),
    ("In October sales fell from the same period a year earlier.", FRI,
     "the same period a year earlier", "DATE", "2024-10"),
    ("The poll, held June 21 last year, was annulled.", FRI, "June 21 last year", "DATE",
     "2024-06-21"),
    ("In 2000, the year the data was collected, sales rose.", FRI, "the year", "DATE", "2000"),
    ("2007 is the year of the pig.", FRI, "the year", "DATE", "2007"),
    ("ITER will not be operational for another decade.", FRI, "another decade", "DURATION",
     "P10Y"),
    ("Five- year mortgage rates rose.", FRI, "Five- year", "DURATION", "P5Y"),
    ("It was a crisis like that of today.", FRI, "today", "DATE", "2025-11-21"),
    ("It happened in December in 1999.", FRI, "December in 1999", "DATE", "1999-12"),
    ("The firm was founded four or five years ago.", FRI, "four or five years ago", "DATE",
     "2020"),
    ("A speech is expected early in the New Year.", date(2006, 12, 28), "the New Year", "DATE",
     "2007"),
    ("The year of 2002 was a bad one.", FRI, "The year of 2002", "DATE", "2002"),
    ("Output rose in the first nine months from the same period of 2005.", FRI,
     "the same period of 2005", "DATE", "2005"),
    ("Sales in October fell from the same month of 2005.", FRI, "the same month of 2005", "DATE",
     "2005-10"),
    ("The plan covers the next 10-15 years.", FRI, "the next 10-15 years", "DURATION", "P10Y"),
    ("The election is due in 2014, a year earlier than planned.", FRI, "a year earlier",
     "DURATION", "P1Y"),
    # a number or a recent short period stays a duration
    ("The hearing lasted one day.", FRI, "one day", "DURATION", "P1D"),
    ("Home sales slowed in recent months.", FRI, "recent months", "DURATION", "PXM"),
    ("Prices doubled over the past two months.", FRI, "the past two months", "DURATION", "P2M"),
    ("The talks will take the next few days.", FRI, "the next few days", "DURATION", "PXD"),
    # "the week of" a day is the week holding it
    ("The hearing was moved to the week of March 6.", date(2000, 2, 24), "the week of March 6",
     "DATE", "2000-W10"),
]


@pytest.mark.parametrize("sentence,published,text,type_,value", CONVENTIONS)
def test_timebank_conventions_for_vague_periods(nlp, sentence, published, text, type_, value):
    m = mention(temporal.tag(sentence, published, nlp=nlp), text)
    assert (m.type, m.value) == (type_, value)


def test_may_and_march_are_months_after_a_preposition(nlp):
    article = temporal.tag("Milton Roy disclosed in May that it was approached. He resigned in "
                           "March for health reasons.", date(1989, 10, 30), nlp=nlp)
    assert [(m.text, m.value) for m in article.mentions] == [("May", "1989-05"),
                                                            ("March", "1989-03")]


# --- no publication date -----------------------------------------------------------

CAIRO = ("Cairo hosted constructive political consultations today between Egypt’s Foreign "
         "Minister Badr Abdelatty and his Russian counterpart Sergey Lavrov.\n"
         "The meeting comes as Egypt prepares to host, from 19 to 20 December, a ministerial "
         "gathering aimed at laying the groundwork for the Russia–Africa Summit scheduled for "
         "2026.\nUnlike several African capitals that have moved closer to Russia in recent "
         "years, Cairo has avoided aligning itself too closely with the Kremlin.")


def test_without_publication_date_absolute_dates_still_resolve(nlp):
    article = temporal.tag(CAIRO, None, nlp=nlp)
    first, second = mention(article, "19"), mention(article, "20 December")
    assert (first.value, second.value) == ("XXXX-12-19", "XXXX-12-20")
    assert first.date_start is None and second.date_start is None
    assert first.anchor == second.anchor == "none"
    assert mention(article, "2026").date_start == date(2026, 1, 1)


def test_without_publication_date_a_part_of_the_day_stays_a_time(nlp):
    article = temporal.tag("In the morning, it rained. The next night it snowed.", None, nlp=nlp)
    assert [(m.type, m.value) for m in article.mentions] == [
        ("TIME", "XXXX-XX-XXTMO"), ("TIME", "XXXX-XX-XXTNI")]


def test_without_publication_date_relative_ones_stay_unresolved(nlp):
    article = temporal.tag(CAIRO + " Last week the ministers met on Tuesday.", None, nlp=nlp)
    for text in ("today", "Last week", "Tuesday"):
        m = mention(article, text)
        assert m.anchor == "none" and m.date_start is None and "X" in m.value, text
        assert m.confidence <= 0.5


def test_without_publication_date_a_year_named_before_is_used_with_lower_confidence(nlp):
    article = temporal.tag("The forum met in March 2024. It reconvened on 19 December.", None,
                           nlp=nlp)
    m = mention(article, "19 December")
    assert (m.value, m.date_start, m.anchor) == ("2024-12-19", date(2024, 12, 19), "mention:0")
    assert m.confidence < mention(article, "March 2024").confidence


def test_relative_expressions_never_fall_back_on_the_clock(nlp):
    article = temporal.tag("Talks resumed on Monday and will end next week.", None, nlp=nlp)
    assert [m.value for m in article.mentions] == ["XXXX-WXX-1", "XXXX-WXX"]


def test_the_engine_never_reads_the_clock():
    from pathlib import Path

    for path in Path(temporal.__file__).parent.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        for call in ("today(", ".now(", "time.time(", "utcnow(", "dateparser"):
            assert call not in source, f"{path.name} uses {call}"


# --- inferred publication date -----------------------------------------------------

VIEWS = ("Why Middle East nations turn to Russia for stability\n"
         "Viewsnow21 November\n"
         "Sergey Shoigu recently went on a visit to Oman and Egypt.\n"
         "They reviewed the naval exercises held in late October 2024 and met in Moscow in "
         "2024–2025. Shoigu arrived on Tuesday.")


def _split(text: str, published=None) -> Article:
    return sentences.split(Article(doc_id="x", text=text, published=published))


def test_a_dateline_run_together_gives_the_publication_date():
    article = temporal.infer_publication_date(_split(VIEWS))
    assert article.published == date(2025, 11, 21) and article.published_inferred


def test_mentions_against_an_inferred_date_have_lower_confidence(nlp):
    inferred = temporal.infer_publication_date(_split(VIEWS))
    known = _split(VIEWS, date(2025, 11, 21))
    for article in (inferred, known):
        temporal.find(article)
        temporal.resolve(article)
    a, b = mention(inferred, "Tuesday"), mention(known, "Tuesday")
    assert a.value == b.value == "2025-11-18"
    assert a.confidence < b.confidence


def test_a_dateline_without_any_year_in_the_text_gives_no_date():
    article = temporal.infer_publication_date(_split("Opinion\nViewsnow21 November\nNo year."))
    assert article.published is None and not article.published_inferred


def test_a_known_publication_date_is_kept():
    article = temporal.infer_publication_date(_split(VIEWS, date(2020, 1, 1)))
    assert article.published == date(2020, 1, 1) and not article.published_inferred


# --- find: cheap candidates ------------------------------------------------------


def test_find_marks_only_sentences_with_candidates_and_keeps_offsets():
    text = "No date here.\nTalks resume on Monday, March 3.\nStill nothing."
    article = temporal.find(_split(text))
    assert [s.needs_parse for s in article.sentences] == [False, True, False]
    for m in article.mentions:
        assert text[m.start:m.end] == m.text and m.sentence == 1 and m.rule
    assert [m.text for m in article.mentions] == ["Monday, March 3"]


def test_find_keeps_the_longest_non_overlapping_matches():
    text = "Sales rose in the third quarter of 1984, from a year earlier, and on Nov. 9, 1989."
    article = temporal.find(_split(text))
    spans = [(m.start, m.end) for m in article.mentions]
    assert spans == sorted(spans)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))
    assert [m.text for m in article.mentions] == ["the third quarter of 1984", "a year earlier",
                                                 "Nov. 9, 1989"]


def test_searching_near_triggers_finds_what_a_full_search_finds():
    from conftest import SEEDS

    from timeline.temporal import _matches

    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        near = [(i, m.span()) for i, m in _matches(text)]
        full = [(i, m.span()) for i, m in _matches(text, everywhere=True)]
        assert near == full and len(near) > 3, path.name


def test_resolve_fills_every_field(nlp):
    article = temporal.tag("Kiev on Thursday confirmed the plan; talks lasted four hours.", FRI,
                           nlp=nlp)
    for m in article.mentions:
        assert m.type in ("DATE", "TIME", "DURATION", "SET") and m.value
        assert m.anchor == "none" or m.anchor == "publication" or re.match(r"mention:\d+$",
                                                                           m.anchor)
        assert 0 < m.confidence <= 1 and m.sentence == 0


WORDS = ["on", "Friday", "last", "next", "week", "the", "third", "quarter", "of", "1998", "May",
         "may", "March", "31", "June", "Feb.", "29", "30", "2000", "years", "ago", "a", "year",
         "earlier", "later", "in", "the", "day", "nearly", "three", "$5", "people", "1/2", "10:35",
         "p.m.", "noon", "spring", "early", "late", "mid-", "1990s", "every", "daily", "now", ",",
         ".", "\n", "-", "'s", "today", "yesterday", "that", "following", "19", "to", "20",
         "December", "fiscal", "twenty-four", "hours", "weekend", "Christmas", "9999"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(words=st.lists(st.sampled_from(WORDS), max_size=30),
       published=st.one_of(st.none(), st.dates(min_value=date(1, 1, 1),
                                               max_value=date(9999, 12, 31))))
def test_any_text_gives_valid_mentions(words, published):
    text = " ".join(words)
    article = temporal.tag(text, published, nlp=False)
    spans = [(m.start, m.end) for m in article.mentions]
    assert spans == sorted(spans) and all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))
    for m in article.mentions:
        assert text[m.start:m.end] == m.text and m.value
        assert m.type in ("DATE", "TIME", "DURATION", "SET")
        assert (m.date_start is None) == (m.date_end is None)
        assert m.date_start is None or m.date_start <= m.date_end
        assert published is not None or m.anchor != "publication"


# --- values ------------------------------------------------------------------------

POINTS = [
    (Point("day", 2025, 11, 20), "2025-11-20", "2025-11-20", "2025-11-20"),
    (Point.of_day(FRI, "week"), "2025-W47", "2025-11-17", "2025-11-23"),
    (Point("weekend", 2025, week=47), "2025-W47-WE", "2025-11-22", "2025-11-23"),
    (Point("month", 2024, 2), "2024-02", "2024-02-01", "2024-02-29"),
    (Point("quarter", 1998, quarter=3), "1998-Q3", "1998-07-01", "1998-09-30"),
    (Point("half", 1990, half=2), "1990-H2", "1990-07-01", "1990-12-31"),
    (Point("season", 2025, season="WI"), "2025-WI", "2025-12-01", "2026-02-28"),
    (Point("decade", 1970), "197", "1970-01-01", "1979-12-31"),
    (Point("century", 1900), "19", "1900-01-01", "1999-12-31"),
    (Point("part", 2025, 11, 20, part="EV"), "2025-11-20TEV", "2025-11-20", "2025-11-20"),
    (Point("time", 2000, 4, 3, hour=9, minute=0), "2000-04-03T09:00", "2000-04-03", "2000-04-03"),
]


@pytest.mark.parametrize("point,value,start,end", POINTS)
def test_point_values_and_intervals(point, value, start, end):
    assert point.value() == value
    assert (point.start(), point.end()) == (date.fromisoformat(start), date.fromisoformat(end))


def test_point_shifts():
    assert Point.of_day(date(2025, 1, 2), "week").shift(-1, "week").value() == "2024-W52"
    assert Point("quarter", 1989, quarter=3).shift(-1, "year").value() == "1988-Q3"
    assert Point("day", 2024, 2, 29).shift(1, "year").value() == "2025-02-28"
    assert Point("year", 5).shift(-10, "year").year is None


NUMBERS = [("twenty-four", 24), ("2 1/2", 2.5), ("a", 1), ("several", "X"), ("one hundred", 100),
           ("a couple of", 2), ("1,500", 1500), ("people", None),
           ("two hundred and five", 205), ("one thousand and one", 1001),
           ("six and four", None), ("six four", None), ("twenty thirty", None)]   # two numbers


@pytest.mark.parametrize("text,value", NUMBERS)
def test_parse_number(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text,value", [("1998", 1998), ("nineteen ninety-six", 1996),
                                        ("two thousand", 2000), ("two thousand and one", 2001),
                                        ("98", 1998), ("fifty", None)])
def test_parse_year(text, value):
    assert parse_year(text) == value


# --- spans and anaphora ----------------------------------------------------------------


@pytest.mark.parametrize("sentence,expected", [
    # "the" stays out before the hyphenated adjective, in before the noun
    ("Analysts blamed the third-quarter loss on fuel costs.", "third-quarter"),
    ("The firm reported the fiscal second-quarter results late.", "fiscal second-quarter"),
    ("Sales fell in the third quarter.", "the third quarter"),
])
def test_the_stays_outside_a_hyphenated_quarter(nlp, sentence, expected):
    article = temporal.tag(sentence, date(1995, 11, 2), nlp=nlp)
    assert [m.text for m in article.mentions] == [expected]


@pytest.mark.parametrize("sentence,unit", [
    ("The ferry sank on March 3, 1997. Divers saw the hull in the weeks after the storm.",
     "weeks"),
    ("The ferry sank on March 3, 1997. Fishermen reported leaks during the days before the "
     "sinking.", "days"),
])
def test_units_next_to_an_event_are_dated_by_the_date_before(nlp, sentence, unit):
    m = mention(temporal.tag(sentence, date(1997, 5, 2), nlp=nlp), unit)
    assert (m.type, m.value, m.anchor) == ("DATE", "1997-03", "mention:0")
    assert (m.date_start, m.date_end) == (date(1997, 3, 1), date(1997, 3, 31))


def test_units_next_to_an_event_are_not_durations(nlp):
    article = temporal.tag("Talks stalled in the months after the vote.", FRI, nlp=nlp)
    assert [(m.text, m.type, m.value) for m in article.mentions] == [("months", "DATE", "PAST_REF")]


def test_that_day_after_a_month_is_a_day_of_that_month(nlp):
    article = temporal.tag("The mayor resigned last March, and his office was sealed that same "
                           "day.", date(1999, 6, 9), nlp=nlp)
    m = mention(article, "that same day")
    assert (m.value, m.anchor) == ("1999-03-XX", "mention:0")
    assert (m.date_start, m.date_end) == (date(1999, 3, 1), date(1999, 3, 31))
    # a day named last still wins
    article = temporal.tag("The mayor resigned on March 4, and his office was sealed that same "
                           "day.", date(1999, 6, 9), nlp=nlp)
    assert mention(article, "that same day").value == "1999-03-04"


# --- clock times with a time zone, seasons, first names, year ranges ----------------

CLOCK_ZONES = [
    # sentence, expression, value
    ("The meeting starts at 1600 GMT Thursday.", "1600 GMT Thursday", "2025-11-27T16:00"),
    ("Polling stations closed at 1559 GMT.", "1559 GMT", "2025-11-24T15:59"),
    ("The envoys met in Geneva (1530 GMT) after a delay.", "1530 GMT", "2025-11-24T15:30"),
    ("The ceasefire takes effect at 0900 GMT on Tuesday.", "0900 GMT on Tuesday",
     "2025-11-25T09:00"),
]


@pytest.mark.parametrize("sentence,text,value", CLOCK_ZONES)
def test_four_digits_with_a_time_zone_are_a_clock_time(nlp, sentence, text, value):
    article = temporal.tag(sentence, MON, nlp=nlp)
    m = mention(article, text)
    assert (m.type, m.value) == ("TIME", value)
    assert len(article.mentions) == 1


def test_a_clock_time_converted_in_brackets_is_tagged_once(nlp):
    article = temporal.tag("The blast occurred at 10:35 a.m. (0735 GMT) Friday.", FRI, nlp=nlp)
    assert [m.text for m in article.mentions] == ["10:35 a.m.", "Friday"]
    article = temporal.tag("The guards fired at 4:00 a.m. Sunday (1900 GMT Saturday).", MON,
                           nlp=nlp)
    assert [m.text for m in article.mentions] == ["4:00 a.m. Sunday"]


SEASONS = [
    # sentence, expression, value
    ("The talks resume this fall.", "this fall", "2025-FA"),
    ("Prices rose in the fall.", "the fall", "2025-FA"),
    ("Sales slowed during the fall.", "the fall", "2025-FA"),
    ("The bridge opened in the fall of 2019.", "the fall of 2019", "2019-FA"),
    ("The fall 2024 harvest was poor.", "The fall 2024", "2024-FA"),
    ("The ban was lifted last fall.", "last fall", "2024-FA"),
]


@pytest.mark.parametrize("sentence,text,value", SEASONS)
def test_fall_is_a_season_with_a_season_cue(nlp, sentence, text, value):
    assert mention(temporal.tag(sentence, FRI, nlp=nlp), text).value == value


def test_a_month_name_before_a_name_is_kept_after_a_preposition(nlp):
    article = temporal.tag("In April Congress passed the bill. May Harper resigned in May.", FRI,
                           nlp=nlp)
    assert [m.text for m in article.mentions] == ["April", "May"]
    assert article.mentions[0].value.endswith("-04")
    assert article.mentions[1].start > article.text.index("resigned")


@pytest.mark.parametrize("sentence", ["He chaired the board from 1995 to 1999.",
                                      "He won the seat and served 1995 to 1999."])
def test_a_range_of_years_stays_two_years(nlp, sentence):
    article = temporal.tag(sentence, FRI, nlp=nlp)
    assert [(m.text, m.value) for m in article.mentions] == [("1995", "1995"), ("1999", "1999")]


def test_pattern_prefilters_hold_for_every_example_and_fold_like_the_regex():
    # find() skips a pattern in a window lacking the strings its regex needs
    # (derived from the regex); every example must hold them, also when the
    # text is written in capitals, and the fold must treat the Kelvin sign
    # and the long s as the regex does (case-insensitive "k" and "s").
    from timeline.temporal.rules import fold

    r = rules()
    assert all(p.needs for p in r.patterns if p.name in ("offset_ago", "month_day_year"))
    for pat in r.patterns:
        for example in pat.examples:
            text, _ = _example(example)
            for variant in (text, text.upper()):
                if pat.regex.search(variant):
                    assert pat.needs <= r.held(fold(variant)), (pat.name, variant)
    assert fold("5 P.M. \u212aIEV") == "5 p.m. kiev" and fold("\u017fpring") == "spring"
    assert r.held(fold("two weeks ago")) >= rules().by_name["offset_ago"].needs
    assert not rules().by_name["offset_ago"].needs <= r.held(fold("two weeks"))
