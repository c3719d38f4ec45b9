"""6. Clocks years behind or ahead do not fool the merge or the checklist, and the program
can tell the clerk when the PC's clock is clearly wrong (``Store.clock_behind``).

* A township PC set to 2009 still stamps its writes after the newest record it holds, so
  its edits win at the hub as the later ones they are.
* A PC set a year ahead cannot win from the future: the hub clamps its stamps to the
  import time, and a real edit made after that import wins.
* The hub's own clock falling back to 2009 (a flat BIOS battery) does not make the hub
  treat a newer version as older: the hub's import time never goes backwards.
* The checklist counts records by the dates typed into them, never by write stamps: the
  same records give the same results whatever the clocks said.
"""

from __future__ import annotations

import datetime as dt

import pytest

from fazhi_tui.domain.checklist import builtin_rules
from fazhi_tui.domain.kinds import KINDS
from fazhi_tui.services.checklist import run_checklist
from fazhi_tui.storage.store import Actor, Store
from tests.hardening.cases import tried
from tests.hardening.helpers import (
    TOWN_A,
    FakeClock,
    another_enrolment,
    export,
    hub_import,
    moment,
    query,
    real_now,
    second_device,
    stamp,
    update,
)

MEETING = KINDS["meeting"]
DAY = dt.timedelta(days=1)
YEAR = dt.timedelta(days=365)
IN_2009 = dt.datetime(2009, 3, 1, 8, 0, tzinfo=dt.UTC)
ON = dt.date(2026, 11, 27)


def field(db, kind: str, uuid: str, name: str):
    return query(db, f"SELECT {name} FROM {kind} WHERE uuid = ?", (uuid,))[0][0]


def hub_checklist(w, township: str = TOWN_A) -> dict[str, tuple[str, tuple[str, ...]]]:
    with w.hub.store() as store:
        results = run_checklist(store, builtin_rules(), w.hub.config, year=2026, on=ON, township=township)
    return {r.rule.id: (r.status, tuple(sorted(r.proving))) for r in results}


def deploy_meeting_2026(db) -> str:
    rows = query(db, "SELECT uuid FROM meeting WHERE kind = 'deploy' AND date LIKE '2026-%' AND deleted_at IS NULL")
    assert rows, "the demo township has a 2026 deployment meeting"
    return rows[0][0]


def test_a_township_pc_set_to_2009_still_writes_after_what_it_holds(world):
    w = world
    assert hub_import(w.hub, w.bundle).verdict == "imported"
    meeting = deploy_meeting_2026(w.a.db)
    newest = max(query(w.a.db, f"SELECT max(updated_at) FROM {name}")[0][0] or "" for name in KINDS)
    update(w.a, "meeting", meeting, {"title": "钟停在2009年的电脑改的标题"}, clock=FakeClock(IN_2009))
    written = field(w.a.db, "meeting", meeting, "updated_at")
    assert written > newest and not written.startswith("2009")
    outcome = hub_import(w.hub, export(w.a, w.usb, clock=FakeClock(IN_2009)).path)
    assert outcome.verdict == "imported" and outcome.summary["meeting"].changed == 1
    assert field(w.hub.db, "meeting", meeting, "title") == "钟停在2009年的电脑改的标题"
    tried("clock skew: township PC in 2009")


def test_a_pc_a_year_ahead_cannot_win_from_the_future(world, tmp_path):
    """A second PC of the township, its clock a year ahead, deletes the year's deployment
    meeting. The hub clamps that delete to its import time; the clerk on the first PC then
    corrects the meeting, and that later edit wins: the checklist counts the meeting."""
    w = world
    assert hub_import(w.hub, w.bundle).verdict == "imported"
    before = hub_checklist(w)
    meeting = deploy_meeting_2026(w.a.db)
    assert meeting in before["T40-deploy"][1]
    ahead = second_device(w.a, tmp_path / "a2", another_enrolment(w.hub, TOWN_A, w.usb))
    start = real_now()
    next_year = FakeClock(start + YEAR)
    with ahead.store(next_year) as store:
        store.tombstone(MEETING, meeting, ahead.actor())
    written = field(ahead.db, "meeting", meeting, "updated_at")
    assert moment(written) > start + YEAR - DAY
    hub_clock = FakeClock(start + dt.timedelta(minutes=1))
    assert hub_import(w.hub, export(ahead, w.usb, clock=next_year).path, clock=hub_clock).verdict == "imported"
    deleted_stamp = field(w.hub.db, "meeting", meeting, "sync_stamp")
    assert deleted_stamp < written and moment(deleted_stamp) < start + DAY  # clamped to the import time
    assert meeting not in hub_checklist(w)["T40-deploy"][1]

    # on the first PC, with a right clock, after that import: the later write, and it wins
    later = FakeClock(start + dt.timedelta(minutes=5))
    update(w.a, "meeting", meeting, {"notes": "会议照常召开，记录更正"}, clock=later)
    outcome = hub_import(w.hub, export(w.a, w.usb, clock=later).path, clock=FakeClock(start + dt.timedelta(minutes=10)))
    assert outcome.verdict == "imported"
    assert field(w.hub.db, "meeting", meeting, "deleted_at") is None
    assert field(w.hub.db, "meeting", meeting, "notes") == "会议照常召开，记录更正"
    assert hub_checklist(w) == before | {"T40-deploy": hub_checklist(w)["T40-deploy"]}
    assert meeting in hub_checklist(w)["T40-deploy"][1]
    assert query(w.hub.db, "SELECT count(*) FROM sync_conflict WHERE record_uuid = ?", (meeting,))[0][0] >= 1
    tried("clock skew: second PC a year ahead")


