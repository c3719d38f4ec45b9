"""Every screen driven key by key, as a clerk would, at 80x24 and in Chinese."""

from __future__ import annotations

import json

from textual.widgets import Input, Select

from fazhi_tui.base.config import load_config
from fazhi_tui.domain.kinds import KINDS
from fazhi_tui.storage.store import Actor, Store
from fazhi_tui.ui.screens.home import HomeScreen
from fazhi_tui.ui.screens.record_form import RecordFormScreen
from fazhi_tui.ui.screens.record_list import RecordListScreen
from fazhi_tui.ui.screens.setup import SetupScreen
from fazhi_tui.ui.widgets.confirm import ConfirmScreen
from fazhi_tui.ui.widgets.record_table import BLOCK_SIZE, RecordTable
from tests.conftest import make_clock
from tests.ui.conftest import SIZE, make_app, press_settled, rows, settle, type_text

ACTOR = Actor("张明", "640302100")


def error_text(screen, field: str) -> str:
    label = screen.query_one(f"#err-{field}")
    return str(label.render()) if label.display else ""


def seed(home, kind: str, values: dict) -> str:
    store = Store.open(home.database, home.backups, clock=make_clock())
    try:
        return store.insert(KINDS[kind], values, ACTOR)
    finally:
        store.close()


STAFF = {"name": "王芳", "post": "司法所所长", "background": "law_degree", "active": True, "rule_of_law": True,
         "enforcement": True, "cert_no": "NX-0001", "cert_expiry": "2028-01-01"}


# -- first start ------------------------------------------------------------------------------


async def test_first_start_asks_for_the_township_and_refuses_a_bad_code(bare_home):
    app = make_app(bare_home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SetupScreen)
        await type_text(pilot, "12345")
        await pilot.press("enter")
        await type_text(pilot, "金星镇")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SetupScreen)
        assert "9 位数字" in error_text(app.screen, "code")
        assert not bare_home.config.exists()  # nothing written
        assert app.screen.query_one("#setup-name", Input).value == "金星镇"  # what was typed stays

        code = app.screen.query_one("#setup-code", Input)
        code.focus()
        code.value = ""
        await type_text(pilot, "640302100")
        await pilot.press("enter", "enter")  # to the name, then to the operator
        await type_text(pilot, "张明")
        await pilot.press("enter")  # Enter on the last field saves
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
    config = load_config(bare_home.config)
    assert (config.township_code, config.township_name, config.operator) == ("640302100", "金星镇", "张明")
    assert config.county_code == "640302"
    assert bare_home.database.exists()


# -- meetings ---------------------------------------------------------------------------------


async def test_admin_meeting_with_partial_attendance_typed_key_by_key(home):
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, RecordListScreen)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, RecordFormScreen)
        # kind: open the picker, type to search, pick
        await pilot.press("enter")
        await type_text(pilot, "行政")
        await pilot.press("enter")
        await settle(pilot)
        assert form.query_one("#f-kind", Select).value == "admin"
        assert form.query_one("#row-head_attendance").display
        await pilot.press("tab")
        await type_text(pilot, "2024年3月5日")
        await pilot.press("tab")
        await type_text(pilot, "第3次镇长办公会")
        # attendance: partial, but no reason yet
        form.query_one("#f-head_attendance", Select).focus()
        await pilot.press("enter")
        await type_text(pilot, "部分")
        await pilot.press("enter")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RecordFormScreen)
        assert error_text(form, "head_absence_reason") == "请填写原因"
        assert rows(home, "SELECT count(*) FROM meeting")[0][0] == 0
        assert form.query_one("#f-title", Input).value == "第3次镇长办公会"

        form.query_one("#f-head_absence_reason", Input).focus()
        await type_text(pilot, "中途参加调解")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RecordListScreen)
        assert app.screen.table.total == 1

    (meeting,) = rows(home, "SELECT * FROM meeting")
    assert (meeting["kind"], meeting["date"], meeting["head_attendance"]) == ("admin", "2024-03-05", "partial")
    assert meeting["head_absence_reason"] == "中途参加调解"
    audit = rows(home, "SELECT * FROM audit_log WHERE record_uuid = ?", (meeting["uuid"],))
    assert [a["action"] for a in audit] == ["insert"] and audit[0]["operator"] == "张明"


