"""Exports: the TimelineJS sheet, safe CSV files, PNG/SVG images."""

from __future__ import annotations

import csv

import pytest

from timeline import exports, figure, tables
import samples


def sheet_rows() -> dict[str, dict]:
    sheet = exports.timelinejs(samples.events())
    ids = [e for e in samples.events().event_id if e != "e8"]
    return {event_id: row for event_id, row in zip(ids, sheet.to_dict("records"))}


def test_timelinejs_has_exactly_the_template_columns():
    sheet = exports.timelinejs(samples.events())
    assert list(sheet.columns) == [
        "Year", "Month", "Day", "Time", "End Year", "End Month", "End Day", "End Time",
        "Display Date", "Headline", "Text", "Media", "Media Credit", "Media Caption",
        "Media Thumbnail", "Type", "Group", "Background"]
    assert len(sheet) == 7  # the undated event is left out


def test_timelinejs_dates_stay_as_precise_as_the_text():
    rows = sheet_rows()
    day = rows["e2"]
    assert (day["Year"], day["Month"], day["Day"], day["End Year"]) == ("2025", "11", "27", "")
    assert day["Display Date"] == "Thu 27 Nov 2025"
    week = rows["e3"]
    assert (week["Day"], week["End Year"], week["End Month"], week["End Day"]) == \
        ("17", "2025", "11", "23")
    late_october = rows["e4"]
    assert (late_october["Month"], late_october["Day"], late_october["End Day"]) == ("10", "21", "31")
    year = rows["e5"]
    assert (year["Year"], year["Month"], year["Day"], year["End Year"]) == ("2025", "", "", "")
    assert year["Display Date"] == "2025"
    decade = rows["e6"]
    assert (decade["Year"], decade["Month"], decade["End Year"], decade["End Month"]) == \
        ("1990", "", "1999", "")
    whole_month = exports.timelinejs(samples.hostile_events()).iloc[1]
    assert (whole_month["Month"], whole_month["Day"], whole_month["End Year"]) == ("10", "", "")
    assert whole_month["Display Date"] == "October 2025"


def test_timelinejs_text_fields_hold_the_story():
    row = sheet_rows()["e1"]
    assert row["Headline"] == "Zelensky meets Rubio in Geneva"
    assert "The sentence of e1." in row["Text"] and "“on Thursday”" in row["Text"]
    assert "RT, MWN" in row["Text"]
    assert row["Group"] == "Zelensky"


def test_timelinejs_escapes_markup_from_the_articles():
    sheet = exports.timelinejs(samples.hostile_events())
    first = sheet.iloc[0]
    assert first["Headline"].startswith("&lt;script&gt;alert(1)&lt;/script&gt;")
    assert "&lt;a href=&quot;javascript:alert(2)&quot;&gt;" in first["Text"]
    assert "<script" not in "".join(sheet["Headline"]) + "".join(sheet["Text"])
    assert "<a " not in "".join(sheet["Text"])


def _cells(path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_csv_cells_never_start_a_formula_unless_raw(tmp_path):
    events = samples.hostile_events()
    mentions = tables.frame([{"mention_id": "m1", "doc_id": "evil-1", "text": "=cmd()",
                              "actor": "-2+3", "summary": "@SUM(A1)"}], tables.MENTION_COLUMNS)
    written = exports.write_exports(events, tmp_path / "safe", mentions=mentions)
    assert set(written) == {"events", "mentions", "timeline_js"}
    for path in written.values():
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


def test_write_exports_can_leave_the_tables_alone(tmp_path):
    written = exports.write_exports(samples.events(), tmp_path, tables=False)
    assert list(written) == ["timeline_js"]
    assert [p.name for p in tmp_path.iterdir()] == ["timeline_js.csv"]
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
def test_images_are_written_as_png_and_svg_where_chromium_is(tmp_path):
    if exports.find_browser() is None:
        pytest.skip("no Chrome/Chromium: install Debian's chromium or set BROWSER_PATH")
    fig = figure.timeline_figure(samples.events(), samples.documents())
    written = exports.export_images(fig, tmp_path)
    assert not isinstance(written, str), written
    assert [p.name for p in written] == ["timeline.png", "timeline.svg"]
    assert written[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = written[1].read_text(encoding="utf-8")
    assert "<svg" in svg and "Zelensky" in svg
    assert sorted(p.name for p in tmp_path.iterdir()) == ["timeline.png", "timeline.svg"]
