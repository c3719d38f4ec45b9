"""The checklist screen: open a failing rule, open its evidence, fix the record, see the row turn."""

from __future__ import annotations

import datetime as dt

from textual.widgets import DataTable, OptionList, Select

from fazhi_tui.domain.checklist import builtin_rules
from fazhi_tui.ui.screens.checklist import ChecklistScreen, EvidenceScreen
from fazhi_tui.ui.screens.home import HomeScreen
from fazhi_tui.ui.screens.record_form import RecordFormScreen
from tests.ui.conftest import SIZE, make_app, press_settled, settle
from tests.ui.test_screens import seed


def row_status(screen: ChecklistScreen, rule_id: str) -> str:
    return next(r.status for r in screen.results if r.rule.id == rule_id)


async def test_fixing_the_evidence_of_a_failing_rule_turns_it_met(home):
    seed(home, "meeting", {"kind": "admin", "date": "2026-03-10", "title": "第3次镇长办公会", "head_attendance": "full"})
    partial = seed(
        home,
        "meeting",
        {"kind": "admin", "date": "2026-04-10", "title": "第4次镇长办公会", "head_attendance": "partial",
         "head_absence_reason": "记录有误"},
    )
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "未达标" in str(app.screen.query_one("#home-checklist").render())
        await pilot.press("c")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ChecklistScreen) and screen.year == 2026
        assert row_status(screen, "T40-head") == "not_met"
        table = screen.query_one(DataTable)
        table.move_cursor(row=[r.rule.id for r in screen.results].index("T40-head"))
        await pilot.press("enter")
        await settle(pilot)
        evidence = app.screen
        assert isinstance(evidence, EvidenceScreen)
        options = evidence.query_one(OptionList)
        assert options.get_option_at_index(0).id == partial  # what breaks the rule comes first
        assert "未达标" in str(options.get_option_at_index(0).prompt)
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, RecordFormScreen) and form.record["uuid"] == partial
        form.query_one("#f-head_attendance", Select).focus()
        await press_settled(pilot, "enter")  # the clerk sees the choices open
        await pilot.press("up")  # 部分 → 全程
        await pilot.press("enter")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is evidence
        assert evidence.result.status == "met" and partial in evidence.result.proving
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        assert row_status(screen, "T40-head") == "met"
        assert "√ 达标" in str(table.get_row("T40-head")[4])


async def test_year_changes_with_the_arrow_keys_and_the_report_is_saved(home):
    seed(home, "meeting", {"kind": "deploy", "date": "2025-12-31", "title": "2025年专题部署会"})
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        screen = app.screen
        assert row_status(screen, "T40-deploy") == "at_risk"  # late November, none yet in 2026
        await pilot.press("left")
        await settle(pilot)
        assert screen.year == 2025 and row_status(screen, "T40-deploy") == "met"
        await pilot.press("p")
        await settle(pilot)
    report = home.data_dir / "reports" / f"checklist-2025-{dt.date(2026, 11, 27).isoformat()}.md"
    text = report.read_text(encoding="utf-8")
    assert "2025 年法治政府建设任务检查清单" in text and "2025年专题部署会" in text


async def test_a_refused_rule_file_is_named_with_its_line_and_the_built_in_set_is_used(home):
    (home.config_dir / "rules.toml").write_text('version = 1\n\n[[rule]]\nid = "X"\ntask = "T40"\n', encoding="utf-8")
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        problem = app.screen.query_one("#rules-problem")
        assert problem.display and "第 3 行" in str(problem.render()) and "内置规则" in str(problem.render())
        assert len(app.screen.results) == len(builtin_rules().rules)


async def test_planned_records_show_beside_the_figure_and_apart_in_the_evidence(home):
    # today is 2026-11-27: three studies held, one entered ahead for December
    held = [seed(home, "meeting", {"kind": "study", "date": f"2026-0{m}-10", "title": f"会前学法{m}"}) for m in (3, 4, 5)]
    planned = seed(home, "meeting", {"kind": "study", "date": "2026-12-15", "title": "会前学法（计划）"})
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        screen = app.screen
        assert row_status(screen, "T46-study") == "at_risk"  # met only with the planned one
        table = screen.query_one(DataTable)
        assert "3 次 + 1 计划" in str(table.get_row("T46-study")[3])
        table.move_cursor(row=[r.rule.id for r in screen.results].index("T46-study"))
        await pilot.press("enter")
        await settle(pilot)
        options = app.screen.query_one(OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        heading = ids.index(None)  # the "planned" heading, not selectable
        assert "计划中" in str(options.get_option_at_index(heading).prompt)
        assert options.get_option_at_index(heading).disabled
        assert set(ids[:heading]) == set(held) and ids[heading + 1:] == [planned]


async def test_the_staff_form_asks_for_the_day_a_person_left(home):
    person = seed(home, "staff", {"name": "海军", "background": "other", "active": True})
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        from fazhi_tui.domain.kinds import KINDS
        from fazhi_tui.ui.helpers import load_form_data

        record, options = load_form_data(app.store, KINDS["staff"], person)
        app.push_screen(RecordFormScreen(KINDS["staff"], record, options))
        await settle(pilot)
        form = app.screen
        assert not form.query_one("#row-end_date").display  # in post: no end date
        form.query_one("#f-active").value = False
        await settle(pilot)
        assert form.query_one("#row-end_date").display
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form and "离岗日期" in str(form.query_one("#err-end_date").render())
        form.query_one("#f-end_date").value = "2026-06-30"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is not form
        saved = app.store.get(KINDS["staff"], person)
        assert (saved["active"], saved["end_date"]) == (0, "2026-06-30")
