"""The hub's side of sync: enrolling members, importing their bundles, publishing down.

A hub is a county (members: townships) or a city (members: counties); the code is the
same, the level is configuration.

Import checks a file completely — structure, manifest, enrolment, device key, signature,
digest, decryption, every record — before touching the database, then merges it in one
transaction. Records merge by UUID; a member may only write rows of its own townships.

Which version of a record wins: the one with the later write stamp, then the higher
revision, then the device id (a fixed order, so every hub decides alike). Stamps come
from each device's hybrid logical clock (never earlier than the newest time that device
has seen, including the hub's time from its last down-bundle), and the hub clamps any
stamp later than its own clock at import down to the import time: a PC set to next year
cannot win with a date in the future, a PC set to 2009 cannot write "older" than what it
already held. When the two versions came from different devices the one set aside is
kept in ``sync_conflict`` and shown at the hub: nothing is lost silently.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import sqlite3
import uuid as uuid_module
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fazhi_tui.base.config import Config
from fazhi_tui.base.files import atomic_write_bytes
from fazhi_tui.base.paths import Home
from fazhi_tui.domain.checklist import RuleFileError, load_rules
from fazhi_tui.domain.kinds import KINDS
from fazhi_tui.storage.backups import backup_before
from fazhi_tui.storage.database import DatabaseConflict, latest_version
from fazhi_tui.storage.store import SYSTEM_COLUMNS, Store, stamp_after
from fazhi_tui.sync import crypto
from fazhi_tui.sync.bundle import SUFFIX, decode_rows, payload_bytes, payload_json, read_signed, write_bundle
from fazhi_tui.sync.container import read_file
from fazhi_tui.sync.errors import BundleRefused, SyncError
from fazhi_tui.sync.keys import Enrolment, HubKeys, create_hub_keys, load_hub_keys

__all__ = [
    "KindSummary",
    "ImportOutcome",
    "enroll_member",
    "import_bundle",
    "publish",
    "hub_config",
    "archive_dir",
    "CATALOG_ALL",
]

log = logging.getLogger(__name__)

CATALOG_ALL = "*"
COUNTS = ("added", "changed", "deleted", "unchanged", "conflicts")


def hub_config(config: Config | None) -> Config:
    if config is None or config.hub is None:
        raise SyncError("err.not_a_hub", "this home is not a hub: run `fazhi-tui hub init` first")
    return config


def archive_dir(home: Home) -> Path:
    return home.data_dir / "archive"


# -- enrolment -----------------------------------------------------------------------------------


def enroll_member(home: Home, config: Config, store: Store, code: str, name: str, to_dir: Path) -> tuple[Path, int]:
    """Enrol (or re-enrol) a member office: write its enrolment file into ``to_dir``.

    Re-enrolling bumps the generation: bundles signed by devices of an earlier
    enrolment are refused from then on.
    """
    hub = hub_config(config).hub
    if not to_dir.is_dir():
        raise SyncError("err.export_no_folder", f"{to_dir} is not a folder", path=str(to_dir))
    keys = create_hub_keys(home)
    secret = crypto.new_secret()
    with store.transaction() as conn:
        row = conn.execute("SELECT generation FROM hub_member WHERE code = ?", (code,)).fetchone()
        generation = (row[0] if row else 0) + 1
        now = store.clock()
        conn.execute(
            "INSERT INTO hub_member (code, name, generation, secret, enrolled_at) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (code) DO UPDATE SET name = excluded.name, generation = excluded.generation,"
            " secret = excluded.secret, enrolled_at = excluded.enrolled_at",
            (code, name, generation, crypto.b64(secret), now),
        )
        conn.execute(
            "INSERT INTO hub_office (code, name) VALUES (?, ?) ON CONFLICT (code) DO UPDATE SET name = excluded.name",
            (code, name),
        )
        enrolment = Enrolment(
            hub_level=hub.level,
            hub_code=hub.code,
            hub_name=hub.name,
            hub_signing_key=keys.signing_public,
            hub_box_key=keys.box_public,
            member_code=code,
            member_name=name,
            generation=generation,
            secret=crypto.b64(secret),
            issued_at=now,
        )
        path = to_dir / f"fazhi-enrol-{code}.json"
        atomic_write_bytes(path, enrolment.to_json().encode("utf-8"), mode=0o600)
    return path, generation


# -- import ----------------------------------------------------------------------------------------


@dataclass
class KindSummary:
    added: int = 0
    changed: int = 0
    deleted: int = 0
    unchanged: int = 0
    conflicts: int = 0

    def as_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in COUNTS}


@dataclass
class ImportOutcome:
    """What importing one file did (or, in a dry run, would do)."""

    path: Path
    verdict: str  # "imported" | "already" | "refused"
    member: str = ""
    device_id: str = ""
    seq: int = 0
    summary: dict[str, KindSummary] = field(default_factory=dict)
    missing: list[int] = field(default_factory=list)  # sequence numbers not yet seen
    error: BundleRefused | None = None
    bundle_id: str = ""

    def totals(self) -> dict[str, int]:
        out = dict.fromkeys(COUNTS, 0)
        for summary in self.summary.values():
            for name, value in summary.as_dict().items():
                out[name] += value
        return out


class _DryRun(Exception):
    """Raised to roll back a dry run once its summary is known."""


def _verify_sender(conn: sqlite3.Connection, manifest, manifest_bytes: bytes, signature: bytes) -> None:
    member = conn.execute("SELECT * FROM hub_member WHERE code = ?", (manifest["member"],)).fetchone()
    if member is None:
        raise BundleRefused("err.bundle_not_enrolled", f"office {manifest['member']} is not enrolled here", code=manifest["member"])
    if manifest["generation"] != member["generation"]:
        raise BundleRefused(
            "err.bundle_old_enrolment",
            f"signed under enrolment {manifest['generation']}, the current one is {member['generation']}",
            code=manifest["member"],
        )
    try:
        device_key = crypto.unb64(manifest["device_key"])
    except crypto.CryptoError as exc:
        raise BundleRefused("err.bundle_damaged", "device key is not base64") from exc
    known = conn.execute(
        "SELECT public_key, generation FROM hub_device WHERE member = ? AND device_id = ?", (manifest["member"], manifest["device_id"])
    ).fetchone()
    if known is not None and known["generation"] == member["generation"]:
        if crypto.unb64(known["public_key"]) != device_key:
            raise BundleRefused("err.bundle_old_enrolment", "device key differs from the one enrolled", code=manifest["member"])
    elif not crypto.check_enrolment_proof(crypto.unb64(member["secret"]), device_key, manifest["device_id"], manifest["proof"]):
        raise BundleRefused("err.bundle_not_enrolled", "enrolment proof does not match", code=manifest["member"])
    try:
        crypto.verify(device_key, signature, manifest_bytes)
    except crypto.CryptoError as exc:
        raise BundleRefused("err.bundle_tampered", "signature does not verify") from exc


def _decode_payload(keys: HubKeys, manifest, sealed: bytes) -> dict[str, list[dict[str, Any]]]:
    try:
        plain = crypto.unseal(keys.box, sealed, manifest["bundle_id"].encode("ascii"))
    except crypto.CryptoError as exc:
        raise BundleRefused("err.bundle_tampered", "payload does not decrypt with this hub's key") from exc
    data = payload_json(plain)
    if not isinstance(data, dict) or set(data) != {"records"} or not isinstance(data["records"], dict):
        raise BundleRefused("err.bundle_damaged", "payload has an unexpected shape")
    if set(data["records"]) - set(KINDS):
        raise BundleRefused("err.bundle_damaged", "payload names an unknown record kind")
    records = {name: decode_rows(kind, data["records"].get(name, []), manifest["member"]) for name, kind in KINDS.items()}
    counts = {name: len(rows) for name, rows in records.items()}
    if {k: v for k, v in counts.items() if v} != {k: v for k, v in manifest["counts"].items() if v}:
        raise BundleRefused("err.bundle_tampered", "record counts differ from the manifest")
    return records


def import_bundle(home: Home, config: Config, store: Store, path: Path, *, dry_run: bool = False) -> ImportOutcome:
    """Check one file completely, then merge it in one transaction (rolled back in a dry run)."""
    outcome = ImportOutcome(path=path, verdict="refused")
    if not dry_run:
        backup_before(home, "import", conn=store.conn)  # one covers a run of files
    try:
        hub = hub_config(config).hub
        keys = load_hub_keys(home)
        if keys is None:
            raise SyncError("err.bundle_not_enrolled", "this hub has enrolled nobody yet", code="?")
        # Read once: the bytes checked are the bytes digested and archived, even if the
        # file changes or the stick is pulled while the import runs.
        data = read_file(path)
        manifest, manifest_bytes, signature, sealed = read_signed(path, "up", data)
        outcome.member, outcome.device_id, outcome.seq = manifest["member"], manifest["device_id"], manifest["seq"]
        outcome.bundle_id = manifest["bundle_id"]
        digest = crypto.sha256_hex(data)
        if manifest["hub"] != hub.code:
            raise BundleRefused("err.bundle_other_hub", f"made for hub {manifest['hub']}, this is {hub.code}", code=manifest["hub"])
        with store.read_lock() as conn:
            seen = conn.execute(
                "SELECT bundle_id FROM hub_bundle WHERE file_sha256 = ? OR bundle_id = ?", (digest, manifest["bundle_id"])
            ).fetchone()
            if seen is not None:
                outcome.verdict = "already"
                log.info("hub import %s: already imported", path)
                return outcome
            _verify_sender(conn, manifest, manifest_bytes, signature)
        records = _decode_payload(keys, manifest, sealed)
        try:
            with store.transaction() as conn:
                _merge(store, conn, manifest, records, digest, path, outcome)
                if dry_run:
                    raise _DryRun
                _archive(home, path, manifest, data)
        except _DryRun:
            pass
        except DatabaseConflict as exc:
            if "UNIQUE" not in exc.detail:  # NOT NULL, FOREIGN KEY, CHECK: a malformed record
                raise BundleRefused("err.bundle_damaged", f"a record breaks the database's rules: {exc.detail}") from exc
            # e.g. two PCs of one township each recorded item code X: two records, one live
            # code. The import is rolled back; the township deletes one and exports again.
            raise BundleRefused("err.bundle_duplicate", f"a record clashes with one the hub holds: {exc.detail}") from exc
        outcome.verdict = "imported"
    except BundleRefused as exc:
        outcome.error = exc
        outcome.summary = {}
    log.info("hub import %s%s: %s %s", path, " (dry run)" if dry_run else "", outcome.verdict, outcome.error or outcome.summary)
    return outcome


def _archive(home: Home, path: Path, manifest, data: bytes) -> None:
    """Keep the imported file, so the hub's data can be rebuilt from its bundles."""
    target = archive_dir(home) / manifest["member"] / path.name
    if not target.exists():
        atomic_write_bytes(target, data)


