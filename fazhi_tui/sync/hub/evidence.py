"""Evidence files arriving at the hub (see sync/evidence.py for the format).

Each step is apart from the records' merge: decoding checks every attachment row and every
file before the transaction; the rows are merged inside it (after the records, whose
townships they must share); the files are stored by their digest last, when the import is
not a dry run (a file already held is not copied again). A further part of an export split
across sticks carries files only and is taken in any order.
"""

from __future__ import annotations

from typing import Any

from fazhi_tui.base.config import Config
from fazhi_tui.base.filestore import FileStore
from fazhi_tui.base.paths import Home
from fazhi_tui.storage.records import add_audit_rows
from fazhi_tui.storage.store import Store
from fazhi_tui.sync import crypto
from fazhi_tui.sync.bundle import MAX_EXPANSION_RATIO, payload_json
from fazhi_tui.sync.errors import BundleRefused
from fazhi_tui.sync.evidence import Carried, check_files_index, decode_evidence, keep_files, merge_attachments
from fazhi_tui.sync.hub.common import hub_now, stamp_limit

__all__ = ["EVIDENCE_KEYS", "decode_bundle_evidence", "merge_bundle_evidence", "keep_bundle_files", "import_files_part"]

EVIDENCE_KEYS = ("attachments", "files")


def _open_files(box, manifest, sealed_files: bytes | None) -> bytes | None:
    if sealed_files is None:
        return None
    try:
        return crypto.unseal(box, sealed_files, f"{manifest['bundle_id']}/files".encode("ascii"))
    except crypto.CryptoError as exc:
        raise BundleRefused("err.bundle_tampered", "evidence files do not decrypt with this hub's key") from exc


def decode_bundle_evidence(config: Config, box, manifest, payload: dict[str, Any], sealed_files: bytes | None) -> Carried:
    """The bundle's attachment rows and files, every one checked (nothing is written)."""
    if sealed_files is None and not payload.get("attachments") and not payload.get("files"):
        return Carried()
    return decode_evidence(payload, _open_files(box, manifest, sealed_files), manifest["member"], config.evidence.max_file_bytes)


def merge_bundle_evidence(store: Store, conn, manifest, carried: Carried, outcome) -> None:
    """Merge the attachment rows, inside the import's transaction (after the records)."""
    if not carried.rows:
        return
    now = hub_now(store, conn)
    version = store.next_change_number(conn)
    operator = f"bundle:{manifest['member']}/{manifest['device_id']}/{manifest['bundle_id']}"
    _added, _changed, audit = merge_attachments(
        store.db, carried, now=now, limit=stamp_limit(now), operator=operator, hub_device=store.device_id, version=version
    )
    add_audit_rows(store.db, audit)


def keep_bundle_files(home: Home, carried: Carried, outcome) -> None:
    """Store the files by digest (a re-import copies nothing)."""
    new = keep_files(FileStore(home.files), carried.files)
    outcome.files_new += new
    outcome.files_held += len(carried.files) - new


def import_files_part(home: Home, config: Config, box, manifest, sealed: bytes, sealed_files: bytes | None, outcome, *, dry_run: bool) -> None:
    """A further part of a split export (its sender's signature already checked): files only."""
    try:
        plain = crypto.unseal(box, sealed, manifest["bundle_id"].encode("ascii"))
    except crypto.CryptoError as exc:
        raise BundleRefused("err.bundle_tampered", "payload does not decrypt with this hub's key") from exc
    data = payload_json(plain, ratio=MAX_EXPANSION_RATIO)
    if not isinstance(data, dict) or set(data) - {"records", "files"} or data.get("records") != {} or any(manifest["counts"].values()):
        raise BundleRefused("err.bundle_damaged", "a further part carries records")
    files = check_files_index(data.get("files"), _open_files(box, manifest, sealed_files), config.evidence.max_file_bytes)
    store = FileStore(home.files)
    if dry_run:
        outcome.files_held = sum(store.has(digest) for digest in files)
        outcome.files_new = len(files) - outcome.files_held
    else:
        keep_bundle_files(home, Carried(files=files), outcome)
    outcome.verdict = "imported" if outcome.files_new else "already"
