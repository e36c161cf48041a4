"""The new corpus formats through the whole extraction and the command line: the
mentions of a saved page and of an export, undated articles reported, a run that
reads nothing, an output folder inside the corpus, input escaped on the terminal."""

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from timeline import cli, pipeline, tables
from webserver import server  # noqa: F401  (a fixture)

WEB = Path(__file__).resolve().parent / "fixtures" / "web"


def values(result, text):
    mentions = result.mentions
    return mentions[mentions.text == text].value.tolist()


def test_saved_page_mentions_are_resolved_against_its_own_date(nlp):
    result = pipeline.extract(WEB / "saved_page.html", progress=False)
    (doc,) = result.documents.itertuples()
    assert doc.published == "2025-11-21" and doc.source == "Example Wire"
    assert values(result, "Thursday") == ["2025-11-20"]
    assert values(result, "next week") == ["2025-W48"]
    assert values(result, "December") == ["2025-12"]
    assert "May 25, 2018" not in set(result.mentions.text)   # the cookie banner is gone
    assert "Friday" not in set(result.mentions.text)         # so is the comment
    for m in result.mentions.itertuples():                     # offsets into the extracted text
        assert doc.text[int(m.start):int(m.end)] == m.text
    assert result.summary["undated_articles"] == 0


def test_export_and_other_field_names_give_dated_mentions(nlp, tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    shutil.copy(WEB / "newsapi.json", folder)
    shutil.copy(WEB / "jsonld_only.html", folder)
    result = pipeline.extract(folder, progress=False)
    docs = result.documents.set_index("doc_id")
    assert docs.loc["https://example.org/world/talks", "source"] == "Example Wire"
    assert docs.loc["jsonld_only", "published"] == "2025-10-03"
    talks = result.mentions[result.mentions.doc_id == "https://example.org/world/talks"]
    assert dict(zip(talks.text, talks.value)) == {"Thursday": "2025-11-20",
                                                  "next week": "2025-W48"}
    strike = result.mentions[result.mentions.doc_id == "jsonld_only"]
    assert dict(zip(strike.text, strike.value))["Friday"] == "2025-10-03"
    assert len(result.rejects) == 1 and "no text field" in result.rejects.reason[0]


def test_fields_and_date_order_reach_the_tables(nlp):
    result = pipeline.extract(WEB / "other_fields.jsonl", fields={"id": "uid"},
                              date_order="DMY", progress=False)
    docs = result.documents.set_index("doc_id")
    assert docs.loc["of-3", "published"] == "2025-06-05"
    assert values(result, "Saturday") == ["2025-06-07"]
    assert docs.loc["of-4", "published"] == ""  # 'yesterday' is no publication date
    assert result.summary["undated_articles"] == 1
    assert result.summary["unresolved_mentions"] >= 1  # its "yesterday"
    line = result.summary_line()
    assert "1 article without a publication date" in line
    assert "--default-published" in line and "--infer-dates" in line


def test_infer_dates_reads_a_full_dateline(nlp, tmp_path):
    (tmp_path / "a.txt").write_text("Bridge reopens\nPublished: 4 Mar 2024\n"
                                    "The bridge reopened on Monday.", "utf-8")
    plain = pipeline.extract(tmp_path / "a.txt", progress=False)
    assert plain.summary["undated_articles"] == 1 and values(plain, "Monday") == ["XXXX-WXX-1"]
    inferred = pipeline.extract(tmp_path / "a.txt", infer_dates=True, progress=False)
    assert inferred.summary["undated_articles"] == 0
    assert values(inferred, "Monday") == ["2024-03-04"]


def test_out_inside_the_corpus_stops_before_any_work(tmp_path):
    from timeline.corpus import CorpusError

    (tmp_path / "a.txt").write_text("Talks on Monday.", "utf-8")
    with pytest.raises(CorpusError, match="inside the corpus folder"):
        pipeline.extract(tmp_path, out=tmp_path / "out", progress=False)
    assert cli.main(["extract", "--corpus", str(tmp_path), "--out", str(tmp_path / "out"),
                     "--quiet"]) == 2
    assert not (tmp_path / "out").exists()


def test_nothing_read_exits_4_with_one_line(tmp_path, capsys, nlp):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "report.pdf").write_bytes(b"%PDF-1.4")
    (corpus / "memo.docx").write_bytes(b"PK\x03\x04")
    code = cli.main(["extract", "--corpus", str(corpus), "--out", str(tmp_path / "o"), "--quiet",
                     "--no-figure"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 4
    assert err[-1] == (f"timeline extract: no article read in {corpus}: 2 files of kinds it "
                       "cannot read (.docx, .pdf)")
    summary = json.loads((tmp_path / "o" / "summary.json").read_text("utf-8"))
    assert summary["articles"] == 0
    assert summary["nothing_read"] == "2 files of kinds it cannot read (.docx, .pdf)"


def test_strict_still_exits_3_when_articles_were_read(tmp_path, nlp):
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "a.txt").write_text("Talks on Monday.", "utf-8")
    (tmp_path / "c" / "b.pdf").write_bytes(b"%PDF")
    args = ["extract", "--corpus", str(tmp_path / "c"), "--out", str(tmp_path / "o"), "--quiet",
            "--no-figure"]
    assert cli.main(args) == 0
    assert cli.main(args + ["--strict"]) == 3


def test_bad_field_option_is_a_usage_error(tmp_path, capsys):
    (tmp_path / "a.jsonl").write_text("{}\n", "utf-8")
    code = cli.main(["extract", "--corpus", str(tmp_path / "a.jsonl"), "--out",
                     str(tmp_path / "o"), "--field", "words"])
    assert code == 2
    assert capsys.readouterr().err.strip() == ("timeline extract: --field: a field mapping is "
                                               "FIELD=NAME (text=content), not 'words'")


def test_input_cannot_forge_terminal_lines(tmp_path, capsys, nlp):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "x\n0 articles read, 0 rejected\x1b[2K.pdf").write_bytes(b"%PDF")
    (corpus / "ids.jsonl").write_text(json.dumps({"id": "a\rb", "text": "Talks on Monday."})
                                      + "\n", "utf-8")
    cli.main(["extract", "--corpus", str(corpus), "--out", str(tmp_path / "o"), "--quiet",
              "--no-figure"])
    captured = capsys.readouterr()
    for line in captured.err.splitlines():
        assert "\x1b" not in line and "\r" not in line
    rejected = [line for line in captured.err.splitlines() if line.startswith("rejected ")]
    assert len(rejected) == 2
    assert any("x\\n0 articles read, 0 rejected\\x1b[2K.pdf" in line for line in rejected)
    assert not any(line.startswith("0 articles read") for line in captured.out.splitlines())
    docs = tables.read_csv(tmp_path / "o" / "documents.csv")
    assert docs.doc_id.tolist() == ["a_b"]


def test_url_option_fetches_caches_and_extracts(tmp_path, server, nlp):
    cache = tmp_path / "pages"
    args = ["extract", "--url", f"{server}/page", "--url", f"{server}/missing",
            "--out", str(tmp_path / "o"), "--fetch-cache", str(cache), "--quiet", "--no-figure"]
    assert cli.main(args) == 0
    docs = tables.read_csv(tmp_path / "o" / "documents.csv")
    assert docs.doc_id.tolist() == [f"{server}/page"]
    assert docs.published.tolist() == ["2025-11-12"]
    mentions = tables.read_csv(tmp_path / "o" / "mentions.csv")
    assert set(zip(mentions.text, mentions.value)) == {("Tuesday", "2025-11-11")}
    rejects = tables.read_csv(tmp_path / "o" / "rejects.csv")
    assert rejects.reason.tolist() == [f"{server}/missing: HTTP 404 Not Found"]
    assert len(list(cache.glob("*.html"))) == 1
