"""The DuckDB store: reruns add nothing twice, changes replace, kill -9 loses nothing."""

import json
import os
import signal
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from timeline import corpus, tables
from timeline.article import Article, Mention, Sentence
from timeline.store import Store, StoreError
from conftest import PROJECT, SEEDS

TESTS = Path(__file__).resolve().parent


def open_store(path, fingerprint: str = "t") -> Store:
    """A store with a fixed fingerprint: these tests must not depend on the code's."""
    return Store(path, fingerprint=fingerprint)


def make_article(i: int, n_mentions: int | None = None, version: int = 0) -> Article:
    """A synthetic processed article (no tagger needed): text, one sentence
    per line and mentions whose offsets point into the text."""
    n = (i * 7) % 13 + 1 if n_mentions is None else n_mentions
    lines = [f"Item {i}.{k} (v{version}): talks resumed on Thursday, {k + 1} days ago."
             for k in range(n)]
    text = "\n".join(lines)
    article = Article(doc_id=f"doc-{i:04d}", text=text, published=date(2025, 11, 1 + i % 28),
                      source="Wire" if i % 2 else "", title=f"Title {i}")
    start = 0
    for k, line in enumerate(lines):
        article.sentences.append(Sentence(k, start, start + len(line)))
        at = start + line.index("Thursday")
        article.mentions.append(Mention(
            start=at, end=at + len("Thursday"), text="Thursday", value="2025-11-20",
            date_start=date(2025, 11, 20), date_end=date(2025, 11, 20), granularity="day",
            anchor="publication", confidence=round(0.5 + k / 100, 3), sentence=k,
            trigger="resume", trigger_start=start, trigger_end=start + 4,
            actors=["Talks", f"Actor {k}"] if k % 2 else [], summary=f"talks resume {k}"))
        start += len(line) + 1
    return article


def rows_of(article: Article) -> tuple[dict, list[dict]]:
    return (tables.document_rows(article, corpus.content_hash(article.text)),
            tables.mention_rows(article))


