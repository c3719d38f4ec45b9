"""USB sync round trips: townships → county (→ city), and the county's down-bundle back.

Each test works on its own copy of a county hub (利通区 640302) with two enrolled demo
townships (640302100 金星镇 and 640302101), in tmp_path; bundles go through a folder that
plays the USB stick.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import uuid as uuid_module
from pathlib import Path

import fazhi_tui
from fazhi_tui.base.i18n import kind_label
from fazhi_tui.domain.checklist import load_rules
from fazhi_tui.domain.kinds import KINDS
from fazhi_tui.domain.reasons import reason_text
from fazhi_tui.services.checklist import load_active_rules
from fazhi_tui.sync import crypto
from fazhi_tui.sync.bundle import read_signed
from fazhi_tui.sync.hub import archive_dir
from fazhi_tui.sync.keys import load_device_key
from tests.sync.util import (
    COUNTY,
    TOWN_A,
    TOWN_B,
    FakeClock,
    Office,
    another_enrolment,
    contents,
    delete,
    down,
    down_file,
    dump,
    enrol,
    export,
    files,
    hub,
    hub_import,
    hub_publish,
    insert,
    kind_counts,
    live_uuids,
    new_training,
    ok,
    query,
    real_now,
    record_tables,
    run,
    stamp,
    update,
)

MINUTE = dt.timedelta(minutes=1)


def totals(outcome) -> dict[str, int]:
    return outcome.totals()


def hub_records(hub_office: Office) -> dict[str, list[tuple]]:
    """The hub's record tables without ``sync_version``, the hub's own change counter (it
    numbers the hub's writes in the order they happened, for the hub's up-bundle to the
    level above, so it differs with the order of imports by design)."""
    tables = record_tables(hub_office.db)
    out = {}
    for name, rows in tables.items():
        conn = sqlite3.connect(hub_office.db)
        try:
            columns = [r[1] for r in conn.execute(f"PRAGMA table_info({name})")]
        finally:
            conn.close()
        keep = [i for i, c in enumerate(columns) if c != "sync_version"]
        out[name] = [tuple(row[i] for i in keep) for row in rows]
    return out


def catalog_item(code: str, name: str) -> dict:
    return {"code": code, "name": name, "power_type": "penalty", "mode": "empower", "status": "taking", "staff": []}


def field(office: Office, kind: str, record_uuid: str, column: str):
    return query(office.db, f"SELECT {column} FROM {kind} WHERE uuid = ?", (record_uuid,))[0][0]


# -- two townships, one county ------------------------------------------------------------------------------


def test_two_townships_export_and_the_county_imports_both(world):
    w = world
    for town in (w.a, w.b):
        result = ok("export", "--to", w.usb, "--home", town.root)
        assert "已导出" in result.out and "完整" in result.out
    bundles = sorted(w.usb.glob("fazhi-up-*.fzb"))
    assert [p.name.split("-")[2] for p in bundles] == [TOWN_A, TOWN_B]

    # a dry run says what would change, per kind, and writes nothing
    before = dump(w.hub.db)
    dry = ok("hub", "import", "--dry-run", *bundles, "--home", w.hub.root)
    assert dry.out.count("试导入（未写入）") == 2
    for town in (w.a, w.b):
        for name in KINDS:
            live, dead = query(town.db, f"SELECT count(*) - count(deleted_at), count(deleted_at) FROM {name}")[0]
            if live or dead:  # a kind the township has no record of is not listed
                assert f"    {kind_label(name)}：新增 {live}，修改 0，删除 {dead}，未变 0，冲突 0" in dry.lines
    assert dump(w.hub.db) == before
    assert query(w.hub.db, "SELECT count(*) FROM hub_bundle")[0][0] == 0
    assert all(not rows for rows in record_tables(w.hub.db).values())
    assert files(archive_dir(w.hub.home)) == {}

    done = ok("hub", "import", *bundles, "--home", w.hub.root)
    assert [line.split("：")[0] for line in done.lines] == ["已导入", "已导入"]
    for town in (w.a, w.b):
        counts = kind_counts(w.hub.db, town.code)
        assert counts == kind_counts(town.db) and all(counts.values())
        assert query(town.db, "SELECT count(*) FROM meeting WHERE deleted_at IS NOT NULL")[0][0] > 0  # tombstones travel
        assert contents(w.hub.db, town.code) == contents(town.db, town.code)
    # every imported file is kept in the archive, byte for byte, named by its content's digest
    assert files(archive_dir(w.hub.home)) == {
        f"{p.name.split('-')[2]}/{crypto.sha256_hex(p.read_bytes())}.fzb": p.read_bytes() for p in bundles
    }

    # importing the same files again changes nothing and says so
    after = dump(w.hub.db)
    again = ok("hub", "import", *bundles, "--home", w.hub.root)
    assert again.lines == [f"已导入过，未做改动：{p}" for p in bundles]
    assert dump(w.hub.db) == after
    dry_again = ok("hub", "import", "--dry-run", bundles[0], "--home", w.hub.root)
    assert dry_again.out.startswith("已导入过")


def test_edits_and_deletions_travel_as_a_delta_once_confirmed(world):
    w = world
    meetings, staff = live_uuids(w.a, "meeting"), live_uuids(w.a, "staff")
    first = export(w.a, w.usb)
    assert (first.seq, first.full) == (1, True)
    update(w.a, "meeting", meetings[0], {"title": "第一次修改的会议"})
    second = export(w.a, w.usb)
    # nothing confirmed yet: a full copy again
    assert (second.seq, second.full, second.records) == (2, True, first.records)
    assert read_signed(second.path, "up")[0]["since_seq"] == 0
    assert [hub_import(w.hub, r.path).verdict for r in (first, second)] == ["imported", "imported"]

    (usb_down,) = [p for p in hub_publish(w.hub, w.usb / "down") if TOWN_A in p.name]
    confirmed = down(w.a, usb_down)
    assert (confirmed.verdict, confirmed.confirmed_seq) == ("imported", 2)

    update(w.a, "meeting", meetings[1], {"title": "第二次修改的会议"})
    delete(w.a, "staff", staff[0])
    added = insert(w.a, "training", new_training("确认之后新加的培训"))
    third = export(w.a, w.usb)
    manifest = read_signed(third.path, "up")[0]
    assert (third.seq, third.full, manifest["since_seq"], manifest["full"]) == (3, False, 2, False)
    assert {k: v for k, v in third.counts.items() if v} == {"meeting": 1, "staff": 1, "training": 1}

    outcome = hub_import(w.hub, third.path)
    assert outcome.verdict == "imported" and outcome.missing == []
    assert totals(outcome) == {"added": 1, "changed": 1, "deleted": 1, "unchanged": 0, "conflicts": 0}
    assert (outcome.summary["meeting"].changed, outcome.summary["staff"].deleted, outcome.summary["training"].added) == (1, 1, 1)
    assert field(w.hub, "meeting", meetings[1], "title") == "第二次修改的会议"
    assert field(w.hub, "staff", staff[0], "deleted_at") == field(w.a, "staff", staff[0], "deleted_at") is not None
    assert field(w.hub, "training", added, "title") == "确认之后新加的培训"
    audit = query(
        w.hub.db, "SELECT table_name, record_uuid, action FROM audit_log WHERE operator = ?", (f"bundle:{outcome.bundle_id}",)
    )
    assert {tuple(r) for r in audit} == {
        ("meeting", meetings[1], "update"),
        ("staff", staff[0], "delete"),
        ("training", added, "insert"),
    }
    assert contents(w.hub.db, TOWN_A) == contents(w.a.db, TOWN_A)


def test_a_restored_record_takes_back_its_code_from_a_deleted_one(world):
    """Delete item X, record X anew, then change one's mind: delete the new one and restore
    the old. The hub applies the bundle's tombstones first, so the code is free again."""
    w = world
    item = catalog_item("QX-7001", "原来的事项")
    old = insert(w.a, "delegated_item", item)
    delete(w.a, "delegated_item", old)
    new = insert(w.a, "delegated_item", {**item, "name": "重新登记的事项"})
    assert hub_import(w.hub, export(w.a, w.usb).path).verdict == "imported"

    delete(w.a, "delegated_item", new)
    with w.a.store() as store:
        store.restore(KINDS["delegated_item"], old, w.a.actor())
    outcome = hub_import(w.hub, export(w.a, w.usb).path)
    assert outcome.verdict == "imported", outcome.error and outcome.error.detail
    assert (outcome.summary["delegated_item"].deleted, outcome.summary["delegated_item"].changed) == (1, 1)
    live = query(w.hub.db, "SELECT uuid FROM delegated_item WHERE code = 'QX-7001' AND deleted_at IS NULL")
    assert [r[0] for r in live] == [old]
    assert contents(w.hub.db, TOWN_A) == contents(w.a.db, TOWN_A)


