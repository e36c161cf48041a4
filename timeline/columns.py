"""The data dictionary: what every column of every table means.

One source, ``timeline/resources/columns.toml``, gives ``columns.md``
(written beside the tables), the "columns" sheet of ``timeline.xlsx`` and
the README's table::

    from timeline import columns
    columns.describe("events", "n_sources")
    columns.write_markdown("outputs/seeds/columns.md", {"events": events})
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Mapping, Optional

import pandas as pd

from .tables import write_text

NOT_DESCRIBED = "(not described in the data dictionary)"


@lru_cache(maxsize=1)
def dictionary() -> dict:
    """The parsed data dictionary (tables, TIMEX3 value codes, confidence scale)."""
    text = resources.files("timeline.resources").joinpath("columns.toml").read_text("utf-8")
    return tomllib.loads(text)


def tables() -> dict[str, dict]:
    """Table name -> {"file", "row", "columns": {column: meaning}}, in the dictionary's order."""
    return {t["name"]: {"file": t["file"], "row": t["row"],
                        "columns": {name: meaning for name, meaning in t["columns"]}}
            for t in dictionary()["table"]}


def describe(table: str, column: str) -> str:
    """The meaning of one column ("" when the table or column is not described)."""
    return tables().get(table, {}).get("columns", {}).get(column, "")


def rows(present: Optional[Mapping[str, pd.DataFrame]] = None) -> pd.DataFrame:
    """One row per (table, column): table, file, column, meaning.

    present: the tables actually written, by name; their columns come first
        in their own order, and a column the dictionary lacks is listed as
        :data:`NOT_DESCRIBED`.  Without it every described column is listed.
    """
    out = []
    for name, table in tables().items():
        described = table["columns"]
        if present is not None and name in present:
            names = list(present[name].columns)
        else:
            names = list(described)
        for column in names:
            out.append({"table": name, "file": table["file"], "column": column,
                        "meaning": described.get(column, NOT_DESCRIBED)})
    return pd.DataFrame(out, columns=["table", "file", "column", "meaning"])


def _cell(text: str) -> str:
    """A Markdown table cell: pipes and angle brackets escaped, no line breaks."""
    return " ".join(str(text).split()).replace("|", "\\|").replace("<", "&lt;")


def markdown(present: Optional[Mapping[str, pd.DataFrame]] = None) -> str:
    """The data dictionary as a Markdown document (the text of columns.md).

    present: as in :func:`rows`; tables not in it are still described,
        marked as not written by this run when ``present`` is given.
    """
    data = dictionary()
    lines = ["# The columns of the timeline tables", "",
             "Every table is UTF-8 CSV, one row per thing; list-valued cells are joined with "
             "`\"; \"`. A text cell starting with `=`, `+`, `-` or `@` is written with a "
             "leading `'` so that no spreadsheet runs it as a formula "
             "(`timeline.tables.read_csv` removes it). timeline.xlsx holds the same tables.", ""]
    listed = rows(present)
    for name, table in tables().items():
        note = ""
        if present is not None and name not in present:
            note = " (not written by this run)"
        lines += [f"## {table['file']}{note}", "", f"One row per {table['row']}.", "",
                  "| column | meaning |", "|---|---|"]
        for row in listed[listed["table"] == name].itertuples():
            lines.append(f"| `{_cell(row.column)}` | {_cell(row.meaning)} |")
        lines.append("")
    codes = data["value_codes"]
    lines += ["## TIMEX3 values", "", codes["intro"], "", "| value | meaning |", "|---|---|"]
    lines += [f"| `{_cell(code)}` | {_cell(meaning)} |" for code, meaning in codes["codes"]]
    scale = data["confidence"]
    lines += ["", "## Confidence", "", scale["intro"], "", "| confidence | meaning |", "|---|---|"]
    lines += [f"| {_cell(value)} | {_cell(meaning)} |" for value, meaning in scale["scale"]]
    return "\n".join(lines) + "\n"


def write_markdown(path: str | Path,
                   present: Optional[Mapping[str, pd.DataFrame]] = None) -> Path:
    """Write :func:`markdown` to ``path`` atomically."""
    return write_text(markdown(present), path)
