"""The start's parts outside the interface (issue 20): whether opening a database would
upgrade it, and garbage collection paused while the interface starts."""

from __future__ import annotations

import gc
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fazhi_tui.base.paths import resolve_home
from fazhi_tui.storage.database import upgrade_pending
from fazhi_tui.storage.store import Store
from tests.hardening.make_fixtures import FIXTURES

ROOT = Path(__file__).resolve().parent.parent


def test_only_a_database_at_this_version_needs_no_upgrade(tmp_path):
    path = tmp_path / "fazhi.db"
    assert upgrade_pending(path)  # none yet: opening makes it
    Store.open(path, tmp_path / "backups").close()
    assert not upgrade_pending(path)
    old = tmp_path / "old.db"
    shutil.copyfile(FIXTURES / "fazhi-v1.db", old)
    assert upgrade_pending(old)
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(b"not a database" * 100)
    assert upgrade_pending(damaged)  # opening it says what is wrong


def test_opening_the_program_needs_no_click(tmp_path):
    """``fazhi-tui`` and ``fazhi-tui --home DIR`` open the interface without the command
    line's click (fazhi_tui/cli/start.py); every other use of the command goes through it."""
    code = (
        "import gc, json, sys\n"
        "import fazhi_tui.cli.start as start\n"
        "start.run_app = lambda home: print(json.dumps([str(home.data_dir), gc.isenabled(), sorted(sys.modules)])) or 0\n"
        "from fazhi_tui.cli import main\n"
        f"assert main(['--home', {str(tmp_path)!r}]) == 0 and main([f'--home={tmp_path}']) == 0\n"
        "assert gc.isenabled()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    for line in done.stdout.splitlines():
        folder, collecting, modules = json.loads(line)
        assert folder == str(tmp_path.resolve())
        assert not collecting  # paused from the first import on
        assert "click" not in modules and "fazhi_tui.cli.root" not in modules


def test_a_second_program_on_the_same_home_is_refused_without_click(tmp_path):
    from fazhi_tui.base.lock import home_lock

    home = resolve_home(tmp_path / "office")
    home.ensure()
    with home_lock(home.data_dir, "fazhi-tui"):
        # (the lock is re-entrant within a process: a second process is needed)
        done = subprocess.run([sys.executable, "-m", "fazhi_tui", "--home", str(home.data_dir)],
                              capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 1
    assert "正被另一个 fazhi-tui 使用" in done.stderr, done.stderr


@pytest.mark.parametrize("fails", [False, True])
def test_collection_is_paused_while_the_interface_runs_and_back_after(tmp_path, monkeypatch, fails):
    from fazhi_tui.cli.root import run_app
    from fazhi_tui.ui.app import FazhiApp

    seen = []

    def run(app):
        seen.append(gc.isenabled())
        if fails:
            raise RuntimeError("the terminal went away")

    monkeypatch.setattr(FazhiApp, "run", run)
    home = resolve_home(tmp_path / "office")
    try:
        if fails:
            with pytest.raises(RuntimeError):
                run_app(home)
        else:
            assert run_app(home) == 0
        after = gc.isenabled()
    finally:
        gc.enable()
    assert seen == [False]
    assert after
