"""Opening the database: connection settings, numbered migrations from schema.sql, backups."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

__all__ = [
    "Migration",
    "DatabaseError",
    "DatabaseBusy",
    "DatabaseTooNew",
    "DatabaseCorrupt",
    "DatabaseConflict",
    "load_migrations",
    "connect",
    "open_database",
    "backup_database",
    "latest_version",
]

_MARKER = re.compile(r"^-- migration (\d+):\s*(.*)$", re.MULTILINE)
BUSY_TIMEOUT_MS = 5000
KEEP_BACKUPS = 20


class DatabaseError(Exception):
    """A problem with the database file the user must be told about (``key`` is an i18n key)."""

    key = "err.db_generic"

    def __init__(self, path: Path | str, detail: str = "") -> None:
        super().__init__(f"{path}: {detail}" if detail else str(path))
        self.path = str(path)
        self.detail = detail


class DatabaseBusy(DatabaseError):
    key = "err.db_busy"


class DatabaseTooNew(DatabaseError):
    key = "err.db_too_new"


class DatabaseCorrupt(DatabaseError):
    key = "err.db_corrupt"


class DatabaseConflict(DatabaseError):
    """A write broke a constraint: e.g. another program saved the same number first."""

    key = "err.db_conflict"


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    sql: str


def _schema_text() -> str:
    """schema.sql: inside the installed package, or at the repository top in a checkout."""
    packaged = resources.files("fazhi_tui").joinpath("schema.sql")
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    checkout = Path(__file__).resolve().parents[2] / "schema.sql"
    return checkout.read_text(encoding="utf-8")


def load_migrations(text: str | None = None) -> list[Migration]:
    """Split schema.sql into its numbered migrations (1, 2, 3, … with no gaps)."""
    text = _schema_text() if text is None else text
    marks = list(_MARKER.finditer(text))
    migrations = []
    for i, mark in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        migrations.append(Migration(int(mark.group(1)), mark.group(2).strip(), text[mark.end() : end]))
    versions = [m.version for m in migrations]
    if versions != list(range(1, len(versions) + 1)):
        raise ValueError(f"schema.sql migrations must be numbered 1..n in order, found {versions}")
    return migrations


def latest_version() -> int:
    return len(load_migrations())


def connect(path: Path | str) -> sqlite3.Connection:
    """A connection with the settings every part of the program relies on.

    Autocommit mode (``isolation_level=None``): transactions are opened explicitly with
    ``BEGIN IMMEDIATE`` so a writer takes the lock up front and waits (busy timeout)
    instead of failing half way.
    """
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000)
    conn.row_factory = sqlite3.Row
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # Refuse a file from a newer program before changing anything in it (the journal mode).
        current = conn.execute("PRAGMA user_version").fetchone()[0]
        if current > latest_version():
            conn.close()
            raise DatabaseTooNew(path, f"user_version {current} > {latest_version()}")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise _classify(path, exc) from exc
    if str(mode).lower() != "wal":  # e.g. a file system that cannot hold the WAL index
        conn.execute("PRAGMA synchronous = FULL")
    return conn


def _classify(path: Path | str, exc: sqlite3.Error) -> DatabaseError:
    if isinstance(exc, sqlite3.IntegrityError):
        return DatabaseConflict(path, str(exc))
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return DatabaseBusy(path, str(exc))
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return DatabaseCorrupt(path, str(exc))
    return DatabaseError(path, str(exc))


def backup_database(conn: sqlite3.Connection, backup_dir: Path, reason: str) -> Path:
    """Copy the live database (consistent snapshot via the SQLite backup API) into ``backup_dir``."""
    backup_dir.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = backup_dir / f"fazhi-{stamp}-{reason}.db"
    partial = target.with_suffix(".db.tmp")
    dest = sqlite3.connect(str(partial))
    try:
        conn.backup(dest)
    finally:
        dest.close()
    partial.replace(target)
    old = sorted(backup_dir.glob("fazhi-*.db"))
    for stale in old[:-KEEP_BACKUPS]:
        stale.unlink(missing_ok=True)
    return target


def open_database(path: Path, backup_dir: Path) -> sqlite3.Connection:
    """Open (creating if needed) and migrate the database at ``path``.

    A file that already holds data is backed up before any migration touches it. A file
    written by a newer version of the program is refused, untouched.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = connect(path)
    try:
        migrate(conn, path, backup_dir)
    except BaseException:
        conn.close()
        raise
    return conn


def migrate(conn: sqlite3.Connection, path: Path | str, backup_dir: Path) -> int:
    migrations = load_migrations()
    try:
        current = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise _classify(path, exc) from exc
    if current > len(migrations):
        raise DatabaseTooNew(path, f"user_version {current} > {len(migrations)}")
    pending = [m for m in migrations if m.version > current]
    if not pending:
        return current
    if current > 0:
        backup_database(conn, backup_dir, f"before-v{pending[0].version}")
    for migration in pending:
        try:
            conn.execute("BEGIN IMMEDIATE")
            # executescript would COMMIT first; run statement by statement inside our transaction.
            for statement in _statements(migration.sql):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {migration.version}")
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise _classify(path, exc) from exc
    return migrations[-1].version


def _statements(sql: str) -> list[str]:
    """Split a migration into complete statements (sqlite3.complete_statement knows quoting)."""
    statements, buffer = [], ""
    for line in sql.splitlines(keepends=True):
        if not buffer and line.lstrip().startswith("--"):
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        raise ValueError(f"incomplete statement in schema.sql: {buffer.strip()[:80]}")
    return statements
