"""CSV files (``.csv`` other than a folder's manifest): one article per row,
the header naming the fields (``id, text, published, title, source, url``
or their synonyms, :mod:`timeline.corpus.fields`)."""

from __future__ import annotations

import codecs
import csv
from pathlib import Path
from typing import Iterator

from .checks import Context, Item, Reject, looks_binary
from .manifest import csv_records
from .records import guarded, read_record, record_id


def _decoded_lines(handle, damaged: list[int]) -> Iterator[str]:
    """Text lines (line ends kept, as csv wants them) of a binary file."""
    for number, raw in enumerate(handle, 1):
        if number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8):]
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError:
            damaged.append(number)
            yield raw.decode("utf-8", errors="replace")


def read(path: Path, ctx: Context) -> Iterator[Item]:
    from .fields import FieldMap

    label = ctx.label(path)
    if not path.stat().st_size:
        yield Reject(label, "", "the file is empty", "skipped")
        return
    if csv.field_size_limit() < ctx.read_limit:
        csv.field_size_limit(ctx.read_limit)  # a whole article can be one field
    fields = ctx.fields if isinstance(ctx.fields, FieldMap) else FieldMap()
    with open(path, "rb") as handle:
        if looks_binary(handle.read(8192), tolerant=True):
            yield Reject(label, "", "the file is binary, not text", "skipped")
            return
        handle.seek(0)
        damaged: list[int] = []
        rows = csv.reader(_decoded_lines(handle, damaged), strict=True)
        try:
            header = [h.strip() for h in next(rows)]
        except StopIteration:
            yield Reject(label, "", "the file is empty", "skipped")
            return
        except csv.Error as error:
            yield Reject(label, "", f"line 1: the header is not valid CSV ({error})", "skipped")
            return
        if fields.get({h: "" for h in header}, "text")[0] is None:
            yield Reject(label, "", f"no text column in the header (its columns: "
                         f"{', '.join(header) or 'none'}); name the one holding the text with "
                         "--field text=NAME", "skipped")
            return
        reported = 0
        for record in csv_records(rows, label):
            if isinstance(record, Reject):
                yield record
                continue
            where, first, values = record
            if len(values) != len(header):
                yield Reject(label, "", f"{where}: {len(values)} fields where the header has "
                             f"{len(header)}", "skipped")
                continue
            row = dict(zip(header, values))
            items = list(guarded(read_record(row, where, label, path.stem, ctx), label, where))
            if len(damaged) > reported and items:
                yield Reject(label, record_id(row, ctx), f"{where}: not valid UTF-8",
                             "decoded with replacement characters")
                reported = len(damaged)
            yield from items
