import json
import sqlite3
import threading

import pytest

from fazhi_tui.domain.kinds import CHOICES, KINDS, kind
from fazhi_tui.storage import database as schema
from fazhi_tui.storage.database import (
    DatabaseBusy,
    DatabaseConflict,
    DatabaseCorrupt,
    DatabaseError,
    DatabaseTooNew,
    load_migrations,
)
from fazhi_tui.storage.store import SYNC_COLUMNS, SYSTEM_COLUMNS, DuplicateOnRestore, RecordNotFound, Store
from tests.conftest import make_clock

MEETING, STAFF, ITEM, TRAINING, HEARING, REPORT = (
    kind(n) for n in ("meeting", "staff", "delegated_item", "training", "hearing", "annual_report")
)


def meeting(title="专题会议", date="2026-03-01", **extra):
    return {"kind": "deploy", "date": date, "title": title, **extra}


def audit_rows(store):
    return store.conn.execute("SELECT * FROM audit_log ORDER BY id").fetchall()


def table_rows(store, table):
    return store.conn.execute(f"SELECT * FROM {table}").fetchall()


# -- a fresh database ------------------------------------------------------------------


def test_fresh_database_settings(store):
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == len(load_migrations()) >= 1
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert audit_rows(store) == []
    assert store.counts() == {name: 0 for name in KINDS}


def test_every_kind_table_has_system_columns_and_fields(store):
    for name, k in KINDS.items():
        columns = [r["name"] for r in store.conn.execute(f"PRAGMA table_info({name})")]
        assert columns[: len(SYSTEM_COLUMNS)] == list(SYSTEM_COLUMNS), name
        assert set(columns[len(SYSTEM_COLUMNS) :]) == set(k.columns) | set(SYNC_COLUMNS), name


def test_choice_codes_match_schema_checks(store, actor):
    """Every code in CHOICES is accepted by the table's CHECK, and nothing else is."""
    samples = {
        "meeting": (meeting(), {"kind": "meeting_kind", "head_attendance": "attendance"}),
        "staff": ({"name": "甲", "background": "other"}, {"background": "background"}),
        "delegated_item": (
            {"code": "C", "name": "事项", "power_type": "penalty", "mode": "empower", "status": "taking"},
            {"power_type": "power_type", "mode": "mode", "status": "item_status"},
        ),
        "training": ({"date": "2026-01-01", "title": "培训", "form": "central"}, {"form": "training_form"}),
    }
    for table, (base, columns) in samples.items():
        for column, choice_set in columns.items():
            assert KINDS[table].field(column).choices == choice_set
            for code in CHOICES[choice_set]:
                uuid = store.insert(KINDS[table], {**base, column: code}, actor)
                store.tombstone(KINDS[table], uuid, actor)  # frees unique values for the next one
            with pytest.raises(DatabaseConflict):
                store.insert(KINDS[table], {**base, column: "bogus"}, actor)
    person = store.insert(STAFF, {"name": "乙", "background": "other"}, actor)
    for code in CHOICES["hearing_mode"]:
        store.insert(HEARING, {"staff_uuid": person, "date": "2026-01-01", "mode": code}, actor)


def test_hearing_needs_an_existing_person(store, actor):
    with pytest.raises(DatabaseConflict):
        store.insert(HEARING, {"staff_uuid": "nobody", "date": "2026-01-01", "mode": "online"}, actor)
    assert table_rows(store, "hearing") == [] and audit_rows(store) == []


# -- writes and their audit rows ---------------------------------------------------------


def test_insert_writes_record_and_one_audit_row(store, actor):
    uuid = store.insert(MEETING, meeting(attendees="张三、李四"), actor)
    record = store.get(MEETING, uuid)
    assert record["township"] == "640302100"
    assert record["rev"] == 1 and record["deleted_at"] is None
    assert record["created_at"] == record["updated_at"]
    assert record["device_id"] == store.device_id
    assert record["attendees"] == "张三、李四"
    trail = store.audit_trail(uuid)
    assert len(trail) == 1 == len(audit_rows(store))
    entry = trail[0]
    assert entry["action"] == "insert" and entry["operator"] == "测试员" and entry["table_name"] == "meeting"
    assert entry["at"] == record["created_at"] and entry["device_id"] == store.device_id
    assert entry["changes"]["title"] == [None, "专题会议"]
    assert entry["changes"]["attendees"] == [None, "张三、李四"]


