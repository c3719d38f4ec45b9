"""Target 2: the work each key press costs, in a list of 9,080 meetings and in a form.

    python bench/typing_bench.py [--quick] [--work DIR]

The program runs headless (``App.run_test``, 80×24) on a copy of the 10-year,
20,000-record township. Each key is measured as the **CPU time of the whole process**
(``time.process_time``: the interface thread and the worker threads that read the
database) from just before ``pilot.press`` until the app is idle again — the screen
redrawn, every worker finished, the message queues drained (``settle``: pause, wait for
workers, pause). Pilot's own waiting is sleep and costs next to no CPU, so the figure is
the work a key causes, which is what a slow PC has to get through before it answers.
(Wall time under Pilot is mostly its fixed waits, ~80 ms a key here; it is reported too.)

Keys: ↓ ×100, PgDn ×60, End, PgUp ×20, Home in the meetings list (9,080 rows; the same
moves in the ~20,000-row meetings list of a ~45,000-record township); typing a filter ("讲座")
and its application after the 250 ms pause; in a new meeting's form, Tab and typing a
date and a 20-character title. The reference: the same measurement of typing the same
characters into the Input of a bare Textual app (bench/apps/bare_app.py).

Also counted: database reads while moving through the list (a page of 100 rows is read
only when the cursor reaches rows not yet cached; the row count is never re-read).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent / "apps"))

from common import (  # noqa: E402
    PY,
    ROOT,
    TODAY,
    Row,
    build_township,
    common_args,
    median,
    report,
    target_township,
    work_dir,
)

CMD = "python bench/typing_bench.py"
DATE = "2026-11-20"
TITLE = "第3次镇长办公会议 law study 2026"
FILTER = "讲座"
BIG_RECORDS = 45000


async def settle(pilot) -> None:
    app = pilot.app
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def measure(pilot, key: str) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    await pilot.press(key)
    await settle(pilot)
    return time.process_time() - cpu, time.perf_counter() - wall


async def idle(pilot, times: int = 10) -> float:
    """CPU of the settle routine itself, with no key: the harness's share of each figure."""
    costs = []
    for _ in range(times):
        cpu = time.process_time()
        await settle(pilot)
        costs.append(time.process_time() - cpu)
    return median(costs)


async def ours(home_dir: Path, quick: bool, list_only: bool = False) -> dict:
    from fazhi_tui.base.paths import resolve_home
    from fazhi_tui.ui.app import FazhiApp

    app = FazhiApp(resolve_home(home_dir), today=TODAY)
    out: dict = {}
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        while type(app.screen).__name__ != "HomeScreen":
            await pilot.pause(0.05)
        await settle(pilot)
        out["idle"] = await idle(pilot)
        store = app.store
        reads = {"page": 0, "count": 0}
        page, count = store.page, store.count

        def counted_page(*args, **kwargs):
            reads["page"] += 1
            return page(*args, **kwargs)

        def counted_count(*args, **kwargs):
            reads["count"] += 1
            return count(*args, **kwargs)

        store.page, store.count = counted_page, counted_count
        out["open_list"] = [await measure(pilot, "1")]
        table = app.screen.query_one("RecordTable")
        out["rows"] = table.total
        reads["page"] = reads["count"] = 0
        moves = {"down": 40 if quick else 100, "pagedown": 25 if quick else 60, "pageup": 10 if quick else 20}
        out["down"] = [await measure(pilot, "down") for _ in range(moves["down"])]
        out["pagedown"] = [await measure(pilot, "pagedown") for _ in range(moves["pagedown"])]
        out["end"] = [await measure(pilot, "end")]
        out["pageup"] = [await measure(pilot, "pageup") for _ in range(moves["pageup"])]
        out["home"] = [await measure(pilot, "home")]
        out["moves"] = sum(len(out[k]) for k in ("down", "pagedown", "end", "pageup", "home"))
        out["reads"] = dict(reads)
        out["cursor_end"] = table.cursor
        if list_only:
            app.exit()
            return out

        out["filter"] = [await measure(pilot, "slash")]
        out["filter"] += [await measure(pilot, ch) for ch in FILTER]
        cpu, wall = time.process_time(), time.perf_counter()
        await pilot.pause(0.4)  # the filter applies 250 ms after the last key
        await settle(pilot)
        out["filter_apply"] = [(time.process_time() - cpu, time.perf_counter() - wall)]
        out["filtered_rows"] = table.total
        out["filter_clear"] = [await measure(pilot, "escape")]  # clears the filter, back in the list

        out["open_form"] = [await measure(pilot, "n")]
        out["form"] = [await measure(pilot, "tab")]
        out["form"] += [await measure(pilot, ch) for ch in DATE]
        out["form"].append(await measure(pilot, "tab"))
        out["form"] += [await measure(pilot, ch) for ch in TITLE]
        out["form_screen"] = type(app.screen).__name__
        app.exit()
    return out


