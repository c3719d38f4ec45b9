"""Shared fixtures for the core tests. UI fixtures live in tests/ui/conftest.py."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from fazhi_tui.base import i18n
from fazhi_tui.base.paths import HOME_ENV
from fazhi_tui.storage.store import Actor, Store

TODAY = dt.date(2026, 11, 27)


def pytest_configure(config):
    config.addinivalue_line("markers", "wheel: builds the wheel with pip and hatchling (a few seconds; deselect with -m 'not wheel')")


@pytest.fixture(autouse=True)
def _isolated(tmp_path_factory, monkeypatch):
    """Every test gets its own FAZHI_TUI_HOME and ends in Chinese, whatever it changed."""
    monkeypatch.setenv(HOME_ENV, str(tmp_path_factory.mktemp("home")))
    yield
    i18n.set_language("zh")


def make_clock(start: dt.datetime = dt.datetime(2026, 11, 27, 8, 0, tzinfo=dt.UTC)):
    """A clock that returns increasing ISO-8601 UTC times, one second apart."""
    ticks = itertools.count()

    def clock() -> str:
        return (start + dt.timedelta(seconds=next(ticks))).strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    return clock


@pytest.fixture
def today() -> dt.date:
    return TODAY


@pytest.fixture
def actor() -> Actor:
    return Actor("测试员", "640302100")


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path / "fazhi.db", tmp_path / "backups", clock=make_clock())
    yield s
    s.close()
