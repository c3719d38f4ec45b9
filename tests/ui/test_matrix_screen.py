"""The county's matrix from the keyboard: townships down, rules across, evidence on Enter
(read-only at the hub), years back and forth, the xlsx written; and the list of imports."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, OptionList

from fazhi_tui.base.i18n import t
from fazhi_tui.base.paths import resolve_home
from fazhi_tui.cli import main
from fazhi_tui.services.demo import build_demo
from fazhi_tui.ui.screens.checklist import EvidenceScreen
from fazhi_tui.ui.screens.hub import HubScreen, ImportsScreen
from fazhi_tui.ui.screens.matrix import FIXED_COLUMNS, MatrixScreen, rule_headers
from fazhi_tui.ui.screens.record_form import RecordFormScreen
from fazhi_tui.ui.screens.record_view import RecordViewScreen
from fazhi_tui.ui.widgets.evidence_list import EvidenceList
from tests.conftest import TODAY
from tests.ui.conftest import SIZE, make_app, settle

TOWNSHIPS = {"640302100": "金星镇", "640302101": "胜利镇"}


def cli(*args) -> None:
    assert main([str(a) for a in args]) == 0, args


@pytest.fixture
def county(tmp_path: Path):
    """A county hub that imported one bundle from each of two demo townships."""
    stick = tmp_path / "stick"
    stick.mkdir()
    county = tmp_path / "county"
    cli("hub", "init", "640302", "--name", "利通区", "--home", county)
    for code, name in TOWNSHIPS.items():
        cli("hub", "enroll", code, "--name", name, "--to", stick, "--home", county)
        build_demo(resolve_home(tmp_path / code), township=code, today=TODAY)
        cli("enroll", stick / f"fazhi-enrol-{code}.json", "--home", tmp_path / code)
        cli("export", "--to", stick, "--home", tmp_path / code)
    cli("hub", "import", *sorted(stick.glob("fazhi-up-*.fzb")), "--home", county)
    return resolve_home(county)


async def test_matrix_evidence_years_and_xlsx(county):
    app = make_app(county)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HubScreen)
        await pilot.press("m")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MatrixScreen) and screen.year == TODAY.year
        matrix = screen.matrix
        assert matrix is not None and [row.code for row in matrix.rows] == list(TOWNSHIPS)
        table = screen.query_one(DataTable)
        assert table.row_count == len(TOWNSHIPS) + 1  # and the share row
        headers = [str(column.label) for column in table.columns.values()]
        assert headers[FIXED_COLUMNS:] == rule_headers(matrix.rules)
        assert {"T40¹", "T40²", "T46¹", "T46²", "T46³"} <= set(headers)
        assert str(table.get_row_at(0)[0]) == TOWNSHIPS["640302100"]
        assert str(table.get_row_at(table.row_count - 1)[0]) == t("matrix.share")

        # Onto 金星镇's T40-head cell with the arrow keys, then Enter: its evidence.
        column = FIXED_COLUMNS + [rule.id for rule in matrix.rules].index("T40-head")
        assert tuple(table.cursor_coordinate) == (0, 0)
        for _ in range(column):
            await pilot.press("right")
        assert tuple(table.cursor_coordinate) == (0, column)
        await pilot.press("enter")
        await settle(pilot)
        evidence = app.screen
        assert isinstance(evidence, EvidenceScreen)
        assert evidence.township == "640302100" and evidence.rule_id == "T40-head"
        assert str(evidence.query_one("#title-bar").render()).startswith(TOWNSHIPS["640302100"])  # its name
        assert evidence.result is not None and evidence.query_one(OptionList).option_count > 0
        await pilot.press("enter")  # read only at the hub: the record as entered, no form
        await settle(pilot)
        view = app.screen
        assert isinstance(view, RecordViewScreen) and view.kind.name == "meeting"
        assert not any(isinstance(s, RecordFormScreen) for s in app.screen_stack)
        fields = "\n".join(str(w.render()) for w in view.query(".view-field"))
        assert t("field.meeting.head_attendance") in fields and t("field.meeting.title") in fields
        assert view.record["title"] in fields
        assert view.query_one(EvidenceList).read_only  # its files listed below, read-only too
        assert str(view.query_one("#title-bar").render()).startswith(TOWNSHIPS["640302100"])
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is evidence
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen

        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert screen.year == TODAY.year + 1 and screen.matrix.year == TODAY.year + 1
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert screen.year == TODAY.year and screen.matrix.year == TODAY.year

        await pilot.press("x")
        await settle(pilot)
        written = county.data_dir / "reports" / f"hub-640302-{TODAY.year}-{TODAY.isoformat()}.xlsx"
        assert written.is_file() and written.stat().st_size > 0
        assert list((county.data_dir / "reports").iterdir()) == [written]


async def test_hub_lists_each_import(county):
    app = make_app(county)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HubScreen)
        await pilot.press("w")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ImportsScreen)
        table = screen.query_one(DataTable)
        assert table.row_count == len(TOWNSHIPS)
        members = sorted(str(table.get_row_at(i)[1]) for i in range(table.row_count))
        assert members == sorted(TOWNSHIPS.values())
        # Newest first: the second file read comes first; each added records.
        assert str(table.get_row_at(0)[1]) == TOWNSHIPS["640302101"]
        assert all(int(str(table.get_row_at(i)[3])) > 100 for i in range(table.row_count))
