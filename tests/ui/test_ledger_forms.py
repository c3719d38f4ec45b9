"""The record kinds of issue 15 (the rest of the ledger), each entered from the home screen
at 80x24 by its key, typed key by key: Tab from field to field, Space to tick, Enter on a
choice then typing to pick. The forms are the generated ones; nothing here is kind-specific
screen code."""

from __future__ import annotations

import json

import pytest
from textual.widgets import Input

from fazhi_tui.domain.kinds import KIND_ORDER
from fazhi_tui.ui.helpers import KIND_KEYS, kind_key
from fazhi_tui.ui.screens.help import screen_keys
from fazhi_tui.ui.screens.home import HomeScreen
from fazhi_tui.ui.screens.record_form import RecordFormScreen
from fazhi_tui.ui.screens.record_list import RecordListScreen
from tests.ui.conftest import SIZE, make_app, press_settled, rows, settle, type_text
from tests.ui.test_screens import STAFF, error_text, seed

# (kind, keys from the first field: text to type, "tab", "space", ("pick", words), "save")
TAB, SPACE = "tab", "space"


def pick(words: str) -> tuple[str, str]:
    return ("pick", words)


FORMS = {
    "enforcement_decision": [
        "金综执罚2026第5号", TAB, "2026年3月10日", TAB, "对违法建设的罚款决定", TAB,
        SPACE, TAB, "2026-03-08", TAB, "马丽", TAB,  # reviewed: the review date and reviewer appear
        SPACE, TAB, "2026.3.15", TAB, "县行政执法公示平台",  # published
    ],
    "supervision_check": ["2026-06-12", TAB, "行政执法案卷评查", TAB, "利通区司法局", TAB, "两份案卷告知不规范", TAB, SPACE],
    "complaint": ["2026-05-03", TAB, pick("来访"), TAB, "执法人员未出示证件", TAB, "2026-05-20", TAB, "已核实并答复"],
    "lawsuit": ["2026宁0302行初12号", TAB, "不服行政处罚", TAB, "利通区人民法院", TAB, "2026-07-01", TAB,
                SPACE, TAB, "王镇长", TAB, pick("胜诉")],
    "recommendation": ["2026-03-01", TAB, pick("检察"), TAB, "利通区人民检察院", TAB, "利检建2026第3号", TAB,
                       "加强农村环境整治监管", TAB, "2026-04-15"],
    "oath": [pick("王"), TAB, "2026-02-03", TAB, "新任职人员宪法宣誓"],
    "law_report": [pick("王"), TAB, "2026-01-20", TAB, pick("书面"), TAB, "2025年度述法"],
    "exam_result": [pick("王"), TAB, "2026-10-20", TAB, "学法用法考试", TAB, "92.5"],
    "law_list": ["2026-02-15", TAB, "2026年应知应会法律法规清单", TAB, "宪法", "enter", "民法典"],
    "training_plan": ["2026-01-15", TAB, "区自然资源局", TAB, "下放事项培训计划", TAB, SPACE],
    "law_office": ["金星镇法治建设办公室", TAB, "2023-03-01", TAB, "金党发2023第5号", TAB, "李娜"],
}

EXPECTED = {
    "enforcement_decision": {"case_no": "金综执罚2026第5号", "date": "2026-03-10", "reviewed": 1,
                             "review_date": "2026-03-08", "reviewer": "马丽", "published": 1,
                             "published_on": "2026-03-15", "published_where": "县行政执法公示平台"},
    "supervision_check": {"date": "2026-06-12", "inspector": "利通区司法局", "findings": "两份案卷告知不规范", "rectified": 1},
    "complaint": {"received_on": "2026-05-03", "channel": "visit", "closed_on": "2026-05-20", "outcome": "已核实并答复"},
    "lawsuit": {"hearing_date": "2026-07-01", "head_appeared": 1, "appeared_who": "王镇长", "outcome": "upheld"},
    "recommendation": {"source": "procuratorate", "doc_no": "利检建2026第3号", "replied_on": "2026-04-15"},
    "oath": {"date": "2026-02-03", "occasion": "新任职人员宪法宣誓"},
    "law_report": {"date": "2026-01-20", "form": "written", "title": "2025年度述法"},
    "exam_result": {"date": "2026-10-20", "score": 92.5, "passed": 1},
    "law_list": {"issued_on": "2026-02-15", "laws": "宪法\n民法典"},
    "training_plan": {"issued_on": "2026-01-15", "department": "区自然资源局"},
    "law_office": {"set_up_on": "2023-03-01", "head": "李娜", "current": 1},
}