# -- order, duplicates and gaps --------------------------------------------------------------------------------


def three_bundles(w) -> tuple[list[Path], dict[str, str]]:
    """Bundles 1, 2, 3 of township A (full copies: nothing is confirmed), with edits between."""
    meetings, staff = live_uuids(w.a, "meeting"), live_uuids(w.a, "staff")
    ids = {"renamed": meetings[0], "deleted": meetings[1], "staff": staff[0]}
    paths = [export(w.a, w.usb).path]
    update(w.a, "meeting", ids["renamed"], {"title": "版本二"})
    delete(w.a, "meeting", ids["deleted"])
    ids["training"] = insert(w.a, "training", new_training("第二包新加的培训"))
    paths.append(export(w.a, w.usb).path)
    update(w.a, "meeting", ids["renamed"], {"title": "版本三"})
    update(w.a, "training", ids["training"], {"hours": 3.5})
    update(w.a, "staff", ids["staff"], {"post": "第三包的职务"})
    paths.append(export(w.a, w.usb).path)
    return paths, ids


def test_out_of_order_imports_end_as_in_order_and_older_bundles_do_not_overwrite(world):
    w = world
    (b1, b2, b3), ids = three_bundles(w)
    in_order = w.hub.moved(w.root / "county-in-order")
    assert [hub_import(in_order, b).verdict for b in (b1, b2, b3)] == ["imported"] * 3

    assert hub_import(w.hub, b3).verdict == "imported"
    newest = hub_records(w.hub)
    for older in (b1, b2):
        outcome = hub_import(w.hub, older)
        assert outcome.verdict == "imported"
        assert totals(outcome)["added"] == totals(outcome)["changed"] == totals(outcome)["deleted"] == 0
        assert hub_records(w.hub) == newest  # an older bundle changes nothing
    assert hub_records(w.hub) == hub_records(in_order)
    assert field(w.hub, "meeting", ids["renamed"], "title") == "版本三"
    assert field(w.hub, "meeting", ids["deleted"], "deleted_at") is not None
    assert field(w.hub, "training", ids["training"], "hours") == 3.5
    assert field(w.hub, "staff", ids["staff"], "post") == "第三包的职务"
    assert contents(w.hub.db, TOWN_A) == contents(w.a.db, TOWN_A)
    assert sorted(r[0] for r in query(w.hub.db, "SELECT seq FROM hub_bundle")) == [1, 2, 3]


