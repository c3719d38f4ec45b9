"""Routine backups: on quit (at most once a day), before every hub import, publish and
restore, and a copy on a stick (``backup --to``).

Each backup is a consistent snapshot made with SQLite's online backup API (the program
may be writing meanwhile), written under a temporary name, checked with
``PRAGMA integrity_check`` and only then given its name, ``fazhi-<time>-<why>.db`` in the
home's ``backups`` folder (``auto-daily``, ``auto-before-import``...) — the names :func:`fazhi_tui.storage.database.list_backups`
lists and ``restore`` puts back.

Rotation keeps every backup of the last 24 hours and, of older ones, the newest of each
of the last ``daily`` days, ``weekly`` ISO weeks and ``monthly`` months that have one
(7, 4 and 12 unless the config's ``[backups]`` says otherwise).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import shutil
import sqlite3
from pathlib import Path

from fazhi_tui.base.config import BackupPolicy, ConfigError, load_config
from fazhi_tui.base.files import fsync_path
from fazhi_tui.base.filestore import FileStore, is_sha256, sha256_hex
from fazhi_tui.base.paths import Home
from fazhi_tui.storage.database import DatabaseCorrupt, DatabaseError, list_backups

__all__ = [
    "copy_evidence_files",
    "evidence_digests",
    "restore_evidence_files",
    "EVIDENCE_COPY",
    "make_backup",
    "rotate",
    "backup_on_quit",
    "backup_before",
    "backup_to",
    "backup_time",
    "policy_for",
    "QUIT_REASON",
]

log = logging.getLogger(__name__)

# Routine backups carry "auto-" before their reason: the pruning of upgrade backups
# (database.backup_database) leaves them to the rotation here.
QUIT_REASON = "auto-daily"
_NAME = re.compile(r"^fazhi-(\d{8}-\d{6})(?:-(\d{6}))?-(.+)\.db$")
# One backup before a run of imports is enough to undo the run: a second one within
# this time is not made.
BEFORE_WINDOW = dt.timedelta(minutes=10)


def backup_time(path: Path) -> dt.datetime | None:
    """When the backup at ``path`` was made, from its name (local time), or None."""
    match = _NAME.match(Path(path).name)
    if not match:
        return None
    try:
        when = dt.datetime.strptime(match.group(1), "%Y%m%d-%H%M%S")
    except ValueError:
        return None
    return when.replace(microsecond=int(match.group(2) or 0))


def _reason(path: Path) -> str:
    match = _NAME.match(Path(path).name)
    return match.group(3) if match else ""


def policy_for(home: Home) -> BackupPolicy:
    """The rotation counts in the home's config (the defaults if it has none or a bad one)."""
    try:
        config = load_config(home.config)
    except ConfigError:
        return BackupPolicy()
    return config.backups if config is not None else BackupPolicy()


def _check(path: Path, source: Path | str) -> None:
    """``integrity_check`` on the written copy; raises DatabaseCorrupt if it is not whole."""
    try:
        conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise DatabaseCorrupt(source, f"integrity_check: {exc}") from exc
    try:
        rows = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as exc:
        raise DatabaseCorrupt(source, f"integrity_check: {exc}") from exc
    finally:
        conn.close()
    if rows != ["ok"]:
        raise DatabaseCorrupt(source, "integrity_check: " + "; ".join(str(r) for r in rows[:5]))


def _fsync(path: Path) -> None:
    fsync_path(path)


def _discard(path: Path) -> None:
    try:
        Path(path).unlink(missing_ok=True)
    except OSError:
        pass


