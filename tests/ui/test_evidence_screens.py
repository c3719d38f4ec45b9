"""Evidence files in a record's form, key by key: Ctrl+O goes to the files, a attaches one
from a folder with a caption, Enter opens it (or says where it lies), Del detaches it after
asking."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, OptionList
from textual.widgets._footer import FooterKey

from fazhi_tui.base.paths import resolve_home
from fazhi_tui.cli import main
from fazhi_tui.domain.kinds import KINDS
from fazhi_tui.services.demo import build_demo
from fazhi_tui.services.evidence_samples import tiny_pdf, tiny_png
from fazhi_tui.storage.store import Actor, Store
from fazhi_tui.ui.screens.attach_files import AttachFilesScreen
from fazhi_tui.ui.screens.checklist import EvidenceScreen
from fazhi_tui.ui.screens.matrix import FIXED_COLUMNS
from fazhi_tui.ui.screens.record_form import RecordFormScreen
from fazhi_tui.ui.screens.record_view import RecordViewScreen
from fazhi_tui.ui.widgets.confirm import ConfirmScreen
from fazhi_tui.ui.widgets.evidence_list import EvidenceList
from tests.conftest import TODAY, make_clock
from tests.ui.conftest import SIZE, make_app, press_settled, rows, settle, type_text


def seed(home) -> str:
    store = Store.open(home.database, home.backups, clock=make_clock())
    try:
        return store.insert(KINDS["service_item"], {"name": "低保申请", "guide_published": False, "handled_locally": True},
                            Actor("张明", "640302100"))
    finally:
        store.close()


async def test_attach_open_and_detach_key_by_key(home, tmp_path, monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    record = seed(home)
    scans = tmp_path / "scans"
    scans.mkdir()
    (scans / "a-guide.pdf").write_bytes(tiny_pdf("guide"))
    (scans / "b-photo.png").write_bytes(tiny_png())
    (scans / "c-notes.txt").write_text("not evidence")  # not listed: not a kept type
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press_settled(pilot, "6", "enter")
        form = app.screen
        assert isinstance(form, RecordFormScreen)
        await press_settled(pilot, "ctrl+o")
        files = form.query_one(EvidenceList)
        assert app.focused is files and files.rows == []
        footer = " ".join(str(key.render()) for key in form.query(FooterKey))
        assert "附加文件" in footer and "移除" in footer and "key." not in footer  # its keys, in words
        await press_settled(pilot, "a")
        screen = app.screen
        assert isinstance(screen, AttachFilesScreen)
        screen.query_one("#folder-path", Input).focus()
        await pilot.press("ctrl+u")  # clear what the picker put there
        await type_text(pilot, str(scans))
        await settle(pilot)
        await pilot.press("tab")  # the caption
        await type_text(pilot, "guide")
        await press_settled(pilot, "tab", "enter")  # the first file: a-guide.pdf
        assert "✓" in str(screen.query_one("#attach-status").render())
        await press_settled(pilot, "escape")
        assert app.screen is form
        assert [r["name"] for r in files.rows] == ["a-guide.pdf"] and files.rows[0]["caption"] == "guide"

        files.focus()
        await press_settled(pilot, "enter")
        assert any("没有可用的查看程序" in str(n.message) for n in app._notifications)

        await press_settled(pilot, "delete")
        assert isinstance(app.screen, ConfirmScreen)
        await press_settled(pilot, "y")
        assert files.rows == []
    assert rows(home, "SELECT record_uuid, name, deleted_at IS NOT NULL FROM attachment")[0][:] == (record, "a-guide.pdf", 1)
    actions = [r[0] for r in rows(home, "SELECT action FROM audit_log WHERE table_name = 'attachment' ORDER BY id")]
    assert actions == ["insert", "delete"]
    assert (home.files / rows(home, "SELECT sha256 FROM attachment")[0][0][:2]).is_dir()


async def test_files_chosen_in_a_burst_are_kept_in_order_and_esc_waits_for_them(home, tmp_path, monkeypatch):
    """Attaching runs in a worker: Enter on two files and Esc pressed at once (a clerk who
    does not wait for the first scan to be saved) attach both, in the order chosen, and go
    back to the form only then, which lists both."""
    record = seed(home)
    scans = tmp_path / "scans"
    scans.mkdir()
    (scans / "a-guide.pdf").write_bytes(tiny_pdf("guide"))
    (scans / "b-photo.png").write_bytes(tiny_png())
    from fazhi_tui.ui.screens import attach_files as screen_module

    real = screen_module.attach_files
    slow = []

    def slow_attach(*args, **kwargs):
        import time

        slow.append(args[4][0].name)
        time.sleep(0.3)  # a big scan on a slow PC
        return real(*args, **kwargs)

    monkeypatch.setattr(screen_module, "attach_files", slow_attach)
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press_settled(pilot, "6", "enter", "ctrl+o", "a")
        screen = app.screen
        assert isinstance(screen, AttachFilesScreen)
        screen.query_one("#folder-path", Input).focus()
        (tmp_path / "empty").mkdir()
        await pilot.press("ctrl+u")
        await type_text(pilot, str(tmp_path / "empty"))
        await settle(pilot)
        listed = screen.query_one("#attach-files", OptionList)
        assert "没有可附加的文件" in str(listed.get_option_at_index(0).prompt)  # not "no spreadsheet"
        await pilot.press("ctrl+u")
        await type_text(pilot, str(scans))
        await settle(pilot)
        await press_settled(pilot, "tab", "tab")
        await pilot.press("enter", "down", "enter")
        await pilot.pause()
        assert "正在保存" in str(screen.query_one("#attach-status").render())
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen  # still saving: waits
        await settle(pilot)
        assert isinstance(app.screen, RecordFormScreen)
        files = app.screen.query_one(EvidenceList)
        assert [r["name"] for r in files.rows] == ["a-guide.pdf", "b-photo.png"]
    assert slow == ["a-guide.pdf", "b-photo.png"]
    assert [r[0] for r in rows(home, f"SELECT name FROM attachment WHERE record_uuid = '{record}' ORDER BY rowid")] == ["a-guide.pdf", "b-photo.png"]


async def test_a_refused_file_says_why_and_attaches_nothing(home, tmp_path):
    seed(home)
    scans = tmp_path / "scans"
    scans.mkdir()
    (scans / "photo.jpg").write_bytes(tiny_pdf())  # a PDF named .jpg
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press_settled(pilot, "6", "enter", "ctrl+o", "a")
        screen = app.screen
        screen.query_one("#folder-path", Input).focus()
        await pilot.press("ctrl+u")
        await type_text(pilot, str(scans))
        await settle(pilot)
        await press_settled(pilot, "tab", "tab", "enter")
        assert "文件名与内容不符" in str(screen.query_one("#attach-status").render())
    assert rows(home, "SELECT count(*) FROM attachment")[0][0] == 0


# -- at the county: the files of a township's record, read-only -------------------------------------


def cli(*args) -> None:
    assert main([str(a) for a in args]) == 0, args


async def _open_first_evidence(app, pilot) -> None:
    """Matrix (m), onto 金星镇's T40-head cell, Enter: the evidence; Enter on the first record."""
    await press_settled(pilot, "m")
    matrix = app.screen.matrix
    column = FIXED_COLUMNS + [rule.id for rule in matrix.rules].index("T40-head")
    for _ in range(column):
        await pilot.press("right")
    await press_settled(pilot, "enter")
    assert isinstance(app.screen, EvidenceScreen)


