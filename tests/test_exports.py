"""Exports: the TimelineJS sheet, safe CSV files, PNG/SVG images."""

from __future__ import annotations

import csv
import json

import pandas as pd

import pytest

from timeline import exports, figure, tables
import samples


def sheet_rows() -> dict[str, dict]:
    sheet = exports.timelinejs(samples.events(), samples.documents())
    ids = [e for e in samples.events().event_id if e != "e8"]
    assert sheet.iloc[0]["Type"] == "title"
    return {event_id: row for event_id, row in zip(ids, sheet.iloc[1:].to_dict("records"))}


def test_timelinejs_has_exactly_the_template_columns():
    sheet = exports.timelinejs(samples.events())
    assert list(sheet.columns) == [
        "Year", "Month", "Day", "Time", "End Year", "End Month", "End Day", "End Time",
        "Display Date", "Headline", "Text", "Media", "Media Credit", "Media Caption",
        "Media Thumbnail", "Type", "Group", "Background"]
    assert len(sheet) == 8  # the title slide, then the dated events (e8 has no date)


def test_timelinejs_dates_stay_as_precise_as_the_text():
    rows = sheet_rows()
    day = rows["e2"]
    assert (day["Year"], day["Month"], day["Day"], day["End Year"]) == ("2025", "11", "27", "")
    assert day["Display Date"] == "Thursday, 27 Nov 2025"  # "next Thursday", out of context
    week = rows["e3"]
    assert (week["Day"], week["End Year"], week["End Month"], week["End Day"]) == \
        ("17", "2025", "11", "23")
    late_october = rows["e4"]
    assert (late_october["Month"], late_october["Day"], late_october["End Day"]) == ("10", "21", "31")
    year = rows["e5"]
    assert (year["Year"], year["Month"], year["Day"], year["End Year"]) == ("2025", "", "", "")
    assert year["Display Date"] == "2025"
    assert late_october["Display Date"] == "late October 2025"
    decade = rows["e6"]
    assert (decade["Year"], decade["Month"], decade["End Year"], decade["End Month"]) == \
        ("1990", "", "1999", "")
    assert decade["Display Date"] == "1990s"
    whole_month = exports.timelinejs(samples.hostile_events()).iloc[2]
    assert (whole_month["Month"], whole_month["Day"], whole_month["End Year"]) == ("10", "", "")
    assert whole_month["Display Date"] == "October 2025"


def test_timelinejs_text_fields_hold_the_story():
    row = sheet_rows()["e1"]
    assert row["Headline"] == "Zelensky meets Rubio in Geneva"
    assert "The sentence of e1." in row["Text"] and "“on Thursday”" in row["Text"]
    assert "RT, MWN" in row["Text"]
    assert row["Group"] == "Zelensky"  # the lane of the figure
    assert row["Media"] == "https://www.rt.com/news/geneva/"  # rt-1's address
    assert row["Media Credit"] == "RT" and row["Media Caption"] == "Rubio hails progress at Geneva talks"
    assert sheet_rows()["e7"]["Media"] == ""  # cairo-5 has only a javascript: address


def test_timelinejs_escapes_markup_from_the_articles():
    sheet = exports.timelinejs(samples.hostile_events(), samples.hostile_documents(),
                               title=f"Story {samples.SCRIPT}")
    assert sheet.iloc[0]["Headline"] == "Story &lt;script&gt;alert(1)&lt;/script&gt;"
    first = sheet.iloc[1]
    assert first["Headline"].startswith("&lt;script&gt;alert(1)&lt;/script&gt;")
    assert "&lt;a href=&quot;javascript:alert(2)&quot;&gt;" in first["Text"]
    assert "<script" not in "".join(sheet["Headline"]) + "".join(sheet["Text"])
    assert "<a " not in "".join(sheet["Text"])
    assert "<" not in "".join(sheet["Group"]) + "".join(sheet["Media"])
    assert set(sheet["Media"]) == {""}  # the hostile article's javascript: URL is dropped