def test_a_gap_in_a_devices_sequence_numbers_is_reported(world):
    """A full bundle carries everything: no earlier number is missing then (issue 20). A
    delta carries what changed after the bundle it names (since_seq): numbers up to that
    one the hub lacks are missing, reported as one range."""
    w = world
    (b1, b2, b3), _ = three_bundles(w)
    empty = w.hub.moved(w.root / "county-empty")
    by_cli = w.hub.moved(w.root / "county-cli")
    device = w.a.device_id()

    outcome = hub_import(w.hub, b3)
    assert (outcome.verdict, outcome.seq, outcome.missing) == ("imported", 3, [])
    result = ok("hub", "import", b3, "--home", by_cli.root)
    assert result.lines[0].startswith("已导入") and len(result.lines) == 1
    assert hub_import(w.hub, b1).missing == []

    # bundle 3 confirmed: the next two are deltas since 3
    assert down(w.a, down_file(hub_publish(w.hub, w.root / "down")[0].parent, TOWN_A)).confirmed_seq == 3
    meeting = live_uuids(w.a, "meeting")[0]
    update(w.a, "meeting", meeting, {"title": "第四包"})
    b4 = export(w.a, w.usb).path
    update(w.a, "meeting", meeting, {"title": "第五包"})
    b5 = export(w.a, w.usb)
    assert (b5.seq, b5.full, read_signed(b5.path, "up")[0]["since_seq"]) == (5, False, 3)
    assert hub_import(w.hub, b5.path).missing == []  # 3 held, 4 carried by 5

    outcome = hub_import(empty, b5.path)
    assert (outcome.verdict, outcome.missing) == ("imported", [(1, 3)])
    result = ok("hub", "import", b4, "--home", empty.root)
    assert result.lines[1:] == [f"缺少 {TOWN_A} 设备 {device[:8]} 的第 1 至 3 个数据包"]
    assert hub_import(empty, b1).missing == []  # full: nothing before it is missing
    assert hub_import(empty, b2).missing == []


