"""The interface as a clerk meets it (issue 16): each numbered point driven key by key."""

from __future__ import annotations

from rich.cells import cell_len
from textual import events
from textual.widgets import DataTable, Input

from fazhi_tui.domain.kinds import KINDS
from fazhi_tui.services.checklist_report import rule_name, status_text
from fazhi_tui.storage.store import Actor, Store
from fazhi_tui.ui.helpers import load_view_data
from fazhi_tui.ui.screens.checklist import ChecklistScreen
from fazhi_tui.ui.screens.home import HomeScreen
from fazhi_tui.ui.screens.record_form import RecordFormScreen
from fazhi_tui.ui.screens.record_list import RecordListScreen
from fazhi_tui.ui.screens.record_view import RecordViewScreen
from fazhi_tui.ui.screens.setup import SetupScreen
from fazhi_tui.ui.widgets.columns import Spec, fit_cell, fit_widths
from fazhi_tui.ui.widgets.footer import fit_keys
from fazhi_tui.ui.widgets.multi_picker import MultiPicker
from tests.conftest import make_clock
from tests.ui.conftest import SIZE, make_app, rows, settle, type_text

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


# -- point 3: columns from the window width, nothing cut without a mark ------------------


def test_fit_widths_gives_fixed_columns_their_width_and_the_rest_to_the_longest():
    specs = [Spec(12, fixed=True), Spec(40), Spec(6), Spec(9, fixed=True)]
    assert fit_widths(specs, 80) == [12, 40, 6, 9]  # everything fits whole
    assert fit_widths(specs, 50) == [12, 23, 6, 9]  # the short text whole, the long one cut
    assert fit_widths(specs, 20) == [12, 4, 4, 9]  # minimums: the list scrolls sideways
    assert fit_cell("对违法搭建的处罚", 9) == "对违法搭…"
    assert fit_cell("对违法搭建的处罚", 8) == "对违法… "  # a wide character never split
    assert cell_len(fit_cell("对违法搭建的处罚", 9)) == 9
    assert fit_cell("abc", 5) == "abc  "


def table_lines(app) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


ITEM = {"code": "330217001000", "name": "对在城市建筑物、设施以及树木上涂写、刻画或者未经批准张挂张贴宣传品的行政处罚",
        "power_type": "penalty", "mode": "empower", "status": "withdrawn", "department": "区住建局"}


async def test_point_3_codes_and_statuses_whole_text_cut_with_a_mark_and_read_whole_below(home):
    seed(home, "delegated_item", ITEM)
    name_width = {}
    for size, language in (((80, 24), "zh"), ((80, 24), "en"), ((120, 40), "zh")):
        app = make_app(home)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            app.use_language(language)
            await burst(pilot, "3")
            screen = app.screen
            row = next(line for line in table_lines(app) if "330217001000" in line)  # the code whole
            status = "Withdrawn" if language == "en" else "收回"
            assert status in row
            widths = screen.table.widths
            if size[0] == 80:
                assert "…" in row  # the long name is cut, and says so
            detail = str(screen.query_one("#row-detail").render())
            assert ITEM["name"] in detail  # …and reads whole in the detail line
            name_width[size] = widths[1]
    assert name_width[(120, 40)] > name_width[(80, 24)]  # a wider window shows more of the name


async def test_point_3_checklist_statuses_whole_in_both_languages_rule_names_read_whole(home):
    for language in ("zh", "en"):
        app = make_app(home)
        async with app.run_test(size=(64, 24)) as pilot:
            await settle(pilot)
            app.use_language(language)
            await burst(pilot, "c")
            screen = app.screen
            assert isinstance(screen, ChecklistScreen)
            table = screen.query_one(DataTable)
            cut = 0
            for index, result in enumerate(screen.results):
                row = table.get_row_at(index)
                assert str(row[4]) == status_text(result.status)  # the status whole
                name = str(row[1])
                if name != rule_name(result):
                    assert name.endswith("…") and rule_name(result).startswith(name[:-1])
                    cut += 1
            assert cut  # 64 columns are too few for every name…
            for index, result in enumerate(screen.results):
                table.move_cursor(row=index)
                await settle(pilot)
                assert rule_name(result) in str(screen.query_one("#checklist-detail").render())  # …each reads whole


