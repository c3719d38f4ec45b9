"""The columns the bundle's check reads are the ones the hub's later steps use in place of
the rows: the forms' check (validate_many's ``columns``), the audit of new records, and the
depth check, which skips the rows the column check accepted. Each gives what it gave
without them (tests/sync/test_bulk_import.py holds the import to the record-by-record one).
"""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fazhi_tui.domain.kinds import KINDS
from fazhi_tui.sync import bundle
from fazhi_tui.sync.errors import BundleRefused
from tests.sync import test_bulk_import
from tests.sync.test_bulk_import import FORM_VALUES, _payload, _PickyLookup, drawn_raws, spoiled_rows
from tests.sync.util import TOWN_A

scenario = test_bulk_import.scenario  # the same bundles (a fixture of this module too)


def _columns_of(kind, rows):
    out = {f.name: [row[f.name] for row in rows] for f in kind.fields}
    out.update({f"{f.name}[]": [json.loads(row[f.name]) for row in rows] for f in kind.fields if f.type == "refs"})
    return out


def test_a_real_bundle_decodes_clean_with_its_columns(scenario):
    payload = _payload(scenario)
    for name, kind in KINDS.items():
        rows = copy.deepcopy(payload["records"].get(name, []))
        expected = bundle.decode_rows(kind, copy.deepcopy(rows), TOWN_A, reuse=True)
        got = bundle.decode_clean_rows(kind, rows, TOWN_A)
        assert got is not None, name
        decoded, columns = got
        assert decoded is rows and repr(decoded) == repr(expected)
        assert {k: list(v) for k, v in columns.items()} == _columns_of(kind, expected), name


def test_rows_without_a_later_field_take_its_default_in_the_columns(scenario):
    rows = copy.deepcopy(_payload(scenario)["records"]["staff"])
    for row in rows:
        row.pop("end_date")
    decoded, columns = bundle.decode_clean_rows(KINDS["staff"], rows, TOWN_A)
    assert list(columns["end_date"]) == [row["end_date"] for row in decoded] == [None] * len(rows)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(data=st.data())
def test_decode_clean_rows_is_decode_rows_or_leaves_the_rows_alone(scenario, data):
    """Whatever a row holds: either the rows decode a column at a time to exactly what
    decode_rows gives, with their columns, or nothing is changed and None is answered."""
    name, rows = spoiled_rows(data, _payload(scenario))
    kind = KINDS[name]
    before = repr(rows)
    try:
        expected = repr(bundle.decode_rows(kind, copy.deepcopy(rows), TOWN_A))
    except BundleRefused:
        expected = None
    got = bundle.decode_clean_rows(kind, rows, TOWN_A)
    if got is None:
        assert repr(rows) == before
        return
    assert expected is not None  # accepted a column at a time: decode_rows accepts it too
    decoded, columns = got
    assert repr(decoded) == expected
    assert {k: list(v) for k, v in columns.items()} == _columns_of(kind, decoded)


def test_the_depth_check_skips_only_rows_known_shallow(scenario):
    payload = copy.deepcopy(_payload(scenario))
    clean = {}
    for name, kind in KINDS.items():
        got = bundle.decode_clean_rows(kind, payload["records"].get(name, []), TOWN_A)
        assert got is not None
        clean[name] = got
    bundle.check_nesting(payload, clean)
    bundle.check_nesting(payload)
    deep: list = []  # MAX_JSON_DEPTH lists deep
    for _ in range(bundle.MAX_JSON_DEPTH - 1):
        deep = [deep]
    for where in ("records", "evidence"):
        hostile = copy.deepcopy(payload)
        if where == "records":
            hostile["records"]["meeting"][0]["title"] = deep  # a kind the column check refused
            clean_now = {k: v for k, v in clean.items() if k != "meeting"}
        else:
            hostile["files"] = deep
            clean_now = clean
        for given_clean in (clean_now, {}):
            with pytest.raises(BundleRefused, match="nests too deeply"):
                bundle.check_nesting(hostile, given_clean)
    shallow = copy.deepcopy(payload)
    shallow["files"] = deep[0]  # one level less: allowed, as before
    bundle.check_nesting(shallow, clean)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(data=st.data())
