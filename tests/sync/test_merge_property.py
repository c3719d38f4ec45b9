"""Any interleaving of imports of the same set of bundles ends in the same county database.

The bundles are made once: township A on two PCs (the second a copy of the first, with its
own device id and key) and township B, with edits, deletions and a clash between A's two
PCs, full copies and a delta after a confirmation. Each example imports them into a fresh
copy of the hub in another order, some of them twice.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import uuid as uuid_module
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.sync.conftest import World
from tests.sync.util import (
    TOWN_A,
    TOWN_B,
    FakeClock,
    Office,
    another_enrolment,
    contents,
    delete,
    down,
    down_file,
    enrol,
    export,
    hub,
    hub_import,
    hub_publish,
    insert,
    live_uuids,
    new_training,
    ok,
    query,
    real_now,
    township,
    update,
)


@dataclass(frozen=True)
class Bundles:
    hub: Office  # enrolled both townships, imported nothing
    paths: tuple[Path, ...]
    reference: dict[str, list[tuple]]  # the hub's record tables after importing in the order made
    hub_start: dt.datetime  # the hub's clock at import: after every write stamp


def records(db: Path) -> dict[str, list[tuple]]:
    """SELECT * of every record table by uuid, but for ``sync_version``: the hub's own change
    counter, which numbers the hub's writes in the order they happened (for its up-bundle to
    the city) and so differs, by design, with the order of imports."""
    from fazhi_tui.domain.kinds import KINDS

    conn = sqlite3.connect(db)
    try:
        out = {}
        for name in KINDS:
            columns = [r[1] for r in conn.execute(f"PRAGMA table_info({name})") if r[1] != "sync_version"]
            out[name] = conn.execute(f"SELECT {', '.join(columns)} FROM {name} ORDER BY uuid").fetchall()
        return out
    finally:
        conn.close()


def import_all(hub_office: Office, paths, start: dt.datetime) -> list[str]:
    clock = FakeClock(start)
    return [hub_import(hub_office, path, clock=clock).verdict for path in paths]


@pytest.fixture(scope="module")
def bundles(tmp_path_factory) -> Bundles:
    root = tmp_path_factory.mktemp("merge")
    usb = root / "usb"
    county = hub(root / "county")
    a1 = township(root / "a1", TOWN_A, records=40)
    b = township(root / "b", TOWN_B, records=40)
    enrol(county, a1, usb, "金星镇")
    enrol(county, b, usb, "示范镇101")
    w = World(root, county, a1, b, usb)

    a2 = a1.moved(root / "a2")  # the second PC of township A
    conn = sqlite3.connect(a2.db)
    with conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'device_id'", (uuid_module.uuid4().hex,))
    conn.close()
    (a2.root / "keys" / "device.json").unlink()
    ok("enroll", another_enrolment(w.hub, TOWN_A, w.usb), "--home", a2.root)

    start = real_now() + dt.timedelta(minutes=1)
    clock = FakeClock(start)  # one clock for all offices: every write is later than the one before
    meetings, staff, items = live_uuids(a1, "meeting"), live_uuids(a1, "staff"), live_uuids(a1, "service_item")
    paths = [export(a1, usb, clock=clock).path]  # A1 #1: full

    # A1 #1 is confirmed through a scratch copy of the hub, so A1 #2 is a delta
    scratch = county.moved(root / "scratch")
    # (the scratch hub's clock is behind the offices' shared one: its down-bundle carries the
    # hub's own time, which must not move A1's clock past A2's)
    assert import_all(scratch, paths, real_now()) == ["imported"]
    assert down(a1, down_file(hub_publish(scratch, root / "down")[0].parent, TOWN_A)).confirmed_seq == 1

    update(a1, "meeting", meetings[0], {"title": "一号机先改"}, clock=clock)
    update(a2, "meeting", meetings[0], {"title": "二号机后改"}, clock=clock)  # the later write: wins
    update(a2, "meeting", meetings[1], {"title": "二号机先改"}, clock=clock)
    update(a1, "meeting", meetings[1], {"title": "一号机后改"}, clock=clock)  # the later write: wins
    update(a2, "meeting", meetings[2], {"title": "二号机改了，一号机后来删了"}, clock=clock)
    delete(a1, "meeting", meetings[2], clock=clock)
    delete(a1, "staff", staff[0], clock=clock)
    insert(a1, "training", new_training("一号机加的培训"), clock=clock)
    insert(a2, "training", new_training("二号机加的培训"), clock=clock)
    update(a2, "service_item", items[0], {"notes": "二号机的备注"}, clock=clock)
    paths.append(export(a1, usb, clock=clock).path)  # A1 #2: a delta
    paths.append(export(a2, usb, clock=clock).path)  # A2 #1: full
    paths.append(export(b, usb, clock=clock).path)  # B #1: full
    update(b, "meeting", live_uuids(b, "meeting")[0], {"title": "B 第二包改的"}, clock=clock)
    delete(b, "hearing", live_uuids(b, "hearing")[0], clock=clock)
    update(a2, "service_item", items[0], {"notes": "二号机第二次的备注"}, clock=clock)
    paths.append(export(b, usb, clock=clock).path)  # B #2: full
    paths.append(export(a2, usb, clock=clock).path)  # A2 #2: full

    hub_start = clock.now + dt.timedelta(days=1)
    reference = county.moved(root / "reference")
    assert import_all(reference, paths, hub_start) == ["imported"] * len(paths)
    assert query(reference.db, "SELECT count(*) FROM sync_conflict")[0][0] >= 2
    assert contents(reference.db, TOWN_B) == contents(b.db, TOWN_B)
    titles = dict(query(reference.db, "SELECT uuid, title FROM meeting WHERE uuid IN (?, ?)", (meetings[0], meetings[1])))
    assert titles == {meetings[0]: "二号机后改", meetings[1]: "一号机后改"}
    assert query(reference.db, "SELECT deleted_at FROM meeting WHERE uuid = ?", (meetings[2],))[0][0] is not None
    return Bundles(county, tuple(paths), records(reference.db), hub_start)


@settings(max_examples=25, deadline=None, derandomize=True, database=None)
@given(data=st.data())
def test_any_order_of_imports_with_repeats_ends_in_the_same_hub(bundles, tmp_path_factory, data):
    n = len(bundles.paths)
    repeats = data.draw(st.lists(st.integers(0, n - 1), max_size=3), label="repeats")
    order = data.draw(st.permutations([*range(n), *repeats]), label="order")
    target = Office(tmp_path_factory.mktemp("hub") / "county")
    shutil.copytree(bundles.hub.root, target.root)

    verdicts = import_all(target, [bundles.paths[i] for i in order], bundles.hub_start)

    assert "refused" not in verdicts
    assert verdicts.count("already") == len(repeats)
    assert records(target.db) == bundles.reference
    assert query(target.db, "SELECT count(*) FROM hub_bundle")[0][0] == n
