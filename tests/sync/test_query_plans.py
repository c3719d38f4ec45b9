"""No import reads a whole table: every query a hub runs while importing a bundle (and while
refusing one it already holds) is answered from an index, so the cost of one import does not
grow with the number of townships the hub already holds (bench/scale.py measures the rate).
Nor does the matrix: it reads each township's records, and of a dated kind only the
year's, by seeking in the (township, deleted_at, date) indexes.

Each statement is captured as SQLite ran it (values bound) and explained with
``EXPLAIN QUERY PLAN``; a plan that scans a table that grows with the hub fails the test.
"""

from __future__ import annotations

import re
import sqlite3

from fazhi_tui.domain.kinds import KINDS
from tests.sync.util import TODAY, TOWN_A, TOWN_B, enrol, export, hub, township

# Tables a hub holds one row of per record, bundle, device or change: they grow with the hub.
GROWING = {*KINDS, "audit_log", "hub_bundle", "hub_device", "sync_conflict", "hub_office", "hub_member"}
# "SCAN t" reads every row; so does "SEARCH t" with no index named (SQLite words a min() or
# max() over an unindexed column that way).
WHOLE = re.compile(r"^(?:SCAN (\w+)|SEARCH (\w+)\b(?! USING))")


def _statements_of(store, work) -> list[str]:
    seen: list[str] = []
    store.conn.set_trace_callback(seen.append)
    try:
        work()
    finally:
        store.conn.set_trace_callback(None)
    return [s for s in seen if s.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE", "WITH"))]


def _scans(conn: sqlite3.Connection, sql: str) -> list[str]:
    plan = conn.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall()
    found = [WHOLE.match(row[-1]) for row in plan]
    return [table for m in found if m for table in [m.group(1) or m.group(2)] if table in GROWING]


def test_imports_and_the_matrix_read_no_whole_table(tmp_path):
    from fazhi_tui.domain.checklist import builtin_rules
    from fazhi_tui.services.checklist import hub_matrix
    from fazhi_tui.sync.hub import import_bundle

    county = hub(tmp_path / "hub")
    usb = tmp_path / "usb"
    towns = [township(tmp_path / code, code) for code in (TOWN_A, TOWN_B)]
    for town in towns:
        enrol(county, town, usb)
    first, second = (export(town, usb, full=True) for town in towns)
    config = county.config
    with county.store() as store:
        assert import_bundle(county.home, config, store, first.path).verdict == "imported"  # the hub is not empty

        def work() -> None:
            assert import_bundle(county.home, config, store, second.path).verdict == "imported"
            assert import_bundle(county.home, config, store, second.path).verdict == "already"

        statements = _statements_of(store, work)
        assert len(statements) > 10
        offenders = {sql: scans for sql in statements if (scans := _scans(store.conn, sql))}
        assert offenders == {}

        def matrix() -> None:
            rows = hub_matrix(store, builtin_rules(), config, year=TODAY.year, on=TODAY).rows
            assert [row.code for row in rows] == [TOWN_A, TOWN_B]

        statements = _statements_of(store, matrix)
        plans = [row[-1] for sql in statements for row in store.conn.execute(f"EXPLAIN QUERY PLAN {sql}")]
        assert any("meeting_township_date (township=? AND deleted_at=? AND date>? AND date<?)" in plan for plan in plans)
        # the matrix has a line per office: reading the list of offices whole is its output
        offenders = {sql: scans for sql in statements if (scans := [t for t in _scans(store.conn, sql) if t != "hub_office"])}
        assert offenders == {}
