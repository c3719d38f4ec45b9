"""Publishing at the hub: one signed down-bundle per member, with its catalog, the rule
set and which of its bundles the hub holds (the confirmations)."""

from __future__ import annotations

import logging
import uuid as uuid_module
from pathlib import Path

from fazhi_tui.base.config import Config
from fazhi_tui.base.filestore import FileStore
from fazhi_tui.base.paths import Home
from fazhi_tui.domain.checklist import RuleFileError, load_rules
from fazhi_tui.storage import hub_store
from fazhi_tui.storage.backups import backup_before
from fazhi_tui.storage.database import latest_version
from fazhi_tui.storage.store import Store
from fazhi_tui.sync.bundle import SUFFIX, payload_bytes, write_bundle
from fazhi_tui.sync.errors import SyncError
from fazhi_tui.sync.evidence import held_digests
from fazhi_tui.sync.hub.common import hub_config, hub_now, owner_only
from fazhi_tui.sync.keys import load_hub_keys

__all__ = ["publish"]

log = logging.getLogger(__name__)


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
        members = hub_store.member_codes(conn)
        if not members:
            raise SyncError("err.nothing_to_publish", "no member enrolled yet")
        # The hub's own clock: no stamp a member sent (a township PC set to 2099) can reach
        # another member's down-bundle, nor move its clock.
        created_at = hub_now(store, conn)
        for member in members:
            seq = hub_store.next_publish_seq(conn, member)
            payload = {
                "hub_time": created_at,
                "confirm": hub_store.bundles_held(conn, member),
                "rules": rules_text,
                "catalog": hub_store.catalog_for(conn, member) if hub.level == "county" else [],
            }
            held_files = held_digests(store.db, FileStore(home.files), member)
            if held_files:  # the evidence files the hub holds: the member sends only the others
                payload["files"] = held_files
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
            hub_store.save_published(store.db, member, seq, created_at)
            written.append(path)
    owner_only(home)
    log.info("published %d down-bundles to %s", len(written), to_dir)
    return written
