"""Office files both ways (issue 17): county catalogs with headers the program has never
seen (mapped once, remembered), .xls / UTF-16 / GB18030 / WPS .et, the township's own
ledgers brought in from Excel, and the ledger workbook and annual-report draft going out —
each output read back by a second, independent reader (python-calamine for .xlsx,
python-docx for .docx) and checked for content."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sqlite3
from pathlib import Path

import docx
import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from fazhi_tui.base.config import Config, save_config
from fazhi_tui.base.paths import resolve_home
from fazhi_tui.cli import main
from fazhi_tui.domain.kinds import KINDS
from fazhi_tui.services import sheets
from fazhi_tui.services.annual_report import annual_report_docx, gather_facts
from fazhi_tui.services.catalog_import import MappingNeeded, parse_catalog, read_table
from fazhi_tui.services.demo import build_demo
from fazhi_tui.services.ledger import ledger_sheets, write_ledger
from fazhi_tui.services.ledger_import import preview_rows, preview_sheet, store_sheet
from fazhi_tui.storage.store import Actor, Store

FIXTURES = Path(__file__).parent / "fixtures"
TOWN_A = "640302100"
TOWN_B = "640302101"
KNOWN = {TOWN_A, TOWN_B}
TODAY = dt.date(2026, 11, 27)


# -- catalogs with varied real-world headers --------------------------------------------------------


def _catalog_csv(header, rows, *, title="利通区下放事项目录", delimiter=","):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([title] + [""] * (len(header) - 1))
    writer.writerow([""] * len(header))
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


@pytest.mark.parametrize(
    "header",
    [
        # full-width brackets and a required-mark, a different word for the mode
        ["序号", "事项编码*", "事项名称（全称）", "权力类别", "实施依据", "原实施部门（单位）", "赋权方式", "承接乡镇（街道）"],
        # half-width suffixes, spaces, full-width letters
        ["No.", "权力编码", "权力 事项 名称", "职权类型(分类)", "法定依据", "原行使部门", "承接方式", "实施乡镇"],
        # a header that holds a known word: 下放执法事项名称 → name
        ["序", "事项编号", "下放执法事项名称", "事项类型", "执法依据", "下放部门", "下放方式", "承接单位"],
    ],
)
def test_headers_in_other_words_are_recognised(header):
    rows = [["1", "A1", "甲", "行政处罚", "《法》", "局", "委托", "全部乡镇"], ["2", "A2", "乙", "行政检查", "", "局", "赋权", TOWN_A]]
    table = read_table_from_text(_catalog_csv(header, rows))
    preview = parse_catalog(table, KNOWN)
    assert [(i.code, i.name, i.power_type, i.mode, i.townships) for i in preview.good] == [
        ("A1", "甲", "penalty", "entrust", ("*",)),
        ("A2", "乙", "inspection", "empower", (TOWN_A,)),
    ]
    assert preview.refused == [] and preview.colmap.unknown == []


def read_table_from_text(text: str, encoding: str = "utf-8", tmp=None) -> list:
    path = Path(tmp or _tmp()) / "目录.csv"
    path.write_bytes(text.encode(encoding))
    return read_table(path)


_TMP: list[Path] = []


def _tmp() -> Path:
    return _TMP[-1]


@pytest.fixture(autouse=True)
def _tmp_dir(tmp_path):
    _TMP.append(tmp_path)
    yield
    _TMP.pop()


def test_only_code_and_name_are_needed_and_defaults_are_stated():
    table = [(1, ["编码", "名称", "备注"]), (2, ["B1", "甲", "x"]), (3, ["B2", "乙", ""])]
    preview = parse_catalog(table, KNOWN)
    assert [(i.code, i.power_type, i.mode, i.townships) for i in preview.good] == [("B1", "other", "empower", ("*",)), ("B2", "other", "empower", ("*",))]
    from fazhi_tui.services.catalog_import import catalog_specs

    lines = sheets.mapping_lines(preview.colmap, catalog_specs())
    assert "下放方式：表中没有这一列，全部按“赋权”保存" in lines
    assert "权力类型：表中没有这一列，全部按“其他”保存" in lines
    assert "适用乡镇：表中没有这一列，全部事项适用所有乡镇" in lines
    assert "事项编码 ← A 列“编码”（按表头识别）" in lines
    assert preview.colmap.unknown == []  # a remarks column is no unknown column
    with_phone = parse_catalog([(1, ["编码", "名称", "联系电话"]), (2, ["B1", "甲", "123"])], KNOWN)
    assert [c.header for c in with_phone.colmap.unknown] == ["联系电话"]
    assert "未使用的列：C“联系电话”" in sheets.mapping_lines(with_phone.colmap, catalog_specs())


def test_unknown_headers_need_a_mapping_with_samples_then_given_by_name_or_letter():
    table = [(1, ["县目录"]), (2, ["序号", "甲列", "乙列", "类别"]), (3, ["1", "Q-1", "对某事的处罚", "行政处罚"]), (4, ["2", "Q-2", "对某事的检查", "行政检查"])]
    with pytest.raises(MappingNeeded) as info:
        parse_catalog(table, KNOWN)
    colmap = info.value.colmap
    assert colmap.header_row == 2 and colmap.missing == ["code", "name"]
    described = [c.describe() for c in colmap.all_columns]
    assert described[1] == "B 列“甲列”，例：Q-1、Q-2"
    preview = parse_catalog(table, KNOWN, given={"code": "甲列", "name": "C"})
    assert [(i.code, i.name, i.power_type) for i in preview.good] == [("Q-1", "对某事的处罚", "penalty"), ("Q-2", "对某事的检查", "inspection")]
    assert preview.colmap.how == {"code": "given", "name": "given", "power_type": "words"}
    with pytest.raises(sheets.SheetError) as bad:
        sheets.parse_given(["colour=甲列"], [])
    assert bad.value.key == "err.sheet_bad_map"


def test_gb18030_and_utf16_and_utf32_text_exports(tmp_path):
    header = ["序号", "事项编码", "事项名称", "权力类型", "下放方式", "备注"]
    rows = [["1", "G1", "对𠀀字号的处罚", "行政处罚", "赋权", "备注：含扩展区汉字"]]
    for encoding, delimiter in (("gb18030", ","), ("utf-16", "\t"), ("utf-32", "\t"), ("utf-8-sig", ";")):
        path = tmp_path / f"{encoding}.txt"
        path.write_bytes(_catalog_csv(header, rows, delimiter=delimiter).encode(encoding))
        preview = parse_catalog(read_table(path), KNOWN)
        assert [(i.code, i.name) for i in preview.good] == [("G1", "对𠀀字号的处罚")], encoding


def test_old_xls_with_title_merged_cells_blank_rows_and_notes():
    """tests/fixtures/县目录.xls (made once by tests/fixtures/make_xls.py with xlwt)."""
    rows = read_table(FIXTURES / "县目录.xls")
    assert rows[0] == (1, ["利通区赋权乡镇执法事项目录（2025 年版）"])
    preview = parse_catalog(rows, KNOWN)
    assert preview.header_row == 3
    assert [(i.row_number, i.code, i.department, i.mode, i.townships) for i in preview.good] == [
        (4, "LT-101", "自然资源局", "empower", ("*",)),
        (5, "LT-102", "自然资源局", "entrust", (TOWN_A,)),  # the merged department counts for both rows
        (6, "LT-103", "住建局", "empower", ("*",)),
    ]
    assert [(r.row_number, r.field_or_code, r.reason_key) for r in preview.refused] == [(8, "mode", "catalog.reason.empty")]


def test_wps_et_and_damaged_xls_get_clear_messages(tmp_path):
    et = tmp_path / "目录.et"
    et.write_bytes((FIXTURES / "县目录.xls").read_bytes())
    with pytest.raises(sheets.SheetError) as info:
        read_table(et)
    assert info.value.key == "err.sheet_et" and "另存为 .xlsx" in info.value.message()
    broken = tmp_path / "坏.xls"
    broken.write_bytes((FIXTURES / "县目录.xls").read_bytes()[:1500])
    with pytest.raises(sheets.SheetError) as info:
        read_table(broken)
    assert info.value.key == "err.catalog_xls"


@pytest.fixture
def county(tmp_path) -> Path:
    home = tmp_path / "county"
    usb = tmp_path / "usb"
    usb.mkdir()
    assert main(["hub", "init", "640302", "--name", "利通区", "--home", str(home)]) == 0
    assert main(["hub", "enroll", TOWN_A, "--name", "金星镇", "--to", str(usb), "--home", str(home)]) == 0
    assert main(["hub", "enroll", TOWN_B, "--name", "胜利镇", "--to", str(usb), "--home", str(home)]) == 0
    return home


def _catalog_codes(home: Path) -> list[str]:
    conn = sqlite3.connect(resolve_home(str(home)).database)
    try:
        return sorted(row[0] for row in conn.execute("SELECT code FROM hub_catalog"))
    finally:
        conn.close()


def test_a_clerk_maps_two_columns_once_and_the_mapping_is_remembered(county, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    header = ["序号", "清单编号", "清单事项", "类别", "行使方式"]
    path = tmp_path / "新目录.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["2026 年目录"])
    book.active.merge_cells("A1:E1")
    book.active.append(header)
    book.active.append(["1", "N-1", "对甲的处罚", "行政处罚", "赋权"])
    book.active.append([None] * 5)
    book.active.append(["2", "N-2", "对乙的检查", "检查", "委托"])
    book.save(path)
    # never seen: the needed columns are asked for, each column shown with samples; exit 2
    assert main(["hub", "catalog", "import", str(path), "--home", str(county)]) == 2
    err = capsys.readouterr().err
    assert "找不到表头中对应这些必需字段的列：事项编码、事项名称" in err
    assert "B 列“清单编号”，例：N-1、N-2" in err and "--map" in err
    assert _catalog_codes(county) == []
    # mapped once: stored, the mapping used printed
    assert main(["hub", "catalog", "import", str(path), "--map", "code=清单编号", "--map", "事项名称=C", "--home", str(county)]) == 0
    out = capsys.readouterr().out
    assert "事项编码 ← B 列“清单编号”（按指定）" in out and "事项名称 ← C 列“清单事项”（按指定）" in out
    assert "权力类型 ← D 列“类别”（按表头识别）" in out
    assert _catalog_codes(county) == ["N-1", "N-2"]
    maps = json.loads((resolve_home(str(county)).data_dir / "column-maps.json").read_text(encoding="utf-8"))
    (entry,) = maps["maps"].values()
    assert entry["purpose"] == "catalog" and entry["columns"]["code"] == "清单编号" and entry["headers"] == header
    # next year's file with the same headers: no --map needed
    book = openpyxl.Workbook()
    book.active.append(header)
    book.active.append(["1", "N-3", "对丙的处罚", "处罚", "赋权"])
    book.save(tmp_path / "明年.xlsx")
    assert main(["hub", "catalog", "import", str(tmp_path / "明年.xlsx"), "--home", str(county)]) == 0
    assert "事项编码 ← B 列“清单编号”（按上次确认的对应）" in capsys.readouterr().out
    assert _catalog_codes(county) == ["N-3"]


def test_nothing_stored_exits_1(county, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    path = tmp_path / "坏.csv"
    path.write_text("事项编码,事项名称,下放方式\nA,甲,下放\n", encoding="utf-8")
    assert main(["hub", "catalog", "import", str(path), "--home", str(county)]) == 1
    assert "第 2 行：下放方式" in capsys.readouterr().out


# -- the township's own ledgers in ------------------------------------------------------------------


def _township(tmp_path, name="empty") -> tuple:
    home = resolve_home(str(tmp_path / name))
    home.ensure()
    save_config(home.config, Config(township_code=TOWN_B, township_name="胜利镇", county_code="640302", county_name="利通区", operator="王"))
    store = Store.open(home.database, home.backups)
    return home, store


def test_a_staff_list_from_excel_validated_row_by_row(tmp_path):
    home, store = _township(tmp_path)
    try:
        rows = [
            (1, ["胜利镇工作人员花名册"]),
            (2, ["序号", "姓 名", "职务", "专业背景", "学历", "到岗时间", "是否在岗", "执法证号", "有效期至", "备注"]),
            (3, ["1", "张三", "司法所长", "法学学历", "本科", "2019.3.1", "是", "ZF-001", "2028年12月31日", ""]),
            (4, ["2", "李四", "综合执法", "其他", "大专", "20200801", "在岗", "ZF-002", "", ""]),  # certificate without expiry
            (5, ["3", "王五", "", "会计", "", "", "是", "", "", ""]),  # not a background
            (6, ["4", "赵六", "办事员", "", "", "2021-02-30", "是", "", "", ""]),  # no such day
            (7, ["5", "张三", "司法所长", "法学学历", "本科", "2019-03-01", "是", "", "", "重复"]),
            (8, ["6", "钱七", "办事员", "", "", "", "否", "", "", ""]),  # left, but no last day
        ]
        preview = preview_rows(store, KINDS["staff"], rows, today=TODAY)
        assert [(n, v["name"], v["background"], v["start_date"], v["cert_expiry"]) for n, v in preview.good] == [
            (3, "张三", "law_degree", "2019-03-01", "2028-12-31"),
        ]
        assert [(r.row_number, r.field) for r in preview.refused] == [
            (4, "cert_expiry"), (5, "background"), (6, "start_date"), (8, "end_date"),
        ]
        assert "“会计”不是可选的值" in preview.refused[1].line(KINDS["staff"])
        assert [(n, first) for n, _label, first in preview.duplicates] == [(7, 3)]
        assert store_sheet(store, preview, Actor("王", TOWN_B)) == 1
        (person,) = store.all_live(KINDS["staff"])
        assert person["active"] is True and person["cert_no"] == "ZF-001"
        assert [a["action"] for a in store.audit_trail(person["uuid"])] == ["insert"]
        # the same sheet again: the stored person is a duplicate now
        again = preview_rows(store, KINDS["staff"], rows, today=TODAY)
        assert again.good == [] and (3, "张三 司法所长", None) in again.duplicates
    finally:
        store.close()


def test_ledger_round_trip_through_excel(tmp_path):
    """The demo township's ledger written out, then read into an empty home kind by kind:
    the same records, by the same words."""
    source = resolve_home(str(tmp_path / "demo"))
    build_demo(source, today=TODAY)
    out = tmp_path / "台账.xlsx"
    src = Store.open(source.database, source.backups)
    try:
        written = {s.kind.name: s for s in write_ledger(src, out, township="金星镇", year=2026)}
    finally:
        src.close()
    home, store = _township(tmp_path)
    try:
        for name in ("meeting", "staff", "hearing", "service_item"):
            preview = preview_sheet(store, KINDS[name], out, today=TODAY, data_dir=home.data_dir)
            assert preview.refused == [] and preview.duplicates == [], name
            assert len(preview.good) == len(written[name].rows) > 0, name
            store_sheet(store, preview, Actor("王", TOWN_B))
        again = ledger_sheets(store, 2026, [KINDS[n] for n in ("meeting", "staff", "hearing", "service_item")])
        for sheet in again:
            assert sorted(map(repr, sheet.rows)) == sorted(map(repr, written[sheet.kind.name].rows)), sheet.kind.name
    finally:
        store.close()


def test_import_sheet_command(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    home, store = _township(tmp_path)
    store.close()
    path = tmp_path / "会议.csv"
    path.write_bytes("会议类型,召开日期,议题,备注\n学法,2026-03-05,学习宪法,\n部署,2026-13-01,错日期,\n".encode("gb18030"))
    assert main(["import-sheet", str(path), "--kind", "meeting", "--home", str(home.data_dir)]) == 2
    assert "会议名称" in capsys.readouterr().err  # the title column must be pointed at
    assert main(["import-sheet", str(path), "--kind", "meeting", "--map", "title=议题", "--map", "date=召开日期", "--home", str(home.data_dir)]) == 0
    out = capsys.readouterr().out
    assert "会议可导入 1 条，拒收 1 行" in out and "第 3 行：日期" in out and "已导入 1 条会议记录" in out
    store = Store.open(home.database, home.backups)
    try:
        (meeting,) = store.all_live(KINDS["meeting"])
        assert (meeting["kind"], meeting["date"], meeting["title"]) == ("study", "2026-03-05", "学习宪法")
    finally:
        store.close()


# -- the ledger and the annual report out ----------------------------------------------------------


@pytest.fixture
def demo_home(tmp_path):
    home = resolve_home(str(tmp_path / "demo"))
    build_demo(home, today=TODAY)
    return home


def test_ledger_workbook_read_back_by_calamine_and_print_setup(demo_home, tmp_path):
    out = tmp_path / "2026.xlsx"
    store = Store.open(demo_home.database, demo_home.backups)
    try:
        sheets_written = write_ledger(store, out, township="金星镇", year=2026)
        meetings = [m for m in store.all_live(KINDS["meeting"]) if m["date"].startswith("2026")]
    finally:
        store.close()
    book = CalamineWorkbook.from_path(str(out))
    assert book.sheet_names[:7] == ["会议", "人员", "下放执法事项", "培训指导", "旁听庭审", "政务服务事项", "年度报告"]
    assert "重大执法决定" in book.sheet_names  # the kinds of issue 15 too: one sheet per kind
    assert len(book.sheet_names) == len(KINDS)
    rows = book.get_sheet_by_name("会议").to_python()
    assert rows[0][:4] == ["会议类型", "日期", "会议名称", "主持人"]
    assert len(rows) - 1 == len(meetings) == len(sheets_written[0].rows)
    first = next(m for m in meetings if m["title"] == rows[1][2])
    assert rows[1][1] == dt.date.fromisoformat(first["date"])  # a real date, not text
    assert rows[1][0] in ("专题部署会议", "政府常务会议", "集中学法", "法治讲座", "座谈会", "其他") or rows[1][0] != first["kind"]
    staff = book.get_sheet_by_name("人员").to_python()
    assert "是" in {row[5] for row in staff[1:]}  # yes/no in words
    ws = openpyxl.load_workbook(out)["会议"]
    assert ws.page_setup.orientation == "landscape"
    assert ws.print_title_rows == "$1:$1"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert "金星镇" in ws.oddHeader.center.text and "2026" in ws.oddHeader.center.text
    assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text


def test_annual_report_draft_read_back_by_python_docx(demo_home, tmp_path):
    from fazhi_tui.base.config import load_config

    config = load_config(demo_home.config)
    store = Store.open(demo_home.database, demo_home.backups)
    try:
        facts = gather_facts(demo_home, config, store, year=2026, on=TODAY)
        study = sorted((m for m in store.all_live(KINDS["meeting"]) if m["kind"] == "study" and m["date"].startswith("2026")), key=lambda m: m["date"])
    finally:
        store.close()
    path = tmp_path / "r.docx"
    path.write_bytes(annual_report_docx(facts))
    document = docx.Document(str(path))
    text = "\n".join(p.text for p in document.paragraphs)
    assert text.startswith("金星镇2026年度法治政府建设情况报告")
    for heading in ("一、2026年推进法治政府建设的主要举措和成效", "二、党政主要负责人履行推进法治建设第一责任人职责情况",
                    "三、2026年度法治政府建设对照检查结果", "四、存在的不足和原因", "五、2027年推进法治政府建设的主要安排"):
        assert heading in text
    assert f"集中学法 {len(study)} 次" in text
    day = dt.date.fromisoformat(study[0]["date"])
    assert f"{day.year}年{day.month}月{day.day}日“{study[0]['title']}”" in text
    assert text.count("【待填写：") >= 8
    cells = [[c.text for c in row.cells] for table in document.tables for row in table.rows]
    verdicts = [row for row in cells if row[0].startswith("T") and len(row) == 5]
    assert len(verdicts) == len(facts.results) and all(row[2][0] in "√×!-" for row in verdicts)
    appendix = {row[0]: row[1] for row in cells if len(row) == 2}
    assert appendix["会议"] == str(len(facts.records["meeting"]))


def test_ledger_and_annual_report_commands(demo_home, tmp_path, capsys):
    home = str(demo_home.data_dir)
    assert main(["ledger", "--year", "2026", "--out", str(tmp_path / "l.xlsx"), "--home", home]) == 0
    assert "已写出 2026 年台账" in capsys.readouterr().out
    assert main(["annual-report", "--year", "2026", "--out", str(tmp_path / "r.docx"), "--home", home]) == 0
    assert "年度法治政府建设报告草稿" in capsys.readouterr().out
    assert "【待填写：" in "\n".join(p.text for p in docx.Document(str(tmp_path / "r.docx")).paragraphs)


# -- the checklist report as Excel and Word ---------------------------------------------------------


def test_checklist_report_as_xlsx_and_docx_with_evidence(demo_home, tmp_path, capsys):
    from fazhi_tui.base.config import load_config
    from fazhi_tui.services.office import checklist_report, save_checklist_report

    home = str(demo_home.data_dir)
    assert main(["checklist", "--year", "2026", "--format", "xlsx", "--home", home]) == 2
    assert "--out" in capsys.readouterr().err
    config = load_config(demo_home.config)
    store = Store.open(demo_home.database, demo_home.backups)
    try:
        text = checklist_report(demo_home, config, store, year=2026, on=TODAY, fmt="markdown").text
        md_path, _ = save_checklist_report(demo_home, config, store, year=2026, on=TODAY)
    finally:
        store.close()
    book = CalamineWorkbook.from_path(str(md_path.with_suffix(".xlsx")))
    assert book.sheet_names == ["检查清单", "依据记录"]
    rules = book.get_sheet_by_name("检查清单").to_python()
    assert rules[0][0].startswith("金星镇（640302100）2026 年")
    verdicts = [row for row in rules if str(row[0]).startswith("T")]
    assert verdicts and all(row[1] and row[4][0] in "√×!-" for row in verdicts)
    assert all(f"| {row[0]} | " in text for row in verdicts)
    evidence = book.get_sheet_by_name("依据记录").to_python()
    assert evidence[0] == ["任务", "检查项", "类别", "记录类别", "记录"]
    assert len(evidence) > 10 and {row[2] for row in evidence[1:]} <= {"未达标或有风险", "达标依据", "计划中，不计入", "计划中的关联记录，不计入"}
    assert all(f"- {row[4].removesuffix('（有风险）')}" in text for row in evidence[1:])  # the same evidence as the Markdown
    document = docx.Document(str(md_path.with_suffix(".docx")))
    body = "\n".join(p.text for p in document.paragraphs)
    assert "达标依据（人员）：" in body or "达标依据（会议）：" in body
    assert len(document.tables[0].rows) == len(verdicts) + 1
    out = tmp_path / "清单.docx"
    assert main(["checklist", "--year", "2026", "--format", "docx", "--out", str(out), "--home", home]) == 0
    assert docx.Document(str(out)).tables[0].rows[0].cells[0].text == "任务"


def test_township_file_commands_are_refused_at_a_hub(county, tmp_path, capsys):
    for args in (["ledger", "--out", str(tmp_path / "l.xlsx")], ["annual-report", "--out", str(tmp_path / "r.docx")],
                 ["import-sheet", str(FIXTURES / "县目录.xls"), "--kind", "staff"]):
        assert main([*args, "--home", str(county)]) == 2
        assert "这是汇总端" in capsys.readouterr().err
    assert not (tmp_path / "l.xlsx").exists()


def test_records_of_the_year(tmp_path):
    from fazhi_tui.services.ledger import records_of_year

    home, store = _township(tmp_path)
    actor = Actor("王", TOWN_B)
    try:
        item = KINDS["delegated_item"]
        base = {"name": "事项", "power_type": "penalty", "mode": "empower", "status": "taking"}
        store.insert(item, {**base, "code": "D-2025", "delegated_on": "2025-03-01"}, actor)
        store.insert(item, {**base, "code": "D-2026", "delegated_on": "2026-03-01"}, actor)
        store.insert(item, {**base, "code": "D-none", "delegated_on": None}, actor)  # undated: every year
        assert [r["code"] for r in records_of_year(store, item, 2026)] == ["D-2026", "D-none"]
        staff = KINDS["staff"]
        person = {"background": "other", "rule_of_law": True, "enforcement": False}
        store.insert(staff, {**person, "name": "在岗", "active": True, "start_date": "2020-01-01"}, actor)
        store.insert(staff, {**person, "name": "去年离岗", "active": False, "start_date": "2020-01-01", "end_date": "2025-06-30"}, actor)
        store.insert(staff, {**person, "name": "今年离岗", "active": False, "start_date": "2020-01-01", "end_date": "2026-02-01"}, actor)
        store.insert(staff, {**person, "name": "明年到岗", "active": True, "start_date": "2027-01-05"}, actor)
        assert sorted(r["name"] for r in records_of_year(store, staff, 2026)) == ["今年离岗", "在岗"]
    finally:
        store.close()
