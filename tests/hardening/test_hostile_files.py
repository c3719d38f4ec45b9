"""5. Hostile spreadsheets and rule files.

Catalog spreadsheets (``fazhi_tui.services.catalog_import``): malformed or damaged .xlsx files, CSV in an
unexpected encoding (UTF-16, Shift-JIS), random bytes, enormous cells — a
:class:`CatalogError` with a message, or rows, never another exception. Formulas in cells
are read as their own text, never evaluated, stored as text, and never written back out
as formulas: not in the hub's xlsx report, not in its CSV (spreadsheet injection), after
travelling county → township → county.

Rule files (``load_rules``): random text, the built-in file with random damage, and the
built-in rules with values of the wrong type, huge numbers, deep nesting — a
:class:`RuleFileError`, never another exception; and every rule set that loads can be
evaluated (no overflow, no crash) on a real township's records.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import sqlite3
import tomllib
import zipfile
from pathlib import Path

import openpyxl
import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fazhi_tui.domain.checklist import RuleFileError, builtin_rules, builtin_rules_text, evaluate, load_rules
from fazhi_tui.domain.kinds import KINDS
from fazhi_tui.services.catalog_import import CatalogError, parse_catalog, read_table
from fazhi_tui.services.checklist import load_active_rules, rules_path
from fazhi_tui.services.hub_report import safe_csv_text
from tests.hardening.cases import tried
from tests.hardening.helpers import TOWN_A, TOWN_B, copy_world, export, hub_import, ok, query, run, update

KNOWN = {TOWN_A, TOWN_B}
HEADER = ["序号", "事项编码", "事项名称", "权力类型", "法律依据", "原实施部门", "下放方式", "适用乡镇"]
FORMULAS = [
    "=1+1",
    '=HYPERLINK("http://example.invalid/","点此查看")',
    "=cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A2)",
    "- 1+1",
    "\t=1+1",
]


def fuzz(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def read_or_refuse(path: Path):
    """read_table then parse_catalog: a preview, or the CatalogError; nothing else may escape."""
    try:
        return parse_catalog(read_table(path), KNOWN)
    except CatalogError as exc:
        assert exc.message()
        return exc


def catalog_rows(*names: str) -> list[list[str]]:
    rows = [["县级下放乡镇执法事项目录"], HEADER]
    for index, name in enumerate(names, start=1):
        rows.append([str(index), f"QX-{index:04d}", name, "行政处罚", name, name, "委托", "全部乡镇"])
    return rows


def xlsx_bytes(rows: list[list[str]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values, start=1):
            cell = sheet.cell(row=r, column=c, value=value)  # a text starting with "=" becomes a formula
            assert (cell.data_type == "f") == (isinstance(value, str) and value.startswith("="))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def good_xlsx() -> bytes:
    return xlsx_bytes(catalog_rows("临时占用道路审批", "违法建设查处", "食品摊贩检查"))


# -- damaged and unexpected files ---------------------------------------------------------------------


@fuzz(60)
@given(data=st.data())
def test_fuzzed_xlsx_is_read_or_refused(good_xlsx, tmp_path_factory, data):
    changed = bytearray(good_xlsx)
    for _ in range(data.draw(st.integers(1, 4))):
        if not changed:
            break
        at = data.draw(st.integers(0, len(changed) - 1))
        how = data.draw(st.sampled_from(["flip", "cut", "zero"]))
        if how == "flip":
            changed[at] ^= data.draw(st.integers(1, 255))
        elif how == "cut":
            del changed[at:]
        else:
            changed[at : at + 32] = bytes(len(changed[at : at + 32]))
    path = tmp_path_factory.mktemp("x") / "目录.xlsx"
    path.write_bytes(bytes(changed))
    read_or_refuse(path)
    tried("catalog fuzzer: damaged xlsx")


XLS_FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "县目录.xls"


@pytest.mark.parametrize("length", [4109, 4400, 5079])
def test_a_cut_off_xls_that_makes_the_reader_panic_is_refused_quietly(tmp_path, capfd, length):
    """Cut off inside its sector table, the fixture makes calamine panic (checked below):
    the clerk gets "cannot read this .xls", the terminal gets no panic message."""
    path = tmp_path / "目录.xls"
    path.write_bytes(XLS_FIXTURE.read_bytes()[:length])
    result = read_or_refuse(path)
    assert isinstance(result, CatalogError) and result.key == "err.catalog_xls"
    assert "PanicException" in result.detail  # the case really is a panic
    captured = capfd.readouterr()
    assert "panicked" not in captured.err and "panicked" not in captured.out
    tried("catalog: xls that makes the reader panic")


@fuzz(120)
@given(data=st.data())
def test_fuzzed_xls_is_read_or_refused_and_the_reader_stays_quiet(tmp_path_factory, capfd, data):
    """An old .xls is read by python-calamine (Rust). A damaged one may make it panic: the
    panic is a refusal like any other, and its message never reaches the terminal (it
    would be written over the interface's screen)."""
    changed = bytearray(XLS_FIXTURE.read_bytes())
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, len(changed) - 1))
        how = data.draw(st.sampled_from(["flip", "cut", "zero"]))
        if how == "flip":
            changed[at] ^= data.draw(st.integers(1, 255))
        elif how == "cut":
            del changed[max(at, 8) :]
        else:
            changed[at : at + 64] = bytes(len(changed[at : at + 64]))
    path = tmp_path_factory.mktemp("x") / "目录.xls"
    path.write_bytes(bytes(changed))
    read_or_refuse(path)
    captured = capfd.readouterr()
    assert "panicked" not in captured.err and "panicked" not in captured.out
    tried("catalog fuzzer: damaged xls")


