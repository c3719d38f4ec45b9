"""The start (issue 20): a database already at this version opens before the first frame, so
the home screen — counts, checklist line, footer keys — is that frame; garbage collection
waits for it."""

from __future__ import annotations

import gc

from textual.widgets import OptionList
from textual.widgets._footer import FooterKey

from fazhi_tui.storage.store import Store
from fazhi_tui.ui.screens.home import HomeScreen
from fazhi_tui.ui.widgets.footer import FittedFooter
from tests.conftest import make_clock
from tests.ui.conftest import SIZE, make_app, settle


def made(home) -> None:
    """The database as the first start leaves it."""
    Store.open(home.database, home.backups, clock=make_clock()).close()


async def test_a_current_database_opens_before_the_first_frame(home):
    """The home screen is Textual's first screen (FazhiApp.get_default_screen), opened with
    the store and its counts before anything is drawn."""
    made(home)
    app = make_app(home)
    in_worker = []
    app._open_store = lambda: in_worker.append(True)  # the loading screen's way
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert in_worker == []
        # the first screen of the stack: no default screen with the loading line under it
        assert app.screen_stack == [app.screen] and not app.query("#loading")
        first = app.screen.query_one("#kinds", OptionList).get_option_at_index(0).prompt
        assert "0 条" in str(first)  # the counts in the first frame
        keys = list(app.screen.query_one(FittedFooter).query(FooterKey))
        assert [key.key for key in keys][-2:] == ["ctrl+q", "f1"]  # the keys too
        await settle(pilot)
        # nothing composed twice: the footer's keys are the ones of the first frame
        assert list(app.screen.query_one(FittedFooter).query(FooterKey)) == keys
        assert "达标" in str(app.screen.query_one("#home-checklist").render())  # the checklist line came


async def test_a_new_database_is_made_in_the_worker_with_the_loading_screen(home):
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        assert app.screen.query("#loading")  # what the first frame shows while it is made
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert home.database.is_file()


async def test_collection_goes_on_once_the_first_screen_is_drawn(home):
    made(home)
    app = make_app(home)
    gc.disable()  # as run_app leaves it
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)
            assert gc.isenabled()
            assert gc.get_freeze_count() > 0  # the start's objects frozen
    finally:
        gc.unfreeze()
        gc.enable()


async def test_a_damaged_database_still_offers_the_backups(home):
    home.database.write_bytes(b"not a database at all" * 100)
    app = make_app(home)
    gc.disable()
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert app.fatal_message is not None and "备份" in app.fatal_message
            assert gc.isenabled()  # the fatal screen is a first screen too
    finally:
        gc.unfreeze()
        gc.enable()


def _rules(screen) -> dict:
    """Every node's style rules from the stylesheet, by node."""
    return {node: dict(node._css_styles.get_rules()) for node in screen.walk_children(with_self=True)}


async def test_the_other_screens_rules_come_after_the_home_screens_first_frame(home):
    """app.tcss holds what the home screen needs; screens.tcss (every other screen's rules) is
    parsed after the home screen is drawn, and changes nothing on it."""
    made(home)
    app = make_app(home)
    drawn: list[str] = []
    display = app._display
    app._display = lambda screen, renderable: (drawn.append(type(screen).__name__), display(screen, renderable))[1]
    loaded_after: list[list[str]] = []
    load = app.load_screens_css
    app.load_screens_css = lambda: (loaded_after.append(list(drawn)), load())[1]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert loaded_after and loaded_after[0][:1] == ["HomeScreen"]  # after the home screen's first frame
        assert any(source.endswith("screens.tcss") for source, _ in app.stylesheet.source)
        before = _rules(app.screen)
        app.stylesheet.update(app)  # every node styled again, with both files' rules
        assert _rules(app.screen) == before
        await pilot.press("1")  # another screen: its rules are there
        await settle(pilot)
        header = app.screen.query_one("#column-header")
        assert header.styles.height.value == 1 and header.styles.text_style.bold


async def test_a_first_screen_other_than_the_home_screen_has_its_rules(bare_home):
    app = make_app(bare_home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        box = app.screen.query_one("#setup-box")  # the first start's setup screen
        assert box.styles.width.value == 76 and box.styles.border_top[0] == "round"
