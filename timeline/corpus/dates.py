"""Publication dates as the inputs write them.

:func:`parse_published` accepts, in this order:

* ISO dates and date-times (``2025-11-21``, ``2025-11-21T23:45:00-08:00``;
  the date as written, never converted to UTC: "on Thursday" is relative to
  the publisher's calendar);
* RFC 2822 dates as feeds write them (``Fri, 21 Nov 2025 10:00:00 +0000``);
* dates with a month name (``21 November 2025``, ``Nov 21, 2025 14:30 GMT``),
  read by dateparser with only its absolute parsers, all of day, month and
  year required: a relative date ("yesterday", "2 days ago", "Friday") is
  refused, so the machine's clock is never read;
* all-numeric dates other than ISO (``23/11/2025``, ``11.23.2025``) only
  when the order of their parts is given (``date_order`` "DMY", "MDY" or
  "YMD", the ``--date-order`` option): ``05/06/2025`` is the 5th of June in
  one country and the 6th of May in another, and no rule can tell.
"""

from __future__ import annotations

import email.utils
import re
from datetime import date, datetime
from typing import Optional

DATE_ORDERS = ("DMY", "MDY", "YMD")

_NUMERIC = re.compile(r"(\d{1,4})([/.\-])(\d{1,2})\2(\d{1,4})"
                      r"(?:[ T]\d{1,2}[:.]\d{2}(?::\d{2})?(?:\s*[AaPp]\.?[Mm]\.?)?)?")
_MONTH_NAME = re.compile(r"[A-Za-z]{3}")
_RELATIVE = re.compile(r"\b(?:yesterday|today|tonight|tomorrow|now|ago|last|next|this|"
                       r"(?:mon|tues|wednes|thurs|fri|satur|sun)day)\b", re.I)

#: dateparser: absolute dates only, every part required, nothing taken from the clock
_DATEPARSER_SETTINGS = {
    "PARSERS": ["custom-formats", "absolute-time"],
    "REQUIRE_PARTS": ["day", "month", "year"],
    "STRICT_PARSING": True,
    "RETURN_AS_TIMEZONE_AWARE": False,
    "PREFER_LOCALE_DATE_ORDER": False,
}


def _numeric(text: str, order: Optional[str]) -> tuple[Optional[date], str]:
    match = _NUMERIC.fullmatch(text)
    if match is None:
        return None, ""
    a, b, c = match.group(1), match.group(3), match.group(4)
    if order is None:
        return None, (f"publication date {text!r} is all-numeric and not ISO (YYYY-MM-DD): "
                      "give the order of its parts with --date-order DMY, MDY or YMD")
    parts = dict(zip(order, (a, b, c)))
    if len(parts["Y"]) != 4:
        return None, f"publication date {text!r} does not have a four-digit year where " \
                     f"--date-order {order} puts it"
    try:
        return date(int(parts["Y"]), int(parts["M"]), int(parts["D"])), ""
    except ValueError:
        return None, f"publication date {text!r} is not a valid date in the order {order}"


def parse_published(value, date_order: Optional[str] = None) -> tuple[Optional[date], str]:
    """Parse a publication date: ``(date, "")``, ``(None, "")`` for no
    date, or ``(None, reason)`` for a value that is not a date (the reason is
    one line; for an all-numeric date it names ``--date-order``).

    date_order: "DMY", "MDY" or "YMD" for all-numeric dates other than ISO;
        None refuses them.
    """
    if value is None:
        return None, ""
    if isinstance(value, datetime):
        return value.date(), ""
    if isinstance(value, date):
        return value, ""
    if not isinstance(value, str):
        return None, f"publication date {value!r} is not a string"
    if date_order is not None and date_order not in DATE_ORDERS:
        raise ValueError(f"date_order must be one of {', '.join(DATE_ORDERS)}, not {date_order!r}")
    text = value.strip()
    if not text:
        return None, ""
    if len(text) > 64:
        return None, f"publication date {text[:30]!r}... is not a date"
    try:
        return date.fromisoformat(text), ""
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(text).date(), ""
    except ValueError:
        pass
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text):  # ISO-shaped but not a date: 2025-13-45
        return None, f"publication date {text!r} is not a valid date"
    parsed, reason = _numeric(text, date_order)
    if parsed is not None or reason:
        return parsed, reason
    if _MONTH_NAME.search(text):
        try:  # RFC 2822: "Fri, 21 Nov 2025 ..."
            stamp = email.utils.parsedate_to_datetime(text)
            if stamp is not None:
                return stamp.date(), ""
        except (TypeError, ValueError, IndexError, OverflowError):
            pass
        written = _with_month_name(text, date_order)
        if written is not None:
            return written, ""
    if _RELATIVE.search(text):
        return None, (f"publication date {text!r} is relative: a publication date must be a "
                      "calendar date (day, month and year)")
    return None, f"publication date {text!r} is not a valid date"


def _with_month_name(text: str, date_order: Optional[str]) -> Optional[date]:
    """A date written with a month name, by dateparser (absolute parsers only)."""
    import dateparser

    settings = dict(_DATEPARSER_SETTINGS)
    if date_order:
        settings["DATE_ORDER"] = date_order
    try:
        parsed = dateparser.parse(text, languages=["en"], settings=settings)
    except Exception:  # dateparser raises odd errors on odd input; a non-date it is
        return None
    return parsed.date() if parsed is not None else None
