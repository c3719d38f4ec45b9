"""The hub's bulk import leaves exactly what importing the same bundles record by record does.

The bulk merge (importing._Merge) reads the hub's versions of a kind's records in a few
queries and writes the versions taken and the audit rows with one prepared statement each.
:class:`RecordByRecord` is the merge as it was before, made plainer still: for each row of
the bundle it reads the hub's version of that one record, decides exactly as before, and
writes the version taken and its audit row at once (the audit's ``changes`` by
``json.dumps`` itself). The same bundles — full, delta, clashes of two PCs of a township,
deletions, and a validly signed bundle with the same record twice, a stamp from 2099, a
restore and a new tombstone — imported into two copies of one hub, once each way, give the
same record tables, audit rows, conflicts, bundle summaries and outcomes.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import sqlite3
import uuid as uuid_module
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fazhi_tui.domain.kinds import KINDS
from fazhi_tui.storage.records import held_records, read_record
from fazhi_tui.storage.store import SYSTEM_COLUMNS
from fazhi_tui.sync.errors import BundleRefused, RecordRefused
from fazhi_tui.sync.hub import importing
from tests.hardening.forging import opened, signed
from tests.sync.util import (
    TOWN_A,
    TOWN_B,
    FakeClock,
    Office,
    another_enrolment,
    delete,
    enrol,
    export,
    hub,
    hub_import,
    insert,
    live_uuids,
    new_training,
    ok,
    real_now,
    stamp,
    township,
    update,
)


class RecordByRecord:
    """The previous merge, one record at a time: a query to read it, a statement to write it."""

    def __init__(self, db: Any, now: str, operator: str, hub_device: str, manifest, version: int, bundle_id: str,
                 columns: Any = None) -> None:  # (the columns: reads each row's own values instead)
        self.db, self.now, self.operator, self.hub_device = db, now, operator, hub_device
        self.manifest, self.version, self.bundle_id = manifest, version, bundle_id
        self.audit: list[tuple] = []
        self.conflicts: list[dict[str, Any]] = []
        self.reads = 0

    def _take(self, table: str, row: dict[str, Any], stamp: str) -> None:
        values = {c: row[c] for c in (*SYSTEM_COLUMNS, *KINDS[table].columns)}
        values.update(sync_stamp=stamp, sync_version=self.version)
        names = ", ".join(values)
        self.db.conn.execute(
            f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' for _ in values)})"
            f" ON CONFLICT (uuid) DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in values if c != 'uuid')}",
            list(values.values()),
        )

    def _audit(self, table: str, record_uuid: str, action: str, changes: dict) -> None:
        self.audit.append((self.now, self.operator, self.hub_device, table, record_uuid, action, json.dumps(changes, ensure_ascii=False)))

    def _conflict(self, table: str, record_uuid: str, *, winner: dict, loser: dict) -> None:
        self.conflicts.append(
            importing.hub_store.conflict_row(self.now, self.manifest["member"], table, record_uuid, self.bundle_id, winner=winner, loser=loser)
        )

    def kind(self, table: str, rows: list[dict[str, Any]], summary) -> None:
        kind_columns = KINDS[table].columns
        columns = (*SYSTEM_COLUMNS, *kind_columns)
        for row in sorted(rows, key=lambda r: r["deleted_at"] is None):
            incoming_stamp = min(row["sync_stamp"], self.now)
            current = read_record(self.db, table, row["uuid"])
            self.reads += 1
            if current is None:
                self._take(table, row, incoming_stamp)
                action = "delete" if row["deleted_at"] else "insert"
                summary.deleted += action == "delete"
                summary.added += action == "insert"
                self._audit(table, row["uuid"], action, {c: [None, row[c]] for c in kind_columns})
                continue
            if current["township"] != row["township"]:
                raise importing.BundleRefused("err.bundle_foreign_rows", f"{table} record {row['uuid']} belongs elsewhere")
            old, new = {c: current[c] for c in columns}, {c: row[c] for c in columns}
            if old == new:
                summary.unchanged += 1
                continue
            incoming_key = (incoming_stamp, row["rev"], row["device_id"])
            current_key = (current["sync_stamp"] or current["updated_at"], current["rev"], current["device_id"])
            if incoming_key > current_key:
                self._take(table, new, incoming_stamp)
                if current["device_id"] != row["device_id"]:
                    self._conflict(table, row["uuid"], winner=new, loser=old)
                    summary.conflicts += 1
                changes = {c: [old[c], new[c]] for c in kind_columns if old[c] != new[c]}
                if old["deleted_at"] is None and new["deleted_at"] is not None:
                    action = "delete"
                    summary.deleted += 1
                elif old["deleted_at"] is not None and new["deleted_at"] is None:
                    action = "restore"
                    summary.changed += 1
                else:
                    action = "update"
                    summary.changed += 1
                changes["deleted_at"] = [old["deleted_at"], new["deleted_at"]]
                self._audit(table, row["uuid"], action, changes)
            elif incoming_key < current_key and current["device_id"] != row["device_id"]:
                self._conflict(table, row["uuid"], winner=old, loser=new)
                summary.conflicts += 1
            else:
                summary.unchanged += 1


@dataclass(frozen=True)
class Scenario:
    hub: Office  # both townships enrolled, nothing imported
    paths: tuple[Path, ...]
    hub_start: dt.datetime


def _later(text: str, minutes: int) -> str:
    return stamp(dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC) + dt.timedelta(minutes=minutes))


@pytest.fixture(scope="module")
def scenario(tmp_path_factory) -> Scenario:
    root = tmp_path_factory.mktemp("bulk")
    usb = root / "usb"
    county = hub(root / "county")
    a1 = township(root / "a1", TOWN_A, records=60)
    b = township(root / "b", TOWN_B, records=40)
    enrol(county, a1, usb, "金星镇")
    enrol(county, b, usb, "示范镇101")
    a2 = a1.moved(root / "a2")  # the second PC of township A: its own device id and key
    conn = sqlite3.connect(a2.db)
    with conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'device_id'", (uuid_module.uuid4().hex,))
    conn.close()
    (a2.root / "keys" / "device.json").unlink()
    ok("enroll", another_enrolment(county, TOWN_A, usb), "--home", a2.root)

    clock = FakeClock(real_now() + dt.timedelta(minutes=1))
    meetings, staff = live_uuids(a1, "meeting"), live_uuids(a1, "staff")
    paths = [export(a1, usb, full=True, clock=clock).path]  # A1 #1: full
    update(a1, "meeting", meetings[0], {"title": "一号机先改"}, clock=clock)
    update(a2, "meeting", meetings[0], {"title": "二号机后改"}, clock=clock)
    update(a2, "meeting", meetings[1], {"title": "二号机先改"}, clock=clock)
    update(a1, "meeting", meetings[1], {"title": "一号机后改"}, clock=clock)
    delete(a1, "meeting", meetings[2], clock=clock)
    delete(a1, "staff", staff[0], clock=clock)
    insert(a1, "training", new_training("一号机加的培训"), clock=clock)
    insert(a2, "training", new_training("二号机加的培训"), clock=clock)
    paths.append(export(a1, usb, clock=clock).path)  # A1 #2: since #1 (not confirmed: all again)
    paths.append(export(a2, usb, full=True, clock=clock).path)  # A2 #1: full, clashes with A1
    paths.append(export(b, usb, full=True, clock=clock).path)  # B #1
    delete(b, "hearing", live_uuids(b, "hearing")[0], clock=clock)
    paths.append(export(b, usb, clock=clock).path)  # B #2

    # A1 #3, validly signed by A1: the same record twice (both newer), a stamp from 2099,
    # the deleted staff member restored, a new record sent as a tombstone, and an older
    # version of a record another PC changed since (set aside as a clash).
    manifest, payload = opened(county, paths[1])
    rows = payload["records"]
    by_uuid = {row["uuid"]: row for name in rows for row in rows[name]}
    now = clock()
    twice_first = dict(by_uuid[meetings[3]], title="同一包里第一次", rev=by_uuid[meetings[3]]["rev"] + 1, updated_at=now, sync_stamp=now)
    later = clock()
    twice_second = dict(twice_first, title="同一包里第二次", rev=twice_first["rev"] + 1, updated_at=later, sync_stamp=later)
    future = "2099-01-01T00:00:00.000000Z"
    ahead = dict(by_uuid[meetings[4]], title="钟拨快了", rev=by_uuid[meetings[4]]["rev"] + 1, updated_at=future, sync_stamp=future)
    restore_at = clock()
    restored = dict(by_uuid[staff[0]], deleted_at=None, rev=by_uuid[staff[0]]["rev"] + 1, updated_at=restore_at, sync_stamp=restore_at)
    tomb_at = clock()
    training = next(row for row in rows["training"] if row["deleted_at"] is None)
    tomb = dict(training, uuid=uuid_module.uuid4().hex, created_at=tomb_at, updated_at=tomb_at, sync_stamp=tomb_at, deleted_at=tomb_at)
    old_version = dict(by_uuid[meetings[0]], title="过时的一版", sync_stamp=_later(by_uuid[meetings[0]]["sync_stamp"], -60))
    forged = {"records": {"meeting": [twice_first, ahead, twice_second, old_version], "staff": [restored], "training": [tomb]}}
    paths.append(signed(county, a1, {**manifest, "seq": manifest["seq"] + 1}, forged, root / "forged" / "a1-3.fzb"))
    return Scenario(county, tuple(paths), clock.now + dt.timedelta(days=1))


def hub_content(db: Path) -> dict[str, list[tuple]]:
    """Record tables by uuid; audit rows, conflicts and bundles in the order written (no ids)."""
    conn = sqlite3.connect(db)
    try:
        out = {name: conn.execute(f"SELECT * FROM {name} ORDER BY uuid").fetchall() for name in KINDS}
        out["audit_log"] = conn.execute(
            "SELECT at, operator, device_id, table_name, record_uuid, action, changes FROM audit_log ORDER BY id"
        ).fetchall()
        columns = [r[1] for r in conn.execute("PRAGMA table_info(sync_conflict)") if r[1] != "id"]
        out["sync_conflict"] = conn.execute(f"SELECT {', '.join(columns)} FROM sync_conflict ORDER BY id").fetchall()
        out["hub_bundle"] = conn.execute(
            "SELECT bundle_id, file_sha256, member, device_id, seq, since_seq, imported_at, summary FROM hub_bundle ORDER BY imported_at"
        ).fetchall()
        return out
    finally:
        conn.close()


def _outcomes(target: Office, paths, start: dt.datetime) -> list[tuple]:
    clock = FakeClock(start)
    out = []
    for path in paths:
        outcome = hub_import(target, path, clock=clock)
        totals = {name: summary.as_dict() for name, summary in outcome.summary.items()}
        out.append((outcome.verdict, totals, outcome.missing, outcome.clamped, outcome.error and outcome.error.key))
    return out


def test_bulk_import_writes_what_record_by_record_import_writes(scenario, tmp_path, monkeypatch):
    bulk = scenario.hub.moved(tmp_path / "bulk")
    bulk_outcomes = _outcomes(bulk, scenario.paths, scenario.hub_start)

    one_by_one = scenario.hub.moved(tmp_path / "one")
    made: list[RecordByRecord] = []
    monkeypatch.setattr(importing, "_Merge", lambda *args: made.append(RecordByRecord(*args)) or made[-1])
    reference_outcomes = _outcomes(one_by_one, scenario.paths, scenario.hub_start)
    monkeypatch.undo()

    assert len(made) == len(scenario.paths)
    assert sum(m.reads for m in made) > 200  # the reference really went record by record
    assert [o[0] for o in reference_outcomes] == ["imported"] * len(scenario.paths)
    assert bulk_outcomes == reference_outcomes
    # the scenario holds what it is meant to: clashes, a clamped stamp, a restore, a tombstone
    forged = reference_outcomes[-1][1]
    assert forged["meeting"]["changed"] == 3 and forged["meeting"]["conflicts"] == 1
    assert forged["staff"]["changed"] == 1 and forged["training"]["deleted"] == 1
    assert reference_outcomes[-1][3] == 1
    expected, got = hub_content(one_by_one.db), hub_content(bulk.db)
    assert {k: len(v) for k, v in got.items()} == {k: len(v) for k, v in expected.items()}
    for table in expected:
        assert got[table] == expected[table], table
    actions = {row[5] for row in got["audit_log"]}
    assert actions == {"insert", "update", "delete", "restore"}
    assert len(got["sync_conflict"]) >= 3


def test_bulk_merge_reads_the_held_records_a_kind_at_a_time(scenario, tmp_path, monkeypatch):
    """The hub's versions are read with uuid IN (...) per kind, not one query per record."""
    target = scenario.hub.moved(tmp_path / "hub")
    calls: list[int] = []

    def counting(db, table, uuids):
        calls.append(len(uuids))
        return held_records(db, table, uuids)

    monkeypatch.setattr(importing, "held_records", counting)
    reads: list[str] = []
    monkeypatch.setattr(importing, "read_record", lambda db, table, u: reads.append(u) or read_record(db, table, u))
    _outcomes(target, scenario.paths[:1], scenario.hub_start)
    assert 0 < len(calls) <= len(KINDS) and sum(calls) > 60
    assert reads == []