# -- two devices of one township, and clocks that are wrong -----------------------------------------------------


def second_device(w) -> Office:
    """Township A's home copied to a second PC: same database, a new device id and key,
    enrolled with an enrolment file of its own (the township's was spent by its first bundle)."""
    a2 = w.a.moved(w.root / "a2")
    conn = sqlite3.connect(a2.db)
    with conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'device_id'", (uuid_module.uuid4().hex,))
    conn.close()
    (a2.root / "keys" / "device.json").unlink()
    ok("enroll", another_enrolment(w.hub, TOWN_A, w.usb), "--home", a2.root)
    assert a2.device_id() != w.a.device_id()
    keys = [crypto.public_signing_bytes(load_device_key(o.home)) for o in (w.a, a2)]
    assert keys[0] != keys[1]
    return a2


def test_two_devices_change_the_same_record_the_later_write_wins_and_the_clash_is_kept(world):
    w = world
    a2 = second_device(w)
    meeting = live_uuids(w.a, "meeting")[0]
    start = real_now() + MINUTE
    update(w.a, "meeting", meeting, {"title": "一号机写的标题"}, clock=FakeClock(start))
    update(a2, "meeting", meeting, {"title": "二号机后写的标题"}, clock=FakeClock(start + dt.timedelta(seconds=10)))
    up1, up2 = export(w.a, w.usb), export(a2, w.usb)
    assert up1.path != up2.path
    other_order = w.hub.moved(w.root / "county-other-order")

    first = hub_import(w.hub, up1.path, clock=FakeClock(start + 60 * MINUTE))
    second = hub_import(w.hub, up2.path, clock=FakeClock(start + 61 * MINUTE))
    assert (first.verdict, second.verdict) == ("imported", "imported")
    assert totals(first)["conflicts"] == 0
    assert totals(second)["conflicts"] == 1 and second.summary["meeting"].changed == 1
    assert totals(second)["changed"] == 1 and totals(second)["added"] == 0
    assert field(w.hub, "meeting", meeting, "title") == "二号机后写的标题"
    (clash,) = query(w.hub.db, "SELECT * FROM sync_conflict")
    assert (clash["member"], clash["table_name"], clash["record_uuid"]) == (TOWN_A, "meeting", meeting)
    assert (clash["winner_device"], clash["loser_device"]) == (a2.device_id(), w.a.device_id())
    assert json.loads(clash["winner"])["title"] == "二号机后写的标题"
    assert json.loads(clash["loser"])["title"] == "一号机写的标题"

    # the other order decides alike and records the same clash
    assert totals(hub_import(other_order, up2.path, clock=FakeClock(start + 60 * MINUTE)))["conflicts"] == 0
    assert totals(hub_import(other_order, up1.path, clock=FakeClock(start + 61 * MINUTE)))["conflicts"] == 1
    assert hub_records(other_order) == hub_records(w.hub)
    (other_clash,) = query(other_order.db, "SELECT * FROM sync_conflict")
    assert (other_clash["winner_device"], other_clash["loser_device"]) == (clash["winner_device"], clash["loser_device"])
    assert (json.loads(other_clash["winner"]), json.loads(other_clash["loser"])) == (
        json.loads(clash["winner"]),
        json.loads(clash["loser"]),
    )