@fuzz(80)
@given(content=st.one_of(st.binary(max_size=3000), st.text(max_size=500).map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_fuzzed_csv_is_read_or_refused(tmp_path_factory, content):
    path = tmp_path_factory.mktemp("c") / "目录.csv"
    path.write_bytes(content)
    read_or_refuse(path)
    tried("catalog fuzzer: random csv bytes")


def csv_text(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("encoding", "header", "expected"),
    [
        # (UTF-16 and UTF-32 with a byte-order mark, Excel's "Unicode text", are read:
        # tests/test_office_files.py; without the mark they are refused)
        ("utf-16-le", HEADER, "err.catalog_not_text"),
        ("utf-32-le", HEADER, "err.catalog_not_text"),
        # a Japanese or a Traditional-Chinese PC: not UTF-8, read as GB18030 it is gibberish
        ("shift_jis", ["番号", "事項コード", "事項名", "種類", "根拠", "部門", "方式", "郷鎮"], None),
        ("big5", ["序號", "事項編碼", "事項名稱", "權力類型", "法律依據", "原實施部門", "下放方式", "適用鄉鎮"], None),
    ],
)
def test_csv_in_an_unexpected_encoding_is_refused_with_a_message(tmp_path, encoding, header, expected):
    rows = [header] + [[str(i), f"QX-{i:04d}", "違法建設", "行政処罰", "", "", "委託", ""] for i in range(1, 4)]
    path = tmp_path / "目录.csv"
    path.write_bytes(csv_text(rows).encode(encoding, "replace"))
    result = read_or_refuse(path)
    assert isinstance(result, CatalogError), result  # never a catalog of gibberish
    if expected:
        assert result.key == expected
    tried("catalog in an unexpected encoding")


@pytest.mark.parametrize(
    "content",
    [
        b"PK\x03\x04" + bytes(100),  # a cut-off ZIP
        b"PK\x05\x06" + bytes(18),  # an empty ZIP
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500),  # an old .xls / encrypted workbook
        b"<html><body>not a workbook</body></html>",
    ],
    ids=["cut-zip", "empty-zip", "ole", "html"],
)
def test_not_a_workbook(tmp_path, content):
    path = tmp_path / "目录.xlsx"
    path.write_bytes(content)
    assert isinstance(read_or_refuse(path), CatalogError)
    tried("catalog: not a workbook")


def test_a_workbook_that_is_a_zip_of_something_else_or_a_bomb(tmp_path):
    other = tmp_path / "other.xlsx"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("readme.txt", "不是表格")
        archive.writestr("../../escape.txt", "climb")
    assert isinstance(read_or_refuse(other), CatalogError)
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as handle:
            chunk = bytes(1 << 20)
            for _ in range(300):
                handle.write(chunk)
    assert bomb.stat().st_size < 1 << 20
    result = read_or_refuse(bomb)
    assert isinstance(result, CatalogError) and result.key == "err.catalog_too_big"
    tried("catalog: zip that is no workbook, or a bomb", 2)


def test_enormous_cells(tmp_path):
    huge = "法" * 200_000
    # CSV: past the csv module's field limit: a clear refusal of the file
    path = tmp_path / "目录.csv"
    path.write_text(csv_text(catalog_rows(huge)), encoding="utf-8")
    result = read_or_refuse(path)
    assert isinstance(result, CatalogError) and result.key == "err.catalog_bad_csv"
    # a long cell under that limit: the row is refused with its number, the others kept
    path.write_text(csv_text(catalog_rows("正常事项", "长" * 5000)), encoding="utf-8")
    preview = read_or_refuse(path)
    assert [item.name for item in preview.good] == ["正常事项"]
    assert [(row.row_number, row.reason_key) for row in preview.refused] == [(4, "catalog.reason.too_long")]
    # xlsx: Excel's own largest cell (32 767 characters)
    path = tmp_path / "目录.xlsx"
    path.write_bytes(xlsx_bytes(catalog_rows("正常事项", "长" * 32_767)))
    preview = read_or_refuse(path)
    assert [item.name for item in preview.good] == ["正常事项"] and len(preview.refused) == 1
    tried("catalog: enormous cells", 3)


# -- formulas: stored as text, never evaluated, never written back as formulas ---------------------------


def test_formulas_travel_as_text_and_never_come_back_as_formulas(world_template, tmp_path):
    w = copy_world(world_template, tmp_path / "w")
    # 1. the county's catalog holds formulas (as Excel would save them: formula cells)
    catalog = tmp_path / "目录.xlsx"
    catalog.write_bytes(xlsx_bytes(catalog_rows(*FORMULAS)))
    result = run("hub", "catalog", "import", catalog, "--home", w.hub.root)
    assert result.code == 0, result
    stored = query(w.hub.db, "SELECT name, legal_basis, department FROM hub_catalog ORDER BY code")
    assert [r[0] for r in stored] == [f.strip() for f in FORMULAS]  # the literal text: nothing evaluated
    assert all(r[0] == r[1] == r[2] for r in stored)
    # 2. published to the township, which takes them into its own records
    ok("hub", "publish", "--to", w.usb, "--home", w.hub.root)
    (down,) = sorted(w.usb.glob(f"fazhi-down-{TOWN_A}-*.fzb"))
    ok("import", down, "--home", w.a.root)
    names = {r[0] for r in query(w.a.db, "SELECT name FROM delegated_item WHERE deleted_at IS NULL")}
    assert {f.strip() for f in FORMULAS} <= names
    # the township also typed some into its meetings
    meetings = [r[0] for r in query(w.a.db, "SELECT uuid FROM meeting WHERE deleted_at IS NULL")][: len(FORMULAS)]
    for formula, uuid in zip(FORMULAS, meetings):
        update(w.a, "meeting", uuid, {"title": formula})
    # 3. back at the county, a township with a formula for a name (a city learns names from counties)
    assert hub_import(w.hub, w.bundle).verdict == "imported"
    assert hub_import(w.hub, export(w.a, w.usb).path).verdict == "imported"
    conn = sqlite3.connect(w.hub.db)
    with conn:
        conn.execute("UPDATE hub_office SET name = ? WHERE code = ?", ("=HYPERLINK(\"http://x.invalid\",\"金星镇\")", TOWN_A))
        conn.execute("UPDATE hub_office SET name = ? WHERE code = ?", ("- 1+cmd|' /C calc'!A0", TOWN_B))
    conn.close()
    # 4. the report, as xlsx and as CSV
    xlsx, table = tmp_path / "report.xlsx", tmp_path / "report.csv"
    ok("hub", "report", "--format", "xlsx", "--out", xlsx, "--date", "2026-11-27", "--home", w.hub.root)
    ok("hub", "report", "--format", "csv", "--out", table, "--date", "2026-11-27", "--home", w.hub.root)
    book = openpyxl.load_workbook(xlsx)
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    with zipfile.ZipFile(xlsx) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name), name
    assert any("=HYPERLINK" in text for text in texts)  # the text is there, as text
    assert any(text.startswith("=") or "=1+1" in text for text in texts)
    rows = list(csv.reader(io.StringIO(table.read_bytes().decode("utf-8-sig"))))
    cells = [cell for row in rows for cell in row]
    for cell in cells:
        assert safe_csv_text(cell) == cell, cell  # nothing a spreadsheet would run
    assert any(cell.startswith("'=HYPERLINK") for cell in cells)
    assert any(cell.startswith("'- 1+cmd") for cell in cells)
    tried("formula travelling county → township → county report", len(FORMULAS))