def _import_time(store: Store, conn: sqlite3.Connection) -> str:
    """The hub's time for this import: its clock, but never earlier than (or equal to) the
    time of an import before. A hub PC whose clock falls back to 2009 must not clamp a
    newer version below the one it already holds (and then drop it as "older")."""
    now = store.clock()
    floor = conn.execute("SELECT max(imported_at) FROM hub_bundle").fetchone()[0] or ""
    return now if now > floor else stamp_after(floor)


def _merge(store: Store, conn: sqlite3.Connection, manifest, records, digest: str, path: Path, outcome: ImportOutcome) -> None:
    member, device, seq = manifest["member"], manifest["device_id"], manifest["seq"]
    taken = conn.execute("SELECT bundle_id FROM hub_bundle WHERE member = ? AND device_id = ? AND seq = ?", (member, device, seq)).fetchone()
    if taken is not None:
        raise BundleRefused("err.bundle_seq_reused", f"bundle {seq} of device {device} was already imported from another file")
    seen = {r[0] for r in conn.execute("SELECT seq FROM hub_bundle WHERE member = ? AND device_id = ?", (member, device))}
    outcome.missing = [s for s in range(1, seq) if s not in seen]
    now = _import_time(store, conn)
    operator = f"bundle:{manifest['bundle_id']}"
    # Rows this import writes get a new change number of the hub's own, so that a county's
    # up-bundle to its city (export_up: sync_version > the last confirmed) carries them.
    version = int(store.meta_value(conn, "sync_version") or 0) + 1
    store.set_meta(conn, "sync_version", str(version))
    for name, rows in records.items():
        summary = outcome.summary.setdefault(name, KindSummary())
        # The hub's versions of these records, read in a few queries rather than one per row.
        held = _held_rows(conn, name, [row["uuid"] for row in rows])
        written: set[str] = set()
        # Tombstones first: a record restored at the township may take back a unique code
        # (item code, report year) that another record of the same bundle gave up.
        for row in sorted(rows, key=lambda r: r["deleted_at"] is None):
            _merge_row(conn, name, row, now, operator, store.device_id, manifest, summary, version, held, written)
    _note_offices(conn, manifest, records, now)
    conn.execute(
        "INSERT INTO hub_device (member, device_id, public_key, generation, first_seen) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (member, device_id) DO UPDATE SET public_key = excluded.public_key, generation = excluded.generation",
        (member, device, manifest["device_key"], manifest["generation"], now),
    )
    conn.execute(
        "INSERT INTO hub_bundle (bundle_id, file_sha256, member, device_id, seq, since_seq, created_at, imported_at, archive, summary)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            manifest["bundle_id"], digest, member, device, seq, manifest["since_seq"], manifest["created_at"], now,
            f"{member}/{path.name}", json.dumps({k: v.as_dict() for k, v in outcome.summary.items()}),
        ),
    )


