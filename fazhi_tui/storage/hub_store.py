"""The hub's tables: enrolled members and their devices, the bundles imported, the clashes
set aside, the offices it knows, the catalog it decides and what it published; and the
queries its screens and reports read from them.

Every function takes the connection of an open :class:`~fazhi_tui.storage.store.Store`
(``conn``, inside its ``transaction`` or ``read_lock``) or, for bulk writes through
sqlite-utils, its ``db``; the reports at the end take the store itself.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from fazhi_tui.domain.kinds import KINDS

__all__ = [
    "COUNTS",
    "ready_for_imports",
    "CATALOG_ALL",
    "CATALOG_FIELDS",
    "member_row",
    "member_generation",
    "member_codes",
    "member_names",
    "save_member",
    "add_secret",
    "pending_secrets",
    "consume_secret",
    "uuids_held",
    "bundle_spans",
    "device_row",
    "key_bound",
    "save_device",
    "bundle_seen",
    "seq_taken",
    "newest_import",
    "add_bundle",
    "note_offices",
    "office_names",
    "add_conflicts",
    "conflict_row",
    "bundles_held",
    "next_publish_seq",
    "save_published",
    "catalog",
    "catalog_for",
    "replace_catalog",
    "MemberStatus",
    "member_overview",
    "conflict_list",
    "ChangeCount",
    "changes_between",
    "import_history",
]

# what an import did to the records of one kind (hub_bundle.summary holds these per kind)
COUNTS = ("added", "changed", "deleted", "unchanged", "conflicts")
CATALOG_ALL = "*"  # hub_catalog.townships: every member
CATALOG_FIELDS = ("code", "name", "power_type", "legal_basis", "department", "mode")


# -- the connection an import runs on ------------------------------------------------------------


def ready_for_imports(conn: sqlite3.Connection) -> None:
    """The connection a hub imports on flushes every commit to disk (``synchronous = FULL``;
    set outside a transaction, before each import: cheap): once an import says "imported", a
    power cut cannot take it back. NORMAL, every connection's default, may lose the last
    commits to a power cut (never to a killed program), which a clerk's save can afford.
    The page cache stays SQLite's 2 MB: 64 MB made each commit dearer, not cheaper
    (bench/RESULTS.md, issue 20). Inside a caller's transaction (whose commit is the caller's)
    SQLite refuses the setting: nothing is changed then."""
    if not conn.in_transaction:
        conn.execute("PRAGMA synchronous = FULL")
        # A run of files commits together (sync/hub/importing.import_bundles), each file in a
        # savepoint: its undo copies of pages stay in memory rather than in a temporary file.
        conn.execute("PRAGMA temp_store = MEMORY")


# -- members and their devices -------------------------------------------------------------------


def member_row(conn: sqlite3.Connection, code: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM hub_member WHERE code = ?", (code,)).fetchone()


def member_generation(conn: sqlite3.Connection, code: str) -> int:
    """The member's enrolment generation (0: never enrolled)."""
    row = conn.execute("SELECT generation FROM hub_member WHERE code = ?", (code,)).fetchone()
    return row[0] if row else 0


def member_codes(conn: sqlite3.Connection) -> list[str]:
    return [row[0] for row in conn.execute("SELECT code FROM hub_member ORDER BY code")]


def member_names(conn: sqlite3.Connection) -> dict[str, str]:
    return {code: name for code, name in conn.execute("SELECT code, name FROM hub_member")}


def save_member(db: Any, code: str, name: str, generation: int, secret: str, at: str) -> None:
    """Enrol (or re-enrol) a member; the office keeps its last import time."""
    db.table("hub_member").upsert({"code": code, "name": name, "generation": generation, "secret": secret, "enrolled_at": at}, pk="code")
    db.table("hub_office").upsert({"code": code, "name": name}, pk="code")


# hub_member.secret holds the enrolment secrets not yet used, base64, separated by spaces:
# a re-enrolment replaces them all (a new generation); an enrolment of another device of
# the same member adds one; the first bundle of a device consumes the one it proves.


def pending_secrets(row: sqlite3.Row | None) -> list[str]:
    return (row["secret"] or "").split() if row is not None else []


def add_secret(conn: sqlite3.Connection, code: str, secret: str) -> None:
    row = member_row(conn, code)
    conn.execute("UPDATE hub_member SET secret = ? WHERE code = ?", (" ".join([*pending_secrets(row), secret]), code))


