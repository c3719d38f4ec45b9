"""The checklist reads only what its rules need (record_needs) and gets the very results
it gets from every live record: for a township, for a hub's matrix, for several years and
dates, with the built-in rules and with rules that use every kind of date limit and link."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from fazhi_tui.base.config import Config
from fazhi_tui.base.paths import resolve_home
from fazhi_tui.domain.checklist import builtin_rules, load_rules, record_needs
from fazhi_tui.domain.kinds import KINDS
from fazhi_tui.services.checklist import _evaluate, hub_matrix, run_checklist
from fazhi_tui.services.demo import build_demo
from fazhi_tui.storage.store import Actor, Store
from tests.conftest import TODAY

CUSTOM = """
version = 1

[[rule]]
id = "rolling-study"
task = "T46"
name = "study in the last 400 days"
type = "count"
kind = "meeting"
where = { kind = "study" }
period = "rolling"
window_days = 400
min = 3

[[rule]]
id = "items-trained-onsite"
task = "T42"
name = "items trained on site this year"
type = "every"
kind = "delegated_item"
where = { status = ["taking", "taken"] }
link = { kind = "training", field = "items", in_period = true, where = { form = "onsite" } }

[[rule]]
id = "staff-trained"
task = "T43"
name = "active staff in a central training, ever"
type = "every"
kind = "staff"
where = { active = true }
link = { kind = "training", field = "staff", where = { form = "central" } }

[[rule]]
id = "hearings-online"
task = "T46"
name = "hearings online"
type = "share"
kind = "hearing"
date_field = "date"
require = { mode = "online" }
target = 50

[[rule]]
id = "items-staffed"
task = "T41"
name = "items with staff"
type = "share"
kind = "delegated_item"
require = { staff = "!empty" }
target = 80

[[rule]]
id = "reports"
task = "T7"
name = "report on time"
type = "deadline"
kind = "annual_report"
deadlines = { sent_on = "02-20" }
"""

LINKS_ONLY = """
version = 1

[[rule]]
id = "T42"
task = "T42"
name = "trained items"
type = "every"
kind = "delegated_item"
link = { kind = "training", field = "items" }

