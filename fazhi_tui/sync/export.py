"""Writing an up-bundle: this office's records for the hub above, signed and sealed.

The bundle carries every record (tombstones included) changed since the last bundle the
hub confirmed, or all of them when asked (``full``) or when nothing was confirmed yet.

A database put back from a backup goes on as a new device, so nothing it sends collides
with what the hub holds: ``fazhi-tui restore`` gives it a new device id; a backup copied
over the file by hand is found at the next export, whose number would be one this device
already used (``keys/exported.json`` remembers the last), and the export takes a new
device id then. Either way nothing is confirmed for the new id, so the bundle is a full
copy: it carries everything the hub may not hold. A bundle's file never replaces a file
already on the stick (another name is taken).
"""

from __future__ import annotations

import json
import logging
import uuid as uuid_module
from dataclasses import dataclass
from pathlib import Path

from fazhi_tui.base.config import Config
from fazhi_tui.base.files import StagedFile, atomic_write_text, stage_bytes
from fazhi_tui.base.filestore import FileStore
from fazhi_tui.base.paths import Home
from fazhi_tui.domain.kinds import KINDS
from fazhi_tui.storage import export_log, meta
from fazhi_tui.storage.attachments import attachment_changed_since
from fazhi_tui.storage.database import latest_version
from fazhi_tui.storage.hub_store import office_names
from fazhi_tui.storage.records import changed_since
from fazhi_tui.storage.store import Store, stamp_after
from fazhi_tui.sync import crypto
from fazhi_tui.sync.bundle import SUFFIX, bundle_bytes, encode_rows, payload_bytes
from fazhi_tui.sync.container import MAX_FILE_BYTES
from fazhi_tui.sync.errors import SyncError
from fazhi_tui.sync.evidence import MAX_FILES_BYTES, FileEntry, encode_attachments, files_to_send, hub_held, pack_files
from fazhi_tui.sync.files import free_name
from fazhi_tui.sync.keys import ensure_device_key, load_enrolment

