"""The record tables (one per kind) and the audit log: the one INSERT of each, and the
reads that sync does on them.

:func:`save_records` and :func:`add_audit_rows` are the only places a record row or an
audit row is written as new by the store (one record typed in) and the demo (a township's
worth); they write through sqlite-utils (``insert_all`` / ``upsert_all``: many rows a
statement). The hub's import writes a bundle's records and audit rows with
:func:`merge_records` and :func:`append_audit`: one prepared statement run over tuples
(``executemany``), with no per-value work in Python, for a township's ten years at once.
Called inside ``Store.transaction`` they all commit with it, all or nothing.
"""

from __future__ import annotations

import functools
import json
import math
import operator
import re
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from fazhi_tui.domain.kinds import KINDS

__all__ = [
    "AUDIT_ACTIONS",
    "AUDIT_COLUMNS",
    "rows_by_uuid",
    "audit_row",
    "audit_changes",
    "add_audit_rows",
    "append_audit",
    "merge_records",
    "insert_records",
    "save_records",
    "held_records",
    "read_record",
    "changed_since",
    "live_item_by_code",
]

AUDIT_ACTIONS = ("insert", "update", "delete", "restore")
AUDIT_COLUMNS = ("at", "operator", "device_id", "table_name", "record_uuid", "action", "changes")
HELD_CHUNK = 500  # uuids per query (well under SQLite's limit on parameters)


