"""The checklist screen and ``fazhi-tui checklist --format json`` say the same thing about
the demo township, rule by rule."""

from __future__ import annotations

import json
import re

import pytest
from textual.widgets import DataTable

from fazhi_tui.base.paths import Home, resolve_home
from fazhi_tui.cli import main
from fazhi_tui.domain.checklist import builtin_rules
from fazhi_tui.services.demo import build_demo
from fazhi_tui.ui.screens.checklist import ChecklistScreen
from fazhi_tui.ui.screens.home import HomeScreen
from tests.ui.conftest import SIZE, make_app, settle

TODAY_TEXT = "2026-11-27"
TASK = re.compile(r"^T\d+$")


@pytest.fixture
def demo(tmp_path, today) -> Home:
    home = resolve_home(tmp_path / "demo-office")
    build_demo(home, today=today)
    return home


def cli_rules(home: Home, capsys) -> list[dict]:
    code = main(["checklist", "--home", str(home.data_dir), "--format", "json", "--date", TODAY_TEXT])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    data = json.loads(captured.out)
    assert data["date"] == TODAY_TEXT and data["year"] == 2026
    return data["rules"]


async def test_the_screen_agrees_with_the_command_line(demo, capsys, today):
    expected = cli_rules(demo, capsys)
    assert [r["id"] for r in expected] == [r.id for r in builtin_rules().rules]
    app = make_app(demo, today=today)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("c")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ChecklistScreen) and screen.year == 2026
        results = screen.results
        assert [r.rule.id for r in results] == [r["id"] for r in expected]
        for result, rule in zip(results, expected):
            seen = {
                "status": result.status,
                "actual": result.actual,
                "target": result.target,
                "proving": list(result.proving),
                "breaking": list(result.breaking),
            }
            wanted = {
                "status": rule["status"],
                "actual": rule["actual"],
                "target": rule["target"],
                "proving": rule["evidence"]["proving"],
                "breaking": rule["evidence"]["breaking"],
            }
            assert seen == wanted, rule["id"]
            assert result.rule.task == rule["task"]
        assert {r.status for r in results} > {"not_met"}  # the demo is deliberately imperfect

        table = screen.query_one(DataTable)
        assert table.row_count == len(expected)
        for index, rule in enumerate(expected):
            row = table.get_row_at(index)
            task = str(row[0])
            assert TASK.match(task), row
            assert task == rule["task"]
            assert table.get_row(rule["id"]) == row  # each row is keyed by its rule