async def bare(quick: bool) -> dict:
    from bare_app import BareApp

    app = BareApp(with_input=True)
    out: dict = {}
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.query_one("#box").focus()
        await settle(pilot)
        out["idle"] = await idle(pilot)
        out["form"] = [await measure(pilot, ch) for ch in DATE + TITLE]
        out["form"] += [await measure(pilot, ch) for ch in DATE + TITLE]
        app.exit()
    return out


def big_list_township(work: Path) -> Path:
    """A township of ~45,000 records, so that its meetings list has about 20,000 rows."""
    return build_township(work / "township-45k", records=BIG_RECORDS)


def child(which: str, work: Path, quick: bool) -> None:
    if which == "bare":
        result = asyncio.run(bare(quick))
    else:
        source = big_list_township(work) if which == "big" else target_township(work)
        with tempfile.TemporaryDirectory(prefix="typing-", dir=work) as folder:
            copy = Path(folder) / "township"
            shutil.copytree(source, copy)
            result = asyncio.run(ours(copy, quick, list_only=which == "big"))
    print("#CHILD " + json.dumps(result))


def run_child(which: str, work: Path, quick: bool) -> dict:
    args = [PY, __file__, "--child", which, "--work", str(work)] + (["--quick"] if quick else [])
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=1800)
    for line in done.stdout.splitlines():
        if line.startswith("#CHILD "):
            return json.loads(line[len("#CHILD "):])
    raise RuntimeError(f"typing child {which} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")


def main(argv: list[str] | None = None) -> list[Row]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common_args(parser)
    parser.add_argument("--child", choices=("ours", "big", "bare"), default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    work = work_dir(args.work)
    if args.child:
        child(args.child, work, args.quick)
        return []
    target_township(work)
    big_list_township(work)
    ref = run_child("bare", work, args.quick)
    got = run_child("ours", work, args.quick)
    big = run_child("big", work, args.quick)
    ref_cpu = median([c for c, _ in ref["form"]])

    def row(what: str, samples: list, limit: float | None = 0.05, extra: dict | None = None) -> Row:
        cpu = median([c for c, _ in samples])
        wall = median([w for _, w in samples])
        return Row("2 typing", what, cpu, "s", "a key typed into a bare app's Input", ref_cpu,
                   "< 50 ms" if limit else "report", (cpu < limit) if limit else None, CMD, len(samples),
                   {"wall_median_under_pilot": round(wall, 4), **(extra or {})})

    list_keys = got["down"] + got["pagedown"] + got["end"] + got["pageup"] + got["home"]
    reads = got["reads"]
    rows = [
        row(f"list of {got['rows']} meetings: ↓", got["down"]),
        row("list: PgDn / PgUp / End / Home", got["pagedown"] + got["pageup"] + got["end"] + got["home"],
            extra={"max_cpu": round(max(c for c, _ in list_keys), 4)}),
        row(f"list: all {got['moves']} moves (pages of 100 rows read: {reads['page']}, row counts re-read: {reads['count']})",
            list_keys, extra={"reads": reads, "cursor_after_home": got["cursor_end"], "harness_idle_cpu": got["idle"]}),
        row(f"list filter: typing «/{FILTER}» (each key)", got["filter"]),
        row(f"list filter: applying it 250 ms later ({got['filtered_rows']} rows match)", got["filter_apply"], limit=None),
        row("form: Tab and typing a date and a title (each key)", got["form"],
            extra={"screen": got["form_screen"], "bare_harness_idle_cpu": ref["idle"]}),
        row(f"list of {big['rows']} meetings (a ~45,000-record township): every move",
            big["down"] + big["pagedown"] + big["end"] + big["pageup"] + big["home"],
            extra={"reads": big["reads"], "pagedown_median_cpu": round(median([c for c, _ in big["pagedown"]]), 4)}),
        row("open the list (key 1)", got["open_list"], limit=None),
        row("open a new record's form (key n)", got["open_form"], limit=None),
    ]
    report(rows, args.json)
    return rows


if __name__ == "__main__":
    main()