def _snapshot(database: Path, target: Path, conn: sqlite3.Connection | None) -> Path:
    """Copy ``database`` (through ``conn`` if given) to ``target`` via a checked temporary file."""
    if conn is None and not database.is_file():
        raise FileNotFoundError(str(database))
    partial = target.with_name(f".{target.name}.tmp")
    source = conn
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if source is None:
            source = sqlite3.connect(str(database), timeout=5)
        dest = sqlite3.connect(str(partial))
        try:
            source.backup(dest)
            # One self-contained file: no -wal beside it, readable on a stick.
            dest.execute("PRAGMA journal_mode = DELETE")
        finally:
            dest.close()
        _check(partial, database)
        _fsync(partial)
        os.replace(partial, target)
    except sqlite3.DatabaseError as exc:
        _discard(partial)
        text = str(exc).lower()
        if "malformed" in text or "not a database" in text or "corrupt" in text:
            raise DatabaseCorrupt(database, str(exc)) from exc
        raise DatabaseError(database, str(exc)) from exc
    except OSError as exc:  # a full disk, a read-only folder: said like any database problem
        _discard(partial)
        raise DatabaseError(database, f"backup {target}: {exc.strerror or exc}") from exc
    except BaseException:
        _discard(partial)
        raise
    finally:
        if source is not None and source is not conn:
            source.close()
    return target


def make_backup(database: Path, backup_dir: Path, reason: str, *, conn: sqlite3.Connection | None = None,
                now: dt.datetime | None = None) -> Path:
    """Back ``database`` up into ``backup_dir`` as ``fazhi-<time>-<reason>.db``, checked.

    ``conn``: the program's open connection, if it has one (the copy then includes what it
    has written). Raises FileNotFoundError when there is no database yet, DatabaseCorrupt
    when the copy fails its check, DatabaseError when it cannot be written (nothing is left
    behind then)."""
    now = now or dt.datetime.now()
    target = Path(backup_dir) / f"fazhi-{now.strftime('%Y%m%d-%H%M%S-%f')}-{reason}.db"
    _snapshot(Path(database), target, conn)
    log.info("backup %s of %s written and checked", target.name, database)
    return target


def rotate(backup_dir: Path, policy: BackupPolicy | None = None, now: dt.datetime | None = None) -> list[Path]:
    """Remove the backups the policy does not keep; returns those removed."""
    policy = policy or BackupPolicy()
    now = now or dt.datetime.now()
    dated = [(when, path) for path in list_backups(Path(backup_dir)) if (when := backup_time(path)) is not None]
    dated.sort(reverse=True)  # newest first
    keep: set[Path] = {path for when, path in dated if now - when < dt.timedelta(hours=24)}
    buckets = (
        (policy.daily, lambda when: when.date()),
        (policy.weekly, lambda when: when.isocalendar()[:2]),
        (policy.monthly, lambda when: (when.year, when.month)),
    )
    for count, bucket in buckets:
        seen: list = []
        for when, path in dated:
            key = bucket(when)
            if key in seen:
                continue
            if len(seen) >= count:
                break
            seen.append(key)
            keep.add(path)  # the newest of its day, week or month
    removed = []
    for _when, path in dated:
        if path in keep:
            continue
        try:
            path.unlink(missing_ok=True)
            Path(f"{path}-wal").unlink(missing_ok=True)  # kept beside a before-restore copy
        except OSError as exc:
            log.warning("could not remove the old backup %s: %s", path, exc)
            continue
        removed.append(path)
    if removed:
        log.info("rotation removed %d old backups: %s", len(removed), ", ".join(p.name for p in removed))
    return removed


def backup_on_quit(home: Home, *, conn: sqlite3.Connection | None = None, policy: BackupPolicy | None = None,
                   now: dt.datetime | None = None) -> Path | None:
    """The routine backup when the program closes: made only if none was made on quitting
    today. Rotates afterwards. Returns the new backup, or None."""
    now = now or dt.datetime.now()
    if not home.database.is_file():
        return None
    for path in list_backups(home.backups):
        when = backup_time(path)
        if when is not None and when.date() == now.date() and _reason(path) == QUIT_REASON:
            return None
    made = make_backup(home.database, home.backups, QUIT_REASON, conn=conn, now=now)
    rotate(home.backups, policy or policy_for(home), now)
    return made