def test_validate_many_with_columns_finds_what_it_finds_in_the_records(scenario, data):
    """validate_many given the records' columns gives what it gives reading the records
    (which test_bulk_import holds to validate, record by record); and the kinds' column
    rules (validation._QUIET) skip nothing: dates at, before and past each limit."""
    from fazhi_tui.domain.validation import Limits, validate, validate_many

    kind, raws = drawn_raws(data, scenario)
    names = [f.name for f in kind.fields]
    today = dt.date(2026, 11, 28) - dt.timedelta(days=data.draw(st.sampled_from([0, 0, 400, 4000]), label="days back"))
    limits = Limits(future_meeting_days=data.draw(st.sampled_from([366, 0]), label="future days"))
    edges = [(today + dt.timedelta(days=d)).isoformat() for d in (-1, 0, 1, limits.future_meeting_days, limits.future_meeting_days + 1)]
    for _ in range(data.draw(st.integers(0, 6), label="changes")):
        raw = data.draw(st.sampled_from(raws), label="record")
        field_name = data.draw(st.sampled_from(names), label="field")
        pick = data.draw(st.sampled_from([*FORM_VALUES, *edges, *edges, None, ""]), label="value")
        raw[field_name] = list(pick) if isinstance(pick, (list, tuple)) else pick
    lookup = _PickyLookup({"missing-1"}, {None})
    uuids = [raw["uuid"] for raw in raws]

    def run(**extra):
        try:
            return validate_many(kind, raws, today=today, lookup=lookup, uuids=uuids, limits=limits, **extra)
        except Exception as exc:  # noqa: BLE001 - the same failure is as good an answer
            return type(exc)

    columns = [[raw[n] for raw in raws] for n in names]
    got = run(columns=columns)
    assert repr(got) == repr(run())
    if not isinstance(got, type):
        alone = [list(validate(kind, raw, today=today, lookup=lookup, uuid=u, limits=limits).problems.items()) for raw, u in zip(raws, uuids)]
        assert [list(got.get(i, {}).items()) for i in range(len(raws))] == alone


def test_audit_text_of_number_columns_is_json_dumps_text():
    from fazhi_tui.storage.records import insert_changes

    rows = [{"a": a, "b": b} for a, b in zip((1.5, 0, -0.0, 1e-7, 1e16, 12.0), (float("nan"), float("inf"), 1.0, 2, 3.25, -1e300))]
    assert insert_changes(["a", "b"], rows) == [json.dumps({"a": [None, r["a"]], "b": [None, r["b"]]}, ensure_ascii=False) for r in rows]
    fields = [[row["a"] for row in rows], [row["b"] for row in rows]]
    assert insert_changes(["a", "b"], rows, fields) == insert_changes(["a", "b"], rows)


def test_audit_text_of_plain_text_and_whole_number_columns_is_json_dumps_text():
    from fazhi_tui.storage.records import insert_changes

    texts = ["", "拉萨 %s %d %%", "\u2028\x7f\U0001f600", "a'b", "x" * 3000]
    rows = [{"t": t, "n": n, "m": m} for t, n, m in zip(texts, (0, -5, 10**30, 7, 1), (1, 2, 3, 4, True))]
    expected = [json.dumps({c: [None, row[c]] for c in ("t", "n", "m")}, ensure_ascii=False) for row in rows]
    assert insert_changes(["t", "n", "m"], rows) == expected
    for bad in ('"', "\\", "\n", "\x00", "\x1f"):  # a text json.dumps escapes: each value encoded
        rows[2]["t"] = f"a{bad}b"
        assert insert_changes(["t"], rows) == [json.dumps({"t": [None, row["t"]]}, ensure_ascii=False) for row in rows]
