"""Plain text files (``.txt``): one article per file, its id the file name
without extension.  A ``.txt`` file whose every non-blank line is a URL is a
URL list (:mod:`timeline.corpus.urls`)."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from ..article import Article
from .checks import (Context, Item, Reject, decode_lines, finish, looks_binary, read_head,
                     replacement_reason, utf16_to_utf8, whole_characters)


def read(path: Path, ctx: Context) -> Iterator[Item]:
    """A .txt file with no manifest row: one article, id = file stem."""
    from . import urls

    label = ctx.label(path)
    data, longer = read_head(path, ctx.read_limit)
    data = utf16_to_utf8(data)
    if not data.strip():
        yield Reject(label, path.stem, "the file is empty", "skipped")
        return
    if looks_binary(data[:8192]):
        yield Reject(label, path.stem, "the file is binary, not text", "skipped")
        return
    if longer:  # cut at a line end, or at least not inside a character
        cut = data.rfind(b"\n")
        data = data[:cut] if cut > 0 else whole_characters(data)
    lines, damaged = decode_lines(data)
    if not longer and urls.is_url_list(lines):
        yield from urls.read_lines(lines, label, ctx)
        return
    if damaged:
        yield Reject(label, path.stem, replacement_reason(damaged),
                     "decoded with replacement characters")
    yield from finish(Article(doc_id=path.stem, text="\n".join(lines)), label, ctx,
                      longer=longer)
