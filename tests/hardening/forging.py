"""Validly signed hostile bundles: what a township that controls its own PC can send.

The attacker holds a real enrolment (its device key is bound at the hub, or it still has
the unused secret), so the signature, the proof and the seal are all genuine; only the
content is hostile.
"""

from __future__ import annotations

import json
import uuid as uuid_module
import zlib
from pathlib import Path
from typing import Any

from fazhi_tui.sync import crypto
from fazhi_tui.sync.bundle import MEMBERS, payload_bytes, write_bundle
from fazhi_tui.sync.container import read_container
from fazhi_tui.sync.keys import load_device_key, load_enrolment, load_hub_keys
from tests.sync.util import Office


def opened(hub_office: Office, path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """(manifest, payload JSON) of an up-bundle, opened with the hub's key."""
    members = read_container(path, MEMBERS)
    manifest = json.loads(members["manifest.json"])
    keys = load_hub_keys(hub_office.home)
    plain = crypto.unseal(keys.box, members["payload.bin"], manifest["bundle_id"].encode("ascii"))
    return manifest, json.loads(zlib.decompress(plain))


def signed(hub_office: Office, sender: Office, manifest: dict[str, Any], payload: Any, path: Path, *,
           plain: bytes | None = None, fresh_id: bool = True, fix_counts: bool = True) -> Path:
    """Seal ``payload`` to the hub and sign ``manifest`` with ``sender``'s real device key."""
    manifest = json.loads(json.dumps(manifest))
    if fresh_id:
        manifest["bundle_id"] = str(uuid_module.uuid4())
    if fix_counts and isinstance(payload, dict) and isinstance(payload.get("records"), dict):
        manifest["counts"] = {k: len(v) for k, v in payload["records"].items() if isinstance(v, list)}
    box = crypto.public_box_bytes(load_hub_keys(hub_office.home).box)
    sealed = crypto.seal(box, plain if plain is not None else payload_bytes(payload), manifest["bundle_id"].encode("ascii"))
    path.parent.mkdir(parents=True, exist_ok=True)
    write_bundle(path, manifest, sealed, load_device_key(sender.home))
    return path


def reproved(sender: Office, manifest: dict[str, Any], device_id: str) -> dict[str, Any]:
    """``manifest`` for another device id of ``sender``, with its proof made again."""
    enrolment = load_enrolment(sender.home)
    public = crypto.public_signing_bytes(load_device_key(sender.home))
    proof = crypto.enrolment_proof(crypto.unb64(enrolment.secret), public, device_id)
    return {**manifest, "device_id": device_id, "proof": proof}