def test_lists_and_bools_round_trip(store, actor):
    people = [store.insert(STAFF, {"name": n, "background": "law_work", "active": False}, actor) for n in ("甲", "乙")]
    assert store.get(STAFF, people[0])["active"] is False
    uuid = store.insert(ITEM, {"code": "A1", "name": "事项", "power_type": "other", "mode": "entrust", "status": "taken", "staff": people}, actor)
    assert store.get(ITEM, uuid)["staff"] == people
    raw = store.conn.execute("SELECT staff FROM delegated_item WHERE uuid = ?", (uuid,)).fetchone()[0]
    assert json.loads(raw) == people


def test_update_writes_only_the_changes(store, actor):
    uuid = store.insert(MEETING, meeting(), actor)
    before = store.get(MEETING, uuid)
    assert store.update(MEETING, uuid, {**meeting(), "title": "改后的名称", "chair": "王"}, actor) is True
    after = store.get(MEETING, uuid)
    assert after["title"] == "改后的名称" and after["chair"] == "王"
    assert after["rev"] == 2
    assert after["created_at"] == before["created_at"]
    assert after["updated_at"] > before["updated_at"]
    trail = store.audit_trail(uuid)
    assert [e["action"] for e in trail] == ["insert", "update"]
    assert trail[1]["changes"] == {"title": ["专题会议", "改后的名称"], "chair": ["", "王"]}
    assert len(audit_rows(store)) == 2


def test_update_with_no_change_writes_nothing(store, actor):
    people = [store.insert(STAFF, {"name": "甲", "background": "other"}, actor)]
    uuid = store.insert(TRAINING, {"date": "2026-01-01", "title": "培训", "form": "online", "hours": 2.0, "staff": people}, actor)
    before = store.get(TRAINING, uuid)
    audits = len(audit_rows(store))
    same = {"date": "2026-01-01", "title": "培训", "form": "online", "hours": 2, "staff": people, "items": []}
    assert store.update(TRAINING, uuid, same, actor) is False
    assert store.get(TRAINING, uuid) == before
    assert len(audit_rows(store)) == audits


def test_update_of_missing_or_deleted_record(store, actor):
    with pytest.raises(RecordNotFound):
        store.update(MEETING, "nope", meeting(), actor)
    uuid = store.insert(MEETING, meeting(), actor)
    store.tombstone(MEETING, uuid, actor)
    audits = len(audit_rows(store))
    with pytest.raises(RecordNotFound):
        store.update(MEETING, uuid, meeting(title="新"), actor)
    assert len(audit_rows(store)) == audits


def test_tombstone_and_restore(store, actor):
    uuid = store.insert(MEETING, meeting(), actor)
    store.tombstone(MEETING, uuid, actor)
    with pytest.raises(RecordNotFound):
        store.get(MEETING, uuid)
    dead = store.get(MEETING, uuid, include_deleted=True)
    assert dead["deleted_at"] is not None and dead["rev"] == 2
    with pytest.raises(RecordNotFound):
        store.tombstone(MEETING, uuid, actor)  # already deleted
    store.restore(MEETING, uuid, actor)
    alive = store.get(MEETING, uuid)
    assert alive["deleted_at"] is None and alive["rev"] == 3
    with pytest.raises(RecordNotFound):
        store.restore(MEETING, uuid, actor)  # not deleted
    with pytest.raises(RecordNotFound):
        store.tombstone(MEETING, "nope", actor)
    trail = store.audit_trail(uuid)
    assert [e["action"] for e in trail] == ["insert", "delete", "restore"]
    assert trail[1]["changes"] == {"deleted_at": [None, dead["deleted_at"]]}
    assert trail[2]["changes"] == {"deleted_at": [dead["deleted_at"], None]}
    assert len(audit_rows(store)) == 3