def test_two_devices_record_the_same_item_code_the_second_bundle_is_refused_until_one_is_deleted(world):
    w = world
    a2 = second_device(w)
    item = catalog_item("QX-9001", "一号机登记的事项")
    insert(w.a, "delegated_item", item)
    duplicate = insert(a2, "delegated_item", {**item, "name": "二号机也登记了同一编码"})
    first, second = export(w.a, w.usb), export(a2, w.usb)
    assert hub_import(w.hub, first.path).verdict == "imported"

    before = dump(w.hub.db)
    result = run("hub", "import", second.path, first.path, "--home", w.hub.root)
    assert result.code == 1 and result.err == ""
    refused, already = result.lines
    assert refused.startswith(f"拒收：{second.path}：") and "编号重复" in refused and "UNIQUE" in refused
    assert already == f"已导入过，未做改动：{first.path}"  # the next file is still handled
    assert dump(w.hub.db) == before

    delete(a2, "delegated_item", duplicate)
    assert hub_import(w.hub, export(a2, w.usb).path).verdict == "imported"
    names = query(w.hub.db, "SELECT name FROM delegated_item WHERE code = 'QX-9001' AND deleted_at IS NULL")
    assert [r[0] for r in names] == ["一号机登记的事项"]


def test_a_device_clock_a_year_ahead_is_clamped_to_the_import_time(world):
    w = world
    a2 = second_device(w)
    meeting = live_uuids(w.a, "meeting")[0]
    base = real_now() + MINUTE
    next_year = FakeClock(base + dt.timedelta(days=365))
    update(a2, "meeting", meeting, {"title": "钟快一年的机器写的"}, clock=next_year)
    written = field(a2, "meeting", meeting, "updated_at")
    assert written > stamp(base + dt.timedelta(days=364))
    future = export(a2, w.usb, clock=next_year)

    outcome = hub_import(w.hub, future.path, clock=FakeClock(base))
    assert outcome.verdict == "imported"
    imported_at = query(w.hub.db, "SELECT imported_at FROM hub_bundle WHERE bundle_id = ?", (outcome.bundle_id,))[0][0]
    assert field(w.hub, "meeting", meeting, "title") == "钟快一年的机器写的"
    assert field(w.hub, "meeting", meeting, "sync_stamp") == imported_at < written  # clamped to the hub's clock

    # a real edit on the other PC after that import wins, though its stamp is a year "older"
    update(w.a, "meeting", meeting, {"title": "导入之后正常机器写的"}, clock=FakeClock(base + MINUTE))
    assert field(w.a, "meeting", meeting, "updated_at") < written
    later = hub_import(w.hub, export(w.a, w.usb).path, clock=FakeClock(base + 2 * MINUTE))
    assert totals(later)["conflicts"] == 1
    assert field(w.hub, "meeting", meeting, "title") == "导入之后正常机器写的"
    (clash,) = query(w.hub.db, "SELECT winner_device, loser_device FROM sync_conflict")
    assert tuple(clash) == (w.a.device_id(), a2.device_id())


