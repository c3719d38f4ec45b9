"""Evidence files in up-bundles: the attachment rows and the files themselves.

A bundle carries the attachment rows changed since the hub's last confirmation (like the
records) and the files the hub does not hold yet (its down-bundles list the SHA-256 of
every file it holds). The files travel in a member of their own, ``files.bin``: their bytes
one after another, sealed to the hub's key like the records, its digest in the signed
manifest; the sealed payload lists each file's SHA-256, size and type in order. When the
files do not fit one stick the export is split into parts ("2 of 3"): the first carries the
records, every part some files, each part a complete signed bundle the hub takes in any
order.

The hub checks everything before it writes anything: each file's digest, its size against
its own per-file limit, its type by content (a zip bomb in a .docx is refused before it is
expanded) and that it is the type its attachment row names, each row's fields (a bare file
name that fits its type, a record of the sender's own townships).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from fazhi_tui.base.filestore import FileStore, is_sha256, sha256_hex
from fazhi_tui.base.filetypes import TYPES, FileTypeRefused, clean_file_name, name_fits, sniff
from fazhi_tui.base.i18n import t
from fazhi_tui.base.text import clean_text
from fazhi_tui.domain.kinds import KINDS
from fazhi_tui.storage import attachments, meta
from fazhi_tui.storage.records import audit_row, read_record
from fazhi_tui.sync.bundle import FILES_LIMIT, is_stamp
from fazhi_tui.sync.errors import BundleRefused

__all__ = [
    "MAX_FILES_BYTES",
    "FileEntry",
    "Carried",
    "encode_attachments",
    "files_to_send",
    "pack_files",
    "hub_held",
    "note_hub_files",
    "decode_evidence",
    "check_files_index",
    "merge_attachments",
    "keep_files",
    "held_digests",
]

MAX_FILES_BYTES = FILES_LIMIT - 1024  # the files of one bundle (one part), sealed
MAX_FILES_PER_BUNDLE = 100_000
MAX_ATTACHMENTS = 100_000
CAPTION_LIMIT = 800
_CODE = re.compile(r"[0-9]{4,9}")
_UUIDISH = re.compile(r"[A-Za-z0-9_.:-]{1,64}")


@dataclass(frozen=True)
class FileEntry:
    sha256: str
    size: int
    type: str


@dataclass
class Carried:
    """What a bundle carries of evidence, checked."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)


# -- the township: what to send --------------------------------------------------------------------