class Boom(Exception):
    pass


def fail_audit(*args, **kwargs):
    raise Boom


def test_failed_audit_rolls_back_insert(store, actor, monkeypatch):
    monkeypatch.setattr(store, "_audit", fail_audit)
    with pytest.raises(Boom):
        store.insert(MEETING, meeting(), actor)
    assert table_rows(store, "meeting") == [] and audit_rows(store) == []
    assert not store.conn.in_transaction


@pytest.mark.parametrize("operation", ["update", "tombstone", "restore"])
def test_failed_audit_rolls_back_change(operation, store, actor, monkeypatch):
    uuid = store.insert(MEETING, meeting(), actor)
    if operation == "restore":
        store.tombstone(MEETING, uuid, actor)
    before, audits = store.get(MEETING, uuid, include_deleted=True), len(audit_rows(store))
    monkeypatch.setattr(store, "_audit", fail_audit)
    with pytest.raises(Boom):
        if operation == "update":
            store.update(MEETING, uuid, meeting(title="新名称"), actor)
        else:
            getattr(store, operation)(MEETING, uuid, actor)
    assert store.get(MEETING, uuid, include_deleted=True) == before
    assert len(audit_rows(store)) == audits
    assert not store.conn.in_transaction


def test_failure_inside_transaction_writes_nothing(store, actor):
    with pytest.raises(Boom):
        with store.transaction() as conn:
            conn.execute(
                "INSERT INTO meeting (uuid, township, created_at, updated_at, device_id, kind, date, title)"
                " VALUES ('m1', '640302100', 't', 't', 'd', 'deploy', '2026-01-01', 'x')"
            )
            store._audit(conn, actor, "t", "meeting", "m1", "insert", {})
            assert len(table_rows(store, "meeting")) == 1  # visible inside the transaction
            raise Boom
    assert table_rows(store, "meeting") == [] and audit_rows(store) == []
    # the store still works afterwards
    store.insert(MEETING, meeting(), actor)
    assert len(table_rows(store, "meeting")) == 1 and len(audit_rows(store)) == 1


def test_disk_full_is_reported_and_writes_nothing(store, actor):
    """A full disk (or USB stick) is a DatabaseError the interface can show, not a stray sqlite3 error."""
    uuid = store.insert(MEETING, meeting(), actor)
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(DatabaseError) as info:
        store.insert(MEETING, meeting(notes="记" * 100_000), actor)
    assert "full" in info.value.detail
    with pytest.raises(DatabaseError):
        store.update(MEETING, uuid, meeting(notes="记" * 100_000), actor)
    assert not store.conn.in_transaction
    assert len(table_rows(store, "meeting")) == 1 and len(audit_rows(store)) == 1
    assert store.get(MEETING, uuid)["notes"] == ""
    store.conn.execute("PRAGMA max_page_count = 1073741823")
    store.insert(MEETING, meeting(notes="记" * 100_000), actor)
    assert len(table_rows(store, "meeting")) == 2 and len(audit_rows(store)) == 2


# -- reads ------------------------------------------------------------------------------


@pytest.fixture
def filled(store, actor):
    titles = ["专题研究部署法治政府建设", "100%完成任务部署", "a_b 会议", "axb 会议", "ABC 学法", "会前学法（第二次）"]
    uuids = {}
    for i, title in enumerate(titles):
        # kind "other" (其他): the kind column's label is searched too, and must not hold these words
        uuids[title] = store.insert(MEETING, {**meeting(title=title, date=f"2026-0{i + 1}-01"), "kind": "other"}, actor)
    return uuids


@pytest.mark.parametrize(
    "text, expected",
    [
        ("", 6),
        ("部署", 2),
        ("学法", 2),
        ("部署 法治", 1),  # words are ANDed
        ("  部署   100  ", 1),
        ("%", 1),  # literal percent
        ("_", 1),  # literal underscore
        ("a_b", 1),
        ("abc", 1),  # ASCII case does not matter
        ("\\", 0),
        ("没有这个", 0),
    ],
)
def test_count_and_page_with_filter(filled, store, text, expected):
    assert store.count(MEETING, text) == expected
    assert len(store.page(MEETING, 0, 100, text)) == expected


