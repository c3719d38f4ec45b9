"""Target 6's floor: how many bundles a second SQLite alone can write into a grown hub.

    python bench/scale_floor.py                     # a hub of 2,000 townships, the last 200 measured
    python bench/scale_floor.py --townships 5000 --last 300

The scale target asks for 200 bundles/s into a hub of 38,000 townships (5 ms a bundle).
This script asks what part of that the database itself allows, with no Python of ours:

1. ``N`` genuine bundles (bench/profile_work.py's ``scale_bundles``: made once, kept in
   ``bench/.work/scale-profile-N``) are imported through ``import_bundle`` into a copy of
   the hub that enrolled them, all but the last ``M``.
2. The grown hub is copied. The last ``M`` bundles are imported through ``import_bundle``
   into the original, each timed (wall and CPU); after each, the rows it inserted are read
   back table by table (``rowid`` above the table's largest before the bundle).
3. Into the copy (the same grown hub), each bundle's rows are written again with one plain
   ``executemany`` per table and one COMMIT per bundle, with the import's pragmas (WAL,
   ``synchronous = FULL``, foreign keys deferred to the commit): SQLite's own cost of the
   same writes at the same size, the rows ready in memory.

Printed: both rates, their ratio, and what the floor means for the target. (Rows the
import updated rather than inserted, a member's last-import stamps, are not rewritten in
the floor: it is, if anything, a little cheaper than the import's real writes.)
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import office, work_dir  # noqa: E402
from profile_work import scale_bundles  # noqa: E402

TARGET = 200.0  # bundles/s (issue 20)


def _tables(conn: sqlite3.Connection) -> list[str]:
    return [name for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]


def _largest_rowids(conn: sqlite3.Connection, tables: list[str]) -> dict[str, int]:
    return {table: conn.execute(f'SELECT coalesce(max(rowid), 0) FROM "{table}"').fetchone()[0] for table in tables}


def _inserted(conn: sqlite3.Connection, tables: list[str], before: dict[str, int]) -> list[tuple[str, list[tuple]]]:
    """(INSERT statement, rows) per table for the rows above ``before``'s rowids."""
    out = []
    for table in tables:
        cursor = conn.execute(f'SELECT * FROM "{table}" WHERE rowid > ?', (before[table],))
        rows = cursor.fetchall()
        if rows:
            columns = [d[0] for d in cursor.description]
            out.append((f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({", ".join("?" * len(columns))})', rows))
    return out


VARIANTS = (
    ("one COMMIT per 50 bundles", {"batch": 50}),
    ("synchronous = NORMAL", {"synchronous": "NORMAL"}),
    ("without the *_list indexes", {"drop": "_list"}),
    ("memory-mapped reads (mmap_size 1 GB)", {"mmap": 1 << 30}),
    ("a 64 MB page cache", {"cache": -65536}),
    ("all three", {"batch": 50, "synchronous": "NORMAL", "drop": "_list"}),
)


def _floor(hub: Path, writes: list, pragmas: dict, *, keep: bool = False, batch: int = 1, synchronous: str = "FULL", drop: str | None = None,
           mmap: int = 0, cache: int | None = None):
    """(wall, CPU) seconds per commit of writing ``writes`` into the hub at ``hub`` with plain
    executemany, ``batch`` bundles a COMMIT; ``drop``: indexes whose name ends so are dropped first.
    ``keep``: the hub is written on a copy, and stays as it was (for the next variant)."""
    if keep:
        trial = hub.parent / f"{hub.name}-trial"
        shutil.rmtree(trial, ignore_errors=True)
        shutil.copytree(hub, trial)
        try:
            return _floor(trial, writes, pragmas, batch=batch, synchronous=synchronous, drop=drop, mmap=mmap, cache=cache)
        finally:
            shutil.rmtree(trial, ignore_errors=True)
    conn = sqlite3.connect(hub / "fazhi.db", isolation_level=None)
    try:
        conn.execute(f"PRAGMA journal_mode = {pragmas['journal_mode']}")
        conn.execute(f"PRAGMA cache_size = {pragmas['cache_size'] if cache is None else cache}")
        conn.execute(f"PRAGMA mmap_size = {mmap}")
        conn.execute(f"PRAGMA synchronous = {synchronous}")  # FULL: what hub_store.ready_for_imports sets
        conn.execute("PRAGMA foreign_keys = ON")
        if drop:
            for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE ?", (f"%{drop}",)).fetchall():
                conn.execute(f'DROP INDEX "{name}"')
        walls, cpus = [], []
        for first in range(0, len(writes), batch):
            w, c = time.perf_counter(), time.process_time()
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("PRAGMA defer_foreign_keys = ON")
            for statements in writes[first : first + batch]:
                for statement, rows in statements:
                    conn.executemany(statement, rows)
            conn.execute("COMMIT")
            walls.append(time.perf_counter() - w)
            cpus.append(time.process_time() - c)
        return walls, cpus
    finally:
        conn.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--townships", type=int, default=2000, help="bundles imported in all (default 2000)")
    parser.add_argument("--last", type=int, default=200, help="the last M bundles measured (default 200)")
    parser.add_argument("--work", default=None)
    parser.add_argument("--variants", action="store_true", help="also the floor with fewer commits, "
                        "synchronous NORMAL, without the township-list indexes: what the target would need")
    args = parser.parse_args(argv)
    n, m = args.townships, args.last
    from fazhi_tui.storage.backups import backup_before
    from fazhi_tui.sync.hub import import_bundle

    enrolled, paths = scale_bundles(work_dir(args.work), n)
    run = enrolled.parent / "hub-floor-run"
    copy = enrolled.parent / "hub-floor-copy"
    for folder in (run, copy):
        shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(enrolled, run)
    try:
        home, config, store = office(run)
        backup_before(home, "import", conn=store.conn)  # made once, outside the timing
        start = time.perf_counter()
        for path in paths[: n - m]:
            if import_bundle(home, config, store, path).verdict != "imported":
                raise SystemExit(f"{path.name} was not imported")
        print(f"  {n - m} bundles imported in {time.perf_counter() - start:.0f} s (the hub grown)", file=sys.stderr)
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        store.close()
        shutil.copytree(run, copy)

        home, config, store = office(run)
        tables = _tables(store.conn)
        real_wall, real_cpu, writes = [], [], []
        for path in paths[n - m :]:
            before = _largest_rowids(store.conn, tables)
            w, c = time.perf_counter(), time.process_time()
            outcome = import_bundle(home, config, store, path)
            real_wall.append(time.perf_counter() - w)
            real_cpu.append(time.process_time() - c)
            if outcome.verdict != "imported":
                raise SystemExit(f"{path.name} was not imported")
            writes.append(_inserted(store.conn, tables, before))
        pragmas = {name: store.conn.execute(f"PRAGMA {name}").fetchone()[0] for name in ("journal_mode", "page_size", "cache_size")}
        store.close()

        floor_wall, floor_cpu = _floor(copy, writes, pragmas, keep=True)
        variants = []
        if args.variants:
            variants = [(label, _floor(copy, writes, pragmas, keep=True, **kwargs)) for label, kwargs in VARIANTS]
    finally:
        for folder in (run, copy):
            shutil.rmtree(folder, ignore_errors=True)

    rows = sum(len(r) for statements in writes for _, r in statements) / m
    real_rate, floor_rate = m / sum(real_wall), m / sum(floor_wall)
    print(f"hub of {n} townships, the last {m} bundles ({rows:.0f} rows inserted a bundle):")
    print(f"  import_bundle        : {real_rate:6.1f} bundles/s wall, {m / sum(real_cpu):6.1f}/s CPU;"
          f" median {1000 * statistics.median(real_wall):.1f} ms wall, {1000 * statistics.median(real_cpu):.1f} ms CPU")
    print(f"  SQLite alone (floor) : {floor_rate:6.1f} bundles/s wall, {m / sum(floor_cpu):6.1f}/s CPU;"
          f" median {1000 * statistics.median(floor_wall):.1f} ms wall, {1000 * statistics.median(floor_cpu):.1f} ms CPU")
    print(f"  import ÷ floor       : {sum(real_wall) / sum(floor_wall):.2f}× wall, {sum(real_cpu) / sum(floor_cpu):.2f}× CPU")
    for label, (wall, cpu) in variants:
        print(f"  floor, {label:<34}: {m / sum(wall):6.1f} bundles/s wall, {m / sum(cpu):6.1f}/s CPU")
    verdict = "below" if floor_rate < TARGET else "above"
    print(f"  the floor is {verdict} the target of {TARGET:.0f} bundles/s at this size (the hub of the target has 38,000)")


if __name__ == "__main__":
    main()