def test_a_device_clock_set_to_2009_still_stamps_after_what_it_holds(world):
    w = world
    meeting = live_uuids(w.a, "meeting")[0]
    assert hub_import(w.hub, export(w.a, w.usb).path).verdict == "imported"
    before = field(w.a, "meeting", meeting, "updated_at")
    newest = max(query(w.a.db, f"SELECT max(updated_at) FROM {name}")[0][0] for name in KINDS)

    in_2009 = dt.datetime(2009, 3, 1, tzinfo=dt.UTC)
    update(w.a, "meeting", meeting, {"title": "钟停在2009年的机器写的"}, clock=FakeClock(in_2009))
    after = field(w.a, "meeting", meeting, "updated_at")
    assert after > before and after > newest
    assert not after.startswith("2009")

    outcome = hub_import(w.hub, export(w.a, w.usb, clock=FakeClock(in_2009)).path)
    assert outcome.summary["meeting"].changed == 1
    assert field(w.hub, "meeting", meeting, "title") == "钟停在2009年的机器写的"


# -- enrolment ---------------------------------------------------------------------------------------------------


def test_re_enrolment_refuses_bundles_of_the_old_enrolment(world):
    w = world
    assert hub_import(w.hub, export(w.a, w.usb).path).verdict == "imported"
    new_usb = w.root / "usb2"
    new_usb.mkdir()
    result = ok("hub", "enroll", TOWN_A, "--name", "金星镇", "--to", new_usb, "--home", w.hub.root)
    assert "第 2 次登记" in result.out
    assert query(w.hub.db, "SELECT generation FROM hub_member WHERE code = ?", (TOWN_A,))[0][0] == 2

    meeting = live_uuids(w.a, "meeting")[0]
    update(w.a, "meeting", meeting, {"title": "换电脑之前的修改"})
    old = export(w.a, w.usb)
    before = dump(w.hub.db)
    refused = run("hub", "import", old.path, "--home", w.hub.root)
    assert refused.code == 1
    (line,) = refused.lines
    assert line.startswith("拒收") and "已重新登记" in line
    assert dump(w.hub.db) == before

    assert "第 2 次登记" in ok("enroll", new_usb / f"fazhi-enrol-{TOWN_A}.json", "--home", w.a.root).out
    accepted = ok("hub", "import", export(w.a, w.usb).path, "--home", w.hub.root)
    assert accepted.lines[0].startswith("已导入")
    assert field(w.hub, "meeting", meeting, "title") == "换电脑之前的修改"
    assert query(w.hub.db, "SELECT generation FROM hub_device WHERE member = ?", (TOWN_A,))[0][0] == 2


# -- down-bundles -----------------------------------------------------------------------------------------------


def add_catalog(hub_office: Office, code: str, name: str, townships: list[str], power_type: str = "penalty") -> None:
    conn = sqlite3.connect(hub_office.db)
    with conn:
        conn.execute(
            "INSERT INTO hub_catalog (code, name, power_type, legal_basis, department, mode, townships, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (code, name, power_type, "《宁夏回族自治区乡镇综合行政执法条例》", "县司法局", "empower", json.dumps(townships),
             stamp(real_now())),
        )
    conn.close()


