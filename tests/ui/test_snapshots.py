"""Layout snapshots of the main screens at 80x24, in Chinese.

Regenerate after an intended change of layout with
``pytest tests/ui/test_snapshots.py --snapshot-update`` and look at the report.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from fazhi_tui.base.config import load_config, save_config
from tests.ui.conftest import SIZE, make_app, press_settled, settle, type_text
from tests.ui.test_screens import STAFF, seed

MEETINGS = [
    {"kind": "deploy", "date": "2026-03-02", "title": "2026年法治政府建设专题部署会", "minutes_no": "金政纪〔2026〕3号"},
    {"kind": "admin", "date": "2026-04-08", "title": "第4次镇长办公会", "head_attendance": "full"},
    {"kind": "admin", "date": "2026-05-13", "title": "第5次镇长办公会", "head_attendance": "partial",
     "head_absence_reason": "中途参加纠纷调解"},
    {"kind": "study", "date": "2026-06-01", "title": "会前学法：《中华人民共和国行政处罚法》"},
]


@pytest.fixture
def filled_home(home):
    for meeting in MEETINGS:
        seed(home, "meeting", meeting)
    seed(home, "staff", STAFF)
    return home


def test_home_screen(filled_home, snap_compare):
    assert snap_compare(make_app(filled_home), terminal_size=SIZE, run_before=settle)


def test_meeting_list(filled_home, snap_compare):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("down")

    assert snap_compare(make_app(filled_home), terminal_size=SIZE, run_before=run_before)


def test_meeting_form_with_errors(filled_home, snap_compare):
    async def run_before(pilot):
        await settle(pilot)
        await press_settled(pilot, "1", "n")
        await pilot.press("tab")
        await type_text(pilot, "2026-02-30")
        await pilot.press("ctrl+s")
        await settle(pilot)

    assert snap_compare(make_app(filled_home), terminal_size=SIZE, run_before=run_before)


def test_staff_form(filled_home, snap_compare):
    async def run_before(pilot):
        await settle(pilot)
        await press_settled(pilot, "2", "enter")

    assert snap_compare(make_app(filled_home), terminal_size=SIZE, run_before=run_before)


def test_first_start(bare_home, snap_compare):
    assert snap_compare(make_app(bare_home), terminal_size=SIZE, run_before=settle)


def test_checklist(filled_home, snap_compare):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)

    assert snap_compare(make_app(filled_home), terminal_size=SIZE, run_before=run_before)


# -- the main screens at 80x24 and 120x40, in Chinese and in English (issue 16) ----------------

SIZES_AND_LANGUAGES = [((80, 24), "en"), ((120, 40), "zh"), ((120, 40), "en")]
MAIN_SCREENS = {
    "home": (),
    "meeting_list": ("1", "down"),
    "meeting_form": ("1", "n"),
    "checklist": ("c",),
}


@pytest.mark.parametrize("screen", list(MAIN_SCREENS))
@pytest.mark.parametrize(("size", "language"), SIZES_AND_LANGUAGES, ids=lambda v: f"{v[0]}x{v[1]}" if isinstance(v, tuple) else v)
def test_main_screens(filled_home, snap_compare, screen, size, language):
    config = load_config(filled_home.config)
    save_config(filled_home.config, replace(config, language=language))  # as the clerk chose it

    async def run_before(pilot):
        await settle(pilot)
        await press_settled(pilot, *MAIN_SCREENS[screen])

    assert snap_compare(make_app(filled_home), terminal_size=size, run_before=run_before)
