"""The old-PC profile: the start, typing and checklist targets again, on one core shared with a
CPU-bound neighbour.

    python bench/oldpc_bench.py [--quick] [--work DIR] [--cpu N] [--no-tmux]

The users' PCs are old and single-core-bound; this machine has fast cores. So the three
benchmarks (bench/start_bench.py, typing_bench.py, checklist_bench.py) are run again with

* every process pinned to one core (``taskset -c N``, default core 0: the benchmark, the
  apps it launches, the tmux server that shows them — children inherit the pinning), and
* a neighbour on that same core: a process that spins on pure Python forever (an antivirus
  scan, a browser tab), pinned there too, started before and stopped after.

Targets (issue 20): start ≤ 1.5× the bare Textual app measured under the same conditions
(the bare app is pinned next to the same neighbour), every key < 50 ms median (the typing
bench's figure: the CPU the key costs the program's process). The checklist and the matrix
are reported (wall time, which grows as the neighbour takes its share of the core, and ×
the calibration unit timed under the same conditions); their limits are a free core's.
Rows are the same as in the normal run, marked "old PC".

Other platforms: pinning needs Linux's ``taskset`` (util-linux). On Windows run the whole
script pinned, neighbour included, with ``start /affinity 1 /wait python bench\\oldpc_bench.py
--pinned`` (``/affinity`` takes a hexadecimal mask: 1 = the first core); children inherit
the affinity. ``--pinned`` says the pinning is already done, so only the neighbour is
started. macOS has no way to pin a process to a core: use a virtual machine with one
virtual CPU and ``--pinned``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import PY, ROOT, common_args, matrix_hub, parse_rows, report, target_township, work_dir  # noqa: E402

CMD = "python bench/oldpc_bench.py"
NEIGHBOUR = "import time\nx = 0\nwhile True:\n    x = (x * 1103515245 + 12345) % 2147483648\n"
CHILDREN = (
    ("1 start", "bench/start_bench.py"),
    ("2 typing", "bench/typing_bench.py"),
    ("3 checklist", "bench/checklist_bench.py"),
)


def pin_prefix(cpu: int, pinned: bool) -> list[str]:
    if pinned:
        return []
    if shutil.which("taskset") is None:
        raise SystemExit(
            "taskset is not here (Linux's util-linux). Pin the whole run yourself and pass --pinned;"
            " see this script's docstring for Windows and macOS."
        )
    return ["taskset", "-c", str(cpu)]


def start_neighbour(prefix: list[str]) -> subprocess.Popen:
    return subprocess.Popen([*prefix, PY, "-c", NEIGHBOUR], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def affinity(pid: int) -> str:
    try:
        return ",".join(str(c) for c in sorted(os.sched_getaffinity(pid)))
    except (AttributeError, OSError):  # not Linux
        return "?"


def main(argv: list[str] | None = None) -> list:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common_args(parser)
    parser.add_argument("--cpu", type=int, default=0, help="the core to pin to (default 0)")
    parser.add_argument("--pinned", action="store_true", help="already pinned to one core (Windows: start /affinity 1)")
    parser.add_argument("--no-tmux", action="store_true", help="start: only the headless measurement")
    args = parser.parse_args(argv)
    work = work_dir(args.work)
    # the data sets are built first, unpinned and without the neighbour (that is not measured)
    target_township(work)
    matrix_hub(work)
    from typing_bench import big_list_township

    big_list_township(work)

    prefix = pin_prefix(args.cpu, args.pinned)
    neighbour = start_neighbour(prefix)
    rows = []
    try:
        time.sleep(0.5)  # let it run up to full speed
        if neighbour.poll() is not None:
            raise RuntimeError("the neighbour process did not start")
        where = affinity(neighbour.pid)
        for target, script in CHILDREN:
            extra = ["--work", str(work)] + (["--quick"] if args.quick else [])
            if target == "1 start":
                extra += ["--limit-tmux", "1.5"] + (["--no-tmux"] if args.no_tmux else [])
            done = subprocess.run([*prefix, PY, script, *extra, "--json"], cwd=ROOT, capture_output=True, text=True,
                                  timeout=3 * 3600)
            if done.returncode != 0:
                raise RuntimeError(f"{script} failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
            for row in parse_rows(done.stdout):
                if row.ok is None and target == "2 typing":
                    continue  # opening a list or a form (reported only) is the normal run's business
                if target == "3 checklist":
                    # the old-PC targets are start and keys; the checklist's limits are for a
                    # fast core, so here its figures (wall time, and × cal) are reported
                    row.ok, row.limit = None, f"report ({row.limit} on a free core)"
                row.target = f"{target.split()[0]} old PC"
                row.what = f"1 core + neighbour: {row.what}"
                row.command = CMD + (" --quick" if args.quick else "")
                row.extra = {**row.extra, "cpu": args.cpu, "neighbour_affinity": where}
                rows.append(row)
        if neighbour.poll() is not None:
            raise RuntimeError("the neighbour stopped during the run: the figures are not under load")
    finally:
        neighbour.kill()
        neighbour.wait()
    report(rows, args.json)
    return rows


if __name__ == "__main__":
    main()