HOSTILE = (
    None, "", " ", "x", "x\ny", "a\u200bb", "\x00", "a" * 801, 0, 1, -1, 2**31, 10**9, 10**6 + 1, 1.5, float("nan"), float("inf"),
    True, False, [], ["a"], ["a\nb"], [1], {"a": 1}, "2026-01-01", "2026-02-30", "2026-01-01\n2026-01-02", "9999-12-31",
    "2026-01-01T00:00:00.000000Z", "2026-01-01T24:00:00.000000Z", "2026-02-30T00:00:00.000000Z", "2026-01-01T00:00:60.000000Z",
    "640302100", "640303100", "admin", "deploy", "partial", "not-a-code", "u" * 64, "u" * 65, "a\tb\nc", "a\r\nb", " \n\t",
)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)

def drawn_raws(data, scenario) -> tuple[Any, list[dict]]:
    """A kind drawn from the scenario's bundle and up to 60 of its records as the forms
    would hold them (a run drawn from where it starts)."""
    payload = _payload(scenario)
    name = data.draw(st.sampled_from([n for n in KINDS if payload["records"].get(n)]), label="kind")
    raws = [dict(raw) for raw in _form_raws(scenario, name)]
    if len(raws) > 60:
        start = data.draw(st.integers(0, len(raws) - 60), label="start")
        raws = raws[start : start + 60]
    return KINDS[name], raws