async def test_impossible_date_is_refused_and_nothing_is_written(home):
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press_settled(pilot, "1", "n")
        form = app.screen
        await pilot.press("tab")
        await type_text(pilot, "2023-02-30")
        await pilot.press("tab")
        await type_text(pilot, "法治讲座")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "这一天不存在" in error_text(form, "date")
        assert "1 处需要修改" in str(form.query_one("#form-status").render())
        assert form.query_one("#f-date", Input).value == "2023-02-30"
        assert app.focused is form.query_one("#f-date")
    assert rows(home, "SELECT count(*) FROM meeting")[0][0] == 0
    assert rows(home, "SELECT count(*) FROM audit_log")[0][0] == 0


async def test_meeting_more_than_a_year_ahead_is_refused(home):
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press_settled(pilot, "1", "n")
        await pilot.press("tab")
        await type_text(pilot, "20281201")
        await pilot.press("tab")
        await type_text(pilot, "x")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "请核对年份" in error_text(app.screen, "date")
    assert rows(home, "SELECT count(*) FROM meeting")[0][0] == 0


# -- staff ------------------------------------------------------------------------------------


async def test_duplicate_certificate_number_is_refused(home):
    seed(home, "staff", STAFF)
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press_settled(pilot, "2", "n")
        form = app.screen
        await type_text(pilot, "李强")
        form.query_one("#f-cert_no", Input).focus()
        await type_text(pilot, "NX-0001")
        form.query_one("#f-cert_expiry", Input).focus()
        await type_text(pilot, "2027/6/30")
        form.query_one("#f-cert_issued", Input).focus()
        await type_text(pilot, "2027/7/1")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "NX-0001" in error_text(form, "cert_no")
        assert error_text(form, "cert_expiry") == "有效期不能早于发证日期"
    assert rows(home, "SELECT count(*) FROM staff")[0][0] == 1


# -- delegated items and their training ----------------------------------------------------------


async def test_delegated_item_then_training_linking_item_and_staff(home):
    staff_uuid = seed(home, "staff", STAFF)
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press_settled(pilot, "3", "n")
        form = app.screen
        await type_text(pilot, "XF-0001")
        await pilot.press("tab")
        await type_text(pilot, "对占道经营的行政处罚")
        form.query_one("#f-status", Select).focus()
        await pilot.press("enter")
        await type_text(pilot, "已承接")
        await pilot.press("enter")
        form.query_one("#f-staff").focus()
        await type_text(pilot, "王")  # type-to-search finds 王芳
        await pilot.press("space")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RecordListScreen), error_text(form, "staff")

        await pilot.press("4")  # straight to trainings
        await settle(pilot)
        assert app.screen.kind.name == "training"
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        await type_text(pilot, "2026-05-12")
        await pilot.press("tab")
        await type_text(pilot, "占道经营执法实地指导")
        form.query_one("#f-form", Select).focus()
        await pilot.press("enter")
        await type_text(pilot, "实地")
        await pilot.press("enter")
        form.query_one("#f-hours", Input).focus()
        await type_text(pilot, "2.5")
        form.query_one("#f-items").focus()
        await pilot.press("space")
        form.query_one("#f-staff").focus()
        await pilot.press("space")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RecordListScreen)

    (item,) = rows(home, "SELECT * FROM delegated_item")
    assert item["status"] == "taken" and json.loads(item["staff"]) == [staff_uuid]
    (training,) = rows(home, "SELECT * FROM training")
    assert training["form"] == "onsite" and training["hours"] == 2.5
    assert json.loads(training["items"]) == [item["uuid"]]
    assert json.loads(training["staff"]) == [staff_uuid]


async def test_hearing_picks_a_person_by_typing(home):
    seed(home, "staff", STAFF)
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press_settled(pilot, "5", "n")
        await pilot.press("enter")
        await type_text(pilot, "王")
        await pilot.press("enter")
        await pilot.press("tab")
        await type_text(pilot, "2026.9.18")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RecordListScreen)
        table = app.screen.query_one(RecordTable)
        assert table.current_row["staff_uuid__label"].startswith("王芳")
    (hearing,) = rows(home, "SELECT * FROM hearing")
    assert hearing["date"] == "2026-09-18" and hearing["mode"] == "online"


# -- list: open, edit, delete, undo, filter -------------------------------------------------------


