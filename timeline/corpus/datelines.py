"""Publication dates read from an article's dateline (``--infer-dates``).

Scraped and pasted articles often carry their date in the text, near the
top: "Published: 21 Nov 2025", "21 November 2025 14:30", "Nov 21, 2025
2:30 pm GMT" on the line under the headline, "By Jane Roe | 21 November
2025".  :func:`infer_from_dateline` reads such a line when it holds a full
date (day, month and year written out); the year is taken only from the
text, never from the clock.  Lines without a year are left to
:func:`timeline.temporal.infer_publication_date`, which takes the year from
the rest of the text.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Optional

from ..article import Article
from .dates import parse_published

_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
          r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[89]|20)\d\d"
_TIME = r"(?:,?\s*(?:at\s+)?\d{1,2}[:.]\d{2}(?::\d{2})?(?:\s*[AaPp]\.?[Mm]\.?)?(?:\s*[A-Z]{2,4}\b)?)?"
#: a full date: "21 November 2025", "21st of Nov. 2025", "Nov 21, 2025", "2025-11-21"
DATE = re.compile(rf"(?<![\w-])(?:{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}|{_MONTH}\s+{_DAY},?\s+{_YEAR}"
                  rf"|\d{{4}}-\d{{2}}-\d{{2}}(?=\b))" + _TIME, re.I)
#: words that label a dateline, publication first
_LABEL = re.compile(r"^\W*(?P<label>(?:first\s+)?published(?:\s+on)?|posted(?:\s+on)?|date|"
                    r"(?:last\s+)?updated(?:\s+on)?|last\s+modified)\s*:?\s*", re.I)

#: how many lines from the top are read
HEAD_LINES = 6
#: an unlabelled dateline holds at most this many words besides its date
MAX_OTHER_WORDS = 5


def _parse(found: str) -> Optional[date]:
    text = re.sub(r"(\d)(?:st|nd|rd|th)\b", r"\1", found, flags=re.I)
    text = re.sub(r"\s+of\s+", " ", text, flags=re.I)
    text = re.sub(r",?\s*(?:at\s+)?\d{1,2}[:.]\d{2}.*$", "", text)  # the date is enough
    parsed, _problem = parse_published(text.strip())
    return parsed


def dateline_date(text: str, lines: int = HEAD_LINES) -> Optional[date]:
    """The publication date a dateline near the top of ``text`` gives, or None.

    A labelled line ("Published: ...", "Posted on ...") wins over an
    unlabelled one, which must be mostly its date (at most
    :data:`MAX_OTHER_WORDS` other words: "By Jane Roe | 21 November 2025");
    "Updated" lines count only when nothing else does."""
    published = plain = updated = None
    for line in text.splitlines()[:lines]:
        match = DATE.search(line)
        if not match:
            continue
        value = _parse(match.group(0))
        if value is None:
            continue
        label = _LABEL.match(line)
        if label and label.end() >= match.start() - 1:
            if re.match(r"(?:last\s+)?(?:updated|modified)", label.group("label"), re.I):
                updated = updated or value
            else:
                published = published or value
            continue
        others = re.findall(r"[A-Za-z]+", line[:match.start()] + " " + line[match.end():])
        if len(others) <= MAX_OTHER_WORDS:
            plain = plain or value
    return published or plain or updated


def infer_from_dateline(article: Article) -> bool:
    """Date an undated article from its dateline (see :func:`dateline_date`);
    marks it ``published_inferred``.  True when a date was found."""
    if article.published is not None:
        return False
    found = dateline_date(article.text)
    if found is None:
        return False
    article.published = found
    article.published_inferred = True
    return True