def _note_offices(conn: sqlite3.Connection, manifest, records, now: str) -> None:
    """Remember the names the bundle gives and when each office's records last arrived."""
    member = manifest["member"]
    # The hub's own name for a member (given at enrolment) wins over what the member calls itself.
    names = {code: name for code, name in manifest.get("offices", {}).items() if code.startswith(member) and code != member}
    present = {member} | {row["township"] for rows in records.values() for row in rows}
    for code in sorted(present | set(names)):
        conn.execute(
            "INSERT INTO hub_office (code, name, last_import) VALUES (?, ?, ?) ON CONFLICT (code) DO UPDATE SET"
            " name = CASE WHEN ? <> '' THEN excluded.name ELSE hub_office.name END,"
            " last_import = CASE WHEN ? THEN excluded.last_import ELSE hub_office.last_import END",
            (code, names.get(code, code), now if code in present else None, names.get(code, ""), code in present),
        )


def _content(row: sqlite3.Row | dict, columns: Iterable[str]) -> dict[str, Any]:
    return {c: row[c] for c in columns}


HELD_CHUNK = 500  # uuids per query (well under SQLite's limit on parameters)


def _held_rows(conn, table: str, uuids: list[str]) -> dict[str, sqlite3.Row]:
    """uuid → the hub's row, for those of ``uuids`` the hub holds."""
    held = {}
    for i in range(0, len(uuids), HELD_CHUNK):
        chunk = uuids[i : i + HELD_CHUNK]
        marks = ", ".join("?" for _ in chunk)
        for found in conn.execute(f"SELECT * FROM {table} WHERE uuid IN ({marks})", chunk):
            held[found["uuid"]] = found
    return held


