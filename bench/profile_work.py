"""Profile one piece of work on the benchmark's data (what the changes in RESULTS.md are
based on).

    python bench/profile_work.py checklist|matrix|export|import|start [--work DIR]

Uses pyinstrument when it is installed (``pip install pyinstrument``; not a dependency of
the program or of the suite), else cProfile (top 25 by cumulative time).

* checklist — a year's checklist of the 10-year, 20,000-record township;
* matrix    — the county matrix of the 20-township hub;
* export    — a full export of the township; import — its first import at a fresh hub;
* start     — the program's start up to the home screen with counts (headless).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import TODAY, YEAR, matrix_hub, office, sync_world, target_township, work_dir  # noqa: E402


def profiled(fn) -> None:
    try:
        from pyinstrument import Profiler
    except ImportError:
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.runcall(fn)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
        return
    profiler = Profiler(interval=0.0005)
    profiler.start()
    fn()
    profiler.stop()
    print(profiler.output_text(unicode=True, color=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=("checklist", "matrix", "export", "import", "start"))
    parser.add_argument("--work", default=None)
    args = parser.parse_args()
    work = work_dir(args.work)
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
            shutil.copytree(hub, out / "hub")
            home, config, store = office(out / "hub")
            profiled(lambda: import_bundle(home, config, store, bundle))
            store.close()
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


if __name__ == "__main__":
    main()
