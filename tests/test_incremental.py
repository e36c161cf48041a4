"""Incremental store runs: only the part of the merge that new articles touch
is made again, and the tables equal those of a run over the whole corpus."""

import json
from pathlib import Path

import pytest

from timeline import incremental, pipeline

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
CSVS = ("documents", "mentions", "sentences", "event_mentions", "entity_mentions", "events",
        "entities", "rejects")


def article(i: int, version: int = 0) -> dict:
    """A short article about two days of their own (a month and a year per i)."""
    month, year = MONTHS[i % 12], 2000 + i // 12
    text = (f"The council of Town{i} approved the budget on 3 {month} {year}. "
            f"Mayor Anna Berg{i} said on 9 {month} {year} that the vote would stand."
            + (f" Version {version} of the report followed." if version else ""))
    return {"id": f"a{i:03d}", "text": text, "published": f"{year}-{MONTHS.index(month) + 1:02d}-20"}


def overlapping(i: int, j: int) -> dict:
    """A new article (id n<i>) on the days of article j: its part holds j's rows."""
    month, year = MONTHS[j % 12], 2000 + j // 12
    text = (f"The council of Town{j} approved the budget on 3 {month} {year}, "
            f"a second paper reported.")
    return {"id": f"n{i:03d}", "text": text, "published": f"{year}-{MONTHS.index(month) + 1:02d}-21"}


def write(path: Path, items) -> Path:
    path.write_text("".join(json.dumps(x) + "\n" for x in items), encoding="utf-8")
    return path


@pytest.fixture
def parts(monkeypatch):
    """The sizes (dated rows, undated rows) of the parts merged incrementally,
    in call order."""
    sizes = []
    real = incremental.merge_part

    def spy(db, part, dropped):
        sizes.append((part.dated_size(), len(part.undated_ids)))
        return real(db, part, dropped)
    monkeypatch.setattr(incremental, "merge_part", spy)
    return sizes


def outputs(result, folder: Path) -> dict:
    pipeline.write_tables(result, folder)
    return {name: (folder / f"{name}.csv").read_bytes() for name in CSVS}


def test_an_incremental_run_writes_the_tables_of_a_whole_run(tmp_path, parts):
    base = [article(i) for i in range(8)]
    grown = [article(i, version=1 if i == 2 else 0) for i in range(8)] \
        + [overlapping(100, 5), article(40)]
    store = tmp_path / "s.duckdb"
    pipeline.extract(write(tmp_path / "base.jsonl", base), store=store, progress=False)
    assert parts == []          # the first run merges the whole store
    result = pipeline.extract(write(tmp_path / "grown.jsonl", grown), store=store, progress=False)
    assert result.summary["new"] == 2 and result.summary["changed"] == 1
    assert len(parts) == 1      # merged incrementally ...
    whole = pipeline.extract(tmp_path / "grown.jsonl", store=tmp_path / "fresh.duckdb",
                             progress=False)
    total = len(whole.mentions) + len(whole.event_mentions)
    assert 0 < parts[0][0] < total / 2     # ... a part of the store only
    assert parts[0][1] > 0                 # (with the undated blocks the new rows touch)
    assert any(result.events["doc_ids"].str.contains("n100"))
    incremental_csv = outputs(result, tmp_path / "incremental")
    whole_csv = outputs(whole, tmp_path / "whole")
    for name in CSVS:
        if name != "rejects":   # (the rerun's says that a002 was replaced)
            assert incremental_csv[name] == whole_csv[name], name
    assert b"a002" in incremental_csv["rejects"] and b"a002" not in whole_csv["rejects"]
    # and an in-memory run of the same corpus gives the same tables too
    memory = pipeline.extract(tmp_path / "grown.jsonl", progress=False)
    memory_csv = outputs(memory, tmp_path / "memory")
    for name in CSVS:
        assert memory_csv[name] == whole_csv[name], name


def test_a_rerun_of_the_same_corpus_merges_nothing_again(tmp_path, parts):
    corpus = write(tmp_path / "c.jsonl", [article(i) for i in range(4)])
    store = tmp_path / "s.duckdb"
    first = pipeline.extract(corpus, store=store, progress=False)
    again = pipeline.extract(corpus, store=store, progress=False)
    assert again.summary["unchanged"] == 4 and parts == []
    assert again.events.equals(first.events)


def test_the_part_merged_does_not_grow_with_the_store(tmp_path, parts):
    """Two stores, of 3 and of 9 articles on days of their own, get the same
    two new articles: the dated part merged again is the same size (the
    undated blocks they touch are taken whole: they grow with the store)."""
    for n in (3, 9):
        store = tmp_path / f"s{n}.duckdb"
        base = [article(i) for i in range(n)]
        pipeline.extract(write(tmp_path / f"b{n}.jsonl", base), store=store, progress=False)
        pipeline.extract(write(tmp_path / f"g{n}.jsonl", base + [overlapping(100, 1),
                                                                 article(60)]),
                         store=store, progress=False)
    assert len(parts) == 2 and parts[0][0] == parts[1][0] > 0
    assert parts[0][1] < parts[1][1]


