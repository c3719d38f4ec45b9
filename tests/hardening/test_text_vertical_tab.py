"""Class 3: a vertical tab (``\\x0b``, what Word's manual line break pastes) in a record.

openpyxl refuses a workbook holding one (IllegalCharacterError): ``hub report --format xlsx``
failed with a traceback and the matrix's ``x`` key crashed the hub. Now the forms, the hub's
import and a catalog paste store it as a line break (a space in a one-line field), and every
report format cleans what it writes, so text stored before the rule cannot break them either.
"""

from __future__ import annotations

import json

from fazhi_tui.base.text import clean_text
from fazhi_tui.domain.kinds import KINDS
from fazhi_tui.domain.validation import validate
from fazhi_tui.services.catalog_import import parse_catalog
from fazhi_tui.ui.screens.matrix import MatrixScreen
from tests.hardening.helpers import TODAY, TOWN_A, export, hub_import, query, run
from tests.hardening.screens import assert_harmless, harmful, xlsx_strings
from tests.hardening.test_text_controls import evil_meeting
from tests.ui.conftest import make_app, press_settled, settle

WORD_PASTE = "第一行\x0b第二行\r\n第三行\x0c完"


def test_a_word_paste_is_stored_as_line_breaks(store, today):
    raw = {"kind": "deploy", "date": "2026-11-20", "title": WORD_PASTE, "notes": WORD_PASTE}
    result = validate(KINDS["meeting"], raw, today=today, lookup=store)
    assert result.ok, result.problems
    assert result.values["title"] == "第一行 第二行 第三行 完"
    assert result.values["notes"] == "第一行\n第二行\n第三行\n完"


def test_a_catalog_pasted_with_vertical_tabs_is_read_clean():
    rows = [
        (1, ["事项编码", "事项名称", "权力类型", "实施依据", "实施部门", "下放方式", "乡镇"]),
        (2, ["XZCF-001", "名称\x0b第二行", "行政处罚", "依据\x0b第二款\x1b[2J", "部门\x00", "赋权", "全部"]),
    ]
    preview = parse_catalog(rows, {TOWN_A})
    assert not preview.refused, [r.line() for r in preview.refused]
    (item,) = preview.good
    assert (item.name, item.legal_basis, item.department) == ("名称 第二行", "依据\n第二款[2J", "部门")


def _stored_before_the_rule(hub_db, record: str) -> None:
    """The hub's copy of the record as a program from before the rule would have kept it."""
    import sqlite3

    conn = sqlite3.connect(hub_db)
    with conn:
        conn.execute("UPDATE meeting SET title = ?, notes = ? WHERE uuid = ?", (WORD_PASTE, WORD_PASTE, record))
    conn.close()


async def test_vertical_tab_in_a_record_every_report_and_the_matrix_x_key(world, tmp_path):
    record = evil_meeting(world.a, title=WORD_PASTE, notes=WORD_PASTE)
    assert hub_import(world.hub, export(world.a, world.usb).path).verdict == "imported"
    ((title, notes),) = query(world.hub.db, "SELECT title, notes FROM meeting WHERE uuid = ?", (record,))
    assert (title, notes) == ("第一行 第二行 第三行 完", "第一行\n第二行\n第三行\n完")

    for stage in ("imported", "stored before the rule"):
        if stage != "imported":
            _stored_before_the_rule(world.hub.db, record)
        for fmt in ("xlsx", "csv", "json"):
            out = tmp_path / f"report-{stage}.{fmt}"
            result = run("hub", "report", "--format", fmt, "--year", TODAY.year, "--date", TODAY, "--out", out, "--home", world.hub.root)
            assert result.code == 0, (stage, fmt, result)
            assert "Traceback" not in result.err
            if fmt == "xlsx":
                cells = xlsx_strings(out)
                assert not [c for c in cells if any(harmful(ch) and ch not in "\n\t" for ch in c)], stage
                assert any(clean_text(WORD_PASTE) in c for c in cells), stage  # the evidence names the record
            else:
                text = out.read_bytes().decode("utf-8-sig")
                assert not [ch for ch in text if harmful(ch) and ch not in "\r\n"], (stage, fmt)
                if fmt == "json":
                    json.loads(text)

    app = make_app(world.hub.home)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await settle(pilot)
        await press_settled(pilot, "m")
        assert isinstance(app.screen, MatrixScreen)
        await press_settled(pilot, "x")
        assert isinstance(app.screen, MatrixScreen)  # no crash
        (written,) = world.hub.home.reports.glob("hub-*.xlsx")
        cells = xlsx_strings(written)
        assert any(clean_text(WORD_PASTE) in c for c in cells)
        assert_harmless(app, "after x")


def test_text_that_excel_would_read_as_an_escape_reads_as_typed_in_the_xlsx(world, tmp_path):
    """Excel shows "_x001B_" in a cell as ESC: the report writes such text so it reads as typed."""
    title = "_x001B_]0;pwned_x0007_ 与 _x005F_"
    evil_meeting(world.a, title=title, notes=title)
    assert hub_import(world.hub, export(world.a, world.usb).path).verdict == "imported"
    out = tmp_path / "report.xlsx"
    result = run("hub", "report", "--format", "xlsx", "--year", TODAY.year, "--date", TODAY, "--out", out, "--home", world.hub.root)
    assert result.code == 0, result
    cells = xlsx_strings(out)
    assert not [c for c in cells if any(harmful(ch) and ch not in "\n\t" for ch in c)]
    assert f"2026-11-27 {title}" in cells
