"""The ``timeline`` command line.

    timeline run      [--corpus PATH] [--out DIR] [-p NAME VALUE ...]
    timeline extract  [--corpus PATH] [--out DIR] [--store DB] [--workers N] ...
    timeline evaluate GOLD_PATH... --system-out DIR [--json FILE] [--events]
    timeline bench    --corpus PATH [--limit N] ...

Exit codes: 0 done (rejected inputs are listed in rejects.csv), 1 a failure
while working (a notebook cell, an unexpected error), 2 bad arguments (found
before any work), 3 ``--strict`` and some input was rejected.  No traceback
reaches the user unless TIMELINE_DEBUG=1.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from pathlib import Path
from typing import Optional, Sequence

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = PROJECT_DIR / "seeds"
DEFAULT_OUTPUTS = PROJECT_DIR / "outputs"


class UsageError(Exception):
    """Bad arguments: reported in one line, exit 2, before any work."""


# --- argument checks -------------------------------------------------------------


def _iso_date(text: str) -> Optional[date]:
    if text in ("", None):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"not an ISO date (YYYY-MM-DD): {text!r}") from None


def _corpus(path: Optional[str]) -> Path:
    corpus = Path(path) if path else DEFAULT_CORPUS
    if not corpus.exists():
        raise UsageError(f"corpus not found: {corpus}")
    return corpus


def _out(path: Optional[str], corpus: Path) -> Path:
    """The output folder, created and shown writable before any work."""
    out = Path(path) if path else DEFAULT_OUTPUTS / corpus.resolve().stem
    probe = out
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        raise UsageError(f"output folder cannot be created: {probe} is a file")
    try:
        out.mkdir(parents=True, exist_ok=True)
        import tempfile
        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError as error:
        raise UsageError(f"output folder is not writable: {out} ({error.strerror or error})") from None
    return out


# --- commands ----------------------------------------------------------------------


def cmd_run(args) -> int:
    from . import execute

    corpus = _corpus(args.corpus)
    parameters = dict(args.parameter or [])  # typed by execute.check_parameters
    try:
        execute.check_parameters(parameters, {n: execute.notebook_parameters(
            execute.NOTEBOOK_DIR / n) for n in execute.NOTEBOOKS})
    except execute.UnknownParameter as error:
        raise UsageError(str(error)) from None
    out = _out(args.out, corpus)
    try:
        result = execute.run(corpus, out, parameters, log_output=args.verbose)
    except execute.UnknownParameter as error:
        raise UsageError(str(error)) from None
    except execute.NotebookFailed as error:
        print(f"timeline run: {error}", file=sys.stderr)
        return 1
    _print_rejects(out)
    summary = out / "summary.json"
    if summary.exists():
        print(_summary_line(json.loads(summary.read_text("utf-8"))))
    print(f"wrote {result.out}")
    if args.strict and _count_rejects(out) > 0:
        print(f"timeline run: --strict: {_count_rejects(out)} input(s) rejected "
              f"(see {out / 'rejects.csv'})", file=sys.stderr)
        return 3
    return 0


def _print_rejects(out: Path) -> None:
    path = out / "rejects.csv"
    if path.exists():
        from .tables import read_csv
        for reject in read_csv(path).itertuples():
            print(f"rejected {reject.input}: {reject.reason} ({reject.action})", file=sys.stderr)


def _count_rejects(out: Path) -> int:
    path = out / "rejects.csv"
    if not path.exists():
        return 0
    with open(path, encoding="utf-8") as handle:
        import csv
        return max(0, sum(1 for _ in csv.reader(handle)) - 1)


def _summary_line(summary: dict) -> str:
    from .pipeline import Tables

    return Tables(None, None, None, None, summary).summary_line()


def cmd_extract(args) -> int:
    from . import pipeline

    corpus = _corpus(args.corpus)
    default_published = _iso_date(args.default_published)
    if args.workers < 1:
        raise UsageError("--workers must be at least 1")
    out = _out(args.out, corpus)
    result = pipeline.extract(corpus, default_published=default_published,
                              infer_dates=args.infer_dates, undated=args.undated,
                              store=args.store, workers=args.workers, engine=args.engine,
                              scheduler=args.scheduler, progress=False if args.quiet else None)
    pipeline.write_tables(result, out, raw=args.raw_csv)
    if not args.no_figure:
        from . import figure
        figure.write_html(figure.timeline_figure(result.events, result.documents),
                          out / "timeline.html")
    for reject in result.rejects.itertuples():
        print(f"rejected {reject.input}: {reject.reason} ({reject.action})", file=sys.stderr)
    if result.summary.get("articles", 0) == 0:
        print(f"timeline extract: no article found in {corpus}", file=sys.stderr)
    print(result.summary_line())
    print(f"wrote {out}")
    if args.strict and len(result.rejects):
        return 3
    return 0


def cmd_evaluate(args) -> int:
    from . import evaluate, nlp

    for path in args.gold:
        if not Path(path).exists():
            raise UsageError(f"gold path not found: {path}")
    model = nlp.load()
    results = evaluate.task_a(args.gold, args.system_out, model, events=args.events)
    if args.events:
        results.update(evaluate.anchoring(args.gold, model))
    print(evaluate.format_report(results))
    if args.json:
        from .tables import write_text
        write_text(json.dumps(results, indent=2) + "\n", args.json)
    return 0


def cmd_bench(args) -> int:
    from . import bench

    _corpus(args.corpus)
    return bench.main(args)


# --- parser ------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="timeline", description="Event timelines from news articles.")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run the notebooks headlessly (papermill)")
    run.add_argument("--corpus", help="corpus folder or file (default: seeds/)")
    run.add_argument("--out", help="output folder (default: outputs/<corpus name>/)")
    run.add_argument("-p", "--parameter", nargs=2, action="append", metavar=("NAME", "VALUE"),
                     help="a notebook parameter (repeatable)")
    run.add_argument("--strict", action="store_true", help="exit 3 if any input was rejected")
    run.add_argument("--verbose", action="store_true", help="show the notebooks' output")
    run.set_defaults(func=cmd_run)

    ext = sub.add_parser("extract", help="extract the tables without a notebook kernel")
    ext.add_argument("--corpus", help="corpus folder or file (default: seeds/)")
    ext.add_argument("--out", help="output folder (default: outputs/<corpus name>/)")
    ext.add_argument("--default-published", default="", metavar="YYYY-MM-DD",
                     help="publication date for articles that have none")
    ext.add_argument("--infer-dates", action="store_true",
                     help="infer a missing publication date from a dateline in the text")
    ext.add_argument("--undated", action="store_true",
                     help="keep the main event of sentences with no temporal expression")
    ext.add_argument("--store", help="DuckDB file keeping everything extracted so far")
    ext.add_argument("--workers", type=int, default=1, help="processes (default 1)")
    ext.add_argument("--engine", choices=("local", "dask"), default="local")
    ext.add_argument("--scheduler", help="with --engine dask: address of a running scheduler")
    ext.add_argument("--raw-csv", action="store_true",
                     help="do not neutralise cells that look like spreadsheet formulas")
    ext.add_argument("--no-figure", action="store_true", help="do not write timeline.html")
    ext.add_argument("--strict", action="store_true", help="exit 3 if any input was rejected")
    ext.add_argument("--quiet", action="store_true", help="no progress bar")
    ext.set_defaults(func=cmd_extract)

    ev = sub.add_parser("evaluate", help="TempEval-3 Task A figures on gold TimeML")
    ev.add_argument("gold", nargs="+", metavar="GOLD_PATH", help=".tml files or folders")
    ev.add_argument("--system-out", required=True, help="folder for the system's TimeML")
    ev.add_argument("--json", help="also write the figures as JSON")
    ev.add_argument("--events", action="store_true",
                    help="also measure event detection (Task B, EVENT tags in the system "
                         "TimeML) and event anchoring against the gold TLINKs")
    ev.set_defaults(func=cmd_evaluate)

    be = sub.add_parser("bench", help="throughput against the naive pipeline")
    be.add_argument("--corpus", required=True, help="JSONL corpus or folder of .tml files")
    be.add_argument("--limit", type=int, default=0, help="only the first N articles")
    be.add_argument("--workers", type=int, default=1)
    be.add_argument("--naive-limit", type=int, default=0,
                    help="articles for the naive pipeline (default: same as --limit)")
    be.set_defaults(func=cmd_bench)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except UsageError as error:
        print(f"timeline {args.command}: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"timeline {args.command}: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # the last line of defence: one line, no traceback
        if os.environ.get("TIMELINE_DEBUG"):
            raise
        from .corpus import CorpusError
        from .nlp import ModelNotFound
        from .store import StoreError
        if isinstance(error, (CorpusError, StoreError)):
            print(f"timeline {args.command}: {error}", file=sys.stderr)
            return 2
        kind = "" if isinstance(error, ModelNotFound) else f"{type(error).__name__}: "
        print(f"timeline {args.command}: {kind}{str(error).splitlines()[0] if str(error) else ''}",
              file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