def test_closed_part_follows_overlapping_dates(tmp_path):
    """The part grows through date intervals that meet, not beyond."""
    from timeline.store import Store

    ranges = incremental._merge_ranges([("2025-01-05", "2025-01-09"), ("2025-01-01", "2025-01-05"),
                                        ("2025-03-01", "2025-03-01")])
    assert ranges == [("2025-01-01", "2025-01-09"), ("2025-03-01", "2025-03-01")]
    corpus = write(tmp_path / "c.jsonl", [article(i) for i in range(5)])
    pipeline.extract(corpus, store=tmp_path / "s.duckdb", progress=False)
    with Store(tmp_path / "s.duckdb") as db:
        part = incremental.closed_part(db, {"a001"}, [], set())
        assert part.mention_ids and part.event_mention_ids
        assert {i.split(":")[0] for i in part.mention_ids | part.event_mention_ids} == {"a001"}
        # the undated blocks ("vote", "stand") are taken whole: every article's
        assert {i.split(":")[0] for i in part.undated_ids} == {f"a00{i}" for i in range(5)}
        # a range of an article's rows that were replaced brings its neighbours in
        grown = incremental.closed_part(db, set(), [("2000-03-01", "2000-03-31")], set())
        assert {i.split(":")[0] for i in grown.mention_ids} == {"a002"}
        # the words merge() hands out are those merge_words() finds
        from timeline.events.merge import merge, merge_words
        mentions, documents = db.table("mentions"), db.documents()
        out = []
        merge(mentions, documents, words_out=out)
        expected = merge_words(mentions, documents)
        assert out and sorted(out) == sorted(expected.itertuples(index=False, name=None))


def test_a_part_that_is_most_of_the_store_is_merged_whole(tmp_path, parts):
    """New articles whose dates meet those of every stored one: the whole
    store is merged (the same tables), and the summary says so."""
    def on_one_day(i: int) -> dict:
        return {"id": f"d{i}", "published": "2000-01-20",
                "text": f"The council of Village{i} approved budget {i * 7} on 3 January 2000."}
    same = [on_one_day(i) for i in range(4)]
    store = tmp_path / "s.duckdb"
    pipeline.extract(write(tmp_path / "b.jsonl", same), store=store, progress=False)
    result = pipeline.extract(write(tmp_path / "g.jsonl", same + [on_one_day(9)]),
                              store=store, progress=False)
    assert result.summary["new"] == 1 and result.summary["duplicates"] == 0
    assert parts == []
    assert result.summary["merged_rows"] == len(result.mentions) + len(result.event_mentions)
    memory = pipeline.extract(tmp_path / "g.jsonl", progress=False)
    assert outputs(result, tmp_path / "a")["events"] == outputs(memory, tmp_path / "b")["events"]


def test_a_run_stopped_before_its_merge_leaves_the_next_to_merge_the_whole(
        tmp_path, parts, monkeypatch):
    """Articles stored by a run that stopped before merging are in no stored
    event: the next run (nothing new to it) merges the whole store."""
    store = tmp_path / "s.duckdb"
    base = [article(i) for i in range(3)]
    pipeline.extract(write(tmp_path / "b.jsonl", base), store=store, progress=False)
    grown = write(tmp_path / "g.jsonl", base + [article(30), article(31)])

    def stop(*args, **kwargs):
        raise RuntimeError("stopped")
    with monkeypatch.context() as patch:
        patch.setattr(incremental, "closed_part", stop)
        with pytest.raises(RuntimeError):
            pipeline.extract(grown, store=store, progress=False)
    result = pipeline.extract(grown, store=store, progress=False)
    assert result.summary["unchanged"] == 5 and parts == []
    assert result.summary["merged_rows"] == len(result.mentions) + len(result.event_mentions)
    memory = pipeline.extract(grown, progress=False)
    assert outputs(result, tmp_path / "a")["events"] == outputs(memory, tmp_path / "b")["events"]
    # and the run after it merges incrementally again
    pipeline.extract(write(tmp_path / "h.jsonl", base + [article(30), article(31), article(50)]),
                     store=store, progress=False)
    assert len(parts) == 1


# --- little work: no worker processes ----------------------------------------------------


def test_look_ahead_reads_until_there_is_work_for_workers(monkeypatch):
    from timeline import batches
    from timeline.article import Article

    monkeypatch.setattr(batches, "IN_PROCESS_CHARS", 100)
    monkeypatch.setattr(batches, "IN_PROCESS_ARTICLES", 6)

    def stream(sizes):
        return iter([[Article(doc_id=f"d{i}{j}", text="x" * n) for j, n in enumerate(b)]
                     for i, b in enumerate(sizes)])
    rest = stream([[30, 30], [30], [50], [999]])
    ahead, enough = batches._look_ahead(rest)
    assert enough and len(ahead) == 3            # 140 characters in three batches ...
    assert [a.doc_id for a in next(rest)] == ["d30"]   # ... the rest left unread
    assert batches._look_ahead(stream([[30], [30], [30]])) [1] is False   # 90 characters
    assert batches._look_ahead(stream([[999]]))[1] is False               # one batch
    assert batches._look_ahead(stream([[1] * 4, [1] * 4]))[1] is True     # 8 articles


