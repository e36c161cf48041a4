"""The ``timeline`` command line.

    timeline --version
    timeline run      [--corpus PATH] [--out DIR] [-p NAME VALUE ...]   (--help lists the NAMEs)
    timeline extract  [--corpus PATH] [--out DIR] [--store DB] [--workers N] ...
    timeline evaluate GOLD_PATH... --system-out DIR [--json FILE] [--events]
    timeline bench    --corpus PATH [--limit N] ...

Exit codes: 0 done (rejected inputs are listed in rejects.csv), 1 a failure
while working (a notebook cell, an unexpected error), 2 bad arguments (found
before any work), 3 ``--strict`` and some input was rejected, 4 no article
was read (one line says what was found instead).  No traceback reaches the
user unless TIMELINE_DEBUG=1.  Text from the input (file names, ids, reasons)
is printed through :func:`timeline.terminal.safe_for_terminal`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from pathlib import Path
from typing import Optional, Sequence

from .defaults import DEFAULT_CORPUS, DEFAULT_OUTPUTS, PROJECT_DIR, usable_cores, version


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


def _out(path: Optional[str], corpus: Optional[Path]) -> Path:
    """The output folder, created and shown writable before any work; never
    inside the corpus folder (each run would read the last one's tables)."""
    from .corpus import CorpusError, check_out_folder

    out = Path(path) if path else DEFAULT_OUTPUTS / (corpus.resolve().stem if corpus else "urls")
    try:
        check_out_folder(corpus, out)
    except CorpusError as error:
        raise UsageError(str(error)) from None
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
    from .tables import staged_folder
    try:
        # the notebooks write into a staging folder that replaces out as a whole
        with staged_folder(out) as stage:
            execute.run(corpus, stage, parameters, log_output=args.verbose)
    except execute.UnknownParameter as error:
        raise UsageError(str(error)) from None
    except execute.NotebookFailed as error:
        print(f"timeline run: {_kept_failed_notebooks(error, out)}", file=sys.stderr)
        return 1
    _print_rejects(out)
    summary = out / "summary.json"
    facts = json.loads(summary.read_text("utf-8")) if summary.exists() else {}
    if facts:
        print(_summary_line(facts))
    print(f"wrote {out}")
    if facts.get("nothing_read"):
        print(f"timeline run: no article read in {_safe(corpus)}: {facts['nothing_read']}",
              file=sys.stderr)
        return 4
    if args.strict and _count_rejects(out) > 0:
        print(f"timeline run: --strict: {_count_rejects(out)} input(s) rejected "
              f"(see {out / 'rejects.csv'})", file=sys.stderr)
        return 3
    return 0


def _kept_failed_notebooks(error: Exception, out: Path) -> str:
    """The message of a failed run, its executed notebook copied into ``out``
    (the staging folder it was written to is gone; the outputs of the last
    good run stay as they were)."""
    import re
    import shutil

    message = str(error)
    match = re.search(r"executed copy kept at (.+)$", message)
    if match:
        kept = Path(match.group(1))
        target = out / kept.name
        if kept.exists():
            shutil.copyfile(kept, target)
        message = message[:match.start(1)] + str(target)
    return message


def _print_rejects(out: Path) -> None:
    path = out / "rejects.csv"
    if path.exists():
        from .tables import read_csv
        for reject in read_csv(path).itertuples():
            print(_reject_line(reject), file=sys.stderr)


def _safe(text) -> str:
    from .terminal import safe_for_terminal
    return safe_for_terminal(text)


def _reject_line(reject) -> str:
    """One printed line for a row of rejects.csv, its input-derived text escaped."""
    return f"rejected {_safe(reject.input)}: {_safe(reject.reason)} ({_safe(reject.action)})"


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

    from .corpus import parse_field_options

    corpus = _corpus(args.corpus) if args.corpus or not args.url else None
    default_published = _iso_date(args.default_published)
    if args.workers < 1:
        raise UsageError("--workers must be at least 1")
    try:
        fields = parse_field_options(args.field)
    except ValueError as error:
        raise UsageError(f"--field: {error}") from None
    out = _out(args.out, corpus)
    fetch_cache = args.fetch_cache or (f"{args.store}.pages" if args.store
                                       else str(out.parent / f"{out.name}.pages"))
    result = pipeline.extract(corpus, default_published=default_published,
                              infer_dates=args.infer_dates, undated=args.undated,
                              store=args.store, workers=args.workers, engine=args.engine,
                              scheduler=args.scheduler, progress=False if args.quiet else None,
                              fields=fields, date_order=args.date_order, urls=args.url or (),
                              fetch_cache=fetch_cache, exclude=[out], rebuild=args.rebuild)
    from .tables import staged_folder
    from . import exports, figure
    with staged_folder(out) as stage:  # out is replaced as a whole
        pipeline.write_tables(result, stage, raw=args.raw_csv)
        # the same exports as `timeline run`: TimelineJS (CSV and JSON, Group the figure's
        # lane), timeline.xlsx, columns.md, and the page unless --no-figure
        fig = figure.timeline_figure(result.events, result.documents,
                                     corpus=corpus.name if corpus else "urls")
        exports.write_exports(result.events, stage, mentions=result.mentions,
                              documents=result.documents, raw=args.raw_csv, tables=False,
                              fig=fig)
        if not args.no_figure:
            figure.write_html(fig, stage / "timeline.html")
    for reject in result.rejects.itertuples():
        print(_reject_line(reject), file=sys.stderr)
    print(result.summary_line())
    print(f"wrote {out}")
    if result.summary.get("nothing_read"):
        where = _safe(corpus) if corpus else "the URLs given"
        print(f"timeline extract: no article read in {where}: {result.summary['nothing_read']}",
              file=sys.stderr)
        return 4
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

    if not args.shapes:
        if not args.corpus:
            raise UsageError("--corpus is required (or give --shapes)")
        _corpus(args.corpus)
    if getattr(args, "repeat", 1) < 1:
        raise UsageError("--repeat must be 1 or more")
    return bench.main(args)


# --- parser ------------------------------------------------------------------------


class _RunHelp(argparse.Action):
    """``timeline run --help``: the options, then every notebook parameter
    (read from the notebooks only when asked: papermill is slow to import)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS,
                 help="show this help, with every notebook parameter, and exit"):
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        from . import execute

        try:
            parser.epilog = execute.parameter_help(execute.declared_parameters())
        except Exception as error:  # a broken notebook must not hide the options' help
            parser.epilog = f"(the notebook parameters cannot be read: {error})"
        parser.print_help()
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="timeline", description="Event timelines from news articles.")
    parser.add_argument("--version", action="version", version=f"timeline {version()}")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run the notebooks headlessly (papermill)", add_help=False,
                         formatter_class=argparse.RawDescriptionHelpFormatter)
    run.add_argument("-h", "--help", action=_RunHelp)
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
    ext.add_argument("--rebuild", action="store_true",
                     help="with --store: move the old store aside (<store>.old) and rebuild it "
                          "from the corpus")
    ext.add_argument("--workers", type=int, default=usable_cores(),
                     help="processes (default: the machine's usable cores, here %(default)s)")
    ext.add_argument("--engine", choices=("local", "dask"), default="local")
    ext.add_argument("--scheduler", help="with --engine dask: address of a running scheduler")
    ext.add_argument("--raw-csv", action="store_true",
                     help="do not neutralise cells that look like spreadsheet formulas")
    ext.add_argument("--no-figure", action="store_true", help="do not write timeline.html")
    ext.add_argument("--strict", action="store_true", help="exit 3 if any input was rejected")
    ext.add_argument("--quiet", action="store_true", help="no progress bar")
    ext.add_argument("--field", action="append", metavar="FIELD=NAME",
                     help="where a record holds an article field, e.g. text=content, "
                          "published=date, source=source.name (repeatable)")
    ext.add_argument("--date-order", choices=("DMY", "MDY", "YMD"),
                     help="order of all-numeric publication dates such as 05/06/2025 "
                          "(default: only ISO dates are all-numeric)")
    ext.add_argument("--url", action="append", metavar="URL",
                     help="a web page to fetch and read (repeatable)")
    ext.add_argument("--fetch-cache", metavar="DIR",
                     help="folder keeping fetched pages (default: beside --out or --store)")
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
    be.add_argument("--corpus", help="JSONL corpus or folder of .tml files (not with --shapes)")
    be.add_argument("--limit", type=int, default=0, help="only the first N articles")
    be.add_argument("--workers", type=int, default=1)
    be.add_argument("--naive-limit", type=int, default=0,
                    help="articles for the naive pipeline (default: same as --limit)")
    be.add_argument("--repeat", type=int, default=1,
                    help="measure every pipeline N times, in N rounds, and print the median "
                         "of each figure (a shared machine's speed drifts over minutes)")
    be.add_argument("--shapes", action="store_true",
                    help="measure the hostile shapes instead (20,000 one-line files, one "
                         "2,000,000-character article, one 300,000-character sentence)")
    be.add_argument("--incremental", action="store_true",
                    help="with --shapes: also 100 new articles on a store of 25,000")
    be.set_defaults(func=cmd_bench)
    return parser


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread like Ctrl-C, so that the same
    clean-ups run (workers stopped, store transaction rolled back, lock
    released)."""


#: the signal that stopped the run, if any (a library that catches the
#: KeyboardInterrupt and raises its own error, as DuckDB does for a query it
#: interrupts, must not turn Ctrl-C into a failure)
_SIGNALLED: list = []


def _on_sigterm(signum, frame) -> None:
    _SIGNALLED.append("SIGTERM")
    raise Terminated()


def _on_sigint(signum, frame) -> None:
    _SIGNALLED.append("SIGINT")
    raise KeyboardInterrupt()


def _quiet_interrupts() -> None:
    """After Ctrl-C or SIGTERM, nothing more on the terminal: the threads and
    child processes being torn down (notebook kernels, their ZMQ sockets)
    must not print tracebacks."""
    import logging
    import threading

    logging.disable(logging.CRITICAL)
    threading.excepthook = lambda hook_args: None
    try:
        sys.stderr.flush()
    except Exception:
        pass


def main(argv: Optional[Sequence[str]] = None) -> int:
    import signal

    parser = build_parser()
    args = parser.parse_args(argv)
    _SIGNALLED.clear()
    try:
        previous_term = signal.signal(signal.SIGTERM, _on_sigterm)
        previous_int = signal.signal(signal.SIGINT, _on_sigint)
    except ValueError:  # not the main thread: leave signals alone
        previous_term = previous_int = None
    try:
        return args.func(args)
    except UsageError as error:
        print(f"timeline {args.command}: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return _stopped(args.command)
    except Exception as error:  # the last line of defence: one line, no traceback
        if _SIGNALLED:
            return _stopped(args.command)
        if os.environ.get("TIMELINE_DEBUG"):
            raise
        from .corpus import CorpusError
        from .nlp import ModelNotFound
        from .store import StoreError
        from .tables import WriteError
        from .batches import WorkerDied
        if isinstance(error, (CorpusError, StoreError)):
            print(f"timeline {args.command}: {error}", file=sys.stderr)
            return 2
        if isinstance(error, (WriteError, WorkerDied)):
            print(f"timeline {args.command}: {str(error).splitlines()[0]}", file=sys.stderr)
            return 1
        kind = "" if isinstance(error, ModelNotFound) else f"{type(error).__name__}: "
        print(f"timeline {args.command}: {kind}{str(error).splitlines()[0] if str(error) else ''}",
              file=sys.stderr)
        return 1
    finally:
        if previous_term is not None:
            signal.signal(signal.SIGTERM, previous_term)
            signal.signal(signal.SIGINT, previous_int)


def _stopped(command: str) -> int:
    """The one line and exit code of a run stopped by Ctrl-C (130) or SIGTERM (143)."""
    _quiet_interrupts()
    if "SIGTERM" in _SIGNALLED:
        print(f"timeline {command}: terminated (SIGTERM)", file=sys.stderr)
        return 143
    print(f"timeline {command}: interrupted", file=sys.stderr)
    return 130


if __name__ == "__main__":
    sys.exit(main())
