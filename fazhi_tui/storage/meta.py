"""The ``meta`` table: one value per key, the database's own settings and counters.

Every key the program uses is named here (schema.sql lists them with their meaning);
values are text, numbers and lists are written as text by the callers.
"""

from __future__ import annotations

import sqlite3

__all__ = [
    "DEVICE_ID",
    "HLC",
    "SYNC_VERSION",
    "CONFIRMED_SEQ",
    "DOWN_SEQ",
    "CATALOG_CODES",
    "CATALOG_WITHDRAWN",
    "HUB_CLOCK",
    "HUB_FILES",
    "KEYS",
    "DEVICE_KEYS",
    "get_meta",
    "set_meta",
    "add_meta",
    "forget_meta",
]

DEVICE_ID = "device_id"  # this database's device id (hex uuid), written once
HLC = "hlc"  # the newest write stamp this database has seen (hybrid logical clock)
SYNC_VERSION = "sync_version"  # the change counter: the number of the last local write
CONFIRMED_SEQ = "confirmed_seq"  # township: the newest own up-bundle the hub confirmed holding
DOWN_SEQ = "down_seq"  # township: the number of the last down-bundle imported
CATALOG_CODES = "catalog_codes"  # township: JSON list of the codes of the last catalog received
CATALOG_WITHDRAWN = "catalog_withdrawn"  # township: JSON list of codes marked withdrawn by it
HUB_CLOCK = "hub_clock"  # hub: the newest time the hub itself used (imports, publishing): its own
# hybrid logical clock, moved by its PC's clock only, never by a stamp a member sent
HUB_FILES = "hub_files"  # township: JSON list of the SHA-256 of the evidence files the hub holds

KEYS = (DEVICE_ID, HLC, SYNC_VERSION, CONFIRMED_SEQ, DOWN_SEQ, CATALOG_CODES, CATALOG_WITHDRAWN, HUB_CLOCK, HUB_FILES)
# what a database restored from a backup forgets: it goes on as a new device
DEVICE_KEYS = (DEVICE_ID, CONFIRMED_SEQ, DOWN_SEQ)


def get_meta(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))


def add_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    """Set ``key`` unless it already holds a value (the first writer wins)."""
    conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", (key, value))


def forget_meta(conn: sqlite3.Connection, keys: tuple[str, ...]) -> None:
    conn.execute(f"DELETE FROM meta WHERE key IN ({', '.join('?' for _ in keys)})", keys)
