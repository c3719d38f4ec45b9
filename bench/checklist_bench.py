"""Target 3: a year's checklist of the target township; the county matrix over 20 townships.

    python bench/checklist_bench.py [--quick] [--work DIR]

Checklist: ``run_checklist`` for 2026 as of 2026-11-27 over the 10-year, 20,000-record
township (the rules in force loaded too, as the screen does: ``load_active_rules``).
Matrix: ``hub_matrix`` for 2026 at a county hub holding 20 townships, each a 10-year,
~20,000-record demo township exported in full and imported through the real code
(about 409,000 records at the hub). Reference: the calibration unit (see common.py).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    TODAY,
    YEAR,
    Row,
    calibrate,
    common_args,
    matrix_hub,
    median,
    office,
    report,
    target_township,
    timed,
    work_dir,
)

CMD = "python bench/checklist_bench.py"


def main(argv: list[str] | None = None) -> list[Row]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common_args(parser)
    args = parser.parse_args(argv)
    work = work_dir(args.work)
    repeat = 5 if args.quick else 15

    from fazhi_tui.services.checklist import hub_matrix, load_active_rules, run_checklist

    town = target_township(work)
    hub = matrix_hub(work)
    cal = calibrate()

    home, config, store = office(town)
    try:
        results = []

        def checklist() -> None:
            active = load_active_rules(home)
            results[:] = run_checklist(store, active.ruleset, config, year=YEAR, on=TODAY)

        checklist_times = timed(checklist, repeat)
        records = sum(store.counts().values())
    finally:
        store.close()

    home, config, store = office(hub)
    try:
        matrix = []

        def run_matrix() -> None:
            active = load_active_rules(home)
            matrix[:] = [hub_matrix(store, active.ruleset, config, year=YEAR, on=TODAY)]

        matrix_times = timed(run_matrix, max(3, repeat // 3))
        hub_records = sum(store.counts().values())
    finally:
        store.close()
    townships = len(matrix[0].rows)
    statuses = [r.status for r in results]

    rows = [
        Row("3 checklist", f"year's checklist, {records} live records", median(checklist_times), "s", "calibration unit",
            cal, "< 100 ms", median(checklist_times) < 0.1, CMD, len(checklist_times), {"statuses": statuses}),
        Row("3 checklist", f"county matrix, {townships} townships, {hub_records} live records", median(matrix_times), "s",
            "calibration unit", cal, "< 500 ms", median(matrix_times) < 0.5, CMD, len(matrix_times)),
    ]
    report(rows, args.json)
    return rows


if __name__ == "__main__":
    main()
