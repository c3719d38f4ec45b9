"""What a hub import costs besides its records (issue 20, bench/scale.py): the commit is
flushed to disk, the audit log carries no index that takes a random insert per record, and
the bundle's own row is one plain statement."""

from __future__ import annotations

from fazhi_tui.sync.hub import import_bundle
from tests.sync.util import TOWN_A, connect, enrol, export, hub, township


def test_an_import_is_flushed_to_disk_and_writes_no_index_by_record(tmp_path):
    county = hub(tmp_path / "hub")
    town = township(tmp_path / "town")
    usb = tmp_path / "usb"
    enrol(county, town, usb)
    bundle = export(town, usb, full=True).path
    config = county.config
    with county.store() as store:
        assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL: every connection's default
        seen: list[str] = []
        store.conn.set_trace_callback(seen.append)
        assert import_bundle(county.home, config, store, bundle).verdict == "imported"
        store.conn.set_trace_callback(None)
        # FULL: the commit that makes the import is on disk before "imported" is said
        assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == 2
        # the settings come before the transaction: its COMMIT is the import's last statement
        written = [s for s in seen if not s.startswith("PRAGMA")]
        assert written[-1] == "COMMIT"
        assert [s for s in seen if s.startswith("PRAGMA synchronous")] == ["PRAGMA synchronous = FULL"]
        # the hub_bundle row: one INSERT, without sqlite-utils reading the table's shape first
        assert not [s for s in seen if "hub_bundle" in s and "table_info" in s]
        assert len([s for s in seen if s.startswith("INSERT INTO hub_bundle")]) == 1
        # the audit log's only index is by time (migration 7 dropped the one by record)
        indexes = [row[1] for row in store.conn.execute("PRAGMA index_list(audit_log)")]
        assert indexes == ["audit_log_at"]
        uuid = store.conn.execute("SELECT uuid FROM meeting WHERE township = ? LIMIT 1", (TOWN_A,)).fetchone()[0]
        assert [row["action"] for row in store.audit_trail(uuid)] == ["insert"]
    # a township's connection keeps the default
    with town.store() as store:
        assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == 1
    assert connect(county.db).execute("SELECT count(*) FROM hub_bundle").fetchone()[0] == 1
