"""The tables as one Excel workbook, ``timeline.xlsx`` (openpyxl).

Sheets: events, mentions, documents (and any other table given), then
"columns", the data dictionary (:mod:`timeline.columns`).  Every text cell is
written as a string, never as a formula: a cell starting with ``=``, ``+``,
``-`` or ``@`` stays text (string type, with Excel's quote prefix), so the
text of the articles cannot run in a spreadsheet.  Excel limits a cell to
32,767 characters and forbids some control characters: longer cells are cut
with a marker and control characters dropped, and the "columns" sheet says
so; the CSV files keep the exact text.
"""

from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path
from typing import Mapping

import pandas as pd

from . import columns as data_dictionary

#: the longest text Excel keeps in one cell
MAX_CELL = 32_767
TRUNCATED = " […cut: Excel keeps 32,767 characters per cell; the CSV has the whole text]"
FORMULA_START = ("=", "+", "-", "@")
#: sheet order for the tables the project writes
SHEET_ORDER = ("events", "mentions", "documents", "event_mentions", "entities",
               "entity_timelines", "rejects")


def _value(value):
    """A cell value openpyxl can store: numbers and booleans as they are,
    everything else as text (NaN and None empty)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return None if isinstance(value, float) and math.isnan(value) else value
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        try:
            return _value(value.item())
        except (TypeError, ValueError):
            pass
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    if len(text) > MAX_CELL:
        text = text[: MAX_CELL - len(TRUNCATED)] + TRUNCATED
    return text


def _fill(sheet, df: pd.DataFrame) -> None:
    from openpyxl.styles import Font

    sheet.append([str(c) for c in df.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row_number, record in enumerate(df.itertuples(index=False, name=None), start=2):
        for col_number, raw in enumerate(record, start=1):
            value = _value(raw)
            if value is None or value == "":
                continue
            cell = sheet.cell(row=row_number, column=col_number)
            cell.value = value
            if isinstance(value, str):
                # openpyxl would store "=..." as a formula: force a string cell
                cell.data_type = "s"
                if value.startswith(FORMULA_START):
                    cell.quotePrefix = True
    sheet.freeze_panes = "A2"
    for col_number, name in enumerate(df.columns, start=1):
        letter = sheet.cell(row=1, column=col_number).column_letter
        sample = [len(str(name))] + [len(str(v)) for v in df[name].head(50)]
        sheet.column_dimensions[letter].width = max(8, min(60, max(sample) + 2))
    if df.shape[0]:
        sheet.auto_filter.ref = sheet.dimensions


def workbook_tables(named: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The sheets to write, in :data:`SHEET_ORDER` then the others, "columns" last."""
    ordered = {name: named[name] for name in SHEET_ORDER if name in named and named[name] is not None}
    ordered.update({n: t for n, t in named.items() if n not in ordered and t is not None})
    dictionary = data_dictionary.rows(ordered)
    notes = pd.DataFrame([{"table": "(all)", "file": "timeline.xlsx", "column": "(all)",
                           "meaning": "text cells are text, never formulas; cells longer than "
                                      "32,767 characters are cut and control characters dropped "
                                      "(Excel's limits): the CSV files hold the exact text that "
                                      "the offsets point into"}])
    ordered["columns"] = pd.concat([dictionary, notes], ignore_index=True)
    return ordered


def write_workbook(named: Mapping[str, pd.DataFrame], path: str | Path) -> Path:
    """Write the tables ``named`` (sheet name -> DataFrame) as one .xlsx file.

    The file is written to a temporary name and renamed, so a reader never
    sees half a workbook.  Returns the path.
    """
    from openpyxl import Workbook

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    book.remove(book.active)
    for name, df in workbook_tables(named).items():
        _fill(book.create_sheet(title=name[:31]), df)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        book.save(tmp)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
