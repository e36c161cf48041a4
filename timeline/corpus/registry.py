"""The one table of readers: a file's extension (lower-cased) to the
function that reads it.  Adding a format is one module with a
``read(path, ctx)`` generator and one line here."""

from __future__ import annotations

from . import csvfile, feed, jsonexport, jsonl, text, tml, urls, webpage

READERS = {
    ".txt": text.read,          # one article per file (or a list of URLs)
    ".jsonl": jsonl.read,       # one article per line
    ".csv": csvfile.read,       # one article per row
    ".json": jsonexport.read,   # an export of articles from a news API
    ".rss": feed.read,          # RSS or Atom feeds
    ".atom": feed.read,
    ".xml": feed.read,          # a feed, or TimeML by its root element
    ".tml": tml.read,           # TimeML (TempEval)
    ".html": webpage.read,      # saved web pages
    ".htm": webpage.read,
    ".urls": urls.read,         # one URL per line, fetched
}