def test_filter_searches_other_columns(store, actor):
    store.insert(MEETING, meeting(title="会议", attendees="司法所所长马明"), actor)
    store.insert(MEETING, meeting(title="会议", minutes_no="吴政纪〔2026〕3号"), actor)
    assert store.count(MEETING, "马明") == 1
    assert store.count(MEETING, "〔2026〕") == 1


def test_page_order_and_offsets(filled, store):
    everything = store.page(MEETING, 0, 100)
    assert [r["date"] for r in everything] == sorted((r["date"] for r in everything), reverse=True)
    assert store.page(MEETING, 0, 2) + store.page(MEETING, 2, 2) + store.page(MEETING, 4, 2) == everything
    assert store.page(MEETING, 6, 2) == []
    assert store.all_live(MEETING) == everything


def test_every_kind_lists_and_filters(store):
    for k in KINDS.values():
        assert k.order_by.endswith("uuid"), k.name  # paging needs a total order
        assert set(k.search_fields) <= set(k.columns) and set(k.label_fields) <= set(k.columns)
        assert store.page(k, 0, 10, "词 %") == [] and store.count(k, "词") == 0
        assert store.options(k) == []


def test_tombstoned_rows_hidden_but_kept(filled, store, actor):
    gone = filled["专题研究部署法治政府建设"]
    store.tombstone(MEETING, gone, actor)
    assert store.count(MEETING) == 5 and store.count(MEETING, "法治") == 0
    assert gone not in [r["uuid"] for r in store.page(MEETING, 0, 100)]
    assert gone not in [u for _, u in store.options(MEETING)]
    assert gone not in [r["uuid"] for r in store.all_live(MEETING)]
    assert store.counts()["meeting"] == 5
    assert len(table_rows(store, "meeting")) == 6
    assert not store.exists("meeting", gone)
    assert store.labels(MEETING, [gone]) == {gone: "2026-01-01 专题研究部署法治政府建设"}


def test_options_and_labels(store, actor):
    a = store.insert(STAFF, {"name": "李娜", "post": "所长", "background": "law_degree"}, actor)
    b = store.insert(STAFF, {"name": "王五", "background": "other"}, actor)
    assert store.options(STAFF) == [("李娜 所长", a), ("王五", b)]
    assert store.labels(STAFF, [b, a]) == {a: "李娜 所长", b: "王五"}
    assert store.labels(STAFF, []) == {}


def test_is_taken_and_exists(store, actor):
    a = store.insert(STAFF, {"name": "甲", "background": "other", "cert_no": "C1"}, actor)
    assert store.exists("staff", a) and not store.exists("staff", "x")
    assert store.is_taken("staff", "cert_no", "C1", None)
    assert not store.is_taken("staff", "cert_no", "C1", a)
    assert not store.is_taken("staff", "cert_no", "C2", None)
    store.tombstone(STAFF, a, actor)
    assert not store.is_taken("staff", "cert_no", "C1", None)


def test_restore_clashing_with_live_unique_value(store, actor):
    first = store.insert(STAFF, {"name": "甲", "background": "other", "cert_no": "C1"}, actor)
    store.tombstone(STAFF, first, actor)
    second = store.insert(STAFF, {"name": "乙", "background": "other", "cert_no": "C1"}, actor)
    before, audits = store.get(STAFF, first, include_deleted=True), len(audit_rows(store))
    with pytest.raises(DuplicateOnRestore) as info:
        store.restore(STAFF, first, actor)
    assert info.value.key == "err.restore_duplicate"
    assert store.get(STAFF, first, include_deleted=True) == before
    assert store.get(STAFF, second)["cert_no"] == "C1"
    assert len(audit_rows(store)) == audits
    assert not store.conn.in_transaction
    # once the other person is deleted, the restore goes through
    store.tombstone(STAFF, second, actor)
    store.restore(STAFF, first, actor)
    assert store.get(STAFF, first)["deleted_at"] is None