def test_formula_cells_in_csv_are_text(tmp_path):
    path = tmp_path / "目录.csv"
    path.write_text(csv_text(catalog_rows(*FORMULAS)), encoding="utf-8-sig")
    preview = read_or_refuse(path)
    assert [item.name for item in preview.good] == [f.strip() for f in FORMULAS]
    tried("formula cells in a CSV", len(FORMULAS))


# -- rule files -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def township_records(world_template):
    from fazhi_tui.storage.store import Store

    store = Store.open(world_template.a.db, world_template.a.home.backups)
    try:
        return {name: store.all_live(kind) for name, kind in KINDS.items()}
    finally:
        store.close()


def load_and_run(text: str, records) -> None:
    """load_rules refuses with a RuleFileError, or the rules run on real records."""
    try:
        rules = load_rules(text)
    except RuleFileError as exc:
        assert exc.key.startswith("err.rules") and str(exc)
        return
    for year, on in ((2026, dt.date(2026, 11, 27)), (2000, dt.date(2000, 1, 1)), (2099, dt.date(2099, 12, 31))):
        results = evaluate(rules, records, year=year, on=on)
        assert len(results) == len(rules.enabled)


@fuzz(150)
@given(text=st.text(max_size=400))
def test_random_text_as_a_rule_file(township_records, text):
    load_and_run(text, township_records)
    tried("rule file fuzzer: random text")


