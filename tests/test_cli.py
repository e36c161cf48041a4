"""The command line: its contract, and one clear line for bad arguments."""

import json
import os
import subprocess
import sys

import pytest

from timeline import cli, execute, tables
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


DECLARED = {nb: execute.notebook_parameters(execute.NOTEBOOK_DIR / nb) for nb in execute.NOTEBOOKS}


@pytest.mark.parametrize("given, fragment", [
    ({"workers": "0"}, "workers must be at least 1"),
    ({"min_sources": "two"}, "min_sources takes a whole number"),
    ({"date_from": "2025-12-01", "date_to": "2025-11-01"}, "is after date_to"),
    ({"date_from": "2025-99-01"}, "not an ISO date"),
    ({"granularities": "day,fortnight"}, "unknown granularity fortnight"),
    ({"engine": "spark"}, "engine must be local or dask"),
    ({"min_confidence": "1.5"}, "between 0 and 1"),
    ({"export_images": "maybe"}, "export_images takes true or false"),
    ({"out": "/tmp/elsewhere"}, "give out with --out"),
    ({"nosuch": "1"}, "nosuch"),
])
def test_bad_notebook_parameters_are_refused(given, fragment):
    with pytest.raises(execute.UnknownParameter) as error:
        execute.check_parameters(given, DECLARED)
    assert fragment in str(error.value)


def test_notebook_parameters_take_their_declared_types():
    values = execute.check_parameters(
        {"workers": "2", "min_confidence": "0.5", "export_images": "false", "actors": "2024",
         "granularities": "day, month"}, DECLARED)
    assert values == {"workers": 2, "min_confidence": 0.5, "export_images": False,
                      "actors": "2024", "granularities": "day, month"}


def test_bad_run_parameter_stops_before_any_work(tmp_path):
    result = run_cli("run", "--corpus", str(SEEDS), "--out", str(tmp_path / "o"),
                     "-p", "min_sources", "two")
    assert_one_line_error(result, 2, "min_sources")
    assert not (tmp_path / "o").exists()


def test_unwritable_output_stops_before_any_work(tmp_path):
    result = run_cli("extract", "--corpus", str(SEEDS), "--out", "/proc/timeline-test/out")
    assert_one_line_error(result, 2, "not writable")