# -- point 4: every word in the interface language ---------------------------------------

# Textual's own words that could reach a screen of this program.
TEXTUAL_ENGLISH = (
    "Dismiss menu", "Exit the command palette", "Search for commands", "No matches found", "Keys", "Maximize",
    "Screenshot", "Theme", "Quit the application", "Show help", "Select", "Toggle", "Submit", "palette",
)


def assert_no_textual_english(app, where: str) -> None:
    text = "\n".join(table_lines(app))
    for word in TEXTUAL_ENGLISH:
        assert word not in text, (where, word, text)


async def test_point_4_no_english_word_of_textual_on_any_chinese_screen(home):
    seed(home, "staff", {"name": "王芳", "post": "所长", "background": "law_degree", "active": True})
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert_no_textual_english(app, "home")
        await burst(pilot, "ctrl+p")
        assert_no_textual_english(app, "palette")
        assert "输入要找的命令" in "\n".join(table_lines(app))
        await type_text(pilot, "zzz")
        await pilot.pause(1.2)
        await settle(pilot)
        assert "没有符合的命令" in "\n".join(table_lines(app))
        assert_no_textual_english(app, "palette, no match")
        await burst(pilot, "escape")
        await burst(pilot, "f1")
        assert_no_textual_english(app, "help")
        await burst(pilot, "escape", "1")
        assert_no_textual_english(app, "list")
        await burst(pilot, "n")
        assert isinstance(app.screen, RecordFormScreen)
        assert_no_textual_english(app, "form")
        await burst(pilot, "enter")  # the kind's dropdown open: its footer hint
        lines = "\n".join(table_lines(app))
        assert "关闭列表" in lines
        assert_no_textual_english(app, "dropdown")
        await burst(pilot, "escape", "escape", "escape", "c")
        assert_no_textual_english(app, "checklist")


async def test_point_4_the_palette_offers_the_programs_own_commands_only(home):
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert titles and "Keys" not in titles and "Theme" not in titles
        assert "退出" in titles


def test_point_4_os_errors_in_words_and_the_raw_reason_in_the_log(caplog, monkeypatch):
    import errno
    import logging

    monkeypatch.setattr(logging.getLogger("fazhi_tui"), "propagate", True)  # the program's log may be set up

    from fazhi_tui.base import i18n
    from fazhi_tui.base.oserror import os_error_words

    error = OSError(errno.ENOSPC, "No space left on device", "E:/fazhi.fzb")
    with caplog.at_level("WARNING"):
        assert os_error_words(error) == "磁盘或 U 盘已满"
    assert "No space left on device" in caplog.text
    assert os_error_words(PermissionError(errno.EACCES, "Permission denied")).startswith("没有权限")
    assert os_error_words(OSError(errno.EPROTO, "Protocol error")) == "系统无法完成读写（详见日志）"
    i18n.set_language("en")
    assert os_error_words(error) == "the disk or stick is full"


# -- point 5: footers fit, the hub says how to Tab back, the county reads a record --------


def footer_line(app) -> str:
    return table_lines(app)[-1].rstrip()


