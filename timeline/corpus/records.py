"""One record (a JSONL line, a CSV row, an entry of a JSON export) to an
Article, through the field names of :mod:`timeline.corpus.fields`."""

from __future__ import annotations

import json
from typing import Iterator, Mapping

from ..article import Article
from .checks import Context, Item, Reject, derived_id, finish, normalise_newlines
from .dates import parse_published
from .fields import FieldMap


def scalar(value) -> str:
    """A field's value as one string ("" for none)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (int, float, bool)):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def kind(value) -> str:
    """How a JSON value is named in a reason."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if value is None:
        return "null"
    return {list: "a list", dict: "an object", str: "a string"}.get(type(value),
                                                                   type(value).__name__)


def record_id(record: Mapping, ctx: Context) -> str:
    """The id a record names (for rejects before it is read), or ""."""
    fields = ctx.fields if isinstance(ctx.fields, FieldMap) else FieldMap()
    return scalar(fields.get(record, "id")[0])


def read_record(record: Mapping, where: str, label: str, source: str,
                ctx: Context) -> Iterator[Item]:
    """The Rejects and Article of one record.

    where: "line 12" or "entry 3", which starts every reason.
    source: the stem of its file, for the id of a record that has none.
    A record without an id takes its URL, else :func:`derived_id` (never
    its position), with a Reject saying so.
    """
    fields = ctx.fields if isinstance(ctx.fields, FieldMap) else FieldMap()
    text, text_name = fields.get(record, "text")
    doc_id = scalar(fields.get(record, "id")[0])
    if text is None:
        yield Reject(label, doc_id, f"{where}: {fields.missing_text(record)}", "skipped")
        return
    if not isinstance(text, str):
        yield Reject(label, doc_id, f"{where}: {text_name!r} is {kind(text)}, not a string",
                     "skipped")
        return
    text = normalise_newlines(text)
    url = scalar(fields.get(record, "url")[0])
    if not doc_id and url:
        doc_id = url  # as a feed entry without a guid: its link names it
    elif not doc_id:
        doc_id = derived_id(source, text)
        yield Reject(label, doc_id, f"{where}: no 'id' and no 'url'", f"kept as {doc_id}")
    published, date_error = parse_published(fields.get(record, "published")[0], ctx.date_order)
    article = Article(doc_id=doc_id, text=text, published=published,
                      source=scalar(fields.get(record, "source")[0]),
                      title=scalar(fields.get(record, "title")[0]), url=url)
    yield from finish(article, label, ctx, f"{where}: {date_error}" if date_error else "",
                      where=where)


def guarded(items, label: str, where: str, doc_id: str = "") -> Iterator[Item]:
    """The items of one record; an unexpected failure while reading it is
    that record's Reject, never the run's."""
    from .checks import failure

    try:
        yield from items
    except (MemoryError, KeyboardInterrupt):
        raise
    except Exception as error:
        yield Reject(label, doc_id, f"{where}: could not be read ({failure(error)})", "skipped")