def test_the_hubs_clock_falling_back_to_2009_does_not_drop_a_newer_version(world):
    w = world
    start = real_now()
    assert hub_import(w.hub, w.bundle, clock=FakeClock(start)).verdict == "imported"
    meeting = deploy_meeting_2026(w.a.db)
    first = query(w.hub.db, "SELECT imported_at FROM hub_bundle")[0][0]

    # the township edits with a right clock; the hub's clock has fallen back to 2009
    update(w.a, "meeting", meeting, {"title": "县里电脑时钟坏了以后导入的"}, clock=FakeClock(start + DAY))
    outcome = hub_import(w.hub, export(w.a, w.usb, clock=FakeClock(start + DAY)).path, clock=FakeClock(IN_2009))
    assert outcome.verdict == "imported"
    assert outcome.summary["meeting"].changed == 1
    assert field(w.hub.db, "meeting", meeting, "title") == "县里电脑时钟坏了以后导入的"
    times = [r[0] for r in query(w.hub.db, "SELECT imported_at FROM hub_bundle ORDER BY seq")]
    assert times[0] == first and times[1] > first  # the hub's time never goes backwards

    # and again, a day later by the township's clock, the hub still in 2009
    update(w.a, "meeting", meeting, {"title": "再改一次"}, clock=FakeClock(start + 2 * DAY))
    assert hub_import(w.hub, export(w.a, w.usb, clock=FakeClock(start + 2 * DAY)).path, clock=FakeClock(IN_2009)).verdict == "imported"
    assert field(w.hub.db, "meeting", meeting, "title") == "再改一次"
    tried("clock skew: hub clock falls back to 2009")


@pytest.mark.parametrize("offset", [-16 * YEAR, -YEAR, -2 * DAY, dt.timedelta(0), YEAR], ids=["2009", "year-behind", "2-days-behind", "right", "year-ahead"])
def test_the_checklist_counts_typed_dates_never_write_stamps(tmp_path, offset):
    """The same records typed on PCs with different clocks give the same checklist."""
    def results(name: str, clock):
        path = tmp_path / f"{name}.db"
        store = Store.open(path, tmp_path / "backups", clock=clock)
        actor = Actor("测试员", TOWN_A)
        try:
            store.insert(MEETING, {"kind": "deploy", "date": "2026-03-10", "title": "专题部署会"}, actor)
            admin = store.insert(MEETING, {"kind": "admin", "date": "2026-04-10", "title": "常务会", "head_attendance": "full"}, actor)
            store.update(MEETING, admin, {"head_attendance": "partial"}, actor)
            gone = store.insert(MEETING, {"kind": "deploy", "date": "2025-12-31", "title": "去年的部署会"}, actor)
            store.tombstone(MEETING, gone, actor)
            from fazhi_tui.base.config import Config

            found = run_checklist(store, builtin_rules(), Config(township_code=TOWN_A, township_name="金星镇"), year=2026, on=ON)
            return {r.rule.id: (r.status, r.actual) for r in found}
        finally:
            store.close()

    right = results("right", FakeClock(real_now()))
    skewed = results("skewed", FakeClock(real_now() + offset))
    assert skewed == right
    assert right["T40-deploy"][0] == "met"
    tried("clock skew: checklist by typed dates")


# -- the warning: Store.clock_behind() -------------------------------------------------------------------


def test_clock_behind_names_the_newest_stamp_when_the_clock_is_clearly_wrong(world):
    db, backups = world.a.db, world.a.home.backups
    newest = max(query(db, f"SELECT max(updated_at) FROM {name}")[0][0] or "" for name in KINDS)
    held = moment(newest)
    cases = [
        (IN_2009, newest),
        (held - 2 * DAY, newest),
        (held - DAY - dt.timedelta(minutes=1), newest),
        (held - dt.timedelta(hours=23), None),  # a time zone set wrong: not "clearly" wrong
        (held, None),
        (held + YEAR, None),
    ]
    for now, expected in cases:
        store = Store.open(db, backups, clock=lambda now=now: stamp(now))
        try:
            assert store.clock_behind() == expected, now
        finally:
            store.close()
        tried("clock_behind")
    # a write made in 2009 is stamped after the newest; the warning then names that stamp
    store = Store.open(db, backups, clock=FakeClock(IN_2009))
    try:
        uuid = store.insert(MEETING, {"kind": "study", "date": "2026-11-20", "title": "会前学法"}, Actor("测试员", TOWN_A))
        stamped = store.get(MEETING, uuid)["updated_at"]
        assert stamped > newest
        assert store.clock_behind() == stamped
    finally:
        store.close()
    tried("clock_behind")


def test_clock_behind_on_an_empty_database_and_at_a_hub(world, tmp_path):
    store = Store.open(tmp_path / "empty.db", tmp_path / "backups", clock=lambda: stamp(IN_2009))
    try:
        assert store.clock_behind() is None
    finally:
        store.close()
    # a hub that imported the bundle of a PC a year ahead: its own clock is not "behind"
    w = world
    ahead = FakeClock(real_now() + YEAR)
    update(w.a, "meeting", deploy_meeting_2026(w.a.db), {"title": "钟快一年"}, clock=ahead)
    assert hub_import(w.hub, export(w.a, w.usb, clock=ahead).path).verdict == "imported"
    with w.hub.store() as hub_store:
        assert hub_store.clock_behind() is None
    with w.hub.store(clock=lambda: stamp(IN_2009)) as hub_store:
        assert hub_store.clock_behind() is not None
    newest_record = max(query(w.hub.db, f"SELECT max(updated_at) FROM {name}")[0][0] or "" for name in KINDS)
    # the PC's future stamps were set back to the import time (the hub's clock, class 4)
    assert moment(newest_record) < real_now() + DAY
    tried("clock_behind", 3)
