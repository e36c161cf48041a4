"""Tidy tables and safe CSV."""

import pandas as pd
import pytest

from timeline import tables


@pytest.mark.parametrize("cell", ["=1+2", "+SUM(A1)", "-2+3", "@cmd", "'=x", "''", "\t=1"])
def test_formula_cells_are_neutralised_and_restored(tmp_path, cell):
    df = pd.DataFrame({"text": [cell, "plain"], "n": [1, -2]})
    path = tables.write_csv(df, tmp_path / "t.csv")
    raw = tables.read_csv(path, raw=True)
    assert not raw["text"][0].startswith(("=", "+", "-", "@", "\t"))
    assert raw["n"].tolist() == ["1", "-2"]  # numbers are not text: left alone
    assert tables.read_csv(path)["text"].tolist() == [cell, "plain"]


def test_raw_option_keeps_formulas(tmp_path):
    df = pd.DataFrame({"text": ["=1+2"]})
    path = tables.write_csv(df, tmp_path / "t.csv", raw=True)
    assert tables.read_csv(path, raw=True)["text"][0] == "=1+2"


def test_plain_quote_is_left_alone(tmp_path):
    df = pd.DataFrame({"text": ["'Tis the season"]})
    path = tables.write_csv(df, tmp_path / "t.csv")
    assert tables.read_csv(path, raw=True)["text"][0] == "'Tis the season"


def test_write_is_atomic_and_leaves_no_temp_files(tmp_path):
    tables.write_csv(pd.DataFrame({"a": [1]}), tmp_path / "x.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.csv"]


def test_frame_keeps_declared_columns_first():
    df = tables.frame([{"b": 1, "zz": 2}], ["a", "b"])
    assert list(df.columns) == ["a", "b", "zz"]


def test_records_are_what_to_dict_gives():
    import numpy as np
    import pandas as pd

    from timeline.tables import records

    df = pd.DataFrame({"n": [1, 2, 3], "x": [0.5, np.nan, 2.0], "s": ["a", None, "c"],
                       "o": pd.Series([{"k": 1}, "", 7], dtype=object)})
    got = records(df)
    want = df.to_dict("records")
    assert len(got) == len(want) == 3
    for g, w in zip(got, want):
        assert g.keys() == w.keys()
        for key in g:
            assert type(g[key]) is type(w[key]), key
            assert g[key] == w[key] or (g[key] != g[key] and w[key] != w[key])  # nan
    assert records(df.iloc[:0]) == []


def test_write_csv_finds_formula_cells_and_carriage_returns_anywhere_in_a_column(tmp_path):
    """The fast whole-column tests miss no cell: a formula in the last cell,
    after empty and missing ones, or a cell holding the column separator of
    the test itself; a bare CR in a column of numbers and text."""
    import math

    import pandas as pd

    frame = pd.DataFrame({
        "a": ["plain", "", None, math.nan, "=SUM(A1)"],
        "b": ["x\x00=y", "\x00", "ok", "'=quoted", "z"],
        "c": [1, "two\rthree", None, "four", "five"],
    })
    tables.write_csv(frame, tmp_path / "t.csv")
    text = (tmp_path / "t.csv").read_bytes().decode("utf-8")
    assert "'=SUM(A1)" in text and "x\x00=y" in text and "''=quoted" in text
    assert '"two\rthree"' in text                   # quoted: one row, not two
    back = tables.read_csv(tmp_path / "t.csv")
    assert back["a"].tolist()[-1] == "=SUM(A1)" and back["b"].tolist()[3] == "'=quoted"
    assert back["c"].tolist()[1] == "two\rthree" and len(back) == 5
    assert tables._may_start_with(tables._joined(["a", "b"]), {"="}) is False
