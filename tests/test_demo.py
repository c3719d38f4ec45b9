"""The demo township: size, determinism, validity, and the cases the checklist should show."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from fazhi_tui.base.config import Config, load_config, save_config
from fazhi_tui.base.paths import resolve_home
from fazhi_tui.domain.kinds import KIND_ORDER, KINDS
from fazhi_tui.domain.validation import validate
from fazhi_tui.services.demo import DemoError, build_demo
from fazhi_tui.storage.store import Store

TODAY = dt.date(2026, 11, 27)
YEAR = TODAY.year


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    home = resolve_home(tmp_path_factory.mktemp("demo"))
    summary = build_demo(home, today=TODAY)
    store = Store.open(home.database, home.backups)
    yield home, summary, store
    store.close()


def rows(store: Store, sql: str, *params) -> list[dict]:
    return [dict(r) for r in store.conn.execute(sql, params).fetchall()]


def snapshot(folder: Path) -> dict[str, tuple[int, int, str]]:
    """Every file under ``folder``: size, modification time and content hash."""
    return {
        str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns, hashlib.sha256(p.read_bytes()).hexdigest())
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


# -- size and bookkeeping ------------------------------------------------------------------


def test_a_few_hundred_records_with_config(demo):
    home, summary, store = demo
    total = sum(store.conn.execute(f"SELECT count(*) FROM {k.name}").fetchone()[0] for k in KIND_ORDER)
    assert summary.records == total
    assert 200 <= total <= 600
    assert (summary.code, summary.name) == ("640302100", "金星镇")
    config = load_config(home.config)
    assert config is not None
    assert (config.township_code, config.township_name) == ("640302100", "金星镇")
    assert (config.county_code, config.county_name) == ("640302", "利通区")
    assert config.operator == "张明"
    live = store.counts()
    assert live["staff"] >= 10 and live["delegated_item"] >= 20 and live["service_item"] >= 15
    assert live["meeting"] >= 80 and live["training"] >= 20 and live["hearing"] >= 30


def test_system_columns_and_audit_rows(demo):
    home, summary, store = demo
    tombstones = 0
    for kind in KIND_ORDER:
        for row in rows(store, f"SELECT * FROM {kind.name}"):
            assert row["township"] == "640302100"
            assert row["device_id"] == store.device_id
            assert row["created_at"] and row["updated_at"] >= row["created_at"]
            trail = store.audit_trail(row["uuid"])
            assert trail[0]["action"] == "insert" and trail[0]["operator"] == "张明"
            assert trail[0]["table_name"] == kind.name
            if row["deleted_at"] is None:
                assert row["rev"] == 1 and len(trail) == 1
            else:
                tombstones += 1
                assert row["rev"] == 2
                assert [t["action"] for t in trail] == ["insert", "delete"]
                assert trail[1]["changes"] == {"deleted_at": [None, row["deleted_at"]]}
    assert tombstones >= 3
    inserts = store.conn.execute("SELECT count(*) FROM audit_log WHERE action = 'insert'").fetchone()[0]
    assert inserts == summary.records


def test_every_live_record_revalidates_unchanged(demo):
    _, _, store = demo
    for kind in KIND_ORDER:
        for record in store.all_live(kind):
            raw = {f.name: record[f.name] for f in kind.fields}
            result = validate(kind, raw, today=TODAY, lookup=store, uuid=record["uuid"])
            assert result.ok, (kind.name, raw, result.problems)
            assert result.values == raw, kind.name


def test_no_date_after_today(demo):
    _, _, store = demo
    for kind in KIND_ORDER:
        dates = [f.name for f in kind.fields if f.type == "date" and f.name != "cert_expiry"]
        for row in rows(store, f"SELECT * FROM {kind.name}"):
            for name in dates:
                if row[name]:
                    assert dt.date.fromisoformat(row[name]) <= TODAY, (kind.name, name, row[name])


def test_covers_the_requested_years(demo):
    _, _, store = demo
    years = {r["y"] for r in rows(store, "SELECT DISTINCT substr(date, 1, 4) AS y FROM meeting")}
    assert years == {"2024", "2025", "2026"}


# -- what the checklist should find ----------------------------------------------------------


def live_meetings(store: Store, kind: str, year: int) -> list[dict]:
    return rows(
        store,
        "SELECT * FROM meeting WHERE deleted_at IS NULL AND kind = ? AND substr(date, 1, 4) = ?",
        kind,
        str(year),
    )


def test_meetings_mix_met_and_unmet(demo):
    _, _, store = demo
    for year in (YEAR - 2, YEAR - 1, YEAR):
        assert len(live_meetings(store, "deploy", year)) >= 1
        assert len(live_meetings(store, "admin", year)) >= 18
    # The year is not over: fewer than four law-study sessions so far, one lecture.
    assert 1 <= len(live_meetings(store, "study", YEAR)) < 4
    assert len(live_meetings(store, "lecture", YEAR)) < 2
    assert any(len(live_meetings(store, "study", y)) >= 4 for y in (YEAR - 2, YEAR - 1))
    titles = [m["title"] for m in live_meetings(store, "study", YEAR)]
    assert all("会前学法：《" in t for t in titles)


def test_judicial_head_attended_one_meeting_only_partly(demo):
    _, _, store = demo
    admin = live_meetings(store, "admin", YEAR)
    partial = [m for m in admin if m["head_attendance"] == "partial"]
    assert len(partial) == 1 and partial[0]["head_absence_reason"]
    assert all(m["head_attendance"] == "full" for m in admin if m not in partial)
    last_year = live_meetings(store, "admin", YEAR - 1)
    assert any(m["head_attendance"] == "absent" and m["head_absence_reason"] for m in last_year)
    others = rows(store, "SELECT * FROM meeting WHERE kind <> 'admin'")
    assert all(m["head_attendance"] is None for m in others)


def test_certificates_expired_and_expiring(demo):
    _, _, store = demo
    officers = rows(store, "SELECT * FROM staff WHERE deleted_at IS NULL AND active = 1 AND enforcement = 1")
    expiries = [dt.date.fromisoformat(s["cert_expiry"]) for s in officers if s["cert_expiry"]]
    assert any(TODAY < e <= TODAY + dt.timedelta(days=90) for e in expiries)
    assert any(e < TODAY for e in expiries)
    assert any(e > TODAY + dt.timedelta(days=90) for e in expiries)
    numbers = [s["cert_no"] for s in rows(store, "SELECT cert_no FROM staff WHERE cert_no <> ''")]
    assert len(numbers) == len(set(numbers))


def test_staff_backgrounds(demo):
    _, _, store = demo
    active = rows(store, "SELECT * FROM staff WHERE deleted_at IS NULL AND active = 1 AND rule_of_law = 1")
    backgrounds = [s["background"] for s in active]
    assert backgrounds.count("other") >= 1
    assert backgrounds.count("law_degree") + backgrounds.count("law_work") > len(backgrounds) / 2
    assert rows(store, "SELECT * FROM staff WHERE active = 0"), "someone has left"
    assert rows(store, "SELECT * FROM staff WHERE name = '张明'")


def test_delegated_items(demo):
    _, _, store = demo
    items = store.all_live(KINDS["delegated_item"])
    assert all(i["code"].startswith("XF-") for i in items)
    statuses = {i["status"] for i in items}
    assert statuses == {"taking", "taken", "deferred", "withdrawn"}
    assert any(i["status"] == "taken" and not i["staff"] for i in items)
    assert sum(1 for i in items if i["status"] == "taken" and i["staff"]) >= 10
    assert all(i["status_reason"] for i in items if i["status"] in ("deferred", "withdrawn"))
    departments = {i["department"] for i in items}
    assert {"区市场监管局", "区自然资源局", "区住建局", "区农业农村局"} <= departments


def test_trainings_link_items_and_staff(demo):
    _, _, store = demo
    trainings = store.all_live(KINDS["training"])
    covered = {u for t in trainings for u in t["items"]}
    assert any(t["items"] and t["staff"] for t in trainings)
    assert {t["form"] for t in trainings} == {"central", "onsite", "joint", "online"}
    active = [i for i in store.all_live(KINDS["delegated_item"]) if i["status"] in ("taking", "taken")]
    untrained = [i for i in active if i["uuid"] not in covered]
    assert len(untrained) == 1
    # A training covers only items already delegated on its date.
    delegated_on = {i["uuid"]: i["delegated_on"] for i in store.all_live(KINDS["delegated_item"])}
    assert all(delegated_on[u] <= t["date"] for t in trainings for u in t["items"])


def test_hearings_per_person(demo):
    _, _, store = demo
    active = rows(store, "SELECT uuid, start_date FROM staff WHERE deleted_at IS NULL AND active = 1")
    heard = {
        r["staff_uuid"]
        for r in rows(store, "SELECT staff_uuid FROM hearing WHERE deleted_at IS NULL AND substr(date, 1, 4) = ?", str(YEAR))
    }
    missing = [s for s in active if s["uuid"] not in heard]
    assert len(missing) == 1
    for hearing in rows(store, "SELECT h.date, s.start_date FROM hearing h JOIN staff s ON s.uuid = h.staff_uuid"
                               " WHERE h.deleted_at IS NULL"):
        assert hearing["start_date"] <= hearing["date"]
    assert all("法院" in r["court"] for r in rows(store, "SELECT court FROM hearing"))


def test_annual_reports(demo):
    _, _, store = demo
    reports = {r["year"]: r for r in store.all_live(KINDS["annual_report"])}
    assert set(reports) == {YEAR - 2, YEAR - 1}
    assert reports[YEAR - 1]["sent_on"] > f"{YEAR}-02-20"  # late
    assert reports[YEAR - 2]["sent_on"] <= f"{YEAR - 1}-02-20"


def test_service_items(demo):
    _, _, store = demo
    services = store.all_live(KINDS["service_item"])
    assert len(services) >= 15
    for flag in ("guide_published", "procedure_done", "handled_locally"):
        assert {s[flag] for s in services} == {True, False}


# -- determinism, refusal, options -----------------------------------------------------------


def normalised(folder: Path) -> dict[str, list[dict]]:
    """The content of every table with uuids replaced by (kind, position) and clocks dropped."""
    conn = sqlite3.connect(folder / "fazhi.db")
    conn.row_factory = sqlite3.Row
    tables = {k.name: [dict(r) for r in conn.execute(f"SELECT * FROM {k.name} ORDER BY rowid")] for k in KIND_ORDER}
    conn.close()
    names = {row["uuid"]: f"{kind}#{i}" for kind, table in tables.items() for i, row in enumerate(table)}
    out = {}
    for kind, table in tables.items():
        out[kind] = []
        for row in table:
            clean = {k: v for k, v in row.items() if k not in ("uuid", "created_at", "updated_at", "device_id", "sync_stamp")}
            clean["deleted_at"] = clean["deleted_at"] is not None
            for f in KINDS[kind].fields:
                if f.type == "refs":
                    clean[f.name] = [names[u] for u in json.loads(clean[f.name])]
                elif f.type == "ref":
                    clean[f.name] = names[clean[f.name]]
            out[kind].append(clean)
    return out


def test_deterministic_for_a_seed(tmp_path):
    first = build_demo(resolve_home(tmp_path / "a"), today=TODAY)
    second = build_demo(resolve_home(tmp_path / "b"), today=TODAY)
    build_demo(resolve_home(tmp_path / "c"), today=TODAY, seed=7)
    assert first == second
    assert normalised(tmp_path / "a") == normalised(tmp_path / "b")
    assert normalised(tmp_path / "a") != normalised(tmp_path / "c")
    assert (tmp_path / "a" / "config.toml").read_text() == (tmp_path / "b" / "config.toml").read_text()


def test_refuses_a_home_with_a_database(tmp_path):
    home = resolve_home(tmp_path)
    build_demo(home, today=TODAY)
    before = snapshot(tmp_path)
    with pytest.raises(DemoError):
        build_demo(home, today=TODAY)
    assert snapshot(tmp_path) == before


def test_refuses_a_home_with_only_a_config(tmp_path):
    home = resolve_home(tmp_path)
    save_config(home.config, Config(township_code="640302101", township_name="某镇"))
    before = snapshot(tmp_path)
    with pytest.raises(DemoError):
        build_demo(home, today=TODAY)
    assert snapshot(tmp_path) == before
    assert not home.database.exists()


def test_other_township_code(tmp_path):
    summary = build_demo(resolve_home(tmp_path), township="640381101000", today=TODAY)
    assert summary.code == "640381101"
    config = load_config(tmp_path / "config.toml")
    assert config.township_code == "640381101" and config.county_code == "640381"
    assert config.township_name == summary.name and summary.name.startswith("示范镇")
    assert config.county_name == "青铜峡市"


def test_bad_township_code_writes_nothing(tmp_path):
    with pytest.raises(ValueError):
        build_demo(resolve_home(tmp_path / "h"), township="123", today=TODAY)
    assert not (tmp_path / "h").exists()


def test_records_option_scales_the_township(tmp_path):
    summary = build_demo(resolve_home(tmp_path), years=10, records=5000, today=TODAY)
    assert 4000 <= summary.records <= 6000
    conn = sqlite3.connect(tmp_path / "fazhi.db")
    try:
        total = sum(conn.execute(f"SELECT count(*) FROM {k.name}").fetchone()[0] for k in KIND_ORDER)
        first = conn.execute("SELECT min(date) FROM meeting").fetchone()[0]
        audit = conn.execute("SELECT count(*) FROM audit_log WHERE action = 'insert'").fetchone()[0]
    finally:
        conn.close()
    assert total == summary.records == audit
    assert first.startswith(str(YEAR - 9))


def test_early_in_the_year_nothing_lies_ahead(tmp_path):
    today = dt.date(2026, 1, 10)
    build_demo(resolve_home(tmp_path), today=today)
    store = Store.open(tmp_path / "fazhi.db", tmp_path / "backups")
    try:
        for kind in KIND_ORDER:
            for name in (f.name for f in kind.fields if f.type == "date" and f.name != "cert_expiry"):
                latest = store.conn.execute(f"SELECT max({name}) FROM {kind.name}").fetchone()[0]
                assert latest is None or latest <= today.isoformat()
        years = [r[0] for r in store.conn.execute("SELECT year FROM annual_report")]
        assert 2025 not in years  # last year's report is not due yet, so not written
    finally:
        store.close()