def _cells(path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_csv_cells_never_start_a_formula_unless_raw(tmp_path):
    events = samples.hostile_events()
    mentions = tables.frame([{"mention_id": "m1", "doc_id": "evil-1", "text": "=cmd()",
                              "actor": "-2+3", "summary": "@SUM(A1)"}], tables.MENTION_COLUMNS)
    written = exports.write_exports(events, tmp_path / "safe", mentions=mentions)
    assert set(written) == {"events", "mentions", "timeline_js", "timeline_json", "workbook",
                            "columns"}
    for path in (written["events"], written["mentions"], written["timeline_js"]):
        for row in _cells(path)[1:]:
            for cell in row:
                assert not cell.startswith(("=", "+", "-", "@")), (path.name, cell)
    events_cells = [c for row in _cells(written["events"]) for c in row]
    assert "'=1+1" in events_cells and "'@evil" in events_cells
    assert "'+cmd|' /C calc'!A0" in events_cells
    # reading them back gives the original text
    back = tables.read_csv(written["events"])
    assert list(back["actors"]) == list(events["actors"])
    assert list(tables.read_csv(written["mentions"])["text"]) == ["=cmd()"]

    raw = exports.write_exports(events, tmp_path / "raw", raw=True)
    assert "=1+1" in [c for row in _cells(raw["events"]) for c in row]
    assert "mentions" not in raw
    assert _cells(raw["events"])[0][0] == "event_id"  # plain UTF-8: no byte order mark
    assert raw["events"].read_bytes()[:3] != b"\xef\xbb\xbf"


def test_write_exports_can_leave_the_tables_alone(tmp_path):
    written = exports.write_exports(samples.events(), tmp_path, tables=False, workbook=False)
    assert list(written) == ["timeline_js", "timeline_json", "columns"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["columns.md", "timeline.json",
                                                          "timeline_js.csv"]
    assert _cells(written["timeline_js"])[0] == exports.TIMELINEJS_COLUMNS


def test_images_are_skipped_with_one_line_when_no_browser(tmp_path, monkeypatch):
    fig = figure.timeline_figure(samples.events())
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-chrome"))
    message = exports.export_images(fig, tmp_path / "img")
    assert isinstance(message, str) and "\n" not in message
    assert message.startswith("images skipped:") and "no-chrome" in message
    monkeypatch.delenv("BROWSER_PATH")
    monkeypatch.setattr(exports, "CHROMIUM_CANDIDATES", ())
    monkeypatch.setattr(exports.shutil, "which", lambda name: None)
    message = exports.export_images(fig, tmp_path / "img")
    assert message.startswith("images skipped:") and "BROWSER_PATH" in message
    assert not (tmp_path / "img").exists()


@pytest.mark.slow
def test_images_are_written_as_png_svg_and_pdf_where_chromium_is(tmp_path):
    if exports.find_browser() is None:
        pytest.skip("no Chrome/Chromium: install Debian's chromium or set BROWSER_PATH")
    fig = figure.timeline_figure(samples.events(), samples.documents())
    written = exports.export_images(fig, tmp_path)
    assert not isinstance(written, str), written
    assert [p.name for p in written] == ["timeline.png", "timeline.svg", "timeline.pdf"]
    assert written[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = written[1].read_text(encoding="utf-8")
    assert "<svg" in svg and "Zelensky" in svg
    assert sorted(p.name for p in tmp_path.iterdir()) == ["timeline.pdf", "timeline.png",
                                                          "timeline.svg"]


# -- Display Date, TimelineJS JSON -------------------------------------------------


@pytest.mark.parametrize("texts, start, end, granularity, expected", [
    ("in late October", "2025-10-01", "2025-10-31", "month", "late October 2025"),
    ("Thursday evening", "2025-11-20", "2025-11-20", "time", "Thursday evening, 20 Nov 2025"),
    ("on Friday morning", "2025-11-21", "2025-11-21", "time", "Friday morning, 21 Nov 2025"),
    ("next Thursday; Thursday", "2025-11-27", "2025-11-27", "day", "Thursday, 27 Nov 2025"),
    ("early 2026", "2026-01-01", "2026-12-31", "year", "early 2026"),
    ("the spring of 2025", "2025-03-01", "2025-05-31", "season", "spring of 2025"),
    ("on 20 November", "2025-11-20", "2025-11-20", "day", "20 November 2025"),
    ("mid-December", "2025-12-01", "2025-12-31", "month", "mid-December 2025"),
    # no calendar word: the resolved date in words
    ("last week", "2025-11-10", "2025-11-16", "week", "10 Nov 2025 – 16 Nov 2025"),
    ("yesterday", "2025-11-20", "2025-11-20", "day", "Thu 20 Nov 2025"),
    ("earlier this month", "2025-11-01", "2025-11-30", "month", "November 2025"),
])
def test_display_date_keeps_the_texts_modifiers_and_parts_of_day(texts, start, end,
                                                                 granularity, expected):
    assert exports.display_date(texts, figure.as_date(start), figure.as_date(end),
                                granularity) == expected


def _check_date(value, where):
    assert isinstance(value, dict) and set(value) <= {"year", "month", "day", "hour", "minute",
                                                      "second", "millisecond", "display_date"}, where
    assert isinstance(value["year"], int), where
    if "month" in value:
        assert isinstance(value["month"], int) and 1 <= value["month"] <= 12, where
    if "day" in value:
        assert "month" in value and isinstance(value["day"], int) and 1 <= value["day"] <= 31, where


def _check_slide(slide, where, title=False):
    """A slide as TimelineJS documents it (timeline.knightlab.com/docs/json-format.html)."""
    allowed = {"start_date", "end_date", "text", "media", "group", "display_date", "background",
               "autolink", "unique_id"}
    assert set(slide) <= allowed, (where, set(slide) - allowed)
    if not title:
        _check_date(slide["start_date"], where)
    if "end_date" in slide:
        _check_date(slide["end_date"], where)
        start, end = slide["start_date"], slide["end_date"]
        assert (start["year"], start.get("month", 1), start.get("day", 1)) <= \
            (end["year"], end.get("month", 12), end.get("day", 31)), where
    assert set(slide.get("text", {})) <= {"headline", "text"}, where
    assert all(isinstance(v, str) for v in slide.get("text", {}).values()), where
    if "media" in slide:
        assert set(slide["media"]) <= {"url", "caption", "credit", "thumbnail", "alt", "title",
                                       "link", "link_target"}, where
        assert slide["media"]["url"].startswith(("http://", "https://")), where
    for key in ("group", "display_date", "unique_id"):
        assert isinstance(slide.get(key, ""), str), where


def test_timelinejs_json_has_the_documented_structure(tmp_path):
    events = pd.concat([samples.events(), samples.hostile_events()], ignore_index=True)
    documents = pd.concat([samples.documents(), samples.hostile_documents()], ignore_index=True)
    path = exports.write_timelinejs_json(events, tmp_path / "timeline.json", documents,
                                         title="Seeds")
    raw = path.read_text(encoding="utf-8")
    assert "<" not in raw  # escaped even inside JSON strings: safe to inline in a page
    doc = json.loads(raw)
    assert set(doc) <= {"title", "events", "eras", "scale"}
    _check_slide(doc["title"], "title", title=True)
    assert doc["title"]["text"]["headline"] == "Seeds"
    assert "10 events from 6 articles" in doc["title"]["text"]["text"]
    assert len(doc["events"]) == 10
    for i, slide in enumerate(doc["events"]):
        _check_slide(slide, i)
    ids = [s["unique_id"] for s in doc["events"]]
    assert len(set(ids)) == len(ids) and "e8" not in ids
    by_id = {s["unique_id"]: s for s in doc["events"]}
    assert by_id["e2"]["start_date"] == {"year": 2025, "month": 11, "day": 27}
    assert "end_date" not in by_id["e2"]
    assert by_id["e4"]["end_date"] == {"year": 2025, "month": 10, "day": 31}
    assert by_id["e5"]["start_date"] == {"year": 2025}
    assert by_id["e1"]["media"]["url"] == "https://www.rt.com/news/geneva/"
    assert by_id["e4"]["display_date"] == "late October 2025"
    assert by_id["e1"]["group"] == "Zelensky"
    hostile = json.dumps(by_id["h1"], ensure_ascii=False)
    assert "<script" not in hostile and "javascript:" not in hostile.replace(
        "javascript:alert(2)&quot;", "")
    assert "media" not in by_id["h1"]


# -- workbook and data dictionary ----------------------------------------------------


def test_workbook_has_the_sheets_and_rows_and_no_formulas(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    events = pd.concat([samples.events(), samples.hostile_events()], ignore_index=True)
    documents = pd.concat([samples.documents(), samples.hostile_documents()], ignore_index=True)
    documents.loc[0, "text"] = "x" * 40_000 + "\x01"  # longer than an Excel cell, a control char
    mentions = tables.frame([{"mention_id": "m1", "doc_id": "evil-1", "text": "=cmd()",
                              "actor": "-2+3", "summary": "@SUM(A1)", "start": 3}],
                            tables.MENTION_COLUMNS)
    written = exports.write_exports(events, tmp_path, mentions=mentions, documents=documents)
    book = openpyxl.load_workbook(written["workbook"])
    assert book.sheetnames == ["events", "mentions", "documents", "columns"]
    sheets = {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}
    assert list(sheets["events"][0]) == list(events.columns)
    assert len(sheets["events"]) == 1 + len(events)
    assert len(sheets["mentions"]) == 2 and len(sheets["documents"]) == 1 + len(documents)
    for name in ("events", "mentions", "documents"):
        for row in book[name].iter_rows():
            for cell in row:
                assert cell.data_type != "f", (name, cell.coordinate, cell.value)
    values = {v for row in sheets["events"] for v in row}
    assert {"=1+1", "@evil", "+cmd|' /C calc'!A0", "<script>alert(1)</script> =HYPERLINK(1)"} <= values
    assert "=cmd()" in {v for row in sheets["mentions"] for v in row}
    text = sheets["documents"][1][list(documents.columns).index("text")]
    assert len(text) <= 32_767 and "\x01" not in text and "cut" in text
    described = {(t, c) for t, _, c, _ in sheets["columns"][1:]}
    assert {("events", c) for c in events.columns} <= described
    assert {("mentions", c) for c in tables.MENTION_COLUMNS} <= described
    # the xlsx itself holds no formula element
    import zipfile
    with zipfile.ZipFile(written["workbook"]) as archive:
        assert not any(b"<f>" in archive.read(n) for n in archive.namelist() if n.endswith(".xml"))


def test_data_dictionary_explains_every_column_value_code_and_the_confidence_scale(tmp_path):
    from timeline import columns
    for name, names in (("documents", tables.DOCUMENT_COLUMNS), ("mentions", tables.MENTION_COLUMNS),
                        ("events", tables.EVENT_COLUMNS), ("rejects", tables.REJECT_COLUMNS),
                        ("timeline_js", exports.TIMELINEJS_COLUMNS)):
        missing = [c for c in names if not columns.describe(name, c)]
        assert not missing, (name, missing)
    # the columns the events work adds (issue 12) are described already
    for column in ("n_sources", "date_source"):
        assert columns.describe("events", column)
    for table in ("entities", "entity_timelines", "event_mentions"):
        assert columns.tables()[table]["columns"]
    text = columns.write_markdown(tmp_path / "columns.md",
                                  {"events": samples.events().assign(extra_col="x")}).read_text("utf-8")
    for code in ("PXD", "PRESENT_REF", "PAST_REF", "FUTURE_REF", "TNI", "2025-W47", "XXXX"):
        assert code in text, code
    assert "## Confidence" in text and "0 to 1" in text
    assert "| `extra_col` | (not described in the data dictionary) |" in text
    assert "## mentions.csv (not written by this run)" in text


def test_group_is_the_lane_of_the_figure_drawn():
    events = samples.events()
    fig = figure.timeline_figure(events, max_lanes=2)
    sheet = exports.timelinejs(events, lanes_by_id=exports.figure_lanes(fig))
    groups = dict(zip([e for e in events.event_id if e != "e8"], sheet["Group"][1:]))
    assert groups == {"e1": "Rubio", "e2": "Vladimir Putin", "e3": "other", "e4": "Rubio",
                      "e5": "other", "e6": "other", "e7": "other"}