async def enter(pilot, steps) -> None:
    for step in steps:
        if isinstance(step, tuple):
            await pilot.press("enter")  # open the choice, type to jump, take it
            await type_text(pilot, step[1])
            await pilot.press("enter")
            await settle(pilot)
        elif step in (TAB, SPACE, "enter"):
            await pilot.press(step)
            await settle(pilot)
        else:
            await type_text(pilot, step)


@pytest.mark.parametrize("name", sorted(FORMS))
async def test_each_new_kind_is_entered_from_home_by_its_key_at_80x24(home, name):
    staff_uuid = seed(home, "staff", STAFF)
    item_uuid = seed(home, "delegated_item", {"code": "XF-0001", "name": "对占道经营的处罚", "power_type": "penalty",
                                               "mode": "empower", "status": "taken", "staff": [staff_uuid]})
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        await press_settled(pilot, kind_key(name))
        assert isinstance(app.screen, RecordListScreen) and app.screen.kind.name == name
        await press_settled(pilot, "n")
        form = app.screen
        assert isinstance(form, RecordFormScreen)
        await enter(pilot, FORMS[name])
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RecordListScreen), {f.name: error_text(form, f.name) for f in form.kind.fields}
        assert app.screen.table.total == 1
    (row,) = rows(home, f"SELECT * FROM {name}")
    assert {k: row[k] for k in EXPECTED[name]} == EXPECTED[name]
    if "staff_uuid" in row.keys():
        assert row["staff_uuid"] == staff_uuid
    if name == "training_plan":
        assert json.loads(row["items"]) == [item_uuid]
    audit = rows(home, "SELECT action, operator FROM audit_log WHERE record_uuid = ?", (row["uuid"],))
    assert [tuple(a) for a in audit] == [("insert", "张明")]


async def test_a_complaint_closed_before_it_came_in_is_refused_and_what_was_typed_stays(home):
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press_settled(pilot, kind_key("complaint"), "n")
        form = app.screen
        await enter(pilot, ["2026-05-03", TAB, TAB, "执法人员未出示证件", TAB, "2026-05-01"])
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RecordFormScreen)
        assert error_text(form, "closed_on") == "不能早于收到日期"
        assert rows(home, "SELECT count(*) FROM complaint")[0][0] == 0
        closed = form.query_one("#f-closed_on", Input)
        assert app.focused is closed and closed.value == "2026-05-01"
        closed.value = ""
        await type_text(pilot, "2026-05-09")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RecordListScreen)


async def test_the_review_fields_show_only_when_reviewed(home):
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press_settled(pilot, kind_key("enforcement_decision"), "n")
        form = app.screen
        assert not form.query_one("#row-review_date").display
        await enter(pilot, [TAB, TAB, TAB, SPACE])
        assert form.query_one("#row-review_date").display and form.query_one("#row-reviewer").display
        await pilot.press(SPACE)
        await settle(pilot)
        assert not form.query_one("#row-review_date").display


async def test_the_principal_leaders_talk_and_a_leading_official_are_ticked_on_the_existing_forms(home):
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press_settled(pilot, "1", "n")
        form = app.screen
        await enter(pilot, [pick("会前"), TAB, "2026-04-08", TAB, "镇长会前讲法 民法典"])
        form.query_one("#f-principal_speaker").focus()
        await pilot.press(SPACE)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RecordListScreen)
        await press_settled(pilot, "2", "n")
        form = app.screen
        await type_text(pilot, "马强")
        form.query_one("#f-leader").focus()
        await pilot.press(SPACE)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RecordListScreen)
    assert rows(home, "SELECT principal_speaker FROM meeting")[0][0] == 1
    assert rows(home, "SELECT leader FROM staff WHERE name = '马强'")[0][0] == 1


async def test_every_kind_has_a_key_on_home_and_in_lists_and_f1_names_them(home):
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shown = {description: key for key, description in screen_keys(app.screen)}
        for key, kind in zip(KIND_KEYS, KIND_ORDER):
            await press_settled(pilot, key)
            assert isinstance(app.screen, RecordListScreen) and app.screen.kind.name == kind.name, key
        # the home list starts each line with its key; F1 lists each kind with its key
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
    from fazhi_tui.base.i18n import kind_label

    # F1: one line for the lists, "1-9 a-k  1 会议  2 人员 … a 执法投诉举报 …", each kind by its own key
    line = next(description for description, key in shown.items() if key == "1-9 a-k")
    for key, kind in zip(KIND_KEYS, KIND_ORDER):
        assert f"{key} {kind_label(kind.name)}" in line
