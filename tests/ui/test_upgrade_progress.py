"""An older database upgraded when the program starts: each step is shown on the loading
screen and written to the log."""

from __future__ import annotations

import shutil

from fazhi_tui.base.logs import log_path
from fazhi_tui.storage.database import latest_version
from fazhi_tui.ui.screens.home import HomeScreen
from tests.hardening.make_fixtures import FIXTURES
from tests.ui.conftest import SIZE, make_app, settle


async def test_the_upgrade_of_an_old_database_is_shown_step_by_step(home):
    shutil.copyfile(FIXTURES / "fazhi-v1.db", home.database)
    app = make_app(home)
    shown: list[str] = []
    real = app._show_migration

    def record(text: str) -> None:
        shown.append(text)
        real(text)

    app._show_migration = record
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)  # opened once upgraded
    steps = latest_version() - 1
    assert shown[0].startswith(f"正在升级数据格式（0/{steps}）")
    assert shown[-1].startswith(f"正在升级数据格式（{steps}/{steps}）")
    assert len(shown) == steps + 1
    assert f"step {steps} of {steps}" in log_path(home).read_text(encoding="utf-8")