def test_a_small_rerun_starts_no_worker_and_gives_the_tables_of_workers(tmp_path, monkeypatch):
    """A store run whose new articles are little work processes them in the
    main process whatever ``workers`` says, with the tables a run with
    worker processes gives."""
    import concurrent.futures

    from timeline import batches

    pools = []
    real = concurrent.futures.ProcessPoolExecutor

    def counted(*args, **kwargs):
        pools.append(args)
        return real(*args, **kwargs)
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", counted)
    threshold = batches.IN_PROCESS_CHARS
    base = [article(i) for i in range(12)]
    grown = base + [overlapping(100, 5), article(40), article(41)]
    store = tmp_path / "s.duckdb"
    monkeypatch.setattr(batches, "IN_PROCESS_CHARS", 0)   # the first run: workers
    pipeline.extract(write(tmp_path / "base.jsonl", base), store=store, workers=2,
                     batch_size=4, progress=False)
    assert len(pools) == 1
    monkeypatch.setattr(batches, "IN_PROCESS_CHARS", threshold)
    result = pipeline.extract(write(tmp_path / "grown.jsonl", grown), store=store, workers=2,
                              batch_size=1, progress=False)
    assert result.summary["new"] == 3 and len(pools) == 1     # three batches, no worker
    monkeypatch.setattr(batches, "IN_PROCESS_CHARS", 0)
    whole = pipeline.extract(tmp_path / "grown.jsonl", store=tmp_path / "fresh.duckdb",
                             workers=2, batch_size=4, progress=False)
    assert len(pools) == 2
    small, clean = outputs(result, tmp_path / "small"), outputs(whole, tmp_path / "whole")
    for name in CSVS:
        assert small[name] == clean[name], name


# --- the duplicate index of a store run ----------------------------------------------------


def test_a_rerun_checks_only_the_new_articles_for_duplicates(tmp_path, monkeypatch):
    """The stored originals seed the duplicate index, and an unchanged one
    is not checked again; a new copy of a stored article, and a copy of one
    that left the corpus, are still found."""
    from timeline import corpus

    checked = []
    real = corpus.DuplicateIndex.check

    def spy(self, item):
        checked.append(item.doc_id)
        return real(self, item)
    monkeypatch.setattr(corpus.DuplicateIndex, "check", spy)
    base = [article(i) for i in range(6)]
    store = tmp_path / "s.duckdb"
    pipeline.extract(write(tmp_path / "b.jsonl", base), store=store, progress=False)
    assert len(checked) == 6
    checked.clear()
    copy = dict(article(4), id="copy4")
    gone = dict(article(0), id="back0")
    grown = base[1:] + [article(20), copy, gone]      # a000 left the corpus
    result = pipeline.extract(write(tmp_path / "g.jsonl", grown), store=store, progress=False)
    assert checked == [f"a{i:03d}" for i in range(6)] + ["a020", "copy4", "back0"]  # seeds first
    docs = result.documents.set_index("doc_id")
    assert docs.loc["copy4", "duplicate_of"] == "a004"
    assert docs.loc["back0", "duplicate_of"] == "a000"
    assert result.summary["duplicates"] == 2


def test_stored_originals_are_checked_against_each_other_when_seeding(tmp_path):
    """An article replaced in place by a text that holds a later stored
    original: the run after the replacement finds the later one to be its
    duplicate, as a clean run over the corpus does (the stored originals are
    checked in store order when they seed the index, not taken as they are)."""
    story = ("The harbour board of Lindholm voted on Tuesday to close the old ferry pier "
             "after engineers found cracks in its pillars during the winter survey.")
    extra = (" Repairs would cost more than a new pier, the board's chairman told reporters, "
             "and the council will choose a builder for the new one before the end of May, "
             "with the first boats expected to call there late next year.")
    first = [{"id": "x", "text": "Snow closed the mountain road above Lindholm for a day.",
              "published": "2024-02-20"}, {"id": "y", "text": story, "published": "2024-02-21"}]
    later = [dict(first[0], text=story + extra), first[1]]
    store = tmp_path / "s.duckdb"
    pipeline.extract(write(tmp_path / "a.jsonl", first), store=store, progress=False)
    corpus = write(tmp_path / "b.jsonl", later)
    pipeline.extract(corpus, store=store, progress=False)        # x replaced
    result = pipeline.extract(corpus, store=store, progress=False)
    clean = pipeline.extract(corpus, progress=False)
    assert clean.documents.set_index("doc_id").loc["y", "duplicate_of"] == "x"
    assert result.documents.set_index("doc_id").loc["y", "duplicate_of"] == "x"
    assert outputs(result, tmp_path / "r")["documents"] == outputs(clean, tmp_path / "c")["documents"]