@fuzz(120)
@given(data=st.data())
def test_the_built_in_file_damaged_at_random(township_records, data):
    text = builtin_rules_text()
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(text)))
        how = data.draw(st.sampled_from(["insert", "delete", "replace"]))
        piece = data.draw(st.sampled_from(["[", "]", "{", "}", '"', "=", "\n", "[[rule]]\n", "\x00", "9" * 30, "-", "#", "\ufeff", "'"]))
        if how == "insert":
            text = text[:at] + piece + text[at:]
        elif how == "delete":
            text = text[:at] + text[at + data.draw(st.integers(1, 40)) :]
        else:
            text = text[:at] + piece + text[at + len(piece) :]
    load_and_run(text, township_records)
    tried("rule file fuzzer: the built-in file damaged")


def toml_values():
    return st.one_of(
        st.booleans(),
        st.integers(min_value=-(2**63), max_value=2**63 - 1),
        st.sampled_from([0, -1, 1, 10**9, 2**63 - 1, 36600, 36601, 999999999]),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=30),
        st.sampled_from(["!empty", "deploy", "date", "meeting", "02-30", "13-01", "02-29", "T99", "rolling", "year", "x" * 5000]),
        st.dates(),
        st.lists(st.sampled_from([1, "deploy", True, "!empty"]), max_size=3),
        st.dictionaries(st.sampled_from(["kind", "date", "field", "title", "x"]), st.sampled_from(["deploy", 1, "!empty", "meeting"]), max_size=3),
        st.integers(2, 400).map(lambda depth: _nested(depth)),
    )