def backup_before(home: Home, reason: str, *, conn: sqlite3.Connection | None = None, policy: BackupPolicy | None = None,
                  now: dt.datetime | None = None) -> Path | None:
    """A backup before a hub import, publish or restore (``reason``: "import", "publish",
    "restore"...), named ``fazhi-<time>-auto-before-<reason>.db``. One made for the same reason
    within the last ten minutes covers this one too (a run of imports is backed up once,
    before its first file). Returns the new backup, or None (none needed, or no database yet)."""
    now = now or dt.datetime.now()
    if not home.database.is_file():
        return None
    name = f"auto-before-{reason}"
    for path in list_backups(home.backups):
        when = backup_time(path)
        if when is not None and _reason(path) == name and dt.timedelta(0) <= now - when < BEFORE_WINDOW:
            return None
    made = make_backup(home.database, home.backups, name, conn=conn, now=now)
    rotate(home.backups, policy or policy_for(home), now)
    return made


def backup_to(home: Home, folder: Path, *, conn: sqlite3.Connection | None = None, now: dt.datetime | None = None) -> Path:
    """A checked copy of the home's database in ``folder`` (a USB stick):
    ``fazhi-<time>-auto-copy.db``, which ``restore`` accepts once put in a backups folder.
    Raises FileNotFoundError when there is no database or ``folder`` is not a folder."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(str(folder))
    made = make_backup(home.database, folder, "auto-copy", conn=conn, now=now)
    log.info("copy of %s written to %s", home.database, made)
    copied = copy_evidence_files(home.files, folder / EVIDENCE_COPY)
    if copied:
        log.info("%d evidence files copied to %s", copied, folder / EVIDENCE_COPY)
    return made


EVIDENCE_COPY = "fazhi-files"  # beside the database copy on the stick: the home's files/ as it is


def copy_evidence_files(source: Path, target: Path) -> int:
    """Copy the evidence files kept in ``source`` (``files/ab/<sha256>.bin``, never changed
    once written) into ``target`` with the same names; a file already there with the same
    size is left as it is, so a copy onto the same stick only adds the new scans. Each file
    is written whole, then renamed. The number copied."""
    if not source.is_dir():
        return 0
    copied = 0
    for blob in sorted(source.glob("??/*.bin")):
        if not blob.is_file():
            continue
        dest = target / blob.parent.name / blob.name
        if dest.is_file() and dest.stat().st_size == blob.stat().st_size:
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        part = dest.with_name(dest.name + ".part")
        shutil.copyfile(blob, part)
        fsync_path(part)
        os.replace(part, dest)
        copied += 1
    return copied


def evidence_digests(database: Path) -> set[str]:
    """The SHA-256 of every evidence file the attachments of the database file ``database``
    name (removed ones too: a removal can be undone); empty for a database made before
    evidence files existed. Raises DatabaseError when the file cannot be read."""
    try:
        conn = sqlite3.connect(str(database), isolation_level=None)
        try:
            if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'attachment'").fetchone() is None:
                return set()
            return {row[0] for row in conn.execute("SELECT DISTINCT sha256 FROM attachment") if is_sha256(row[0])}
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise DatabaseError(database, str(exc)) from exc


def restore_evidence_files(source: Path, files: Path, wanted: set[str]) -> tuple[int, list[str]]:
    """Bring back from ``source`` (a stick's ``fazhi-files/``, laid out like the home's
    ``files/``) the evidence files in ``wanted`` that ``files`` does not hold. Only files a
    restored database names are taken, and each only if its bytes match its name (a damaged
    or altered copy is left on the stick). (the number brought back, the digests wanted but
    not found whole on the stick, sorted)."""
    store = FileStore(files)
    brought, missing = 0, []
    for digest in sorted(wanted):
        if store.has(digest):
            continue
        copy = Path(source) / digest[:2] / f"{digest}.bin"
        try:
            data = copy.read_bytes() if copy.is_file() else None
        except OSError as exc:
            log.warning("evidence file %s could not be read: %s", copy, exc)
            data = None
        if data is None or sha256_hex(data) != digest:
            if data is not None:
                log.warning("evidence file %s does not match its name: left on the stick", copy)
            missing.append(digest)
            continue
        store.put(data, digest)
        brought += 1
    if brought or missing:
        log.info("%d evidence files brought back from %s; %d not found whole", brought, source, len(missing))
    return brought, missing
