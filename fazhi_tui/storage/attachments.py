"""The ``attachment`` table (migration 6): evidence files attached to records.

A row names a record (its kind's table and uuid) and a file kept in the home's file store
by its SHA-256 (base/filestore.py). Rows carry the sync columns of a record: every change
takes a write stamp and a change number, and writes an audit row (storage/records.py).
Detaching is a tombstone.
"""

from __future__ import annotations

import uuid as uuid_module
from collections.abc import Sequence
from typing import Any

from fazhi_tui.domain.kinds import KINDS
from fazhi_tui.storage.records import add_audit_rows, audit_row, rows_by_uuid
from fazhi_tui.storage.store import Actor, RecordNotFound, Store

__all__ = [
    "TABLE",
    "COLUMNS",
    "FILE_COLUMNS",
    "record_kind_of",
    "add_attachment",
    "detach",
    "attachments_of",
    "attachment_changed_since",
    "held_attachments",
    "save_attachments",
    "live_digests",
    "counts_by_record",
    "live_files",
    "member_digests",
]

TABLE = "attachment"
SYSTEM = ("uuid", "township", "created_at", "updated_at", "device_id", "rev", "deleted_at")
FILE_COLUMNS = ("record_kind", "record_uuid", "sha256", "size", "type", "name", "caption")
COLUMNS = (*SYSTEM, *FILE_COLUMNS)


def record_kind_of(store: Store, record_uuid: str) -> str | None:
    """The kind of the live record with this uuid, or None."""
    for name in KINDS:
        if store.exists(name, record_uuid):
            return name
    return None


def add_attachment(store: Store, actor: Actor, values: dict[str, Any]) -> str:
    """Attach a file (already in the file store) to a record; returns the new row's uuid.
    ``values``: the FILE_COLUMNS."""
    new_uuid = str(uuid_module.uuid4())
    data = {name: values[name] for name in FILE_COLUMNS}
    with store.transaction() as conn:
        at, version = store._write_marks(conn)
        row = {"uuid": new_uuid, "township": actor.township, "created_at": at, "updated_at": at,
               "device_id": store.device_id, "rev": 1, "deleted_at": None, **data,
               "sync_version": version, "sync_stamp": at}
        store.db.table(TABLE).insert(row)
        add_audit_rows(store.db, [audit_row(at, actor.operator, store.device_id, TABLE, new_uuid, "insert",
                                            {k: [None, v] for k, v in data.items()})])
    return new_uuid


def detach(store: Store, actor: Actor, attachment_uuid: str) -> None:
    """Tombstone one attachment (the file stays in the store: another row may name it)."""
    with store.transaction() as conn:
        old = conn.execute(f"SELECT deleted_at FROM {TABLE} WHERE uuid = ?", (attachment_uuid,)).fetchone()
        if old is None or old["deleted_at"] is not None:
            raise RecordNotFound(attachment_uuid)
        at, version = store._write_marks(conn)
        conn.execute(
            f"UPDATE {TABLE} SET deleted_at = ?, updated_at = ?, device_id = ?, rev = rev + 1, sync_version = ?,"
            " sync_stamp = ? WHERE uuid = ?",
            (at, at, store.device_id, version, at, attachment_uuid),
        )
        add_audit_rows(store.db, [audit_row(at, actor.operator, store.device_id, TABLE, attachment_uuid, "delete",
                                            {"deleted_at": [None, at]})])


def attachments_of(store: Store, record_uuid: str, township: str | None = None) -> list[dict[str, Any]]:
    """The live attachments of a record, oldest first (of ``township`` only, if given)."""
    sql = f"SELECT * FROM {TABLE} WHERE record_uuid = ? AND deleted_at IS NULL"
    params: list[Any] = [record_uuid]
    if township is not None:
        sql += " AND township = ?"
        params.append(township)
    return [dict(row) for row in store._read(sql + " ORDER BY created_at, uuid", params)]


def attachment_changed_since(db: Any, version: int) -> list[dict[str, Any]]:
    """Every attachment row (tombstones too) last written after change number ``version``."""
    return list(db.table(TABLE).rows_where("sync_version > ?", [version], order_by="rowid"))


def held_attachments(db: Any, uuids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """uuid → the attachment row, for those of ``uuids`` held."""
    return rows_by_uuid(db, TABLE, uuids)


def save_attachments(db: Any, rows: Sequence[dict[str, Any]]) -> None:
    """Write whole attachment rows (new, or replacing the row of their uuid)."""
    if rows:
        db.table(TABLE).upsert_all([dict(row) for row in rows], pk="uuid")


def live_digests(db: Any) -> set[str]:
    """The SHA-256 of every file a live attachment names."""
    return {row["sha256"] for row in db.query(f"SELECT DISTINCT sha256 FROM {TABLE} WHERE deleted_at IS NULL")}


def counts_by_record(db: Any, township: str | None = None) -> dict[str, int]:
    """record uuid → number of live attachments (of one township's, if given)."""
    sql = f"SELECT record_uuid, count(*) AS n FROM {TABLE} WHERE deleted_at IS NULL"
    params: list[Any] = []
    if township is not None:
        sql += " AND township = ?"
        params.append(township)
    return {row["record_uuid"]: row["n"] for row in db.query(sql + " GROUP BY record_uuid", params)}


def live_files(db: Any) -> list[dict[str, Any]]:
    """(sha256, size, type) of the file of each live attachment, in the order attached."""
    return list(db.query(f"SELECT sha256, size, type FROM {TABLE} WHERE deleted_at IS NULL ORDER BY rowid"))


def member_digests(db: Any, member: str) -> list[str]:
    """The digests the attachments of a member's townships name (a hub's), sorted."""
    return [row["sha256"] for row in db.query(f"SELECT DISTINCT sha256 FROM {TABLE} WHERE township LIKE ? ORDER BY sha256", [f"{member}%"])]
