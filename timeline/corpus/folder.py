"""A folder: its ``manifest.csv`` first, then every file of a kind in the
:data:`~timeline.corpus.registry.READERS` table, in sub-folders too, in
sorted order.  Files of other kinds each get a Reject (a README and the
manifest excepted); hidden files and folders, the outputs of a run (a
folder holding ``summary.json`` and ``documents.csv``), the assets a
browser saves beside a page (``Page_files/`` beside ``Page.html``) and the
paths the caller excludes (the run's own output folder, store and cache)
are never read.  Nothing outside the folder is ever read: every path, symbolic links
included, is resolved and checked first."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

from . import manifest
from .checks import Context, Item, Reject, failure, inside

#: the start of the reason of a file of a kind no reader takes
UNREADABLE = "not a kind of file timeline reads"
#: files of a run's output folder: a folder holding all of these is skipped
RUN_OUTPUTS = ("summary.json", "documents.csv")


def is_run_output(folder: Path) -> bool:
    """True for the output folder of a run of timeline."""
    return all((folder / name).is_file() for name in RUN_OUTPUTS)


def is_page_assets(folder: Path) -> bool:
    """True for the folder of images, scripts and styles a browser saves
    beside a page ("Page_files" beside "Page.html"): part of the page, not
    articles."""
    name = folder.name
    if not name.endswith("_files"):
        return False
    stem = name[:-len("_files")]
    return any((folder.parent / f"{stem}{suffix}").is_file() for suffix in (".html", ".htm"))


def _walk(root: Path, exclude: set) -> Iterator[Path]:
    """Every non-hidden file under ``root``, sorted, without following
    symlinked folders (symlinked files are listed and checked by the
    caller), skipping run outputs and excluded paths."""
    for folder, dirs, files in os.walk(root, followlinks=False):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                         and not (exclude and (here / d).resolve() in exclude)
                         and not is_run_output(here / d) and not is_page_assets(here / d))
        for name in sorted(files):
            if not name.startswith("."):
                yield here / name


def read_file(path: Path, reader, ctx: Context, label_path: Path | None = None
              ) -> Iterator[Item]:
    """The items of one file; a file that cannot be read, or a reader that
    fails on it, is one Reject and the rest of the corpus is read."""
    label = ctx.label(label_path or path)
    try:
        yield from reader(path, ctx)
    except OSError as error:
        yield Reject(label, "", f"cannot be read ({error.strerror or error})", "skipped")
    except (MemoryError, KeyboardInterrupt):
        raise
    except Exception as error:  # a reader's bug on hostile input: this file's reject
        yield Reject(label, "", f"could not be read ({failure(error)})", "skipped")


def read(root: Path, ctx: Context) -> Iterator[Item]:
    from .registry import READERS

    covered: set[Path] = set()
    if (root / manifest.MANIFEST).is_file():
        yield from manifest.read(root, ctx, covered)
    for path in _walk(root, ctx.exclude):
        if path.parent == root and path.name == manifest.MANIFEST:
            continue
        reader = READERS.get(path.suffix.lower())
        if reader is None and ctx.exclude and path.resolve() in ctx.exclude:
            continue
        if reader is None:
            if path.stem.lower() != "readme":
                kind = path.suffix.lower() or "no extension"
                yield Reject(ctx.label(path), path.stem, f"{UNREADABLE} ({kind})", "skipped")
            continue
        target = inside(path, root)
        if target is None:
            yield Reject(ctx.label(path), path.stem, "a link to a file outside the corpus "
                         "folder", "skipped")
            continue
        if target in covered or target in ctx.exclude:
            continue
        if target.exists() and not target.is_file():  # a FIFO or device would block or never end
            yield Reject(ctx.label(path), path.stem, "not a regular file", "skipped")
            continue
        yield from read_file(target, reader, ctx, label_path=path)
