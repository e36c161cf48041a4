"""JSON exports (``.json``), as news APIs and media-monitoring tools write
them: an array of article objects, or an object holding one under
``articles``, ``results``, ``data`` (also one level down, as in
``{"response": {"results": [...]}}``).  Each entry is read like a JSONL
line, nested fields included (``source.name``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator, Optional

from .checks import Context, Item, Reject, decode_text, read_whole
from .records import guarded, kind, read_record

#: the keys under which an export holds its array of articles
ARRAY_KEYS = ("articles", "results", "data", "items", "documents", "stories")


def articles_of(document) -> tuple[Optional[list], str]:
    """``(the array of articles, "")`` of a parsed export, or ``(None, why not)``."""
    if isinstance(document, list):
        return document, ""
    if not isinstance(document, dict):
        return None, (f"not an export of articles: {kind(document)}, not an array of "
                      "articles or an object holding one")
    lowered = {str(k).lower(): v for k, v in document.items()}
    for key in ARRAY_KEYS:
        if isinstance(lowered.get(key), list):
            return lowered[key], ""
    for value in lowered.values():  # one level down: {"response": {"results": [...]}}
        if isinstance(value, dict):
            inner = {str(k).lower(): v for k, v in value.items()}
            for key in ARRAY_KEYS:
                if isinstance(inner.get(key), list):
                    return inner[key], ""
    keys = ", ".join(list(map(str, document))[:8]) or "none"
    return None, (f"not an export of articles: an object (keys: {keys}) with no array under "
                  f"{', '.join(repr(k) for k in ARRAY_KEYS[:3])}")


def read(path: Path, ctx: Context) -> Iterator[Item]:
    label = ctx.label(path)
    data, reject = read_whole(path, label, what="JSON file")
    if reject:
        yield reject
        return
    text, damaged = decode_text(data)
    try:
        document = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        detail = f"{error.msg} at line {error.lineno}, column {error.colno}" \
            if isinstance(error, json.JSONDecodeError) else "nested too deeply"
        yield Reject(label, "", f"not valid JSON ({detail})", "skipped")
        return
    entries, problem = articles_of(document)
    if entries is None:
        yield Reject(label, "", problem, "skipped")
        return
    if not entries:
        yield Reject(label, "", "the export holds no articles", "skipped")
        return
    if damaged:
        yield Reject(label, "", "not valid UTF-8", "decoded with replacement characters")
    for number, entry in enumerate(entries, 1):
        where = f"entry {number}"
        if not isinstance(entry, dict):
            yield Reject(label, "", f"{where}: {kind(entry)} where an object was expected",
                         "skipped")
            continue
        yield from guarded(read_record(entry, where, label, path.stem, ctx), label, where)
