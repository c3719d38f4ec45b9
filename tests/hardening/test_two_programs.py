"""7. Two programs on one database, a damaged database file, one from a newer version.

* Two programs (two processes, or two connections in threads) writing the same file at
  once: no corruption, no lost or half-made change; each write either succeeds or, when
  the other holds the file longer than the busy timeout, raises DatabaseBusy and writes
  nothing.
* A damaged file — not a database at all, cut short, or a page of it overwritten — and a
  file from a newer version: a clear message (DatabaseCorrupt / DatabaseTooNew; the
  command line exits 1 with it), and the file is not touched (same bytes).
* A way out: ``fazhi-tui restore --list`` and ``fazhi-tui restore NAME`` put an automatic
  backup back, after keeping a copy of the damaged file.
"""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from fazhi_tui.domain.kinds import KINDS
from fazhi_tui.storage import database as schema
from fazhi_tui.storage.database import (
    DatabaseBusy,
    DatabaseCorrupt,
    DatabaseTooNew,
    backup_database,
    latest_version,
    list_backups,
    restore_backup,
)
from fazhi_tui.storage.store import Actor, Store
from tests.hardening.cases import tried
from tests.hardening.helpers import TOWN_A, in_child, integrity, query, run

MEETING = KINDS["meeting"]


def check_writes(db: Path, written: list[str]) -> None:
    """Exactly the writes reported as done are in the file, each whole, in one order."""
    assert integrity(db) == "ok"
    titles = [r[0] for r in query(db, "SELECT title FROM meeting WHERE title LIKE '并发%' ORDER BY sync_version")]
    assert sorted(titles) == sorted(written)
    audit = query(db, "SELECT count(*) FROM audit_log a JOIN meeting m ON m.uuid = a.record_uuid WHERE m.title LIKE '并发%'")
    assert audit[0][0] == len(written)
    rows = query(db, "SELECT updated_at, sync_version FROM meeting WHERE title LIKE '并发%' ORDER BY sync_version")
    stamps, versions = [r[0] for r in rows], [r[1] for r in rows]
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)  # one clock for both programs
    assert len(set(versions)) == len(versions)
    counter = query(db, "SELECT value FROM meta WHERE key = 'sync_version'")[0][0]
    assert int(counter) == max(max(r[0] for r in query(db, f"SELECT max(sync_version) FROM {n}")) or 0 for n in KINDS)


def writer(db: Path, backups: Path, name: str, count: int, busy_ms: int | None, pause: float = 0.0):
    def step():
        store = Store.open(db, backups)
        if busy_ms is not None:
            store.conn.execute(f"PRAGMA busy_timeout = {busy_ms}")
        actor = Actor(name, TOWN_A)
        done, busy = [], 0
        for i in range(count):
            title = f"并发{name}{i}"
            try:
                store.insert(MEETING, {"kind": "study", "date": "2026-11-20", "title": title}, actor)
                done.append(title)
            except DatabaseBusy:
                busy += 1
            time.sleep(pause)  # a clerk types between saves
        store.close()
        return {"done": done, "busy": busy}

    return step


