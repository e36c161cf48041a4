"""Throughput benchmark: our extraction beside the naive pipeline, in one run.

The naive pipeline is what a researcher would write from the same packages:
the full spaCy pipeline over every document, ``dateparser.search_dates``
over the whole text against the publication date, and each hit tied to the
root verb of its sentence.

Each measurement runs in a fresh child process, so that its peak memory
(max resident set size, the child's own plus its worker processes') is its
own.  Printed: words, seconds, words per second, peak memory, and the ratios
(ours / naive; full corpus time / half corpus time).

    timeline bench --corpus ../shared/data/tempeval3/te3-silver --workers 2 --repeat 3

``--repeat N`` measures every pipeline N times, in N rounds (each round one
measurement of each, so that a drift in the speed of a shared machine falls
on all of them alike), and prints the median of each figure.

``timeline bench --shapes`` measures instead the shapes that once made the
cost grow faster than the input (issue 13), each on a synthetic corpus
generated in a temporary folder and extracted in a fresh process: 20,000
one-line .txt files, one article of 2,000,000 characters in short
sentences, one sentence of 300,000 characters; ``--incremental`` adds a run
of 100 new articles on a store of 25,000 (the store is built first, not
timed).

A folder of TimeML (.tml) files is converted to JSONL first (text of
``<TEXT>``, publication date from ``<DCT>``); a .jsonl corpus is used as is.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

from .defaults import PROJECT_DIR


def tml_to_jsonl(folder: Path, target: Path) -> Path:
    """Write one JSON line per .tml file: id, text, published."""
    from . import timeml

    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "w", encoding="utf-8") as handle:
        for path in timeml.find_files([folder]):
            doc = timeml.read(path)
            handle.write(json.dumps({"id": path.stem, "text": doc.text,
                                     "published": doc.dct.isoformat() if doc.dct else ""}) + "\n")
    return target


def _limited(source: Path, limit: int, target: Path) -> Path:
    with open(source, encoding="utf-8") as inp, open(target, "w", encoding="utf-8") as out:
        for i, line in enumerate(inp):
            if i >= limit:
                break
            out.write(line)
    return target


def _articles(path: Path) -> Iterator[dict]:
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + children) / 1024  # ru_maxrss is in KiB on Linux


def naive(corpus: Path) -> dict:
    """The naive pipeline over a JSONL corpus; returns words, seconds, hits."""
    from datetime import datetime

    import dateparser.search

    from . import nlp as nlp_mod

    nlp = nlp_mod.load(fast=False)  # as spacy.load gives it
    started = time.perf_counter()
    words = hits = 0
    for article in _articles(corpus):
        text = article["text"]
        words += len(text.split())
        doc = nlp(text)
        base = datetime.fromisoformat(article["published"]) if article.get("published") else None
        settings = {"RELATIVE_BASE": base} if base else {}
        found = dateparser.search.search_dates(text, languages=["en"], settings=settings) or []
        position = 0
        for expression, _value in found:
            start = text.find(expression, position)
            if start < 0:
                continue
            position = start + len(expression)
            span = doc.char_span(start, position, alignment_mode="expand")
            if span is not None:
                _verb = span.sent.root.lemma_
                hits += 1
    return {"words": words, "seconds": time.perf_counter() - started, "mentions": hits}


def ours(corpus: Path, workers: int) -> dict:
    """Our extraction (pipeline.extract) over a JSONL corpus."""
    from . import nlp as nlp_mod, pipeline

    nlp_mod.load()  # model loading is not part of the throughput, as for the naive one
    words = sum(len(a["text"].split()) for a in _articles(corpus))
    started = time.perf_counter()
    result = pipeline.extract(corpus, workers=workers, progress=False)
    return {"words": words, "seconds": time.perf_counter() - started,
            "mentions": len(result.mentions), "events": len(result.events)}


def shape(corpus: Path, workers: int, store: str = "") -> dict:
    """Our extraction over any corpus (a folder, a JSONL file), with its tables
    written, as ``timeline extract`` does; words counted from the documents."""
    import tempfile

    from . import nlp as nlp_mod, pipeline

    nlp_mod.load()
    started = time.perf_counter()
    result = pipeline.extract(corpus, workers=workers, progress=False, store=store or None)
    with tempfile.TemporaryDirectory() as out:
        pipeline.write_tables(result, out)
    return {"words": int(result.documents["n_words"].fillna(0).astype(int).sum()),
            "articles": int(result.summary.get("articles", 0)),
            "seconds": time.perf_counter() - started, "mentions": len(result.mentions),
            "events": len(result.events),
            "rows": len(result.mentions) + len(result.event_mentions),
            "merged_rows": int(result.summary.get("merged_rows", 0) or 0)}


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def _dated(i: int) -> str:
    """A date written out, a different one for each i (over about 27 years)."""
    return f"{i % 28 + 1} {_MONTHS[(i // 28) % 12]} {1990 + (i // 336) % 30}"


def make_shapes(root: Path, files: int = 20_000, article_chars: int = 2_000_000,
                sentence_chars: int = 300_000) -> dict[str, Path]:
    """Write the three synthetic corpora of ``--shapes`` under ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    folder = root / "one-line-files"
    folder.mkdir(exist_ok=True)
    for i in range(files):
        (folder / f"note{i:05d}.txt").write_text(
            f"Officials in town {i} said on {_dated(i)} that talks on road {i % 97} would "
            "resume.\n", encoding="utf-8")
    parts, size, i = [], 0, 0
    while size < article_chars:
        sentence = f"Talks in district {i} resumed on {_dated(i * 13)} after a pause."
        parts.append(sentence)
        size += len(sentence) + 1
        i += 1
    long_article = root / "long-article.jsonl"
    long_article.write_text(json.dumps({"id": "long-article", "text": " ".join(parts),
                                        "published": "2025-11-21"}) + "\n", encoding="utf-8")
    words, size, i = [], 0, 0
    while size < sentence_chars:
        word = f"on {_dated(i)}" if i % 500 == 0 else f"word{i}"
        words.append(word)
        size += len(word) + 1
        i += 1
    long_sentence = root / "long-sentence.jsonl"
    long_sentence.write_text(json.dumps({"id": "long-sentence", "text": " ".join(words),
                                         "published": "2025-11-21"}) + "\n", encoding="utf-8")
    return {"20,000 one-line files".replace("20,000", f"{files:,}"): folder,
            f"one article of {article_chars:,} characters": long_article,
            f"one sentence of {sentence_chars:,} characters": long_sentence}