def consume_secret(conn: sqlite3.Connection, code: str, secret: str) -> None:
    """Clear a secret once a device has proved it: the enrolment file is spent."""
    row = member_row(conn, code)
    left = [s for s in pending_secrets(row) if s != secret]
    conn.execute("UPDATE hub_member SET secret = ? WHERE code = ?", (" ".join(left), code))


def device_row(conn: sqlite3.Connection, member_code: str, device_id: str) -> sqlite3.Row | None:
    return conn.execute(
        "SELECT public_key, generation FROM hub_device WHERE member = ? AND device_id = ?", (member_code, device_id)
    ).fetchone()


def key_bound(conn: sqlite3.Connection, member_code: str, public_key: str, generation: int) -> bool:
    """Whether a device key is bound to the member's enrolment ``generation`` already (under
    any device id: a database restored from a backup goes on under a new id, same key)."""
    found = conn.execute(
        "SELECT 1 FROM hub_device WHERE member = ? AND public_key = ? AND generation = ?", (member_code, public_key, generation)
    ).fetchone()
    return found is not None


def save_device(conn: sqlite3.Connection, member_code: str, device_id: str, public_key: str, generation: int, at: str) -> None:
    """Bind a device key to the member's enrolment (``first_seen`` stays that of the first bundle)."""
    conn.execute(
        "INSERT INTO hub_device (member, device_id, public_key, generation, first_seen) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (member, device_id) DO UPDATE SET public_key = excluded.public_key, generation = excluded.generation",
        (member_code, device_id, public_key, generation, at),
    )


# -- bundles imported ------------------------------------------------------------------------------


def bundle_seen(conn: sqlite3.Connection, file_sha256: str, member_code: str, device_id: str, bundle_ids: Sequence[str]) -> bool:
    """Whether this file, or a bundle of one of these ids from this very device, was imported
    before (another member's bundle of the same id is another bundle)."""
    found = conn.execute("SELECT 1 FROM hub_bundle WHERE file_sha256 = ?", (file_sha256,)).fetchone()
    if found is None:
        marks = ", ".join("?" for _ in bundle_ids)
        found = conn.execute(
            f"SELECT 1 FROM hub_bundle WHERE member = ? AND device_id = ? AND bundle_id IN ({marks})",
            (member_code, device_id, *bundle_ids),
        ).fetchone()
    return found is not None


def bundle_spans(conn: sqlite3.Connection, member_code: str, device_id: str) -> list[tuple[int, int]]:
    """(since_seq, seq) of every bundle of one device imported so far: bundle ``seq`` carries
    everything its device wrote after bundle ``since_seq`` (0: everything)."""
    rows = conn.execute("SELECT since_seq, seq FROM hub_bundle WHERE member = ? AND device_id = ?", (member_code, device_id))
    return [(since, seq) for since, seq in rows]


def uuids_held(db: Any, table: str, uuids: Sequence[str], member_code: str) -> set[str]:
    """Those of ``uuids`` the record table holds for a township of ``member_code`` (tombstones too)."""
    if table not in KINDS:
        raise ValueError(f"not a record table: {table}")
    held: set[str] = set()
    for i in range(0, len(uuids), 500):
        chunk = list(uuids[i : i + 500])
        rows = db.execute(f"SELECT uuid, township FROM {table} WHERE uuid IN ({', '.join('?' for _ in chunk)})", chunk).fetchall()
        held.update(uuid for uuid, township in rows if township.startswith(member_code))
    return held


def seq_taken(conn: sqlite3.Connection, member_code: str, device_id: str, seq: int) -> bool:
    found = conn.execute(
        "SELECT bundle_id FROM hub_bundle WHERE member = ? AND device_id = ? AND seq = ?", (member_code, device_id, seq)
    ).fetchone()
    return found is not None


def newest_import(conn: sqlite3.Connection) -> str | None:
    """The hub's time of its latest import (None before the first)."""
    return conn.execute("SELECT max(imported_at) FROM hub_bundle").fetchone()[0]


_BUNDLE_COLUMNS = ("bundle_id", "file_sha256", "member", "device_id", "seq", "since_seq", "created_at", "imported_at", "archive", "summary")


