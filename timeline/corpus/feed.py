"""RSS and Atom feeds (``.rss``, ``.atom``, ``.xml``): one article per entry,
its text the entry's content (or summary) with the markup removed, its id
the entry's guid or link (or, with neither, its feed's file name and a hash
of its text)."""

from __future__ import annotations

import html
import io
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterator

from ..article import Article
from .checks import (Context, Item, Reject, derived_id, failure, finish, normalise_newlines,
                     read_whole, repair_surrogate_refs, repaired_reason, REPAIRED, xml_depth_problem,
                     xml_problem)
from .dates import parse_published
from .records import guarded


class _TextOfHtml(HTMLParser):
    """Plain text of an HTML fragment: block elements become line breaks,
    scripts and styles are dropped, entities decoded."""

    BLOCKS = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
              "blockquote", "pre", "tr", "table", "section", "article", "header", "footer",
              "figure", "figcaption", "hr", "dd", "dt"}
    SKIP = {"script", "style", "template", "noscript"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment: one paragraph per line, spaces collapsed."""
    parser = _TextOfHtml()
    parser.feed(markup)
    parser.close()
    lines = (re.sub(r"[ \t\f\v\r\u00a0]+", " ", line).strip()
             for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _entry_text(entry) -> str:
    for detail in list(entry.get("content") or []) + [entry.get("summary_detail") or {}]:
        value = detail.get("value") or ""
        if not value.strip():
            continue
        if detail.get("type") == "text/plain":
            return normalise_newlines(value).strip()
        return html_to_text(value)
    summary = entry.get("summary") or ""
    return html_to_text(summary) if summary.strip() else ""


def repair_bytes(data: bytes) -> tuple[bytes, int]:
    """Markup bytes with their references to surrogates repaired
    (:func:`~timeline.corpus.checks.repair_surrogate_refs`)."""
    if b"&#" not in data:
        return data, 0
    text, count = repair_surrogate_refs(data.decode("latin-1"))  # ASCII pattern: lossless
    return (text.encode("latin-1"), count) if count else (data, 0)


def read(path: Path, ctx: Context) -> Iterator[Item]:
    import feedparser

    from . import tml

    label = ctx.label(path)
    data, reject = read_whole(path, label, what="feed")
    if reject:
        yield reject
        return
    if b"<TimeML" in data[:4096]:
        yield from tml.read(path, ctx)
        return
    data, repaired = repair_bytes(data)
    if repaired:
        yield Reject(label, "", repaired_reason(repaired), REPAIRED)
    deep = xml_depth_problem(data)
    if deep:
        yield Reject(label, "", f"the feed has {deep}", "skipped")
        return
    try:
        # a stream, never a string: feedparser would fetch a string that looks like a URL
        parsed = feedparser.parse(io.BytesIO(data), sanitize_html=False,
                                  resolve_relative_uris=False)
    except (RecursionError, Exception) as error:  # feedparser's own failures: this file's reject
        yield Reject(label, "", f"the feed cannot be parsed ({failure(error)})", "skipped")
        return
    entries = parsed.get("entries") or []
    if not entries:
        problem = parsed.get("bozo_exception")
        detail = f" ({xml_problem(problem)})" if problem else ""
        yield Reject(label, "", f"not an RSS or Atom feed, or one with no entries{detail}",
                     "skipped")
        return
    malformed = parsed.get("bozo") and not isinstance(parsed.get("bozo_exception"),
                                                      feedparser.CharacterEncodingOverride)
    problem = xml_problem(parsed.get("bozo_exception")) if malformed else ""
    if malformed and not any(_entry_text(e) for e in entries):
        yield Reject(label, "", f"the feed does not parse ({problem})", "skipped")
        return
    if malformed:
        yield Reject(label, "", f"the feed is not well-formed ({problem})",
                     f"read {len(entries)} entr{'y' if len(entries) == 1 else 'ies'} "
                     "with the lenient parser")
    source = html.unescape(parsed.get("feed", {}).get("title", "") or "").strip()
    for number, entry in enumerate(entries, 1):
        yield from guarded(_entry(entry, number, source, label, path, ctx), label,
                           f"entry {number}")


def _stamp_date(entry):
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    return date(stamp.tm_year, stamp.tm_mon, stamp.tm_mday) if stamp else None


def _entry(entry, number: int, source: str, label: str, path: Path, ctx: Context
           ) -> Iterator[Item]:
    title = html_to_text(entry.get("title", "") or "")
    text = _entry_text(entry) or title
    doc_id = (entry.get("id") or entry.get("link") or "").strip() or derived_id(path.stem, text)
    raw_date = entry.get("published") or entry.get("updated") or ""
    published, date_error = parse_published(raw_date, ctx.date_order)
    if published is None and (not date_error or _stamp_date(entry)):
        published, date_error = _stamp_date(entry), ""
    article = Article(doc_id=doc_id, text=text, published=published, source=source,
                      title=title, url=(entry.get("link") or "").strip())
    yield from finish(article, label, ctx, f"entry {number}: {date_error}" if date_error else "",
                      where=f"entry {number}")
