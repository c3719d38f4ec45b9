"""Target 4: peak resident memory of the program on the 10-year, 20,000-record township.

    python bench/memory_bench.py [--quick] [--work DIR]

A child process runs the program headless (80×24) on a copy of the township and goes
through it: the home screen (counts and this year's checklist), the list of 9,080
meetings paged from top to bottom (PgDn until the end: every row passes the screen),
filtered, back; the lists of the other kinds; a new meeting's form; the checklist screen
(and its evidence of the first rule). Then it reads its own peak resident set size
(``resource.getrusage(RUSAGE_SELF).ru_maxrss``). The reference: the same figure of the
bare Textual app (one static line) run headless the same way.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent / "apps"))

from common import PY, ROOT, TODAY, Row, common_args, report, target_township, work_dir  # noqa: E402

CMD = "python bench/memory_bench.py"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


async def settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def ours(home_dir: Path) -> dict:
    from fazhi_tui.base.paths import resolve_home
    from fazhi_tui.ui.app import FazhiApp

    app = FazhiApp(resolve_home(home_dir), today=TODAY)
    steps = {}
    async with app.run_test(size=(80, 24)) as pilot:
        while type(app.screen).__name__ != "HomeScreen":
            await pilot.pause(0.05)
        await settle(pilot)
        steps["home"] = peak_mb()
        await pilot.press("1")
        await settle(pilot)
        table = app.screen.query_one("RecordTable")
        pages = 0
        while table.cursor < table.total - 1:
            await pilot.press("pagedown")
            await settle(pilot)
            pages += 1
        steps["meetings_scrolled"] = peak_mb()
        await pilot.press("slash", "2", "0", "2", "4")
        await pilot.pause(0.4)
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        for key in "234567":
            await pilot.press(key)
            await settle(pilot)
            await pilot.press("end")
            await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        steps["form"] = peak_mb()
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        steps["checklist"] = peak_mb()
        app.exit()
    return {"peak_mb": peak_mb(), "steps": steps, "pages": pages, "rows": table.total}


async def bare() -> dict:
    from bare_app import BareApp

    app = BareApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.exit()
    return {"peak_mb": peak_mb()}


def child(which: str, work: Path) -> None:
    if which == "bare":
        result = asyncio.run(bare())
    else:
        with tempfile.TemporaryDirectory(prefix="memory-", dir=work) as folder:
            copy = Path(folder) / "township"
            shutil.copytree(target_township(work), copy)
            result = asyncio.run(ours(copy))
    print("#CHILD " + json.dumps(result))


def run_child(which: str, work: Path) -> dict:
    done = subprocess.run([PY, __file__, "--child", which, "--work", str(work)], cwd=ROOT, capture_output=True, text=True,
                          timeout=1800)
    for line in done.stdout.splitlines():
        if line.startswith("#CHILD "):
            return json.loads(line[len("#CHILD "):])
    raise RuntimeError(f"memory child {which} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")


def main(argv: list[str] | None = None) -> list[Row]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common_args(parser)
    parser.add_argument("--child", choices=("ours", "bare"), default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    work = work_dir(args.work)
    if args.child:
        child(args.child, work)
        return []
    target_township(work)
    ref = run_child("bare", work)
    got = run_child("ours", work)
    rows = [
        Row("4 memory", f"peak RSS: home, {got['rows']} meetings paged end to end ({got['pages']} PgDn), other lists, form, checklist",
            got["peak_mb"], "MB", "bare Textual app, same way", ref["peak_mb"], "< 150 MB", got["peak_mb"] < 150, CMD, 1,
            {"after_each_step_mb": got["steps"]}),
    ]
    report(rows, args.json)
    return rows


if __name__ == "__main__":
    main()
