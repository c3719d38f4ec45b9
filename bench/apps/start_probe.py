"""Start one app headless and print ``READY`` the moment its first usable screen is drawn.

    python bench/apps/start_probe.py bare
    python bench/apps/start_probe.py bare-home
    python bench/apps/start_probe.py fazhi HOME_DIR [--marker=TEXT]

``bare``: the reference app (one static line), ready at its first frame.
``bare-home``: the second reference (bare_home.py: the home screen's widgets, none of the
program's code), ready at its first frame.
``fazhi``: the program as ``python -m fazhi_tui --home HOME_DIR`` starts it (console, command
line, ``run_app``), its ``FazhiApp`` headless, ready at the first frame drawn with the home
screen in front and the meetings' count in its list — the first usable screen, what the
tmux figure waits for. The probe patches ``fazhi_tui.ui.app`` as the program imports it, so
the program's imports happen in their own order. (Until issue 20's second pass the probes
were ready after a refresh callback, which for the program came after later frames and the
footer's keys.)
``--marker``: the meetings' count as the home screen shows it (``12 条``), known to the
caller; without it the probe counts the meetings itself before starting the program, and
that query (~1.5 ms of CPU) is then inside the program's figure.
Then the app exits. The parent times from spawning this process to reading ``READY``,
so the interpreter's start and every import are inside the figure for both apps.
With ``--modules`` the probe also prints the modules loaded by then (one line, JSON). Last
comes ``CPU <seconds>``: the CPU time the process had used at READY (all its threads).
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
# the program measured: this checkout, or the copy named by FAZHI_BENCH_SOURCE (see common.py)
sys.path.insert(0, os.environ.get("FAZHI_BENCH_SOURCE") or str(Path(__file__).resolve().parent.parent.parent))


def ready(app) -> None:
    cpu = time.process_time()  # the process's CPU so far, every thread: robust to a busy machine
    print("READY", flush=True)
    if "--modules" in sys.argv:
        print(json.dumps(sorted(sys.modules)), flush=True)
    print(f"CPU {cpu:.6f}", flush=True)
    app.exit()


class FirstFrame:
    """READY the moment the first frame showing what the user waits for is drawn (for the
    program: the home screen with its counts), the same for the three apps: every frame goes
    through ``App._display`` (headless, drawn to nowhere), and the frame ``tmux`` shows is the
    one the tmux figure waits for."""

    _probe_done = False

    def shows_what_is_waited_for(self) -> bool:
        return True

    def _display(self, screen, renderable) -> None:
        super()._display(screen, renderable)
        if not self._probe_done and renderable is not None and self.shows_what_is_waited_for():
            self._probe_done = True
            ready(self)


def main() -> None:
    which = sys.argv[1]
    if which == "bare":
        from bare_app import BareApp

        class Probe(FirstFrame, BareApp):
            pass

        Probe().run(headless=True, size=(80, 24))
        return
    if which == "bare-home":
        from bare_home import BareHome

        class HomeProbe(FirstFrame, BareHome):
            pass

        HomeProbe().run(headless=True, size=(80, 24))
        return
    marker = next((arg.split("=", 1)[1] for arg in sys.argv if arg.startswith("--marker=")), None)
    if marker is None:  # counted here, inside the figure (start_bench.py counts before the launch)
        import sqlite3

        from fazhi_tui.base.paths import resolve_home

        conn = sqlite3.connect(resolve_home(sys.argv[2]).database)
        meetings = conn.execute("SELECT count(*) FROM meeting WHERE deleted_at IS NULL").fetchone()[0]
        conn.close()
        marker = f"{meetings} 条"  # what the home screen shows for the meetings once counted

    def watch(app_module) -> None:
        """Make the program's app (``fazhi_tui.ui.app``, just imported) headless and watched."""

        class Probe(FirstFrame, app_module.FazhiApp):
            CSS_PATH = str(Path(app_module.__file__).with_name("app.tcss"))

            def shows_what_is_waited_for(self) -> bool:
                # the home screen in front, its first line (meetings) showing the count
                if type(self.screen).__name__ != "HomeScreen":
                    return False
                kinds = self.screen.query("#kinds")
                return bool(kinds) and marker in str(kinds.first().get_option_at_index(0).prompt)

        app_module.FazhiApp = Probe
        Probe.run = lambda self, **kwargs: app_module.App.run(self, headless=True, size=(80, 24))

    class Watcher(importlib.abc.MetaPathFinder, importlib.abc.Loader):
        """Patches ``fazhi_tui.ui.app`` when the program imports it: the imports happen in the
        program's own order (Textual inside ``run_app``, as the user's start has it)."""

        def find_spec(self, name, path, target=None):
            if name != "fazhi_tui.ui.app":
                return None
            sys.meta_path.remove(self)
            spec = importlib.util.find_spec(name)
            self.loader = spec.loader
            spec.loader = self
            return spec

        def create_module(self, spec):
            return self.loader.create_module(spec)

        def exec_module(self, module):
            self.loader.exec_module(module)
            watch(module)

    sys.meta_path.insert(0, Watcher())
    # through the program's own entry (python -m fazhi_tui --home DIR: the console set up, the
    # command line parsed, run_app), with the app made headless and watched by the probe
    from fazhi_tui.base.console import setup_console

    setup_console()
    from fazhi_tui.cli import main as cli_main

    cli_main(["--home", sys.argv[2]])


if __name__ == "__main__":
    main()
