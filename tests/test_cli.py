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
                     "-p", "colour_by", "sources")
    assert_one_line_error(result, 2, "unknown parameter colour_by; did you mean color_by?")
    assert not (tmp_path / "o").exists()


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
    ({"workers": "-1"}, "workers must be at least 0"),
    ({"min_sources": "two"}, "min_sources takes a whole number"),
    ({"date_from": "2025-12-01", "date_to": "2025-11-01"}, "is after date_to"),
    ({"date_from": "2025-99-01"}, "not an ISO date"),
    ({"granularities": "day,fortnight"}, "unknown granularity fortnight"),
    ({"engine": "spark"}, "engine must be local or dask"),
    ({"min_confidence": "1.5"}, "between 0 and 1"),
    ({"export_images": "maybe"}, "export_images takes true or false"),
    ({"out": "/tmp/elsewhere"}, "give out with --out"),
    ({"story_csv": "../elsewhere/story.csv"}, "story_csv must be a file name ending in .csv"),
    ({"story_csv": "story.xlsx"}, "story_csv must be a file name ending in .csv"),
    ({"date_order": "dmy"}, "date_order must be DMY, MDY, YMD or empty, not 'dmy'"),
    ({"date_sources": "explicit, guessed"}, "unknown date source guessed (choose from explicit,"),
    ({"max_lanes": "-1"}, "max_lanes must be at least 0"),
    ({"labels": "-3"}, "labels must be at least 0"),
    ({"nosuch": "1"}, "unknown parameter nosuch (timeline run --help lists them)"),
    ({"min_sorces": "2"}, "unknown parameter min_sorces; did you mean min_sources?"),
    ({"Entity": "Rubio"}, "unknown parameter Entity; did you mean entity?"),
    ({"colour_by": "x", "dat_from": "2025-01-01"},
     "unknown parameter colour_by; did you mean color_by?; "
     "unknown parameter dat_from; did you mean date_from?"),
])
def test_bad_notebook_parameters_are_refused(given, fragment):
    with pytest.raises(execute.UnknownParameter) as error:
        execute.check_parameters(given, DECLARED)
    assert fragment in str(error.value)


def test_notebook_parameters_take_their_declared_types():
    values = execute.check_parameters(
        {"workers": "2", "min_confidence": "0.5", "export_images": "false", "actors": "2024",
         "granularities": "day, month", "max_lanes": "4", "all_dates": "true",
         "date_sources": "explicit, narrative", "date_order": "DMY"}, DECLARED)
    assert values == {"workers": 2, "min_confidence": 0.5, "export_images": False,
                      "actors": "2024", "granularities": "day, month", "max_lanes": 4,
                      "all_dates": True, "date_sources": "explicit, narrative",
                      "date_order": "DMY"}


def test_bad_run_parameter_stops_before_any_work(tmp_path):
    result = run_cli("run", "--corpus", str(SEEDS), "--out", str(tmp_path / "o"),
                     "-p", "min_sources", "two")
    assert_one_line_error(result, 2, "min_sources")
    assert not (tmp_path / "o").exists()


def test_unwritable_output_stops_before_any_work(tmp_path):
    result = run_cli("extract", "--corpus", str(SEEDS), "--out", "/proc/timeline-test/out")
    assert_one_line_error(result, 2, "not writable")


# --- the command line explains itself ------------------------------------------------


