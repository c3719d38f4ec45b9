"""1. A crash (power cut, killed program) during an import or a save loses nothing.

The import, and a run of saves standing for a clerk at the keyboard, run in a child
process killed with SIGKILL at many points: at each SQL statement in turn, at random
moments, and — standing for a power cut — with the database's write-ahead log cut short or
damaged after the commit was written. Each time the reopened database passes
``PRAGMA integrity_check``, holds the whole change or none of it, and the same step run
again succeeds.
"""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
from pathlib import Path

import pytest

from fazhi_tui.domain.kinds import KINDS
from fazhi_tui.storage.store import Actor, Store
from fazhi_tui.sync.hub import import_bundle
from tests.hardening.cases import tried
from tests.hardening.helpers import (
    TOWN_A,
    World,
    copy_world,
    hub_import,
    in_child,
    integrity,
    kind_counts,
    query,
    records,
    spread,
)

MEETING = KINDS["meeting"]
STAFF = KINDS["staff"]


# -- the hub's import ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def imported(world_template, tmp_path_factory):
    """What the hub holds after A's bundle is imported whole (computed once)."""
    w = copy_world(world_template, tmp_path_factory.mktemp("whole") / "w")
    assert hub_import(w.hub, w.bundle).verdict == "imported"
    return {
        "counts": kind_counts(w.hub.db, TOWN_A),
        "records": records(w.hub.db, TOWN_A),
        "audit": query(w.hub.db, "SELECT count(*) FROM audit_log WHERE operator LIKE 'bundle:%'")[0][0],
    }


def import_step(w: World):
    def step():
        with w.hub.store() as store:
            outcome = import_bundle(w.hub.home, w.hub.config, store, w.bundle)
        return outcome.verdict

    return step


def check_all_or_nothing(w: World, whole: dict) -> bool:
    """The hub database is sound and holds A's bundle whole or not at all; returns which."""
    assert integrity(w.hub.db) == "ok"
    counts = kind_counts(w.hub.db, TOWN_A)
    bundles = query(w.hub.db, "SELECT count(*) FROM hub_bundle")[0][0]
    audit = query(w.hub.db, "SELECT count(*) FROM audit_log WHERE operator LIKE 'bundle:%'")[0][0]
    if bundles == 0:
        assert counts == dict.fromkeys(KINDS, 0) and audit == 0
        return False
    assert bundles == 1 and counts == whole["counts"] and audit == whole["audit"]
    assert records(w.hub.db, TOWN_A) == whole["records"]
    return True


def rerun_import(w: World, was_whole: bool, whole: dict) -> None:
    outcome = hub_import(w.hub, w.bundle)
    assert outcome.verdict == ("already" if was_whole else "imported"), outcome.error
    assert check_all_or_nothing(w, whole)
    assert integrity(w.hub.db) == "ok"


def test_import_killed_at_sql_statements(world_template, tmp_path, imported):
    """SIGKILL as the import's N-th SQL statement starts, for N across the whole import."""
    probe = copy_world(world_template, tmp_path / "probe")
    total = in_child(import_step(probe)).sql  # how many statements a whole import runs
    assert total > 100
    points = spread(total, 45, tail=6)
    outcomes = {"none": 0, "whole": 0}
    for n in points:
        w = copy_world(world_template, tmp_path / f"sql{n}")
        assert in_child(import_step(w), kill_at_sql=n).killed
        was_whole = check_all_or_nothing(w, imported)
        outcomes["whole" if was_whole else "none"] += 1
        rerun_import(w, was_whole, imported)
        shutil.rmtree(w.root)
        tried("import killed at an SQL statement")
    # killed before the COMMIT statement ran, the import is never there
    assert outcomes["none"] == len(points)


def test_import_killed_at_random_moments(world_template, tmp_path, imported):
    """SIGKILL from outside after a random delay: inside SQLite's commit, a write, anywhere."""
    import time

    probe = copy_world(world_template, tmp_path / "probe")
    began = time.perf_counter()
    in_child(import_step(probe))
    took = time.perf_counter() - began  # how long a whole import takes on this machine, now
    rng = random.Random(6)
    # at once (it never started), after it surely finished, and at random moments between
    delays = [0.0, 20 * took + 0.5] + [rng.uniform(0, 1.5 * took) for _ in range(18)]
    seen = {"none": 0, "whole": 0, "finished": 0}
    for i, delay in enumerate(delays):
        w = copy_world(world_template, tmp_path / f"t{i}")
        child = in_child(import_step(w), kill_after=delay)
        was_whole = check_all_or_nothing(w, imported)
        seen["finished" if not child.killed else "whole" if was_whole else "none"] += 1
        if not child.killed:
            assert was_whole
        rerun_import(w, was_whole, imported)
        shutil.rmtree(w.root)
        tried("import killed at a random moment")
    assert seen["none"] and seen["whole"] + seen["finished"]


