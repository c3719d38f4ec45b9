"""Class 4, the hub's clock: time from a township is not trusted.

The hub keeps a hybrid logical clock of its own in its database (meta ``hub_clock``),
moved by its PC's clock only. A township's stamps later than that clock plus a small
tolerance are set back to the import time and the import says so; a far-future stamp
can no longer crash ``hub publish`` nor travel in a down-bundle to move any other
township's clock.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

from fazhi_tui.base.i18n import set_language
from fazhi_tui.domain.kinds import KINDS
from fazhi_tui.services.verdicts import import_lines
from fazhi_tui.storage import meta
from fazhi_tui.sync.bundle import read_signed
from fazhi_tui.sync.hub.common import STAMP_TOLERANCE
from tests.hardening.cases import tried
from tests.hardening.forging import opened, signed
from tests.hardening.helpers import TOWN_B, FakeClock, dump, export, hub_import, moment, ok, query, real_now, stamp, update
from tests.sync.util import down, down_file, hub_publish, live_uuids

IN_2099 = dt.datetime(2099, 1, 1, 8, 0, tzinfo=dt.UTC)


def newest_record_stamp(db) -> str:
    stamps = []
    for name in KINDS:
        stamps += [v for v in query(db, f"SELECT max(created_at), max(updated_at), max(deleted_at), max(sync_stamp) FROM {name}")[0] if v]
    return max(stamps)


def hub_clock(db) -> str | None:
    rows = query(db, "SELECT value FROM meta WHERE key = ?", (meta.HUB_CLOCK,))
    return rows[0][0] if rows else None


def test_a_township_pc_in_2099_is_set_back_reported_and_moves_no_other_clock(world):
    w = world
    assert hub_import(w.hub, w.bundle).verdict == "imported"
    meeting = live_uuids(w.a, "meeting")[0]
    update(w.a, "meeting", meeting, {"title": "2099 年的电脑写的"}, clock=FakeClock(IN_2099))
    future = export(w.a, w.usb, clock=FakeClock(IN_2099))

    before = real_now()
    outcome = hub_import(w.hub, future.path)
    assert outcome.verdict == "imported" and outcome.clamped >= 1
    lines = import_lines(outcome, future.path.name)
    assert any(verdict == "clamped" and "时钟" in line for verdict, line in lines), lines
    set_language("en")
    try:
        assert any("ahead of the hub's clock" in line for _, line in import_lines(outcome, future.path.name))
    finally:
        set_language("zh")
    # nothing the hub holds is later than its own clock plus the tolerance
    assert moment(newest_record_stamp(w.hub.db)) <= real_now() + STAMP_TOLERANCE
    assert query(w.hub.db, "SELECT title FROM meeting WHERE uuid = ?", (meeting,)) == [("2099 年的电脑写的",)]
    clock = hub_clock(w.hub.db)
    assert clock is not None and before <= moment(clock) <= real_now()

    # publish works, and township B's clock is not moved by A's 2099
    published = hub_publish(w.hub, w.root / "down")
    assert len(published) == 2
    b_down = down_file(published[0].parent, TOWN_B)
    created = read_signed(b_down, "down")[0]["created_at"]
    assert moment(created) <= real_now()
    assert down(w.b, b_down).verdict == "imported"
    b_clock = query(w.b.db, "SELECT value FROM meta WHERE key = 'hlc'")
    assert not b_clock or moment(b_clock[0][0]) <= real_now() + STAMP_TOLERANCE
    tried("hub clock: township in 2099", 1)


def test_a_2099_stamp_already_in_the_hub_database_cannot_crash_publish(world):
    """A hub database from before the clock (a 2099 stamp stored by an older version, and
    even one stamp_after() could not step past): publish still works, on the hub's time."""
    w = world
    assert hub_import(w.hub, w.bundle).verdict == "imported"
    conn = sqlite3.connect(w.hub.db)
    with conn:
        uuid = conn.execute("SELECT uuid FROM meeting LIMIT 1").fetchone()[0]
        conn.execute("UPDATE meeting SET updated_at = ?, sync_stamp = ? WHERE uuid = ?",
                     ("9999-12-31T23:59:59.999999Z", "9999-12-31T23:59:59.999999Z", uuid))
        conn.execute("DELETE FROM meta WHERE key IN ('hlc', ?)", (meta.HUB_CLOCK,))
    conn.close()
    (w.root / "down").mkdir()
    result = ok("hub", "publish", "--to", w.root / "down", "--home", w.hub.root)
    assert result.code == 0 and len(result.lines) == 2
    for path in (w.root / "down").glob("*.fzb"):
        assert read_signed(path, "down")[0]["created_at"] < stamp(real_now() + dt.timedelta(minutes=1))
    tried("hub clock: publish after a stored far-future stamp", 1)


def test_the_hubs_clock_only_goes_forward(world):
    w = world
    assert hub_import(w.hub, w.bundle, clock=FakeClock(real_now())).verdict == "imported"
    first = hub_clock(w.hub.db)
    # the hub PC's clock falls back to 2009: the next import is still stamped after the first
    in_2009 = FakeClock(dt.datetime(2009, 3, 1, tzinfo=dt.UTC))
    b_bundle = export(w.b, w.usb)
    outcome = hub_import(w.hub, b_bundle.path, clock=in_2009)
    assert outcome.verdict == "imported"
    second = hub_clock(w.hub.db)
    assert second > first
    imported = [r[0] for r in query(w.hub.db, "SELECT imported_at FROM hub_bundle ORDER BY imported_at")]
    assert imported[-1] == second
    tried("hub clock: monotonic", 1)


def test_impossible_or_unsteppable_stamps_are_refused(world):
    w = world
    assert hub_import(w.hub, w.bundle).verdict == "imported"
    manifest, payload = opened(w.hub, w.bundle)
    before = dump(w.hub.db)
    for bad in ("2026-13-45T08:00:00.000000Z", "9999-12-31T23:59:59.999999Z", "2026-02-30T08:00:00.000000Z", "２０２６-11-27T08:00:00.000000Z"):
        changed = {"records": {k: [dict(r) for r in v] for k, v in payload["records"].items()}}
        changed["records"]["meeting"][0]["updated_at"] = bad
        path = signed(w.hub, w.a, dict(manifest, seq=manifest["seq"] + 1), changed, w.root / "stick" / "bad.fzb")
        outcome = hub_import(w.hub, path)
        assert outcome.verdict == "refused" and outcome.error.key == "err.bundle_damaged", (bad, outcome.error)
        assert dump(w.hub.db) == before
    tried("hub clock: impossible stamps", 4)
