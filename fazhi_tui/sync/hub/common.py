"""What the hub's jobs share: the hub's configuration, its archive folder, its own clock
and keeping its files to its owner."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path

from fazhi_tui.base.config import Config
from fazhi_tui.base.paths import Home
from fazhi_tui.storage import hub_store, meta
from fazhi_tui.storage.store import STAMP_FORMAT, Store, stamp_after
from fazhi_tui.sync.errors import SyncError

__all__ = ["hub_config", "archive_dir", "archive_folder", "hub_now", "stamp_limit", "owner_only", "STAMP_TOLERANCE"]

# how far a member's time stamp may be ahead of the hub's clock before it is set back
# (clocks a few minutes apart are normal; a PC set to local time as UTC is 8 hours ahead)
STAMP_TOLERANCE = dt.timedelta(minutes=10)


def hub_config(config: Config | None) -> Config:
    if config is None or config.hub is None:
        raise SyncError("err.not_a_hub", "this home is not a hub: run `fazhi-tui hub init` first")
    return config


def archive_dir(home: Home) -> Path:
    """Where the hub keeps every bundle it imported, a folder per member."""
    return home.data_dir / "archive"


def _valid(stamp: str | None) -> str:
    try:
        dt.datetime.strptime(stamp or "", STAMP_FORMAT)
    except ValueError:
        return ""
    return stamp if stamp < "9999-12-31" else ""  # type: ignore[operator]


def hub_now(store: Store, conn: sqlite3.Connection) -> str:
    """Tick the hub's clock (meta ``hub_clock``), inside the caller's transaction: the PC's
    time, but never earlier than (or equal to) a time the hub used before, so a hub PC
    whose clock falls back to 2009 never stamps an import before the one it already holds.
    Only the PC's clock moves it: no stamp a member sends does."""
    floor = _valid(meta.get_meta(conn, meta.HUB_CLOCK)) or _valid(hub_store.newest_import(conn))
    wall = store.clock()
    now = wall if wall > floor else stamp_after(floor)
    meta.set_meta(conn, meta.HUB_CLOCK, now)
    return now


def stamp_limit(now: str) -> str:
    """The latest stamp a member may send when the hub's time is ``now``."""
    moment = dt.datetime.strptime(now, STAMP_FORMAT) + STAMP_TOLERANCE
    return moment.strftime(STAMP_FORMAT)


def owner_only(home: Home) -> None:
    """The hub's database, keys, backups and archive: readable by the owner only (POSIX;
    elsewhere the folder's own permissions apply). Files in the archive are written 0600
    in folders made 0700 (:func:`archive_folder`); the folders above are set here."""
    if os.name != "posix":
        return
    for folder in (home.data_dir, home.keys, home.backups, archive_dir(home)):
        _chmod(folder, 0o700)
    for folder in (home.keys, home.backups):
        if folder.is_dir() and not folder.is_symlink():
            for entry in folder.iterdir():
                if entry.is_file() and not entry.is_symlink():
                    _chmod(entry, 0o600)
    for suffix in ("", "-wal", "-shm", "-journal"):
        _chmod(Path(f"{home.database}{suffix}"), 0o600)


def archive_folder(home: Home, member: str) -> Path:
    """The member's archive folder, made owner-only."""
    folder = archive_dir(home) / member
    folder.mkdir(parents=True, exist_ok=True)
    if os.name == "posix":
        _chmod(archive_dir(home), 0o700)
        _chmod(folder, 0o700)
    return folder


def _chmod(path: Path, mode: int) -> None:
    try:
        if path.exists() and not path.is_symlink():
            path.chmod(mode)
    except OSError:
        pass