def test_publish_brings_the_catalog_rules_and_confirmations_down(world):
    w = world
    existing = query(w.a.db, "SELECT * FROM delegated_item WHERE deleted_at IS NULL AND staff <> '[]' ORDER BY code LIMIT 1")[0]
    add_catalog(w.hub, "QX-0001", "只发给金星镇的事项", [TOWN_A])
    add_catalog(w.hub, "QX-0002", "全县乡镇都有的事项", ["*"], "inspection")
    add_catalog(w.hub, "QX-0003", "只发给101的事项", [TOWN_B])
    add_catalog(w.hub, existing["code"], "县里统一后的事项名称", [TOWN_A])
    rules_text = "# 县里下发的检查规则\n" + (Path(fazhi_tui.__file__).parent / "rules.toml").read_text(encoding="utf-8")
    load_rules(rules_text)
    (w.hub.root / "rules.toml").write_text(rules_text, encoding="utf-8")
    assert load_active_rules(w.a.home).source == "builtin"
    assert hub_import(w.hub, export(w.a, w.usb).path).verdict == "imported"

    published = ok("hub", "publish", "--to", w.usb, "--home", w.hub.root)
    assert len(published.lines) == 2 and all(line.startswith("已写出下发数据包") for line in published.lines)
    mine, theirs = down_file(w.usb, TOWN_A), down_file(w.usb, TOWN_B)

    result = ok("import", mine, "--home", w.a.root)
    assert result.out == f"已导入：{mine}（新增事项 2，更新事项 1，收回事项 0，县里已确认至第 1 个数据包）\n"
    items = {r["code"]: r for r in query(w.a.db, "SELECT * FROM delegated_item WHERE deleted_at IS NULL")}
    assert items["QX-0001"]["name"] == "只发给金星镇的事项" and items["QX-0001"]["status"] == "taking"
    assert items["QX-0002"]["power_type"] == "inspection" and items["QX-0002"]["status"] == "taking"
    assert "QX-0003" not in items
    kept = items[existing["code"]]
    assert kept["uuid"] == existing["uuid"] and kept["name"] == "县里统一后的事项名称"
    assert (kept["status"], kept["staff"], kept["notes"]) == (existing["status"], existing["staff"], existing["notes"])
    assert (w.a.root / "rules.toml").read_text(encoding="utf-8") == rules_text
    assert load_active_rules(w.a.home).source == "home"

    # the same down-bundle again: already, nothing changes
    after = record_tables(w.a.db)
    again = ok("import", mine, "--home", w.a.root)
    assert again.out == f"已导入过，未做改动：{mine}\n"
    assert record_tables(w.a.db) == after
    # another township's down-bundle is refused
    refused = run("import", theirs, "--home", w.a.root)
    assert refused.code == 1 and refused.out.startswith("拒收") and TOWN_B in refused.out
    assert len(refused.lines) == 1 and record_tables(w.a.db) == after
    # the confirmation makes the next up-bundle a delta: only the catalog's changes
    delta = export(w.a, w.usb)
    assert not delta.full and {k: v for k, v in delta.counts.items() if v} == {"delegated_item": 3}
    # the other township gets its own catalog
    ok("import", theirs, "--home", w.b.root)
    codes = {r[0] for r in query(w.b.db, "SELECT code FROM delegated_item WHERE code LIKE 'QX-%'")}
    assert codes == {"QX-0002", "QX-0003"}