def encode_attachments(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [{**{c: row[c] for c in attachments.COLUMNS}, "sync_stamp": row["sync_stamp"] or row["updated_at"]} for row in rows]


def hub_held(conn) -> set[str]:
    """The digests the hub said it holds in its last down-bundle."""
    try:
        return set(json.loads(meta.get_meta(conn, meta.HUB_FILES) or "[]"))
    except ValueError:
        return set()


def note_hub_files(conn, digests: Sequence[str]) -> None:
    meta.set_meta(conn, meta.HUB_FILES, json.dumps(sorted(set(digests))))


def files_to_send(db: Any, store: FileStore, held: set[str]) -> list[FileEntry]:
    """Each file a live attachment names that the hub does not hold and this home does."""
    out, seen = [], set()
    for row in attachments.live_files(db):
        digest = row["sha256"]
        if digest in seen or digest in held or not store.has(digest):
            continue
        seen.add(digest)
        out.append(FileEntry(digest, row["size"], row["type"]))
    return out


def pack_files(store: FileStore, entries: Sequence[FileEntry]) -> tuple[list[dict[str, Any]], bytes]:
    """(the index the payload carries, the files' bytes one after another)."""
    blob = bytearray()
    index = []
    for entry in entries:
        data = store.read(entry.sha256)
        index.append({"sha256": entry.sha256, "size": len(data), "type": entry.type})
        blob += data
    return index, bytes(blob)


# -- the hub: checking -----------------------------------------------------------------------------


def _bad_row(row: Any, reason: str) -> BundleRefused:
    uuid = row.get("uuid") if isinstance(row, dict) and isinstance(row.get("uuid"), str) else "?"
    return BundleRefused("err.bundle_attachment_bad", f"attachment {uuid[:64]}: {reason}", uuid=uuid[:64], reason=reason)


def _check_row(row: Any, member: str) -> dict[str, Any]:
    expected = {*attachments.COLUMNS, "sync_stamp"}
    if not isinstance(row, dict) or set(row) != expected:
        raise _bad_row(row, "unexpected or missing fields")
    for name in ("uuid", "device_id", "record_uuid"):
        if not isinstance(row[name], str) or not _UUIDISH.fullmatch(row[name]):
            raise _bad_row(row, f"{name} is malformed")
    if not isinstance(row["township"], str) or not _CODE.fullmatch(row["township"]):
        raise _bad_row(row, "township is malformed")
    if not row["township"].startswith(member):
        raise BundleRefused("err.bundle_foreign_rows", f"attachment {row['uuid']} belongs to {row['township']}, not {member}")
    for name in ("created_at", "updated_at", "sync_stamp"):
        if not is_stamp(row[name]):
            raise _bad_row(row, f"{name} is not a time stamp")
    if row["deleted_at"] is not None and not is_stamp(row["deleted_at"]):
        raise _bad_row(row, "deleted_at is not a time stamp")
    if not isinstance(row["rev"], int) or isinstance(row["rev"], bool) or not 1 <= row["rev"] < 2**31:
        raise _bad_row(row, "rev is not a positive number")
    if row["record_kind"] not in KINDS:
        raise _bad_row(row, "names no record kind")
    if not is_sha256(row["sha256"]):
        raise _bad_row(row, "sha256 is malformed")
    if not isinstance(row["size"], int) or isinstance(row["size"], bool) or not 0 <= row["size"] < 2**40:
        raise _bad_row(row, "size is malformed")
    if row["type"] not in TYPES:
        raise _bad_row(row, t("err.file_type"))
    name = clean_file_name(clean_text(row["name"])) if isinstance(row["name"], str) else None
    if name is None or name != row["name"].strip()[:120]:
        raise _bad_row(row, t("err.file_name"))
    if not name_fits(name, row["type"]):
        raise _bad_row(row, t("err.file_name_type", type=TYPES[row["type"]][0]))
    if not isinstance(row["caption"], str) or len(row["caption"]) > CAPTION_LIMIT:
        raise _bad_row(row, "caption is not text of a sane length")
    return {**row, "name": name, "caption": clean_text(row["caption"])}


def check_files_index(index: Any, blob: bytes | None, limit: int) -> dict[str, bytes]:
    """The files of a bundle, each checked: digest, size within ``limit``, allowed type by
    content and the type the index names. ``blob``: the opened ``files.bin``."""
    if index is None:
        index = []
    if not isinstance(index, list) or len(index) > MAX_FILES_PER_BUNDLE:
        raise BundleRefused("err.bundle_damaged", "file index is malformed")
    blob = blob or b""
    files: dict[str, bytes] = {}
    offset = 0
    for entry in index:
        if not isinstance(entry, dict) or set(entry) != {"sha256", "size", "type"} or not is_sha256(entry["sha256"]):
            raise BundleRefused("err.bundle_damaged", "file index entry is malformed")
        size = entry["size"]
        if not isinstance(size, int) or isinstance(size, bool) or size < 0 or offset + size > len(blob):
            raise BundleRefused("err.bundle_damaged", "file index does not match the files")
        name = entry["sha256"][:12]
        if size > limit:
            raise BundleRefused("err.bundle_file_bad", f"file {name} is {size} bytes, over {limit}", name=name,
                                reason=t("err.file_too_big", name=name, size=size, limit=limit))
        data = blob[offset : offset + size]
        offset += size
        if sha256_hex(data) != entry["sha256"]:
            raise BundleRefused("err.bundle_file_tampered", f"file {name} does not match its digest")
        try:
            kind = sniff(data)
        except FileTypeRefused as exc:
            raise BundleRefused("err.bundle_file_bad", f"file {name}: {exc.detail}", name=name, reason=t(exc.key)) from exc
        if kind != entry["type"]:
            raise BundleRefused("err.bundle_file_bad", f"file {name} is {kind}, not {entry['type']}", name=name,
                                reason=t("err.file_name_type", type=TYPES[kind][0]))
        files[entry["sha256"]] = data
    if offset != len(blob):
        raise BundleRefused("err.bundle_damaged", "files.bin holds bytes no index entry names")
    return files


def decode_evidence(data: Mapping[str, Any], blob: bytes | None, member: str, limit: int) -> Carried:
    """The checked attachment rows and files of a bundle's payload."""
    rows = data.get("attachments", [])
    if not isinstance(rows, list) or len(rows) > MAX_ATTACHMENTS:
        raise BundleRefused("err.bundle_damaged", "attachments are malformed")
    checked = [_check_row(row, member) for row in rows]
    files = check_files_index(data.get("files"), blob, limit)
    for row in checked:
        data_of = files.get(row["sha256"])
        if data_of is not None and len(data_of) != row["size"]:
            raise _bad_row(row, "size differs from its file")
        if data_of is not None and sniff(data_of) != row["type"]:
            raise _bad_row(row, t("err.file_name_type", type=TYPES[sniff(data_of)][0]))
    return Carried(checked, files)


# -- the hub: writing ------------------------------------------------------------------------------


def merge_attachments(db: Any, carried: Carried, *, now: str, limit: str, operator: str, hub_device: str, version: int) -> tuple[int, int, list[dict]]:
    """Take the newer version of each attachment row (write stamp, revision, device), after
    checking the record it names is one of the same township's. Returns (added, changed,
    audit rows) — the caller writes the audit rows with the bundle's."""
    held = attachments.held_attachments(db, [row["uuid"] for row in carried.rows])
    taken, audit, added, changed = [], [], 0, 0
    for row in carried.rows:
        record = read_record(db, row["record_kind"], row["record_uuid"])
        if record is None or record["township"] != row["township"]:
            raise _bad_row(row, "names a record of another township, or none")
        row = dict(row)
        for name in ("created_at", "updated_at", "deleted_at"):
            if row[name] is not None and row[name] > limit:
                row[name] = now
        stamp = min(row["sync_stamp"], now)
        current = held.get(row["uuid"])
        content = {c: row[c] for c in attachments.COLUMNS}
        if current is not None:
            if current["township"] != row["township"]:
                raise BundleRefused("err.bundle_foreign_rows", f"attachment {row['uuid']} already belongs to {current['township']}")
            old = {c: current[c] for c in attachments.COLUMNS}
            if old == content or (stamp, row["rev"], row["device_id"]) <= (current["sync_stamp"] or current["updated_at"], current["rev"], current["device_id"]):
                continue
            action = "delete" if old["deleted_at"] is None and content["deleted_at"] is not None else "update"
            audit.append(audit_row(now, operator, hub_device, attachments.TABLE, row["uuid"], action,
                                   {c: [old[c], content[c]] for c in attachments.COLUMNS if old[c] != content[c]}))
            changed += 1
        else:
            audit.append(audit_row(now, operator, hub_device, attachments.TABLE, row["uuid"],
                                   "delete" if content["deleted_at"] else "insert",
                                   {c: [None, content[c]] for c in attachments.FILE_COLUMNS}))
            added += 1
        held[row["uuid"]] = {**content, "sync_stamp": stamp}
        taken.append({**content, "sync_stamp": stamp, "sync_version": version})
    attachments.save_attachments(db, taken)
    return added, changed, audit


def keep_files(store: FileStore, files: Mapping[str, bytes]) -> int:
    """Store each file by its digest; how many were new (a re-import copies nothing)."""
    return sum(store.put(data, digest)[1] for digest, data in files.items())


def held_digests(db: Any, store: FileStore, member: str) -> list[str]:
    """The digests of the files the hub holds for ``member``'s attachments (its down-bundle's list)."""
    return [digest for digest in attachments.member_digests(db, member) if store.has(digest)]
