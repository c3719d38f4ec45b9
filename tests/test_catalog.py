"""The county's delegated-items catalog, read from the spreadsheets offices really keep:
merged title rows, shuffled Chinese headers, blank rows, extra columns, CSV in GB18030/GBK
or UTF-8 with or without BOM; refusals per row with the row number; broken files; the
command with and without a terminal; and the catalog reaching the right townships."""

from __future__ import annotations

import io
import json
import sqlite3
import zipfile
from pathlib import Path

import openpyxl
import pytest

from fazhi_tui.base.paths import resolve_home
from fazhi_tui.cli import main
from fazhi_tui.services.catalog_import import CatalogError, CatalogItem, MappingNeeded, parse_catalog, read_table, store_catalog
from fazhi_tui.storage.store import Store
from fazhi_tui.sync.bundle import payload_json, read_signed

TOWN_A = "640302100"
TOWN_B = "640302101"
KNOWN = {TOWN_A, TOWN_B}
TITLE = "利通区下放乡镇执法事项目录"
HYPERLINK = '=HYPERLINK("http://www.npc.gov.cn/","行政处罚法")'

# The header in an office's own order, with columns the catalog does not use (序号, 备注).
HEADER = ["序号", "事项名称", "适用乡镇", "事项编码", "下放方式", "备注", "权力类型", "原实施部门", "法律依据"]


def _row(no, name, townships, code, mode, power, dept, basis, note=""):
    return [no, name, townships, code, mode, note, power, dept, basis]


DATA = [
    _row("1", "对违法占用耕地建房的处罚", "全部乡镇", "LT-001", "赋权", "行政处罚", "自然资源局", "《土地管理法》第七十八条"),
    _row("2", "对无证经营的检查", f"{TOWN_A}、{TOWN_B}", "LT-002", "委托", "行政检查", "市场监管局", "=1+1"),
    _row("3", "对违法建设的强制拆除", TOWN_A, "LT-003", "赋权", "行政强制", "住建局", HYPERLINK, "只给金星镇"),
]

EXPECTED = [
    CatalogItem(0, "LT-001", "对违法占用耕地建房的处罚", "penalty", "《土地管理法》第七十八条", "自然资源局", "empower", ("*",)),
    CatalogItem(0, "LT-002", "对无证经营的检查", "inspection", "=1+1", "市场监管局", "entrust", (TOWN_A, TOWN_B)),
    CatalogItem(0, "LT-003", "对违法建设的强制拆除", "coercion", HYPERLINK, "住建局", "empower", (TOWN_A,)),
]


def _without_rows(items):
    return [CatalogItem(0, *(getattr(i, f) for f in ("code", "name", "power_type", "legal_basis", "department", "mode", "townships"))) for i in items]


def _csv_text(delimiter: str) -> str:
    """What Excel/WPS write: the merged title as a row of its own, a blank row, quoted
    cells where they hold the delimiter, a quote or a line break."""
    out = io.StringIO()
    import csv

    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([TITLE] + [""] * (len(HEADER) - 1))
    writer.writerow([""] * len(HEADER))
    writer.writerow(HEADER)
    for row in DATA:
        writer.writerow(row)
    return out.getvalue()


def _xlsx(path: Path, rows_below_header=DATA, *, formulas_as_text=False) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "下放事项"
    sheet["A1"] = TITLE
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    sheet["A2"] = "（2024 年版）"
    # row 3 blank
    for column, text in enumerate(HEADER, start=1):
        sheet.cell(row=4, column=column, value=text)
    row = 5
    for index, values in enumerate(rows_below_header):
        if index == 1:
            row += 1  # a blank row between items
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column, value=value)
            if formulas_as_text and isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"
        row += 1
    book.save(path)
    return path


# -- reading spreadsheets ----------------------------------------------------------------------------


