"""8. A database made by each earlier schema version migrates with nothing lost.

The fixtures in ``tests/hardening/fixtures/fazhi-vN.db`` (built by ``make_fixtures.py``)
are opened as the program opens a database. Every row of every table comes through with
the values it had, every new column holds its declared default, a backup of the file as it
was is made before the first migration, and the upgraded township's records all reach the
county in a full bundle.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

import pytest

from fazhi_tui.domain.kinds import KINDS
from fazhi_tui.storage.database import latest_version, list_backups
from fazhi_tui.storage.store import Actor, Store
from tests.hardening import make_fixtures
from tests.hardening.cases import tried
from tests.hardening.helpers import TOWN_A, copy_world, export, hub_import, integrity, kind_counts, query

FIXTURES = sorted(make_fixtures.FIXTURES.glob("fazhi-v*.db"))
ISSUE_15_KINDS = {"enforcement_decision", "supervision_check", "complaint", "lawsuit", "recommendation", "oath",
                  "law_report", "exam_result", "law_list", "training_plan", "law_office"}


def tables(db: Path, *, frozen: bool = False) -> dict[str, tuple[list[str], dict]]:
    """Table → (columns, {primary key or rowid: row}) of a database file. ``frozen``: a file
    nobody writes (a fixture, a backup), read as it is without leaving -wal/-shm beside it."""
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro&immutable=1", uri=True) if frozen else sqlite3.connect(db)
    try:
        out = {}
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"):
            info = conn.execute(f"PRAGMA table_info({name})").fetchall()
            columns = [c[1] for c in info]
            keys = [c[1] for c in sorted(info, key=lambda c: c[5]) if c[5]] or ["rowid"]
            rows = conn.execute(f"SELECT {', '.join(keys)}, * FROM {name}").fetchall()
            out[name] = (columns, {tuple(r[: len(keys)]): dict(zip(columns, r[len(keys) :])) for r in rows})
        return out
    finally:
        conn.close()


def defaults(db: Path, table: str) -> dict[str, object]:
    """The value a new column of ``table`` takes in an old row: its declared default."""
    conn = sqlite3.connect(db)
    try:
        out = {}
        for _, name, _, _, default, _ in conn.execute(f"PRAGMA table_info({table})"):
            out[name] = None if default is None else conn.execute(f"SELECT {default}").fetchone()[0]
        return out
    finally:
        conn.close()


def user_version(db: Path) -> int:
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        return conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        conn.close()


def test_every_earlier_version_has_a_fixture():
    assert [int(p.stem.removeprefix("fazhi-v")) for p in FIXTURES] == list(range(1, latest_version()))
    assert sorted(make_fixtures.BUILDERS) == list(range(1, latest_version()))
    for path in FIXTURES:
        assert path.stat().st_size < 200 * 1024
        assert not Path(f"{path}-wal").exists()


@pytest.mark.parametrize("fixture", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_the_fixture_is_what_the_generator_builds(fixture, tmp_path):
    version = int(fixture.stem.removeprefix("fazhi-v"))
    rebuilt = tmp_path / fixture.name
    make_fixtures.BUILDERS[version](rebuilt)
    assert tables(rebuilt, frozen=True) == tables(fixture, frozen=True)
    assert user_version(rebuilt) == version
    assert tables(fixture, frozen=True)["meta"][1][("device_id",)]["value"] == make_fixtures.DEVICE
    tried("upgrade fixture rebuilt")


@pytest.mark.parametrize("fixture", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_an_old_database_migrates_with_nothing_lost(fixture, tmp_path):
    version = int(fixture.stem.removeprefix("fazhi-v"))
    db, backups = tmp_path / "fazhi.db", tmp_path / "backups"
    shutil.copyfile(fixture, db)
    old = tables(db)
    kinds = [name for name in KINDS if name in old]  # the kinds of that version (issue 15's came in 5)
    assert set(KINDS) - set(kinds) <= ISSUE_15_KINDS
    # The fixtures hold records of the seven kinds of version 1; issue 15's tables exist (empty)
    # from version 5 on: an upgrade of those tables has no rows to lose yet.
    filled = [name for name in kinds if name not in ISSUE_15_KINDS]
    assert sum(len(rows) for name, (_, rows) in old.items() if name in KINDS) >= len(filled)
    assert all(old[name][1] for name in filled), "the fixture holds records of every kind of version 1"

    store = Store.open(db, backups)
    try:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == latest_version()
        assert store.device_id == old["meta"][1][("device_id",)]["value"]
        new = tables(db)
        for name, (columns, rows) in old.items():
            new_columns, new_rows = new[name]
            assert set(columns) <= set(new_columns)
            assert new_rows.keys() == rows.keys(), name  # not a row lost, not one made up
            added = defaults(db, name)
            for key, row in rows.items():
                after = new_rows[key]
                assert {c: after[c] for c in columns} == row, (name, key)
                assert {c: after[c] for c in new_columns if c not in columns} == {
                    c: added[c] for c in new_columns if c not in columns
                }, (name, key)
        # the program goes on: a write is stamped after the newest old record
        newest = max(r["updated_at"] for name in kinds for r in old[name][1].values())
        uuid = store.insert(KINDS["meeting"], {"kind": "study", "date": "2026-11-20", "title": "升级后第一条"}, Actor("测试员", TOWN_A))
        assert store.get(KINDS["meeting"], uuid)["updated_at"] > newest
    finally:
        store.close()
    assert integrity(db) == "ok"

    # the file as it was, kept before the first migration touched it
    (backup,) = list_backups(backups)
    assert backup.name.endswith(f"-before-v{version + 1}.db")
    assert user_version(backup) == version
    assert tables(backup, frozen=True) == old
    tried("upgrade of an old database")


@pytest.mark.parametrize("fixture", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_an_upgraded_township_sends_every_record_to_the_county(fixture, world_template, tmp_path):
    w = copy_world(world_template, tmp_path / "w")
    for stale in w.a.db.parent.glob("fazhi.db*"):
        stale.unlink()
    shutil.copyfile(fixture, w.a.db)
    old = tables(fixture, frozen=True)
    # the kinds that version had; the newer ones have no records yet
    expected = {name: len(old[name][1]) if name in old else 0 for name in KINDS}
    result = export(w.a, w.usb, full=True)
    assert result.counts == expected
    outcome = hub_import(w.hub, result.path)
    assert outcome.verdict == "imported", outcome.error
    assert kind_counts(w.hub.db, TOWN_A) == expected
    for name in (name for name in KINDS if name in old):
        for (uuid,), row in old[name][1].items():
            at_hub = query(w.hub.db, f"SELECT deleted_at, updated_at, rev FROM {name} WHERE uuid = ?", (uuid,))
            assert at_hub == [(row["deleted_at"], row["updated_at"], row["rev"])], (name, uuid)
    tried("upgraded township exported to the county")


def test_migration_4_turns_the_active_flag_into_tenure(tmp_path):
    """Version 3 knew only "active": an active person stays in post with no end date; an
    inactive one has left on a day not known, counts in no period, and the form asks for
    the day at the next edit. Service items get a year, empty for old ones."""
    from fazhi_tui.domain.checklist import builtin_rules, evaluate
    from fazhi_tui.domain.validation import validate

    db = tmp_path / "fazhi.db"
    shutil.copyfile(make_fixtures.fixture_path(3), db)
    store = Store.open(db, tmp_path / "backups")
    try:
        staff = {r["uuid"]: r for r in store.all_live(KINDS["staff"])}
        active, left = staff[make_fixtures._uuid(1)], staff[make_fixtures._uuid(3)]
        assert (active["active"], active["end_date"]) == (1, None)
        assert (left["active"], left["end_date"]) == (0, None)
        assert all(r["year"] is None for r in store.all_live(KINDS["service_item"]))

        records = {name: store.all_live(kind) for name, kind in KINDS.items()}
        results = {r.rule.id: r for r in evaluate(builtin_rules(), records, year=2025, on=dt.date(2025, 12, 31))}
        counted = set(results["T46-hearing"].proving) | set(results["T46-hearing"].breaking)
        assert make_fixtures._uuid(1) in counted and make_fixtures._uuid(3) not in counted

        class Lookup:
            def is_taken(self, *args) -> bool:
                return False

            def exists(self, *args) -> bool:
                return True

        raw = {f.name: left[f.name] for f in KINDS["staff"].fields}
        raw.update(active=False, rule_of_law=False, enforcement=False)
        checked = validate(KINDS["staff"], raw, today=dt.date(2026, 1, 5), lookup=Lookup(), uuid=left["uuid"])
        assert checked.problems["end_date"].key == "err.end_date_required"
        raw["end_date"] = "2024-06-30"
        assert "end_date" not in validate(KINDS["staff"], raw, today=dt.date(2026, 1, 5), lookup=Lookup()).problems
    finally:
        store.close()
    tried("migration 4: active flag to tenure")
