"""Opening the database: connection settings, numbered migrations from schema.sql, backups."""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import re
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fazhi_tui.base.lock import HomeInUse, HomeLock
from fazhi_tui.base.progress import Progress, steps
from fazhi_tui.storage.meta import DEVICE_KEYS, forget_meta

__all__ = [
    "Migration",
    "DatabaseError",
    "DatabaseBusy",
    "DatabaseTooNew",
    "DatabaseCorrupt",
    "DatabaseConflict",
    "DatabaseInUse",
    "load_migrations",
    "connect",
    "open_database",
    "backup_database",
    "list_backups",
    "restore_backup",
    "latest_version",
    "upgrade_pending",
    "wrap",
]

log = logging.getLogger(__name__)
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


class DatabaseInUse(DatabaseError):
    """Another program holds the home (its lock file): ``detail`` says which."""

    key = "err.db_in_use"


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    sql: str


@functools.cache
def _schema_text() -> str:
    """schema.sql: inside the installed package, or at the repository top in a checkout
    (read from the files beside this one; importlib.resources, ~10 ms to import, only for a
    package that is not plain files, e.g. zipped). Read once: every bundle checked asks for
    the schema's version."""
    here = Path(__file__).resolve().parents[1]
    for candidate in (here / "schema.sql", here.parent / "schema.sql"):
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8")
    from importlib import resources

    return resources.files("fazhi_tui").joinpath("schema.sql").read_text(encoding="utf-8")


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
    """The schema version this program writes (asked once a bundle: the migrations of
    schema.sql are counted once)."""
    return _count_migrations(_schema_text())


@functools.lru_cache(maxsize=4)
def _count_migrations(text: str) -> int:
    return len(load_migrations(text))


def upgrade_pending(path: Path | str) -> bool:
    """Whether opening the database at ``path`` would create or upgrade it (run migrations,
    which the interface shows step by step). Only reads the version; a file that cannot be
    read counts as pending too: opening it then says what is wrong."""
    if not Path(path).is_file():
        return True
    try:
        conn = sqlite3.connect(str(path), isolation_level=None)
        try:
            current = conn.execute("PRAGMA user_version").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return True
    return current < latest_version()


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


def wrap(conn: sqlite3.Connection) -> Any:
    """A ``sqlite_utils.Database`` over ``conn``, the connection :func:`connect` opened
    (WAL, foreign keys, busy timeout and the caller's transactions stay as they are).

    sqlite-utils is imported on first use, not at start. Its writes nest in an open
    transaction as savepoints (``Database.atomic``), so a bulk insert inside
    ``Store.transaction`` commits with it, all or nothing. It changes nothing on the
    connection (no recursive-triggers pragma, no plugins) and creates no table: the
    schema is schema.sql's. SQLite's ``ON CONFLICT`` upsert is known to be there (the
    program's own statements use it), so sqlite-utils need not probe for it with a
    scratch table in the user's file.
    """
    import sqlite_utils

    db = sqlite_utils.Database(conn, recursive_triggers=False, execute_plugins=False)
    db._supports_on_conflict = True
    return db


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
    # Routine backups (``-auto-`` in the name) have their own rotation (storage/backups.py).
    old = sorted(p for p in backup_dir.glob("fazhi-*.db") if "-auto-" not in p.name)
    for stale in old[:-KEEP_BACKUPS]:
        stale.unlink(missing_ok=True)
        Path(f"{stale}-wal").unlink(missing_ok=True)  # kept beside a before-restore copy
    return target


def open_database(path: Path, backup_dir: Path, progress: Progress | None = None) -> sqlite3.Connection:
    """Open (creating if needed) and migrate the database at ``path``.

    A file that already holds data is backed up before any migration touches it. A file
    written by a newer version of the program is refused, untouched.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = connect(path)
    try:
        migrate(conn, path, backup_dir, progress)
    except BaseException:
        conn.close()
        raise
    return conn


def migrate(conn: sqlite3.Connection, path: Path | str, backup_dir: Path, progress: Progress | None = None) -> int:
    try:
        current = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise _classify(path, exc) from exc
    if current == latest_version():  # (counted once a run: schema.sql is not split again at every open)
        return current
    migrations = load_migrations()
    if current > len(migrations):
        raise DatabaseTooNew(path, f"user_version {current} > {len(migrations)}")
    pending = [m for m in migrations if m.version > current]
    if not pending:
        return current
    if current > 0:
        backup_database(conn, backup_dir, f"before-v{pending[0].version}")
        log.info("migrating %s from version %d to %d", path, current, migrations[-1].version)
    for migration in steps(pending, progress, lambda m: m.description):
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


# -- restoring a backup ------------------------------------------------------------------------


def list_backups(backup_dir: Path) -> list[Path]:
    """The backups in ``backup_dir`` (``fazhi-<time>-<why>.db``), newest first."""
    try:
        found = [p for p in Path(backup_dir).glob("fazhi-*.db") if p.is_file()]
    except OSError:
        return []
    # The name starts with the time (YYYYmmdd-HHMMSS-ffffff): names sort by age.
    return sorted(found, key=lambda p: p.name, reverse=True)


def _prepare(copy: Path, source: Path) -> None:
    """Check the copy of a backup that is to be put in place, and fold into it the
    ``-wal`` copied beside it, if any: a whole database this program can open, in one file.
    Raises DatabaseCorrupt or DatabaseTooNew (naming ``source``)."""
    try:
        conn = sqlite3.connect(str(copy), isolation_level=None)
    except sqlite3.Error as exc:
        raise _classify(source, exc) from exc
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > latest_version():
            raise DatabaseTooNew(source, f"user_version {version} > {latest_version()}")
        result = conn.execute("PRAGMA quick_check").fetchone()[0]
        if result != "ok":
            raise DatabaseCorrupt(source, f"quick_check: {result}")
        if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal":
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        _new_device_identity(conn)
    except sqlite3.DatabaseError as exc:
        raise _classify(source, exc) from exc
    finally:
        conn.close()


def _new_device_identity(conn: sqlite3.Connection) -> None:
    """A restored database goes on as a new device: it forgets its device id, its bundle
    numbers and what the county confirmed, so its next bundle is a full copy under a new
    id and the county never sees one device's bundle number twice with other contents."""
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    conn.execute("BEGIN IMMEDIATE")
    if "meta" in tables:
        forget_meta(conn, DEVICE_KEYS)
    if "export_log" in tables:
        conn.execute("DELETE FROM export_log")
    conn.execute("COMMIT")


