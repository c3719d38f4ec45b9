"""The member's side of sync (a township, or a county under a city): taking the enrolment
file, and importing the hub's down-bundle.

A down-bundle is signed by the hub the office is enrolled with and addressed to this
office. It carries the delegated-items catalog the county decided for it (added to the
office's list, or updating an item of the same code while keeping the office's own
status, staff and notes), the checklist rule set, and which up-bundles the hub holds,
so the next up-bundle carries only what is new.

The catalog is the county's whole list for the office. An item an earlier down-bundle
brought that this one no longer carries has been taken back by the county: it is marked
withdrawn (收回), with the reason and the date, never deleted (the office may hold records
against it), so the T41 rule counts it as explained. Should the county list it again, it
is back to "taking on" — unless the clerk has changed its status since. Items the office
entered itself are never touched.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fazhi_tui.base.config import Config
from fazhi_tui.base.files import atomic_write_text
from fazhi_tui.base.filestore import is_sha256
from fazhi_tui.base.paths import Home
from fazhi_tui.base.text import clean_text
from fazhi_tui.domain.checklist import RuleFileError, load_rules
from fazhi_tui.domain.kinds import CHOICES, KINDS
from fazhi_tui.domain.reasons import CATALOG_WITHDRAWN, reason_code
from fazhi_tui.storage import meta
from fazhi_tui.storage.backups import backup_before
from fazhi_tui.storage.export_log import logged_seqs
from fazhi_tui.storage.hub_store import CATALOG_FIELDS
from fazhi_tui.storage.records import live_item_by_code
from fazhi_tui.storage.store import Actor, Store
from fazhi_tui.sync import crypto
from fazhi_tui.sync.bundle import payload_json, read_signed
from fazhi_tui.sync.errors import BundleRefused, SyncError
from fazhi_tui.sync.evidence import note_hub_files
from fazhi_tui.sync.keys import MAX_ENROLMENT_BYTES, ensure_device_key, load_enrolment, parse_enrolment, save_enrolment

__all__ = ["enroll", "import_down", "DownOutcome"]

log = logging.getLogger(__name__)

MAX_RULES_TEXT = 1024 * 1024


def enroll(home: Home, config: Config, path: Path, *, replace: bool = False) -> Any:
    """Load the enrolment file the hub wrote for this office.

    An enrolment made by another hub's key than the one this office is enrolled with
    (anyone can run a hub and write an enrolment file) is refused, naming the hub held and
    the hub offered, unless ``replace``: the clerk confirmed the move."""
    try:
        if not path.is_file():
            raise SyncError("err.bundle_not_file", f"{path.name} is not a regular file")
        if path.stat().st_size > MAX_ENROLMENT_BYTES:
            raise SyncError("err.enrolment_invalid", f"{path.name} is too large")
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise SyncError("err.bundle_unreadable", f"cannot read {path}: {exc}") from exc
    enrolment = parse_enrolment(text)
    if enrolment.member_code != config.office_code:
        raise SyncError(
            "err.enrolment_other_member",
            f"enrolment is for {enrolment.member_code}, this office is {config.office_code}",
            code=enrolment.member_code,
        )
    held = load_enrolment(home)
    if held is not None and held.hub_signing_key != enrolment.hub_signing_key and not replace:
        old, new = f"{held.hub_name}（{held.hub_code}）", f"{enrolment.hub_name}（{enrolment.hub_code}）"
        raise SyncError(
            "err.enrolment_other_county", f"enrolled with {held.hub_code} ({held.hub_signing_key}); offered {enrolment.hub_code}"
            f" ({enrolment.hub_signing_key})", old=clean_text(old), new=clean_text(new),
        )
    ensure_device_key(home)
    save_enrolment(home, enrolment)
    log.info("enrolled with hub %s (%s), generation %s, from %s", enrolment.hub_code, enrolment.hub_name, enrolment.generation, path)
    return enrolment


@dataclass
class DownOutcome:
    path: Path
    verdict: str  # "imported" | "already" | "refused"
    catalog_added: int = 0
    catalog_updated: int = 0
    catalog_withdrawn: int = 0
    confirmed_seq: int = 0
    rules: bool = False
    error: BundleRefused | None = None


def _check_catalog(items: Any) -> list[dict[str, str]]:
    if not isinstance(items, list) or len(items) > 100000:
        raise BundleRefused("err.bundle_damaged", "catalog is not a list")
    out = []
    for index, item in enumerate(items):
        if not isinstance(item, dict) or set(item) != set(CATALOG_FIELDS):
            raise BundleRefused("err.bundle_damaged", f"catalog item {index} has unexpected fields")
        if not all(isinstance(item[k], str) and len(item[k]) <= 2000 for k in CATALOG_FIELDS) or not item["code"] or not item["name"]:
            raise BundleRefused("err.bundle_damaged", f"catalog item {index} is malformed")
        if item["power_type"] not in CHOICES["power_type"] or item["mode"] not in CHOICES["mode"]:
            raise BundleRefused("err.bundle_damaged", f"catalog item {index} has an unknown code")
        # The one rule for text (base/text.py): the county's catalog is stored clean too.
        out.append({k: clean_text(item[k], multiline=k == "legal_basis") for k in CATALOG_FIELDS})
    return out


def _check_confirm(confirm: Any) -> dict[str, list[int]]:
    if not isinstance(confirm, dict):
        raise BundleRefused("err.bundle_damaged", "confirmations are malformed")
    for device, seqs in confirm.items():
        if not isinstance(seqs, list) or not all(isinstance(s, int) and not isinstance(s, bool) and s > 0 for s in seqs):
            raise BundleRefused("err.bundle_damaged", f"confirmations of {device} are malformed")
    return confirm


def _apply_catalog(store: Store, conn, catalog: list[dict[str, str]], actor: Actor, day: str, outcome: DownOutcome) -> None:
    """Add and update the catalog's items; mark withdrawn those the county no longer lists
    (see the module's text). Meta ``catalog_codes``: the codes of the last catalog received;
    ``catalog_withdrawn``: the codes this office marked withdrawn because of it."""
    items = KINDS["delegated_item"]
    previous = set(json.loads(meta.get_meta(conn, meta.CATALOG_CODES) or "[]"))
    withdrawn = set(json.loads(meta.get_meta(conn, meta.CATALOG_WITHDRAWN) or "[]"))
    current = {item["code"] for item in catalog}
    for item in catalog:
        existing = live_item_by_code(conn, item["code"])
        if existing is None:
            store.insert(items, {**item, "status": "taking", "staff": [], "notes": ""}, actor)
            outcome.catalog_added += 1
            continue
        values: dict[str, Any] = dict(item)
        if item["code"] in withdrawn and existing["status"] == "withdrawn":
            values.update(status="taking", status_reason="")  # listed again by the county
        if store.update(items, existing["uuid"], values, actor):
            outcome.catalog_updated += 1
    withdrawn -= current  # listed again: no longer withdrawn by the county
    for code in sorted(previous - current):
        existing = live_item_by_code(conn, code)
        if existing is None or existing["status"] == "withdrawn":
            continue
        reason = reason_code(CATALOG_WITHDRAWN, day)  # a code: shown in words, in the reader's language
        store.update(items, existing["uuid"], {"status": "withdrawn", "status_reason": reason}, actor)
        withdrawn.add(code)
        outcome.catalog_withdrawn += 1
    meta.set_meta(conn, meta.CATALOG_CODES, json.dumps(sorted(current), ensure_ascii=False))
    meta.set_meta(conn, meta.CATALOG_WITHDRAWN, json.dumps(sorted(withdrawn), ensure_ascii=False))


def import_down(home: Home, config: Config, store: Store, path: Path) -> DownOutcome:
    """Verify and apply one down-bundle, all or nothing."""
    outcome = DownOutcome(path=path, verdict="refused")
    backup_before(home, "import", conn=store.conn)  # one covers a run of files
    try:
        enrolment = load_enrolment(home)
        if enrolment is None:
            raise SyncError("err.not_enrolled", "no enrolment: load the hub's enrolment file first")
        manifest, manifest_bytes, signature, payload = read_signed(path, "down")
        if manifest["member"] != config.office_code:
            raise BundleRefused(
                "err.bundle_other_member", f"made for {manifest['member']}, this office is {config.office_code}", code=manifest["member"]
            )
        if manifest["hub"] != enrolment.hub_code:
            raise BundleRefused("err.bundle_other_hub", f"made by hub {manifest['hub']}", code=manifest["hub"])
        try:
            crypto.verify(crypto.unb64(enrolment.hub_signing_key), signature, manifest_bytes)
        except crypto.CryptoError as exc:
            raise BundleRefused("err.bundle_tampered", "hub signature does not verify") from exc
        data = payload_json(payload)
        if not isinstance(data, dict) or set(data) - {"files"} != {"hub_time", "confirm", "rules", "catalog"}:
            raise BundleRefused("err.bundle_damaged", "payload has an unexpected shape")
        catalog = _check_catalog(data["catalog"])
        confirm = _check_confirm(data["confirm"])
        rules_text = data["rules"]
        hub_files = data.get("files", [])
        if not isinstance(hub_files, list) or len(hub_files) > 10**6 or not all(is_sha256(d) for d in hub_files):
            raise BundleRefused("err.bundle_damaged", "the hub's list of evidence files is malformed")
        if rules_text is not None:
            if not isinstance(rules_text, str) or len(rules_text) > MAX_RULES_TEXT:
                raise BundleRefused("err.bundle_damaged", "rules are malformed")
            try:
                load_rules(rules_text)
            except RuleFileError as exc:
                raise BundleRefused("err.bundle_damaged", f"rules refused: {exc}") from exc
        actor = Actor(config.operator or enrolment.hub_name, config.office_code)
        with store.transaction() as conn:
            done = int(meta.get_meta(conn, meta.DOWN_SEQ) or 0)
            if manifest["seq"] <= done:
                outcome.verdict = "already"
                return outcome
            held = set(confirm.get(store.device_id, []))
            confirmed = max((s for s in logged_seqs(conn) if s in held), default=0)
            if confirmed > int(meta.get_meta(conn, meta.CONFIRMED_SEQ) or 0):
                meta.set_meta(conn, meta.CONFIRMED_SEQ, str(confirmed))
            outcome.confirmed_seq = confirmed
            store.observe_stamp(conn, manifest["created_at"])
            _apply_catalog(store, conn, catalog, actor, manifest["created_at"][:10], outcome)
            note_hub_files(conn, hub_files)
            meta.set_meta(conn, meta.DOWN_SEQ, str(manifest["seq"]))
            if rules_text is not None:
                atomic_write_text(home.rules, rules_text)
                outcome.rules = True
        outcome.verdict = "imported"
    except BundleRefused as exc:
        outcome.error = exc
    log.info("import %s: %s %s", path, outcome.verdict, outcome.error or "")
    return outcome
