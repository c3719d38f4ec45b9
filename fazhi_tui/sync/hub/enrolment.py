"""Enrolling a member office at the hub: its one-time secret, written into an enrolment file."""

from __future__ import annotations

from pathlib import Path

from fazhi_tui.base.config import Config
from fazhi_tui.base.files import atomic_write_bytes
from fazhi_tui.base.paths import Home
from fazhi_tui.storage import hub_store
from fazhi_tui.storage.store import Store
from fazhi_tui.sync import crypto
from fazhi_tui.sync.errors import SyncError
from fazhi_tui.sync.files import free_name
from fazhi_tui.sync.hub.common import hub_config, owner_only
from fazhi_tui.sync.keys import Enrolment, create_hub_keys

__all__ = ["enroll_member"]


def enroll_member(
    home: Home, config: Config, store: Store, code: str, name: str, to_dir: Path, *, another_device: bool = False
) -> tuple[Path, int]:
    """Enrol (or re-enrol) a member office: write its enrolment file into ``to_dir``.

    Each enrolment file carries a one-time secret: the first bundle of a device that
    proves it binds that device's key, and the secret is cleared (a second PC needs a file
    of its own). Re-enrolling bumps the generation: bundles signed by devices of an
    earlier enrolment are refused from then on, and secrets not yet used are void.
    ``another_device``: one more PC of an enrolled member, under the same generation (the
    PCs already bound stay so); the name of the file then says which enrolment it is.
    """
    hub = hub_config(config).hub
    if not to_dir.is_dir():
        raise SyncError("err.export_no_folder", f"{to_dir} is not a folder", path=str(to_dir))
    keys = create_hub_keys(home)
    secret = crypto.b64(crypto.new_secret())
    with store.transaction() as conn:
        current = hub_store.member_generation(conn, code)
        now = store.clock()
        if another_device and current:
            generation = current
            hub_store.add_secret(conn, code, secret)
        else:
            generation = current + 1
            hub_store.save_member(store.db, code, name, generation, secret, now)
        enrolment = Enrolment(
            hub_level=hub.level,
            hub_code=hub.code,
            hub_name=hub.name,
            hub_signing_key=keys.signing_public,
            hub_box_key=keys.box_public,
            member_code=code,
            member_name=name,
            generation=generation,
            secret=secret,
            issued_at=now,
        )
        path = to_dir / f"fazhi-enrol-{code}.json"
        if another_device and current:
            path = free_name(to_dir, f"fazhi-enrol-{code}-device", ".json")
        atomic_write_bytes(path, enrolment.to_json().encode("utf-8"), mode=0o600)
    owner_only(home)
    return path, generation