async def test_point_5_footers_fit_80_columns_and_end_with_quit_and_help(home):
    for language, (quit_, help_) in (("zh", ("^q 退出", "F1 帮助")), ("en", ("^q Quit", "F1 Help"))):
        app = make_app(home)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            app.use_language(language)
            await settle(pilot)
            for keys in ((), ("1",), ("n",), ("escape", "escape", "c"), ("escape", "2")):
                await burst(pilot, *keys)
                line = footer_line(app)
                assert line.endswith(f"{quit_} {help_}"), (language, keys, line)
                assert cell_len(line) <= SIZE[0]
            await burst(pilot, "f1")  # help lists every key, those the footer left out too (it scrolls)
            from fazhi_tui.ui.screens.help import screen_keys

            listed = " ".join(description for _shown, description in screen_keys(app.screen.about))
            assert ("检查清单" if language == "zh" else "Checklist") in listed
            hint = app.screen.query_one("#help-footer")
            assert hint.region.height and hint.region.bottom <= SIZE[1]  # the close hint stays in sight


def test_fit_keys_keeps_the_order_and_always_quit_and_help():
    entries = [("enter", "⏎", "打开"), ("n", "n", "新建"), ("c", "c", "检查清单"), ("ctrl+q", "^q", "退出"), ("f1", "F1", "帮助")]
    assert [e[0] for e in fit_keys(entries, 80)] == ["enter", "n", "c", "ctrl+q", "f1"]
    assert [e[0] for e in fit_keys(entries, 30)] == ["enter", "n", "ctrl+q", "f1"]
    assert [e[0] for e in fit_keys(entries, 12)] == ["ctrl+q", "f1"]


async def test_point_6_a_record_read_only_shows_every_field_as_entered(home):
    meeting = seed(home, "meeting", {"kind": "admin", "date": "2026-05-13", "title": "第5次镇长办公会",
                                     "head_attendance": "partial", "head_absence_reason": "中途参加纠纷调解"})
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        record, labels = load_view_data(app.store, KINDS["meeting"], meeting)
        await app.push_screen(RecordViewScreen(KINDS["meeting"], record, labels, whose="金星镇"))
        await settle(pilot)
        text = "\n".join(table_lines(app))
        for words in ("金星镇", "只读", "行政会议", "2026-05-13", "第5次镇长办公会", "部分", "中途参加纠纷调解"):
            assert words in text, words
        assert not app.screen.query("Input, Select, TextArea")  # nothing to edit