def test_xlsx_with_title_blank_rows_shuffled_and_extra_columns(tmp_path):
    path = _xlsx(tmp_path / "目录.xlsx")
    check = openpyxl.load_workbook(path)
    assert check.active["I7"].data_type == "f"  # the file really holds a formula there
    rows = read_table(path)
    assert rows[0] == (1, [TITLE])  # the merged title: its first cell only
    assert [number for number, _ in rows] == [1, 2, 4, 5, 7, 8]
    preview = parse_catalog(rows, KNOWN)
    assert preview.header_row == 4
    assert preview.refused == []
    assert [item.row_number for item in preview.good] == [5, 7, 8]
    assert _without_rows(preview.good) == EXPECTED
    assert preview.missing_columns == []


def test_xlsx_formula_text_cells_are_literal_too(tmp_path):
    preview = parse_catalog(read_table(_xlsx(tmp_path / "c.xlsx", formulas_as_text=True)), KNOWN)
    assert [item.legal_basis for item in preview.good][1:] == ["=1+1", HYPERLINK]


def test_xlsx_numbers_and_full_width_digits_in_codes(tmp_path):
    rows = [
        _row(1, "甲", 640302100, 1001, "赋权", "行政处罚", "局", ""),
        _row(2, "乙", "６４０３０２１０１", "１００２", "委托", "其它", "局", ""),
        _row(3, "丙", "640302100000", "1003", "委托", "Inspection", "局", ""),
    ]
    preview = parse_catalog(read_table(_xlsx(tmp_path / "n.xlsx", rows)), KNOWN)
    assert preview.refused == []
    assert [(i.code, i.townships, i.power_type) for i in preview.good] == [
        ("1001", (TOWN_A,), "penalty"),
        ("1002", (TOWN_B,), "other"),
        ("1003", (TOWN_A,), "inspection"),
    ]


def test_xlsx_cell_merged_down_counts_for_every_row_it_covers(tmp_path):
    path = _xlsx(tmp_path / "m.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book.active
    sheet["H8"] = None
    sheet.merge_cells("H7:H8")  # one department written once beside two items
    sheet["H7"] = "市场监管局"
    book.save(path)
    preview = parse_catalog(read_table(path), KNOWN)
    assert [item.department for item in preview.good] == ["自然资源局", "市场监管局", "市场监管局"]


def test_xlsx_header_on_a_later_sheet(tmp_path):
    path = _xlsx(tmp_path / "s.xlsx")
    book = openpyxl.load_workbook(path)
    notes = book.create_sheet("说明", 0)
    notes["A1"] = "填表说明：每个事项一行"
    book.save(path)
    assert len(parse_catalog(read_table(path), KNOWN).good) == 3


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8-sig", ","), ("utf-8", ","), ("gb18030", ","), ("gbk", ","), ("utf-8-sig", "\t"), ("gbk", "\t"), ("utf-8", ";")],
)
def test_csv_in_each_encoding_and_separator(tmp_path, encoding, delimiter):
    path = tmp_path / "目录.csv"
    path.write_bytes(_csv_text(delimiter).encode(encoding))
    rows = read_table(path)
    assert rows[0][0] == 1 and rows[0][1][0] == TITLE
    preview = parse_catalog(rows, KNOWN)
    assert preview.refused == []
    assert preview.header_row == 3
    assert [item.row_number for item in preview.good] == [4, 5, 6]
    assert _without_rows(preview.good) == EXPECTED


def test_csv_quoted_cells_with_separators_and_line_breaks(tmp_path):
    basis = "《行政处罚法》第二十四条，\n《宁夏回族自治区乡镇综合执法条例》第十条, 第十一条"
    text = "事项编码,事项名称,权力类型,下放方式,法律依据\r\n" f'LT-9,"对""三无""产品的处罚",行政处罚,赋权,"{basis}"\r\nLT-10,乙,行政处罚,赋权,\r\n'
    path = tmp_path / "q.csv"
    path.write_bytes(text.encode("gb18030"))
    preview = parse_catalog(read_table(path), KNOWN)
    assert [(i.row_number, i.name, i.legal_basis) for i in preview.good] == [(2, "对“三无”产品的处罚".replace("“", '"').replace("”", '"'), basis), (3, "乙", "")]
    assert preview.missing_columns == ["department", "townships"]
    assert preview.good[0].townships == ("*",)  # no townships column: all of them


# -- refusals -----------------------------------------------------------------------------------------