def _synthetic_articles(path: Path, first: int, n: int) -> Path:
    """A JSONL of ``n`` short synthetic news articles numbered from ``first``."""
    with open(path, "w", encoding="utf-8") as handle:
        for i in range(first, first + n):
            text = (f"Negotiators of delegation {i} met on {_dated(i)} in city {i % 211}. "
                    f"They agreed to meet again on {_dated(i + 5)}, officials said.")
            handle.write(json.dumps({"id": f"a{i:06d}", "text": text,
                                     "published": "2025-11-21"}) + "\n")
    return path


def shapes_main(args) -> int:
    """``timeline bench --shapes``: time and peak memory of each shape."""
    import tempfile

    runs = []
    with tempfile.TemporaryDirectory(prefix="timeline-shapes-") as tmp:
        root = Path(tmp)
        print("writing the synthetic corpora ...", flush=True)
        for name, corpus in make_shapes(root).items():
            print(f"running {name} ...", flush=True)
            figures = _child("shape", corpus, args.workers)
            figures["shape"] = name
            runs.append(figures)
            print(f"  {figures['seconds']:.1f} s, {figures['peak_mb']:.0f} MB peak", flush=True)
        if getattr(args, "incremental", False):
            store = root / "store.duckdb"
            base = _synthetic_articles(root / "base.jsonl", 0, 25_000)
            print("building a store of 25,000 articles (not timed) ...", flush=True)
            _child("shape", base, args.workers, str(store))
            grown = root / "grown.jsonl"
            with open(grown, "w", encoding="utf-8") as handle:
                handle.write(base.read_text(encoding="utf-8"))
                handle.write(_synthetic_articles(root / "new.jsonl", 25_000, 100)
                             .read_text(encoding="utf-8"))
            print("running 100 new articles on the store of 25,000 ...", flush=True)
            figures = _child("shape", grown, args.workers, str(store))
            figures["shape"] = "100 new articles, store of 25,000"
            runs.append(figures)
            print(f"  {figures['seconds']:.1f} s, {figures['peak_mb']:.0f} MB peak", flush=True)
    print()
    print(f"{'shape':<40}{'articles':>10}{'words':>10}{'seconds':>10}{'peak MB':>10}")
    for r in runs:
        print(f"{r['shape']:<40}{r['articles']:>10}{r['words']:>10}{r['seconds']:>10.1f}"
              f"{r['peak_mb']:>10.0f}")
    for r in runs:
        if r["shape"].startswith("100 new"):
            print(f"(the rerun merged {r['merged_rows']:,} of its {r['rows']:,} mention and "
                  "event mention rows again)")
    work = PROJECT_DIR / "outputs" / "bench"
    work.mkdir(parents=True, exist_ok=True)
    (work / "shapes.json").write_text(json.dumps(runs, indent=2) + "\n", encoding="utf-8")
    print(f"figures written to {work / 'shapes.json'}")
    return 0