async def test_point_5_the_hub_says_how_to_tab_back_from_a_typed_path(tmp_path):
    from fazhi_tui.base.paths import resolve_home
    from fazhi_tui.cli import main
    from fazhi_tui.ui.screens.hub import HubScreen

    assert main(["hub", "init", "640302", "--name", "利通区", "--home", str(tmp_path / "county")]) == 0
    app = make_app(resolve_home(tmp_path / "county"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HubScreen)
        hint = app.screen.query_one("#path-hint")
        assert not hint.display
        app.screen.query_one("#folder-path", Input).focus()
        await settle(pilot)
        assert hint.display and "Tab" in "\n".join(table_lines(app))
        assert footer_line(app).endswith("^q 退出 F1 帮助")
        await burst(pilot, "tab")
        assert not hint.display


# -- point 7: undo across lists for the session ------------------------------------------


def notes(app) -> list[str]:
    return [n.message for n in app._notifications]


async def test_point_7_undo_from_another_list_and_from_home_names_what_it_restores(home):
    seed(home, "service_item", {"name": "低保申请"})
    seed(home, "staff", {"name": "王芳", "post": "所长", "background": "law_degree", "active": True})
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await burst(pilot, "6")
        await burst(pilot, "delete")
        await burst(pilot, "y")
        assert app.screen.table.total == 0
        await burst(pilot, "2")
        await burst(pilot, "delete")
        await burst(pilot, "y")
        assert app.screen.table.total == 0
        await burst(pilot, "1")  # meetings: neither deletion happened here
        await burst(pilot, "ctrl+z")  # the newest first: 王芳
        assert "已恢复人员：王芳 所长" in notes(app)
        await burst(pilot, "escape")
        await burst(pilot, "u")  # from home: the one before
        assert "已恢复政务服务事项：低保申请" in notes(app)
        await burst(pilot, "u")
        assert "没有可撤销的删除" in notes(app)
        await burst(pilot, "6")
        assert app.screen.table.total == 1
    assert rows(home, "SELECT count(*) FROM staff WHERE deleted_at IS NULL")[0][0] == 1
    assert rows(home, "SELECT count(*) FROM service_item WHERE deleted_at IS NULL")[0][0] == 1


# -- point 9: the smaller points -----------------------------------------------------------


async def test_point_9_full_attendance_hides_the_reason_and_does_not_keep_it(home):
    seed(home, "meeting", {"kind": "admin", "date": "2026-05-13", "title": "第5次镇长办公会",
                           "head_attendance": "partial", "head_absence_reason": "中途参加纠纷调解"})
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await burst(pilot, "1")
        await burst(pilot, "enter")
        form = app.screen
        assert isinstance(form, RecordFormScreen)
        assert form.query_one("#row-head_absence_reason").display
        form.query_one("#f-head_attendance").focus()
        await burst(pilot, "enter")
        await type_text(pilot, "全程")
        await burst(pilot, "enter")
        assert not form.query_one("#row-head_absence_reason").display  # no stale reason in sight
        await burst(pilot, "ctrl+s")
        assert isinstance(app.screen, RecordListScreen)
    (meeting,) = rows(home, "SELECT head_attendance, head_absence_reason FROM meeting")
    assert meeting["head_attendance"] == "full" and not meeting["head_absence_reason"]


def test_point_9_the_date_error_names_every_accepted_form():
    from fazhi_tui.base.i18n import t
    from fazhi_tui.domain.dates import parse_date

    message = t("err.date_format", text="x")
    for form in ("2024-03-05", "20240305", "2024/3/5", "2024.3.5", "2024年3月5日"):
        assert form in message
        assert parse_date(form).isoformat() == "2024-03-05"


async def test_point_9_a_first_start_error_sits_under_its_field_apart_from_the_next_label(bare_home):
    app = make_app(bare_home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await burst(pilot, "1", "2", "ctrl+s")
        screen = app.screen
        code, error = screen.query_one("#setup-code"), screen.query_one("#err-code")
        assert error.display
        next_label = next(w for w in screen.query("Label") if w.region.y > error.region.y)
        assert error.region.y == code.region.y + 1  # right under the code it is about
        assert next_label.region.y >= error.region.y + 2  # a blank line before the next field


async def test_point_9_saving_says_so_in_the_title_not_over_the_rows(home):
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await burst(pilot, "6")
        await burst(pilot, "n")
        await type_text(pilot, "低保申请")
        await burst(pilot, "ctrl+s")
        assert isinstance(app.screen, RecordListScreen)
        assert "已保存" in str(app.screen.query_one("#title-bar").render())
        assert not notes(app)


async def test_point_8_keys_typed_while_a_form_opens_or_closes_wait_for_it(home, monkeypatch):
    import time

    from fazhi_tui.ui.screens import record_list

    def slowly(function):
        def slow(*args, **kwargs):
            time.sleep(0.3)  # a slow PC: the form's data, the save, take a while
            return function(*args, **kwargs)

        return slow

    monkeypatch.setattr(record_list, "load_form_data", slowly(record_list.load_form_data))
    monkeypatch.setattr(Store, "insert", slowly(Store.insert))
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await burst(pilot, "6")
        # n opens the form (read in a worker), the name typed at once; Ctrl+S saves (in a
        # worker), and n at once opens the next new form, not an "n" in this one's name
        await burst(pilot, "n", *"低保申请", "ctrl+s", "n", *"残疾人补贴")
        form = app.screen
        assert isinstance(form, RecordFormScreen)
        assert form.query_one("#f-name", Input).value == "残疾人补贴"
    assert [r[0] for r in rows(home, "SELECT name FROM service_item")] == ["低保申请"]