def spoiled_rows(data, payload: dict) -> tuple[str, list[dict]]:
    """A kind drawn from ``payload`` and a copy of its rows with up to three changes drawn:
    a hostile value in a column, a column dropped, or one added."""
    name = data.draw(st.sampled_from([n for n in KINDS if payload["records"].get(n)]), label="kind")
    rows = [dict(row) for row in copy.deepcopy(payload["records"][name])]
    for _ in range(data.draw(st.integers(0, 3), label="changes")):
        row = data.draw(st.sampled_from(rows), label="row")
        column = data.draw(st.sampled_from(sorted(row)), label="column")
        what = data.draw(st.sampled_from(["value", "value", "value", "drop", "extra"]), label="what")
        if what == "drop":
            row.pop(column)
        elif what == "extra":
            row["extra"] = 1
        else:
            row[column] = data.draw(st.sampled_from(HOSTILE), label="value")
    return name, rows

@given(data=st.data())
def test_columns_checked_at_once_agree_with_rows_checked_one_by_one(scenario, data):
    """decode_rows (a column at a time, falling back to row by row) gives exactly what the
    row-by-row check gives, or refuses with the very same error, whatever a row holds."""
    from fazhi_tui.sync import bundle

    name, rows = spoiled_rows(data, _payload(scenario))

    def outcome(decode):
        try:
            return decode(KINDS[name], copy.deepcopy(rows), TOWN_A)
        except (BundleRefused, RecordRefused) as exc:
            return type(exc), str(exc), getattr(exc, "key", None)

    expected = outcome(bundle._decode_each)
    got = outcome(bundle.decode_rows)
    assert repr(got) == repr(expected)  # repr: nan == nan
    # the rows themselves made the decoded rows (the hub's import: a payload just parsed)
    reused = outcome(lambda kind, rows, member: bundle.decode_rows(kind, rows, member, reuse=True))
    assert repr(reused) == repr(expected)


