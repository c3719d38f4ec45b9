"""The round trip of any text (hypothesis): whatever a township's database holds in a record's
text fields, and whatever a county pastes into its catalog, travels township → bundle → hub →
screens (the hub's evidence, the township's lists), every report format and the down-bundle
without a crash, without a control byte in the terminal output or the xlsx, and shows as
its cleaned self (base/text.py).

Strings are drawn from all of Unicode, with the characters that did harm weighted in: ESC,
NUL, C1, bidi overrides, line and paragraph separators, vertical tab, markup brackets.
"""

from __future__ import annotations

import asyncio
import json

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from fazhi_tui.base.text import clean_text, is_clean, visible
from fazhi_tui.domain.kinds import KINDS
from fazhi_tui.services.catalog_import import parse_catalog, store_catalog
from fazhi_tui.services.checklist import evidence_labels, hub_matrix, load_active_rules, run_checklist
from fazhi_tui.services.checklist_report import FORMATS, ReportHeader, render, status_text
from fazhi_tui.services.hub_report import REPORT_FORMATS, write_report
from fazhi_tui.ui.format import cell_text
from fazhi_tui.ui.screens.checklist import EvidenceScreen
from fazhi_tui.ui.screens.matrix import FIXED_COLUMNS, MatrixScreen
from fazhi_tui.ui.screens.record_list import RecordListScreen
from tests.hardening.helpers import COUNTY, TODAY, TOWN_A, copy_world, export, hub_import, query
from tests.hardening.screens import EVIL_TITLE, MARKUP_TITLE, assert_harmless, harmful, xlsx_strings
from tests.hardening.test_text_controls import evil_meeting
from tests.sync.util import down, down_file, hub_publish
from tests.ui.conftest import make_app, press_settled, settle

SPECIAL = list("\x1b\x00\x07\x0b\x0c\r\n\t\x85\x9b\x7f\u202e\u2066\u200b\u200d\ufeff\u2028\u2029\ufffe[]/=") + ["[/]", "[link=x]"]
# Pieces of any Unicode text and of the special ones, joined.
TEXT = st.lists(st.one_of(st.text(max_size=8), st.sampled_from(SPECIAL)), max_size=8).map("".join)
SIZE = (120, 30)


def _no_harm(text: str, allowed: str = "\n") -> bool:
    return not any(harmful(ch) and ch not in allowed for ch in text)


def _catalog(hub, name: str, basis: str):
    """The county pastes an item whose name and legal basis are the drawn text."""
    rows = [
        (1, ["事项编码", "事项名称", "权力类型", "实施依据", "实施部门", "下放方式", "乡镇"]),
        (2, ["PROP-001", name, "行政处罚", basis, "综合执法局", "赋权", "全部"]),
    ]
    preview = parse_catalog(rows, {TOWN_A})
    for item in preview.good:
        assert is_clean(item.name) and is_clean(item.legal_basis, multiline=True)
    with hub.store() as store:
        store_catalog(store, preview)
    return preview.good[0] if preview.good else None


async def _hub_screens(hub, record: str, label: str) -> None:
    app = make_app(hub.home)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert_harmless(app, "hub")
        await press_settled(pilot, "m")
        screen = app.screen
        assert isinstance(screen, MatrixScreen)
        row = [r.code for r in screen.matrix.rows].index(TOWN_A)
        column = FIXED_COLUMNS + [rule.id for rule in screen.matrix.rules].index("T40-deploy")
        table = screen.query_one("DataTable")
        table.cursor_coordinate = table.cursor_coordinate._replace(row=row, column=column)
        await press_settled(pilot, "enter")
        evidence = app.screen
        assert isinstance(evidence, EvidenceScreen) and record in evidence.result.proving
        assert_harmless(app, "evidence")
        options = evidence.query_one("OptionList")
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert f"{status_text('met')}  {label}" in prompts  # the record as its cleaned self


async def _township_screens(office, record: str, raw: str, item_name: str | None) -> None:
    app = make_app(office.home)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await press_settled(pilot, "1")
        screen = app.screen
        assert isinstance(screen, RecordListScreen) and screen.table.current_row["uuid"] == record
        assert_harmless(app, "meetings")
        # The township's own (hostile) database holds the raw text: shown harmless, not cleaned away.
        assert visible(cell_text(KINDS["meeting"], "title", screen.table.current_row)) == visible(raw)
        await press_settled(pilot, "3")
        assert isinstance(app.screen, RecordListScreen) and app.screen.kind.name == "delegated_item"
        assert_harmless(app, "delegated items")


@settings(max_examples=6, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXT, catalog_name=TEXT)
@example(text=EVIL_TITLE, catalog_name=MARKUP_TITLE + "\x0b" + EVIL_TITLE)
@example(text="第一行\x0b第二行\r\n\u2028[/]", catalog_name="")
def test_any_text_survives_the_round_trip_harmless_and_as_its_cleaned_self(world_template, tmp_path_factory, text, catalog_name):
    w = copy_world(world_template, tmp_path_factory.mktemp("text-property") / "w")
    record = evil_meeting(w.a, title=text, notes=text)

    # township → bundle → hub: stored clean
    outcome = hub_import(w.hub, export(w.a, w.usb).path)
    assert outcome.verdict == "imported", outcome.error
    ((title, notes),) = query(w.hub.db, "SELECT title, notes FROM meeting WHERE uuid = ?", (record,))
    assert (title, notes) == (clean_text(text), clean_text(text, multiline=True))
    label = clean_text(" ".join(part for part in ("2026-11-27", title) if part))

    # every report format at the hub
    with w.hub.store() as store:
        ruleset = load_active_rules(w.hub.home).ruleset
        matrix = hub_matrix(store, ruleset, w.hub.config, year=TODAY.year, on=TODAY)
        labels = evidence_labels(store, [r for row in matrix.rows for r in row.results])
        results = run_checklist(store, ruleset, w.hub.config, year=TODAY.year, on=TODAY, township=TOWN_A)
    assert labels[record] == label
    reports = w.root / "reports"
    reports.mkdir()
    for fmt in REPORT_FORMATS:
        path = reports / f"hub.{fmt}"
        write_report(path, fmt, matrix, {"level": "county", "code": COUNTY, "name": "利通区"}, labels)
        if fmt == "xlsx":
            cells = xlsx_strings(path)
            assert all(_no_harm(c, "\n\t") for c in cells)
            assert label in cells
        else:
            data = path.read_bytes().decode("utf-8-sig")
            assert _no_harm(data, "\r\n")
            if fmt == "json":
                json.loads(data)
    header = ReportHeader(TOWN_A, "金星镇", TODAY.year, TODAY, "builtin")
    for fmt in FORMATS:
        out = render(fmt, results, header, labels)
        assert _no_harm(out), fmt
        if fmt == "text":
            assert f"- {label}" in out.splitlines()

    # the county's catalog, pasted, and the down-bundle to the township
    item = _catalog(w.hub, catalog_name, catalog_name)
    assert hub_publish(w.hub, w.usb)
    result = down(w.a, down_file(w.usb, TOWN_A))
    assert result.verdict == "imported", result.error
    if item is not None:
        ((name, basis),) = query(w.a.db, "SELECT name, legal_basis FROM delegated_item WHERE code = ?", (item.code,))
        assert (name, basis) == (item.name, item.legal_basis)

    # the screens: the hub's evidence, the township's lists
    asyncio.run(_hub_screens(w.hub, record, label))
    asyncio.run(_township_screens(w.a, record, text, item.name if item else None))