def test_run_help_lists_every_notebook_parameter_with_type_default_and_comment(capsys):
    with pytest.raises(SystemExit) as done:
        cli.main(["run", "--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    assert "--corpus" in text and "-p NAME VALUE" in text  # the options are still there
    lines = text.splitlines()
    count = 0
    for notebook, params in DECLARED.items():
        assert f"  {notebook}:" in lines, notebook
        section = lines[lines.index(f"  {notebook}:") + 1:]
        for name, info in params.items():
            head = next(i for i, line in enumerate(section)
                        if line.startswith(f"    {name}: "))
            assert section[head].startswith(
                f"    {name}: {info['inferred_type_name']} (default {info['default']})")
            # the comment of the parameter's line, wrapped under it
            comment = []
            for line in section[head + 1:]:
                if not line.startswith(" " * 8):
                    break
                comment.append(line.strip())
            assert " ".join(comment) == info["help"], name
            count += 1
    assert count == sum(len(p) for p in DECLARED.values()) >= 25
    assert "corpus: str (default \"../seeds\"), given with --corpus" in text


def test_version_comes_from_the_package_metadata(capsys):
    from importlib import metadata

    with pytest.raises(SystemExit) as done:
        cli.main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.strip() == f"timeline {metadata.version('timeline')}"


def test_workers_default_to_the_usable_cores_and_one_is_still_possible(monkeypatch):
    from timeline import defaults

    parser = cli.build_parser()
    assert parser.parse_args(["extract"]).workers == defaults.usable_cores()
    assert parser.parse_args(["extract", "--workers", "1"]).workers == 1
    monkeypatch.delattr(os, "process_cpu_count", raising=False)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 3, 5}, raising=False)
    assert defaults.usable_cores() == 3
    monkeypatch.setattr(os, "process_cpu_count", lambda: None, raising=False)
    assert defaults.usable_cores() == 1  # unknown: one, never zero
    # in the notebooks, 0 means the usable cores
    assert execute.check_parameters({"workers": "0"}, DECLARED) == {"workers": 0}


def test_bench_and_cli_do_not_import_each_other():
    for module, other in (("bench", "cli"), ("cli", "bench")):
        code = f"import sys, timeline.{module}; print('timeline.{other}' in sys.modules)"
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == "False", f"timeline.{module} imports timeline.{other}"


def test_a_bad_color_by_lists_only_the_columns_a_user_can_give():
    from timeline import figure
    import samples

    with pytest.raises(ValueError) as error:
        figure.timeline_figure(samples.events(), samples.documents(), color_by="colour")
    message = str(error.value)
    assert "choose one of event_id, date_start" in message and "sources" in message
    listed = message.split("choose one of ")[1].split(", ")
    assert listed == list(samples.events().columns)  # no _start, _end ... of the figure's own
    with pytest.raises(ValueError):  # nor can an internal column be chosen
        figure.timeline_figure(samples.events(), samples.documents(), color_by="_start")


def test_store_summary_line_says_how_many_articles_were_new_changed_or_unchanged(
        tmp_path, capsys):
    def write(articles):
        corpus.write_text("\n".join(json.dumps(a) for a in articles) + "\n", encoding="utf-8")

    corpus, store, out = tmp_path / "c.jsonl", tmp_path / "s.duckdb", tmp_path / "out"
    first = [{"id": f"a{i}", "text": f"Talks number {i} began on Monday.",
              "published": "2025-11-21"} for i in range(3)]
    write(first)
    argv = ["extract", "--corpus", str(corpus), "--out", str(out), "--store", str(store),
            "--quiet", "--workers", "1", "--no-figure"]
    assert cli.main(argv) == 0
    assert "3 articles read (3 new, 0 changed, 0 unchanged)," in capsys.readouterr().out
    second = [first[0], dict(first[1], text="Talks number 1 ended on Tuesday."),
              first[2], {"id": "a3", "text": "A fourth article, from Friday.",
                         "published": "2025-11-21"}]
    write(second)
    assert cli.main(argv) == 0
    assert "4 articles read (1 new, 1 changed, 2 unchanged)," in capsys.readouterr().out
    assert cli.main(argv) == 0
    assert "4 articles read (0 new, 0 changed, 4 unchanged)," in capsys.readouterr().out
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    assert (summary["new"], summary["changed"], summary["unchanged"]) == (0, 0, 4)
    # without a store the line does not pretend to know
    assert cli.main(argv[:5] + argv[7:]) == 0
    line = capsys.readouterr().out
    assert "4 articles read, 0 rejected" in line and "new" not in line


def test_run_constants_agree_with_the_modules_they_mirror():
    from timeline import figure
    from timeline.corpus import dates

    assert execute.DATE_ORDERS == dates.DATE_ORDERS
    assert execute.DATE_SOURCES == figure.DATE_SOURCES
