"""Regenerate the screenshots of the README and the user's guide from the program itself
(SVG, 80x24, in Chinese, on demo data).

    python tools/screenshots.py [--out DIR]

writes ``DIR/screenshot-*.svg`` (the README's) and ``DIR/screens/*.svg`` (the guide's);
DIR is ``docs`` by default. ``tests/test_screenshots.py`` runs this into a temporary
folder and fails if a committed screenshot differs: the pictures never drift from the
real screens.

Everything that could change between two runs is fixed here, not in the program:

* the date: the demo townships' ``today`` and the program's ``today`` are TODAY;
* the clock: every database the run opens gets one shared clock that starts at
  2026-11-27 08:00 UTC and ticks a second per reading (audit rows, bundle times,
  import times);
* random identifiers: ``uuid.uuid4`` gives a seeded sequence (record ids, which break
  ties between records of the same date in a list, and device ids, which appear in
  bundle file names);
* the terminal: NO_COLOR, FORCE_COLOR and TEXTUAL_* settings are ignored;
* folders: the USB stick and the PC's documents folder are temporary folders, shown on
  screen as ``E:\\`` and ``C:\\Users\\zhangming\\Documents`` (a township PC's names)
  whatever the computer that runs this; removable drives of that computer are not listed.

The hub screens come from a demo county hub built with the program's own commands
(``fazhi_tui.cli.main``): ``hub init``, three townships enrolled, two of them (demo
townships) load their enrolment file and export, the hub imports.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import io
import itertools
import os
import random
import sys
import tempfile
import threading
import uuid
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# Settings of the terminal that would change the pictures (colours, Textual's debug and
# driver options) are the computer's, not the program's: leave them out.
for _name in [n for n in os.environ if n.startswith("TEXTUAL") or n in ("NO_COLOR", "FORCE_COLOR", "FAZHI_TUI_HOME")]:
    del os.environ[_name]

from fazhi_tui.base.config import load_config, save_config  # noqa: E402
from fazhi_tui.base.i18n import t  # noqa: E402
from fazhi_tui.base.paths import Home, resolve_home  # noqa: E402
from fazhi_tui.cli import main as cli  # noqa: E402
from fazhi_tui.services.demo import build_demo  # noqa: E402
from fazhi_tui.storage.store import Store  # noqa: E402
from fazhi_tui.ui.app import FazhiApp  # noqa: E402
from fazhi_tui.ui.screens.hub import HubScreen  # noqa: E402
from fazhi_tui.ui.screens.sync import SyncScreen  # noqa: E402
from fazhi_tui.ui.widgets.folder_picker import FolderPicker  # noqa: E402

TODAY = dt.date(2026, 11, 27)
START = dt.datetime(2026, 11, 27, 8, 0, tzinfo=dt.UTC)
SIZE = (80, 24)
SEED = 20261127
STICK_SHOWN = "E:\\"
DOCUMENTS_SHOWN = "C:\\Users\\zhangming\\Documents"

COUNTY = ("640302", "利通区")
TOWNSHIP = ("640302100", "金星镇")  # the demo township: every township screen
SECOND = ("640302103", "金积镇")  # a second demo township that reports
SILENT = ("640302104", "高闸镇")  # enrolled, never reported

# The README's screenshots (docs/), then the guide's (docs/screens/): file -> keys pressed.
README_SHOTS = {
    "screenshot-home.svg": [],
    "screenshot-meetings.svg": ["1"],
}
TOWNSHIP_SHOTS = {
    "home.svg": [],
    "list.svg": ["1", "down", "down"],
    "form-error.svg": ["1", "n", "tab", *"2026-02-30", "ctrl+s"],
    "checklist.svg": ["c"],
    "evidence.svg": ["c", "down", "down", "enter"],
    "help.svg": ["1", "f1"],
}


# -- what would differ between runs ------------------------------------------------------------


class FixedClock:
    """ISO-8601 UTC stamps from START, one second apart, shared by every database opened."""

    def __init__(self) -> None:
        self._ticks = itertools.count()
        self._lock = threading.Lock()

    def __call__(self) -> str:
        with self._lock:
            tick = next(self._ticks)
        return (START + dt.timedelta(seconds=tick)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def fix_randomness_and_time(fixed: FixedClock) -> None:
    rng = random.Random(SEED)
    lock = threading.Lock()

    def seeded_uuid4() -> uuid.UUID:
        with lock:
            return uuid.UUID(int=rng.getrandbits(128), version=4)

    uuid.uuid4 = seeded_uuid4
    opener = Store.open.__func__

    def open_with_clock(cls, path, backup_dir, clock=None, **kwargs):
        return opener(cls, path, backup_dir, clock or fixed, **kwargs)

    Store.open = classmethod(open_with_clock)


class Folders:
    """The stick and the documents folder: real temporary folders, shown with fixed names."""

    def __init__(self, stick: Path, documents: Path) -> None:
        self.stick, self.documents = stick, documents
        self.shown = [(str(stick), STICK_SHOWN), (str(documents), DOCUMENTS_SHOWN)]

    def show(self, text: str) -> str:
        for real, shown in self.shown:
            text = text.replace(real + "/", shown.rstrip("\\") + "\\").replace(real, shown)
        return text

    def real(self, text: str) -> str:
        for real, shown in self.shown:
            if text == shown or text.rstrip("\\") == shown.rstrip("\\"):
                return real
        return text

    def install(self) -> None:
        folders = self

        def candidates(self) -> list[tuple[Path, str]]:
            return [(folders.stick, t("sync.folder_usb")), (folders.documents, t("sync.folder_home"))]

        def compose(self):
            from textual.widgets import Input, Label, OptionList
            from textual.widgets.option_list import Option

            found = self.candidates()
            yield Label(t("sync.pick_folder"))
            yield OptionList(*(Option(f"{folders.show(str(p))}   （{what}）", id=str(p)) for p, what in found), id="folders")
            yield Input(folders.show(str(found[0][0])), id="folder-path", placeholder=t("sync.folder_placeholder"), compact=True)

        def path(self) -> Path:
            return Path(folders.real(self.query_one("#folder-path").value.strip()))

        FolderPicker.candidates = candidates
        FolderPicker.compose = compose
        FolderPicker.path = property(path)
        for screen in (SyncScreen, HubScreen):
            original = screen.say

            def say(self, text: str, original=original) -> None:
                original(self, folders.show(text))

            screen.say = say


# -- taking a screenshot ---------------------------------------------------------------------


async def settle(app, pilot) -> None:
    for _ in range(4):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


async def shoot(home: Home, clock: FixedClock, shots: dict[str, list[str]], out: Path) -> None:
    """Each shot from a fresh start of the program: press the keys, save the screen."""
    for name, keys in shots.items():
        app = FazhiApp(home, today=TODAY, clock=clock)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            for key in keys:
                await pilot.press(key)
                await settle(app, pilot)
            write(out / name, app.export_screenshot(title="fazhi-tui"))


async def session(home: Home, clock: FixedClock, steps: Iterable[tuple[str, str | None]], out: Path) -> None:
    """One run of the program: press each key; after a step with a file name, save the screen."""
    app = FazhiApp(home, today=TODAY, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        for key, name in steps:
            if key:
                await pilot.press(key)
                await settle(app, pilot)
            if name:
                write(out / name, app.export_screenshot(title="fazhi-tui"))


def write(path: Path, svg: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(svg, encoding="utf-8", newline="\n")
    print(path)


def run(*args: str) -> None:
    """A command of the program, as typed at the prompt; its output is not wanted here."""
    with contextlib.redirect_stdout(io.StringIO()) as output:
        code = cli(list(args))
    if code != 0:
        raise SystemExit(f"fazhi-tui {' '.join(args)} failed ({code}): {output.getvalue()}")


def demo_township(home: Home, code: str, name: str) -> None:
    build_demo(home, township=code, today=TODAY)
    config = load_config(home.config)
    if config.township_name != name:
        save_config(home.config, replace(config, township_name=name))


# -- everything -----------------------------------------------------------------------------------


def make_all(out: Path) -> None:
    clock = FixedClock()
    fix_randomness_and_time(clock)
    with tempfile.TemporaryDirectory(prefix="fazhi-screens-") as folder:
        base = Path(folder)
        stick, documents = base / "stick", base / "documents"
        stick.mkdir()
        documents.mkdir()
        Folders(stick, documents).install()

        # The first start on a new PC: nothing in the data folder yet.
        asyncio.run(shoot(resolve_home(base / "new-office"), clock, {"first-start.svg": []}, out / "screens"))

        # The township: its own screens.
        township = resolve_home(base / "township")
        demo_township(township, *TOWNSHIP)
        asyncio.run(shoot(township, clock, README_SHOTS, out))
        asyncio.run(shoot(township, clock, TOWNSHIP_SHOTS, out / "screens"))

        # The county hub enrols three townships; the stick carries the enrolment files.
        county = resolve_home(base / "county")
        run("hub", "init", COUNTY[0], "--name", COUNTY[1], "--home", str(county.data_dir))
        for code, name in (TOWNSHIP, SECOND, SILENT):
            run("hub", "enroll", code, "--name", name, "--to", str(stick), "--home", str(county.data_dir))

        # A second township loads its enrolment file and exports from the command line.
        second = resolve_home(base / "second")
        demo_township(second, *SECOND)
        run("enroll", str(stick / f"fazhi-enrol-{SECOND[0]}.json"), "--home", str(second.data_dir))
        run("export", "--to", str(stick), "--home", str(second.data_dir))

        # The demo township does it on the USB exchange screen: Ctrl+O reads the enrolment
        # file from the stick, Ctrl+E writes the bundle.
        asyncio.run(session(township, clock, [("e", None), ("ctrl+o", None), ("ctrl+e", "screens/usb.svg")], out))

        # The county reads both bundles on its hub screen (Ctrl+O), then opens the matrix.
        asyncio.run(session(county, clock, [("ctrl+o", "screens/hub.svg"), ("m", "screens/matrix.svg")], out))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", metavar="DIR", default=str(ROOT / "docs"), help="where to write (default: docs/)")
    args = parser.parse_args(argv)
    make_all(Path(args.out))


if __name__ == "__main__":
    main()
