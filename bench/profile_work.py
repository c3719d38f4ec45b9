"""Profile one piece of work on the benchmark's data (what the changes in RESULTS.md are
based on).

    python bench/profile_work.py checklist|matrix|export|import|start [--work DIR] [--repeat N]

Uses pyinstrument when it is installed (``pip install pyinstrument``; not a dependency of
the program or of the suite), else cProfile (top 25 by cumulative time).

* checklist — a year's checklist of the 10-year, 20,000-record township;
* matrix    — the county matrix of the 20-township hub;
* export    — a full export of the township; import — its first import at a fresh hub,
  with the share of its time spent inside SQLite (sqlite3's C methods) vs everything else;
* start     — the program's start up to the home screen with counts (headless);
* scale     — many small imports into a grown hub: ``--townships N`` genuine one-township
  bundles (bench/scale.py's, made once and kept under the work folder with the hub that
  enrolled them), imported one by one into a fresh copy of that hub with one store open;
  the last ``--profile M`` (default 200) are profiled together, after the hub has grown by
  the others. Prints the rate in CPU time per tenth and the SQLite/Python split of the
  profiled imports.
"""

from __future__ import annotations

import argparse
import functools
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import TODAY, YEAR, matrix_hub, office, sync_world, target_township, work_dir  # noqa: E402

SQLITE_CLASSES = {"Connection", "Cursor", "Blob"}  # sqlite3's C objects: time in them is SQLite's


def _sqlite_split(root) -> dict[str, float]:
    """Seconds under ``root`` spent inside sqlite3's C methods (SQLite itself), and by the
    Python code that called them (everything else: our code, sqlite-utils, json, zlib, ...)."""
    inside: dict[str, float] = {}

    def walk(frame) -> None:
        # a C method shows as "Connection.executemany" in "<built-in>"
        if frame.file_path == "<built-in>" and (frame.function or "").split(".")[0] in SQLITE_CLASSES:
            name = frame.function
            inside[name] = inside.get(name, 0.0) + frame.time
            return  # nothing below a C call but itself
        for child in frame.children:
            walk(child)

    walk(root)
    return inside


def profiled(fn, split: bool = False, show: bool = True) -> tuple[float, float] | None:
    """Profile ``fn`` (the tree printed when ``show``); with ``split``, also say how much of
    its time SQLite took, and return (seconds in SQLite, seconds in all)."""
    try:
        from pyinstrument import Profiler
    except ImportError:
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.runcall(fn)
        stats = pstats.Stats(profile)
        stats.sort_stats("cumulative").print_stats(25)
        if split:
            total = max(stats.total_tt, 1e-9)
            sqlite = sum(v[2] for k, v in stats.stats.items() if "sqlite3.Connection" in k[2] or "sqlite3.Cursor" in k[2])
            print(f"SQLite (sqlite3's C methods): {sqlite:.3f} s of {total:.3f} s ({100 * sqlite / total:.0f} %)"
                  " (cProfile: its per-call overhead inflates the Python side)")
        return
    profiler = Profiler(interval=0.0005)
    profiler.start()
    fn()
    session = profiler.stop()
    if show:
        print(profiler.output_text(unicode=True, color=False))
    if split:
        root = session.root_frame()
        total = root.time
        inside = _sqlite_split(root)
        sqlite = sum(inside.values())
        print(f"wall {session.duration:.3f} s, CPU {session.cpu_time:.3f} s (the difference is waiting: disk, other processes)")
        print(f"SQLite (time inside sqlite3's C methods): {sqlite:.3f} s of {total:.3f} s ({100 * sqlite / total:.0f} %);"
              f" Python and the rest: {total - sqlite:.3f} s ({100 * (total - sqlite) / total:.0f} %)")
        for name, seconds in sorted(inside.items(), key=lambda kv: -kv[1]):
            print(f"  {name}: {seconds:.3f} s")
        return sqlite, total
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=("checklist", "matrix", "export", "import", "start", "scale"))
    parser.add_argument("--work", default=None)
    parser.add_argument("--repeat", type=int, default=1, help="import: profile N imports (each into a fresh hub), "
                        "print the last one's tree and the median share of SQLite")
    parser.add_argument("--townships", type=int, default=2000, help="scale: bundles imported in all (default 2000)")
    parser.add_argument("--profile", type=int, default=200, help="scale: the last M imports profiled (default 200)")
    args = parser.parse_args()
    work = work_dir(args.work)
    if args.what == "scale":
        profile_scale(work, args.townships, args.profile)
        return
    from fazhi_tui.services.checklist import hub_matrix, load_active_rules, run_checklist

    if args.what in ("checklist", "matrix"):
        home, config, store = office(target_township(work) if args.what == "checklist" else matrix_hub(work))
        rules = load_active_rules(home).ruleset
        run = run_checklist if args.what == "checklist" else hub_matrix
        run(store, rules, config, year=YEAR, on=TODAY)  # warm the caches
        profiled(lambda: run(store, rules, config, year=YEAR, on=TODAY))
        store.close()
    elif args.what in ("export", "import"):
        from fazhi_tui.sync.export import export_up
        from fazhi_tui.sync.hub import import_bundle

        hub, town, _ = sync_world(work)
        with tempfile.TemporaryDirectory(dir=work) as folder:
            out = Path(folder)
            home, config, store = office(town)
            if args.what == "export":
                profiled(lambda: export_up(home, config, store, out, full=True))
                store.close()
                return
            bundle = export_up(home, config, store, out, full=True).path
            store.close()
            shares = []
            for i in range(args.repeat):
                copy = out / f"hub{i}"
                shutil.copytree(hub, copy)
                home, config, store = office(copy)
                try:
                    sqlite, total = profiled(functools.partial(import_bundle, home, config, store, bundle), split=True,
                                             show=i == args.repeat - 1)
                finally:
                    store.close()
                shares.append(sqlite / total)
                shutil.rmtree(copy)
            if args.repeat > 1:
                ordered = sorted(shares)
                print(f"SQLite's share over {args.repeat} imports: median {100 * ordered[len(ordered) // 2]:.0f} %"
                      f" (from {100 * ordered[0]:.0f} % to {100 * ordered[-1]:.0f} %)")
    else:
        import subprocess

        from common import PY, ROOT

        probe = ROOT / "bench" / "apps" / "start_probe.py"
        code = (
            "import sys, runpy; sys.argv = [sys.argv[1], 'fazhi', sys.argv[2]]; "
            "runpy.run_path(sys.argv[0], run_name='__main__')"
        )
        try:
            import pyinstrument  # noqa: F401

            subprocess.run([PY, "-m", "pyinstrument", "-i", "0.0005", str(probe), "fazhi", str(target_township(work))], cwd=ROOT)
        except ImportError:
            subprocess.run([PY, "-m", "cProfile", "-s", "cumulative", "-c", code, str(probe), str(target_township(work))], cwd=ROOT)


