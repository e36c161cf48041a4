"""Labels of the most important events, placed so that they do not overlap.

:func:`label_text` cuts a summary at a word; :func:`rank` orders events by
importance (distinct outlets, confidence, how the date was obtained,
articles); :func:`place` puts each label beside its mark, trying a few
positions, and keeps a label only where its box meets no label placed
before it.  Boxes are estimated in pixels from the figure's size and the
axis ranges, which is what a static export (PNG, SVG, PDF) draws; in the
page, a small script checks the drawn boxes again after every redraw and
hides a label that meets one of higher rank.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Optional, Sequence

#: labels at most in one view
MAX_LABELS = 14
#: characters of a label at most (cut at a word, with an ellipsis)
LABEL_CHARS = 38
FONT_SIZE = 11
#: average advance of one character of the label font, in pixels per point
_CHAR_WIDTH = 0.58
_LINE_HEIGHT = 1.45
#: explicitness of each date_source, for ranking (unknown counts as explicit)
DATE_SOURCE_RANK = {"explicit": 4, "inherited": 3, "narrative": 2, "reported": 1, "none": 0}


def label_text(summary: str, limit: int = LABEL_CHARS) -> str:
    """``summary`` on one line, cut at a word to at most ``limit`` characters."""
    text = " ".join(str(summary or "").split())
    return textwrap.shorten(text, limit, placeholder="…") if text else ""


def rank(n_sources: Sequence[float], confidence: Sequence[float],
         date_source: Sequence[str], n_docs: Sequence[float]) -> list[int]:
    """Indexes of the events, most important first (ties keep table order)."""
    def key(i: int):
        return (-float(n_sources[i]), -float(confidence[i]),
                -DATE_SOURCE_RANK.get(str(date_source[i] or "explicit"), 4),
                -float(n_docs[i]), i)
    return sorted(range(len(n_sources)), key=key)


@dataclass
class Frame:
    """The plot area in pixels and the data ranges it shows."""
    left: float
    top: float
    width: float
    height: float
    x_range: tuple[float, float]   # day ordinals (float)
    y_range: tuple[float, float]   # data y at the top and at the bottom of the plot

    def px(self, x: float, y: float) -> tuple[float, float]:
        x0, x1 = self.x_range
        y_top, y_bottom = self.y_range
        return (self.left + (x - x0) / (x1 - x0) * self.width,
                self.top + (y - y_top) / (y_bottom - y_top) * self.height)


@dataclass
class Placed:
    """One label: the index of its event and how to draw it."""
    index: int
    text: str
    xanchor: str
    xshift: float
    yshift: float
    box: tuple[float, float, float, float]   # left, top, right, bottom (px)


def text_box(text: str, font_size: float = FONT_SIZE) -> tuple[float, float]:
    """Estimated (width, height) of a one-line label in pixels, padding included."""
    return len(text) * font_size * _CHAR_WIDTH + 8, font_size * _LINE_HEIGHT + 4


def _meets(a, b, gap: float = 2.0) -> bool:
    return not (a[2] + gap <= b[0] or b[2] + gap <= a[0] or a[3] + gap <= b[1] or b[3] + gap <= a[1])


def place(anchors: Sequence[tuple[float, float, float]], texts: Sequence[str],
          order: Sequence[int], frame: Frame, limit: int = MAX_LABELS,
          obstacles: Optional[list[tuple[float, float, float, float]]] = None) -> list[Placed]:
    """Place up to ``limit`` labels, in ``order``, without overlap.

    anchors: per event (x, y, radius, point): the mark's centre in data
        units (day ordinal, row), its radius in pixels, and whether it is a
        point (a label never covers another point; bars may be written on).
    texts: the label of each event ("" for none).
    Each label is tried right of its mark, left of it, then above and below;
    the first position inside the plot area that meets no label placed
    before (nor an obstacle box) is kept; a label with no such position is
    left out (its event keeps its hover label).
    """
    placed: list[Placed] = []
    boxes = list(obstacles or [])
    right_edge, bottom_edge = frame.left + frame.width, frame.top + frame.height
    # the points in view, in a grid of cells so that a label meets only its neighbours
    cell = 48.0
    grid: dict[tuple[int, int], list[tuple[int, tuple]]] = {}
    for j, (x, y, radius, point) in enumerate(anchors):
        if point:
            px, py = frame.px(x, y)
            if frame.left <= px <= right_edge and frame.top <= py <= bottom_edge:
                box = (px - radius, py - radius, px + radius, py + radius)
                for gx in range(int(box[0] // cell), int(box[2] // cell) + 1):
                    for gy in range(int(box[1] // cell), int(box[3] // cell) + 1):
                        grid.setdefault((gx, gy), []).append((j, box))

    def covers_point(box, own: int) -> bool:
        for gx in range(int(box[0] // cell), int(box[2] // cell) + 1):
            for gy in range(int(box[1] // cell), int(box[3] // cell) + 1):
                if any(j != own and _meets(box, mark, 0.0) for j, mark in grid.get((gx, gy), ())):
                    return True
        return False
    for i in order:
        if len(placed) >= limit:
            break
        text = texts[i]
        if not text:
            continue
        x, y, radius, _ = anchors[i]
        cx, cy = frame.px(x, y)
        if not (frame.left <= cx <= right_edge and frame.top <= cy <= bottom_edge):
            continue  # not in view
        w, h = text_box(text)
        gap = radius + 3
        candidates = [("left", gap, 0.0), ("right", -gap, 0.0),
                      ("left", gap, h), ("left", gap, -h), ("right", -gap, h), ("right", -gap, -h),
                      ("left", gap, 2 * h), ("left", gap, -2 * h)]
        for xanchor, xshift, yshift in candidates:
            left = cx + xshift if xanchor == "left" else cx + xshift - w
            # Plotly's yshift is upwards: a positive shift moves the label up
            box = (left, cy - yshift - h / 2, left + w, cy - yshift + h / 2)
            if box[0] < frame.left or box[2] > right_edge or box[1] < frame.top \
                    or box[3] > bottom_edge:
                continue
            if any(_meets(box, other) for other in boxes):
                continue
            if covers_point(box, i):
                continue
            placed.append(Placed(i, text, xanchor, xshift, yshift, box))
            boxes.append(box)
            break
    return placed
