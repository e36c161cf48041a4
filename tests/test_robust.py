"""Issue 13: scheduled runs that survive hostile and unlucky input (the store,
scheduling and output side: no lost articles, no aborted batches, no hangs,
no mixed output folders)."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from timeline import batches, pipeline, sentences, tables
from timeline.article import Article
from timeline.store import Store, StoreError
from conftest import PROJECT

PUBLISHED = "2025-11-21"


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def story(i: int) -> str:
    return (f"Negotiators from region {i} met officials on Monday in city number {i}. "
            f"They said talks on sector {i * 3} would resume next week after a pause.")


# --- 13.1 the store never replaces an article silently ----------------------------------


def test_an_id_stored_with_other_text_is_replaced_with_a_reject_row(tmp_path):
    store = tmp_path / "s.duckdb"
    first = write_jsonl(tmp_path / "a.jsonl", [
        {"id": "news-1", "text": story(1), "published": PUBLISHED},
        {"id": "news-2", "text": story(2), "published": PUBLISHED}])
    pipeline.extract(first, store=store, progress=False)
    second = write_jsonl(tmp_path / "a.jsonl", [
        {"id": "news-1", "text": story(7), "published": PUBLISHED},
        {"id": "news-2", "text": story(2), "published": PUBLISHED}])
    result = pipeline.extract(second, store=store, progress=False)
    replaced = result.rejects[result.rejects.action == "replaced"]
    assert replaced.doc_id.tolist() == ["news-1"]
    assert "another text" in replaced.reason.iloc[0]
    docs = result.documents.set_index("doc_id")
    assert "region 7" in docs.loc["news-1", "text"] and len(docs) == 2
    # unchanged articles make no reject row
    third = pipeline.extract(second, store=store, progress=False)
    assert len(third.rejects) == 0


# --- 13.2 one article never takes its batch down -------------------------------------------


class BreakingParser:
    """An nlp whose ``pipe`` fails on any text holding "BREAK" (as spaCy does
    on a lone surrogate, or a text over its max_length)."""

    def __init__(self, nlp):
        self.nlp = nlp

    def pipe(self, texts, batch_size=256):
        for text in texts:
            if "BREAK" in text:
                raise ValueError("[E088] Text of length 1000001 exceeds maximum")
            yield self.nlp(text)


def test_a_parse_failure_loses_only_its_article(nlp):
    articles = [Article(doc_id=f"d{i}", text=f"Talks began on Monday in town {i}.",
                        published=pd.Timestamp(PUBLISHED).date()) for i in range(4)]
    articles[2].text = "BREAK: talks began on Monday."
    rows = batches.rows_of_batch(articles, BreakingParser(nlp))
    assert [bool(r[0].get("_error")) for r in rows] == [False, False, True, False]
    assert "E088" in rows[2][0]["_error"]
    for doc_row, per_article in (rows[0], rows[1], rows[3]):
        assert [m["text"] for m in per_article["mentions"]] == ["Monday"]


def test_a_lone_surrogate_reaching_the_parser_loses_only_its_article(tmp_path, nlp):
    articles = [Article(doc_id="good", text="Talks began on Monday.",
                        published=pd.Timestamp(PUBLISHED).date()),
                Article(doc_id="bad", text="Talks \ud800 began on Monday.",
                        published=pd.Timestamp(PUBLISHED).date())]
    rows = batches.rows_of_batch(articles, nlp)
    good = rows[0]
    assert not good[0].get("_error") and [m["text"] for m in good[1]["mentions"]] == ["Monday"]


def test_an_unbroken_sentence_is_cut_into_parser_sized_pieces():
    text = ("word " * 60_000) + "x" * 5_000 + " end."
    spans = sentences.split_spans(text)
    assert max(e - s for s, e in spans) <= sentences.MAX_SENTENCE_CHARS
    assert "".join(text[s:e] for s, e in spans).replace(" ", "") == text.replace(" ", "")
    assert spans == sorted(spans) and all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))
    # ordinary sentences are left alone
    assert sentences.split_spans("It rained. Then it stopped.") == [(0, 10), (11, 27)]


def test_a_300k_sentence_is_extracted_with_a_reject_row(tmp_path):
    filler = " ".join(f"w{i}" for i in range(50_000))
    text = f"Officials met on Monday and {filler} and talks resume on Friday"
    assert len(text) > 300_000
    corpus = write_jsonl(tmp_path / "long.jsonl", [{"id": "long", "text": text,
                                                     "published": PUBLISHED}])
    result = pipeline.extract(corpus, progress=False)
    assert set(result.mentions.text) >= {"Monday", "Friday"}
    cut = result.rejects[result.rejects.action == "split"]
    assert cut.doc_id.tolist() == ["long"] and "cut into pieces" in cut.reason.iloc[0]
    assert result.sentences.text.str.len().max() <= sentences.MAX_SENTENCE_CHARS
    # each sentence's text appears once in sentences.csv, the mentions point into it
    for m in result.mentions.itertuples():
        row = result.sentences[(result.sentences.doc_id == m.doc_id)
                               & (result.sentences.sentence_index == m.sentence_index)]
        assert len(row) == 1 and row.start.iloc[0] <= m.start < row.end.iloc[0]


# --- 13.3 a sentence stored once per document ------------------------------------------


def test_sentences_table_holds_each_sentence_once(tmp_path):
    text = "On Monday and on Tuesday and on Friday, talks went on. Nothing else happened."
    corpus = write_jsonl(tmp_path / "c.jsonl", [{"id": "a", "text": text,
                                                  "published": PUBLISHED}])
    result = pipeline.extract(corpus, progress=False)
    assert len(result.mentions) == 3
    assert result.sentences[["doc_id", "sentence_index", "start", "end"]].values.tolist() == [
        ["a", 0, 0, 54]]
    pipeline.write_tables(result, tmp_path / "out")
    back = tables.read_csv(tmp_path / "out" / "sentences.csv")
    assert list(back.columns) == tables.SENTENCE_COLUMNS
    assert back.text.tolist() == [text[:54]]
    assert "sentence" in tables.read_csv(tmp_path / "out" / "mentions.csv").columns


# --- 13.4 a dead worker stops the run ---------------------------------------------------


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _busy_corpus(tmp_path: Path, n: int = 400) -> Path:
    """Articles of a few sentences on many different dates (so that merging
    them is quick)."""
    def text(i: int) -> str:
        return " ".join(f"Delegation {i}-{k} arrived on {(i + k) % 28 + 1} March "
                        f"{1990 + (i * 7 + k) % 30} for talks on trade. It left a day later."
                        for k in range(4))
    # work enough for worker processes (little is processed in the main process)
    assert sum(len(text(i)) for i in range(n)) > 2 * batches.IN_PROCESS_CHARS
    return write_jsonl(tmp_path / "busy.jsonl", [
        {"id": f"n{i:04d}", "text": text(i), "published": PUBLISHED} for i in range(n)])


def _extract_command(corpus: Path, out: Path, store: Path, workers: int = 2) -> list[str]:
    return [sys.executable, "-m", "timeline.cli", "extract", "--corpus", str(corpus),
            "--out", str(out), "--store", str(store), "--workers", str(workers), "--quiet",
            "--no-figure"]


def _start(command: list[str]) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(PROJECT))
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env, start_new_session=True)


def _is_worker(pid: int) -> bool:
    """A worker process of the pool (forked: the main process's command
    line; spawned: multiprocessing's), not its resource tracker."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return b"resource_tracker" not in cmdline and b"forkserver" not in cmdline


def _wait_for_workers(child: subprocess.Popen, store: Path, timeout: float = 240) -> list[int]:
    """Wait until the run has stored a batch (the workers are busy), then
    return the worker pids."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert child.poll() is None, child.communicate()
        workers = [p for p in _children(child.pid) if _is_worker(p)]
        if len(workers) >= 2 and _stored_documents(store) > 0:
            return workers
        time.sleep(0.5)
    child.kill()
    pytest.fail("the run never got going")


def _stored_documents(store: Path) -> int:
    # read without locking: a copy of the file
    import shutil
    import tempfile

    if not store.exists():
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "copy.duckdb"
        shutil.copyfile(store, copy)
        if Path(str(store) + ".wal").exists():
            shutil.copyfile(str(store) + ".wal", str(copy) + ".wal")
        try:
            import duckdb
            con = duckdb.connect(str(copy))
            n = con.execute("SELECT count(*) FROM documents").fetchone()[0]
            con.close()
            return n
        except Exception:
            return 0


@pytest.mark.slow
def test_a_killed_worker_stops_the_run_which_resumes_next_time(tmp_path):
    corpus, out, store = _busy_corpus(tmp_path), tmp_path / "out", tmp_path / "s.duckdb"
    child = _start(_extract_command(corpus, out, store))
    try:
        workers = _wait_for_workers(child, store)
        os.kill(workers[0], signal.SIGKILL)
        _, err = child.communicate(timeout=120)
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
    assert child.returncode == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "worker process died" in lines[0] and "batch" in lines[0], err
    with Store(store) as db:  # the lock is released, every stored article whole
        stored = db.counts()["documents"]
    assert 0 < stored < 400
    done = subprocess.run(_extract_command(corpus, out, store), capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=str(PROJECT)), timeout=600)
    assert done.returncode == 0, done.stderr
    assert "400 articles read" in done.stdout
    assert len(tables.read_csv(out / "documents.csv")) == 400


# --- 13.12 Ctrl-C and SIGTERM ----------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("sig, code, word", [(signal.SIGINT, 130, "interrupted"),
                                             (signal.SIGTERM, 143, "terminated")])
def test_interrupt_is_one_line_and_leaves_the_store_consistent(tmp_path, sig, code, word):
    corpus, out, store = _busy_corpus(tmp_path), tmp_path / "out", tmp_path / "s.duckdb"
    child = _start(_extract_command(corpus, out, store))
    try:
        _wait_for_workers(child, store)
        if sig == signal.SIGINT:
            os.killpg(child.pid, sig)  # Ctrl-C reaches the whole process group
        else:
            os.kill(child.pid, sig)
        _, err = child.communicate(timeout=120)
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
    assert child.returncode == code, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and word in lines[0], err
    assert not _children(child.pid)
    with Store(store) as db:
        docs, mentions = db.documents(), db.mentions()
    assert 0 < len(docs) < 400
    assert set(mentions.doc_id) <= set(docs.doc_id)
    assert mentions.groupby("doc_id").size().min() >= 1


# --- 13.5 carriage returns and every control character in CSV ---------------------------


def test_every_control_character_round_trips_through_the_csv(tmp_path):
    cells = [f"a{chr(c)}b" for c in list(range(32)) + [127]] + [
        "old\rmac\rlines", "\r", "x\r\ny", "\n\r", "\u2028", "\x85", "=\r1"]
    df = pd.DataFrame({"text": cells, "n": range(len(cells))})
    path = tables.write_csv(df, tmp_path / "t.csv")
    back = tables.read_csv(path)
    assert back.text.tolist() == cells and back.n.tolist() == [str(i) for i in range(len(cells))]
    import csv
    with open(path, encoding="utf-8", newline="") as handle:
        assert len(list(csv.reader(handle))) == len(cells) + 1


def test_old_mac_line_endings_keep_two_documents_two(tmp_path):
    documents = tables.frame([
        {"doc_id": "a", "text": "First line.\rSecond on Monday.\r"},
        {"doc_id": "b", "text": "Another\rone."}], tables.DOCUMENT_COLUMNS)
    path = tables.write_csv(documents, tmp_path / "documents.csv")
    back = tables.read_csv(path)
    assert back.doc_id.tolist() == ["a", "b"]
    assert back.text.tolist() == documents.text.tolist()
    assert len(pd.read_csv(path)) == 2


# --- 13.6 duplicates of what the store holds ------------------------------------------------


def test_an_article_back_under_a_new_id_is_a_duplicate_of_its_stored_copy(tmp_path):
    store = tmp_path / "s.duckdb"
    pipeline.extract(write_jsonl(tmp_path / "c.jsonl", [
        {"id": "first", "text": story(1), "published": PUBLISHED},
        {"id": "other", "text": story(2), "published": PUBLISHED}]), store=store, progress=False)
    # the first copy left the corpus; the same story is back under a new id
    result = pipeline.extract(write_jsonl(tmp_path / "c.jsonl", [
        {"id": "other", "text": story(2), "published": PUBLISHED},
        {"id": "again", "text": "Breaking. " + story(1), "published": PUBLISHED}]),
        store=store, progress=False)
    docs = result.documents.set_index("doc_id")
    assert docs.loc["again", "duplicate_of"] == "first"
    assert result.summary["duplicates"] == 1
    assert "again" not in set(result.mentions.doc_id)
    assert len(result.events) == len(pipeline.extract(
        write_jsonl(tmp_path / "one.jsonl", [
            {"id": "first", "text": story(1), "published": PUBLISHED},
            {"id": "other", "text": story(2), "published": PUBLISHED}]), progress=False).events)


# --- 13.7 the output folder as a whole ------------------------------------------------------


def _outputs(folder: Path) -> dict:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_a_failed_write_leaves_the_previous_outputs_whole(tmp_path, monkeypatch):
    out = tmp_path / "out"
    with tables.staged_folder(out) as stage:
        tables.write_text("old documents\n", stage / "documents.csv")
        tables.write_text("old mentions\n", stage / "mentions.csv")
    (out / "notes.txt").write_text("mine", encoding="utf-8")  # not an output: kept
    before = _outputs(out)
    with pytest.raises(RuntimeError):
        with tables.staged_folder(out) as stage:
            tables.write_text("new documents\n", stage / "documents.csv")
            raise RuntimeError("killed while writing mentions.csv")
    assert _outputs(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    with tables.staged_folder(out) as stage:
        tables.write_text("new documents\n", stage / "documents.csv")
    assert (out / "documents.csv").read_text() == "new documents\n"
    assert not (out / "mentions.csv").exists()  # of the previous run: gone with it
    assert (out / "notes.txt").read_text() == "mine"


def test_what_a_killed_run_left_is_cleaned(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "documents.csv").write_text("kept\n")
    (out / ".mentions.csv.abc123.tmp").write_text("half a file")
    (tmp_path / ".out.staging-xyz").mkdir()
    (tmp_path / ".out.staging-xyz" / "documents.csv").write_text("half a run")
    with tables.staged_folder(out) as stage:
        tables.write_text("new\n", stage / "documents.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert sorted(p.name for p in out.iterdir()) == [tables.OUTPUTS_LIST, "documents.csv"]
    # a swap killed between its two renames: the old folder is put back
    os.replace(out, tmp_path / ".out.old-k1")
    assert tables.clean_stale(out) == []
    assert (out / "documents.csv").read_text() == "new\n"


def test_full_disk_message(tmp_path, monkeypatch, capsys):
    import errno

    from timeline import cli

    corpus = write_jsonl(tmp_path / "c.jsonl", [{"id": "a", "text": story(1),
                                                  "published": PUBLISHED}])
    real = pd.DataFrame.to_csv

    def full(self, handle, *args, **kwargs):
        name = os.readlink(f"/proc/self/fd/{handle.fileno()}") if hasattr(handle, "fileno") else ""
        if ".mentions.csv." in name:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, handle, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_csv", full)
    out = tmp_path / "out"
    assert cli.main(["extract", "--corpus", str(corpus), "--out", str(out), "--quiet",
                     "--no-figure"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "mentions.csv" in err[0] and "No space left" in err[0], err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.jsonl", "out"]
    assert list(out.iterdir()) == []


# --- 13.8 documents.csv in input order ----------------------------------------------------


def _order_corpus(tmp_path: Path) -> Path:
    records = [{"id": f"n{i:02d}", "text": story(i), "published": PUBLISHED} for i in range(12)]
    records.insert(7, {"id": "copy", "text": "Update: " + story(2), "published": PUBLISHED})
    return write_jsonl(tmp_path / "order.jsonl", records)


def test_documents_are_in_input_order_duplicates_included(tmp_path):
    corpus = _order_corpus(tmp_path)
    result = pipeline.extract(corpus, batch_size=3, progress=False)
    expected = [f"n{i:02d}" for i in range(7)] + ["copy"] + [f"n{i:02d}" for i in range(7, 12)]
    assert result.documents.doc_id.tolist() == expected
    assert result.documents.set_index("doc_id").loc["copy", "duplicate_of"] == "n02"


def test_an_interrupted_store_run_then_a_rerun_equals_a_clean_run(tmp_path, monkeypatch):
    corpus = _order_corpus(tmp_path)
    clean = pipeline.extract(corpus, batch_size=3, store=tmp_path / "clean.duckdb",
                             progress=False)
    pipeline.write_tables(clean, tmp_path / "clean")
    real = batches.rows_of_batch
    calls = []

    def dying(batch, *args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(batch, *args, **kwargs)

    monkeypatch.setattr(batches, "rows_of_batch", dying)
    with pytest.raises(KeyboardInterrupt):
        pipeline.extract(corpus, batch_size=3, store=tmp_path / "s.duckdb", progress=False)
    monkeypatch.setattr(batches, "rows_of_batch", real)
    with Store(tmp_path / "s.duckdb") as db:
        assert 0 < db.counts()["documents"] < 13
    again = pipeline.extract(corpus, batch_size=3, store=tmp_path / "s.duckdb", progress=False)
    pipeline.write_tables(again, tmp_path / "again")
    for name in ("documents", "mentions", "sentences", "events"):
        assert (tmp_path / "again" / f"{name}.csv").read_bytes() == \
            (tmp_path / "clean" / f"{name}.csv").read_bytes(), name


@pytest.mark.slow
def test_two_workers_keep_input_order(tmp_path, monkeypatch):
    monkeypatch.setattr(batches, "IN_PROCESS_CHARS", 0)  # workers even for little work
    corpus = _order_corpus(tmp_path)
    one = pipeline.extract(corpus, batch_size=2, progress=False)
    two = pipeline.extract(corpus, batch_size=2, workers=2, progress=False)
    assert two.documents.doc_id.tolist() == one.documents.doc_id.tolist()
    pd.testing.assert_frame_equal(two.mentions, one.mentions)


# --- 13.11 stores from earlier code ---------------------------------------------------------


def _version_1_store(path: Path) -> None:
    """A store as the code of schema version 1 wrote it: no sentences table,
    mentions without the columns added since."""
    import duckdb

    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE meta (key VARCHAR, value VARCHAR)")
    con.execute("INSERT INTO meta VALUES ('schema', '1')")
    con.execute("CREATE TABLE documents (seq BIGINT, doc_id VARCHAR, source VARCHAR, "
                "title VARCHAR, url VARCHAR, published VARCHAR, published_inferred BOOLEAN, "
                "duplicate_of VARCHAR, content_hash VARCHAR, n_words BIGINT, text VARCHAR, "
                "extra VARCHAR, fingerprint VARCHAR)")
    con.execute("CREATE TABLE mentions (mseq BIGINT, mention_id VARCHAR, doc_id VARCHAR, "
                "start BIGINT, \"end\" BIGINT, text VARCHAR, value VARCHAR, "
                "sentence VARCHAR, sentence_index BIGINT, sentence_start BIGINT, "
                "sentence_end BIGINT, extra VARCHAR)")
    con.execute("CREATE TABLE runs (run_id BIGINT, started TIMESTAMP, finished TIMESTAMP, "
                "summary VARCHAR)")
    con.execute("CREATE TABLE mention_events (mention_id VARCHAR, event_id VARCHAR)")
    con.execute("INSERT INTO documents VALUES (0, 'a', '', '', '', '2025-11-21', false, '', "
                "'h', 4, 'Talks began on Monday.', NULL, 'old')")
    con.execute("INSERT INTO mentions VALUES (0, 'a:m0', 'a', 15, 21, 'Monday', '2025-11-17', "
                "'Talks began on Monday.', 0, 0, 22, NULL)")
    con.close()


def test_a_store_of_earlier_code_is_migrated(tmp_path):
    path = tmp_path / "old.duckdb"
    _version_1_store(path)
    with Store(path, fingerprint="new") as db:
        assert db.stale() == 1  # made by other code: processed again by the next run
        mentions = db.mentions()
        assert mentions.text.tolist() == ["Monday"] and mentions.type.tolist() == [None]
        assert db.sentences()[["doc_id", "sentence_index", "start", "end", "text"]
                              ].values.tolist() == [["a", 0, 0, 22, "Talks began on Monday."]]
        assert db.sql("SELECT value FROM meta WHERE key = 'schema'").value[0] == "3"
        # the digest of each row is written back, so the next open reads no text
        assert db.sql("SELECT count(*) AS n FROM documents WHERE row_digest IS NULL").n[0] == 0


def test_a_store_that_cannot_be_migrated_says_rebuild(tmp_path):
    import duckdb

    path = tmp_path / "odd.duckdb"
    _version_1_store(path)
    con = duckdb.connect(str(path))
    con.execute("ALTER TABLE mentions ADD COLUMN tense_of_old VARCHAR")
    con.close()
    with pytest.raises(StoreError) as info:
        Store(path)
    assert "--rebuild" in str(info.value) and "\n" not in str(info.value)


@pytest.mark.parametrize("damage", ["truncate", "scribble", "newer"])
def test_a_damaged_store_says_rebuild_in_one_line_and_rebuild_works(tmp_path, damage):
    from timeline import cli

    corpus = write_jsonl(tmp_path / "c.jsonl", [{"id": "a", "text": story(1),
                                                  "published": PUBLISHED}])
    path = tmp_path / "s.duckdb"
    pipeline.extract(corpus, store=path, progress=False)
    size = path.stat().st_size
    if damage == "truncate":
        with open(path, "r+b") as handle:
            handle.truncate(size // 3)
    elif damage == "scribble":
        with open(path, "r+b") as handle:
            handle.seek(4096)
            handle.write(os.urandom(16384))
    else:
        with Store(path) as db:
            db.sql("UPDATE meta SET value = '99' WHERE key = 'schema'")
    with pytest.raises(StoreError) as info:
        pipeline.extract(corpus, store=path, progress=False)
    assert "--rebuild" in str(info.value) and "\n" not in str(info.value)
    out = tmp_path / "out"
    assert cli.main(["extract", "--corpus", str(corpus), "--out", str(out), "--store", str(path),
                     "--quiet", "--no-figure"]) == 2
    assert cli.main(["extract", "--corpus", str(corpus), "--out", str(out), "--store", str(path),
                     "--quiet", "--no-figure", "--rebuild"]) == 0
    with Store(path) as db:
        assert db.documents().doc_id.tolist() == ["a"]
    assert Path(str(path) + ".old").exists()


def test_run_name_is_the_output_folder_name_also_while_staged(tmp_path):
    out = tmp_path / "seeds.v2"
    with tables.staged_folder(out) as stage:
        assert stage.name != out.name
        assert tables.run_name(stage) == "seeds.v2"
    assert tables.run_name(out) == "seeds.v2"
    assert tables.run_name(tmp_path / ".hidden") == ".hidden"