def _rows(*data):
    head = ["事项编码", "事项名称", "权力类型", "下放方式", "适用乡镇"]
    return [(1, [TITLE]), (2, head)] + [(number, list(values)) for number, values in data]


def test_each_refusal_names_its_row_and_field_or_code():
    rows = _rows(
        (3, ["A1", "甲", "行政处罚", "赋权", "全部乡镇"]),
        (4, ["A2", "", "行政处罚", "赋权", ""]),  # empty name
        (5, ["", "丙", "行政处罚", "赋权", ""]),  # empty code
        (7, ["A1", "丁", "行政处罚", "赋权", ""]),  # duplicate of row 3
        (8, ["A1", "戊", "行政处罚", "赋权", ""]),  # and again
        (9, ["A3", "己", "行政许可", "赋权", ""]),  # not a power type the plan knows
        (10, ["A4", "庚", "行政处罚", "下放", ""]),  # not a mode
        (11, ["A5", "辛", "行政处罚", "委托", f"{TOWN_A}，640302199"]),  # 199 is not enrolled
        (12, ["A6", "壬", "行政处罚", "委托", "12345"]),  # not a township code at all
        (13, ["A7", "癸", "", "委托", ""]),  # power type left empty
        (14, ["A8", "长" * 2001, "行政处罚", "委托", ""]),  # over 2000 characters
        (15, ["A9", "所有", "其他", "委托", "所有乡镇"]),
    )
    preview = parse_catalog(rows, KNOWN)
    assert [(i.row_number, i.code, i.townships) for i in preview.good] == [(3, "A1", ("*",)), (15, "A9", ("*",))]
    got = [(r.row_number, r.field_or_code, r.reason_key) for r in preview.refused]
    assert got == [
        (4, "name", "catalog.reason.empty"),
        (5, "code", "catalog.reason.empty"),
        (7, "code", "catalog.reason.duplicate"),
        (8, "code", "catalog.reason.duplicate"),
        (9, "power_type", "catalog.reason.power_type"),
        (10, "mode", "catalog.reason.mode"),
        (11, "640302199", "catalog.reason.unknown_township"),
        (12, "12345", "catalog.reason.bad_township"),
        (13, "power_type", "catalog.reason.empty"),
        (14, "name", "catalog.reason.too_long"),
    ]
    lines = [r.line() for r in preview.refused]
    assert lines[0] == "第 4 行：事项名称：未填写"
    assert lines[2] == "第 7 行：事项编码：“A1”与第 3 行重复"
    assert lines[4].startswith("第 9 行：权力类型：“行政许可”不是可识别的权力类型")
    assert lines[6] == "第 11 行：640302199：该乡镇未在本汇总端登记"


def test_townships_by_name_twelve_digits_and_separators():
    rows = _rows(
        (3, ["B1", "甲", "行政检查", "委托", "金星镇 / 胜利镇"]),
        (4, ["B2", "乙", "行政检查", "委托", f"{TOWN_B}000;{TOWN_A}；{TOWN_B}"]),
        (5, ["B3", "丙", "行政检查", "委托", "全部"]),
    )
    preview = parse_catalog(rows, KNOWN, township_names={"金星镇": TOWN_A, "胜利镇": TOWN_B})
    assert preview.refused == []
    assert [i.townships for i in preview.good] == [(TOWN_A, TOWN_B), (TOWN_B, TOWN_A), ("*",)]


def test_repeated_header_rows_and_rows_without_catalog_cells_are_skipped():
    rows = _rows(
        (3, ["C1", "甲", "行政处罚", "赋权", ""]),
        (40, ["事项编码", "事项名称", "权力类型", "下放方式", "适用乡镇"]),
        (41, ["", "", "", "", "", "备注：以上事项自 2024 年 1 月 1 日起实施"]),
        (42, ["C2", "乙", "行政处罚", "赋权", ""]),
    )
    preview = parse_catalog(rows, KNOWN)
    assert [i.code for i in preview.good] == ["C1", "C2"] and preview.refused == []


