"""Saved web pages (``.html``, ``.htm``) and fetched ones: the article's main
text, without navigation, sidebars, cookie banners and comments, extracted
by trafilatura; its title, site name (the source) and canonical URL from the
page's metadata.

The publication date is read from the page's markup only, in this order:
``<meta property="article:published_time">`` (and the other meta tags news
sites use: ``datePublished``, ``pubdate``, ``dc.date`` ...), JSON-LD
``datePublished``, a ``<time>`` marked as the publication time, then the
first ``<time datetime>`` of the article outside comments, cookie banners
and sidebars.  Dates written in the text (a cookie banner's "May 25, 2018")
are never taken.  A page with none is undated, and a Reject says so.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import date
from pathlib import Path
from typing import Iterator, Optional

from ..article import Article
from .checks import (REPAIRED, Context, Item, Reject, failure, finish, read_whole,
                     repair_surrogate_refs, repaired_reason)
from .dates import parse_published

for _name in ("trafilatura", "htmldate", "courlan", "justext"):
    logging.getLogger(_name).addHandler(logging.NullHandler())  # its warnings are not ours

#: meta tags holding the publication date (property, name or itemprop), by priority
_META_DATES = ("article:published_time", "og:published_time", "og:article:published_time",
               "datepublished", "pubdate", "publishdate", "publish-date", "publish_date",
               "parsely-pub-date", "sailthru.date", "dc.date.issued", "dcterms.issued",
               "dc.date", "dcterms.created", "date")
#: class or id words of the parts of a page that are not the article
_NOT_ARTICLE = re.compile(r"comment|cookie|consent|gdpr|sidebar|related|footer|nav|promo|"
                          r"newsletter|banner|widget|most-?read", re.I)

NO_DATE = ("the page gives no publication date (no article:published_time, JSON-LD "
           "datePublished or <time datetime>)")


def _json_ld_dates(tree) -> Iterator[str]:
    def walk(node):
        if isinstance(node, dict):
            value = node.get("datePublished")
            if isinstance(value, str):
                yield value
            for child in node.values():
                if isinstance(child, (dict, list)):
                    yield from walk(child)
        elif isinstance(node, list):
            for child in node:
                yield from walk(child)

    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            yield from walk(json.loads(script.text_content() or ""))
        except (ValueError, RecursionError):
            continue


def _outside_boilerplate(element) -> bool:
    for ancestor in element.iterancestors():
        marks = f"{ancestor.get('class', '')} {ancestor.get('id', '')}"
        if ancestor.tag in ("nav", "aside", "footer") or _NOT_ARTICLE.search(marks):
            return False
    return True


def page_date_candidates(tree) -> Iterator[tuple[str, str]]:
    """``(where, value)`` of every publication date the page's markup names, by priority."""
    metas = {}
    for meta in tree.xpath("//meta[@content]"):
        for attribute in ("property", "name", "itemprop"):
            key = (meta.get(attribute) or "").strip().lower()
            if key and key not in metas:
                metas[key] = meta.get("content")
    for key in _META_DATES:
        if key in metas:
            yield f'<meta {key}>', metas[key]
    for value in _json_ld_dates(tree):
        yield "JSON-LD datePublished", value
    for time in tree.xpath('//time[@datetime][@itemprop="datePublished" or @pubdate]'):
        yield "<time datetime>", time.get("datetime")
    for time in tree.xpath("//article//time[@datetime] | //main//time[@datetime] | "
                           "//time[@datetime]"):
        if _outside_boilerplate(time):
            yield "<time datetime>", time.get("datetime")


def page_date(tree, date_order: Optional[str] = None) -> Optional[date]:
    """The publication date the page's markup gives, or None."""
    for _where, value in page_date_candidates(tree):
        parsed, _problem = parse_published((value or "").strip(), date_order)
        if parsed is not None:
            return parsed
    return None


#: a page's main text holds at least this many words outside link texts
MIN_WORDS = 5


def _has_prose(text: str, links: list[str]) -> bool:
    """False for a "main text" that is only link texts (a menu, which
    trafilatura's fallback returns for a page with no article) or a few words."""
    rest = " ".join(text.split())
    for link in sorted(set(links), key=len, reverse=True):
        if link:
            rest = rest.replace(link, " ")
    return len(re.findall(r"\w+", rest)) >= MIN_WORDS


def decode_page(data: bytes) -> str:
    """The markup of a page as text (its declared or detected encoding)."""
    from trafilatura.utils import decode_file

    return decode_file(data)


def read_markup(markup: str, doc_id: str, label: str, ctx: Context, url: str = ""
                ) -> Iterator[Item]:
    """The Article (and Rejects) of one page's markup."""
    import trafilatura
    from trafilatura.utils import load_html

    markup, repaired = repair_surrogate_refs(markup)
    if repaired:
        yield Reject(label, doc_id, repaired_reason(repaired), REPAIRED)
    tree = load_html(markup)
    if tree is None:
        yield Reject(label, doc_id, "not an HTML page (it does not parse)", "skipped")
        return
    published = page_date(tree, ctx.date_order)
    links = [" ".join(a.text_content().split()) for a in tree.iter("a")]
    extracted = trafilatura.bare_extraction(
        tree, url=url or None, with_metadata=True, include_comments=False,
        include_tables=True, deduplicate=False,
        date_extraction_params={"extensive_search": False, "original_date": True,
                                "max_date": "2999-12-31"})
    text = (getattr(extracted, "text", None) or "").strip() if extracted is not None else ""
    if not text or not _has_prose(text, links):
        yield Reject(label, doc_id, "no main text found in the page", "skipped")
        return
    if published is None and ctx.default_published is None:
        yield Reject(label, doc_id, NO_DATE, "kept without a date")
    article = Article(doc_id=doc_id, text=text, published=published,
                      source=(extracted.sitename or "").strip(),
                      title=(extracted.title or "").strip(),
                      url=(url or extracted.url or "").strip())
    yield from finish(article, label, ctx)


def read(path: Path, ctx: Context) -> Iterator[Item]:
    """A saved page: one article, its id the file name without extension."""
    label = ctx.label(path)
    data, reject = read_whole(path, label, path.stem, what="web page")
    if reject:
        yield reject
        return
    try:
        yield from read_markup(decode_page(data), path.stem, label, ctx)
    except (MemoryError, KeyboardInterrupt):
        raise
    except Exception as error:  # trafilatura or lxml on a hostile page: this page's reject
        yield Reject(label, path.stem, f"the page could not be read ({failure(error)})",
                     "skipped")
