"""Read and write TempEval-3 TimeML (.tml) files.

A TimeML file holds the document creation time in ``<DCT>`` and the article
in ``<TEXT>``, with ``<TIMEX3>`` and ``<EVENT>`` tags inline, and ``<TLINK>``
relations after the text.  :func:`read` gives back the raw text (tags
removed) with every tag as character offsets into it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Iterator, Optional
from xml.sax.saxutils import escape, quoteattr


@dataclass
class Tag:
    """An inline tag: ``text[start:end]`` with its attributes."""

    name: str
    start: int
    end: int
    attrs: dict


@dataclass
class TimeMLDoc:
    name: str
    text: str
    dct: Optional[date]
    timexes: list[Tag] = field(default_factory=list)
    events: list[Tag] = field(default_factory=list)
    tlinks: list[dict] = field(default_factory=list)
    #: MAKEINSTANCE: event instance id (eiid) -> event id (eid)
    instances: dict = field(default_factory=dict)


def _walk(element, parts: list[str], tags: list[Tag], offset: list[int]) -> None:
    if element.text:
        parts.append(element.text)
        offset[0] += len(element.text)
    for child in element:
        start = offset[0]
        _walk(child, parts, tags, offset)
        tags.append(Tag(child.tag, start, offset[0], dict(child.attrib)))
        if child.tail:
            parts.append(child.tail)
            offset[0] += len(child.tail)


def parse_string(xml: str, name: str = "") -> TimeMLDoc:
    """Parse TimeML from a string."""
    root = ET.fromstring(xml)
    dct = None
    for timex in root.iter("TIMEX3"):
        if timex.get("functionInDocument") == "CREATION_TIME":
            match = re.match(r"(\d{4})-(\d{2})-(\d{2})", timex.get("value", ""))
            if match:
                dct = date(*map(int, match.groups()))
            break
    text_el = root.find("TEXT")
    parts: list[str] = []
    tags: list[Tag] = []
    if text_el is not None:
        _walk(text_el, parts, tags, [0])
    tags.sort(key=lambda t: (t.start, -t.end))
    return TimeMLDoc(
        name=name,
        text="".join(parts),
        dct=dct,
        timexes=[t for t in tags if t.name == "TIMEX3"],
        events=[t for t in tags if t.name == "EVENT"],
        tlinks=[dict(el.attrib) for el in root.iter("TLINK")],
        instances={el.get("eiid"): el.get("eventID") for el in root.iter("MAKEINSTANCE")},
    )


def read(path: str | Path) -> TimeMLDoc:
    """Parse one .tml file."""
    path = Path(path)
    return parse_string(path.read_text(encoding="utf-8"), name=path.name)


def find_files(paths: list[str | Path]) -> Iterator[Path]:
    """Every .tml file under the given files or folders, recursively, sorted."""
    for p in map(Path, paths):
        if p.is_dir():
            yield from sorted(p.rglob("*.tml"))
        elif p.suffix == ".tml":
            yield p


def _element(tag: Tag, inner: str) -> str:
    attrs = " ".join(f"{k}={quoteattr(str(v))}" for k, v in tag.attrs.items())
    return f"<{tag.name} {attrs}>{inner}</{tag.name}>"


def _inline(text: str, start: int, end: int, tags: list[Tag]) -> str:
    """``text[start:end]`` escaped, with ``tags`` (sorted, not overlapping,
    inside the range) around their spans."""
    out, pos = [], start
    for tag in tags:
        out.append(escape(text[pos:tag.start]))
        out.append(_element(tag, escape(text[tag.start:tag.end])))
        pos = tag.end
    out.append(escape(text[pos:end]))
    return "".join(out)


def write(path: str | Path, doc: TimeMLDoc, timexes: list[Tag], events: list[Tag] = ()) -> None:
    """Write ``doc.text`` as TimeML with the given TIMEX3 tags and EVENT tags.

    The XML stays well-formed whatever the spans: a TIMEX3 overlapping one
    written before it is left out; an EVENT inside a TIMEX3 is written
    inside it, one partly overlapping a TIMEX3 or another EVENT is left out.
    """
    kept: list[Tag] = []
    pos = 0
    for tag in sorted(timexes, key=lambda t: t.start):
        if tag.start < pos or tag.end <= tag.start:
            continue
        kept.append(tag)
        pos = tag.end
    inner: dict[int, list[Tag]] = {k: [] for k in range(len(kept))}
    top: list[tuple[Tag, int]] = [(tag, k) for k, tag in enumerate(kept)]
    last_end: dict = {}
    starts = [tag.start for tag in kept]
    for ev in sorted(events, key=lambda t: (t.start, t.end)):
        if ev.end <= ev.start:
            continue
        k = bisect_right(starts, ev.start) - 1
        host = k if k >= 0 and ev.start < kept[k].end else None
        if host is None and k + 1 < len(kept) and kept[k + 1].start < ev.end:
            continue                    # runs into the next TIMEX3
        if host is not None and ev.end > kept[host].end:
            continue                    # partly inside a TIMEX3
        if ev.start < last_end.get(host, -1):
            continue                    # overlaps the EVENT before it
        last_end[host] = ev.end
        if host is None:
            top.append((ev, -1))
        else:
            inner[host].append(ev)
    out = []
    pos = 0
    for tag, k in sorted(top, key=lambda item: item[0].start):
        out.append(escape(doc.text[pos:tag.start]))
        body = _inline(doc.text, tag.start, tag.end, inner[k]) if k >= 0 \
            else escape(doc.text[tag.start:tag.end])
        out.append(_element(tag, body))
        pos = tag.end
    out.append(escape(doc.text[pos:]))
    dct = doc.dct.isoformat() if doc.dct else ""
    xml = (
        '<?xml version="1.0" ?>\n<TimeML>\n'
        f"<DOCID>{escape(Path(doc.name).stem)}</DOCID>\n"
        f'<DCT><TIMEX3 tid="t0" type="DATE" value="{dct}" temporalFunction="false" '
        f'functionInDocument="CREATION_TIME">{dct}</TIMEX3></DCT>\n'
        f"<TEXT>{''.join(out)}</TEXT>\n</TimeML>\n"
    )
    Path(path).write_text(xml, encoding="utf-8")