def _json_encoder():
    """``json.dumps(value, ensure_ascii=False)`` without building an encoder per call: the
    C encoder ``json.dumps`` itself uses, made once (the same text, byte for byte)."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # pragma: no cover - CPython always has it
        return functools.partial(json.dumps, ensure_ascii=False)

    def default(value: Any) -> Any:
        raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")

    encoder = make(None, default, json.encoder.encode_basestring, None, ": ", ", ", False, False, True)
    return lambda value: "".join(encoder(value, 0))


audit_changes = _json_encoder()
_encode_text = getattr(json.encoder, "c_encode_basestring", None) or json.encoder.py_encode_basestring
audit_changes.__doc__ = "An audit row's ``changes`` (field → [old, new]) as the text stored."


def insert_changes(columns: Sequence[str], rows: Sequence[dict[str, Any]], values: Sequence[Sequence[Any]] | None = None) -> list[str]:
    """``audit_changes({c: [None, row[c]] for c in columns})`` of each row (a record new to
    the table), the same text, made a column at a time: each column's values are encoded
    with one call over the column, each row is one formatting of a template. ``values``:
    the rows' values already read a column at a time (``[row[c] for row in rows]`` of each
    of ``columns``)."""
    if values is None:
        values = [list(map(operator.itemgetter(c), rows)) for c in columns]
    parts, args = [], []
    for c, column in zip(columns, values):
        types = set(map(type, column))
        if types == {str} and _ESCAPED.search("".join(column)) is None:  # each value's JSON: itself in quotes
            parts.append(f'{audit_changes(c)}: [null, "%s"]')
            args.append(column)
        elif types == {int}:
            parts.append(f"{audit_changes(c)}: [null, %d]")
            args.append(column)
        else:
            parts.append(f"{audit_changes(c)}: [null, %s]")
            args.append(_encoded_column(column))
    template = "{" + ", ".join(parts) + "}"
    return list(map(template.__mod__, zip(*args))) if columns else ["{}"] * len(rows)


# what json.dumps(ensure_ascii=False) writes otherwise than as it is, in a text
_ESCAPED = re.compile(r'[\x00-\x1f"\\]')


def _encoded_column(values: Sequence[Any]) -> list[str]:
    types = set(map(type, values))
    if types <= {str}:
        return list(map(_encode_text, values))
    if types <= {int}:
        return list(map(int.__repr__, values))
    if types <= {str, type(None)}:
        return [_encode_text(v) if v is not None else "null" for v in values]
    if types <= {int, type(None)}:
        return [int.__repr__(v) if v is not None else "null" for v in values]
    if types <= {int, float} and all(map(math.isfinite, values)):
        return list(map(repr, values))  # what json.dumps writes of a finite number
    return [audit_changes(value) for value in values]


def audit_row(at: str, operator: str, device_id: str, table: str, record_uuid: str, action: str, changes: dict) -> dict[str, Any]:
    """One row of ``audit_log``: who changed which record how (``changes``: field → [old, new])."""
    return {
        "at": at,
        "operator": operator,
        "device_id": device_id,
        "table_name": table,
        "record_uuid": record_uuid,
        "action": action,
        "changes": audit_changes(changes),
    }


def add_audit_rows(db: Any, rows: Iterable[dict[str, Any]]) -> None:
    """Append rows made by :func:`audit_row` to the audit log, in their order.

    ``db``: a ``sqlite_utils.Database`` (see :func:`fazhi_tui.storage.database.wrap`)."""
    db.table("audit_log").insert_all(_listed(list(rows)))


def append_audit(db: Any, rows: Sequence[tuple]) -> None:
    """Append audit rows given as tuples of :data:`AUDIT_COLUMNS` (``changes`` made by
    :func:`audit_changes`), in their order."""
    marks = ", ".join("?" for _ in AUDIT_COLUMNS)
    db.conn.executemany(f"INSERT INTO audit_log ({', '.join(AUDIT_COLUMNS)}) VALUES ({marks})", rows)


@functools.cache
def _merge_sql(table: str, columns: tuple[str, ...]) -> str:
    if table not in KINDS:
        raise ValueError(f"not a record table: {table}")
    names = ", ".join(columns)
    marks = ", ".join("?" for _ in columns)
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != "uuid")
    return f"INSERT INTO {table} ({names}) VALUES ({marks}) ON CONFLICT (uuid) DO UPDATE SET {updates}"


def merge_records(db: Any, table: str, columns: tuple[str, ...], rows: Sequence[tuple]) -> None:
    """Write record rows given as tuples of ``columns``, in their order: a uuid the table
    does not hold is inserted, one it holds has these columns replaced (as
    :func:`save_records` with ``overwrite``, row for row). A unique, NOT NULL, CHECK or
    foreign-key rule a row breaks raises ``sqlite3.IntegrityError``."""
    if rows:
        db.conn.executemany(_merge_sql(table, columns), rows)


@functools.cache
def _insert_sql(table: str, columns: tuple[str, ...]) -> str:
    if table not in KINDS:
        raise ValueError(f"not a record table: {table}")
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"


def insert_records(db: Any, table: str, columns: tuple[str, ...], rows: Sequence[tuple]) -> None:
    """Write record rows new to the table, given as tuples of ``columns``, in their order
    (:func:`merge_records` of rows whose uuids the table does not hold, without the work of
    its ``ON CONFLICT`` clause). A uuid the table holds, like any unique, NOT NULL, CHECK or
    foreign-key rule a row breaks, raises ``sqlite3.IntegrityError``."""
    if rows:
        db.conn.executemany(_insert_sql(table, columns), rows)


def save_records(db: Any, table: str, rows: Sequence[dict[str, Any]], *, overwrite: bool = False) -> None:
    """Write record rows (column → SQLite value) into the table of a kind, in their order.

    Each row is new (a uuid the table holds already raises IntegrityError), or with
    ``overwrite`` replaces the columns it gives of the row with its uuid (the hub taking a
    newer version of a record). A unique, NOT NULL, CHECK or foreign-key rule a row breaks
    raises ``sqlite3.IntegrityError`` as a single INSERT or UPDATE would.
    """
    if table not in KINDS:
        raise ValueError(f"not a record table: {table}")
    if not rows:
        return
    if overwrite:
        db.table(table).upsert_all(_listed(rows), pk="uuid")
    else:
        db.table(table).insert_all(_listed(rows))


def _listed(rows: Sequence[dict[str, Any]]) -> list[list[Any]]:
    """Rows with the same columns as lists under a row of their names: the form sqlite-utils
    writes quickest (no look-up of each column in each row)."""
    if not rows:
        return []
    columns = list(rows[0])
    return [columns, *([row[c] for c in columns] for row in rows)]


def held_records(db: Any, table: str, uuids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """uuid → the row, for those of ``uuids`` the table holds (a few queries, not one a uuid)."""
    if table not in KINDS:
        raise ValueError(f"not a record table: {table}")
    return rows_by_uuid(db, table, uuids)


def rows_by_uuid(db: Any, table: str, uuids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """uuid → the row of ``table`` (a table keyed by ``uuid``) for those of ``uuids`` it
    holds, :data:`HELD_CHUNK` uuids a query."""
    held = {}
    for i in range(0, len(uuids), HELD_CHUNK):
        chunk = list(uuids[i : i + HELD_CHUNK])
        for found in db.table(table).rows_where(f"uuid IN ({', '.join('?' for _ in chunk)})", chunk):
            held[found["uuid"]] = found
    return held


def read_record(db: Any, table: str, record_uuid: str) -> dict[str, Any] | None:
    """The row of one record, tombstone or not; None if the table does not hold it."""
    if table not in KINDS:
        raise ValueError(f"not a record table: {table}")
    return next(db.table(table).rows_where("uuid = ?", [record_uuid]), None)


def changed_since(db: Any, table: str, version: int) -> list[dict[str, Any]]:
    """Every row (tombstones too) last written after change number ``version``, in table order."""
    if table not in KINDS:
        raise ValueError(f"not a record table: {table}")
    return list(db.table(table).rows_where("sync_version > ?", [version], order_by="rowid"))


def live_item_by_code(conn: sqlite3.Connection, code: str) -> sqlite3.Row | None:
    """(uuid, status) of the live delegated item with ``code``, if there is one."""
    return conn.execute("SELECT uuid, status FROM delegated_item WHERE code = ? AND deleted_at IS NULL", (code,)).fetchone()