def test_restore_clash_on_year_and_code(store, actor):
    for k, values in ((REPORT, {"year": 2025}), (ITEM, {"code": "A", "name": "n", "power_type": "other", "mode": "empower", "status": "taking"})):
        old = store.insert(k, values, actor)
        store.tombstone(k, old, actor)
        store.insert(k, values, actor)
        with pytest.raises(DuplicateOnRestore):
            store.restore(k, old, actor)


def test_device_id_stable_across_reopen(tmp_path, actor):
    path, backups = tmp_path / "fazhi.db", tmp_path / "backups"
    first = Store.open(path, backups, clock=make_clock())
    device = first.device_id
    uuid = first.insert(MEETING, meeting(), actor)
    first.close()
    again = Store.open(path, backups)
    assert again.device_id == device and len(device) == 32
    assert again.get(MEETING, uuid)["device_id"] == device
    again.close()
    other = Store.open(tmp_path / "other.db", backups)
    assert other.device_id != device
    other.close()
    assert not backups.exists()  # reopening an up-to-date file makes no backup


# -- migrations --------------------------------------------------------------------------

MIGRATION_2 = """
-- migration 2: meeting place and a new table
ALTER TABLE meeting ADD COLUMN place TEXT NOT NULL DEFAULT '';
-- a comment line between statements
CREATE TABLE extra (
    id    INTEGER PRIMARY KEY,
    note  TEXT NOT NULL DEFAULT 'a; b'   -- a semicolon inside quotes
);
INSERT INTO extra (note) VALUES ('from migration 2');
"""


ORIGINAL_SCHEMA_TEXT = schema._schema_text


def test_load_migrations_splits_and_checks_numbering():
    base = schema._schema_text()
    following = len(load_migrations(base)) + 1
    migrations = load_migrations(base + MIGRATION_2.replace("-- migration 2:", f"-- migration {following}:"))
    assert [m.version for m in migrations] == list(range(1, len(migrations) + 1))
    assert migrations[-1].description == "meeting place and a new table"
    assert len(schema._statements(migrations[-1].sql)) == 3
    with pytest.raises(ValueError):
        load_migrations(base + MIGRATION_2.replace("-- migration 2:", f"-- migration {following + 1}:"))
    with pytest.raises(ValueError):
        schema._statements("CREATE TABLE x (a")


def make_v1(tmp_path, actor):
    path, backups = tmp_path / "fazhi.db", tmp_path / "backups"
    store = Store.open(path, backups, clock=make_clock())
    uuids = [store.insert(MEETING, meeting(title=f"会议{i}"), actor) for i in range(3)]
    device = store.device_id
    store.close()
    return path, backups, uuids, device


def test_upgrade_backs_up_first_and_keeps_data(tmp_path, actor, monkeypatch):
    path, backups, uuids, device = make_v1(tmp_path, actor)
    version = len(load_migrations())
    text = schema._schema_text() + MIGRATION_2.replace("-- migration 2:", f"-- migration {version + 1}:")
    monkeypatch.setattr(schema, "_schema_text", lambda: text)

    store = Store.open(path, backups)
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == version + 1
    assert store.device_id == device
    assert sorted(r["uuid"] for r in store.all_live(MEETING)) == sorted(uuids)
    assert store.conn.execute("SELECT place FROM meeting").fetchall()[0][0] == ""
    assert store.conn.execute("SELECT note FROM extra").fetchone()[0] == "from migration 2"
    assert len(audit_rows(store)) == 3
    store.close()

    copies = list(backups.glob("*.db"))
    assert len(copies) == 1 and f"before-v{version + 1}" in copies[0].name
    assert not list(backups.glob("*.tmp"))
    old = sqlite3.connect(copies[0])
    assert old.execute("PRAGMA user_version").fetchone()[0] == version
    assert sorted(r[0] for r in old.execute("SELECT uuid FROM meeting")) == sorted(uuids)
    assert "place" not in [r[1] for r in old.execute("PRAGMA table_info(meeting)")]
    old.close()

    # opening again: nothing pending, no second backup
    Store.open(path, backups).close()
    assert len(list(backups.glob("*.db"))) == 1