async def test_open_edit_delete_and_undo(home):
    seed(home, "service_item", {"name": "低保申请", "guide_published": False, "handled_locally": True})
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press_settled(pilot, "6", "enter")
        form = app.screen
        assert isinstance(form, RecordFormScreen)
        form.query_one("#f-guide_published").focus()
        await pilot.press("space")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert rows(home, "SELECT guide_published, rev FROM service_item")[0][:] == (1, 2)

        await pilot.press("delete")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert app.screen.table.total == 0
        assert rows(home, "SELECT deleted_at IS NOT NULL FROM service_item")[0][0] == 1

        await pilot.press("u")
        await settle(pilot)
        assert app.screen.table.total == 1
    assert rows(home, "SELECT deleted_at FROM service_item")[0][0] is None
    actions = [r[0] for r in rows(home, "SELECT action FROM audit_log ORDER BY id")]
    assert actions == ["insert", "update", "delete", "restore"]


async def test_delete_asks_first_and_no_keeps_the_record(home):
    seed(home, "service_item", {"name": "低保申请"})
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press_settled(pilot, "6", "delete", "n")
        assert app.screen.table.total == 1
    assert rows(home, "SELECT deleted_at FROM service_item")[0][0] is None


async def test_filter_narrows_the_list_and_escape_clears_it(home):
    for name in ("低保申请", "残疾人补贴", "低保复核"):
        seed(home, "service_item", {"name": name})
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "低保")
        await pilot.pause(0.4)
        await settle(pilot)
        assert app.screen.table.total == 2
        await pilot.press("enter")  # keep the filter, back to the list
        await settle(pilot)
        assert isinstance(app.focused, RecordTable)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.table.total == 3
        await pilot.press("escape")  # no filter: back home
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_a_long_list_pages_rows_instead_of_loading_them_all(home):
    store = Store.open(home.database, home.backups, clock=make_clock())
    with store.transaction() as conn:
        conn.executemany(
            "INSERT INTO service_item (uuid, township, created_at, updated_at, device_id, name) VALUES (?, ?, ?, ?, ?, ?)",
            [(f"u{i:05}", "640302100", "t", "t", "d", f"事项{i:05}") for i in range(3000)],
        )
    store.close()
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        table = app.screen.query_one(RecordTable)
        assert table.total == 3000
        await pilot.press("end")
        await settle(pilot)
        assert table.cursor == 2999
        assert table.current_row["name"] == "事项02999"
        assert len(table._blocks) <= 3  # only the blocks on screen were read
        await pilot.press("home", "down", "down")
        await settle(pilot)
        assert table.current_row["name"] == "事项00002"
        assert max(len(b) for b in table._blocks.values()) <= BLOCK_SIZE


# -- leaving with unsaved changes -------------------------------------------------------------------


async def test_escape_on_a_dirty_form_asks_and_keeps_typing_when_answered_no(home):
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press_settled(pilot, "7", "n")
        await type_text(pilot, "2025")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, RecordFormScreen)
        assert app.screen.query_one("#f-year", Input).value == "2025"
        await pilot.press("escape")
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, RecordListScreen)


async def test_escape_on_an_untouched_form_leaves_without_asking(home):
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press_settled(pilot, "7", "n", "escape")
        assert isinstance(app.screen, RecordListScreen)


async def test_ctrl_q_asks_when_a_form_is_unsaved(home):
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press_settled(pilot, "1", "n")
        await pilot.press("tab")
        await type_text(pilot, "2026-01-02")
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, RecordFormScreen)
        await pilot.press("ctrl+q")
        await pilot.press("y")
        await settle(pilot)
    assert app.return_code == 0


async def test_ctrl_q_quits_at_once_from_a_list(home):
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press_settled(pilot, "2", "ctrl+q")
    assert app.return_code == 0


# -- a database that cannot be used ---------------------------------------------------------------


async def test_corrupt_database_says_so_and_changes_nothing(home):
    home.database.write_bytes(b"this is not a database" * 100)
    before = home.database.read_bytes()
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "损坏" in app.fatal_message and str(home.backups) in app.fatal_message
    assert home.database.read_bytes() == before


async def test_home_shows_counts(home):
    seed(home, "staff", STAFF)
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        from textual.widgets import OptionList

        kinds = app.screen.query_one("#kinds", OptionList)
        assert "1 条" in str(kinds.get_option_at_index(1).prompt)


async def test_a_ticked_box_reads_without_colour(home):
    """A yes/no field shows X only when it is on, so a monochrome screen tells the two apart."""
    from fazhi_tui.ui.widgets.tick import Tick

    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press_settled(pilot, "2", "n")
        box = app.screen.query_one("#f-rule_of_law", Tick)
        box.focus()
        await settle(pilot)
        before = box.value
        marks = {box.value: box.render().plain}
        await pilot.press("space")
        await settle(pilot)
        assert box.value is not before
        marks[box.value] = box.render().plain
    assert "X" in marks[True] and "X" not in marks[False]
