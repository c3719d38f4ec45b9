"""The list filter finds a row by any word the list shows of it (issue 16, point 1)."""

from __future__ import annotations

import time

import pytest

from fazhi_tui.base import i18n
from fazhi_tui.domain.kinds import KINDS

MEETING, STAFF, TRAINING, HEARING, ITEM = (KINDS[k] for k in ("meeting", "staff", "training", "hearing", "delegated_item"))


@pytest.fixture
def filled(store, actor):
    wang = store.insert(STAFF, {"name": "王芳", "post": "司法所所长", "background": "law_degree", "active": True}, actor)
    li = store.insert(STAFF, {"name": "李强", "post": "综合执法队员", "background": "other", "active": False,
                              "end_date": "2025-01-01"}, actor)
    item = store.insert(ITEM, {"code": "330217001000", "name": "对违法搭建的处罚", "power_type": "penalty",
                               "mode": "empower", "status": "taking", "staff": [wang]}, actor)
    store.insert(MEETING, {"kind": "admin", "date": "2026-10-12", "title": "镇长办公会", "head_attendance": "partial",
                           "head_absence_reason": "出差"}, actor)
    store.insert(MEETING, {"kind": "study", "date": "2026-03-05", "title": "Law study session"}, actor)
    store.insert(TRAINING, {"date": "2026-05-01", "title": "执法培训", "form": "online", "hours": 2.5,
                            "items": [item], "staff": [li]}, actor)
    store.insert(HEARING, {"staff_uuid": wang, "date": "2026-06-01", "mode": "onsite", "court": "中卫市法院",
                           "case_name": "张某诉某局"}, actor)
    return store


@pytest.mark.parametrize(
    ("kind", "word", "count"),
    [
        (MEETING, "行政会议", 1),  # the label of a choice (the kind column)
        (MEETING, "部分", 1),  # the attendance column
        (MEETING, "2026-10", 1),  # a date as displayed
        (MEETING, "镇", 1),  # Chinese from one character
        (MEETING, "LAW", 1),  # Latin letters without regard to case
        (MEETING, "2026 镇长", 1),  # every word must match
        (MEETING, "出差", 0),  # not shown in the list, not a text the filter reads
        (STAFF, "是", 1),  # yes/no as shown: only 王芳 is in post (neither enforces)
        (STAFF, "法学", 1),  # the background's label
        (TRAINING, "李强", 1),  # the name of a linked person
        (TRAINING, "330217", 1),  # the code of a linked item
        (TRAINING, "2.5", 1),  # hours as displayed
        (TRAINING, "线上", 1),
        (HEARING, "王芳", 1),  # the person of a hearing, by name
        (HEARING, "所长", 1),  # …and by post, part of the label
        (ITEM, "王", 1),  # the staff of an item
        (ITEM, "%", 0),  # a LIKE wildcard is a character like any other
    ],
)
def test_the_filter_matches_what_the_list_shows(filled, kind, word, count):
    assert filled.count(kind, word) == count
    assert len(filled.page(kind, 0, 100, word)) == count


def test_labels_match_in_the_interface_language(filled):
    i18n.set_language("en")
    assert filled.count(MEETING, "admin") == 1
    assert filled.count(MEETING, "partly") == 1
    assert filled.count(MEETING, "行政会议") == 0
    assert filled.count(STAFF, "yes") == 1


def test_a_deleted_record_is_not_found(filled, actor):
    uuid = filled.page(MEETING, 0, 10, "镇长")[0]["uuid"]
    filled.tombstone(MEETING, uuid, actor)
    assert filled.count(MEETING, "镇长") == 0


def test_the_filter_stays_fast_on_twenty_thousand_records(store, actor):
    rows = [
        {"uuid": f"m{i:05d}", "township": "640302100", "created_at": "x", "updated_at": "x", "device_id": "d",
         "kind": ("admin", "study", "lecture")[i % 3], "date": f"20{16 + i % 10}-{1 + i % 12:02d}-01",
         "title": f"第{i}次会议", "head_attendance": "full" if i % 3 == 0 else None}
        for i in range(20000)
    ]
    with store.transaction() as conn:
        conn.executemany(
            "INSERT INTO meeting (uuid, township, created_at, updated_at, device_id, kind, date, title, head_attendance)"
            " VALUES (:uuid, :township, :created_at, :updated_at, :device_id, :kind, :date, :title, :head_attendance)",
            rows,
        )
    for word in ("行政", "全程", "2020-03", "第1", "会"):
        started = time.perf_counter()
        total = store.count(MEETING, word)
        store.page(MEETING, max(total - 100, 0), 100, word)
        assert time.perf_counter() - started < 0.25, word
    assert store.count(MEETING, "全程") == 6667
    assert store.count(MEETING, "2020-03") == len([r for r in rows if r["date"] == "2020-03-01"])