def scale_bundles(work: Path, n: int) -> tuple[Path, list[Path]]:
    """(the hub that enrolled them, the bundles) of ``n`` townships: made once, kept."""
    import scale
    from common import make_hub

    root = work / f"scale-profile-{n}"
    listing = root / "bundles.txt"
    if not (root / ".complete").exists():
        if root.exists():
            shutil.rmtree(root)
        root.mkdir(parents=True)
        hub = make_hub(root / "hub")
        out = root / "usb"
        out.mkdir()
        paths, seconds, _ = scale.generate(root, hub, n, 4, out)
        print(f"  generated {n} bundles in {seconds:.0f} s", file=sys.stderr)
        listing.write_text("\n".join(p.name for p in paths))
        (root / ".complete").write_text("ok")
    return root / "hub", [root / "usb" / name for name in listing.read_text().split()]


def profile_scale(work: Path, n: int, m: int) -> None:
    """Import ``n`` bundles into a fresh copy of the enrolled hub; profile the last ``m``."""
    import time

    from fazhi_tui.sync.hub import import_bundle

    enrolled, paths = scale_bundles(work, n)
    hub = enrolled.parent / "hub-run"
    if hub.exists():
        shutil.rmtree(hub)
    shutil.copytree(enrolled, hub)
    home, config, store = office(hub)
    cpu: list[float] = []
    try:
        def run(batch: list[Path]) -> None:
            for path in batch:
                c0 = time.process_time()
                outcome = import_bundle(home, config, store, path)
                cpu.append(time.process_time() - c0)
                if outcome.verdict != "imported":
                    raise RuntimeError(f"{path.name}: {outcome.verdict} {outcome.error}")

        start = time.perf_counter()
        run(paths[: n - m])
        grown = time.perf_counter() - start
        print(f"  {n - m} imported in {grown:.1f} s ({(n - m) / max(grown, 1e-9):.1f}/s wall); profiling {m}", file=sys.stderr)
        result = profiled(functools.partial(run, paths[n - m :]), split=True)
    finally:
        store.close()
        shutil.rmtree(hub, ignore_errors=True)
    tenth = max(n // 10, 1)
    rates = [len(cpu[i : i + tenth]) / max(sum(cpu[i : i + tenth]), 1e-9) for i in range(0, n - tenth + 1, tenth)]
    print("bundles per CPU second, per tenth (the last tenth includes the profiler's overhead when --profile reaches it):")
    print("  " + ", ".join(f"{r:.1f}" for r in rates))
    if result:
        print(f"profiled: {1000 * result[1] / m:.2f} ms a bundle, of which SQLite {1000 * result[0] / m:.2f} ms")


if __name__ == "__main__":
    main()
