"""USB exchange from the keyboard: a township writes a bundle, the county reads it and publishes."""

from __future__ import annotations

from textual.widgets import DataTable, Input, RichLog

from fazhi_tui.base.paths import resolve_home
from fazhi_tui.cli import main
from fazhi_tui.services.hub import is_silent
from fazhi_tui.ui.screens.hub import ConflictsScreen, HubScreen
from fazhi_tui.ui.screens.sync import SyncScreen
from tests.conftest import TODAY
from tests.ui.conftest import SIZE, make_app, settle


def log_text(screen) -> str:
    return "\n".join(str(line.text) for line in screen.query_one(RichLog).lines)


async def put_path(pilot, screen, folder) -> None:
    """As if typed (the path is long: typing it key by key only slows the test down)."""
    box = screen.query_one("#folder-path", Input)
    box.focus()
    box.value = str(folder)
    await pilot.pause()


async def test_township_exports_then_county_imports_and_publishes(home, tmp_path):
    stick = tmp_path / "stick"
    stick.mkdir()
    county = resolve_home(tmp_path / "county")
    assert main(["hub", "init", "640302", "--name", "利通区", "--home", str(county.data_dir)]) == 0
    assert main(["hub", "enroll", "640302100", "--name", "金星镇", "--to", str(stick), "--home", str(county.data_dir)]) == 0

    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SyncScreen)
        await put_path(pilot, screen, stick)
        await pilot.press("ctrl+e")  # not enrolled yet: a clear message, no file
        await settle(pilot)
        assert "尚未登记" in log_text(screen)
        assert not list(stick.glob("*.fzb"))
        await pilot.press("ctrl+o")  # reads the enrolment file from the stick
        await settle(pilot)
        assert "利通区" in log_text(screen)
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert "已导出" in log_text(screen)
    assert len(list(stick.glob("fazhi-up-640302100-*.fzb"))) == 1

    hub = make_app(county)
    async with hub.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = hub.screen
        assert isinstance(screen, HubScreen)
        await put_path(pilot, screen, stick)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert "已导入" in log_text(screen)
        table = screen.query_one(DataTable)
        assert table.row_count == 1 and str(table.get_row("640302100")[1]) == "金星镇"
        await pilot.press("ctrl+o")  # again: already imported
        await settle(pilot)
        assert "已导入过" in log_text(screen)
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert "已写出下发数据包" in log_text(screen)
        table.focus()
        await pilot.press("k")
        await settle(pilot)
        assert isinstance(hub.screen, ConflictsScreen)
    assert list(stick.glob("fazhi-down-640302100-*.fzb"))


def test_silent_members():
    assert is_silent(None, TODAY, 45)
    assert is_silent("2026-10-01T00:00:00Z", TODAY, 45)
    assert not is_silent("2026-11-01T00:00:00Z", TODAY, 45)


async def test_an_enrolment_from_another_county_key_is_taken_only_when_the_clerk_says_yes(home, tmp_path):
    """The exchange screen names both counties and asks; n leaves everything as it was, y replaces."""
    from fazhi_tui.sync.keys import load_enrolment
    from fazhi_tui.ui.widgets.confirm import ConfirmScreen

    sticks = {name: tmp_path / name for name in ("ours", "theirs")}
    for name, (code, county_name) in {"ours": ("640302", "利通区"), "theirs": ("640302", "冒名的利通区")}.items():
        sticks[name].mkdir()
        hub_home = tmp_path / f"hub-{name}"
        assert main(["hub", "init", code, "--name", county_name, "--home", str(hub_home)]) == 0
        assert main(["hub", "enroll", "640302100", "--name", "金星镇", "--to", str(sticks[name]), "--home", str(hub_home)]) == 0

    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        screen = app.screen
        await put_path(pilot, screen, sticks["ours"])
        await pilot.press("ctrl+o")  # the first enrolment: no question
        await settle(pilot)
        assert app.screen is screen and "利通区" in log_text(screen)
        held = load_enrolment(home)
        assert held is not None and held.hub_name == "利通区"
        await put_path(pilot, screen, sticks["theirs"])
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        question = str(app.screen.query_one("#confirm-question").render())
        assert "利通区（640302）" in question and "冒名的利通区（640302）" in question
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is screen and "未替换" in log_text(screen)
        assert load_enrolment(home) == held
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is screen
    assert load_enrolment(home).hub_name == "冒名的利通区"


async def test_the_hub_imports_many_files_with_a_progress_bar_and_stays_responsive(tmp_path, monkeypatch):
    """Reading a stick of many bundles runs in a thread: a bar counts the files, and keys
    still work while a file is being read (here held up on purpose)."""
    import threading

    from textual.widgets import ProgressBar

    from fazhi_tui.sync.hub import importing as hub_services  # import_bundles calls it per file

    stick = tmp_path / "stick"
    stick.mkdir()
    for n in range(1, 5):
        (stick / f"fazhi-up-640302100-dev-{n:06d}.fzb").write_bytes(b"not a bundle")
    county = resolve_home(tmp_path / "county")
    assert main(["hub", "init", "640302", "--name", "利通区", "--home", str(county.data_dir)]) == 0

    release, calls = threading.Event(), []
    real = hub_services.import_bundle

    def slow_import(*args, **kwargs):
        calls.append(args[3])
        if len(calls) == 2:
            assert release.wait(timeout=30)  # the second file takes "long"
        return real(*args, **kwargs)

    monkeypatch.setattr(hub_services, "import_bundle", slow_import)
    hub = make_app(county)
    async with hub.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = hub.screen
        bar = screen.query_one("#import-progress", ProgressBar)
        assert not bar.display  # nothing to show before an import
        await put_path(pilot, screen, stick)
        await pilot.press("ctrl+o")
        for _ in range(200):
            await pilot.pause(0.02)
            if len(calls) == 2 and bar.progress == 1:
                break
        assert bar.display and bar.total == 4 and bar.progress == 1
        box = screen.query_one("#folder-path", Input)
        before = box.value
        await pilot.press("end", "x")  # the interface answers while the import works
        assert box.value == before + "x"
        release.set()
        await settle(pilot)
        assert len(calls) == 4
        assert not bar.display  # the run is over
        assert log_text(screen).count("×") == 4  # each file refused (not bundles), one line each
