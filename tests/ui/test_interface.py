"""The interface as a clerk meets it (issue 16): each numbered point driven key by key."""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from fazhi_tui.domain.kinds import KINDS
from fazhi_tui.storage.store import Actor, Store
from fazhi_tui.ui.screens.home import HomeScreen
from fazhi_tui.ui.screens.record_form import RecordFormScreen
from fazhi_tui.ui.screens.record_list import RecordListScreen
from fazhi_tui.ui.screens.setup import SetupScreen
from fazhi_tui.ui.widgets.multi_picker import MultiPicker
from tests.conftest import make_clock
from tests.ui.conftest import SIZE, make_app, settle, type_text

ACTOR = Actor("张明", "640302100")


def seed(home, kind: str, values: dict) -> str:
    store = Store.open(home.database, home.backups, clock=make_clock())
    try:
        return store.insert(KINDS[kind], values, ACTOR)
    finally:
        store.close()


# -- point 1: the filter finds what the list shows ---------------------------------------


async def filtered_total(pilot, text: str) -> int:
    await pilot.press("slash")
    await type_text(pilot, text)
    await pilot.pause(0.4)
    await settle(pilot)
    total = pilot.app.screen.table.total
    await pilot.press("escape")
    await settle(pilot)
    return total


async def test_point_1_the_filter_finds_labels_dates_and_linked_names(home):
    wang = seed(home, "staff", {"name": "王芳", "post": "司法所所长", "background": "law_degree", "active": True})
    seed(home, "meeting", {"kind": "admin", "date": "2026-10-12", "title": "镇长办公会", "head_attendance": "partial",
                           "head_absence_reason": "出差"})
    seed(home, "meeting", {"kind": "study", "date": "2026-03-05", "title": "会前学法"})
    seed(home, "hearing", {"staff_uuid": wang, "date": "2026-06-01", "mode": "onsite", "court": "中卫市法院",
                           "case_name": "张某诉某局"})
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, RecordListScreen)
        assert await filtered_total(pilot, "行政会议") == 1
        assert await filtered_total(pilot, "部分") == 1
        assert await filtered_total(pilot, "2026-10") == 1
        assert await filtered_total(pilot, "会") == 2
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        assert await filtered_total(pilot, "王") == 1
        assert await filtered_total(pilot, "现场") == 1


# -- point 8: keys typed ahead land where they were meant ---------------------------------

KEY_CHARACTERS = {"tab": "\t", "enter": "\r", "space": " "}


async def burst(pilot, *keys: str) -> None:
    """Send every key at once, as a paste into the terminal or tmux send-keys does: all of
    them are in the app's queue before the first is handled."""
    app = pilot.app
    for key in keys:
        app.post_message(events.Key(key, KEY_CHARACTERS.get(key, key if len(key) == 1 else None)))
    await settle(pilot)


async def test_point_8_first_start_typed_ahead_in_one_burst(bare_home):
    app = make_app(bare_home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SetupScreen)
        await burst(pilot, *"640302100", "enter", *"金星镇", "enter", *"张明")
        assert app.screen.query_one("#setup-code", Input).value == "640302100"
        assert app.screen.query_one("#setup-name", Input).value == "金星镇"
        assert app.screen.query_one("#setup-operator", Input).value == "张明"
        await burst(pilot, "enter")
        assert isinstance(app.screen, HomeScreen)


async def test_point_8_a_new_meeting_typed_ahead_in_one_burst(home):
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await burst(pilot, "1")
        await burst(pilot, "n")
        form = app.screen
        assert isinstance(form, RecordFormScreen)
        await burst(pilot, "tab", *"2024-03-05", "tab", *"镇长办公会", "tab", *"李书记")
        assert form.query_one("#f-date", Input).value == "2024-03-05"
        assert form.query_one("#f-title", Input).value == "镇长办公会"
        assert form.query_one("#f-chair", Input).value == "李书记"


# -- point 2: a multi-select shows X only on ticked rows ---------------------------------


def picker_lines(picker) -> list[str]:
    return [picker.render_line(y).text for y in range(picker.option_count)]


async def test_point_2_a_picker_marks_only_the_ticked_rows(home):
    seed(home, "staff", {"name": "王芳", "post": "所长", "background": "law_degree", "active": True})
    seed(home, "staff", {"name": "李强", "post": "队员", "background": "other", "active": True})
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await burst(pilot, "4")
        await burst(pilot, "n")
        picker = app.screen.query_one("#f-staff", MultiPicker)
        picker.focus()
        await settle(pilot)
        assert [line[:3] for line in picker_lines(picker)] == ["▐ ▌", "▐ ▌"]
        await type_text(pilot, "王")
        await pilot.press("space")
        await settle(pilot)
        marks = {line[4:6]: line[:3] for line in picker_lines(picker)}
        assert marks == {"王芳": "▐X▌", "李强": "▐ ▌"}
        await pilot.press("space")  # untick: blank again
        await settle(pilot)
        assert [line[:3] for line in picker_lines(picker)] == ["▐ ▌", "▐ ▌"]
