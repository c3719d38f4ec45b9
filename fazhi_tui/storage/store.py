"""Record storage: writes with an audit row in the same transaction, tombstones, paged reads.

One :class:`Store` wraps one connection. It is safe to call from worker threads: a lock
serialises use of the connection, and every write runs in ``BEGIN IMMEDIATE`` so a second
program on the same file waits for the lock (busy timeout) instead of corrupting anything.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
import uuid as uuid_module
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fazhi_tui.base.progress import Progress
from fazhi_tui.domain.kinds import KINDS, Kind
from fazhi_tui.domain.reasons import REASON_FIELDS, reason_text, reason_value
from fazhi_tui.storage import meta
from fazhi_tui.storage.database import DatabaseBusy, DatabaseError, _classify, open_database, wrap
from fazhi_tui.storage.records import add_audit_rows, audit_row, save_records
from fazhi_tui.storage.search import filter_where

__all__ = ["Store", "Actor", "RecordNotFound", "utc_now"]

SYSTEM_COLUMNS = ("uuid", "township", "created_at", "updated_at", "device_id", "rev", "deleted_at")
SYNC_COLUMNS = ("sync_version", "sync_stamp")
STAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
# the PC's clock may lag the newest stamp this much (time zones set wrong, a slow clock)
# before :meth:`Store.clock_behind` calls it wrong
CLOCK_BEHIND_TOLERANCE = dt.timedelta(days=1)


def utc_now() -> str:
    """Current UTC time as ISO-8601 with microseconds and a Z."""
    return dt.datetime.now(dt.UTC).strftime(STAMP_FORMAT)


def stamp_after(stamp: str) -> str:
    """The stamp one microsecond after ``stamp``."""
    moment = dt.datetime.strptime(stamp, STAMP_FORMAT) + dt.timedelta(microseconds=1)
    return moment.strftime(STAMP_FORMAT)


class RecordNotFound(LookupError):
    pass


@dataclass(frozen=True)
class Actor:
    """Who writes: the operator's name from the config and the township they write for."""

    operator: str
    township: str


def encode_record(kind: Kind, values: dict[str, Any]) -> dict[str, Any]:
    """Python values → SQLite values (lists as JSON, bools as 0/1, a reason's words as its
    code: see :mod:`fazhi_tui.domain.reasons`)."""
    out = {}
    for f in kind.fields:
        if f.name not in values:
            continue
        value = values[f.name]
        if f.type == "refs":
            value = json.dumps(list(value or []), ensure_ascii=False)
        elif f.type == "bool":
            value = 1 if value else 0
        elif (kind.name, f.name) in REASON_FIELDS:
            value = reason_value(value)
        out[f.name] = value
    return out


_scan_json = json.JSONDecoder().scan_once


def _json_list(text: str | None) -> Any:
    """``json.loads(text or "[]")``, faster for the short lists of uuids a refs column holds
    (the C scanner called directly; anything it does not read whole goes to json.loads)."""
    if not text or text == "[]":
        return []
    try:
        value, end = _scan_json(text, 0)
    except StopIteration:
        value, end = None, -1
    return value if end == len(text) else json.loads(text)


def _as_stored(kind: Kind, name: str, value: Any) -> Any:
    """A stored value as :func:`encode_record` would store it now: a reason an older version
    stored in words reads as its code (giving the same words back is not a change)."""
    return reason_value(value) if (kind.name, name) in REASON_FIELDS else value


def _decode(kind: Kind, row: sqlite3.Row) -> dict[str, Any]:
    record = dict(row)
    for f in kind.fields:
        if f.name not in record:
            continue
        if f.type == "refs":
            record[f.name] = json.loads(record[f.name] or "[]")
        elif f.type == "bool":
            record[f.name] = bool(record[f.name])
        elif (kind.name, f.name) in REASON_FIELDS:
            record[f.name] = reason_text(record[f.name])
    return record


