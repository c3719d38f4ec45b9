"""Class 2: markup in text is never parsed as markup.

A ``[/]`` in a record that ends up in the hub's conflicts table, typed into a list filter,
or in a rule name of a county's rules.toml, and a ``[link=...]`` anywhere, read as the
characters they are: no crash, no live hyperlink, no colour. Text from data is shown as
``rich.text.Text`` (ui/format.py).
"""

from __future__ import annotations

from pathlib import Path

from fazhi_tui.base.text import clean_text
from fazhi_tui.domain.kinds import KINDS
from fazhi_tui.services.checklist import evidence_labels, load_active_rules, run_checklist
from fazhi_tui.services.checklist_report import FORMATS, ReportHeader, render
from fazhi_tui.ui.screens.checklist import ChecklistScreen, EvidenceScreen
from fazhi_tui.ui.screens.hub import ConflictsScreen, HubScreen
from fazhi_tui.ui.screens.matrix import FIXED_COLUMNS, MatrixScreen
from fazhi_tui.ui.screens.record_form import RecordFormScreen
from fazhi_tui.ui.screens.record_list import FILTER_DELAY_SECONDS, RecordListScreen
from fazhi_tui.ui.widgets.confirm import ConfirmScreen
from tests.hardening.helpers import TODAY, TOWN_A, another_enrolment, export, hub_import, second_device, township
from tests.hardening.screens import MARKUP_TITLE, OSC0_TITLE, assert_harmless, harmful, screen_text
from tests.hardening.test_text_controls import evil_meeting
from tests.sync.util import down, down_file, hub_publish, live_uuids, update
from tests.ui.conftest import SIZE, make_app, press_settled, settle, type_text

RULE_NAME = "[/]部署[link=https://evil.example]点我[/link]"


async def test_markup_in_records_reads_literally_in_lists_confirm_toasts_and_evidence(tmp_path: Path):
    a = township(tmp_path / "a", TOWN_A, records=30)
    record = evil_meeting(a, title=MARKUP_TITLE, notes=MARKUP_TITLE)
    app = make_app(a.home)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await press_settled(pilot, "1")
        assert isinstance(app.screen, RecordListScreen) and app.screen.table.current_row["uuid"] == record
        assert "[/]会议[link=https:/" in screen_text(app)
        assert_harmless(app, "list")
        await press_settled(pilot, "delete")
        assert isinstance(app.screen, ConfirmScreen)
        assert "[/]会议[link=https://evil.example]" in screen_text(app).replace("\n", "").replace(" ", "")
        assert_harmless(app, "confirm")
        await press_settled(pilot, "y")
        assert "[/]会议" in screen_text(app) and isinstance(app.screen, RecordListScreen)
        assert_harmless(app, "toast")
        await press_settled(pilot, "u")
        app.push_screen(EvidenceScreen(TODAY.year, "T40-deploy"))
        await settle(pilot)
        assert record in app.screen.result.proving
        assert MARKUP_TITLE in screen_text(app)
        assert_harmless(app, "evidence")


async def test_markup_typed_into_a_list_filter_is_searched_for_literally(tmp_path: Path):
    a = township(tmp_path / "a", TOWN_A, records=30)
    record = evil_meeting(a, title=MARKUP_TITLE)
    app = make_app(a.home)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await press_settled(pilot, "1", "slash")
        for typed, found in (("[/]", True), ("[link=https://evil.example]", True), ("[/nothing]", False)):
            box = app.screen.query_one("#filter")
            box.value = ""
            await type_text(pilot, typed)
            await pilot.pause(FILTER_DELAY_SECONDS + 0.1)
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, RecordListScreen) and screen.filter_text == typed
            assert typed in screen_text(app)  # echoed in the title bar as typed
            assert_harmless(app, f"filter {typed}")
            if found:
                assert screen.table.total == 1 and screen.table.current_row["uuid"] == record
            else:
                assert screen.table.total == 0


async def test_a_clash_whose_record_holds_markup_opens_in_the_conflicts_table(world):
    a2 = second_device(world.a, world.root / "a2", another_enrolment(world.hub, TOWN_A, world.usb))
    meeting = live_uuids(world.a, "meeting")[0]
    update(world.a, "meeting", meeting, {"title": "[/]一号机" + OSC0_TITLE})
    update(a2, "meeting", meeting, {"title": "[/]二号机[link=https://evil.example]x[/link]"})
    assert hub_import(world.hub, export(world.a, world.usb).path).verdict == "imported"
    second = hub_import(world.hub, export(a2, world.usb).path)
    assert second.verdict == "imported" and second.totals()["conflicts"] == 1

    app = make_app(world.hub.home)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HubScreen)
        for _ in range(2):  # and again: the clash stays, the table opens every time
            await press_settled(pilot, "k")
            assert isinstance(app.screen, ConflictsScreen)
            text = screen_text(app)
            assert "[/]一号机" in text or "[/]二号机" in text
            assert_harmless(app, "conflicts")
            await press_settled(pilot, "escape")
            assert isinstance(app.screen, HubScreen)


