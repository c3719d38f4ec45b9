"""Class 11: pressing the number key of the list already shown raised DuplicateIds (a second
screen with the id ``list-<kind>`` was switched in while the first was still mounted). Now the
key does nothing when its list is in front, and still switches between lists."""

from __future__ import annotations

from pathlib import Path

from fazhi_tui.ui.screens.record_list import RecordListScreen
from tests.hardening.helpers import TOWN_A, township
from tests.ui.conftest import SIZE, make_app, press_settled, settle


async def test_the_number_key_of_the_list_in_front_keeps_it(tmp_path: Path):
    a = township(tmp_path / "a", TOWN_A, records=30)
    app = make_app(a.home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        depth = len(app.screen_stack)
        await press_settled(pilot, "1")
        first = app.screen
        assert isinstance(first, RecordListScreen) and first.kind.name == "meeting"
        await press_settled(pilot, "down", "down")
        for _ in range(3):
            await press_settled(pilot, "1")
            assert app.screen is first and first.table.cursor == 2  # the same list, where it was
        await press_settled(pilot, "2")
        assert isinstance(app.screen, RecordListScreen) and app.screen.kind.name == "staff"
        await press_settled(pilot, "2", "1", "1")
        assert isinstance(app.screen, RecordListScreen) and app.screen.kind.name == "meeting"
        assert len(app.screen_stack) == depth + 1  # lists replace each other, never pile up
        await press_settled(pilot, "escape")
        assert len(app.screen_stack) == depth
    assert app.return_code in (None, 0)