def test_an_item_the_county_takes_back_is_marked_withdrawn_at_the_township_and_comes_back_if_listed_again(world):
    w = world
    own = query(w.a.db, "SELECT code, status, status_reason FROM delegated_item WHERE deleted_at IS NULL ORDER BY code LIMIT 1")[0]
    add_catalog(w.hub, "QX-0001", "先下放后收回的事项", [TOWN_A])
    add_catalog(w.hub, "QX-0002", "一直下放的事项", ["*"])

    def publish_and_read() -> str:
        ok("hub", "publish", "--to", w.usb, "--home", w.hub.root)
        return ok("import", down_file(w.usb, TOWN_A), "--home", w.a.root).out

    def item(code: str) -> dict:
        (row,) = query(w.a.db, "SELECT * FROM delegated_item WHERE code = ? AND deleted_at IS NULL", (code,))
        return dict(row)

    assert "新增事项 2" in publish_and_read()
    # the county's next catalog no longer lists QX-0001
    conn = sqlite3.connect(w.hub.db)
    with conn:
        conn.execute("DELETE FROM hub_catalog WHERE code = 'QX-0001'")
    conn.close()
    assert "收回事项 1" in publish_and_read()
    taken_back = item("QX-0001")
    assert taken_back["status"] == "withdrawn" and taken_back["status_reason"].startswith("@catalog_withdrawn:")  # a code
    assert reason_text(taken_back["status_reason"]).startswith("县里下发的事项目录已不再包含此事项")  # shown in words
    assert item("QX-0002")["status"] == "taking"
    assert (item(own["code"])["status"], item(own["code"])["status_reason"]) == (own["status"], own["status_reason"])
    # the withdrawal is audited like any change, and reaches the county with the next bundle
    assert query(w.a.db, "SELECT count(*) FROM audit_log WHERE record_uuid = ? AND action = 'update'", (taken_back["uuid"],))[0][0] == 1
    # the T41 rule counts it as explained, not as missing
    result = ok("checklist", "--format", "json", "--date", "2026-11-27", "--home", w.a.root)
    (t41,) = [r for r in json.loads(result.out)["rules"] if r["id"] == "T41"]
    assert taken_back["uuid"] in t41["evidence"]["proving"] and taken_back["uuid"] not in t41["evidence"]["breaking"]
    # a later publish changes nothing more; listed again, it is back to "taking on"
    assert "收回事项 0" in publish_and_read()
    assert item("QX-0001")["status"] == "withdrawn"
    add_catalog(w.hub, "QX-0001", "先下放后收回的事项", [TOWN_A])
    assert "收回事项 0" in publish_and_read()
    assert (item("QX-0001")["status"], item("QX-0001")["status_reason"]) == ("taking", "")


# -- a city above the county ----------------------------------------------------------------------------------------


def test_a_city_hub_receives_the_townships_records_through_the_county(world):
    w = world
    for town in (w.a, w.b):
        assert hub_import(w.hub, export(town, w.usb).path).verdict == "imported"
    city = hub(w.root / "city", "6403", "吴忠市", "city")
    city_usb = w.root / "usb-city"
    enrolment = enrol(city, COUNTY, city_usb, "利通区")
    assert "吴忠市" in ok("enroll", enrolment, "--home", w.hub.root).out

    exported = ok("hub", "export", "--to", city_usb, "--home", w.hub.root)
    assert "完整" in exported.out
    (first,) = sorted(city_usb.glob(f"fazhi-up-{COUNTY}-*.fzb"))
    assert ok("hub", "import", first, "--home", city.root).lines[0].startswith("已导入")
    for town in (w.a, w.b):
        assert kind_counts(city.db, town.code) == kind_counts(town.db)
        assert contents(city.db, town.code) == contents(town.db, town.code)
    assert {r[0] for r in query(city.db, "SELECT DISTINCT township FROM meeting")} == {TOWN_A, TOWN_B}

    # after the city's confirmation, the county's next bundle carries what townships changed since
    ok("hub", "publish", "--to", city_usb, "--home", city.root)
    assert "第 1 个数据包" in ok("import", down_file(city_usb, COUNTY), "--home", w.hub.root).out
    meeting = live_uuids(w.a, "meeting")[0]
    update(w.a, "meeting", meeting, {"title": "县里汇总之后的修改"})
    assert hub_import(w.hub, export(w.a, w.usb).path).summary["meeting"].changed == 1
    exported = ok("hub", "export", "--to", city_usb, "--home", w.hub.root)
    assert "增量" in exported.out and "1 条记录" in exported.out
    second = sorted(city_usb.glob(f"fazhi-up-{COUNTY}-*.fzb"))[-1]
    assert ok("hub", "import", second, "--home", city.root).lines[0].startswith("已导入")
    assert field(city, "meeting", meeting, "title") == "县里汇总之后的修改"
    assert contents(city.db, TOWN_A) == contents(w.a.db, TOWN_A)