def _check_not_in_use(database: Path) -> None:
    """Refuse to replace a database another program is writing (DatabaseBusy)."""
    if not database.exists():
        return
    try:
        conn = sqlite3.connect(str(database), timeout=0, isolation_level=None)
    except sqlite3.Error:
        return
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
    except sqlite3.OperationalError as exc:
        text = str(exc).lower()
        if "locked" in text or "busy" in text:
            raise DatabaseBusy(database, str(exc)) from exc
    except sqlite3.DatabaseError:
        pass  # a damaged file: nobody can be using it for much
    finally:
        conn.close()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def restore_backup(backup: Path, database: Path, backup_dir: Path) -> Path:
    """Put ``backup`` in place of ``database``; returns the copy kept of the file replaced
    (a path that does not exist if there was no database file to keep).

    The backup is copied to a temporary file beside the database (with its ``-wal``
    folded in, if it has one) and that copy is checked: a whole database, not from a
    newer program. Then the current file — possibly the damaged one — is copied as it is,
    byte for byte, into ``backup_dir`` as ``fazhi-<time>-before-restore.db`` (with its
    ``-wal`` beside it, if it has one), so a restore can itself be undone. Then the old
    file's ``-wal`` and ``-shm`` are removed (they belong to the old file and must never
    be applied to the restored one) and the checked copy, flushed to disk, takes the
    database's name in one rename.

    Raises DatabaseCorrupt or DatabaseTooNew for a bad backup, DatabaseInUse while
    another program holds the home's lock, DatabaseBusy while
    another program has the database open for writing, FileNotFoundError if the backup
    does not exist, OSError if a file cannot be written. Nothing is replaced then.
    """
    backup, database, backup_dir = Path(backup), Path(database), Path(backup_dir)
    if not backup.is_file():
        raise FileNotFoundError(str(backup))
    lock = HomeLock(database.parent, "fazhi-tui restore")  # this process may hold it already
    try:
        lock.acquire()
    except HomeInUse as exc:
        log.warning("restore of %s refused: the home is in use (%s)", database, exc.holder)
        raise DatabaseInUse(database, exc.holder.describe() if exc.holder else "") from exc
    try:
        kept = _restore(backup, database, backup_dir)
        log.info("restored %s from %s; the replaced file is kept as %s", database, backup.name, kept.name)
        return kept
    finally:
        lock.release()


def _restore(backup: Path, database: Path, backup_dir: Path) -> Path:
    database.parent.mkdir(parents=True, exist_ok=True)
    partial = database.with_name(f".{database.name}.restore.tmp")
    leftovers = [partial, *(Path(f"{partial}{suffix}") for suffix in ("-wal", "-shm", "-journal"))]
    try:
        shutil.copyfile(backup, partial)
        if Path(f"{backup}-wal").exists():  # a copy kept with its log (a before-restore copy)
            shutil.copyfile(Path(f"{backup}-wal"), Path(f"{partial}-wal"))
        _prepare(partial, backup)
        _fsync(partial)
        # the file being replaced, kept as it is, byte for byte
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        kept = backup_dir / f"fazhi-{stamp}-before-restore.db"
        if database.exists():
            backup_dir.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(database, kept)
            wal = Path(f"{database}-wal")
            if wal.exists():
                shutil.copyfile(wal, Path(f"{kept}-wal"))
            _fsync(kept)
        _check_not_in_use(database)
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        os.replace(partial, database)
    except BaseException:
        for leftover in leftovers:
            leftover.unlink(missing_ok=True)
        raise
    if os.name == "posix":
        try:
            _fsync(database.parent)
        except OSError:
            pass
    return kept