def test_two_processes_write_at_once(world, tmp_path):
    db, backups = world.a.db, world.a.home.backups
    results: list[dict] = []
    threads = [
        threading.Thread(target=lambda n=n: results.append(in_child(writer(db, backups, n, 40, None)).result)) for n in "甲乙"
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    written = [title for r in results for title in r["done"]]
    assert len(written) == 80 and all(r["busy"] == 0 for r in results)  # the 5 s busy timeout: everyone waits its turn
    check_writes(db, written)
    tried("two processes writing", 80)


def test_a_program_holding_the_file_makes_the_other_wait_then_give_up_cleanly(world):
    """A third program takes the write lock for random stretches, longer and shorter than
    the writers' busy timeout: each write succeeds or says DatabaseBusy, none is half made."""
    db, backups = world.a.db, world.a.home.backups
    stop = world.root / "stop"

    def hog():
        # its own process too: SQLite's locks are per process, and a connection must never
        # be carried across fork()
        rng = random.Random(7)
        conn = sqlite3.connect(db, isolation_level=None, timeout=10)
        held = 0
        while not stop.exists():
            conn.execute("BEGIN IMMEDIATE")
            time.sleep(rng.choice([0.005, 0.02, 0.15]))  # shorter and longer than the writers wait
            conn.execute("COMMIT")
            held += 1
            time.sleep(0.03)
        conn.close()
        return held

    results: list[dict] = []
    holder_result: list = []
    holder = threading.Thread(target=lambda: holder_result.append(in_child(hog).result))
    holder.start()
    time.sleep(0.05)
    try:
        threads = [
            threading.Thread(target=lambda n=n: results.append(in_child(writer(db, backups, n, 30, 40, 0.01)).result)) for n in "丙丁"
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        stop.write_text("stop")
        holder.join()
    assert holder_result and holder_result[0] >= 2
    written = [title for r in results for title in r["done"]]
    busy = sum(r["busy"] for r in results)
    assert written and busy, (len(written), busy)  # both outcomes happened
    assert len(written) + busy == 60
    check_writes(db, written)
    tried("writes against a program holding the file", 60)


def test_two_connections_in_threads(world):
    db, backups = world.a.db, world.a.home.backups
    stores = [Store.open(db, backups), Store.open(db, backups)]
    written: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work(store: Store, name: str):
        try:
            for i in range(40):
                title = f"并发{name}{i}"
                uuid = store.insert(MEETING, {"kind": "study", "date": "2026-11-20", "title": title}, Actor(name, TOWN_A))
                with lock:
                    written.append(title)
                store.page(MEETING, 0, 20)  # the list refreshing between saves
                assert store.get(MEETING, uuid)["title"] == title
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(store, name)) for store, name in zip(stores, "戊己")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for store in stores:
        store.close()
    assert errors == []
    check_writes(db, written)
    tried("two connections in threads", 80)


# -- damaged and newer files -----------------------------------------------------------------------------


def files_beside(db: Path) -> list[str]:
    return sorted(p.name for p in db.parent.iterdir() if p.name.startswith(db.name))


def assert_refused_untouched(home_root: Path, db: Path, message: str) -> None:
    before, beside = db.read_bytes(), files_beside(db)
    result = run("checklist", "--home", home_root, "--date", "2026-11-27")
    assert result.code == 1, result
    assert message in result.err and result.out == ""
    assert "Traceback" not in result.err
    assert db.read_bytes() == before and files_beside(db) == beside


def page_size(db: Path) -> int:
    return query(db, "PRAGMA page_size")[0][0]


def test_a_file_that_is_not_a_database(world):
    db = world.a.db
    db.write_bytes("这不是数据库。\n".encode() * 500)
    with pytest.raises(DatabaseCorrupt):
        Store.open(db, world.a.home.backups)
    assert_refused_untouched(world.a.root, db, "数据文件已损坏")
    assert "fazhi-tui restore --list" in run("checklist", "--home", world.a.root).err
    tried("damaged database file")


def test_a_file_cut_short(world):
    db = world.a.db
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 2])
    assert_refused_untouched(world.a.root, db, "数据文件已损坏")
    tried("damaged database file")