def test_failed_migration_changes_nothing(tmp_path, actor, monkeypatch):
    path, backups, uuids, _ = make_v1(tmp_path, actor)
    version = len(load_migrations())
    broken = f"\n-- migration {version + 1}: half good\nCREATE TABLE extra (id INTEGER);\nALTER TABLE nowhere ADD COLUMN x TEXT;\n"
    monkeypatch.setattr(schema, "_schema_text", lambda: ORIGINAL_SCHEMA_TEXT() + broken)
    with pytest.raises(schema.DatabaseError):
        Store.open(path, backups)
    monkeypatch.undo()
    store = Store.open(path, backups)
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == version
    assert store.conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'extra'").fetchone()[0] == 0
    assert len(store.all_live(MEETING)) == 3
    store.close()


def test_fresh_database_is_not_backed_up(tmp_path):
    Store.open(tmp_path / "new.db", tmp_path / "backups").close()
    assert not (tmp_path / "backups").exists()


def test_backups_are_pruned(store, tmp_path, monkeypatch):
    monkeypatch.setattr(schema, "KEEP_BACKUPS", 3)
    folder = tmp_path / "many"
    made = [schema.backup_database(store.conn, folder, f"r{i}") for i in range(5)]
    assert sorted(folder.iterdir()) == made[-3:]


def test_too_new_database_refused_untouched(tmp_path):
    path = tmp_path / "fazhi.db"
    Store.open(path, tmp_path / "backups").close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {len(load_migrations()) + 1}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(DatabaseTooNew) as info:
        Store.open(path, tmp_path / "backups")
    assert info.value.key == "err.db_too_new"
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fazhi.db"]


def test_too_new_rollback_journal_database_untouched(tmp_path):
    """A newer program may have left the file out of WAL mode: opening must not switch it."""
    path = tmp_path / "fazhi.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(DatabaseTooNew):
        Store.open(path, tmp_path / "backups")
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fazhi.db"]


@pytest.mark.parametrize("content", [b"this is not a database, just text\n" * 200, b"SQLite format 3\x00" + b"\xff" * 4000])
def test_non_database_file_is_corrupt(tmp_path, content):
    path = tmp_path / "fazhi.db"
    path.write_bytes(content)
    with pytest.raises(DatabaseCorrupt) as info:
        Store.open(path, tmp_path / "backups")
    assert info.value.key == "err.db_corrupt" and info.value.path == str(path)
    assert path.read_bytes() == content


# -- two programs on one file --------------------------------------------------------------


def test_write_waits_then_reports_busy(store, actor):
    uuid = store.insert(MEETING, meeting(), actor)
    store.conn.execute("PRAGMA busy_timeout = 100")
    other = sqlite3.connect(store.path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("UPDATE meeting SET title = '另一个程序' WHERE uuid = ?", (uuid,))
        with pytest.raises(DatabaseBusy) as info:
            store.insert(MEETING, meeting(title="等待中"), actor)
        assert info.value.key == "err.db_busy"
        with pytest.raises(DatabaseBusy):
            store.tombstone(MEETING, uuid, actor)
        # reads still work while the other program writes (WAL), and see the last commit
        assert store.get(MEETING, uuid)["title"] == "专题会议"
        assert store.count(MEETING) == 1
        assert not store.conn.in_transaction
        other.execute("COMMIT")
    finally:
        other.close()
    assert store.get(MEETING, uuid)["title"] == "另一个程序"
    new = store.insert(MEETING, meeting(title="现在可以了"), actor)
    assert store.count(MEETING) == 2 and store.exists("meeting", new)
    assert len(audit_rows(store)) == 2


def test_threads_share_one_store(store, actor):
    """Workers in threads write through one Store: the lock keeps their transactions apart."""
    errors = []

    def work(n):
        try:
            for i in range(25):
                store.insert(MEETING, meeting(title=f"线程{n}-{i}"), actor)
                store.count(MEETING)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert store.count(MEETING) == 100 and len(audit_rows(store)) == 100