async def test_markup_and_controls_in_a_county_rule_name_read_literally_everywhere(world, tmp_path):
    builtin = (Path(__file__).parents[2] / "fazhi_tui" / "rules.toml").read_text(encoding="utf-8")
    evil_name = RULE_NAME + "\\u001b]0;pwned\\u0007"
    text = builtin.replace('name = "专题研究部署法治政府建设"', f'name = "{evil_name}"', 1)
    assert text != builtin
    world.hub.home.rules.write_text(text, encoding="utf-8")
    shown_name = clean_text(RULE_NAME + OSC0_TITLE)

    # The county's own matrix, with the township's records imported.
    assert hub_import(world.hub, world.bundle).verdict == "imported"
    app = make_app(world.hub.home)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await settle(pilot)
        await press_settled(pilot, "m")
        screen = app.screen
        assert isinstance(screen, MatrixScreen)
        column = FIXED_COLUMNS + [rule.id for rule in screen.matrix.rules].index("T40-deploy")
        table = screen.query_one("DataTable")
        table.cursor_coordinate = table.cursor_coordinate._replace(row=0, column=column)
        await settle(pilot)
        assert "T40 [/]部署[link=https://evil.ex" in screen_text(app)  # the line under the table
        assert_harmless(app, "matrix")
        await press_settled(pilot, "enter")
        assert isinstance(app.screen, EvidenceScreen)
        assert_harmless(app, "evidence")

    # The rules travel in the down-bundle to every township: its checklist screen.
    paths = hub_publish(world.hub, world.usb)
    assert paths
    assert down(world.a, down_file(world.usb, TOWN_A)).verdict == "imported"
    assert world.a.home.rules.read_text(encoding="utf-8") == text
    app = make_app(world.a.home)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await settle(pilot)
        await press_settled(pilot, "c")
        assert isinstance(app.screen, ChecklistScreen)
        assert RULE_NAME[:20] in screen_text(app)
        assert_harmless(app, "checklist")
        row = [r.rule.id for r in app.screen.results].index("T40-deploy")
        app.screen.query_one("DataTable").move_cursor(row=row)
        await press_settled(pilot, "enter")
        assert isinstance(app.screen, EvidenceScreen)
        assert shown_name in screen_text(app).replace("\n", "")
        assert_harmless(app, "evidence")

    # And every report format of the township's checklist.
    with world.a.store() as store:
        active = load_active_rules(world.a.home)
        results = run_checklist(store, active.ruleset, world.a.config, year=TODAY.year, on=TODAY)
        labels = evidence_labels(store, results)
    header = ReportHeader(TOWN_A, "金星镇", TODAY.year, TODAY, active.source)
    for fmt in FORMATS:
        out = render(fmt, results, header, labels)
        assert not [ch for ch in out if harmful(ch) and ch != "\n"], fmt
        assert "[/]部署" in out, fmt


async def test_markup_in_a_name_reads_literally_in_the_pickers_of_a_form(tmp_path: Path):
    """A staff member's name is offered in the hearing form's picker (a Select) and the
    training form's list of ticks (a SelectionList)."""
    a = township(tmp_path / "a", TOWN_A, records=30)
    with a.store() as store:
        store.insert(KINDS["staff"], {"name": "[/]张[link=https://evil.example]三", "post": "", "background": "law_degree",
                                      "education": "", "active": True, "rule_of_law": True, "enforcement": False,
                                      "cert_no": "", "notes": ""}, a.actor())
    app = make_app(a.home)
    async with app.run_test(size=(100, 40), notifications=True) as pilot:
        await settle(pilot)
        for key, picker in (("5", "#f-staff_uuid"), ("4", "#f-staff")):
            await press_settled(pilot, key, "n")
            assert isinstance(app.screen, RecordFormScreen)
            app.screen.query_one(picker).focus()
            await press_settled(pilot, "enter")  # the Select opens its list
            assert "[/]张[link=https://evil.example]三" in screen_text(app)
            assert_harmless(app, picker)
            await press_settled(pilot, "escape", "escape")
            while isinstance(app.screen, RecordFormScreen):
                await press_settled(pilot, "escape")
            await press_settled(pilot, "escape")