def test_pages_overwritten_anywhere(world_template, tmp_path):
    """A page of the file overwritten with junk (a bad sector, a stick pulled in the middle
    of a copy), for many pages: the checklist either runs (the page held nothing it reads)
    or says the file is damaged; never another error; the file is never changed."""
    template = world_template.a
    size = page_size(template.db)
    pages = template.db.stat().st_size // size
    rng = random.Random(7)
    picks = sorted({rng.randrange(1, pages) for _ in range(24)} | {1, pages - 1})
    outcomes = {"ran": 0, "damaged": 0}
    for page in picks:
        root = tmp_path / f"p{page}"
        shutil.copytree(template.root, root)
        db = root / "fazhi.db"
        data = bytearray(db.read_bytes())
        junk = bytes(rng.randrange(256) for _ in range(size)) if page % 2 else b"\xff" * size
        data[page * size : (page + 1) * size] = junk
        db.write_bytes(bytes(data))
        before = db.read_bytes()
        result = run("checklist", "--home", root, "--date", "2026-11-27")
        assert "Traceback" not in result.err
        if result.code == 0:
            outcomes["ran"] += 1
        else:
            assert result.code == 1 and "数据文件已损坏" in result.err, result
            outcomes["damaged"] += 1
        assert db.read_bytes() == before
        shutil.rmtree(root)
        tried("database page overwritten")
    assert outcomes["damaged"], outcomes


def test_a_file_from_a_newer_version(world):
    db = world.a.db
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {latest_version() + 1}")
    conn.close()
    with pytest.raises(DatabaseTooNew):
        Store.open(db, world.a.home.backups)
    assert_refused_untouched(world.a.root, db, "更新版本")
    tried("database from a newer version")


# -- the way out: restoring a backup -----------------------------------------------------------------------


def make_backups(world, count: int = 3) -> list[Path]:
    store = Store.open(world.a.db, world.a.home.backups)
    made = []
    try:
        for i in range(count):
            store.insert(MEETING, {"kind": "study", "date": "2026-11-20", "title": f"备份前{i}"}, Actor("测试员", TOWN_A))
            made.append(backup_database(store.conn, world.a.home.backups, f"test{i}"))
    finally:
        store.close()
    return made


def test_list_backups_newest_first(world, tmp_path):
    assert list_backups(tmp_path / "none") == []
    made = make_backups(world)
    (world.a.home.backups / "notes.txt").write_text("不是备份")
    (world.a.home.backups / "fazhi-20990101-000000-000000-x.db.tmp").write_bytes(b"half")
    assert list_backups(world.a.home.backups) == list(reversed(made))
    tried("restore", 1)


def test_restore_from_the_command_line_after_damage(world):
    w = world
    made = make_backups(w)
    good = made[1]  # holds 备份前0 and 备份前1
    # the file gets damaged
    damaged = b"SQLite format 3\x00" + os.urandom(8192)
    w.a.db.write_bytes(damaged)
    result = run("checklist", "--home", w.a.root)
    assert result.code == 1 and "fazhi-tui restore --list" in result.err
    # with a write-ahead log and its index beside it (left by a crash)
    wal = os.urandom(5000)
    Path(f"{w.a.db}-wal").write_bytes(wal)
    Path(f"{w.a.db}-shm").write_bytes(os.urandom(32768))

    listing = run("restore", "--list", "--home", w.a.root)
    assert listing.code == 0
    lines = listing.out.splitlines()
    assert [name for name in (p.name for p in reversed(made)) if any(name in line for line in lines)] == [p.name for p in reversed(made)]
    assert lines.index(next(line for line in lines if made[2].name in line)) < lines.index(next(line for line in lines if made[0].name in line))
    assert run("restore", "--home", w.a.root).out == listing.out  # --list is the default

    missing = run("restore", "fazhi-19990101-no-such.db", "--home", w.a.root)
    assert missing.code == 1 and "没有名为" in missing.err
    assert w.a.db.read_bytes() == damaged

    done = run("restore", good.name, "--home", w.a.root)
    assert done.code == 0, done
    assert good.name in done.out
    assert not Path(f"{w.a.db}-wal").exists() and not Path(f"{w.a.db}-shm").exists()
    assert integrity(w.a.db) == "ok"
    titles = {r[0] for r in query(w.a.db, "SELECT title FROM meeting WHERE title LIKE '备份前%'")}
    assert titles == {"备份前0", "备份前1"}
    kept = [p for p in w.a.home.backups.iterdir() if p.name.endswith("-before-restore.db")]
    assert len(kept) == 1 and kept[0].read_bytes() == damaged
    assert Path(f"{kept[0]}-wal").read_bytes() == wal  # its log kept beside it, as it was
    assert kept[0] in list_backups(w.a.home.backups)
    assert run("checklist", "--home", w.a.root, "--date", "2026-11-27").code == 0
    tried("restore", 1)


