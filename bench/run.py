"""The benchmark suite: every target of issues 7 and 20, one table.

    python bench/run.py [--quick] [--townships N | --full-scale] [--only 1,3] [--work DIR]

Each target runs in its own child process (bench/<target>_bench.py, bench/scale.py; each
can also be run alone and prints its own table). The data sets are built on first use in
the work folder (default bench/.work; the 20-township hub takes a couple of minutes once).
Every figure comes with a reference measured in the same run (see common.py) and the
ratio to it. ``--townships`` (default 1000) sets the size of the scale simulation; its
38,000 figures are then extrapolated, and marked so. The full simulation is
``--full-scale`` here, or ``python bench/scale.py --full``. Target 7 is the old-PC profile:
targets 1-3 again on one core shared with a CPU-bound neighbour (bench/oldpc_bench.py).

The machine (CPU, cores, Python, Textual, SQLite) and the load average before and after
are printed, and everything is saved to ``<work>/last-run.json`` (the table as Markdown,
for bench/RESULTS.md, to ``<work>/last-run.md``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Row, load_average, machine, markdown, run_child, table, work_dir  # noqa: E402

TARGETS = {
    "1": ("start", ["bench/start_bench.py"]),
    "2": ("typing", ["bench/typing_bench.py"]),
    "3": ("checklist", ["bench/checklist_bench.py"]),
    "4": ("memory", ["bench/memory_bench.py"]),
    "5": ("sync", ["bench/sync_bench.py"]),
    "6": ("scale", ["bench/scale.py"]),
    "7": ("old PC", ["bench/oldpc_bench.py"]),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions, a 200-township scale run")
    parser.add_argument("--townships", type=int, default=None, help="townships in the scale simulation (default 1000; 200 with --quick)")
    parser.add_argument("--full-scale", action="store_true", help="the scale simulation at its target's 38,000 townships")
    parser.add_argument("--only", default="", help="comma-separated target numbers, e.g. 1,3")
    parser.add_argument("--work", default=None)
    args = parser.parse_args(argv)
    work = work_dir(args.work)
    wanted = [t.strip() for t in args.only.split(",") if t.strip()] or list(TARGETS)
    townships = args.townships or (200 if args.quick else 1000)

    info = machine()
    print(f"machine: {info['cpu']} · {info['nproc']} cores · Python {info['python']} · Textual {info['textual']}"
          f" · SQLite {info['sqlite']}")
    before = load_average()
    print(f"load average before: {before[0]:.2f} {before[1]:.2f} {before[2]:.2f}", flush=True)
    rows: list[Row] = []
    loads = {}
    started = time.perf_counter()
    for number in wanted:
        name, script = TARGETS[number]
        extra = ["--work", str(work)] + (["--quick"] if args.quick else [])
        if name == "scale":
            extra += ["--full"] if args.full_scale else ["--townships", str(townships)]
        print(f"… target {number} ({name})", flush=True)
        loads[number] = load_average()[0]
        rows += run_child([*script, *extra], timeout=6 * 3600)
    after = load_average()
    print()
    print(table(rows))
    print()
    print(f"load average after: {after[0]:.2f} {after[1]:.2f} {after[2]:.2f}; took {time.perf_counter() - started:.0f} s")
    failed = [r for r in rows if r.ok is False]
    print("all targets met" if not failed else f"NOT met: {len(failed)} — " + "; ".join(f"{r.target}: {r.what}" for r in failed))
    record = {
        "when": dt.datetime.now().isoformat(timespec="seconds"),
        "argv": sys.argv[1:] if argv is None else argv,
        "machine": info,
        "load_before": before,
        "load_after": after,
        "load_at_each_target": loads,
        "pid": os.getpid(),
        "rows": [asdict(r) for r in rows],
    }
    (work / "last-run.json").write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
    (work / "last-run.md").write_text(markdown(rows) + "\n", encoding="utf-8")
    print(f"saved {work / 'last-run.json'} and {work / 'last-run.md'} (the table as Markdown)")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
