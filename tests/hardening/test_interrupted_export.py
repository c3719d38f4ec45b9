"""2. An interrupted export never leaves a file an import accepts in part, and the township
can always export again.

The exporter runs in a child process killed at many points — at SQL statements, at the
Python calls between the bundle's write, its flush to disk and its rename (profile
events, every file-system call among them), and at random moments. Finished bundles are
cut short at many offsets. After each: every ``*.fzb`` file on the stick is a whole
bundle the hub imports; no other file is ever a candidate (the hub's folder import lists
``fazhi-up-*.fzb``, a left-over ``.tmp`` is not picked up, and is refused if given by
name); the township's export log is consistent with the stick, and its next export works
and reaches the hub.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from fazhi_tui.sync.export import export_up
from fazhi_tui.sync.hub import import_bundle
from tests.hardening.cases import tried
from tests.hardening.helpers import (
    TOWN_A,
    World,
    copy_world,
    dump,
    export,
    files,
    hub_import,
    in_child,
    integrity,
    kind_counts,
    query,
    spread,
)


def export_step(w: World, usb: Path):
    def step():
        with w.a.store() as store:
            return export_up(w.a.home, w.a.config, store, usb).path.name

    return step


def hub_folder_candidates(usb: Path) -> list[Path]:
    """What the hub screen's folder import picks up (fazhi_tui/ui/screens/hub.py)."""
    return sorted(usb.glob("fazhi-up-*.fzb"))


def check_after_interruption(w: World, usb: Path, whole_counts: dict[str, int]) -> str:
    """The stick and the township's log agree; every candidate imports whole; the next
    export works and is imported. Returns what the interruption left."""
    assert integrity(w.a.db) == "ok"
    log = query(w.a.db, "SELECT seq, file_name FROM export_log ORDER BY seq")
    names = {p.name for p in usb.iterdir()}
    bundles = sorted(n for n in names if n.endswith(".fzb"))
    leftovers = sorted(n for n in names if not n.endswith(".fzb"))
    assert all(n.startswith(".fazhi-up-") and n.endswith(".tmp") for n in leftovers), leftovers
    # A file with the bundle's name always has its row in the log (a row may have no file:
    # stopped after the commit, before the rename: its number is skipped, nothing is lost).
    assert set(bundles) <= {name for _, name in log}
    assert [seq for seq, _ in log] == list(range(1, len(log) + 1))
    for leftover in leftovers:  # given to the hub by name, a .tmp is refused
        outcome = hub_import(w.hub, usb / leftover)
        assert outcome.verdict == "refused" and outcome.error is not None
    before = dump(w.hub.db)
    for path in hub_folder_candidates(usb):
        assert path.name in bundles
        outcome = hub_import(w.hub, path)
        assert outcome.verdict == "imported", outcome.error
        assert kind_counts(w.hub.db, TOWN_A) == whole_counts
    if not bundles:
        assert dump(w.hub.db) == before
    # the township exports again; the hub takes it; nothing is missing at the hub
    again = export(w.a, usb)
    assert again.seq == len(log) + 1
    outcome = hub_import(w.hub, again.path)
    assert outcome.verdict == "imported", outcome.error
    assert kind_counts(w.hub.db, TOWN_A) == whole_counts
    assert integrity(w.hub.db) == "ok"
    if bundles:
        return "whole"
    return "tmp left" if leftovers else "nothing"


@pytest.fixture(scope="module")
def whole_counts(world_template):
    return kind_counts(world_template.a.db)


def fresh(world_template, root: Path) -> tuple[World, Path]:
    w = copy_world(world_template, root)
    stick = w.root / "stick"
    stick.mkdir()
    return w, stick


def test_export_killed_at_sql_statements_and_python_calls(world_template, tmp_path, whole_counts):
    probe, stick = fresh(world_template, tmp_path / "probe")
    finished = in_child(export_step(probe, stick), profile=True)
    assert finished.result.startswith("fazhi-up-")
    total_sql, total_events = finished.sql, finished.events
    # every file-system call of the export, just before it and just after it
    watched = sorted({n for at, _ in finished.marks for n in (at, at + 1, at + 2)})
    names = {name for _, name in finished.marks}
    assert {"open", "write", "fsync", "replace"} <= names, names
    plans = [("sql", n) for n in spread(total_sql, 15, tail=4)]
    # up to the last file-system call: a run can make a few calls fewer than the probe at its
    # very end (after the bundle is in place), so a point there might never be reached
    plans += [("event", n) for n in spread(min(total_events, max(watched)), 25)]
    plans += [("event", n) for n in watched]
    left = {"whole": 0, "tmp left": 0, "nothing": 0}
    for index, (how, n) in enumerate(plans):
        w, stick = fresh(world_template, tmp_path / f"k{index}")
        child = in_child(export_step(w, stick), **({"kill_at_sql": n} if how == "sql" else {"kill_at_event": n}))
        assert child.killed, (how, n, total_sql, total_events, child.sql, child.events)
        left[check_after_interruption(w, stick, whole_counts)] += 1
        shutil.rmtree(w.root)
        tried("export killed at an SQL statement or a Python call")
    assert all(left.values()), left  # every kind of leftover was met


def test_export_killed_at_random_moments(world_template, tmp_path, whole_counts):
    rng = random.Random(2)
    for i in range(12):
        w, stick = fresh(world_template, tmp_path / f"r{i}")
        in_child(export_step(w, stick), kill_after=rng.uniform(0, 0.05))
        check_after_interruption(w, stick, whole_counts)
        shutil.rmtree(w.root)
        tried("export killed at a random moment")


