"""A damaged database offers the automatic backups; a PC clock behind the data is flagged."""

from __future__ import annotations

import datetime as dt
import sqlite3

from textual.widgets import OptionList

from fazhi_tui.storage.database import backup_database
from fazhi_tui.ui.app import FazhiApp
from fazhi_tui.ui.screens.fatal import FatalScreen
from fazhi_tui.ui.screens.home import HomeScreen
from fazhi_tui.ui.widgets.confirm import ConfirmScreen
from tests.ui.conftest import SIZE, make_app, rows, settle
from tests.ui.test_screens import STAFF, seed


async def test_damaged_database_is_put_back_from_a_backup_and_opens(home):
    seed(home, "staff", STAFF)
    conn = sqlite3.connect(home.database)
    backup_database(conn, home.backups, "test")
    conn.close()
    data = bytearray(home.database.read_bytes())
    data[:16] = b"garbage garbage!"
    home.database.write_bytes(bytes(data))

    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, FatalScreen) and "损坏" in app.fatal_message
        assert app.screen.query_one("#backups", OptionList).option_count == 1
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen) and app.fatal_message is None
    assert rows(home, "SELECT name FROM staff")[0][0] == "王芳"
    assert any("before-restore" in p.name for p in home.backups.iterdir())


async def test_a_clock_behind_the_data_is_flagged(home):
    seed(home, "staff", STAFF)  # stamped 2026-11-27 by the test clock
    app = FazhiApp(home, today=dt.date(2009, 1, 1), clock=lambda: "2009-01-01T08:00:00.000000Z")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert any("早于已保存的数据" in m for m in messages)


async def test_a_correct_clock_is_not_flagged(home):
    seed(home, "staff", STAFF)
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not any("早于" in n.message for n in app._notifications)