def test_restore_refuses_a_bad_backup_and_a_file_in_use(world, tmp_path):
    w = world
    (good,) = make_backups(w, 1)
    before = w.a.db.read_bytes()
    bad = w.a.home.backups / "fazhi-20990101-000000-000000-bad.db"
    bad.write_bytes(b"SQLite format 3\x00" + bytes(4000))
    with pytest.raises(DatabaseCorrupt):
        restore_backup(bad, w.a.db, w.a.home.backups)
    newer = w.a.home.backups / "fazhi-20990101-000000-000001-newer.db"
    shutil.copyfile(good, newer)
    conn = sqlite3.connect(newer)
    conn.execute(f"PRAGMA user_version = {latest_version() + 1}")
    conn.close()
    with pytest.raises(DatabaseTooNew):
        restore_backup(newer, w.a.db, w.a.home.backups)
    result = run("restore", bad.name, "--home", w.a.root)
    assert result.code == 1 and "损坏" in result.err
    assert w.a.db.read_bytes() == before
    # another program is writing: refused, nothing replaced
    other = sqlite3.connect(w.a.db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(DatabaseBusy):
            restore_backup(good, w.a.db, w.a.home.backups)
        result = run("restore", good.name, "--home", w.a.root)
        assert result.code == 1 and "另一个程序" in result.err
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert w.a.db.read_bytes() == before
    assert not [p for p in w.a.db.parent.iterdir() if ".restore.tmp" in p.name]
    # the backups are pruned as before, and a -wal kept beside a pruned copy goes with it
    tried("restore refused", 4)


def test_pruning_takes_a_kept_log_along(world, monkeypatch):
    monkeypatch.setattr(schema, "KEEP_BACKUPS", 2)
    store = Store.open(world.a.db, world.a.home.backups)
    try:
        first = backup_database(store.conn, world.a.home.backups, "a")
        Path(f"{first}-wal").write_bytes(b"log")
        backup_database(store.conn, world.a.home.backups, "b")
        backup_database(store.conn, world.a.home.backups, "c")
    finally:
        store.close()
    assert not first.exists() and not Path(f"{first}-wal").exists()
    assert len(list_backups(world.a.home.backups)) == 2
    tried("restore", 1)


def test_a_restore_can_be_undone_with_the_log_it_kept(world):
    """The file replaced had changes only in its write-ahead log (the program was killed
    before they reached the file): the copy kept holds them, and restoring it brings them
    back."""
    w = world
    (good,) = make_backups(w, 1)

    def save_then_die():
        store = Store.open(w.a.db, w.a.home.backups)
        store.insert(MEETING, {"kind": "study", "date": "2026-11-21", "title": "只在日志里的记录"}, Actor("测试员", TOWN_A))
        os.kill(os.getpid(), 9)

    assert in_child(save_then_die).killed
    assert Path(f"{w.a.db}-wal").stat().st_size > 0
    kept = restore_backup(good, w.a.db, w.a.home.backups)
    assert query(w.a.db, "SELECT count(*) FROM meeting WHERE title = '只在日志里的记录'")[0][0] == 0
    restore_backup(kept, w.a.db, w.a.home.backups)  # undo
    assert query(w.a.db, "SELECT count(*) FROM meeting WHERE title = '只在日志里的记录'")[0][0] == 1
    assert integrity(w.a.db) == "ok"
    assert Path(f"{kept}-wal").exists()  # the kept copy itself is left as it was
    tried("restore", 1)