@functools.cache
def _statements(table: str) -> tuple[tuple[str, ...], tuple[str, ...], str, str]:
    """(system and kind columns, kind columns, INSERT, UPDATE) of one record table."""
    kind_columns = KINDS[table].columns
    columns = (*SYSTEM_COLUMNS, *kind_columns)
    names = (*columns, "sync_stamp", "sync_version")
    insert = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})"
    update = f"UPDATE {table} SET {', '.join(f'{c} = ?' for c in names)} WHERE uuid = ?"
    return columns, kind_columns, insert, update


def _merge_row(
    conn, table: str, row: dict[str, Any], now: str, operator: str, hub_device: str, manifest, summary: KindSummary, version: int,
    held: dict[str, sqlite3.Row], written: set[str],
) -> None:
    columns, kind_columns, insert, update = _statements(table)
    incoming_stamp = min(row["sync_stamp"], now)  # a clock set ahead cannot win from the future
    if row["uuid"] in written:  # the same uuid twice in one bundle: what the first one wrote counts
        current = conn.execute(f"SELECT * FROM {table} WHERE uuid = ?", (row["uuid"],)).fetchone()
    else:
        current = held.get(row["uuid"])
    written.add(row["uuid"])
    if current is None:
        conn.execute(insert, (*(row[c] for c in columns), incoming_stamp, version))
        action = "delete" if row["deleted_at"] else "insert"
        summary.deleted += action == "delete"
        summary.added += action == "insert"
        _audit(conn, now, operator, hub_device, table, row["uuid"], action, {c: [None, row[c]] for c in kind_columns})
        return
    if current["township"] != row["township"]:
        raise BundleRefused("err.bundle_foreign_rows", f"{table} record {row['uuid']} already belongs to {current['township']}")
    old, new = _content(current, columns), _content(row, columns)
    if old == new:
        summary.unchanged += 1
        return
    incoming_key = (incoming_stamp, row["rev"], row["device_id"])
    current_key = (current["sync_stamp"] or current["updated_at"], current["rev"], current["device_id"])
    if incoming_key > current_key:
        conn.execute(update, (*new.values(), incoming_stamp, version, row["uuid"]))
        if current["device_id"] != row["device_id"]:
            _conflict(conn, now, manifest, table, row["uuid"], winner=new, loser=old)
            summary.conflicts += 1
        changes = {c: [old[c], new[c]] for c in kind_columns if old[c] != new[c]}
        if old["deleted_at"] is None and new["deleted_at"] is not None:
            action = "delete"
            summary.deleted += 1
        elif old["deleted_at"] is not None and new["deleted_at"] is None:
            action = "restore"
            summary.changed += 1
        else:
            action = "update"
            summary.changed += 1
        changes["deleted_at"] = [old["deleted_at"], new["deleted_at"]]
        _audit(conn, now, operator, hub_device, table, row["uuid"], action, changes)
    elif incoming_key < current_key and current["device_id"] != row["device_id"]:
        _conflict(conn, now, manifest, table, row["uuid"], winner=old, loser=new)
        summary.conflicts += 1
    else:
        summary.unchanged += 1  # an older version from the same device: nothing to do


