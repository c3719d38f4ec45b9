"""The benchmark suite still runs against the program as it is now (it calls the program's
own functions, which may change): the scale simulation on a dozen townships, and the start
probe on a small demo township. The figures themselves are bench/RESULTS.md's business,
not a test's: these only check that the measuring works and the work measured is right."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from fazhi_tui.base.paths import resolve_home
from fazhi_tui.services.demo import build_demo
from tests.conftest import TODAY

ROOT = Path(__file__).resolve().parent.parent


def _bench(*argv: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *argv], cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def test_the_scale_simulation_imports_every_bundle_it_makes(tmp_path):
    done = _bench("bench/scale.py", "--townships", "12", "--templates", "2", "--work", str(tmp_path), "--json")
    assert done.returncode == 0, done.stderr[-2000:]
    rows = [json.loads(line) for line in done.stdout.split("#BENCH-ROWS", 1)[1].splitlines() if line.startswith("{")]
    first = rows[0]
    assert first["extra"]["townships"] == 12
    assert first["extra"]["matrix_rows"] == 12  # every township imported and in the matrix
    assert first["extra"]["members"] == 12
    assert first["extra"]["records"] > 12 * 100  # a year of records each (live ones, at the hub)
    assert all(row["median"] > 0 for row in rows)
    assert any(row["what"].startswith("EXTRAPOLATED to 38000") for row in rows)
    assert not (tmp_path / "scale-12").exists()  # the hub and the bundles are removed afterwards


def test_the_start_probe_sees_the_home_screen_with_its_counts(tmp_path):
    build_demo(resolve_home(tmp_path / "town"), township="640302100", today=TODAY, records=200)
    conn = sqlite3.connect(tmp_path / "town" / "fazhi.db")
    meetings = conn.execute("SELECT count(*) FROM meeting WHERE deleted_at IS NULL").fetchone()[0]
    conn.close()
    # the meetings' count as the home screen shows it: counted by the probe, or given (start_bench.py)
    for argv in (["bare"], ["fazhi", str(tmp_path / "town")], ["fazhi", str(tmp_path / "town"), f"--marker={meetings} 条"]):
        done = _bench("bench/apps/start_probe.py", *argv, "--modules", timeout=120)
        assert done.returncode == 0, done.stderr[-2000:]
        lines = done.stdout.splitlines()
        assert "READY" in lines
        modules = json.loads(lines[lines.index("READY") + 1])
        assert "textual" in modules
        if argv[0] == "fazhi":
            # the first screen does not load what only the sync, catalog and report screens need
            assert not [m for m in modules if m.split(".")[0] in ("openpyxl", "cryptography")]
            assert "fazhi_tui.sync.hub" not in modules
            # the probe starts the program through its command line, which opens the interface
            # without click, a subcommand or the hub's services (issue 20)
            assert "fazhi_tui.cli.start" in modules
            assert not {"click", "fazhi_tui.cli.root", "fazhi_tui.cli.hub", "fazhi_tui.services.hub"} & set(modules)


def test_the_import_reference_writes_exactly_what_the_import_wrote(tmp_path):
    """bench/sync_bench.py's reference for the hub import (issue 20): every row the import
    added, written again by plain executemany into an empty copy of the hub's schema."""
    import shutil
    import sqlite3

    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import common
        import sync_bench
    finally:
        sys.path.remove(str(ROOT / "bench"))
    from fazhi_tui.domain.kinds import KINDS
    from fazhi_tui.sync.export import export_up
    from fazhi_tui.sync.hub import import_bundle

    town = common.build_township(tmp_path / "town", common.TOWNSHIP, years=1, records=None)
    hub = common.make_hub(tmp_path / "hub")
    common.enrol(hub, town, common.TOWNSHIP, tmp_path / "usb")
    home, config, store = common.office(town)
    try:
        bundle = export_up(home, config, store, tmp_path / "usb", full=True)
    finally:
        store.close()
    after = tmp_path / "after"
    shutil.copytree(hub, after)
    home, config, store = common.office(after)
    try:
        assert import_bundle(home, config, store, bundle.path).verdict == "imported"
    finally:
        store.close()

    rows = sync_bench.added_rows(hub, after)
    assert len(rows["audit_log"][1]) >= bundle.records  # an audit row per record at least
    assert sum(len(rows[name][1]) for name in KINDS if name in rows) == bundle.records  # every record, once
    schema, pragmas, seed = sync_bench.hub_schema(hub)
    assert "hub_member" in seed and pragmas["foreign_keys"] == 1
    assert any(s.startswith("CREATE INDEX") for s in schema)
    # written into an empty copy: the same rows, and foreign keys hold at the commit
    plain = tmp_path / "plain"
    plain.mkdir()
    wall, cpu = sync_bench.plain_executemany(plain, schema, pragmas, seed, rows)  # (wall, CPU) seconds
    assert wall > 0 and cpu > 0
    assert not list(plain.glob("plain.db*"))  # each repetition starts from an empty file
    conn = sqlite3.connect(after / "fazhi.db")
    try:
        assert conn.execute("SELECT count(*) FROM audit_log").fetchone()[0] == len(rows["audit_log"][1])
    finally:
        conn.close()


def test_the_old_pc_neighbour_is_pinned_to_the_core_and_busy(tmp_path):
    """bench/oldpc_bench.py: the neighbour process runs on the one core the benchmark is pinned to."""
    import os
    import shutil
    import time

    import pytest

    if shutil.which("taskset") is None or not hasattr(os, "sched_getaffinity"):
        pytest.skip("pinning needs Linux's taskset")
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import oldpc_bench
    finally:
        sys.path.remove(str(ROOT / "bench"))
    assert oldpc_bench.pin_prefix(0, pinned=True) == []
    neighbour = oldpc_bench.start_neighbour(oldpc_bench.pin_prefix(0, pinned=False))
    try:
        time.sleep(0.5)
        assert neighbour.poll() is None
        assert oldpc_bench.affinity(neighbour.pid) == "0"
        with open(f"/proc/{neighbour.pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        assert int(fields[11]) + int(fields[12]) > 0  # utime + stime: it has been spinning
    finally:
        neighbour.kill()
        neighbour.wait()


def test_the_scale_floor_writes_the_same_rows_with_sqlite_alone(tmp_path):
    """bench/scale_floor.py (issue 20): the bundles imported at a grown hub, then the rows
    they inserted written again by plain executemany into a copy of the same hub."""
    done = _bench("bench/scale_floor.py", "--townships", "6", "--last", "3", "--work", str(tmp_path), "--variants")
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout
    assert "hub of 6 townships, the last 3 bundles" in out
    rows = int(out.split("bundles (", 1)[1].split(" rows", 1)[0])
    assert rows > 100  # a year of records and their audit rows, at least
    for line in ("import_bundle", "SQLite alone (floor)", "one COMMIT per 50 bundles", "without the *_list indexes"):
        assert line in out
    assert not list((tmp_path / "scale-profile-6").glob("hub-floor-*"))  # the copies are removed