def add_bundle(db: Any, row: dict[str, Any]) -> None:
    """Log one imported bundle (``summary``: kind → the counts of :data:`COUNTS`). One plain
    statement: sqlite-utils' ``insert`` reads the table's shape first, each time."""
    values = {**row, "summary": json.dumps(row["summary"])}
    db.conn.execute(
        f"INSERT INTO hub_bundle ({', '.join(_BUNDLE_COLUMNS)}) VALUES ({', '.join('?' for _ in _BUNDLE_COLUMNS)})",
        [values[c] for c in _BUNDLE_COLUMNS],
    )


def bundles_held(conn: sqlite3.Connection, member_code: str) -> dict[str, list[int]]:
    """device id → the numbers of its bundles the hub holds, in order (a down-bundle's confirmations)."""
    held: dict[str, list[int]] = {}
    for device_id, seq in conn.execute("SELECT device_id, seq FROM hub_bundle WHERE member = ? ORDER BY seq", (member_code,)):
        held.setdefault(device_id, []).append(seq)
    return held


# -- offices -----------------------------------------------------------------------------------------


def note_offices(conn: sqlite3.Connection, offices: Iterable[tuple[str, str, bool]], at: str) -> None:
    """(code, name or "", whether the bundle brought its records): learn the names given
    (an empty name keeps the one known) and when each office's records last arrived."""
    for code, name, present in offices:
        conn.execute(
            "INSERT INTO hub_office (code, name, last_import) VALUES (?, ?, ?) ON CONFLICT (code) DO UPDATE SET"
            " name = CASE WHEN ? <> '' THEN excluded.name ELSE hub_office.name END,"
            " last_import = CASE WHEN ? THEN excluded.last_import ELSE hub_office.last_import END",
            (code, name or code, at if present else None, name, present),
        )


def office_names(conn: sqlite3.Connection) -> dict[str, str]:
    """code → name of every office the hub knows."""
    return {code: name for code, name in conn.execute("SELECT code, name FROM hub_office")}


# -- clashes ------------------------------------------------------------------------------------------


def conflict_row(at: str, member_code: str, table: str, record_uuid: str, bundle_id: str, *, winner: dict, loser: dict) -> dict[str, Any]:
    """One row of ``sync_conflict``: the version kept and the version set aside."""
    return {
        "at": at,
        "member": member_code,
        "table_name": table,
        "record_uuid": record_uuid,
        "winner_device": winner["device_id"],
        "loser_device": loser["device_id"],
        "winner": json.dumps(winner, ensure_ascii=False),
        "loser": json.dumps(loser, ensure_ascii=False),
        "bundle_id": bundle_id,
    }


def add_conflicts(db: Any, rows: Iterable[dict[str, Any]]) -> None:
    db.table("sync_conflict").insert_all(rows)


# -- publishing -------------------------------------------------------------------------------------


def next_publish_seq(conn: sqlite3.Connection, member_code: str) -> int:
    row = conn.execute("SELECT seq FROM hub_publish WHERE member = ?", (member_code,)).fetchone()
    return (row[0] if row else 0) + 1


def save_published(db: Any, member_code: str, seq: int, created_at: str) -> None:
    db.table("hub_publish").upsert({"member": member_code, "seq": seq, "created_at": created_at}, pk="member")


# -- the catalog ------------------------------------------------------------------------------------


def catalog(conn: sqlite3.Connection) -> dict[str, sqlite3.Row]:
    """code → row of every item of the hub's catalog."""
    return {row["code"]: row for row in conn.execute("SELECT * FROM hub_catalog")}


def catalog_for(conn: sqlite3.Connection, member_code: str) -> list[dict[str, Any]]:
    """The catalog items meant for one member, in code order (its down-bundle's catalog)."""
    items = []
    for row in conn.execute("SELECT * FROM hub_catalog ORDER BY code"):
        townships = json.loads(row["townships"])
        if CATALOG_ALL in townships or member_code in townships:
            items.append({k: row[k] for k in CATALOG_FIELDS})
    return items


def replace_catalog(db: Any, remove: Iterable[str], rows: list[dict[str, Any]]) -> None:
    """Remove the items of codes ``remove``; write ``rows`` (whole items) in place of any
    of the same code."""
    db.conn.executemany("DELETE FROM hub_catalog WHERE code = ?", [(code,) for code in remove])
    db.table("hub_catalog").insert_all(rows, replace=True)


# -- what the hub screen and the reports show ---------------------------------------------------------


@dataclass(frozen=True)
class MemberStatus:
    code: str
    name: str
    generation: int
    devices: int
    last_import: str | None  # the hub's time of the newest bundle imported
    bundles: int
    records: int
    conflicts: int


