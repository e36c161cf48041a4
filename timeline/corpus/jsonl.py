"""JSON Lines (``.jsonl``): one article per line, an object with ``id``,
``text`` and optionally ``published``, ``title``, ``source``, ``url`` (or
their synonyms, :mod:`timeline.corpus.fields`)."""

from __future__ import annotations

import codecs
import json
from pathlib import Path
from typing import Iterator, Optional

from .checks import Context, Item, Reject, looks_binary
from .records import guarded, kind, read_record, record_id


def _binary_lines(handle, limit: int) -> Iterator[tuple[int, Optional[bytes]]]:
    """(line number, bytes) of a binary file; None for a line over ``limit``
    bytes, which is skipped without being held in memory."""
    number = 0
    while True:
        raw = handle.readline(limit)
        if not raw:
            return
        number += 1
        if len(raw) >= limit and not raw.endswith(b"\n"):
            while True:  # drain the rest of the long line
                more = handle.readline(limit)
                if not more or more.endswith(b"\n"):
                    break
            yield number, None
            continue
        yield number, raw


def read(path: Path, ctx: Context) -> Iterator[Item]:
    label = ctx.label(path)
    if not path.stat().st_size:
        yield Reject(label, "", "the file is empty", "skipped")
        return
    with open(path, "rb") as handle:
        head = handle.read(8192)
        if looks_binary(head, tolerant=True):
            yield Reject(label, "", "the file is binary, not text", "skipped")
            return
        handle.seek(0)
        for number, raw in _binary_lines(handle, ctx.record_limit):
            yield from guarded(_line(number, raw, label, path, ctx), label, f"line {number}")


def _line(number: int, raw: Optional[bytes], label: str, path: Path, ctx: Context
          ) -> Iterator[Item]:
    where = f"line {number}"
    if raw is None:
        yield Reject(label, "", f"{where}: longer than {ctx.record_limit:,} bytes", "skipped")
        return
    if number == 1 and raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    if not raw.strip():
        return
    try:
        line, damaged = raw.decode("utf-8"), False
    except UnicodeDecodeError:
        line, damaged = raw.decode("utf-8", errors="replace"), True
    try:
        record = json.loads(line.rstrip("\r\n"))
    except (json.JSONDecodeError, RecursionError) as error:
        detail = f"{error.msg} at character {error.pos + 1}" \
            if isinstance(error, json.JSONDecodeError) else "nested too deeply"
        yield Reject(label, "", f"{where}: not valid JSON ({detail})", "skipped")
        return
    if not isinstance(record, dict):
        yield Reject(label, "", f"{where}: {kind(record)} where an object was expected",
                     "skipped")
        return
    items = list(read_record(record, where, label, path.stem, ctx))
    if damaged and items:
        yield Reject(label, record_id(record, ctx), f"{where}: not valid UTF-8",
                     "decoded with replacement characters")
    yield from items
