"""`timeline bench` measures both pipelines side by side and prints figures.

No timing is asserted (shared, noisy machines): only that the figures are
measured and reported for both pipelines on the same words.
"""

import json

import pytest

from timeline import bench, cli, timeml

pytestmark = pytest.mark.slow

TML = """<?xml version="1.0" ?>
<TimeML><DOCID>{name}</DOCID>
<DCT><TIMEX3 tid="t0" type="DATE" value="{dct}" temporalFunction="false" functionInDocument="CREATION_TIME">{dct}</TIMEX3></DCT>
<TEXT>{text}</TEXT></TimeML>
"""


@pytest.fixture()
def tml_folder(tmp_path):
    folder = tmp_path / "tml"
    folder.mkdir()
    texts = ["The minister met his counterpart on Thursday and will return next week.",
             "Prices rose 3 percent in October, the agency said on Monday.",
             "The company reported earnings for the third quarter of 1998 on Friday.",
             "Talks will resume on Tuesday, officials said."]
    for i, text in enumerate(texts):
        (folder / f"doc{i}.tml").write_text(
            TML.format(name=f"doc{i}", dct=f"1998-10-2{i}", text=text), encoding="utf-8")
    return folder


def test_tml_folder_becomes_jsonl(tml_folder, tmp_path):
    target = bench.tml_to_jsonl(tml_folder, tmp_path / "c.jsonl")
    rows = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["doc0", "doc1", "doc2", "doc3"]
    assert rows[1]["published"] == "1998-10-21"
    assert rows[0]["text"] == timeml.read(tml_folder / "doc0.tml").text


def test_bench_prints_both_pipelines(tml_folder, capsys, monkeypatch, tmp_path):
    monkeypatch.setattr(bench, "PROJECT_DIR", tmp_path)
    assert cli.main(["bench", "--corpus", str(tml_folder), "--workers", "1"]) == 0
    printed = capsys.readouterr().out
    assert "ours (1 worker) / naive words per second:" in printed
    results = json.loads((tmp_path / "outputs" / "bench" / "results.json").read_text())
    assert [r["mode"] for r in results] == ["naive", "ours", "ours"]
    naive, half, full = results
    assert naive["words"] == full["words"] > half["words"] > 0
    assert all(r["seconds"] > 0 and r["peak_mb"] > 50 for r in results)
    assert full["mentions"] >= 4


def test_figures_of_repeated_measurements_are_their_medians():
    runs = [{"words": 100, "seconds": 9.0, "peak_mb": 300.0, "note": "a"},
            {"words": 100, "seconds": 2.0, "peak_mb": 200.0, "note": "b"},
            {"words": 100, "seconds": 4.0, "peak_mb": 900.0, "note": "c"}]
    assert bench.median_figures(runs) == {"words": 100, "seconds": 4.0, "peak_mb": 300.0,
                                          "note": "a"}


def test_repeated_rounds_measure_every_pipeline_in_turn(tml_folder, capsys, monkeypatch,
                                                        tmp_path):
    monkeypatch.setattr(bench, "PROJECT_DIR", tmp_path)
    order, seconds = [], iter([8.0, 1.0, 2.0, 6.0, 3.0, 4.0])

    def child(mode, corpus, workers, store=""):
        order.append((mode, corpus.name))
        return {"words": 12 if corpus.name == "half.jsonl" else 24,
                "seconds": next(seconds), "mentions": 1, "peak_mb": 100.0}

    monkeypatch.setattr(bench, "_child", child)
    assert cli.main(["bench", "--corpus", str(tml_folder), "--repeat", "2"]) == 0
    # round by round, not each pipeline twice in a row (a drifting machine)
    assert order == [("naive", "naive.jsonl"), ("ours", "half.jsonl"), ("ours", "full.jsonl")] * 2
    results = json.loads((tmp_path / "outputs" / "bench" / "results.json").read_text())
    assert [r["all_seconds"] for r in results] == [[8.0, 6.0], [1.0, 3.0], [2.0, 4.0]]
    assert [r["seconds"] for r in results] == [7.0, 2.0, 3.0]
    assert "medians of 2 rounds" in capsys.readouterr().out
    assert cli.main(["bench", "--corpus", str(tml_folder), "--repeat", "0"]) != 0