[[rule]]
id = "T46"
task = "T46"
name = "hearing"
type = "every"
kind = "staff"
link = { kind = "hearing", field = "staff_uuid", in_period = true }
"""

RULESETS = {"builtin": builtin_rules(), "custom": load_rules(CUSTOM), "links-only": load_rules(LINKS_ONLY)}
CONFIG = Config(township_code="640302100", township_name="金星镇", operator="张明")


def everything(store: Store) -> dict:
    return {name: store.all_live(kind) for name, kind in KINDS.items()}


@pytest.fixture(scope="module")
def township(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("town")
    build_demo(resolve_home(folder), today=TODAY, years=4, records=1500)
    return folder


def test_needs_of_the_builtin_rules():
    needs = record_needs(builtin_rules(), year=2026, on=TODAY)
    assert needs["meeting"].windows == (("date", "2026-01-01", "2026-12-31"),)
    assert needs["hearing"].windows == (("date", "2026-01-01", "2026-12-31"),)
    assert needs["staff"].windows is None and needs["delegated_item"].windows is None
    # a training counts for T42 only if held by the checklist day: its date is read, and its
    # uuid (a planned one is named in the evidence), so it is not read as bare links
    assert not needs["training"].links_only and needs["training"].columns == ("date", "items")
    assert not needs["meeting"].links_only and not needs["hearing"].links_only
    # a condition "points at a live record" needs every staff record, not only some
    assert "staff" in needs and needs["staff"].windows is None


def test_needs_of_a_link_with_a_condition_or_a_period_are_not_links_only():
    needs = record_needs(RULESETS["custom"], year=2026, on=TODAY)
    assert not needs["training"].links_only  # linked with a condition (form)
    assert needs["training"].windows is None and "form" in needs["training"].columns
    rolling = needs["meeting"].windows
    assert rolling == (("date", (TODAY - dt.timedelta(days=399)).isoformat(), TODAY.isoformat()),)
    assert needs["hearing"].links_only is False and needs["hearing"].windows is not None


@pytest.mark.parametrize("rules", sorted(RULESETS))
@pytest.mark.parametrize("year", [2022, 2023, 2025, 2026, 2027])
def test_township_checklist_equals_the_one_over_every_record(township, rules, year):
    store = Store.open(township / "fazhi.db", township / "backups")
    try:
        for on in (TODAY, dt.date(year, 3, 1), dt.date(year, 12, 31)):
            expected = _evaluate(RULESETS[rules], everything(store), CONFIG, year=year, on=on)
            assert run_checklist(store, RULESETS[rules], CONFIG, year=year, on=on) == expected
    finally:
        store.close()


def test_records_read_are_reduced(township):
    store = Store.open(township / "fazhi.db", township / "backups")
    try:
        needs = record_needs(builtin_rules(), year=2026, on=TODAY)
        meetings = store.live_records(KINDS["meeting"], needs["meeting"].columns, needs["meeting"].windows)
        assert meetings and all(m["date"].startswith("2026") for m in meetings)
        assert len(meetings) < len(store.all_live(KINDS["meeting"]))
        assert set(meetings[0]) == {"uuid", "township", "deleted_at", "date", "head_attendance", "kind", "principal_speaker"}
        trainings = store.live_records(KINDS["training"], ("items",), None, distinct=True)
        assert all(set(t) == {"deleted_at", "items"} for t in trainings)
        assert len({tuple(t["items"]) for t in trainings}) == len(trainings)
    finally:
        store.close()


def build_hub(root: Path) -> Path:
    """One database holding three demo townships, one whose records are all tombstones and
    one whose only live record is a meeting years ago (so outside every window)."""
    hub = root / "hub.db"
    store = Store.open(hub, root / "backups")
    store.close()
    conn = sqlite3.connect(hub)
    for i, code in enumerate(("640302100", "640302101", "640302102")):
        folder = root / code
        build_demo(resolve_home(folder), township=code, today=TODAY, years=3, records=400 + 200 * i)
        conn.execute("ATTACH DATABASE ? AS town", (str(folder / "fazhi.db"),))
        for name in KINDS:
            conn.execute(f"INSERT INTO main.{name} SELECT * FROM town.{name}")
        conn.commit()
        conn.execute("DETACH DATABASE town")
    conn.close()
    store = Store.open(hub, root / "backups")
    try:
        gone = store.insert(KINDS["meeting"], {"kind": "study", "date": "2025-03-01", "title": "删"}, Actor("甲", "640302103"))
        store.tombstone(KINDS["meeting"], gone, Actor("甲", "640302103"))
        store.insert(KINDS["meeting"], {"kind": "study", "date": "2019-03-01", "title": "旧"}, Actor("乙", "640302104"))
    finally:
        store.close()
    return hub


@pytest.mark.parametrize("rules", sorted(RULESETS))
def test_hub_matrix_equals_the_one_over_every_record(tmp_path, rules):
    store = Store.open(build_hub(tmp_path), tmp_path / "backups")
    try:
        grouped: dict[str, dict] = {}
        for name, kind in KINDS.items():
            for record in store.all_live(kind):
                grouped.setdefault(record["township"], {k: [] for k in KINDS})[name].append(record)
        assert set(grouped) == {"640302100", "640302101", "640302102", "640302104"}
        for year in (2025, 2026):
            matrix = hub_matrix(store, RULESETS[rules], CONFIG, year=year, on=TODAY)
            assert [row.code for row in matrix.rows] == sorted(grouped)
            for row in matrix.rows:
                assert row.results == tuple(_evaluate(RULESETS[rules], grouped[row.code], CONFIG, year=year, on=TODAY))
    finally:
        store.close()