async def test_the_county_opens_the_scan_a_township_attached(tmp_path, monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    stick, county, town = tmp_path / "stick", tmp_path / "county", tmp_path / "town"
    stick.mkdir()
    cli("hub", "init", "640302", "--name", "利通区", "--home", county)
    cli("hub", "enroll", "640302100", "--name", "金星镇", "--to", stick, "--home", county)
    build_demo(resolve_home(town), township="640302100", today=TODAY)
    cli("enroll", stick / "fazhi-enrol-640302100.json", "--home", town)
    cli("export", "--to", stick, "--home", town)
    cli("hub", "import", *sorted(stick.glob("fazhi-up-*.fzb")), "--home", county)

    app = make_app(resolve_home(county))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _open_first_evidence(app, pilot)
        evidence = app.screen.query_one(OptionList)
        record = evidence.get_option_at_index(evidence.highlighted).id
        await press_settled(pilot, "enter")
        assert isinstance(app.screen, RecordViewScreen) and app.screen.query_one(EvidenceList).rows == []

    # the township attaches the scanned minutes to that record and sends them
    minutes = tmp_path / "纪要.pdf"
    minutes.write_bytes(tiny_pdf("the scanned minutes"))
    cli("attach", record, minutes, "--caption", "专题会议纪要", "--home", town)
    for old in stick.glob("fazhi-up-*.fzb"):
        old.unlink()
    cli("export", "--to", stick, "--home", town)
    cli("hub", "import", *sorted(stick.glob("fazhi-up-*.fzb")), "--home", county)

    app = make_app(resolve_home(county))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _open_first_evidence(app, pilot)
        await press_settled(pilot, "enter")
        screen = app.screen
        assert isinstance(screen, RecordViewScreen)  # the fields as entered, then the files
        files = screen.query_one(EvidenceList)
        assert [(r["name"], r["caption"]) for r in files.rows] == [("纪要.pdf", "专题会议纪要")]
        assert app.focused is files
        await press_settled(pilot, "a", "delete")  # read-only: neither attaches nor detaches
        assert app.screen is screen and len(files.rows) == 1
        await press_settled(pilot, "enter")
        shown = [str(n.message) for n in app._notifications if "没有可用的查看程序" in str(n.message)]
        assert shown and Path(shown[-1].split("：", 1)[1]).read_bytes() == tiny_pdf("the scanned minutes")


async def test_the_home_screen_shows_the_size_of_the_files_kept(tmp_path):
    home = resolve_home(tmp_path / "demo")
    build_demo(home, today=TODAY, evidence=True)
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        line = str(app.screen.query_one("#home-checklist").render())
        assert "证明文件共" in line and "KB" in line