class Store:
    """The office database."""

    def __init__(self, conn: sqlite3.Connection, path: Path | str = "", clock: Callable[[], str] = utc_now) -> None:
        self.conn = conn
        self.path = str(path)
        self.clock = clock
        self._lock = threading.RLock()
        self._depth = 0  # open transactions (1) and savepoints (2, 3, ...) on this connection
        self._db: Any = None
        self.device_id = self._ensure_device_id()

    @property
    def db(self) -> Any:
        """The connection as a ``sqlite_utils.Database`` (made on first use: sqlite-utils is
        not imported at start). Use it inside :meth:`transaction` or :meth:`read_lock`."""
        if self._db is None:
            self._db = wrap(self.conn)
        return self._db

    @classmethod
    def open(cls, path: Path, backup_dir: Path, clock: Callable[[], str] = utc_now, progress: Progress | None = None) -> Store:
        """Open (and create or upgrade) the database at ``path``; ``progress`` is told of
        each migration step when an older database is upgraded (base/progress.py)."""
        return cls(open_database(path, backup_dir, progress), path, clock)

    def close(self) -> None:
        with self._lock:
            self.conn.close()

    # -- transactions ------------------------------------------------------------------

    @contextmanager
    def transaction(self, durable: bool = False) -> Iterator[sqlite3.Connection]:
        """One write transaction; everything inside commits together or not at all.

        Transactions nest: an inner one is a savepoint of the outer, so a batch (an
        import) can call the ordinary single-record writes and still commit once.

        ``durable``: the commit is on disk when this returns, even against a power cut
        (``synchronous = FULL`` for this transaction), for a commit that something
        outside the database then relies on (an export's file taking its name).
        """
        with self._lock:
            if self._depth:
                yield from self._savepoint()
                return
            synchronous = None
            if durable:
                synchronous = self.conn.execute("PRAGMA synchronous").fetchone()[0]
                self.conn.execute("PRAGMA synchronous = FULL")
            try:
                yield from self._transaction()
            finally:
                if synchronous is not None:
                    self.conn.execute(f"PRAGMA synchronous = {int(synchronous)}")

    def _transaction(self) -> Iterator[sqlite3.Connection]:
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.DatabaseError as exc:
            raise _classify(self.path, exc) from exc
        self._depth = 1
        try:
            yield self.conn
        except BaseException as exc:
            # SQLite may already have rolled back by itself (disk full, I/O error).
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise _classify(self.path, exc) from exc
            raise
        else:
            try:
                self.conn.execute("COMMIT")
            except sqlite3.DatabaseError as exc:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise _classify(self.path, exc) from exc
        finally:
            self._depth = 0

    @property
    def in_transaction(self) -> bool:
        """Whether a write transaction of this store is open (a caller's batch, say)."""
        return self._depth > 0

    @contextmanager
    def read_lock(self) -> Iterator[sqlite3.Connection]:
        """The connection, for several reads in a row from one thread."""
        with self._lock:
            yield self.conn

    def _savepoint(self) -> Iterator[sqlite3.Connection]:
        name = f"nested{self._depth}"
        self.conn.execute(f"SAVEPOINT {name}")
        self._depth += 1
        try:
            yield self.conn
        except BaseException as exc:
            # SQLite may have rolled the whole transaction back by itself (disk full, I/O
            # error): then there is no savepoint left to return to, and the outer
            # transaction's end reports it.
            if self.conn.in_transaction:
                self.conn.execute(f"ROLLBACK TO {name}")
                self.conn.execute(f"RELEASE {name}")
            if isinstance(exc, sqlite3.Error):  # as the outermost transaction would say it
                raise _classify(self.path, exc) from exc
            raise
        else:
            self.conn.execute(f"RELEASE {name}")
        finally:
            self._depth -= 1

    def _read(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            try:
                return self.conn.execute(sql, params).fetchall()
            except sqlite3.DatabaseError as exc:  # busy, and also a damaged page met on the way
                raise _classify(self.path, exc) from exc

    def _ensure_device_id(self) -> str:
        with self._lock:
            try:
                found = meta.get_meta(self.conn, meta.DEVICE_ID)
            except sqlite3.DatabaseError as exc:
                raise _classify(self.path, exc) from exc
        if found is not None:
            return found
        with self.transaction() as conn:
            meta.add_meta(conn, meta.DEVICE_ID, uuid_module.uuid4().hex)
            return meta.get_meta(conn, meta.DEVICE_ID)

    # -- write stamps --------------------------------------------------------------------

    def newest_stamp(self, conn: sqlite3.Connection) -> str:
        """The newest time this database has seen: the stored clock, else its newest record."""
        stored = meta.get_meta(conn, meta.HLC)
        if stored is not None:
            return stored
        parts = " UNION ALL ".join(f"SELECT max(updated_at) AS m FROM {name}" for name in KINDS)
        return conn.execute(f"SELECT max(m) FROM ({parts})").fetchone()[0] or ""

    def _write_marks(self, conn: sqlite3.Connection) -> tuple[str, int]:
        """The time stamp and change number of one write, inside its transaction.

        The stamp is a hybrid logical clock: the wall clock, but never earlier than (or
        equal to) the newest stamp this database has already seen, so a PC whose clock
        was set back cannot stamp a write older than what it already holds.
        """
        now = self.clock()
        newest = self.newest_stamp(conn)
        stamp = now if now > newest else stamp_after(newest)
        version = self.next_change_number(conn)
        meta.set_meta(conn, meta.HLC, stamp)
        return stamp, version

    def change_number(self, conn: sqlite3.Connection) -> int:
        """The number of the last change written to this database (0 before the first)."""
        return int(meta.get_meta(conn, meta.SYNC_VERSION) or 0)

    def next_change_number(self, conn: sqlite3.Connection) -> int:
        """Take the next change number, inside the transaction that writes the change."""
        version = self.change_number(conn) + 1
        meta.set_meta(conn, meta.SYNC_VERSION, str(version))
        return version

    def observe_stamp(self, conn: sqlite3.Connection, stamp: str) -> None:
        """Raise the clock to a time learnt from elsewhere (the hub's, in a down-bundle)."""
        try:
            dt.datetime.strptime(stamp, STAMP_FORMAT)
        except (TypeError, ValueError):
            return  # not a time this program writes: every later stamp_after() would fail on it
        if stamp > self.newest_stamp(conn):
            meta.set_meta(conn, meta.HLC, stamp)

    def _own_newest(self, conn: sqlite3.Connection) -> str:
        """The newest time this program itself has used. At a hub that is its last import,
        not the stamps of the records it received: a township PC set a year ahead must not
        make the county's correct clock look wrong."""
        from fazhi_tui.storage.hub_store import newest_import  # (not at start: the hub's reads)

        imported = newest_import(conn)
        if imported is None:
            return self.newest_stamp(conn)
        return max(imported, meta.get_meta(conn, meta.HLC) or "")

    def clock_behind(self) -> str | None:
        """The newest time stamp this database holds, if the PC's clock (``self.clock()``)
        is more than a day earlier than it; else None.

        A clock that far behind is wrong (a flat BIOS battery, a PC set to 2009): writes
        are still stamped after the newest record (see :meth:`_write_marks`), but "today"
        on the checklist and in forms is wrong, so the interface warns the clerk.
        """
        with self.read_lock() as conn:
            try:
                newest = self._own_newest(conn)
            except sqlite3.DatabaseError as exc:
                raise _classify(self.path, exc) from exc
        if not newest:
            return None
        wall = self.clock()
        try:
            behind = dt.datetime.strptime(newest, STAMP_FORMAT) - dt.datetime.strptime(wall, STAMP_FORMAT)
        except ValueError:  # a stamp not in our format (a hand-edited file): compare as text
            return newest if wall < newest else None
        return newest if behind > CLOCK_BEHIND_TOLERANCE else None

    # -- audit ---------------------------------------------------------------------------

    def _audit(self, conn, actor: Actor, at: str, table: str, record_uuid: str, action: str, changes: dict) -> None:
        add_audit_rows(self.db, [audit_row(at, actor.operator, self.device_id, table, record_uuid, action, changes)])

    def audit_trail(self, record_uuid: str) -> list[dict[str, Any]]:
        """One record's audit rows, oldest first (read through the whole log: no screen asks
        this, and an index by record cost every hub import dearly; migration 7)."""
        rows = self._read("SELECT * FROM audit_log WHERE record_uuid = ? ORDER BY id", (record_uuid,))
        return [{**dict(r), "changes": json.loads(r["changes"])} for r in rows]

    # -- writes --------------------------------------------------------------------------

    def insert(self, kind: Kind, values: dict[str, Any], actor: Actor) -> str:
        """Insert a new record; returns its uuid."""
        record_uuid = str(uuid_module.uuid4())
        data = encode_record(kind, values)
        with self.transaction() as conn:
            at, version = self._write_marks(conn)
            row = {
                "uuid": record_uuid,
                "township": actor.township,
                "created_at": at,
                "updated_at": at,
                "device_id": self.device_id,
                "rev": 1,
                "sync_version": version,
                "sync_stamp": at,
                **data,
            }
            save_records(self.db, kind.name, [row])
            self._audit(conn, actor, at, kind.name, record_uuid, "insert", {k: [None, v] for k, v in data.items()})
        return record_uuid

    def update(self, kind: Kind, record_uuid: str, values: dict[str, Any], actor: Actor) -> bool:
        """Change fields of a live record. Returns False (and writes nothing) if nothing changed."""
        data = encode_record(kind, values)
        with self.transaction() as conn:
            old = conn.execute(f"SELECT * FROM {kind.name} WHERE uuid = ? AND deleted_at IS NULL", (record_uuid,)).fetchone()
            if old is None:
                raise RecordNotFound(record_uuid)
            changes = {k: [old[k], v] for k, v in data.items() if _as_stored(kind, k, old[k]) != v}
            if not changes:
                return False
            at, version = self._write_marks(conn)
            assignments = ", ".join(f"{k} = ?" for k in changes)
            conn.execute(
                f"UPDATE {kind.name} SET {assignments}, updated_at = ?, device_id = ?, rev = rev + 1,"
                " sync_version = ?, sync_stamp = ? WHERE uuid = ?",
                (*(v[1] for v in changes.values()), at, self.device_id, version, at, record_uuid),
            )
            self._audit(conn, actor, at, kind.name, record_uuid, "update", changes)
        return True

    def tombstone(self, kind: Kind, record_uuid: str, actor: Actor) -> None:
        """Mark a record deleted. It stays in the file (and goes out in bundles) as a tombstone."""
        self._set_deleted(kind, record_uuid, actor, deleted=True)

    def restore(self, kind: Kind, record_uuid: str, actor: Actor) -> None:
        """Undo a tombstone."""
        self._set_deleted(kind, record_uuid, actor, deleted=False)

    def _set_deleted(self, kind: Kind, record_uuid: str, actor: Actor, deleted: bool) -> None:
        with self.transaction() as conn:
            old = conn.execute(f"SELECT deleted_at FROM {kind.name} WHERE uuid = ?", (record_uuid,)).fetchone()
            if old is None or (old["deleted_at"] is not None) == deleted:
                raise RecordNotFound(record_uuid)
            at, version = self._write_marks(conn)
            new = at if deleted else None
            try:
                conn.execute(
                    f"UPDATE {kind.name} SET deleted_at = ?, updated_at = ?, device_id = ?, rev = rev + 1,"
                    " sync_version = ?, sync_stamp = ? WHERE uuid = ?",
                    (new, at, self.device_id, version, at, record_uuid),
                )
            except sqlite3.IntegrityError as exc:
                # Restoring would clash with a live record holding the same unique value.
                raise DuplicateOnRestore(record_uuid) from exc
            self._audit(
                conn, actor, at, kind.name, record_uuid, "delete" if deleted else "restore", {"deleted_at": [old["deleted_at"], new]}
            )

    # -- reads ---------------------------------------------------------------------------

    def get(self, kind: Kind, record_uuid: str, include_deleted: bool = False) -> dict[str, Any]:
        sql = f"SELECT * FROM {kind.name} WHERE uuid = ?"
        if not include_deleted:
            sql += " AND deleted_at IS NULL"
        rows = self._read(sql, (record_uuid,))
        if not rows:
            raise RecordNotFound(record_uuid)
        return _decode(kind, rows[0])

    def _where(self, kind: Kind, text: str) -> tuple[str, list[Any]]:
        return filter_where(kind, text)

    def count(self, kind: Kind, text: str = "") -> int:
        where, params = self._where(kind, text)
        return self._read(f"SELECT count(*) FROM {kind.name} WHERE {where}", params)[0][0]

    def page(self, kind: Kind, offset: int, limit: int, text: str = "") -> list[dict[str, Any]]:
        """``limit`` live records from ``offset`` in list order, filtered by the words of ``text``."""
        where, params = self._where(kind, text)
        with self._lock:
            try:
                rows = list(self.db.table(kind.name).rows_where(where, params, order_by=kind.order_by, limit=int(limit), offset=int(offset)))
            except sqlite3.DatabaseError as exc:
                raise _classify(self.path, exc) from exc
        return [_decode(kind, r) for r in rows]

    def position(self, kind: Kind, record_uuid: str, text: str = "") -> int | None:
        """Index of a record in the (filtered) list order, or None if it is not in it."""
        where, params = self._where(kind, text)
        rows = self._read(
            f"SELECT rn FROM (SELECT uuid, row_number() OVER (ORDER BY {kind.order_by}) - 1 AS rn"
            f" FROM {kind.name} WHERE {where}) WHERE uuid = ?",
            [*params, record_uuid],
        )
        return rows[0][0] if rows else None

    def all_live(self, kind: Kind, township: str | None = None) -> list[dict[str, Any]]:
        """Every live record of ``kind`` (of one township, or of townships under a code prefix)."""
        if township is None:
            sql, params = f"SELECT * FROM {kind.name} WHERE deleted_at IS NULL ORDER BY {kind.order_by}", ()
        else:
            sql = f"SELECT * FROM {kind.name} WHERE township >= ? AND township < ? AND deleted_at IS NULL ORDER BY {kind.order_by}"
            params = (township, township + ":")  # ':' sorts right after '9': a prefix range
        return [_decode(kind, r) for r in self._read(sql, params)]

    def live_records(
        self,
        kind: Kind,
        columns: Sequence[str],
        windows: Sequence[tuple[str, str, str]] | None = None,
        township: str | None = None,
        distinct: bool = False,
    ) -> list[dict[str, Any]]:
        """Live records of ``kind`` reduced to ``uuid``, ``township``, ``deleted_at`` and
        ``columns`` (decoded as :meth:`all_live` decodes them), in no particular order.

        ``windows``: keep only records whose date field lies in one of these
        ``(date field, first day, last day)`` ranges (ISO dates, inclusive), as
        :func:`fazhi_tui.domain.checklist.record_needs` asks. ``township``: of one township,
        or of the townships under a code prefix. ``distinct``: one row per distinct
        combination of ``columns`` (and ``deleted_at``), without uuid or township.
        """
        sql, params, decode = self._live_query(kind, columns, windows, township is not None, distinct)
        if township is not None:
            sql += " AND township >= ? AND township < ?"
            params += [township, township + ":"]  # ':' sorts right after '9': a prefix range
        with self._lock:
            try:
                return decode(self.conn.execute(sql, params).fetchall())
            except sqlite3.DatabaseError as exc:
                raise _classify(self.path, exc) from exc

    def live_by_township(
        self, wanted: dict[str, tuple[Sequence[str], Sequence[tuple[str, str, str]] | None, bool]]
    ) -> Iterator[tuple[str, dict[str, list[dict[str, Any]]]]]:
        """(township, {kind: records}) for every township holding a live record of a kind in
        ``wanted`` (kind name → (columns, windows, distinct), as :meth:`live_records` takes
        them), one township at a time in code order, so a hub of many townships never holds
        all their records at once. A township whose only live records lie outside the
        windows is listed too, with empty lists.

        Each township's records are read through the (township, deleted_at[, date]) indexes:
        the rows of one township, and for a dated kind only those of the windows, so the
        work grows with what is read, not with the hub. The connection is held for one
        township at a time: other threads get it in between.
        """
        queries = {}
        for name, (columns, windows, distinct) in wanted.items():
            sql, params, decode = self._live_query(KINDS[name], columns, windows, township_range=False, distinct=distinct)
            queries[name] = (sql + " AND township = ?", params, decode, windows is not None)
        with self._lock:
            try:
                codes = self._townships_of(list(wanted))
            except sqlite3.DatabaseError as exc:
                raise _classify(self.path, exc) from exc
        for code in codes:
            with self._lock:
                try:
                    group = {
                        name: decode(self.conn.execute(sql, [*params, code]).fetchall())
                        for name, (sql, params, decode, _) in queries.items()
                    }
                    if not any(group.values()) and not any(
                        self.conn.execute(f"SELECT 1 FROM {name} WHERE township = ? AND deleted_at IS NULL LIMIT 1", (code,)).fetchone()
                        for name, (_, _, _, windowed) in queries.items()
                        if windowed
                    ):
                        continue  # nothing live (tombstones only)
                except sqlite3.DatabaseError as exc:
                    raise _classify(self.path, exc) from exc
            yield code, group

    def _townships_of(self, kinds: Sequence[str]) -> list[str]:
        """The township codes the tables of ``kinds`` hold rows of, in order: one seek in a
        township index per township and table (not a walk over every row's index entry)."""
        codes: set[str] = set()
        for name in kinds:
            code = ""
            while (row := self.conn.execute(f"SELECT min(township) FROM {name} WHERE township > ?", (code,)).fetchone())[0]:
                code = row[0]
                codes.add(code)
        return sorted(codes)

    def _live_query(
        self,
        kind: Kind,
        columns: Sequence[str],
        windows: Sequence[tuple[str, str, str]] | None,
        township_range: bool = False,
        distinct: bool = False,
    ) -> tuple[str, list[Any], Callable[[list[Sequence[Any]]], list[dict[str, Any]]]]:
        """(SQL, parameters, decoder of its fetched rows) for :meth:`live_records`."""
        fields = [c for c in dict.fromkeys(columns) if c not in ("uuid", "township", "deleted_at")]
        names = ["deleted_at", *fields] if distinct else ["uuid", "township", "deleted_at", *fields]
        for name in fields:
            kind.field(name)  # a known field (KeyError otherwise): names go into the SQL
        # Townships under a code prefix (a range of codes): '+' keeps SQLite on the
        # (township, deleted_at) index; on its own it would take a deleted_at or date index
        # and read every township's records. (One township, by equality, needs no such help:
        # the (township, deleted_at, date) indexes answer it, see live_by_township.)
        plus = "+" if township_range else ""
        where, params = f"{plus}deleted_at IS NULL", []
        if windows is not None:
            ranges = []
            for date_field, first, last in windows:
                if kind.field(date_field).type != "date":
                    raise ValueError(f"{kind.name}.{date_field} is not a date field")
                ranges.append(f"{plus}{date_field} BETWEEN ? AND ?")
                params += [first, last]
            where += " AND (" + (" OR ".join(ranges) or "0") + ")"
        refs = [n for n in fields if kind.field(n).type == "refs"]
        bools = [n for n in fields if kind.field(n).type == "bool"]

        def decode_one(row: Sequence[Any]) -> dict[str, Any]:
            # as _decode does: lists from their JSON text, booleans from 0/1
            record = dict(zip(names, row))
            for name in refs:
                record[name] = _json_list(record[name])
            for name in bools:
                record[name] = bool(record[name])
            return record

        def decode(rows: list[Sequence[Any]]) -> list[dict[str, Any]]:
            if distinct:  # (cheaper here than SELECT DISTINCT's temporary B-tree)
                rows = list(dict.fromkeys(rows))
            return [decode_one(row) for row in rows]

        return f"SELECT {', '.join(names)} FROM {kind.name} WHERE {where}", params, decode

    def options(self, kind: Kind) -> list[tuple[str, str]]:
        """(label, uuid) of every live record, for pickers."""
        cols = ", ".join(kind.label_fields)
        rows = self._read(f"SELECT uuid, {cols} FROM {kind.name} WHERE deleted_at IS NULL ORDER BY {kind.order_by}")
        return [(" ".join(str(r[c]) for c in kind.label_fields if r[c] not in (None, "")), r["uuid"]) for r in rows]

    def labels(self, kind: Kind, uuids: Sequence[str]) -> dict[str, str]:
        """Labels of the given records (deleted ones included, so old links still read)."""
        if not uuids:
            return {}
        cols = ", ".join(kind.label_fields)
        marks = ", ".join("?" for _ in uuids)
        rows = self._read(f"SELECT uuid, {cols} FROM {kind.name} WHERE uuid IN ({marks})", list(uuids))
        return {r["uuid"]: " ".join(str(r[c]) for c in kind.label_fields if r[c] not in (None, "")) for r in rows}

    def hub_offices(self) -> dict[str, dict[str, Any]]:
        """At a hub: code → {"name", "last_import"} of every office it knows."""
        rows = self._read("SELECT code, name, last_import FROM hub_office")
        return {r["code"]: {"name": r["name"], "last_import": r["last_import"]} for r in rows}

    def counts(self) -> dict[str, int]:
        """Live records per kind, for the home screen."""
        return {name: self._read(f"SELECT count(*) FROM {name} WHERE deleted_at IS NULL")[0][0] for name in KINDS}

    # -- validation lookup (fazhi_tui.domain.validation.Lookup) -------------------------

    def is_taken(self, kind: str, column: str, value: Any, exclude_uuid: str | None) -> bool:
        assert column in KINDS[kind].columns
        rows = self._read(
            f"SELECT 1 FROM {kind} WHERE {column} = ? AND deleted_at IS NULL AND uuid IS NOT ? LIMIT 1",
            (value, exclude_uuid),
        )
        return bool(rows)

    def exists(self, kind: str, record_uuid: str) -> bool:
        assert kind in KINDS
        return bool(self._read(f"SELECT 1 FROM {kind} WHERE uuid = ? AND deleted_at IS NULL", (record_uuid,)))


class DuplicateOnRestore(DatabaseError):
    key = "err.restore_duplicate"


__all__ += ["DatabaseBusy", "DatabaseError", "DuplicateOnRestore"]