def test_bundles_cut_short_are_refused_and_write_nothing(world_template, tmp_path, whole_counts):
    """A stick pulled out while the file was being copied to it: any prefix of the file."""
    w = copy_world(world_template, tmp_path / "w")
    data = w.bundle.read_bytes()
    offsets = sorted(set(spread(len(data) - 1, 70) + list(range(len(data) - 40, len(data))) + list(range(0, 40, 3))))
    before = dump(w.hub.db)
    with w.hub.store() as store:
        for offset in offsets:
            cut = w.root / "usb" / "fazhi-up-cut.fzb"
            cut.write_bytes(data[:offset])
            outcome = import_bundle(w.hub.home, w.hub.config, store, cut)
            assert outcome.verdict == "refused", offset
            assert outcome.error is not None and outcome.error.key in (
                "err.bundle_damaged",
                "err.bundle_not_bundle",
                "err.bundle_tampered",
            ), (offset, outcome.error.key)
            tried("bundle cut short")
    assert dump(w.hub.db) == before
    assert files(w.hub.root / "archive") == {}
    assert hub_import(w.hub, w.bundle).verdict == "imported"
    assert kind_counts(w.hub.db, TOWN_A) == whole_counts


# -- an export split into parts by its evidence files ------------------------------------------

SPLIT_AT = 512 * 1024  # the "small stick" of these runs: three scans of 300 KB make 3 parts


@pytest.fixture(scope="module")
def files_template(world_template, tmp_path_factory):
    """The world with three scans of 300 KB attached at township A (the hub has none)."""
    from fazhi_tui.services.evidence import attach_files
    from tests.evidence.samples import tiny_pdf
    from tests.sync.util import live_uuids

    w = copy_world(world_template, tmp_path_factory.mktemp("hardening-files") / "w")
    scans = w.root / "scans"
    scans.mkdir()
    paths = []
    for i in range(3):
        path = scans / f"扫描{i}.pdf"
        path.write_bytes(tiny_pdf(f"scan {i}") + random.Random(i).randbytes(300 * 1024))
        paths.append(path)
    record = live_uuids(w.a, "meeting")[0]
    with w.a.store() as store:
        attach_files(w.a.home, w.a.config, store, record, paths)
    return w


def split_step(w: World, usb: Path):
    def step():
        with w.a.store() as store:
            return len(export_up(w.a.home, w.a.config, store, usb, max_bytes=SPLIT_AT).parts)

    return step


def held_files(root: Path) -> set[str]:
    return {p.stem for p in (root / "files").glob("??/*.bin")}


def check_split_after_interruption(w: World, usb: Path, whole_counts: dict[str, int]) -> str:
    """Only hidden .tmp files are left besides whole parts; each part on the stick imports
    whole, in any order (a files part alone writes no record); the township's next export
    goes through, and with it the hub holds every record and every scan."""
    assert integrity(w.a.db) == "ok"
    names = sorted(p.name for p in usb.iterdir())
    leftovers = [n for n in names if not n.endswith(".fzb")]
    assert all(n.startswith(".fazhi-up-") and n.endswith(".tmp") for n in leftovers), leftovers
    parts = hub_folder_candidates(usb)
    for path in reversed(parts):  # the files parts first: the harder order
        outcome = hub_import(w.hub, path)
        assert outcome.verdict in ("imported", "already"), (path.name, outcome.error)
    if any(p.name.endswith("-1of3.fzb") for p in parts):
        assert kind_counts(w.hub.db, TOWN_A) == whole_counts
    again = export(w.a, usb, max_bytes=SPLIT_AT)
    for path in (again.parts or (again.path,)):
        outcome = hub_import(w.hub, path)
        # a files part whose scans came with the interrupted run's parts: nothing to copy
        assert outcome.verdict == "imported" or (path != again.path and outcome.verdict == "already"), (path.name, outcome.error)
    assert kind_counts(w.hub.db, TOWN_A) == whole_counts
    assert held_files(w.hub.root) == held_files(w.a.root) and len(held_files(w.a.root)) == 3
    assert integrity(w.hub.db) == "ok"
    if len(parts) == 3:
        return "all parts"
    return "some parts" if parts else ("tmp left" if leftovers else "nothing")


def test_a_split_export_killed_at_python_calls_and_random_moments(files_template, tmp_path, whole_counts):
    """Kill the export of a 3-part bundle (records + 3 scans) at the file-system calls
    between staging, flushing and naming its parts, at points spread over its run, and at
    random moments; whatever it left, the hub ends with everything once the township exports
    again, and never takes a part that is not whole."""
    probe, stick = fresh(files_template, tmp_path / "probe")
    finished = in_child(split_step(probe, stick), profile=True)
    assert finished.result == 3
    watched = sorted({n for at, _ in finished.marks for n in (at, at + 1)})
    plans = [("event", n) for n in spread(min(finished.events, max(watched)), 12)]
    plans += [("event", n) for n in watched[:: max(1, len(watched) // 24)]]
    rng = random.Random(7)
    plans += [("after", rng.uniform(0, 0.2)) for _ in range(8)]
    left: dict[str, int] = {}
    for index, (how, n) in enumerate(plans):
        w, stick = fresh(files_template, tmp_path / f"s{index}")
        if how == "event":
            child = in_child(split_step(w, stick), kill_at_event=n)
            assert child.killed, (n, finished.events, child.events)
        else:
            in_child(split_step(w, stick), kill_after=n)
        kind = check_split_after_interruption(w, stick, whole_counts)
        left[kind] = left.get(kind, 0) + 1
        shutil.rmtree(w.root)
        tried("split export killed at a Python call or a random moment")
    assert left.get("tmp left") and (left.get("nothing") or left.get("some parts")), left