def memory_tables(articles) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What the in-memory path builds from the same articles."""
    rows = [rows_of(a) for a in articles]
    return (tables.frame([d for d, _ in rows], tables.DOCUMENT_COLUMNS),
            tables.frame([m for _, ms in rows for m in ms], tables.MENTION_COLUMNS))


def add_new(store: Store, articles) -> int:
    added = 0
    for article in articles:
        doc_row, mention_rows = rows_of(article)
        if not store.has(doc_row["content_hash"], doc_row):
            store.add(doc_row, mention_rows)
            added += 1
    return added


def assert_same(store: Store, articles):
    docs, mentions = memory_tables(articles)
    pd.testing.assert_frame_equal(store.documents(), docs)
    pd.testing.assert_frame_equal(store.mentions(), mentions)


# --- the basic contract ---------------------------------------------------------------


def test_store_tables_equal_the_in_memory_tables(tmp_path):
    articles = [make_article(i) for i in range(20)]
    with open_store(tmp_path / "s.duckdb") as store:
        assert add_new(store, articles) == 20
        assert_same(store, articles)


def test_rerun_adds_nothing_twice(tmp_path):
    articles = [make_article(i) for i in range(15)]
    with open_store(tmp_path / "s.duckdb") as store:
        add_new(store, articles)
    with open_store(tmp_path / "s.duckdb") as store:  # a second run, a new process would do the same
        assert add_new(store, articles) == 0
        for article in articles[:5]:  # adding again anyway replaces, never duplicates
            store.add(*rows_of(article))
        counts = store.counts()
        assert counts["documents"] == 15
        assert counts["mentions"] == sum(len(a.mentions) for a in articles)
        assert_same(store, articles)


def test_changed_article_replaces_its_rows_in_place(tmp_path):
    articles = [make_article(i) for i in range(6)]
    with open_store(tmp_path / "s.duckdb") as store:
        add_new(store, articles)
        articles[2] = make_article(2, n_mentions=2, version=1)  # new text, fewer mentions
        assert add_new(store, articles) == 1
        assert_same(store, articles)
        stored = store.mentions()
        assert stored[stored.doc_id == "doc-0002"].text.tolist() == ["Thursday", "Thursday"]
        assert list(store.documents().doc_id) == [a.doc_id for a in articles]


def test_metadata_change_alone_counts_as_a_change(tmp_path):
    article = make_article(1)
    doc_row, mention_rows = rows_of(article)
    with open_store(tmp_path / "s.duckdb") as store:
        store.add(doc_row, mention_rows)
        article.published = date(2025, 12, 24)  # a corrected date in the manifest
        changed = rows_of(article)[0]
        assert store.has(changed["content_hash"])  # same text ...
        assert not store.has(changed["content_hash"], changed)  # ... but not the same row
        assert store.has(doc_row["content_hash"], doc_row)


def test_rows_made_by_other_code_are_made_again(tmp_path):
    articles = [make_article(i) for i in range(5)]
    with open_store(tmp_path / "s.duckdb", "old-code") as store:
        add_new(store, articles)
    with open_store(tmp_path / "s.duckdb", "new-code") as store:
        assert store.stale() == 5
        assert not store.has(rows_of(articles[0])[0]["content_hash"])
        assert add_new(store, articles) == 5  # all made again ...
        assert store.stale() == 0
        assert_same(store, articles)  # ... replacing, not duplicating
    with open_store(tmp_path / "s.duckdb", "new-code") as store:
        assert add_new(store, articles) == 0


def test_code_fingerprint_follows_the_options():
    from timeline.store import code_fingerprint

    assert code_fingerprint({"undated": True}) == code_fingerprint({"undated": True})
    assert code_fingerprint({"undated": True}) != code_fingerprint({"undated": False})


def test_add_many_is_one_transaction_of_whole_articles(tmp_path, monkeypatch):
    from timeline import store as store_mod

    articles = [make_article(i) for i in range(10)]
    with open_store(tmp_path / "s.duckdb") as store:
        store.add_many([rows_of(a) for a in articles[:4]])
        real_insert = store_mod._insert

        def failing_insert(con, table, *args):
            if table == "mentions":  # after the documents of the batch were inserted
                raise RuntimeError("disk full")
            return real_insert(con, table, *args)

        monkeypatch.setattr(store_mod, "_insert", failing_insert)
        with pytest.raises(RuntimeError):
            store.add_many([rows_of(articles[5]), rows_of(articles[6])])
        with pytest.raises(RuntimeError):
            store.add(*rows_of(articles[1]))  # a failed replacement keeps the old rows
        monkeypatch.setattr(store_mod, "_insert", real_insert)
        assert_same(store, articles[:4])
        assert not store.has(rows_of(articles[5])[0]["content_hash"])
        store.add_many([rows_of(a) for a in articles[4:]])
        assert_same(store, articles)
    with open_store(tmp_path / "s.duckdb") as store:
        assert_same(store, articles)


def test_values_of_unexpected_types_come_back_unchanged(tmp_path):
    article = make_article(2, n_mentions=3)
    doc_row, mention_rows = rows_of(article)
    doc_row["n_words"] = "many"
    mention_rows[0]["start"] = "not a number"
    mention_rows[1]["confidence"] = 1  # an int where floats are expected
    mention_rows[2]["actors"] = ["a", "b"]
    with open_store(tmp_path / "s.duckdb") as store:
        store.add(doc_row, mention_rows)
        stored = store.mentions()
        assert stored.start.tolist()[0] == "not a number"
        pd.testing.assert_frame_equal(stored, tables.frame(mention_rows, tables.MENTION_COLUMNS))
        pd.testing.assert_frame_equal(store.documents(),
                                      tables.frame([doc_row], tables.DOCUMENT_COLUMNS))


def test_extra_columns_round_trip(tmp_path):
    article = make_article(3)
    doc_row, mention_rows = rows_of(article)
    doc_row["language"] = "en"
    for i, row in enumerate(mention_rows):
        row["tense"] = "past" if i % 2 else None
    with open_store(tmp_path / "s.duckdb") as store:
        store.add(doc_row, mention_rows)
        pd.testing.assert_frame_equal(store.documents(),
                                      tables.frame([doc_row], tables.DOCUMENT_COLUMNS))
        pd.testing.assert_frame_equal(store.mentions(),
                                      tables.frame(mention_rows, tables.MENTION_COLUMNS))


def test_events_and_runs(tmp_path):
    articles = [make_article(i, n_mentions=2) for i in range(3)]
    with open_store(tmp_path / "s.duckdb") as store:
        run = store.start_run()
        add_new(store, articles)
        mentions = store.mentions()
        events = tables.frame([
            {"event_id": f"e{i}", "date_start": "2025-11-20", "date_end": "2025-11-20",
             "granularity": "day", "summary": "talks", "trigger": "resume", "actors": "",
             "object": "", "doc_ids": doc_id, "sources": "Wire", "n_docs": 1,
             "mention_ids": tables.LIST_SEP.join(group.mention_id), "texts": "Thursday",
             "sentence": "talks resumed", "confidence": 0.75}
            for i, (doc_id, group) in enumerate(mentions.groupby("doc_id", sort=True))],
            tables.EVENT_COLUMNS)
        store.replace_events(events)
        store.finish_run({"articles": 3})
    with open_store(tmp_path / "s.duckdb") as store:
        pd.testing.assert_frame_equal(store.events(), events)
        pairs = store.sql("SELECT mention_id, event_id FROM mention_events ORDER BY mention_id")
        assert len(pairs) == 6 and set(pairs.event_id) == {"e0", "e1", "e2"}
        runs = store.runs()
        assert runs.run_id.tolist() == [run]
        assert json.loads(runs.summary[0]) == {"articles": 3}
        assert store.start_run() == run + 1


def test_memory_store(tmp_path):
    articles = [make_article(i) for i in range(3)]
    with open_store(":memory:") as store:
        add_new(store, articles)
        assert_same(store, articles)
    assert not any(tmp_path.iterdir())


# --- a store that cannot be used: one clear line ------------------------------------------


def test_a_file_that_is_not_a_store_is_left_alone(tmp_path):
    path = tmp_path / "documents.csv"
    path.write_text("doc_id,text\na,b\n", encoding="utf-8")
    with pytest.raises(StoreError, match="is not a DuckDB database"):
        Store(path)
    assert path.read_text(encoding="utf-8") == "doc_id,text\na,b\n"


def test_a_folder_is_not_a_store(tmp_path):
    with pytest.raises(StoreError, match="is a folder"):
        Store(tmp_path)


def test_store_in_use_by_another_process(tmp_path):
    path = tmp_path / "s.duckdb"
    Store(path).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, duckdb; c = duckdb.connect(sys.argv[1]); "
         "print('ready', flush=True); sys.stdin.read()", str(path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(StoreError) as info:
            Store(path)
        assert "in use by another process" in str(info.value)
        assert "\n" not in str(info.value)
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)


# --- kill -9 in the middle of adding -----------------------------------------------------------

N_KILL = 120

CHILD = textwrap.dedent("""
    import sys
    sys.path[:0] = [{tests!r}, {project!r}]
    from test_store import make_article, rows_of
    from timeline.store import Store
    store = Store(sys.argv[1], fingerprint="t")
    store.sql("SET checkpoint_threshold = '16KB'")  # checkpoints all the time: kill during them too
    batch = int(sys.argv[2])
    todo = []
    for i in range({n}):
        article = make_article(i, n_mentions=40 if i % 5 == 0 else None)
        doc_row, mention_rows = rows_of(article)
        if store.has(doc_row["content_hash"], doc_row):
            continue
        todo.append((doc_row, mention_rows))
        if len(todo) >= batch:
            store.add_many(todo)
            todo = []
            print(i, flush=True)
    store.add_many(todo)
    print("done", flush=True)
