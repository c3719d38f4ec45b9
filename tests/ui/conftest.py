"""Fixtures for driving the interface with Textual's Pilot."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from textual.worker import WorkerCancelled

from fazhi_tui.base.config import Config, save_config
from fazhi_tui.base.paths import Home, resolve_home
from fazhi_tui.ui.app import FazhiApp
from tests.conftest import TODAY, make_clock

SIZE = (80, 24)


@pytest.fixture
def home(tmp_path: Path) -> Home:
    """A home folder with a config, as after the first start."""
    home = resolve_home(tmp_path / "office")
    home.ensure()
    save_config(home.config, Config(township_code="640302100", township_name="金星镇", operator="张明"))
    return home


@pytest.fixture
def bare_home(tmp_path: Path) -> Home:
    """A home folder with nothing in it: the program's very first start."""
    return resolve_home(tmp_path / "new-office")


def make_app(home: Home, today: dt.date = TODAY) -> FazhiApp:
    return FazhiApp(home, today=today, clock=make_clock())


async def settle(pilot) -> None:
    """Let workers finish and the screen catch up: until two looks in a row find no worker
    left (a worker's answer may push a screen that starts one of its own; on a loaded
    machine that comes later than a fixed number of pauses allows). A worker cancelled on
    the way (an exclusive one replaced by the next, a screen left) is done too; one that
    failed raises."""
    app = pilot.app
    quiet = 0
    for _ in range(100):
        await pilot.pause()
        running = [worker for worker in app.workers if not worker.is_finished]
        if not running:
            quiet += 1
            if quiet == 2:
                break
            continue
        quiet = 0
        for worker in running:
            try:
                await worker.wait()
            except WorkerCancelled:
                pass
    await pilot.pause()


async def press_settled(pilot, *keys: str) -> None:
    """Press each key and let the screen settle after it, as a clerk waits to see each step."""
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


async def type_text(pilot, text: str) -> None:
    """Type key by key, as a clerk (or a Chinese input method) would."""
    for character in text:
        await pilot.press(character)


def rows(home: Home, sql: str, params: tuple = ()) -> list[sqlite3.Row]:
    """Read the database directly, as a second program would."""
    conn = sqlite3.connect(home.database)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()