def _conflict(conn, now: str, manifest, table: str, record_uuid: str, *, winner: dict, loser: dict) -> None:
    conn.execute(
        "INSERT INTO sync_conflict (at, member, table_name, record_uuid, winner_device, loser_device, winner, loser, bundle_id)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            now, manifest["member"], table, record_uuid, winner["device_id"], loser["device_id"],
            json.dumps(winner, ensure_ascii=False), json.dumps(loser, ensure_ascii=False), manifest["bundle_id"],
        ),
    )


def _audit(conn, now: str, operator: str, device: str, table: str, record_uuid: str, action: str, changes: dict) -> None:
    conn.execute(
        "INSERT INTO audit_log (at, operator, device_id, table_name, record_uuid, action, changes) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (now, operator, device, table, record_uuid, action, json.dumps(changes, ensure_ascii=False)),
    )


# -- publish ---------------------------------------------------------------------------------------


def _catalog_for(conn: sqlite3.Connection, member: str) -> list[dict[str, Any]]:
    items = []
    for row in conn.execute("SELECT * FROM hub_catalog ORDER BY code"):
        townships = json.loads(row["townships"])
        if CATALOG_ALL in townships or member in townships:
            items.append({k: row[k] for k in ("code", "name", "power_type", "legal_basis", "department", "mode")})
    return items


