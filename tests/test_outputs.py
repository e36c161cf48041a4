"""What a run leaves for researchers: the same exports from `timeline extract` as from
`timeline run`, and the publication figures (PNG, SVG, PDF) of the seeds and of 2,000 events."""

from __future__ import annotations

import json
import struct

import pytest

from timeline import cli, exports, figure, tables
import samples


def test_extract_writes_the_exports_of_run(tmp_path, capsys):
    corpus = tmp_path / "corpus.jsonl"
    articles = [
        {"id": "a1", "text": "The minister met his counterpart on Thursday evening. Talks will "
                             "resume next week.", "published": "2025-11-21", "source": "Wire",
         "title": "Talks <b>now</b>", "url": "https://example.org/talks"},
        {"id": "a2", "text": "=HYPERLINK(\"http://x\") Officials said on Monday that the deal "
                             "was signed in late October.", "published": "2025-11-24",
         "url": "javascript:alert(1)"},
    ]
    corpus.write_text("\n".join(json.dumps(a) for a in articles) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    assert cli.main(["extract", "--corpus", str(corpus), "--out", str(out), "--quiet"]) == 0
    for name in ("documents.csv", "mentions.csv", "events.csv", "rejects.csv", "timeline.html",
                 "timeline_js.csv", "timeline.json", "timeline.xlsx", "columns.md"):
        assert (out / name).stat().st_size > 0, name
    events = tables.read_csv(out / "events.csv")
    sheet = tables.read_csv(out / "timeline_js.csv")
    assert sheet.iloc[0]["Type"] == "title" and len(sheet) == 1 + (events.date_start != "").sum()
    assert "Thursday evening, 20 Nov 2025" in set(sheet["Display Date"])
    assert "https://example.org/talks" in set(sheet["Media"])
    assert not any(m.startswith("javascript") for m in sheet["Media"])
    timeline_json = json.loads((out / "timeline.json").read_text(encoding="utf-8"))
    assert len(timeline_json["events"]) == len(sheet) - 1

    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(out / "timeline.xlsx")
    assert book.sheetnames[:3] == ["events", "mentions", "documents"]
    assert book.sheetnames[-1] == "columns"
    assert book["events"].max_row == 1 + len(events)
    assert book["documents"].max_row == 3
    texts = [c.value for c in book["documents"]["J"]]
    hyperlink = next(t for t in texts if t and t.startswith("=HYPERLINK"))
    cell = next(c for c in book["documents"]["J"] if c.value == hyperlink)
    assert cell.data_type == "s"
    dictionary = (out / "columns.md").read_text(encoding="utf-8")
    for column in events.columns:
        assert f"| `{column}` |" in dictionary


def _png_size(path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@pytest.mark.slow
def test_publication_figures_of_the_seeds_and_of_two_thousand_events(seed_tables, tmp_path):
    """Renders the PNG (and SVG, PDF) a person looks at: the seeds, and 2,000 synthetic events."""
    if exports.find_browser() is None:
        pytest.skip("no Chrome/Chromium: install Debian's chromium or set BROWSER_PATH")
    cases = {"seeds": figure.timeline_figure(seed_tables.events, seed_tables.documents,
                                             corpus="seeds"),
             "synthetic": figure.timeline_figure(samples.many_events(2000), corpus="synthetic")}
    for name, fig in cases.items():
        written = exports.export_images(fig, tmp_path, name=name)
        assert not isinstance(written, str), written
        assert [p.suffix for p in written] == [".png", ".svg", ".pdf"]
        width, height = _png_size(written[0])
        assert width == 1400 and height == fig.layout.height + 50
        assert written[0].stat().st_size > 30_000  # a drawn figure, not a blank page
        svg = written[1].read_text(encoding="utf-8")
        labels = [a.text for a in fig.layout.annotations if (a.name or "").startswith("label:")]
        assert labels and all(text in svg for text in labels[:3])
        assert f"corpus {name}" in svg and "updatemenu" not in svg and "rangeslider" not in svg
        assert written[2].read_bytes()[:5] == b"%PDF-"