def _nested(depth: int):
    value: object = 1
    for _ in range(depth):
        value = [value]
    return value


@fuzz(200)
@given(data=st.data())
def test_built_in_rules_with_hostile_values(township_records, data):
    rules = tomllib.loads(builtin_rules_text())
    for _ in range(data.draw(st.integers(1, 2))):
        rule = data.draw(st.sampled_from(rules["rule"]))
        how = data.draw(st.sampled_from(["set", "set", "set", "delete", "add", "rolling", "rolling"]))
        if how == "rolling":
            days = st.one_of(st.integers(30_000, 2**63 - 1), st.integers(-10, 400), toml_values())
            rule["period"], rule["window_days"] = "rolling", data.draw(days)
        elif how == "set":
            keys = sorted(rule) + ["period", "window_days", "year_offset", "min", "target", "link", "where", "require_any"]
            rule[data.draw(st.sampled_from(keys))] = data.draw(toml_values())
        elif how == "delete" and rule:
            rule.pop(data.draw(st.sampled_from(sorted(rule))))
        else:
            rule[data.draw(st.text(min_size=1, max_size=8))] = data.draw(toml_values())
    if data.draw(st.integers(0, 19)) == 0:
        rules[data.draw(st.sampled_from(["version", "rule", "extra"]))] = data.draw(toml_values())
    try:
        text = tomli_w.dumps(rules)
    except (TypeError, ValueError, RecursionError):
        return  # not expressible as TOML (e.g. a NaN key)
    load_and_run(text, township_records)
    tried("rule file fuzzer: hostile values")


@pytest.mark.parametrize(
    "text",
    [
        "a = " + "[" * 5000 + "]" * 5000,
        "a = " + "{b = " * 3000 + "1" + "}" * 3000,
        "version = " + "9" * 5000,
        "version = 1\n[[rule]]\nid = \"x\"\nmin = " + "9" * 4400,
        "version = 1e999",
        "version = nan",
        "version = 1\n" + "[[rule]]\n" * 20000,
        "\x00\x01\x02\xff",
        "version = 1\n[[rule]]\nid = \"x\"\ntask = \"T40\"\nname = \"n\"\ntype = \"count\"\nkind = \"meeting\"\nmin = 1\n"
        "period = \"rolling\"\nwindow_days = 1000000\n",
    ],
    ids=["deep-arrays", "deep-tables", "huge-int", "huge-int-in-rule", "inf", "nan", "many-rules", "junk", "century-window"],
)
def test_hostile_rule_files_are_refused_with_a_rule_file_error(township_records, text):
    with pytest.raises(RuleFileError):
        load_rules(text)
    tried("rule file: hostile by hand")


def test_binary_junk_as_the_rules_file_falls_back_to_the_built_in_rules(world, tmp_path):
    home = world.a.home
    for junk in (bytes(range(256)) * 10, "version = 1\n".encode("utf-16"), b"\xff\xfe" + "规则".encode("utf-16-le")):
        rules_path(home).write_bytes(junk)
        active = load_active_rules(home)
        assert active.source == "builtin" and active.problem is not None
        assert active.ruleset == builtin_rules()
        result = run("checklist", "--home", world.a.root, "--date", "2026-11-27")
        assert result.code == 0 and result.out
        tried("rules file of binary junk")
