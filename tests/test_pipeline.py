"""The whole extraction on the seed corpus."""

import csv
import os
from datetime import date
from pathlib import Path

import pytest

from timeline import pipeline, tables
from conftest import SEEDS


def manifest():
    with open(SEEDS / "manifest.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_every_manifest_article_is_present_with_its_date(seed_tables):
    docs = seed_tables.documents.set_index("doc_id")
    for row in manifest():
        assert row["doc_id"] in docs.index
        assert docs.loc[row["doc_id"], "published"] == row["published"]
        assert docs.loc[row["doc_id"], "title"] == row["title"]


def test_document_text_is_the_manifest_line_range(seed_tables):
    docs = seed_tables.documents.set_index("doc_id")
    for row in manifest():
        lines = (SEEDS / row["file"]).read_text(encoding="utf-8").split("\n")
        end = int(row["end_line"]) if row["end_line"] else len(lines)
        expected = "\n".join(lines[int(row["start_line"]) - 1:end])
        assert docs.loc[row["doc_id"], "text"].strip() == expected.strip()


def test_mention_offsets_round_trip(seed_tables):
    texts = dict(zip(seed_tables.documents.doc_id, seed_tables.documents.text))
    mentions = seed_tables.mentions
    assert len(mentions) > 50
    for m in mentions.itertuples():
        assert texts[m.doc_id][int(m.start):int(m.end)] == m.text


def test_intervals_are_ordered(seed_tables):
    for m in seed_tables.mentions.itertuples():
        if m.date_start and m.date_end:
            assert date.fromisoformat(m.date_start) <= date.fromisoformat(m.date_end)


def test_duplicate_article_is_kept_once(seed_tables):
    docs = seed_tables.documents.set_index("doc_id")
    assert docs.loc["rt-shoigu-views", "duplicate_of"] == "rt-shoigu-feed"
    assert docs.loc["rt-shoigu-feed", "duplicate_of"] == ""
    assert "rt-shoigu-views" not in set(seed_tables.mentions.doc_id)
    assert seed_tables.summary["duplicates"] == 1


def test_relative_dates_resolve_against_each_article(seed_tables):
    m = seed_tables.mentions
    thursday = m[(m.doc_id == "rt-wsj-amnesty") & (m.text.str.lower() == "thursday")]
    assert set(thursday.value) == {"2025-11-20"}
    undated = m[m.doc_id == "cairo-lavrov-talks"]
    assert (undated.anchor != "publication").all()


def test_events_point_back_to_mentions_and_documents(seed_tables):
    ev, m = seed_tables.events, seed_tables.mentions
    assert len(ev) > 10
    assert ev.event_id.is_unique
    mention_ids = set(m.mention_id)
    for row in ev.itertuples():
        # (events of event mentions not dated by an expression of their own have none)
        ids = [i for i in row.mention_ids.split(tables.LIST_SEP) if i]
        assert set(ids) <= mention_ids
        assert not ids or set(m[m.mention_id.isin(ids)].event_id) == {row.event_id}
        assert int(row.n_docs) == len(set(row.doc_ids.split(tables.LIST_SEP)))


def test_tables_survive_csv(seed_tables, tmp_path):
    pipeline.write_tables(seed_tables, tmp_path)
    docs = tables.read_csv(tmp_path / "documents.csv")
    assert docs.text.tolist() == seed_tables.documents.text.tolist()
    mentions = tables.read_csv(tmp_path / "mentions.csv")
    texts = dict(zip(docs.doc_id, docs.text))
    for m in mentions.itertuples():
        assert texts[m.doc_id][int(m.start):int(m.end)] == m.text
    for name in ("documents", "mentions", "events", "rejects"):
        header = (tmp_path / f"{name}.csv").read_text(encoding="utf-8").split("\n")[0]
        assert header.split(",")[:len(getattr(tables, f"{name[:-1].upper()}_COLUMNS"))] == \
            getattr(tables, f"{name[:-1].upper()}_COLUMNS")


@pytest.mark.slow
def test_two_workers_give_the_same_tables(seed_tables, monkeypatch):
    from timeline import batches

    monkeypatch.setattr(batches, "IN_PROCESS_CHARS", 0)  # the seeds are little work
    two = pipeline.extract(SEEDS, workers=2, batch_size=3, progress=False)
    assert two.documents.equals(seed_tables.documents)
    assert two.mentions.equals(seed_tables.mentions)
    assert two.events.equals(seed_tables.events)
    assert two.event_mentions.equals(seed_tables.event_mentions)


def test_a_stage_failing_on_one_article_loses_nothing_else(tmp_path, monkeypatch):
    import json

    from timeline import temporal

    corpus = tmp_path / "c.jsonl"
    corpus.write_text("\n".join(json.dumps(a) for a in [
        {"id": "good", "text": "Talks began on Monday.", "published": "2025-11-21"},
        {"id": "bad", "text": "BOOM on Tuesday.", "published": "2025-11-21"},
    ]) + "\n", encoding="utf-8")
    real = temporal.resolve

    def failing(article):
        if "BOOM" in article.text:
            raise KeyError("boom")
        return real(article)

    monkeypatch.setattr(temporal, "resolve", failing)
    result = pipeline.extract(corpus, progress=False)
    assert set(result.documents.doc_id) == {"good", "bad"}
    assert set(result.mentions.doc_id) == {"good"}
    reject = result.rejects.set_index("doc_id").loc["bad"]
    assert "KeyError" in reject.reason and reject.action == "kept without mentions"


_ORIGINAL: list = []


def _marked_worker_batch(articles):
    """A worker's batch, each documents.csv row marked with the worker's pid."""
    rows = _ORIGINAL[-1](articles)
    for row, _tables in rows:
        row["title"] = f"processed in {os.getpid()}"
    return rows


def test_workers_start_forked_with_the_model_this_process_loaded(monkeypatch):
    import spacy

    from timeline import batches, nlp as nlp_mod

    if batches._start_method() != "fork":
        pytest.skip("workers are spawned on this platform")
    nlp_mod.load()  # loaded here: the forked workers find it loaded

    def no_second_load(*args, **kwargs):
        raise RuntimeError("a worker loaded the model again")

    monkeypatch.setattr(spacy, "load", no_second_load)
    one = pipeline.extract(SEEDS, workers=1, batch_size=3, progress=False)
    # what this process changed, a forked worker has too (a spawned one would not)
    _ORIGINAL.append(batches._worker_batch)
    monkeypatch.setattr(batches, "_worker_batch", _marked_worker_batch)
    two = pipeline.extract(SEEDS, workers=2, batch_size=3, progress=False)
    pids = {t.split()[-1] for t in two.documents["title"]}
    assert all(t.startswith("processed in ") for t in two.documents["title"])
    assert str(os.getpid()) not in pids and 1 <= len(pids) <= 2
    assert two.mentions.equals(one.mentions) and len(two.event_mentions) == len(one.event_mentions)


def _exit_unless_in(pid: int) -> int:
    """Returns ``pid`` in the process ``pid``; ends any other process at once."""
    if os.getpid() != pid:
        os._exit(3)
    return pid


def _merge_mentions_marked(mentions, documents, keep_words):
    """pipeline._merge_mentions, each event marked with the process that merged it."""
    mentions, event_table, words = _ORIGINAL_MERGE[-1](mentions, documents, keep_words)
    event_table["merged_in"] = os.getpid()
    return mentions, event_table, words


_ORIGINAL_MERGE: list = []


def test_the_workers_stay_for_work_after_the_batches_and_lose_none_of_it(monkeypatch):
    from timeline import batches
    from timeline.article import Article

    if batches._start_method() != "fork":
        pytest.skip("workers are spawned on this platform")
    monkeypatch.setattr(batches, "IN_PROCESS_CHARS", 0)  # workers even for little work
    monkeypatch.setattr(batches, "rows_of_batch", lambda articles, nlp=None, options=None: [])
    here = os.getpid()
    work = [[Article(doc_id=f"a{i}", text="Talks began on Monday.")] for i in range(3)]
    with batches.Workers(batches.Options(), workers=2) as pool:
        assert list(pool.map(work)) == [[], [], []]
        assert pool.submit(os.getpid).result() != here          # in a worker
        # a worker that dies under it: the function is run here instead
        assert pool.submit(_exit_unless_in, here).result() == here
        assert pool.submit(os.getpid).result() == here          # the pool broke: here
    with batches.Workers(batches.Options(), workers=1) as pool:   # no workers: here
        assert list(pool.map(work)) == [[], [], []]
        assert pool.submit(os.getpid).result() == here


@pytest.mark.slow
def test_with_workers_the_mentions_are_merged_in_one_while_the_pairs_are_found_here(
        seed_tables, monkeypatch):
    from timeline import batches

    if batches._start_method() != "fork":
        pytest.skip("workers are spawned on this platform")
    monkeypatch.setattr(batches, "IN_PROCESS_CHARS", 0)  # the seeds are little work
    _ORIGINAL_MERGE.append(pipeline._merge_mentions)
    monkeypatch.setattr(pipeline, "_merge_mentions", _merge_mentions_marked)
    two = pipeline.extract(SEEDS, workers=2, batch_size=3, progress=False)
    marks = set(two.events["merged_in"].dropna().astype(int))
    assert len(marks) == 1 and os.getpid() not in marks
    assert two.events.drop(columns="merged_in").equals(seed_tables.events)
    assert two.event_mentions.equals(seed_tables.event_mentions)


def test_a_run_leaves_the_garbage_collector_as_it_found_it(monkeypatch):
    import gc

    from timeline import events

    assert gc.isenabled() and gc.get_freeze_count() == 0
    seen = []
    real = events.merge_event_mentions

    def watched(*args, **kwargs):
        # the merges run with the cyclic collector off, the run's objects not frozen
        seen.append((gc.isenabled(), gc.get_freeze_count()))
        return real(*args, **kwargs)

    monkeypatch.setattr(events, "merge_event_mentions", watched)
    pipeline.extract(SEEDS, batch_size=3, progress=False)
    assert seen == [(False, 0)]
    assert gc.isenabled() and gc.get_freeze_count() == 0

    def failing(*args, **kwargs):
        raise RuntimeError("merge failed")

    monkeypatch.setattr(events, "merge_event_mentions", failing)
    with pytest.raises(RuntimeError):
        pipeline.extract(SEEDS, batch_size=3, progress=False)
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_a_worker_uses_one_blas_thread_whatever_the_library_was_set_to():
    import subprocess
    import sys

    code = ("import ctypes, numpy\n"
            "from timeline.batches import _one_blas_thread\n"
            "paths = [l.split()[-1] for l in open('/proc/self/maps') if 'openblas' in l.lower()]\n"
            "lib = ctypes.CDLL(paths[0])\n"
            "get = getattr(lib, 'scipy_openblas_get_num_threads64_', None) or lib.openblas_get_num_threads\n"
            "before = get(); _one_blas_thread(); print(before, get())\n")
    env = {k: v for k, v in os.environ.items() if "NUM_THREADS" not in k}
    env.update(OPENBLAS_NUM_THREADS="2", PYTHONPATH=str(Path(pipeline.__file__).parents[1]))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          timeout=120)
    if done.returncode != 0 and "IndexError" in done.stderr:
        pytest.skip("numpy uses no OpenBLAS here")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["2", "1"]
