"""The start's parts outside the interface (issue 20): whether opening a database would
upgrade it, and garbage collection paused while the interface starts."""

from __future__ import annotations

import gc
import shutil

import pytest

from fazhi_tui.base.paths import resolve_home
from fazhi_tui.storage.database import upgrade_pending
from fazhi_tui.storage.store import Store
from tests.hardening.make_fixtures import FIXTURES


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
