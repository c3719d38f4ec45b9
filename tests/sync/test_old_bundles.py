"""Bundles from a township not yet upgraded: rows without the columns migration 4 added
(a staff member's end date, a service item's year) are read with those columns' defaults;
any other missing or unknown column is still refused."""

from __future__ import annotations

import pytest

from fazhi_tui.domain.kinds import KINDS
from fazhi_tui.sync.bundle import SYSTEM_COLUMNS, decode_rows, encode_rows
from fazhi_tui.sync.errors import BundleRefused

STAMP = "2026-03-01T08:00:00.000000Z"
TOWN = "640302100"


def db_row(kind: str, **values) -> dict:
    row = {"uuid": f"{kind}-1", "township": TOWN, "created_at": STAMP, "updated_at": STAMP, "device_id": "dev-1",
           "rev": 1, "deleted_at": None, "sync_stamp": STAMP}
    assert set(row) >= set(SYSTEM_COLUMNS)
    for f in KINDS[kind].fields:
        row[f.name] = {"text": "", "longtext": "", "refs": "[]", "bool": 0}.get(f.type, f.default)
    row.update(values)
    return row


def test_an_upgraded_row_round_trips_with_its_new_columns():
    rows = encode_rows(KINDS["staff"], [db_row("staff", name="马文华", active=0, end_date="2025-06-30")])
    (back,) = decode_rows(KINDS["staff"], rows, TOWN)
    assert (back["active"], back["end_date"]) == (0, "2025-06-30")
    rows = encode_rows(KINDS["service_item"], [db_row("service_item", name="宅基地审批", year=2025)])
    assert decode_rows(KINDS["service_item"], rows, TOWN)[0]["year"] == 2025


def test_rows_of_a_township_not_yet_upgraded_take_the_defaults():
    (staff,) = encode_rows(KINDS["staff"], [db_row("staff", name="海军", active=0)])
    del staff["end_date"]  # version 3 had no such column
    (back,) = decode_rows(KINDS["staff"], [staff], TOWN)
    assert (back["active"], back["end_date"]) == (0, None)  # left post, day unknown
    (item,) = encode_rows(KINDS["service_item"], [db_row("service_item", name="宅基地审批")])
    del item["year"]
    assert decode_rows(KINDS["service_item"], [item], TOWN)[0]["year"] is None


@pytest.mark.parametrize("change", ["drop-old-column", "unknown-column", "bad-end-date", "bad-year"])
def test_other_missing_unknown_or_bad_columns_are_still_refused(change):
    kind = "service_item" if change == "bad-year" else "staff"
    (row,) = encode_rows(KINDS[kind], [db_row(kind, name="海军")])
    if change == "drop-old-column":
        del row["active"]
    elif change == "unknown-column":
        row["left_post"] = True
    elif change == "bad-end-date":
        row["end_date"] = "last June"
    else:
        row["year"] = "2025"
    with pytest.raises(BundleRefused):
        decode_rows(KINDS[kind], [row], TOWN)