def publish(home: Home, config: Config, store: Store, to_dir: Path) -> list[Path]:
    """Write one down-bundle per member into ``to_dir``: its catalog, the rule set, and
    which of its bundles the hub holds (the confirmations)."""
    hub = hub_config(config).hub
    keys = load_hub_keys(home)
    if keys is None:
        raise SyncError("err.nothing_to_publish", "no member enrolled yet")
    if not to_dir.is_dir():
        raise SyncError("err.export_no_folder", f"{to_dir} is not a folder", path=str(to_dir))
    rules_text = None
    rules_file = home.rules
    if rules_file.exists():
        rules_text = rules_file.read_text(encoding="utf-8-sig")
        try:
            load_rules(rules_text)
        except RuleFileError as exc:
            raise SyncError("err.rules_invalid", str(exc), line=exc.line, reason=exc.reason) from exc
    backup_before(home, "publish", conn=store.conn)
    written = []
    with store.transaction() as conn:
        members = conn.execute("SELECT code FROM hub_member ORDER BY code").fetchall()
        if not members:
            raise SyncError("err.nothing_to_publish", "no member enrolled yet")
        now = store.clock()
        newest = store.newest_stamp(conn)
        created_at = now if now > newest else stamp_after(newest)
        for (member,) in members:
            seq = (conn.execute("SELECT seq FROM hub_publish WHERE member = ?", (member,)).fetchone() or (0,))[0] + 1
            confirm: dict[str, list[int]] = {}
            for device, bundle_seq in conn.execute("SELECT device_id, seq FROM hub_bundle WHERE member = ? ORDER BY seq", (member,)):
                confirm.setdefault(device, []).append(bundle_seq)
            payload = {
                "hub_time": created_at,
                "confirm": confirm,
                "rules": rules_text,
                "catalog": _catalog_for(conn, member) if hub.level == "county" else [],
            }
            manifest = {
                "direction": "down",
                "schema_version": latest_version(),
                "bundle_id": str(uuid_module.uuid4()),
                "hub": hub.code,
                "hub_name": hub.name,
                "member": member,
                "seq": seq,
                "created_at": created_at,
            }
            path = to_dir / f"fazhi-down-{member}-{seq:06d}{SUFFIX}"
            write_bundle(path, manifest, payload_bytes(payload), keys.signing)
            conn.execute(
                "INSERT INTO hub_publish (member, seq, created_at) VALUES (?, ?, ?)"
                " ON CONFLICT (member) DO UPDATE SET seq = excluded.seq, created_at = excluded.created_at",
                (member, seq, created_at),
            )
            written.append(path)
    log.info("published %d down-bundles to %s", len(written), to_dir)
    return written


# -- what the hub screen shows -------------------------------------------------------------------


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


def member_overview(store: Store) -> list[MemberStatus]:
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


def conflict_list(store: Store, limit: int = 500) -> list[dict[str, Any]]:
    """The newest clashes first: which record, which device's version was kept, which set aside."""
    with store.read_lock() as conn:
        rows = conn.execute("SELECT * FROM sync_conflict ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
    out = []
    for row in rows:
        item = dict(row)
        item["winner"] = json.loads(row["winner"])
        item["loser"] = json.loads(row["loser"])
        out.append(item)
    return out


@dataclass(frozen=True)
class ChangeCount:
    township: str
    kind: str
    added: int
    changed: int
    deleted: int


def changes_between(store: Store, since: str | None = None, until: str | None = None) -> list[ChangeCount]:
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


def import_history(store: Store, limit: int = 1000) -> list[dict[str, Any]]:
    """Every import, newest first, with what it did."""
    with store.read_lock() as conn:
        rows = conn.execute(
            "SELECT b.*, o.name AS member_name FROM hub_bundle b LEFT JOIN hub_office o ON o.code = b.member"
            " ORDER BY b.imported_at DESC LIMIT ?",
            (limit,),
        ).fetchall()
    out = []
    for row in rows:
        item = dict(row)
        summary = json.loads(row["summary"])
        item["totals"] = {name: sum(kind.get(name, 0) for kind in summary.values()) for name in COUNTS}
        out.append(item)
    return out
