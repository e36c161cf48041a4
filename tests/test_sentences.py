"""The cheap sentence splitter."""

import pytest

from timeline.sentences import split_spans


@pytest.mark.parametrize("text, expected", [
    ("Kiev confirmed it. Moscow denied it.", ["Kiev confirmed it.", "Moscow denied it."]),
    ("Mr. Smith met Dr. Jones on Jan. 5. They talked.",
     ["Mr. Smith met Dr. Jones on Jan. 5.", "They talked."]),
    ("John F. Kennedy spoke.\nA new line starts here", ["John F. Kennedy spoke.", "A new line starts here"]),
    ("“We will win,” he said. “Never.”", ["“We will win,” he said.", "“Never.”"]),
    ("The U.S. and Russia met.", ["The U.S. and Russia met."]),
    ("Prices rose 3.5 percent. Shares fell.", ["Prices rose 3.5 percent.", "Shares fell."]),
])
def test_split_spans(text, expected):
    assert [text[s:e] for s, e in split_spans(text)] == expected


def test_spans_are_trimmed_and_ordered():
    text = "  One.   Two!  \n\n  Three?  "
    spans = split_spans(text)
    assert [text[s:e] for s, e in spans] == ["One.", "Two!", "Three?"]
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))