__all__ = ["ExportResult", "export_up", "up_bundle_name"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExportResult:
    path: Path
    seq: int
    full: bool
    counts: dict[str, int]
    parts: tuple[Path, ...] = ()  # every file written, when the export was split ("2 of 3")
    files: int = 0  # evidence files carried

    @property
    def records(self) -> int:
        return sum(self.counts.values())


def up_bundle_name(member: str, device_id: str, seq: int) -> str:
    return f"fazhi-up-{member}-{device_id[:8]}-{seq:06d}{SUFFIX}"


def _mark_path(home: Home) -> Path:
    return home.keys / "exported.json"


def _last_export(home: Home) -> tuple[str, int] | None:
    """(device id, number) of the last bundle this home exported, as kept beside its keys."""
    try:
        data = json.loads(_mark_path(home).read_text(encoding="utf-8"))
        return str(data["device_id"]), int(data["seq"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _note_export(home: Home, device_id: str, seq: int) -> None:
    try:
        atomic_write_text(_mark_path(home), json.dumps({"device_id": device_id, "seq": seq}) + "\n", mode=0o600)
    except OSError as exc:  # a safety net only: the export itself is done
        log.warning("could not note the export in %s: %s", _mark_path(home), exc)


def _new_device(conn) -> str:
    """Go on as a new device (inside the export's transaction): a new id, no bundle logged,
    nothing confirmed."""
    meta.forget_meta(conn, meta.DEVICE_KEYS)
    export_log.forget_exports(conn)
    device_id = uuid_module.uuid4().hex
    meta.set_meta(conn, meta.DEVICE_ID, device_id)
    return device_id


def _offices(conn, config: Config) -> dict[str, str]:
    """Names the hub above should know: at a county hub, its townships' (the city knows
    them from no other place). A township sends none: the county named it at enrolment,
    and what a lost stick shows is kept small (docs/guarantees.md)."""
    if config.hub is None:
        return {}
    return {config.office_code: config.office_name, **office_names(conn)}


PART_OVERHEAD = 64 * 1024  # manifest, signature, archive headers, sealing: well under this


def plan_parts(entries: list[FileEntry], first_room: int, room: int) -> list[list[FileEntry]]:
    """The files of each part: as many as fit the first part (beside the records), then
    the next ones each in as few parts as greedily fit ``room``; SyncError for a file that
    fits no part."""
    parts: list[list[FileEntry]] = [[]]
    left = first_room
    for entry in entries:
        if entry.size > room:
            raise SyncError("err.export_file_too_big", f"file {entry.sha256} ({entry.size} bytes) fits no part",
                            size=entry.size, limit=room)
        if entry.size > left:
            parts.append([])
            left = room
        parts[-1].append(entry)
        left -= entry.size
    return parts


def export_up(
    home: Home, config: Config, store: Store, to_dir: Path, *, full: bool = False, max_bytes: int | None = None
) -> ExportResult:
    """Write the next up-bundle into ``to_dir``; raise SyncError if this office cannot.

    ``max_bytes``: the largest file to write (a small stick); the evidence files that do
    not fit go into further parts ("2 of 3"), each a whole signed bundle."""
    enrolment = load_enrolment(home)
    if enrolment is None:
        raise SyncError("err.not_enrolled", "no enrolment: load the hub's enrolment file first")
    if enrolment.member_code != config.office_code:
        raise SyncError("err.enrolment_other_member", "enrolment is for another office", code=enrolment.member_code)
    if not to_dir.is_dir():
        raise SyncError("err.export_no_folder", f"{to_dir} is not a folder", path=str(to_dir))
    device_key = ensure_device_key(home)
    device_public = crypto.public_signing_bytes(device_key)
    bundle_id = str(uuid_module.uuid4())

    # The order makes an interruption (a pulled stick, a crash, a power cut) safe:
    # 1. inside one transaction: number the bundle, log it, and write the whole file
    #    under a hidden temporary name on the stick, flushed to disk; a write that fails
    #    (no space, a read-only stick) rolls the log row back and the number is reused;
    # 2. commit, durably;
    # 3. only then give the file its name (fazhi-up-…fzb): a bundle the hub can see
    #    always has its row here, so its number is never reused for different content.
    #    Stopped between 2 and 3, the number is simply skipped (the next bundle carries
    #    everything since the last confirmation) and a hidden .tmp file is left behind.
    staged_parts: list[StagedFile] = []
    names: list[str] = []
    files_sent = 0
    try:
        with store.transaction(durable=True) as conn:
            device_id = store.device_id
            seq = export_log.next_seq(conn)
            last = _last_export(home)
            if last is not None and last[0] == device_id and seq <= last[1]:
                # this device already exported bundle ``seq`` and later ones: the database
                # was put back from a copy by hand
                device_id = _new_device(conn)
                log.warning("the database was rolled back (bundle %d of device %s exists): new device %s", seq, last[0], device_id)
                seq = export_log.next_seq(conn)
            confirmed = int(meta.get_meta(conn, meta.CONFIRMED_SEQ) or 0)
            base = export_log.max_version_of(conn, confirmed)
            delta = not full and base is not None
            since_seq, base_version = (confirmed, base) if delta else (0, -1)
            records = {name: encode_rows(kind, changed_since(store.db, name, base_version)) for name, kind in KINDS.items()}
            carried = encode_attachments(attachment_changed_since(store.db, base_version))
            file_store = FileStore(home.files)
            to_send = files_to_send(store.db, file_store, hub_held(conn))
            max_version = store.change_number(conn)
            now = store.clock()
            newest = store.newest_stamp(conn)
            created_at = now if now > newest else stamp_after(newest)
            counts = {kind: len(rows) for kind, rows in records.items()}
            base_payload: dict = {"records": records}
            if carried:
                base_payload["attachments"] = carried
            records_size = len(payload_bytes(base_payload))
            limit = min(max_bytes or MAX_FILE_BYTES, MAX_FILE_BYTES) - PART_OVERHEAD
            if records_size > limit:
                raise SyncError("err.export_records_too_big", f"records take {records_size} bytes", limit=limit)
            room = min(limit, MAX_FILES_BYTES)
            plan = plan_parts(to_send, min(limit - records_size, MAX_FILES_BYTES), room) if to_send else [[]]
            stem = up_bundle_name(config.office_code, device_id, seq).removesuffix(SUFFIX)
            if len(plan) > 1:
                names = [free_name(to_dir, f"{stem}-{k}of{len(plan)}", SUFFIX).name for k in range(1, len(plan) + 1)]
            else:
                names = [free_name(to_dir, stem, SUFFIX).name]
            name = names[0]
            export_log.log_export(
                store.db,
                {"seq": seq, "bundle_id": bundle_id, "created_at": created_at, "since_seq": since_seq,
                 "max_version": max_version, "records": sum(counts.values()), "file_name": name},
            )
            manifest = {
                "direction": "up",
                "schema_version": latest_version(),
                "bundle_id": bundle_id,
                "hub": enrolment.hub_code,
                "member": config.office_code,
                "device_id": device_id,
                "device_key": crypto.b64(device_public),
                "generation": enrolment.generation,
                "proof": crypto.enrolment_proof(crypto.unb64(enrolment.secret), device_public, device_id),
                "seq": seq,
                "since_seq": since_seq,
                "full": not delta,
                "created_at": created_at,
                "counts": counts,
                "offices": _offices(conn, config),
            }
            hub_box = crypto.unb64(enrolment.hub_box_key)
            for number, part_files in enumerate(plan, 1):
                part_id = bundle_id if number == 1 else str(uuid_module.uuid4())
                part_manifest = dict(manifest, bundle_id=part_id)
                if len(plan) > 1:
                    part_manifest.update(part=number, parts=len(plan))
                if number > 1:
                    part_manifest["counts"] = {}
                payload = dict(base_payload) if number == 1 else {"records": {}}
                sealed_files = None
                if part_files:
                    payload["files"], blob = pack_files(file_store, part_files)
                    sealed_files = crypto.seal(hub_box, blob, f"{part_id}/files".encode("ascii"))
                    files_sent += len(part_files)
                sealed = crypto.seal(hub_box, payload_bytes(payload), part_id.encode("ascii"))
                staged_parts.append(stage_bytes(to_dir / names[number - 1], bundle_bytes(part_manifest, sealed, device_key, sealed_files)))
    except BaseException:
        for staged in staged_parts:
            staged.discard()
        raise
    try:
        # the first part (the records, logged) takes its name last: a part the hub can see
        # without its first is files only, and its number is never reused for records
        for staged in reversed(staged_parts):
            staged.commit()
    except OSError:
        for staged in staged_parts:
            staged.discard()
            if staged.path.exists() and staged.path.name != name:
                staged.path.unlink(missing_ok=True)
        with store.transaction() as conn:
            export_log.unlog_export(conn, seq, bundle_id)
        raise
    store.device_id = device_id
    _note_export(home, device_id, seq)
    log.info("exported %s: bundle %d, %s, %d records", to_dir / name, seq, "delta" if delta else "full", sum(counts.values()))
    parts = tuple(to_dir / n for n in names) if len(names) > 1 else ()
    return ExportResult(to_dir / name, seq, not delta, counts, parts, files_sent)
