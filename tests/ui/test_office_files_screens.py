"""The office files in the interface: the home screen's l (ledger .xlsx), a (annual report
draft .docx) and i (the ledger import screen), and the mapping step in the import screen
and the hub's catalog screen: columns the program did not recognise are pointed at once,
and the mapping is remembered."""

from __future__ import annotations

import openpyxl
from python_calamine import CalamineWorkbook
from textual.widgets import Input, OptionList, RichLog, Select

from fazhi_tui.base.paths import resolve_home
from fazhi_tui.cli import main
from fazhi_tui.services.sheets import remembered_maps
from fazhi_tui.ui.screens.catalog import CatalogScreen
from fazhi_tui.ui.screens.column_map import ColumnMapScreen
from fazhi_tui.ui.screens.import_sheet import ImportSheetScreen
from tests.ui.conftest import SIZE, make_app, rows, settle


def log_text(screen, selector) -> str:
    return "\n".join(line.text for line in screen.query_one(selector, RichLog).lines)


async def put_path(pilot, screen, folder) -> None:
    box = screen.query_one("#folder-path", Input)
    box.focus()
    box.value = str(folder)
    await settle(pilot)


async def choose_file(pilot, screen, selector, name) -> None:
    files = screen.query_one(selector, OptionList)
    index = next(i for i in range(files.option_count) if files.get_option_at_index(i).id.endswith(name))
    files.focus()
    files.highlighted = index
    await pilot.press("enter")
    await settle(pilot)


async def test_home_keys_write_the_ledger_and_the_report_draft(home):
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
    ledger = home.reports / "台账-2026.xlsx"
    book = CalamineWorkbook.from_path(str(ledger))
    assert "会议" in book.sheet_names and book.get_sheet_by_name("人员").to_python()[0][0] == "姓名"
    assert (home.reports / "法治政府建设报告草稿-2026.docx").stat().st_size > 0


async def test_a_staff_list_with_unknown_headers_is_mapped_then_imported(home, tmp_path):
    folder = tmp_path / "sheets"
    folder.mkdir()
    book = openpyxl.Workbook()
    book.active.append(["金星镇人员名单"])
    book.active.append(["序号", "人名", "岗位名称", "专业背景"])
    book.active.append([1, "张三", "司法所长", "法学专业"])
    book.active.append([2, "李四", "办事员", "外语"])  # not a background: refused
    book.save(folder / "名单.xlsx")
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ImportSheetScreen)
        await put_path(pilot, screen, folder)
        await choose_file(pilot, screen, "#import-files", "名单.xlsx")
        mapping = app.screen
        assert isinstance(mapping, ColumnMapScreen)  # 姓名 has no column the words know
        assert "人名" in log_text(screen, "#import-log")
        await pilot.press("ctrl+s")  # nothing picked: the needed field is named
        await settle(pilot)
        assert app.screen is mapping
        mapping.query_one("#map-name", Select).value = 1
        mapping.query_one("#map-post", Select).value = 2
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        text = log_text(screen, "#import-log")
        assert "人员可导入 1 条，拒收 1 行" in text and "第 4 行：专业背景：“外语”不是可选的值" in text
        assert "姓名 ← B 列“人名”（按指定）" in text
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "已导入 1 条人员记录" in log_text(screen, "#import-log")
    assert [(r["name"], r["post"], r["background"]) for r in rows(home, "SELECT * FROM staff")] == [("张三", "司法所长", "law_degree")]
    assert len(rows(home, "SELECT * FROM audit_log WHERE table_name = 'staff'")) == 1
    (remembered,) = remembered_maps(home.data_dir).values()
    assert remembered["purpose"] == "ledger:staff" and remembered["columns"]["name"] == "人名"


async def test_the_catalog_screen_asks_for_unknown_columns_and_remembers(tmp_path):
    county = resolve_home(tmp_path / "county")
    usb = tmp_path / "usb"
    usb.mkdir()
    assert main(["hub", "init", "640302", "--name", "利通区", "--home", str(county.data_dir)]) == 0
    assert main(["hub", "enroll", "640302100", "--name", "金星镇", "--to", str(usb), "--home", str(county.data_dir)]) == 0
    folder = tmp_path / "catalogs"
    folder.mkdir()
    (folder / "目录.csv").write_text("序号,清单编号,清单事项\n1,N-1,对甲的处罚\n2,N-2,对乙的检查\n", encoding="gb18030")
    app = make_app(county)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CatalogScreen)
        await put_path(pilot, screen, folder)
        await choose_file(pilot, screen, "#catalog-files", "目录.csv")
        mapping = app.screen
        assert isinstance(mapping, ColumnMapScreen)
        mapping.query_one("#map-code", Select).value = 1
        mapping.query_one("#map-name", Select).value = 2
        await pilot.press("ctrl+s")
        await settle(pilot)
        text = log_text(screen, "#catalog-log")
        assert "可保存 2 项，拒收 0 行" in text and "下放方式：表中没有这一列，全部按“赋权”保存" in text
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert sorted(r["code"] for r in rows(county, "SELECT code FROM hub_catalog")) == ["N-1", "N-2"]
    assert [m["columns"] for m in remembered_maps(county.data_dir).values()] == [{"code": "清单编号", "name": "清单事项"}]
