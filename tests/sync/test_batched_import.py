"""A run of files at the hub commits in batches (issue 20, bench/scale_floor.py: one commit,
and its flush to disk, for many small bundles): each file in its own savepoint, each file's
answer given only once its batch is on disk, a refused file leaving the rest of its batch
alone, a database error taking back the whole batch before any of it is reported."""

from __future__ import annotations

import pytest

from fazhi_tui.storage.database import DatabaseError
from fazhi_tui.sync.hub import importing
from fazhi_tui.sync.hub.importing import import_bundles
from tests.sync.util import TOWN_A, TOWN_B, connect, export, kind_counts


def _committed_bundles(world) -> int:
    """hub_bundle rows another connection sees: what is on disk, not what the batch holds."""
    conn = connect(world.hub.db)
    try:
        return conn.execute("SELECT count(*) FROM hub_bundle").fetchone()[0]
    finally:
        conn.close()


def _bundles(world, tmp_path):
    a = export(world.a, world.usb, full=True).path
    b = export(world.b, world.usb, full=True).path
    junk = tmp_path / "fazhi-up-junk.fzb"
    junk.write_bytes(b"PK\x03\x04 not a bundle at all")
    return a, b, junk


def test_one_commit_for_a_run_of_files_and_a_refused_file_leaves_the_others(world, tmp_path):
    a, b, junk = _bundles(world, tmp_path)
    with world.hub.store() as store:
        seen: list[str] = []
        store.conn.set_trace_callback(seen.append)
        given = [str(a), junk, b, a]
        outcomes = list(import_bundles(world.hub.home, world.hub.config, store, given))
        store.conn.set_trace_callback(None)
    assert [g for g, _ in outcomes] == given  # each answer with the file as it was given, in order
    assert [o.verdict for _, o in outcomes] == ["imported", "refused", "imported", "already"]
    assert outcomes[1][1].error is not None
    # the four files: one transaction, a savepoint for each file that reached the merge
    assert seen.count("BEGIN IMMEDIATE") == seen.count("COMMIT") == 1
    assert len([s for s in seen if s.startswith("SAVEPOINT")]) == 2
    assert kind_counts(world.hub.db, TOWN_A) == kind_counts(world.a.db)
    assert kind_counts(world.hub.db, TOWN_B) == kind_counts(world.b.db)
    assert _committed_bundles(world) == 2


def test_each_answer_comes_once_its_batch_is_on_disk(world, tmp_path):
    a, b, _ = _bundles(world, tmp_path)
    again = export(world.a, world.usb, full=True).path  # a second bundle of A's (nothing new)
    with world.hub.store() as store:
        run = import_bundles(world.hub.home, world.hub.config, store, [a, b, again], batch_files=2)
        first = next(run)
        assert first[1].verdict == "imported"
        assert _committed_bundles(world) == 2  # the batch of two is committed before either is said
        next(run)
        assert _committed_bundles(world) == 2
        last = next(run)
        assert last[0] == again and last[1].verdict == "imported"
        assert _committed_bundles(world) == 3
        assert list(run) == []


def test_a_database_error_takes_back_the_whole_batch_before_any_of_it_is_said(world, tmp_path, monkeypatch):
    a, b, _ = _bundles(world, tmp_path)
    real = importing.import_bundle
    calls = []

    def disk_full_at_the_second(home, config, store, path, **kwargs):
        calls.append(path)
        if len(calls) == 2:
            real(home, config, store, path, **kwargs)
            raise DatabaseError(world.hub.db, "database or disk is full")
        return real(home, config, store, path, **kwargs)

    monkeypatch.setattr(importing, "import_bundle", disk_full_at_the_second)
    said = []
    with world.hub.store() as store:
        with pytest.raises(DatabaseError):
            for item in import_bundles(world.hub.home, world.hub.config, store, [a, b]):
                said.append(item)
        assert not store.in_transaction
    assert said == []  # A was imported in the batch, but the batch never reached the disk
    assert _committed_bundles(world) == 0
    assert not any(kind_counts(world.hub.db, TOWN_A).values())
    monkeypatch.setattr(importing, "import_bundle", real)
    with world.hub.store() as store:  # the clerk runs it again: both go in, neither "already"
        verdicts = [o.verdict for _, o in import_bundles(world.hub.home, world.hub.config, store, [a, b])]
    assert verdicts == ["imported", "imported"]
    assert _committed_bundles(world) == 2


def test_a_dry_run_is_checked_file_by_file_and_keeps_nothing(world, tmp_path):
    a, b, junk = _bundles(world, tmp_path)
    with world.hub.store() as store:
        verdicts = [o.verdict for _, o in import_bundles(world.hub.home, world.hub.config, store, [a, junk, b], dry_run=True)]
    assert verdicts == ["imported", "refused", "imported"]
    assert _committed_bundles(world) == 0