def test_no_header_in_the_first_twenty_rows():
    """The header words are not in the first 20 rows: the code and name columns must be
    pointed at (the mapping step), and the message names them."""
    rows = [(n, [f"说明 {n}", "x"]) for n in range(1, 21)] + [(21, ["事项编码", "事项名称"]), (22, ["D1", "甲"])]
    with pytest.raises(MappingNeeded) as info:
        parse_catalog(rows, KNOWN)
    assert isinstance(info.value, CatalogError)
    assert info.value.key == "err.sheet_mapping_needed"
    assert "事项编码" in info.value.message() and "事项名称" in info.value.message()
    assert info.value.colmap.missing == ["code", "name"]
    # rows with a single cell each: no header at all
    with pytest.raises(CatalogError) as info:
        parse_catalog([(n, [f"说明 {n}"]) for n in range(1, 5)], KNOWN)
    assert info.value.key == "err.catalog_no_header"


def test_english_headers():
    rows = [(1, ["Name", "Code", "Power type", "Mode", "Townships"]), (2, ["甲", "E1", "penalty", "entrust", "all"])]
    assert _without_rows(parse_catalog(rows, KNOWN).good) == [CatalogItem(0, "E1", "甲", "penalty", "", "", "entrust", ("*",))]


# -- broken files --------------------------------------------------------------------------------------


