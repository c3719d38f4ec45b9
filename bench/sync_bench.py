"""Target 5: full export of the target township, its first import at the county, a re-import.

    python bench/sync_bench.py [--quick] [--work DIR]

Export: ``export_up(full=True)`` of the 10-year, 20,000-record township onto a folder (a
new signed, sealed bundle each time). First import: ``import_bundle`` of that bundle into
a fresh copy of a hub that has enrolled the township and holds nothing else (each
repetition starts from its own copy). Re-import: the same file again into the hub that
has imported it ("already imported" — the answer must come without redoing the work).
Reference: the calibration unit (see common.py), timed in the same process.

The import's own reference (issue 20): SQLite's speed for the same writes. Every row the
import added to the hub (found by comparing the hub before and after, table by table, so
whatever the import code writes is counted: records, audit rows, the bundle's own rows)
is written again with a plain ``executemany`` per table, in one transaction, into an
empty database holding a copy of the hub's schema (its ``sqlite_master``: tables and
indexes; holding only the rows others point at: the enrolled member) with the hub
connection's pragmas (journal mode, synchronous, foreign keys, deferred to the commit). The rows are ready in memory; only the writing and the commit
are timed, each repetition into a fresh empty copy. Target: the import within 1.5× of it.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Row, calibrate, common_args, median, office, report, sync_world, timed, work_dir  # noqa: E402

CMD = "python bench/sync_bench.py"


def added_rows(before: Path, after: Path) -> dict[str, tuple[list[str], list[tuple]]]:
    """Per table: (columns, rows) that are in the hub ``after`` an import and not ``before`` it."""
    conn = sqlite3.connect(after / "fazhi.db")
    try:
        conn.execute("ATTACH DATABASE ? AS before", (str(before / "fazhi.db"),))
        tables = [name for (name,) in conn.execute(
            "SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid")]
        out = {}
        for table in tables:
            columns = [row[1] for row in conn.execute(f'PRAGMA main.table_info("{table}")')]
            rows = conn.execute(f'SELECT * FROM main."{table}" EXCEPT SELECT * FROM before."{table}"').fetchall()
            if rows:
                out[table] = (columns, rows)
        return out
    finally:
        conn.close()


def hub_schema(hub: Path) -> tuple[list[str], dict[str, object], dict[str, tuple[list[str], list[tuple]]]]:
    """The hub's schema (CREATE statements of its tables and indexes), its connection's
    pragmas, and the rows of the tables that others point at (the enrolled member), which
    the rows written must find there."""
    from fazhi_tui.storage.database import connect

    conn = connect(hub / "fazhi.db")
    try:
        sql = [row[0] for row in conn.execute(
            "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY type DESC, rowid")]
        pragmas = {name: conn.execute(f"PRAGMA {name}").fetchone()[0] for name in ("journal_mode", "synchronous", "foreign_keys")}
        tables = [name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        parents = {row["table"] for table in tables for row in conn.execute(f'PRAGMA foreign_key_list("{table}")')}
        seed = {}
        for table in sorted(parents):
            columns = [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')]
            rows = [tuple(row) for row in conn.execute(f'SELECT * FROM "{table}"')]
            if rows:
                seed[table] = (columns, rows)
    finally:
        conn.close()
    return sql, pragmas, seed


def _inserts(rows: dict[str, tuple[list[str], list[tuple]]]) -> list[tuple[str, list[tuple]]]:
    # OR REPLACE: a row the import changed (the member's) replaces its seeded version; on rows
    # that are new it costs what INSERT costs
    return [
        (f'INSERT OR REPLACE INTO "{table}" ({", ".join(columns)}) VALUES ({", ".join("?" * len(columns))})', values)
        for table, (columns, values) in rows.items()
    ]


def plain_executemany(folder: Path, schema: list[str], pragmas: dict, seed: dict, rows: dict[str, tuple[list[str], list[tuple]]]) -> tuple[float, float]:
    """(wall, CPU) seconds to write ``rows`` with one executemany per table, in one
    transaction, into an empty database made from ``schema`` with ``pragmas`` (holding only
    ``seed``). The reference of both this script and bench/import_vs_executemany.py."""
    conn = sqlite3.connect(folder / "plain.db", isolation_level=None)
    try:
        conn.execute(f"PRAGMA journal_mode = {pragmas['journal_mode']}")
        conn.execute(f"PRAGMA synchronous = {pragmas['synchronous']}")
        conn.execute(f"PRAGMA foreign_keys = {pragmas['foreign_keys']}")
        for statement in schema:
            conn.execute(statement)
        conn.execute("BEGIN")
        for statement, values in _inserts(seed):
            conn.executemany(statement, values)
        conn.execute("COMMIT")
        statements = _inserts(rows)
        start, cpu = time.perf_counter(), time.process_time()
        conn.execute("BEGIN")
        conn.execute("PRAGMA defer_foreign_keys = ON")
        for statement, values in statements:
            conn.executemany(statement, values)
        conn.execute("COMMIT")
        return time.perf_counter() - start, time.process_time() - cpu
    finally:
        conn.close()
        for leftover in folder.glob("plain.db*"):
            leftover.unlink()


def main(argv: list[str] | None = None) -> list[Row]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common_args(parser)
    args = parser.parse_args(argv)
    work = work_dir(args.work)
    repeat = 3 if args.quick else 7

    from fazhi_tui.sync.export import export_up
    from fazhi_tui.sync.hub import import_bundle

    hub, town, usb = sync_world(work)
    scratch = Path(tempfile.mkdtemp(prefix="sync-", dir=work))
    out = scratch / "usb"
    out.mkdir()
    try:
        cal = calibrate()
        home, config, store = office(town)
        bundles: list[Path] = []
        records = 0
        try:

            def export() -> None:
                nonlocal records
                result = export_up(home, config, store, out, full=True)
                records = result.records
                bundles.append(result.path)

            export_times = timed(export, repeat)
        finally:
            store.close()
        bundle = bundles[-1]
        size = bundle.stat().st_size

        import_times = []
        verdicts = set()
        for i in range(repeat + 1):
            copy = scratch / f"hub{i}"
            shutil.copytree(hub, copy)
            hub_home, hub_config, hub_store = office(copy)
            try:
                start = time.perf_counter()
                outcome = import_bundle(hub_home, hub_config, hub_store, bundle)
                elapsed = time.perf_counter() - start
            finally:
                hub_store.close()
            verdicts.add(outcome.verdict)
            if i:  # the first one warms the caches
                import_times.append(elapsed)
            if i < repeat:
                shutil.rmtree(copy)
        if verdicts != {"imported"}:
            raise RuntimeError(f"import verdicts: {verdicts}")
        # the reference: the same rows, written by SQLite alone (see the module's docstring)
        rows_added = added_rows(hub, copy)
        schema, pragmas, seed = hub_schema(hub)
        plain_dir = scratch / "plain"
        plain_dir.mkdir()
        plain_times = [plain_executemany(plain_dir, schema, pragmas, seed, rows_added)[0] for _ in range(repeat + 1)][1:]
        written = {table: len(values) for table, (_, values) in rows_added.items()}
        hub_home, hub_config, hub_store = office(copy)
        try:
            again = []

            def reimport() -> None:
                outcome = import_bundle(hub_home, hub_config, hub_store, bundle)
                again.append(outcome.verdict)

            reimport_times = timed(reimport, repeat * 3)
        finally:
            hub_store.close()
        if set(again) != {"already"}:
            raise RuntimeError(f"re-import verdicts: {set(again)}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    first = median(import_times)
    extra = {"records": records, "bundle_bytes": size}
    rows = [
        Row("5 sync", f"full export, {records} records ({size / 1e6:.1f} MB file)", median(export_times), "s",
            "calibration unit", cal, "< 2 s", median(export_times) < 2, CMD, len(export_times), extra),
        Row("5 sync", "first import at the county", first, "s", "calibration unit", cal, "< 2 s", first < 2, CMD,
            len(import_times), extra),
        Row("5 sync", f"first import vs SQLite alone: executemany of the same {sum(written.values())} rows"
            f" ({written.get('audit_log', 0)} audit) into an empty copy of the hub's schema", first, "s",
            "plain executemany, same rows", median(plain_times), "≤ 1.5× executemany", first <= 1.5 * median(plain_times),
            CMD, len(import_times), {"rows_per_table": written, "pragmas": pragmas,
                                     "executemany_times": [round(x, 4) for x in plain_times]}),
        Row("5 sync", "re-import of the same bundle", median(reimport_times), "s", "first import", first,
            "< 10 % of first import", median(reimport_times) < 0.1 * first, CMD, len(reimport_times)),
    ]
    report(rows, args.json)
    return rows


if __name__ == "__main__":
    main()
