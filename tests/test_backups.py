"""Routine backups: made with the backup API and checked, rotated, listed and restored."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from fazhi_tui.base.config import BackupPolicy, Config, save_config
from fazhi_tui.base.paths import resolve_home
from fazhi_tui.storage import backups as routine
from fazhi_tui.storage.backups import backup_before, backup_on_quit, backup_time, backup_to, make_backup, rotate
from fazhi_tui.storage.database import DatabaseCorrupt, backup_database, list_backups, restore_backup
from fazhi_tui.storage.store import Store
from tests.conftest import make_clock

NOON = dt.datetime(2026, 11, 27, 12, 0)


@pytest.fixture
def home(tmp_path):
    home = resolve_home(tmp_path / "office")
    home.ensure()
    save_config(home.config, Config(township_code="640302100", township_name="金星镇", county_code="640302"))
    store = Store.open(home.database, home.backups, clock=make_clock())
    store.conn.execute("CREATE TABLE IF NOT EXISTS probe (value TEXT)")
    store.conn.execute("INSERT INTO probe VALUES ('first')")
    yield home, store
    store.close()


def probe(path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [row[0] for row in conn.execute("SELECT value FROM probe ORDER BY rowid")]
    finally:
        conn.close()


def test_a_backup_is_a_whole_checked_file_the_restore_list_shows(home):
    home, store = home
    made = make_backup(home.database, home.backups, "auto-test", conn=store.conn, now=NOON)
    assert made.name == "fazhi-20261127-120000-000000-auto-test.db"
    assert made in list_backups(home.backups)
    assert probe(made) == ["first"]
    assert not list(home.backups.glob("*.tmp")) and not list(home.backups.glob("*-wal"))
    conn = sqlite3.connect(made)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one file, for a stick
    conn.close()
    assert backup_time(made) == NOON


def test_a_copy_that_fails_its_check_is_removed_and_reported(home, monkeypatch):
    home, store = home

    def broken_check(path, source):
        raise DatabaseCorrupt(source, "integrity_check: row 3 missing from index")

    monkeypatch.setattr(routine, "_check", broken_check)
    with pytest.raises(DatabaseCorrupt) as info:
        make_backup(home.database, home.backups, "auto-test", conn=store.conn)
    assert "integrity_check" in info.value.detail
    assert list(home.backups.glob("*")) == []  # neither the copy nor its temporary file


def test_a_damaged_database_is_not_backed_up_as_if_whole(tmp_path):
    home = resolve_home(tmp_path / "office")
    home.ensure()
    Store.open(home.database, home.backups).close()
    data = bytearray(home.database.read_bytes())
    data[:16] = b"garbage garbage!"
    home.database.write_bytes(bytes(data))
    with pytest.raises(DatabaseCorrupt):
        make_backup(home.database, home.backups, "auto-test")
    assert list_backups(home.backups) == []


def test_quitting_backs_up_at_most_once_a_day(home):
    home, store = home
    first = backup_on_quit(home, conn=store.conn, now=NOON)
    assert first is not None and first.name.endswith("-auto-daily.db")
    store.conn.execute("INSERT INTO probe VALUES ('second')")
    assert backup_on_quit(home, conn=store.conn, now=NOON + dt.timedelta(hours=5)) is None
    tomorrow = backup_on_quit(home, now=NOON + dt.timedelta(days=1))  # without a connection: reads the file
    assert tomorrow is not None and probe(tomorrow) == ["first", "second"]
    assert len(list_backups(home.backups)) == 2


def test_before_an_import_one_backup_covers_a_run_of_files(home):
    home, store = home
    first = backup_before(home, "import", conn=store.conn, now=NOON)
    assert first.name.endswith("-auto-before-import.db")
    assert backup_before(home, "import", conn=store.conn, now=NOON + dt.timedelta(minutes=3)) is None
    assert backup_before(home, "publish", conn=store.conn, now=NOON + dt.timedelta(minutes=3)) is not None
    assert backup_before(home, "import", conn=store.conn, now=NOON + dt.timedelta(minutes=30)) is not None
    assert len(list_backups(home.backups)) == 3


def test_no_database_no_backup(tmp_path):
    home = resolve_home(tmp_path / "empty")
    assert backup_on_quit(home) is None and backup_before(home, "import") is None
    with pytest.raises(FileNotFoundError):
        backup_to(home, tmp_path)


def _fake_backups(folder, times, reason="auto-daily"):
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for when in times:
        path = folder / f"fazhi-{when.strftime('%Y%m%d-%H%M%S-%f')}-{reason}.db"
        path.write_bytes(b"x")
        made.append(path)
    return made


def test_rotation_keeps_the_last_day_then_dailies_weeklies_monthlies(tmp_path):
    now = dt.datetime(2026, 11, 27, 18, 0)
    # Two a day (morning, evening) for 400 days, and three in the last few hours.
    times = [now - dt.timedelta(days=d, hours=h) for d in range(1, 400) for h in (2, 10)]
    times += [now - dt.timedelta(hours=h) for h in (1, 3, 5)]
    made = _fake_backups(tmp_path / "backups", times)
    before_upgrade = _fake_backups(tmp_path / "backups", [now - dt.timedelta(days=200)], "before-v3")
    removed = rotate(tmp_path / "backups", BackupPolicy(daily=7, weekly=4, monthly=12), now)
    kept = list_backups(tmp_path / "backups")
    assert set(kept) | set(removed) == set(made) | set(before_upgrade)
    kept_times = sorted((backup_time(p) for p in kept), reverse=True)
    # every backup of the last 24 hours
    last_day = [t for t in kept_times if now - t < dt.timedelta(hours=24)]
    assert len(last_day) == 3  # 1, 3 and 5 hours ago (yesterday's newest is 26 hours old)
    # one per day for the last 7 days that have one (the newest of each)
    days = sorted({t.date() for t in kept_times}, reverse=True)
    assert days[:7] == [now.date() - dt.timedelta(days=d) for d in range(7)]
    for day in days[:7]:
        newest = max(t for t in times if t.date() == day)
        assert newest in kept_times
    # the newest of each of the last 12 months is kept, nothing older than 12 months
    months = {(t.year, t.month) for t in kept_times}
    assert len(months) == 12
    assert min(kept_times) > now - dt.timedelta(days=366)
    assert len(kept) <= 3 + 7 + 4 + 12
    # rotating again removes nothing more
    assert rotate(tmp_path / "backups", BackupPolicy(7, 4, 12), now) == []


def test_rotation_counts_come_from_the_config(home):
    home, store = home
    config = Config(township_code="640302100", township_name="金星镇", county_code="640302", backups=BackupPolicy(1, 0, 0))
    save_config(home.config, config)
    _fake_backups(home.backups, [NOON - dt.timedelta(days=d) for d in (2, 3, 4)])
    made = backup_on_quit(home, conn=store.conn, now=NOON)
    assert list_backups(home.backups) == [made]  # the last 24 hours, and one daily: the same file


def test_a_backup_goes_onto_a_stick_and_restores(home, tmp_path):
    home, store = home
    stick = tmp_path / "stick"
    stick.mkdir()
    copy = backup_to(home, stick, conn=store.conn)
    assert copy.parent == stick and copy.name.startswith("fazhi-") and copy.name.endswith("-auto-copy.db")
    assert probe(copy) == ["first"]
    store.conn.execute("INSERT INTO probe VALUES ('later')")
    store.close()
    with pytest.raises(FileNotFoundError):
        backup_to(home, stick / "missing")
    # restore from the copy: the file is put back, the replaced one kept
    kept = restore_backup(copy, home.database, home.backups)
    assert probe(home.database) == ["first"] and kept.exists()


def test_routine_backups_survive_the_pruning_of_upgrade_backups(home, monkeypatch):
    home, store = home
    from fazhi_tui.storage import database

    routine_ones = _fake_backups(home.backups, [NOON - dt.timedelta(days=d) for d in range(1, 6)])
    monkeypatch.setattr(database, "KEEP_BACKUPS", 2)
    for i in range(4):
        backup_database(store.conn, home.backups, f"before-v{i}")
    names = list_backups(home.backups)
    assert set(routine_ones) <= set(names)
    assert len([p for p in names if "before-v" in p.name]) == 2


def test_routine_backups_restore(home):
    home, store = home
    made = backup_before(home, "import", conn=store.conn, now=NOON)
    store.conn.execute("INSERT INTO probe VALUES ('imported')")
    store.close()
    restore_backup(made, home.database, home.backups)
    assert probe(home.database) == ["first"]


def test_a_backup_that_cannot_be_written_is_a_database_error(home, tmp_path):
    from fazhi_tui.storage.database import DatabaseError

    home, store = home
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the backups folder should be", encoding="utf-8")
    with pytest.raises(DatabaseError) as info:
        make_backup(home.database, blocked / "backups", "auto-test", conn=store.conn)
    assert "backup" in info.value.detail


def test_the_copy_on_a_stick_takes_the_evidence_files_once(home, tmp_path):
    """backup --to: beside the database copy, the scans (files/ab/<sha256>.bin) in
    fazhi-files/, named alike; a second copy onto the same stick adds only the new ones."""
    import hashlib

    from fazhi_tui.storage.backups import EVIDENCE_COPY

    home, store = home
    stick = tmp_path / "stick"
    stick.mkdir()

    def keep(data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        path = home.files / digest[:2] / f"{digest}.bin"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return digest

    first = keep(b"%PDF-1.4 minutes")
    backup_to(home, stick, conn=store.conn)
    copied = stick / EVIDENCE_COPY / first[:2] / f"{first}.bin"
    assert copied.read_bytes() == b"%PDF-1.4 minutes"
    before = copied.stat().st_mtime_ns
    second = keep(b"\x89PNG photo")
    backup_to(home, stick, conn=store.conn)
    assert copied.stat().st_mtime_ns == before  # not copied again
    assert (stick / EVIDENCE_COPY / second[:2] / f"{second}.bin").read_bytes() == b"\x89PNG photo"
    assert not list((stick / EVIDENCE_COPY).rglob("*.part"))
    store.close()
