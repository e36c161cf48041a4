"""TimeML files (``.tml``, the TempEval data): the ``<TEXT>`` element, dated
by the document creation time in ``<DCT>``, the id the file name."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from ..article import Article
from .checks import (Context, Item, Reject, decode_text, finish, read_whole,
                     repair_surrogate_refs, repaired_reason, xml_depth_problem, xml_problem)


def read(path: Path, ctx: Context) -> Iterator[Item]:
    from xml.etree.ElementTree import ParseError

    from .. import timeml

    label = ctx.label(path)
    data, reject = read_whole(path, label, path.stem, what="TimeML file")
    if reject:
        yield reject
        return
    text, damaged = decode_text(data)
    text, repaired = repair_surrogate_refs(text)
    try:
        doc = timeml.parse_string(text, name=path.name)
    except (ParseError, ValueError) as error:
        yield Reject(label, path.stem, f"not well-formed TimeML ({xml_problem(error)})",
                     "skipped")
        return
    except RecursionError:
        # counted only then, so that well-behaved files are parsed once
        deep = xml_depth_problem(text) or "elements nested too deeply"
        yield Reject(label, path.stem, f"not usable TimeML ({deep})", "skipped")
        return
    if damaged:
        yield Reject(label, path.stem, "not valid UTF-8", "decoded with replacement characters")
    yield from finish(Article(doc_id=path.stem, text=doc.text, published=doc.dct), label, ctx,
                      repaired=repaired)