def _broken(tmp_path):
    zip_path = tmp_path / "zip-not-xlsx.xlsx"
    with zipfile.ZipFile(zip_path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    bad_xml = tmp_path / "bad-xml.xlsx"
    with zipfile.ZipFile(_xlsx(tmp_path / "good.xlsx")) as good, zipfile.ZipFile(bad_xml, "w") as out:
        for info in good.infolist():
            data = good.read(info)
            out.writestr(info, b"<worksheet><sheetData><row" if info.filename.endswith("sheet1.xml") else data)
    files = {
        "random.xlsx": (tmp_path / "random.xlsx", bytes(range(256)) * 40, "err.catalog_not_xlsx"),
        "empty.xlsx": (tmp_path / "empty.xlsx", b"", "err.catalog_empty"),
        "empty.csv": (tmp_path / "empty.csv", b"", "err.catalog_empty"),
        "old.xls": (tmp_path / "old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "err.catalog_xls"),
        # UTF-16 without its byte-order mark (with one it is read: see test_office_files.py)
        "utf16.csv": (tmp_path / "utf16.csv", "事项编码,事项名称\n".encode("utf-16-le"), "err.catalog_not_text"),
        "book.et": (tmp_path / "book.et", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "err.sheet_et"),
        "report.pdf": (tmp_path / "report.pdf", b"%PDF-1.4\n", "err.catalog_type"),
    }
    for path, data, _ in files.values():
        path.write_bytes(data)
    files["zip-not-xlsx.xlsx"] = (zip_path, None, "err.catalog_not_xlsx")
    files["bad-xml.xlsx"] = (bad_xml, None, "err.catalog_not_xlsx")
    return files


def test_broken_files_raise_a_clear_error(tmp_path):
    for name, (path, _, key) in _broken(tmp_path).items():
        with pytest.raises(CatalogError) as info:
            read_table(path)
        assert info.value.key == key, name
        assert info.value.message() and "{" not in info.value.message()


def test_too_big_and_missing_files(tmp_path):
    big = tmp_path / "big.csv"
    with big.open("wb") as handle:
        handle.truncate(20 * 1024 * 1024 + 1)
    with pytest.raises(CatalogError) as info:
        read_table(big)
    assert info.value.key == "err.catalog_too_big"
    with pytest.raises(CatalogError) as info:
        read_table(tmp_path / "nothing-here.xlsx")
    assert info.value.key == "err.catalog_unreadable"


# -- storing -------------------------------------------------------------------------------------------


def _catalog(store):
    with store.read_lock() as conn:
        return {row["code"]: dict(row) for row in conn.execute("SELECT * FROM hub_catalog")}


def test_store_replaces_the_catalog_but_keeps_refused_and_unchanged_items(tmp_path):
    ticks = iter(f"2026-11-27T08:00:0{n}.000000Z" for n in range(10))
    store = Store.open(tmp_path / "hub.db", tmp_path / "backups", clock=lambda: next(ticks))
    first = parse_catalog(
        _rows(
            (3, ["A1", "甲", "行政处罚", "赋权", ""]),
            (4, ["A2", "乙", "行政处罚", "赋权", TOWN_A]),
            (5, ["A3", "丙", "行政处罚", "赋权", ""]),
        ),
        KNOWN,
    )
    assert store_catalog(store, first) == 3
    stored = _catalog(store)
    assert json.loads(stored["A2"]["townships"]) == [TOWN_A] and json.loads(stored["A1"]["townships"]) == ["*"]
    second = parse_catalog(
        _rows(
            (3, ["A1", "甲", "行政处罚", "赋权", ""]),  # unchanged
            (4, ["A2", "乙", "行政许可", "赋权", TOWN_A]),  # refused: keeps the stored version
            (5, ["A4", "丁", "行政检查", "委托", TOWN_B]),  # new; A3 is gone from the file
        ),
        KNOWN,
    )
    assert store_catalog(store, second) == 2
    after = _catalog(store)
    assert sorted(after) == ["A1", "A2", "A4"]
    assert after["A1"]["updated_at"] == stored["A1"]["updated_at"]
    assert after["A2"] == stored["A2"]
    assert after["A4"]["updated_at"] > stored["A1"]["updated_at"]
    # a file with no good row changes nothing
    assert store_catalog(store, parse_catalog(_rows((3, ["", "x", "", "", ""])), KNOWN)) == 0
    assert _catalog(store) == after
    store.close()


# -- the command ----------------------------------------------------------------------------------------


@pytest.fixture
def county(tmp_path) -> Path:
    """A county hub (利通区) with two townships enrolled."""
    home = tmp_path / "county"
    usb = tmp_path / "usb"
    usb.mkdir()
    assert main(["hub", "init", "640302", "--name", "利通区", "--home", str(home)]) == 0
    assert main(["hub", "enroll", TOWN_A, "--name", "金星镇", "--to", str(usb), "--home", str(home)]) == 0
    assert main(["hub", "enroll", TOWN_B, "--name", "胜利镇", "--to", str(usb), "--home", str(home)]) == 0
    return home


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _no_terminal(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))


def _stored(home: Path) -> dict[str, dict]:
    conn = sqlite3.connect(resolve_home(str(home)).database)
    conn.row_factory = sqlite3.Row
    try:
        return {row["code"]: dict(row) for row in conn.execute("SELECT * FROM hub_catalog")}
    finally:
        conn.close()


def _with_refusals(tmp_path) -> Path:
    rows = DATA + [
        _row("4", "", TOWN_A, "LT-004", "赋权", "行政处罚", "局", ""),
        _row("5", "对噪声污染的处罚", "640302199", "LT-005", "赋权", "行政处罚", "局", ""),
        _row("6", "重复的事项", "全部乡镇", "LT-001", "赋权", "行政处罚", "局", ""),
    ]
    return _xlsx(tmp_path / "目录.xlsx", rows)


def test_command_without_terminal_stores_good_rows_and_exits_0(county, tmp_path, monkeypatch, capsys):
    """Something stored and the refused rows listed: exit 0 (1 only when nothing could be stored)."""
    _no_terminal(monkeypatch)
    path = _with_refusals(tmp_path)
    assert main(["hub", "catalog", "import", str(path), "--home", str(county)]) == 0
    out = capsys.readouterr().out
    assert "可保存 3 项，拒收 3 行" in out
    assert "第 9 行：事项名称：未填写" in out
    assert "第 10 行：640302199：该乡镇未在本汇总端登记" in out
    assert "第 11 行：事项编码：“LT-001”与第 5 行重复" in out
    assert "已保存 3 项" in out
    stored = _stored(county)
    assert sorted(stored) == ["LT-001", "LT-002", "LT-003"]
    assert stored["LT-002"]["legal_basis"] == "=1+1"
    assert stored["LT-003"]["legal_basis"] == HYPERLINK


def test_command_exits_0_when_every_row_is_good(county, tmp_path, monkeypatch, capsys):
    _no_terminal(monkeypatch)
    path = tmp_path / "目录.csv"
    path.write_bytes(_csv_text(",").encode("gbk"))
    assert main(["hub", "catalog", "import", str(path), "--home", str(county)]) == 0
    assert "拒收 0 行" in capsys.readouterr().out
    assert len(_stored(county)) == 3


@pytest.mark.parametrize(("answer", "stored"), [("n", 0), ("", 0), ("y", 3), ("Y", 3)])
def test_command_at_a_terminal_asks_first(county, tmp_path, monkeypatch, capsys, answer, stored):
    monkeypatch.setattr("sys.stdin", _Terminal(answer + "\n"))
    prompts = []
    monkeypatch.setattr("builtins.input", lambda prompt="": prompts.append(prompt) or answer)
    path = tmp_path / "目录.csv"
    path.write_bytes(_csv_text("\t").encode("utf-8-sig"))
    assert main(["hub", "catalog", "import", str(path), "--home", str(county)]) == 0
    assert prompts == ["保存这 3 项？[y/N] "]
    assert len(_stored(county)) == stored
    if not stored:
        assert "未保存" in capsys.readouterr().out


def test_command_refuses_broken_files_with_exit_2(county, tmp_path, monkeypatch, capsys):
    _no_terminal(monkeypatch)
    for name, (path, _, _key) in _broken(tmp_path).items():
        assert main(["hub", "catalog", "import", str(path), "--home", str(county)]) == 2, name
        err = capsys.readouterr().err
        assert str(path) in err
    _no_terminal(monkeypatch)
    assert main(["hub", "catalog", "import", str(tmp_path / "random.xlsx"), "--home", str(county)]) == 2
    assert "不是有效的 .xlsx 文件" in capsys.readouterr().err
    assert main(["hub", "catalog", "import", str(tmp_path / "empty.csv"), "--home", str(county)]) == 2
    assert "文件是空的" in capsys.readouterr().err
    assert _stored(county) == {}


def test_command_without_a_header_exits_2(county, tmp_path, monkeypatch, capsys):
    _no_terminal(monkeypatch)
    path = tmp_path / "x.csv"
    path.write_text("姓名,电话\n张三,123\n", encoding="utf-8")
    assert main(["hub", "catalog", "import", str(path), "--home", str(county)]) == 2
    assert "找不到表头" in capsys.readouterr().err


def test_command_at_a_city_hub_is_refused(tmp_path, monkeypatch, capsys):
    _no_terminal(monkeypatch)
    home = tmp_path / "city"
    assert main(["hub", "init", "6403", "--level", "city", "--name", "吴忠市", "--home", str(home)]) == 0
    path = tmp_path / "目录.csv"
    path.write_bytes(_csv_text(",").encode("gbk"))
    assert main(["hub", "catalog", "import", str(path), "--home", str(home)]) == 1
    assert "市级汇总端不导入" in capsys.readouterr().err


def test_publish_carries_each_item_to_its_townships(county, tmp_path, monkeypatch):
    _no_terminal(monkeypatch)
    assert main(["hub", "catalog", "import", str(_with_refusals(tmp_path)), "--home", str(county)]) == 0
    out = tmp_path / "out"
    out.mkdir()
    assert main(["hub", "publish", "--to", str(out), "--home", str(county)]) == 0
    got = {}
    for path in sorted(out.glob("fazhi-down-*.fzb")):
        manifest, _, _, payload = read_signed(path, "down")
        got[manifest["member"]] = {item["code"]: item for item in payload_json(payload)["catalog"]}
    assert sorted(got[TOWN_A]) == ["LT-001", "LT-002", "LT-003"]
    assert sorted(got[TOWN_B]) == ["LT-001", "LT-002"]
    assert got[TOWN_A]["LT-003"] == {
        "code": "LT-003",
        "name": "对违法建设的强制拆除",
        "power_type": "coercion",
        "legal_basis": HYPERLINK,
        "department": "住建局",
        "mode": "empower",
    }
    assert got[TOWN_B]["LT-002"]["mode"] == "entrust"
