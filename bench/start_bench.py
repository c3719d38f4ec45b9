"""Target 1: start, from launch to the first usable screen, against a bare Textual app.

    python bench/start_bench.py [--quick] [--work DIR] [--no-tmux]

"First usable screen": the home screen of the 10-year, 20,000-record township, mounted,
with its record counts loaded (they come from a worker) and drawn. The reference: a bare
Textual app showing one static line (bench/apps/bare_app.py), measured the same way.
The two apps are launched alternately, so drifting load hits both alike.

Two measurements:

* **tmux** (what a user sees, the target's figure): a tmux server with an 80×24 window
  starts ``python -m fazhi_tui --home DIR`` (or the bare app); ``tmux capture-pane`` is
  polled every 10 ms until the screen shows the meetings' count (or the bare app's line).
  Time from asking tmux for the window to seeing the text.
* **headless** (a cross-check without the terminal): bench/apps/start_probe.py runs each
  app headless and prints READY from inside the app the moment the screen is ready;
  time from spawning the process to reading READY.

Both go through the program's own entry (console, command line, ``run_app``), and both
apps run from compiled bytecode (see ``compile_bytecode``). Also checked: the modules
loaded at that moment (no click, openpyxl, cryptography, sync package beyond its
exceptions, subcommands, hub services, catalog, hub report, sqlite-utils), and
``python -X importtime -m fazhi_tui --version``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import PY, ROOT, SOURCE, Row, common_args, median, report, target_township, work_dir  # noqa: E402

CMD = "python bench/start_bench.py"
SOCKET = f"fazhi-bench-{os.getpid()}"
HEAVY = (
    "click", "openpyxl", "cryptography", "fazhi_tui.sync.", "fazhi_tui.services.catalog_import", "fazhi_tui.services.hub_report",
    "fazhi_tui.services.hub", "fazhi_tui.cli.hub", "fazhi_tui.cli.office", "sqlite_utils",
)  # (the checklist and its rule file are imported by the home screen's worker, after the first frame)
LIGHT = ("fazhi_tui.sync.errors",)  # the exceptions the command line catches: no more than that


def compile_bytecode() -> None:
    """Write the program's .pyc files, as installing it does (pip compiles on install). This
    machine's environment sets PYTHONDONTWRITEBYTECODE=1, so without this step every launch
    compiles the program from source (~30 ms here) while Textual's files, compiled when it was
    installed, do not: the comparison with the bare app would be unfair."""
    subprocess.run([PY, "-m", "compileall", "-q", str(SOURCE / "fazhi_tui"), str(ROOT / "bench" / "apps")],
                   check=True, capture_output=True)


def meeting_marker(home: Path) -> str:
    conn = sqlite3.connect(home / "fazhi.db")
    try:
        count = conn.execute("SELECT count(*) FROM meeting WHERE deleted_at IS NULL").fetchone()[0]
    finally:
        conn.close()
    return f"{count} 条"  # home.count in Chinese, the program's default language


def tmux(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["tmux", "-L", SOCKET, "-f", "/dev/null", *args], capture_output=True, text=True, check=check)


def tmux_start(command: str, marker: str, timeout: float = 30.0) -> float:
    """Seconds from asking tmux for a window running ``command`` to ``marker`` on screen."""
    name = f"w{time.monotonic_ns()}"
    start = time.perf_counter()
    tmux("new-window", "-d", "-t", "bench", "-n", name, command)
    try:
        while True:
            screen = tmux("capture-pane", "-p", "-t", f"bench:{name}", check=False).stdout
            if marker in screen:
                return time.perf_counter() - start
            if time.perf_counter() - start > timeout:
                raise RuntimeError(f"{marker!r} not seen in {timeout} s; screen:\n{screen}")
            time.sleep(0.01)
    finally:
        tmux("kill-window", "-t", f"bench:{name}", check=False)
        time.sleep(0.2)  # let the killed app go before the next launch


def headless_start(args: list[str], modules: bool = False) -> tuple[float, list[str], float]:
    """(wall seconds from spawning to READY, modules loaded then, the probe's CPU seconds then)."""
    start = time.perf_counter()
    child = subprocess.Popen(
        [PY, str(ROOT / "bench" / "apps" / "start_probe.py"), *args, *(["--modules"] if modules else [])],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
    )
    line = child.stdout.readline()
    elapsed = time.perf_counter() - start
    rest = child.stdout.read()  # (not communicate(): it would skip what readline buffered)
    err = child.stderr.read()
    child.wait(timeout=30)
    if line.strip() != "READY":
        raise RuntimeError(f"probe {args}: {line!r} {err[-2000:]}")
    loaded = json.loads(rest.splitlines()[0]) if modules else []
    cpu = next(float(x.split()[1]) for x in rest.splitlines() if x.startswith("CPU "))
    return elapsed, loaded, cpu


def import_floor() -> dict[str, float]:
    """Cumulative import times (ms) of the biggest modules of ``python -X importtime -m fazhi_tui --version``."""
    result = subprocess.run([PY, "-X", "importtime", "-m", "fazhi_tui", "--version"], capture_output=True, text=True, cwd=SOURCE)
    rows = {}
    for line in result.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            _, cumulative, name = (part.strip() for part in line[len("import time:"):].split("|"))
            if cumulative.isdigit():
                rows[name] = int(cumulative) / 1000
    return dict(sorted(rows.items(), key=lambda kv: -kv[1])[:6])


def widget_rows(how: str, ours: list[float], widgets: list[float], bare: list[float], cmd: str, n: int) -> list[Row]:
    """The second reference (bench/apps/bare_home.py): the home screen's widgets in a bare app."""
    return [
        Row("1 start", f"{how}: the home screen's widgets alone, in a bare app (bare_home.py)", median(widgets), "s",
            "bare Textual app, same way", median(bare), "report", None, cmd, n),
        Row("1 start", f"{how}: the program vs the same widgets in a bare app (what the program adds)", median(ours), "s",
            "bare_home.py, same way", median(widgets), "report", None, cmd, n),
    ]


def main(argv: list[str] | None = None) -> list[Row]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common_args(parser)
    parser.add_argument("--no-tmux", action="store_true", help="only the headless measurement")
    parser.add_argument("--limit-tmux", type=float, default=1.2,
                        help="the tmux target, × the bare app (default 1.2, issue 20; the old-PC profile's is 1.5)")
    args = parser.parse_args(argv)
    work = work_dir(args.work)
    repeat = 5 if args.quick else 15
    town = target_township(work)
    marker = meeting_marker(town)
    rows = []

    compile_bytecode()
    # headless: alternate the two apps; one warm-up launch each (disk cache, .pyc)
    headless_start(["bare"])
    headless_start(["bare-home"])
    fazhi = ["fazhi", str(town), f"--marker={marker}"]  # (the probe need not count the meetings itself)
    _, loaded, _ = headless_start(fazhi, modules=True)
    bare, ours, widgets = [], [], []
    cpu: dict[str, list[float]] = {"bare": [], "bare-home": [], "fazhi": []}
    for _ in range(repeat):
        for which, into in (("bare", bare), ("bare-home", widgets), ("fazhi", ours)):
            wall, _, used = headless_start(fazhi if which == "fazhi" else [which])
            into.append(wall)
            cpu[which].append(used)
    heavy = sorted({m.split(".")[0] if not m.startswith("fazhi_tui") else m for m in loaded
                    if m.startswith(HEAVY) and m not in LIGHT})
    rows.append(
        Row("1 start", "headless: launch → home screen with counts drawn", median(ours), "s", "bare Textual app, same way",
            median(bare), "≤ 1.5× bare", median(ours) <= 1.5 * median(bare), CMD + " --no-tmux", repeat,
            {"heavy_modules_at_start": heavy, "modules_at_start": len(loaded), "importtime_version_ms": import_floor()})
    )
    rows += widget_rows("headless", ours, widgets, bare, CMD + " --no-tmux", repeat)
    # CPU time, not wall: what a single-core PC has to get through, and little moved by the
    # other work of a shared machine
    rows += [
        Row("1 start", "headless, CPU time (all threads) until the home screen is drawn", median(cpu["fazhi"]), "s",
            "bare Textual app, same way", median(cpu["bare"]), "report", None, CMD + " --no-tmux", repeat),
        Row("1 start", "headless, CPU time: the program vs the same widgets in a bare app", median(cpu["fazhi"]), "s",
            "bare_home.py, same way", median(cpu["bare-home"]), "report", None, CMD + " --no-tmux", repeat),
    ]

    if not args.no_tmux and shutil.which("tmux"):
        tmux("new-session", "-d", "-s", "bench", "-x", "80", "-y", "24", "sleep 86400")
        try:
            env = f"cd {SOURCE} && exec env TERM=xterm-256color"
            ours_cmd = f"{env} {PY} -m fazhi_tui --home {town}"
            bare_cmd = f"{env} {PY} {ROOT / 'bench' / 'apps' / 'bare_app.py'}"
            widgets_cmd = f"{env} {PY} {ROOT / 'bench' / 'apps' / 'bare_home.py'}"
            tmux_start(bare_cmd, "BARE-APP-READY")
            tmux_start(widgets_cmd, "BARE-HOME-READY")
            tmux_start(ours_cmd, marker)
            bare, ours, widgets = [], [], []
            for _ in range(repeat):
                bare.append(tmux_start(bare_cmd, "BARE-APP-READY"))
                widgets.append(tmux_start(widgets_cmd, "BARE-HOME-READY"))
                ours.append(tmux_start(ours_cmd, marker))
        finally:
            tmux("kill-server", check=False)
        limit = args.limit_tmux
        rows[0:0] = [Row(
            "1 start", "tmux 80×24: launch → home screen shows the counts", median(ours), "s", "bare Textual app, same way",
            median(bare), f"≤ {limit}× bare", median(ours) <= limit * median(bare), CMD, repeat,
            {"ours": [round(x, 3) for x in ours], "bare": [round(x, 3) for x in bare],
             "bare_home": [round(x, 3) for x in widgets]},
        ), *widget_rows("tmux", ours, widgets, bare, CMD, repeat)]
    report(rows, args.json)
    if not args.json:
        print(json.dumps(next(r.extra for r in rows if "heavy_modules_at_start" in r.extra), ensure_ascii=False, indent=1))
    return rows


if __name__ == "__main__":
    main()
