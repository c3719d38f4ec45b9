"""A full hub import against SQLite's own speed for the same rows (issue 20).

    python bench/import_vs_executemany.py [--quick] [--work DIR] [--json]

Import: ``import_bundle`` of a full bundle of the 10-year, 20,000-record township into a
fresh copy of a hub that has enrolled it and holds nothing else (each repetition its own
copy; the first one warms the caches and is not counted).

Reference, timed in the same run, alternating with the imports: the one of target 5 in
``bench/sync_bench.py`` (``added_rows``, ``hub_schema``, ``plain_executemany``): a plain
``executemany`` per table of exactly the rows the import added to the hub (found by
comparing the hub before and after) into an empty database made from the hub's schema,
indexes included, with the hub connection's pragmas, in one transaction. This script adds
CPU time and the ratio of each round's pair, and runs the code of ``FAZHI_BENCH_SOURCE``
for a before/after. The ratio import / reference is the figure: 1.0 would be an import
that costs no more than SQLite writing its result. Target: ≤ 1.5×.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Row, common_args, median, office, report, sync_world, work_dir  # noqa: E402
from sync_bench import added_rows, hub_schema, plain_executemany  # noqa: E402

CMD = "python bench/import_vs_executemany.py"
TARGET = 1.5


def main(argv: list[str] | None = None) -> list[Row]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common_args(parser)
    args = parser.parse_args(argv)
    work = work_dir(args.work)
    repeat = 3 if args.quick else 7

    from fazhi_tui.sync.export import export_up
    from fazhi_tui.sync.hub import import_bundle

    hub, town, _ = sync_world(work)
    scratch = Path(tempfile.mkdtemp(prefix="ratio-", dir=work))
    try:
        out = scratch / "usb"
        out.mkdir()
        home, config, store = office(town)
        try:
            result = export_up(home, config, store, out, full=True)
        finally:
            store.close()
        bundle, records = result.path, result.records

        imports, references, imports_cpu, references_cpu = [], [], [], []
        written = None
        schema, pragmas, seed = hub_schema(hub)
        plain_dir = scratch / "plain"
        plain_dir.mkdir()
        for i in range(repeat + 1):
            copy = scratch / f"hub{i}"
            shutil.copytree(hub, copy)
            hub_home, hub_config, hub_store = office(copy)
            try:
                start, cpu = time.perf_counter(), time.process_time()
                outcome = import_bundle(hub_home, hub_config, hub_store, bundle)
                elapsed, elapsed_cpu = time.perf_counter() - start, time.process_time() - cpu
                if outcome.verdict != "imported":
                    raise RuntimeError(f"import: {outcome.verdict} {outcome.error}")
            finally:
                hub_store.close()
            if written is None:  # what the import wrote (the same every round)
                written = added_rows(hub, copy)
            shutil.rmtree(copy)
            reference, reference_cpu = plain_executemany(plain_dir, schema, pragmas, seed, written)
            if i:  # the first round warms the caches
                imports.append(elapsed)
                references.append(reference)
                imports_cpu.append(elapsed_cpu)
                references_cpu.append(reference_cpu)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    audit = len(written["audit_log"][1])
    first, plain = median(imports), median(references)
    ratio = first / plain
    # the ratio of each round's pair, and CPU time (steadier than wall time on a shared machine)
    paired = median([a / b for a, b in zip(imports, references)])
    cpu_ratio = median([a / b for a, b in zip(imports_cpu, references_cpu)])
    rows = [
        Row("20 import", f"full import, {records} records + {audit} audit rows", first, "s",
            "executemany of the same rows into an empty hub schema", plain, f"≤ {TARGET}×", ratio <= TARGET, CMD,
            len(imports), {"records": records, "audit_rows": audit, "paired_ratio": paired, "cpu_ratio": cpu_ratio}),
        Row("20 import", "the same, CPU time of the process", median(imports_cpu), "s",
            "executemany of the same rows (CPU time)", median(references_cpu), f"≤ {TARGET}×",
            median(imports_cpu) / median(references_cpu) <= TARGET, CMD, len(imports_cpu)),
    ]
    report(rows, args.json)
    if not args.json:
        print(f"import {first * 1000:.1f} ms, executemany {plain * 1000:.1f} ms, ratio {ratio:.2f}×"
              f" (median of each round's ratio {paired:.2f}×; CPU time {cpu_ratio:.2f}×)")
    return rows


if __name__ == "__main__":
    main()
