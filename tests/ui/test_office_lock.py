"""The interface holds its home: a second program is refused; quitting backs up and logs."""

from __future__ import annotations

from fazhi_tui.base.lock import lock_path, read_holder
from fazhi_tui.base.logs import log_path
from fazhi_tui.storage.database import list_backups
from fazhi_tui.ui.screens.fatal import FatalScreen
from fazhi_tui.ui.screens.help import HelpScreen
from fazhi_tui.ui.screens.home import HomeScreen
from tests.test_lock import Holder
from tests.ui.conftest import SIZE, make_app, settle
from tests.ui.test_screens import STAFF, seed


async def test_a_home_in_use_by_another_program_opens_nothing(home):
    seed(home, "staff", STAFF)
    other = Holder(home.data_dir)
    try:
        app = make_app(home)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, FatalScreen)
            assert app.store is None  # the database was not opened
            assert "正被另一个" in app.fatal_message and str(other.process.pid) in app.fatal_message
            await pilot.press("escape")
        assert list_backups(home.backups) == []  # and no backup on quitting either
    finally:
        assert other.stop() == 0


async def test_the_interface_holds_the_lock_and_backs_up_once_a_day_on_quitting(home):
    seed(home, "staff", STAFF)
    for run in range(2):
        app = make_app(home)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)
            holder = read_holder(lock_path(home.data_dir))
            assert holder is not None and holder.program == "fazhi-tui"
            await pilot.press("ctrl+q")
        assert read_holder(lock_path(home.data_dir)) is None  # released on quitting
        daily = [p for p in list_backups(home.backups) if p.name.endswith("-auto-daily.db")]
        assert len(daily) == 1, run  # the second quit the same day makes none
    text = log_path(home).read_text(encoding="utf-8")
    assert "opened the interface" in text and "auto-daily" in text


async def test_help_shows_where_the_log_is(home):
    app = make_app(home)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        shown = str(app.screen.query_one("#help-log").render())
        assert str(log_path(home)) in shown.replace("\n", "")