def _child(mode: str, corpus: Path, workers: int, store: str = "") -> dict:
    command = [sys.executable, "-m", "timeline.bench", mode, str(corpus), str(workers)]
    if store:
        command.append(store)
    # one BLAS thread in every child: "one process" means one core, for both pipelines
    from .batches import SINGLE_THREAD_ENV
    import os

    env = {**os.environ, **SINGLE_THREAD_ENV}
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"benchmark child {mode} failed: {tail}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def median_figures(figures: list[dict]) -> dict:
    """One measurement's figures from its repetitions: the median of each
    number (seconds, peak memory ...) over them; the other values of the
    first."""
    import statistics

    out = dict(figures[0])
    for key, value in figures[0].items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            out[key] = statistics.median(f[key] for f in figures)
    return out


def main(args) -> int:
    """Entry point of ``timeline bench``."""
    if getattr(args, "shapes", False):
        return shapes_main(args)
    source = Path(args.corpus)
    work = PROJECT_DIR / "outputs" / "bench"
    work.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        print(f"converting {source} to JSONL ...", flush=True)
        source = tml_to_jsonl(source, work / f"{source.name}.jsonl")
    total = sum(1 for _ in _articles(source))
    n_full = min(args.limit or total, total)
    full = _limited(source, n_full, work / "full.jsonl")
    half = _limited(source, n_full // 2, work / "half.jsonl")
    n_naive = min(args.naive_limit or n_full, n_full)
    naive_corpus = _limited(source, n_naive, work / "naive.jsonl")

    plan = [("naive", naive_corpus, 1, n_naive), ("ours", half, 1, n_full // 2),
            ("ours", full, 1, n_full)]
    if args.workers > 1:
        plan.append(("ours", full, args.workers, n_full))
    repeat = max(1, int(getattr(args, "repeat", 1) or 1))
    # each round measures every pipeline once, so that a drift in the speed of a
    # shared machine falls on all of them alike; each figure is then the median
    measured: list[list[dict]] = [[] for _ in plan]
    for round_number in range(repeat):
        for k, (mode, corpus, workers, n) in enumerate(plan):
            label = f" (round {round_number + 1} of {repeat})" if repeat > 1 else ""
            print(f"running {mode} on {n} articles with {workers} worker(s){label} ...",
                  flush=True)
            measured[k].append(_child(mode, corpus, workers))
    runs = []
    for (mode, _path, workers, n), figures in zip(plan, measured):
        run = median_figures(figures)
        run.update(mode=mode, articles=n, workers=workers, rounds=len(figures),
                   words_per_second=run["words"] / run["seconds"],
                   all_seconds=[round(f["seconds"], 2) for f in figures])
        runs.append(run)

    print()
    if repeat > 1:
        print(f"medians of {repeat} rounds (seconds of each round in results.json)")
    print(f"{'pipeline':<10}{'workers':>8}{'articles':>10}{'words':>10}{'seconds':>10}"
          f"{'words/s':>10}{'peak MB':>10}")
    for r in runs:
        print(f"{r['mode']:<10}{r['workers']:>8}{r['articles']:>10}{r['words']:>10.0f}"
              f"{r['seconds']:>10.1f}{r['words_per_second']:>10.0f}{r['peak_mb']:>10.0f}")
    naive_rate = runs[0]["words_per_second"]
    ours_one = runs[2]
    print()
    print(f"ours (1 worker) / naive words per second: {ours_one['words_per_second'] / naive_rate:.1f}x")
    if args.workers > 1:
        print(f"ours ({args.workers} workers) / naive words per second: "
              f"{runs[3]['words_per_second'] / naive_rate:.1f}x")
    print(f"time for {n_full} articles / time for {n_full // 2}: "
          f"{ours_one['seconds'] / runs[1]['seconds']:.2f} "
          f"(their words: {ours_one['words'] / runs[1]['words']:.2f})")
    (work / "results.json").write_text(json.dumps(runs, indent=2) + "\n", encoding="utf-8")
    print(f"figures written to {work / 'results.json'}")
    return 0


if __name__ == "__main__":  # a measurement child: MODE CORPUS WORKERS [STORE]
    _mode, _corpus, _workers = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    if _mode == "shape":
        _figures = shape(_corpus, _workers, sys.argv[4] if len(sys.argv) > 4 else "")
    else:
        _figures = naive(_corpus) if _mode == "naive" else ours(_corpus, _workers)
    _figures["peak_mb"] = _peak_mb()
    print(json.dumps(_figures))