def test_columns_checked_at_once_agree_on_each_value_in_each_field(scenario):
    """Every hostile value in every column of every kind, in one row among real ones:
    decode_rows (reusing the rows or not) gives what the row-by-row check gives."""
    from fazhi_tui.sync import bundle

    payload = _payload(scenario)
    checked = 0
    for name, rows in payload["records"].items():
        if not rows:
            continue
        for column in rows[0]:
            for value in HOSTILE:
                changed = copy.deepcopy(rows[:4])
                changed[len(changed) // 2][column] = value

                def outcome(decode, changed=changed, kind=KINDS[name]):
                    try:
                        return decode(kind, copy.deepcopy(changed), TOWN_A)
                    except (BundleRefused, RecordRefused) as exc:
                        return type(exc), str(exc), getattr(exc, "key", None)

                expected = repr(outcome(bundle._decode_each))
                assert repr(outcome(bundle.decode_rows)) == expected, (name, column, value)
                assert repr(outcome(lambda kind, rows, member: bundle.decode_rows(kind, rows, member, reuse=True))) == expected
                checked += 1
    assert checked > 3000


_PAYLOADS: dict[Path, dict] = {}


def _payload(scenario: Scenario) -> dict:
    path = scenario.paths[0]
    if path not in _PAYLOADS:
        _PAYLOADS[path] = opened(scenario.hub, path)[1]
    return _PAYLOADS[path]


def test_a_real_bundle_is_checked_a_column_at_a_time(scenario):
    from fazhi_tui.sync import bundle

    payload = _payload(scenario)
    for name, rows in payload["records"].items():
        if rows:
            fast = bundle._decode_columns(KINDS[name], rows, TOWN_A)
            assert fast is not None, name
            assert fast == bundle._decode_each(KINDS[name], rows, TOWN_A)
            assert [list(row) for row in fast] == [list(row) for row in bundle._decode_each(KINDS[name], rows, TOWN_A)]
            own = copy.deepcopy(rows)
            reused = bundle.decode_rows(KINDS[name], own, TOWN_A, reuse=True)
            assert reused is own and repr(reused) == repr(fast)  # the payload's own rows, converted in place


def test_audit_changes_made_a_column_at_a_time_are_json_dumps_text():
    from fazhi_tui.storage.records import audit_changes, insert_changes

    rows = [
        {"a": '引号"与\n换行', "b": 1, "c": None, "d": 2.5, "e": None, "f": True},
        {"a": "", "b": 0, "c": "y", "d": 3, "e": 5, "f": False},
        {"a": "\u2028%s%d\\", "b": -5, "c": None, "d": 1e-7, "e": None, "f": None},
    ]
    columns = ["a", "b", "c", "d", "e", "f"]
    expected = [json.dumps({c: [None, row[c]] for c in columns}, ensure_ascii=False) for row in rows]
    assert insert_changes(columns, rows) == expected
    assert insert_changes([], rows) == ["{}"] * 3
    assert [audit_changes(row) for row in rows] == [json.dumps(row, ensure_ascii=False) for row in rows]


def test_validate_with_shared_conversions_gives_what_validate_gives(scenario):
    """The hub's check shares the conversion of equal values across a bundle's records
    (validate's ``converted``): every record's result is what validate alone gives."""
    from fazhi_tui.domain.validation import validate
    from fazhi_tui.sync import bundle

    payload = _payload(scenario)
    shared: dict = {}
    checked = 0
    for name, rows in payload["records"].items():
        kind = KINDS[name]

        class Lookup:
            def is_taken(self, *args):
                return False

            def exists(self, kind_name, record_uuid):
                return True

        for row in bundle.decode_rows(kind, rows, TOWN_A):
            raw = {f.name: json.loads(row[f.name]) if f.type == "refs" else row[f.name] for f in kind.fields}
            raw["hours"] = -0.0 if name == "training" and checked % 2 else raw.get("hours", 0)
            alone = validate(kind, raw, today=dt.date(2026, 11, 28), lookup=Lookup(), uuid=row["uuid"])
            together = validate(kind, raw, today=dt.date(2026, 11, 28), lookup=Lookup(), uuid=row["uuid"], converted=shared)
            assert repr(together) == repr(alone)
            checked += 1
    assert checked > 100 and shared


FORM_VALUES = (
    *HOSTILE, " 2026-01-01 ", "2026/1/5", "２０２６-01-01", "0999-01-01", "0000-01-01", "2026-1-5", "20260105", "  ", "\t",
    "a\tb", " 拉萨 ", "x" * 51, "x" * 2001, "１２", "12", " 7 ", "1.5", -0.0, 0.0, 1000.0, 1000.5, 3, "absent", "full",
    "online", ["a", "a"], ["a", 1], ("a",), ["missing-1", "missing-1", "b"], "staff-1", "missing-1", 2030, 1999, "a\r\nb", "a\rb",
    "a\x1b[2Jb", "a\u2028b", " \n ",
)


class _PickyLookup:
    """Says some ids are missing and some values taken, the same way each time it is asked."""

    def __init__(self, missing: set[str], taken: set[Any]) -> None:
        self.missing, self.taken = missing, taken

    def is_taken(self, kind: str, column: str, value: Any, exclude_uuid: str | None) -> bool:
        return value in self.taken and exclude_uuid != "u-self"

    def exists(self, kind: str, uuid: str) -> bool:
        return uuid not in self.missing


def _form_raws(scenario: Scenario, name: str) -> list[dict[str, Any]]:
    """The live records of a kind of the scenario's first bundle, as the hub hands them to
    the forms' checks (lists of references as lists)."""
    from fazhi_tui.sync import bundle

    kind = KINDS[name]
    rows = bundle.decode_rows(kind, _payload(scenario)["records"][name], TOWN_A)
    return [
        {**row, **{f.name: json.loads(row[f.name]) for f in kind.fields if f.type == "refs"}}
        for row in rows
        if row["deleted_at"] is None
    ]


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(data=st.data())
def test_validate_many_finds_what_validate_finds_in_each_record(scenario, data):
    """validate_many (a column at a time) gives, for every record, exactly the problems
    validate gives it alone, in the same order: whatever the values, whichever are missing,
    taken or in the future."""
    from fazhi_tui.domain.validation import Limits, validate, validate_many

    kind, raws = drawn_raws(data, scenario)
    names = [f.name for f in kind.fields]
    for _ in range(data.draw(st.integers(1, 6), label="changes")):
        raw = data.draw(st.sampled_from(raws), label="record")
        field_name = data.draw(st.sampled_from(names), label="field")
        if data.draw(st.booleans(), label="drop"):
            raw.pop(field_name, None)
        else:
            pick = data.draw(st.sampled_from([*FORM_VALUES, *{raw.get(n) for n in names if isinstance(raw.get(n), str)}]), label="value")
            raw[field_name] = list(pick) if isinstance(pick, (list, tuple)) else pick
    ids = sorted({u for raw in raws for f in kind.fields if f.type in ("ref", "refs") for u in (
        raw.get(f.name) if isinstance(raw.get(f.name), list) else [raw.get(f.name)]) if isinstance(u, str)})
    missing = set(data.draw(st.lists(st.sampled_from(ids), max_size=3), label="missing")) if ids else set()
    missing.add("missing-1")
    taken = {data.draw(st.sampled_from([None, "x", 2026, *{raw.get(n) for raw in raws[:5] for n in names if isinstance(raw.get(n), (str, int))}]), label="taken")}
    lookup = _PickyLookup(missing, taken)
    today = dt.date(2026, 11, 28) - dt.timedelta(days=data.draw(st.sampled_from([0, 0, 400, 4000]), label="days back"))
    limits = Limits(future_meeting_days=data.draw(st.sampled_from([366, 0]), label="future days"))
    uuids = [data.draw(st.sampled_from([raw["uuid"], "u-self", None]), label="uuid") if i < 3 else raw["uuid"] for i, raw in enumerate(raws)]

    def alone(i):
        try:
            return list(validate(kind, raws[i], today=today, lookup=lookup, uuid=uuids[i], limits=limits).problems.items())
        except Exception as exc:  # noqa: BLE001 - the same failure is as good an answer
            return type(exc)

    expected = [alone(i) for i in range(len(raws))]
    if any(isinstance(e, type) for e in expected):
        with pytest.raises(Exception):  # noqa: B017 - validate itself fails on such a record
            validate_many(kind, raws, today=today, lookup=lookup, uuids=uuids, limits=limits)
        return
    got = validate_many(kind, raws, today=today, lookup=lookup, uuids=uuids, limits=limits)
    assert list(got) == sorted(got)
    assert all(got.values())
    assert [list(got.get(i, {}).items()) for i in range(len(raws))] == expected


def _same_as_validate(kind, raws, lookup, today=dt.date(2026, 11, 28), uuids=None, limits=None) -> None:
    from fazhi_tui.domain.validation import Limits, validate, validate_many

    uuids = uuids or [raw.get("uuid") for raw in raws]
    limits = limits or Limits()
    expected = [list(validate(kind, raw, today=today, lookup=lookup, uuid=u, limits=limits).problems.items()) for raw, u in zip(raws, uuids)]
    got = validate_many(kind, raws, today=today, lookup=lookup, uuids=uuids, limits=limits)
    assert [list(got.get(i, {}).items()) for i in range(len(raws))] == expected, (kind.name, raws)


_DROP = object()


def test_validate_many_agrees_with_validate_on_each_value_in_each_field(scenario):
    """Every field of every kind, every awkward value (and the field left out) in two records
    among clean ones: validate_many gives each record what validate gives it."""
    from fazhi_tui.domain.validation import validate

    lookup = _PickyLookup({"missing-1"}, {"x", 2026})
    checked = 0
    for name in KINDS:
        if not _payload(scenario)["records"].get(name):
            continue
        rows = _form_raws(scenario, name)[:5]
        kind = KINDS[name]
        for f in kind.fields:
            for value in (*FORM_VALUES, _DROP):
                raws = [dict(raw) for raw in rows]
                for raw in raws[1:3]:
                    if value is _DROP:
                        raw.pop(f.name, None)
                    else:
                        raw[f.name] = list(value) if isinstance(value, (list, tuple)) else value
                try:
                    [validate(kind, raw, today=dt.date(2026, 11, 28), lookup=lookup) for raw in raws]
                except (TypeError, AttributeError, ValueError):  # validate itself fails on such a value
                    continue
                _same_as_validate(kind, raws, lookup)
                checked += 1
    assert checked > 5000


def test_validate_many_takes_the_quick_paths_on_a_real_bundle(scenario, monkeypatch):
    """On a township's real records the columns convert without a call per value: dates,
    text, lists of references and numbers take the column paths (what makes it quick)."""
    from fazhi_tui.domain import validation

    calls: list[str] = []
    original = validation._clean_one
    monkeypatch.setattr(validation, "_clean_one", lambda f, raw: calls.append(f.type) or original(f, raw))
    lookup = _PickyLookup(set(), set())
    records = 0
    for name in KINDS:
        if _payload(scenario)["records"].get(name):
            raws = _form_raws(scenario, name)
            records += len(raws)
            found = validation.validate_many(KINDS[name], raws, today=dt.date(2026, 11, 28), lookup=lookup, uuids=[r["uuid"] for r in raws])
            assert not found, name
    assert records > 100
    assert not {"date", "text", "longtext", "refs"} & set(calls)
    assert len(calls) < records  # a call per distinct value of a choice, a number, a reference
