"""The ``export_log`` table (a township's side of sync): every up-bundle this device wrote,
by its number."""

from __future__ import annotations

import sqlite3
from typing import Any

__all__ = ["next_seq", "max_version_of", "logged_seqs", "log_export", "unlog_export", "forget_exports"]


def next_seq(conn: sqlite3.Connection) -> int:
    """The number the next up-bundle takes (1 for the first)."""
    return (conn.execute("SELECT max(seq) FROM export_log").fetchone()[0] or 0) + 1


def max_version_of(conn: sqlite3.Connection, seq: int) -> int | None:
    """The highest change number bundle ``seq`` carried; None if no such bundle is logged."""
    row = conn.execute("SELECT max_version FROM export_log WHERE seq = ?", (seq,)).fetchone()
    return None if row is None else row[0]


def logged_seqs(conn: sqlite3.Connection) -> list[int]:
    return [row[0] for row in conn.execute("SELECT seq FROM export_log ORDER BY seq")]


def log_export(db: Any, row: dict[str, Any]) -> None:
    """Log a bundle: seq, bundle_id, created_at, since_seq, max_version, records, file_name."""
    db.table("export_log").insert(row)


def unlog_export(conn: sqlite3.Connection, seq: int, bundle_id: str) -> None:
    """Forget a bundle whose file never took its name (its number is used again)."""
    conn.execute("DELETE FROM export_log WHERE seq = ? AND bundle_id = ?", (seq, bundle_id))


def forget_exports(conn: sqlite3.Connection) -> None:
    """Forget every bundle logged (a database found rolled back goes on as a new device)."""
    conn.execute("DELETE FROM export_log")
