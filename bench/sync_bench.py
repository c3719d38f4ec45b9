"""Target 5: full export of the target township, its first import at the county, a re-import.

    python bench/sync_bench.py [--quick] [--work DIR]

Export: ``export_up(full=True)`` of the 10-year, 20,000-record township onto a folder (a
new signed, sealed bundle each time). First import: ``import_bundle`` of that bundle into
a fresh copy of a hub that has enrolled the township and holds nothing else (each
repetition starts from its own copy). Re-import: the same file again into the hub that
has imported it ("already imported" — the answer must come without redoing the work).
Reference: the calibration unit (see common.py), timed in the same process.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Row, calibrate, common_args, median, office, report, sync_world, timed, work_dir  # noqa: E402

CMD = "python bench/sync_bench.py"


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
                import time

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
        Row("5 sync", "re-import of the same bundle", median(reimport_times), "s", "first import", first,
            "< 10 % of first import", median(reimport_times) < 0.1 * first, CMD, len(reimport_times)),
    ]
    report(rows, args.json)
    return rows


if __name__ == "__main__":
    main()