""")


def kill_after(store_path: Path, script: Path, lines: int, batch: int) -> bool:
    """Run the child until it has reported ``lines`` commits, then SIGKILL it.
    Returns False if it finished first."""
    child = subprocess.Popen([sys.executable, str(script), str(store_path), str(batch)],
                             stdout=subprocess.PIPE, text=True)
    seen = 0
    try:
        for line in child.stdout:
            if line.strip() == "done":
                return False
            seen += 1
            if seen >= lines:
                os.kill(child.pid, signal.SIGKILL)  # in the middle of the next add
                break
    finally:
        child.stdout.close()
        child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL
    return True


def every_article_whole(store: Store) -> None:
    docs, mentions = store.documents(), store.mentions()
    expected = {a.doc_id: len(a.mentions) for a in
                (make_article(i, n_mentions=40 if i % 5 == 0 else None) for i in range(N_KILL))}
    counts = mentions.groupby("doc_id").size().to_dict()
    for doc_id in docs.doc_id:
        assert counts.get(doc_id, 0) == expected[doc_id], doc_id
    ids = docs.doc_id.tolist()
    assert ids == sorted(ids) and ids == [f"doc-{i:04d}" for i in range(len(ids))]  # a prefix


@pytest.mark.parametrize("batch", [1, 7])
def test_kill_9_while_adding_then_resume_equals_a_clean_run(tmp_path, batch):
    script = tmp_path / "child.py"
    script.write_text(CHILD.format(tests=str(TESTS), project=str(PROJECT), n=N_KILL),
                      encoding="utf-8")
    path = tmp_path / "killed.duckdb"
    killed = 0
    for lines in (3, 4):  # killed twice, each time after a few more commits
        killed += kill_after(path, script, lines, batch)
        with open_store(path) as store:
            every_article_whole(store)
    assert killed == 2, "the child finished before it could be killed"
    articles = [make_article(i, n_mentions=40 if i % 5 == 0 else None) for i in range(N_KILL)]
    with open_store(path) as store:
        stored = store.counts()["documents"]
        assert 0 < stored < N_KILL
        assert add_new(store, articles) == N_KILL - stored  # only the missing ones
        assert_same(store, articles)
    with open_store(tmp_path / "clean.duckdb") as clean, open_store(path) as resumed:
        add_new(clean, articles)
        pd.testing.assert_frame_equal(resumed.documents(), clean.documents())
        pd.testing.assert_frame_equal(resumed.mentions(), clean.mentions())


# --- with the pipeline ------------------------------------------------------------------------


def test_pipeline_with_a_store_gives_the_in_memory_tables(tmp_path, seed_tables):
    from timeline import pipeline

    first = pipeline.extract(SEEDS, store=tmp_path / "s.duckdb", progress=False)
    second = pipeline.extract(SEEDS, store=tmp_path / "s.duckdb", progress=False)
    for name in ("documents", "mentions", "events"):
        pd.testing.assert_frame_equal(getattr(first, name), getattr(seed_tables, name))
        pd.testing.assert_frame_equal(getattr(second, name), getattr(seed_tables, name))
    with open_store(tmp_path / "s.duckdb") as store:
        assert store.counts()["documents"] == len(seed_tables.documents)
        assert len(store.runs()) == 2
