"""Importing a member's up-bundle at the hub.

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

The merge decides row by row and writes in bulk (inside the one transaction): the hub's
versions of a kind's records are read with a few ``uuid IN (...)`` queries, and the
versions taken of each kind, in the bundle's order, then the audit rows of the whole
bundle are written with one prepared statement each over tuples (``executemany``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import itertools
import logging
import operator
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fazhi_tui.base.config import Config
from fazhi_tui.base.files import atomic_write_bytes
from fazhi_tui.base.paths import Home
from fazhi_tui.domain.kinds import KINDS
from fazhi_tui.storage import hub_store
from fazhi_tui.storage.backups import backup_before
from fazhi_tui.storage.database import DatabaseConflict
from fazhi_tui.storage.hub_store import COUNTS
from fazhi_tui.storage.records import (
    append_audit,
    audit_changes,
    held_records,
    insert_changes,
    insert_records,
    merge_records,
    read_record,
)
from fazhi_tui.storage.store import SYSTEM_COLUMNS, Store
from fazhi_tui.sync import crypto
from fazhi_tui.sync.bundle import (
    MAX_EXPANSION_RATIO,
    SUFFIX,
    check_nesting,
    decode_clean_rows,
    decode_rows,
    payload_json,
    read_signed_files,
)
from fazhi_tui.sync.container import read_file
from fazhi_tui.sync.errors import BundleRefused, SyncError
from fazhi_tui.sync.hub.checking import check_records
from fazhi_tui.sync.hub.common import archive_folder, hub_config, hub_now, owner_only, stamp_limit
from fazhi_tui.sync.hub.evidence import (
    EVIDENCE_KEYS,
    decode_bundle_evidence,
    import_files_part,
    keep_bundle_files,
    merge_bundle_evidence,
)
from fazhi_tui.sync.keys import HubKeys, load_hub_keys

__all__ = ["KindSummary", "ImportOutcome", "import_bundle", "import_bundles"]

log = logging.getLogger(__name__)


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
    # the device's bundles the hub does not hold, as ranges (first, last): only those whose
    # records no bundle held carries (a bundle carries all since its since_seq; a full one all)
    missing: list[tuple[int, int]] = field(default_factory=list)
    error: BundleRefused | None = None
    bundle_id: str = ""
    clamped: int = 0  # records whose time stamps were ahead of the hub's clock, set back to it
    files_new: int = 0  # evidence files stored now
    files_held: int = 0  # evidence files the bundle carried that the hub held already
    part: tuple[int, int] = (1, 1)  # (part, parts) of an export split across sticks

    def totals(self) -> dict[str, int]:
        out = dict.fromkeys(COUNTS, 0)
        for summary in self.summary.values():
            for name, value in summary.as_dict().items():
                out[name] += value
        return out


class _DryRun(Exception):
    """Raised to roll back a dry run once its summary is known."""


def _verify_sender(conn, manifest, manifest_bytes: bytes, signature: bytes) -> str | None:
    """Check the sender's enrolment, device key and signature; the enrolment secret this
    bundle proves (a device's first bundle: the import consumes it), else None."""
    member = hub_store.member_row(conn, manifest["member"])
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
    try:
        crypto.verify(device_key, signature, manifest_bytes)
    except crypto.CryptoError as exc:
        raise BundleRefused("err.bundle_tampered", "signature does not verify") from exc
    known = hub_store.device_row(conn, manifest["member"], manifest["device_id"])
    if known is not None and known["generation"] == member["generation"]:
        if crypto.unb64(known["public_key"]) != device_key:
            raise BundleRefused("err.bundle_old_enrolment", "device key differs from the one enrolled", code=manifest["member"])
        return None
    if known is None and hub_store.key_bound(conn, manifest["member"], manifest["device_key"], member["generation"]):
        return None  # a PC's database put back from a backup: a new device id, the same key
    # A device not bound yet proves one of the enrolment secrets not yet used: each is good
    # for the first bundle of one device only (then cleared), so an enrolment file found
    # on a stick is useless once its township has sent its first bundle.
    secrets = hub_store.pending_secrets(member)
    for secret in secrets:
        if crypto.check_enrolment_proof(crypto.unb64(secret), device_key, manifest["device_id"], manifest["proof"]):
            return secret
    if not secrets:
        raise BundleRefused("err.enrolment_spent", "the enrolment secret was used by another device already", code=manifest["member"])
    raise BundleRefused("err.bundle_not_enrolled", "enrolment proof does not match", code=manifest["member"])


class _Records(dict):
    """A bundle's decoded rows, kind → rows; ``columns``: kind → its fields' columns, for the
    kinds decoded a column at a time (see ``bundle.decode_clean_rows``), which the checks
    and the merge read instead of the rows' values (the fields are never changed after)."""

    def __init__(self) -> None:
        super().__init__()
        self.columns: dict[str, dict[str, Any]] = {}


@contextlib.contextmanager
def _collection_paused() -> Iterator[None]:
    """No garbage collection inside: a bundle's tens of thousands of rows and tuples hold
    no reference cycles (reference counting frees them), yet would set off collections,
    each a walk over every object held, the bundle's rows included (~15 ms a full bundle)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@_collection_paused()
def _decode_payload(keys: HubKeys, manifest, sealed: bytes) -> tuple[dict[str, list[dict[str, Any]]], dict[str, Any]]:
    try:
        plain = crypto.unseal(keys.box, sealed, manifest["bundle_id"].encode("ascii"))
    except crypto.CryptoError as exc:
        raise BundleRefused("err.bundle_tampered", "payload does not decrypt with this hub's key") from exc
    data = payload_json(plain, ratio=MAX_EXPANSION_RATIO, nesting=False)
    member = manifest["member"]
    # Each kind's rows checked a column at a time first (refusing nothing: a kind in doubt
    # is left to decode_rows below, which refuses its first bad row); the rows accepted are
    # known to be shallow, so the depth check walks only the rest. The refusals and their
    # order are those of depth, shape, kinds, then decode_rows kind by kind.
    clean: dict[str, tuple[list[dict[str, Any]], dict[str, Any]]] = {}
    if isinstance(data, dict) and isinstance(data.get("records"), dict):
        for name, kind in KINDS.items():
            decoded = decode_clean_rows(kind, data["records"].get(name, []), member)
            if decoded is not None:
                clean[name] = decoded
    check_nesting(data, clean)
    if not isinstance(data, dict) or "records" not in data or set(data) - {"records", *EVIDENCE_KEYS} or not isinstance(data["records"], dict):
        raise BundleRefused("err.bundle_damaged", "payload has an unexpected shape")
    if set(data["records"]) - set(KINDS):
        raise BundleRefused("err.bundle_damaged", "payload names an unknown record kind")
    records = _Records()
    for name, kind in KINDS.items():
        if name in clean:
            records[name], records.columns[name] = clean[name]
        else:
            records[name] = decode_rows(kind, data["records"].get(name, []), member, reuse=True)
    counts = {name: len(rows) for name, rows in records.items()}
    if {k: v for k, v in counts.items() if v} != {k: v for k, v in manifest["counts"].items() if v}:
        raise BundleRefused("err.bundle_tampered", "record counts differ from the manifest")
    return records, data


def hub_bundle_id(member: str, device_id: str, bundle_id: str) -> str:
    """The hub's id of a bundle: the sender's own id within its member and device, so no
    township can take (or spoil) another's by copying an id read on a stick."""
    return f"{member}/{device_id}/{bundle_id}"


def import_bundle(home: Home, config: Config, store: Store, path: Path, *, dry_run: bool = False) -> ImportOutcome:
    """Check one file completely, then merge it in one transaction (rolled back in a dry run)."""
    outcome = ImportOutcome(path=path, verdict="refused")
    if not dry_run and not store.in_transaction:  # a batch of import_bundles made it first
        backup_before(home, "import", conn=store.conn)  # one covers a run of files
    try:
        hub = hub_config(config).hub
        keys = load_hub_keys(home)
        if keys is None:
            raise SyncError("err.bundle_not_enrolled", "this hub has enrolled nobody yet", code="?")
        # Read once: the bytes checked are the bytes digested and archived, even if the
        # file changes or the stick is pulled while the import runs.
        data = read_file(path)
        manifest, manifest_bytes, signature, sealed, sealed_files = read_signed_files(path, "up", data)
        outcome.part = (manifest.get("part", 1), manifest.get("parts", 1))
        outcome.member, outcome.device_id, outcome.seq = manifest["member"], manifest["device_id"], manifest["seq"]
        outcome.bundle_id = manifest["bundle_id"]
        digest = crypto.sha256_hex(data)
        if manifest["hub"] != hub.code:
            raise BundleRefused("err.bundle_other_hub", f"made for hub {manifest['hub']}, this is {hub.code}", code=manifest["hub"])
        with store.read_lock() as conn:
            hub_store.ready_for_imports(conn)
            # The signature first: an "already imported" answer is given only to a bundle
            # its sender really signed, and only for an id of that very device.
            secret = _verify_sender(conn, manifest, manifest_bytes, signature)
            own_id = outcome.bundle_id = hub_bundle_id(manifest["member"], manifest["device_id"], manifest["bundle_id"])
            if outcome.part[0] > 1:  # a further part of a split export: evidence files only
                import_files_part(home, config, keys.box, manifest, sealed, sealed_files, outcome, dry_run=dry_run)
                log.info("hub import %s: files part %s: %s", path, outcome.part, outcome.verdict)
                return outcome
            if hub_store.bundle_seen(conn, digest, manifest["member"], manifest["device_id"], (own_id, manifest["bundle_id"])):
                outcome.verdict = "already"
                log.info("hub import %s: already imported", path)
                return outcome
        records, payload = _decode_payload(keys, manifest, sealed)
        carried = decode_bundle_evidence(config, keys.box, manifest, payload, sealed_files)
        try:
            with store.transaction() as conn:
                _merge(store, conn, manifest, records, digest, outcome, secret)
                merge_bundle_evidence(store, conn, manifest, carried, outcome)
                if dry_run:
                    raise _DryRun
                _archive(home, manifest, digest, data)
                keep_bundle_files(home, carried, outcome)
        except _DryRun:
            pass
        except DatabaseConflict as exc:
            if "UNIQUE" not in exc.detail:  # NOT NULL, FOREIGN KEY, CHECK: a malformed record
                raise BundleRefused("err.bundle_damaged", f"a record breaks the database's rules: {exc.detail}") from exc
            # e.g. two PCs of one township each recorded item code X: two records, one live
            # code. The import is rolled back; the township deletes one and exports again.
            raise BundleRefused("err.bundle_duplicate", f"a record clashes with one the hub holds: {exc.detail}") from exc
        outcome.verdict = "imported"
        if not dry_run:
            owner_only(home)
    except BundleRefused as exc:
        outcome.error = exc
        outcome.summary = {}
        outcome.missing = []
        outcome.clamped = 0
    log.info("hub import %s%s: %s %s", path, " (dry run)" if dry_run else "", outcome.verdict, outcome.error or outcome.summary)
    return outcome


#: A run of files commits together once this many are done, or once this long has passed
#: since the run's last commit (whichever comes first): one commit, and its flush to disk,
#: for many small bundles, while a clerk still sees each file's answer within a second.
BATCH_FILES = 50
BATCH_SECONDS = 0.5
_NO_MORE = object()


def import_bundles(
    home: Home, config: Config, store: Store, files: Iterable[Any], *, dry_run: bool = False,
    batch_files: int = BATCH_FILES, batch_seconds: float = BATCH_SECONDS,
) -> Iterator[tuple[Any, ImportOutcome]]:
    """Import ``files`` (paths, or names of them) in order: (the file as given, its outcome)
    for each, given only once the file's import is committed.

    Files are imported by :func:`import_bundle`, each in its own savepoint, and committed
    together in batches (:data:`BATCH_FILES`, :data:`BATCH_SECONDS`): a refused file
    leaves the others of its batch alone; a database error (disk full) rolls the batch
    back and is raised before any of its files is reported, so nothing is said imported
    that is not on disk. ``files`` is read one at a time, as the work goes (a progress
    reporter wrapping it is told as each file is taken up)."""
    if dry_run:  # nothing is kept: each file alone, rolled back
        for given in files:
            yield given, import_bundle(home, config, store, Path(given), dry_run=True)
        return
    backup_before(home, "import", conn=store.conn)  # before the batch's transaction opens
    pending = iter(files)
    given = next(pending, _NO_MORE)
    while given is not _NO_MORE:
        done: list[tuple[Any, ImportOutcome]] = []
        with store.read_lock() as conn:
            hub_store.ready_for_imports(conn)
        started = time.monotonic()
        with store.transaction():
            while given is not _NO_MORE:
                done.append((given, import_bundle(home, config, store, Path(given))))
                given = next(pending, _NO_MORE)
                if len(done) >= batch_files or time.monotonic() - started >= batch_seconds:
                    break
        yield from done


def archive_name(digest: str) -> str:
    """A bundle's name in the archive: its content's digest (two files of one name, or one
    file under two names, are each kept once)."""
    return f"{digest}{SUFFIX}"


def _archive(home: Home, manifest, digest: str, data: bytes) -> None:
    """Keep the imported file, so the hub's data can be rebuilt from its bundles."""
    target = archive_folder(home, manifest["member"]) / archive_name(digest)
    if not target.exists():
        atomic_write_bytes(target, data, mode=0o600)


def missing_ranges(spans: Iterable[tuple[int, int]], seq: int) -> list[tuple[int, int]]:
    """The numbers below ``seq`` whose records no bundle held carries, as (first, last)
    ranges: bundle ``b`` with ``since_seq`` s carries everything of s+1 .. b. Bounded by the
    bundles held, whatever number a bundle claims."""
    gaps = []
    nxt = 1  # the first number not known to be covered
    for since, last in sorted(spans):
        if since + 1 > nxt:
            gaps.append((nxt, min(since, seq - 1)))
        nxt = max(nxt, last + 1)
        if nxt >= seq:
            break
    return [(first, last) for first, last in gaps if first <= last and first < seq]


_STAMP_GETTERS = tuple(operator.itemgetter(name) for name in ("created_at", "updated_at", "deleted_at", "sync_stamp"))


def _latest_stamp(rows: list[dict[str, Any]]) -> str:
    """The latest of the rows' stamps ("" for none), a column at a time."""
    return max((max(filter(None, map(getter, rows)), default="") for getter in _STAMP_GETTERS), default="")


def _clamp(row: dict[str, Any], now: str, limit: str) -> bool:
    """Set back to ``now`` any of the row's stamps later than ``limit``; whether one was."""
    clamped = False
    for name in ("created_at", "updated_at", "deleted_at"):
        if row[name] is not None and row[name] > limit:
            row[name] = now
            clamped = True
    if row["sync_stamp"] > limit:
        clamped = True
    return clamped


@_collection_paused()
def _merge(store: Store, conn, manifest, records: _Records, digest: str, outcome: ImportOutcome, secret: str | None) -> None:
    member, device, seq = manifest["member"], manifest["device_id"], manifest["seq"]
    if hub_store.seq_taken(conn, member, device, seq):
        raise BundleRefused("err.bundle_seq_reused", f"bundle {seq} of device {device} was already imported from another file")
    spans = [*hub_store.bundle_spans(conn, member, device), (manifest["since_seq"], seq)]
    outcome.missing = missing_ranges(spans, seq)
    now = hub_now(store, conn)
    # The township's records are checked as its forms check them (the hub's day, a day's
    # leeway for time zones), before anything is written.
    check_records(store.db, member, records, dt.date.fromisoformat(now[:10]) + dt.timedelta(days=1), records.columns)
    limit = stamp_limit(now)
    for rows in records.values():
        if _latest_stamp(rows) > limit:  # else no stamp of the kind is ahead: nothing to look at row by row
            outcome.clamped += sum(_clamp(row, now, limit) for row in rows)
    # Rows this import writes get a new change number of the hub's own, so that a county's
    # up-bundle to its city (export_up: sync_version > the last confirmed) carries them.
    version = store.next_change_number(conn)
    hub_id = hub_bundle_id(member, device, manifest["bundle_id"])
    merge = _Merge(store.db, now, f"bundle:{hub_id}", store.device_id, manifest, version, hub_id, records.columns)
    for name, rows in records.items():
        merge.kind(name, rows, outcome.summary.setdefault(name, KindSummary()))
    append_audit(store.db, merge.audit)
    hub_store.add_conflicts(store.db, merge.conflicts)
    _note_offices(conn, manifest, records, now)
    hub_store.save_device(conn, member, device, manifest["device_key"], manifest["generation"], now)
    if secret is not None:
        hub_store.consume_secret(conn, member, secret)
    hub_store.add_bundle(
        store.db,
        {
            "bundle_id": hub_id, "file_sha256": digest, "member": member, "device_id": device, "seq": seq,
            "since_seq": manifest["since_seq"], "created_at": manifest["created_at"], "imported_at": now,
            "archive": f"{member}/{archive_name(digest)}", "summary": {k: v.as_dict() for k, v in outcome.summary.items()},
        },
    )


def _note_offices(conn, manifest, records, now: str) -> None:
    """Remember the names the bundle gives and when each office's records last arrived."""
    member = manifest["member"]
    # The hub's own name for a member (given at enrolment) wins over what the member calls itself.
    names = {code: name for code, name in manifest.get("offices", {}).items() if code.startswith(member) and code != member}
    present = {member}.union(*(map(_TOWNSHIP, rows) for rows in records.values()))
    hub_store.note_offices(conn, [(code, names.get(code, ""), code in present) for code in sorted(present | set(names))], now)


def _content(row: Any, columns: Iterable[str]) -> dict[str, Any]:
    return {c: row[c] for c in columns}


_UUID = operator.itemgetter("uuid")
_TOWNSHIP = operator.itemgetter("township")
_SYNC_STAMP = operator.itemgetter("sync_stamp")
_DELETED_AT = operator.itemgetter("deleted_at")


@functools.cache
def _columns(table: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(system and kind columns, kind columns) of one record table."""
    kind_columns = KINDS[table].columns
    return (*SYSTEM_COLUMNS, *kind_columns), kind_columns


class _Merge:
    """One bundle's merge, a kind at a time: the hub's versions of the kind's records are
    read in a few queries (uuid IN ...), each incoming row is decided against them in
    Python, and the versions taken and the audit rows are written as tuples with prepared
    statements (executemany: a plain INSERT for records new to the hub, INSERT … ON
    CONFLICT for versions of records it holds), in the bundle's order."""

    def __init__(self, db: Any, now: str, operator: str, hub_device: str, manifest, version: int, bundle_id: str,
                 columns: dict[str, dict[str, Any]]) -> None:
        self.db, self.now, self.operator, self.hub_device = db, now, operator, hub_device
        self.manifest, self.version, self.bundle_id = manifest, version, bundle_id
        self.audit: list[tuple] = []  # rows of records.AUDIT_COLUMNS
        # kind → its fields' values a column at a time, in the rows' order (see _Records)
        self.columns = columns
        self.conflicts: list[dict[str, Any]] = []

    def _conflict(self, table: str, record_uuid: str, *, winner: dict, loser: dict) -> None:
        manifest = self.manifest
        self.conflicts.append(hub_store.conflict_row(self.now, manifest["member"], table, record_uuid, self.bundle_id, winner=winner, loser=loser))

    def kind(self, table: str, rows: list[dict[str, Any]], summary: KindSummary) -> None:
        if not rows:
            return
        columns, kind_columns = _columns(table)
        # decode_rows gives every row of a kind the same keys in the same order: the
        # system columns, sync_stamp, the kind's fields. A version taken is written as
        # that row's values (its sync_stamp set back to the hub's time if ahead) and the
        # hub's change number.
        names = (*rows[0], "sync_version")
        now, version = self.now, self.version
        uuids = list(map(_UUID, rows))
        held = held_records(self.db, table, uuids)
        if not held and len(set(uuids)) == len(rows):
            self._all_new(table, rows, summary, names, kind_columns)
            return
        # the audit's changes of the rows new to the hub, made a column at a time
        fresh = [row for row in rows if row["uuid"] not in held]
        fresh_changes = dict(zip(map(id, fresh), insert_changes(kind_columns, fresh)))
        head = (now, self.operator, self.hub_device, table)
        audit = self.audit.append
        # The versions taken are written in the bundle's order, in runs: records new to the
        # hub by a plain INSERT, versions of records it holds by INSERT … ON CONFLICT.
        fresh_run: list[tuple] = []
        taken: list[tuple] = []
        written: set[str] = set()
        # Tombstones first: a record restored at the township may take back a unique code
        # (item code, report year) that another record of the same bundle gave up.
        for row in sorted(rows, key=lambda r: r["deleted_at"] is None):
            record_uuid = row["uuid"]
            if row["sync_stamp"] > now:  # a clock set ahead cannot win from the future
                row["sync_stamp"] = now
            if record_uuid in written:  # the same uuid twice in one bundle: what the first one wrote counts
                insert_records(self.db, table, names, fresh_run)
                merge_records(self.db, table, names, taken)
                fresh_run, taken = [], []
                current = read_record(self.db, table, record_uuid)
            else:
                current = held.get(record_uuid)
            written.add(record_uuid)
            if current is None:  # new to the hub: the common case, kept lean
                if taken:
                    merge_records(self.db, table, names, taken)
                    taken = []
                fresh_run.append((*row.values(), version))
                if row["deleted_at"]:
                    action = "delete"
                    summary.deleted += 1
                else:
                    action = "insert"
                    summary.added += 1
                changes = fresh_changes.get(id(row))
                if changes is None:  # pragma: no cover - every row not held is in fresh
                    changes = audit_changes({c: [None, row[c]] for c in kind_columns})
                audit((*head, record_uuid, action, changes))
                continue
            if fresh_run:
                insert_records(self.db, table, names, fresh_run)
                fresh_run = []
            self._decide(table, row, current, summary, columns, kind_columns, taken, audit, head)
        insert_records(self.db, table, names, fresh_run)
        merge_records(self.db, table, names, taken)

    def _all_new(self, table: str, rows: list[dict[str, Any]], summary: KindSummary, names: tuple[str, ...], kind_columns) -> None:
        """:meth:`kind` of rows none of which the hub holds, each uuid once (a township's
        first bundle, the common case): the same rows and audit rows, a column at a time."""
        now = self.now
        deleted = list(map(_DELETED_AT, rows))
        tombstones = len(deleted) - deleted.count(None)
        order = None
        ordered = rows
        if tombstones:  # tombstones first, as kind() writes them (a stable sort)
            order = sorted(range(len(rows)), key=[at is None for at in deleted].__getitem__)
            ordered = list(map(rows.__getitem__, order))
            deleted = list(map(deleted.__getitem__, order))
        if max(map(_SYNC_STAMP, ordered)) > now:  # a clock set ahead cannot win from the future
            for row in ordered:
                if row["sync_stamp"] > now:
                    row["sync_stamp"] = now
        summary.deleted += tombstones
        summary.added += len(ordered) - tombstones
        actions = ["insert" if at is None else "delete" for at in deleted] if tombstones else ["insert"] * len(rows)
        head = map(itertools.repeat, (now, self.operator, self.hub_device, table))
        known = self.columns.get(table)
        fields = None
        if known is not None:  # the fields' columns (in the rows' order), in ordered's order
            fields = [known[c] for c in kind_columns]
            if order is not None:
                fields = [list(map(column.__getitem__, order)) for column in fields]
        self.audit.extend(zip(*head, map(_UUID, ordered), actions, insert_changes(kind_columns, ordered, fields)))
        version = (self.version,)
        insert_records(self.db, table, names, [(*values, *version) for values in map(dict.values, ordered)])

    def _decide(self, table, row, current, summary, columns, kind_columns, taken, audit, head) -> None:
        """A version of a record the hub holds: take it, keep the hub's, or nothing to do."""
        if current["township"] != row["township"]:
            raise BundleRefused("err.bundle_foreign_rows", f"{table} record {row['uuid']} already belongs to {current['township']}")
        old, new = _content(current, columns), _content(row, columns)
        if old == new:
            summary.unchanged += 1
            return
        incoming_key = (row["sync_stamp"], row["rev"], row["device_id"])
        current_key = (current["sync_stamp"] or current["updated_at"], current["rev"], current["device_id"])
        if incoming_key > current_key:
            taken.append((*row.values(), self.version))
            if current["device_id"] != row["device_id"]:
                self._conflict(table, row["uuid"], winner=new, loser=old)
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
            audit((*head, row["uuid"], action, audit_changes(changes)))
        elif incoming_key < current_key and current["device_id"] != row["device_id"]:
            self._conflict(table, row["uuid"], winner=old, loser=new)
            summary.conflicts += 1
        else:
            summary.unchanged += 1  # an older version from the same device: nothing to do
