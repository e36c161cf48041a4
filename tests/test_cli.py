"""The command line: its contract, and one clear line for bad arguments."""

import json
import os
import subprocess
import sys

import pytest

from timeline import cli, tables
from conftest import SEEDS


def run_cli(*args, cwd=None):
    """Run `python -m timeline.cli` in a subprocess, as a user would."""
    return subprocess.run([sys.executable, "-m", "timeline.cli", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=600)


def assert_one_line_error(result, code, fragment):
    assert result.returncode == code, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert fragment in lines[0]


def test_missing_corpus_is_a_usage_error(tmp_path):
    result = run_cli("extract", "--corpus", str(tmp_path / "nope"), "--out", str(tmp_path / "o"))
    assert_one_line_error(result, 2, "corpus not found")
    assert not (tmp_path / "o").exists()


def test_malformed_date_is_a_usage_error(tmp_path):
    result = run_cli("extract", "--corpus", str(SEEDS), "--out", str(tmp_path / "o"),
                     "--default-published", "2025-13-45")
    assert_one_line_error(result, 2, "not an ISO date")


def test_output_that_is_a_file_is_a_usage_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run_cli("extract", "--corpus", str(SEEDS), "--out", str(blocker / "sub"))
    assert_one_line_error(result, 2, "cannot be created")


def test_unknown_notebook_parameter_is_a_usage_error(tmp_path):
    result = run_cli("run", "--corpus", str(SEEDS), "--out", str(tmp_path / "o"),
                     "-p", "no_such_parameter", "1")
    assert_one_line_error(result, 2, "no_such_parameter")


def test_extract_writes_every_table(tmp_path):
    corpus = tmp_path / "c.jsonl"
    articles = [
        {"id": "a1", "text": "The minister met his counterpart on Thursday. Talks will resume "
                             "next week.", "published": "2025-11-21", "source": "Wire",
         "title": "Talks"},
        {"id": "a2", "text": "=HYPERLINK(\"http://x\") Officials said on Monday that the deal "
                             "was signed in 2024.", "published": "2025-11-24"},
    ]
    corpus.write_text("\n".join(json.dumps(a) for a in articles) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("extract", "--corpus", str(corpus), "--out", str(out), "--quiet")
    assert result.returncode == 0, result.stderr
    assert "2 articles read" in result.stdout
    for name in ("documents.csv", "mentions.csv", "events.csv", "rejects.csv", "timeline.html"):
        assert (out / name).stat().st_size > 0
    mentions = tables.read_csv(out / "mentions.csv")
    thursday = mentions[mentions.text == "Thursday"]
    assert thursday.value.tolist() == ["2025-11-20"]
    raw = (out / "documents.csv").read_text(encoding="utf-8")
    assert ",=HYPERLINK" not in raw  # neutralised in the file ...
    docs = tables.read_csv(out / "documents.csv")
    assert docs.set_index("doc_id").loc["a2", "text"].startswith("=HYPERLINK")  # ... and restored


def test_value_parsing():
    assert cli._value("true") is True
    assert cli._value("3") == 3
    assert cli._value("0.5") == 0.5
    assert cli._value("2025-11-21") == "2025-11-21"
    assert cli._value("none") is None