def test_import_survives_a_power_cut_that_tears_the_log(world_template, tmp_path, imported):
    """The import committed, then the power went: the write-ahead log on disk is cut short,
    or a stretch of it never reached the disk. SQLite's checksums keep the whole commit or
    none of it."""
    w = copy_world(world_template, tmp_path / "wal")

    def import_then_die():
        with w.hub.store() as store:
            import_bundle(w.hub.home, w.hub.config, store, w.bundle)
            import os
            import signal

            os.kill(os.getpid(), signal.SIGKILL)  # before close: the log is not checkpointed

    assert in_child(import_then_die).killed
    wal = Path(f"{w.hub.db}-wal")
    assert wal.stat().st_size > 32 * 1024
    db_bytes, wal_bytes = w.hub.db.read_bytes(), wal.read_bytes()
    rng = random.Random(6)
    cuts = [len(wal_bytes)] + [rng.randrange(0, len(wal_bytes)) for _ in range(20)] + [32, 4096 + 24]
    holes = [(rng.randrange(32, len(wal_bytes) - 4096), rng.choice([512, 4096])) for _ in range(10)]
    cases = [(cut, None) for cut in cuts] + [(None, hole) for hole in holes]
    for index, (cut, hole) in enumerate(cases):
        case = copy_world(world_template, tmp_path / f"cut{index}")
        case.hub.db.write_bytes(db_bytes)
        torn = bytearray(wal_bytes[:cut] if cut is not None else wal_bytes)
        if hole is not None:
            start, size = hole
            torn[start : start + size] = bytes(size)
        Path(f"{case.hub.db}-wal").write_bytes(bytes(torn))
        Path(f"{case.hub.db}-shm").unlink(missing_ok=True)
        was_whole = check_all_or_nothing(case, imported)
        if cut == len(wal_bytes):
            assert was_whole
        rerun_import(case, was_whole, imported)
        shutil.rmtree(case.root)
        tried("import with a torn write-ahead log")


# -- a township's saves --------------------------------------------------------------------------------

SAVES = 3  # meetings saved, each then changed; then the first is deleted and restored


def saves_step(db: Path, backups: Path):
    """What a clerk does in the forms: save, change, delete, undo."""

    def step():
        store = Store.open(db, backups)
        actor = Actor("崩溃测试员", TOWN_A)
        made = []
        for i in range(SAVES):
            record = store.insert(MEETING, {"kind": "study", "date": "2026-11-20", "title": f"崩溃测试{i}"}, actor)
            made.append(record)
            store.update(MEETING, record, {"title": f"崩溃测试{i}-改", "chair": "王建国"}, actor)
        store.tombstone(MEETING, made[0], actor)
        store.restore(MEETING, made[0], actor)
        store.close()
        return len(made)

    return step


EXPECTED_ACTIONS = ["insert", "update"] * SAVES + ["delete", "restore"]


def check_saves(db: Path) -> int:
    """Sound, every change whole with its audit row, the changes a prefix of those made;
    returns how many were made."""
    assert integrity(db) == "ok"
    conn = sqlite3.connect(db)
    try:
        audit = conn.execute(
            "SELECT record_uuid, action, changes FROM audit_log WHERE operator = '崩溃测试员' ORDER BY id"
        ).fetchall()
        assert [a[1] for a in audit] == EXPECTED_ACTIONS[: len(audit)]
        for uuid, action, changes in audit:
            row = conn.execute("SELECT title, rev, deleted_at FROM meeting WHERE uuid = ?", (uuid,)).fetchone()
            assert row is not None
            if action == "update":
                assert json.loads(changes)["title"][1] == row[0]
        for uuid in {a[0] for a in audit}:
            rev = conn.execute("SELECT rev FROM meeting WHERE uuid = ?", (uuid,)).fetchone()[0]
            assert rev == sum(1 for a in audit if a[0] == uuid)  # one audit row per change, no more, no less
        # every record of the file: rev = its audit rows; the change counter = the newest change
        for name in KINDS:
            bad = conn.execute(
                f"SELECT r.uuid FROM {name} r WHERE r.rev <> (SELECT count(*) FROM audit_log a WHERE a.record_uuid = r.uuid)"
            ).fetchall()
            assert bad == []
        newest = max(conn.execute(f"SELECT max(sync_version) FROM {name}").fetchone()[0] or 0 for name in KINDS)
        counter = conn.execute("SELECT value FROM meta WHERE key = 'sync_version'").fetchone()
        assert int(counter[0] if counter else 0) == newest
        return len(audit)
    finally:
        conn.close()


def test_saves_killed_at_every_sql_statement(world_template, tmp_path):
    a = world_template.a
    probe = tmp_path / "probe"
    shutil.copytree(a.root, probe)
    finished = in_child(saves_step(probe / "fazhi.db", probe / "backups"))
    total = finished.sql
    assert check_saves(probe / "fazhi.db") == len(EXPECTED_ACTIONS)
    made = []
    for n in range(1, total + 1):
        home = tmp_path / f"s{n}"
        shutil.copytree(a.root, home)
        assert in_child(saves_step(home / "fazhi.db", home / "backups"), kill_at_sql=n).killed
        made.append(check_saves(home / "fazhi.db"))
        # the program starts again and the clerk goes on
        store = Store.open(home / "fazhi.db", home / "backups")
        store.insert(MEETING, {"kind": "study", "date": "2026-11-21", "title": "重启之后"}, Actor("崩溃测试员", TOWN_A))
        store.close()
        assert integrity(home / "fazhi.db") == "ok"
        shutil.rmtree(home)
        tried("save loop killed at an SQL statement")
    # every prefix of the changes happened at some kill point, the whole run never did
    assert sorted(set(made)) == list(range(len(EXPECTED_ACTIONS)))