def member_overview(store: Any) -> list[MemberStatus]:
    """One line per enrolled member: devices, last bundle, live records, conflicts.

    A few grouped queries for all members at once (not a handful per member, which at a
    hub of thousands of members took minutes): each table is read once.
    """
    with store.read_lock() as conn:
        members = conn.execute("SELECT code, name, generation FROM hub_member ORDER BY code").fetchall()
        devices = dict(
            conn.execute(
                "SELECT d.member, count(*) FROM hub_device d JOIN hub_member m ON m.code = d.member"
                " AND d.generation = m.generation GROUP BY d.member"
            ).fetchall()
        )
        bundles = {
            member: (last, count)
            for member, last, count in conn.execute("SELECT member, max(imported_at), count(*) FROM hub_bundle GROUP BY member")
        }
        conflicts = dict(conn.execute("SELECT member, count(*) FROM sync_conflict GROUP BY member").fetchall())
        live: dict[str, int] = {}
        for kind in KINDS:
            # '+': read the (township, deleted_at) index alone, in township order
            for township, count in conn.execute(f"SELECT township, count(*) FROM {kind} WHERE +deleted_at IS NULL GROUP BY township"):
                live[township] = live.get(township, 0) + count
    # A member's records are those of every township whose code starts with the member's.
    by_length: dict[int, dict[str, int]] = {}
    out = []
    for code, name, generation in members:
        sums = by_length.get(len(code))
        if sums is None:
            sums = by_length[len(code)] = {}
            for township, count in live.items():
                sums[township[: len(code)]] = sums.get(township[: len(code)], 0) + count
        last, count = bundles.get(code, (None, 0))
        out.append(MemberStatus(code, name, generation, devices.get(code, 0), last, count, sums.get(code, 0), conflicts.get(code, 0)))
    return out


def conflict_list(store: Any, limit: int = 500) -> list[dict[str, Any]]:
    """The newest clashes first: which record, which device's version was kept, which set aside."""
    with store.read_lock():
        rows = list(store.db.table("sync_conflict").rows_where(order_by="id DESC", limit=limit))
    for item in rows:
        item["winner"] = json.loads(item["winner"])
        item["loser"] = json.loads(item["loser"])
    return rows


@dataclass(frozen=True)
class ChangeCount:
    township: str
    kind: str
    added: int
    changed: int
    deleted: int


def changes_between(store: Any, since: str | None = None, until: str | None = None) -> list[ChangeCount]:
    """Records added, changed and deleted by imports between two dates (inclusive, YYYY-MM-DD),
    per township and kind, read from the audit rows the imports wrote."""
    counts: dict[tuple[str, str], dict[str, int]] = {}
    # Audit times are ISO stamps ("2026-03-05T08:00:00...Z"), so a day's rows lie between the
    # day itself and the next day as strings: ranges the audit_log_at index answers.
    low = since or ""
    high = (dt.date.fromisoformat(until) + dt.timedelta(days=1)).isoformat() if until else "\uffff"
    with store.read_lock() as conn:
        for name in KINDS:
            rows = conn.execute(
                f"SELECT r.township, a.action, count(*) FROM audit_log a JOIN {name} r ON r.uuid = a.record_uuid"
                " WHERE a.at >= ? AND a.at < ? AND a.table_name = ? AND a.operator LIKE 'bundle:%'"
                " GROUP BY r.township, a.action",
                (low, high, name),
            ).fetchall()
            for township, action, number in rows:
                slot = counts.setdefault((township, name), {"added": 0, "changed": 0, "deleted": 0})
                slot[{"insert": "added", "delete": "deleted"}.get(action, "changed")] += number
    return [ChangeCount(township, kind, **c) for (township, kind), c in sorted(counts.items())]


def import_history(store: Any, limit: int = 1000) -> list[dict[str, Any]]:
    """Every import, newest first, with what it did."""
    with store.read_lock():
        rows = list(
            store.db.query(
                "SELECT b.*, o.name AS member_name FROM hub_bundle b LEFT JOIN hub_office o ON o.code = b.member"
                " ORDER BY b.imported_at DESC LIMIT ?",
                [limit],
            )
        )
    for item in rows:
        summary = json.loads(item["summary"])
        item["totals"] = {name: sum(kind.get(name, 0) for kind in summary.values()) for name in COUNTS}
    return rows
