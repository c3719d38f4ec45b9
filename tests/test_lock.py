"""One program per home: the lock file, a second holder refused, a stale lock taken over,
restore refused while the home is in use."""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from fazhi_tui.base import i18n, lock
from fazhi_tui.base.lock import HomeInUse, HomeLock, home_lock, lock_path, read_holder
from fazhi_tui.base.paths import resolve_home
from fazhi_tui.storage.database import DatabaseInUse, backup_database, list_backups, restore_backup
from fazhi_tui.storage.store import Store

REPO = Path(__file__).resolve().parents[1]

HOLDER = """
import sys
from pathlib import Path
from fazhi_tui.base.lock import HomeLock
held = HomeLock(Path(sys.argv[1]), "test holder").acquire()
print("locked", flush=True)
sys.stdin.readline()
if sys.argv[2:] == ["crash"]:
    import os
    os._exit(3)  # no release: the system must free the lock
held.release()
"""


class Holder:
    """Another process holding a home's lock until ``stop()``."""

    def __init__(self, folder: Path, mode: str = "clean") -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(folder), mode],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
        )
        line = self.process.stdout.readline()
        assert line.strip() == "locked", self.process.stderr.read()

    def stop(self) -> int:
        self.process.stdin.write("\n")
        self.process.stdin.flush()
        return self.process.wait(timeout=30)


def test_the_lock_file_names_its_holder_and_is_emptied_on_release(tmp_path):
    with home_lock(tmp_path, "fazhi-tui test") as held:
        assert held.held
        holder = read_holder(lock_path(tmp_path))
        assert holder.pid == os.getpid() and holder.host == socket.gethostname()
        assert holder.program == "fazhi-tui test" and holder.started[:4].isdigit()
    assert read_holder(lock_path(tmp_path)) is None
    assert lock_path(tmp_path).exists()  # kept: removing it could race with another program


def test_a_second_program_is_refused_and_told_who_holds_the_home(tmp_path):
    other = Holder(tmp_path)
    try:
        with pytest.raises(HomeInUse) as info:
            HomeLock(tmp_path).acquire()
        assert info.value.holder.pid == other.process.pid
        assert info.value.holder.host == socket.gethostname()
        message = info.value.message()
        assert str(other.process.pid) in message and socket.gethostname() in message and "正被另一个" in message
        i18n.set_language("en")
        assert "in use by another fazhi-tui" in info.value.message() and f"process {other.process.pid}" in info.value.message()
    finally:
        assert other.stop() == 0
    with home_lock(tmp_path):  # free again once the other program ended
        pass


@pytest.fixture
def logged():
    """The records the program logs (its "fazhi_tui" logger does not pass them to the root)."""
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record)

    logger = logging.getLogger("fazhi_tui")
    handler, level = Keep(logging.DEBUG), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield records
    logger.removeHandler(handler)
    logger.setLevel(level)


def test_a_crashed_holder_leaves_a_stale_lock_that_is_taken_over(tmp_path, logged):
    other = Holder(tmp_path, "crash")
    pid = other.process.pid
    assert other.stop() == 3
    stale = read_holder(lock_path(tmp_path))
    assert stale is not None and stale.pid == pid  # the dead program's name is still in the file
    with home_lock(tmp_path):
        assert read_holder(lock_path(tmp_path)).pid == os.getpid()
    assert any("stale lock" in r.getMessage() and str(pid) in r.getMessage() for r in logged)


def test_the_lock_is_reentrant_within_one_process(tmp_path):
    first = HomeLock(tmp_path).acquire()
    second = HomeLock(tmp_path).acquire()
    second.release()
    assert read_holder(lock_path(tmp_path)).pid == os.getpid()  # still held by the first
    first.release()
    assert read_holder(lock_path(tmp_path)) is None


@pytest.mark.parametrize(
    "holder, refused",
    [
        ({"pid": 2**22 + 12345, "host": socket.gethostname()}, False),  # a dead process here
        ({"pid": os.getppid(), "host": socket.gethostname()}, True),  # a live one here
        ({"pid": 1, "host": "another-pc"}, True),  # cannot tell: another computer keeps it
    ],
)
def test_without_system_locks_the_holders_name_decides(tmp_path, monkeypatch, holder, refused):
    def cannot_lock(fd):
        raise lock._Unsupported("no locks on this share")

    monkeypatch.setattr(lock, "_try_lock", cannot_lock)
    lock_path(tmp_path).write_text(json.dumps({**holder, "started": "2026-01-01T08:00:00"}), encoding="utf-8")
    if refused:
        with pytest.raises(HomeInUse) as info:
            HomeLock(tmp_path).acquire()
        assert info.value.holder.pid == holder["pid"]
    else:
        with home_lock(tmp_path):
            assert read_holder(lock_path(tmp_path)).pid == os.getpid()


def _home_with_a_backup(tmp_path):
    home = resolve_home(tmp_path / "office")
    home.ensure()
    store = Store.open(home.database, home.backups)
    backup_database(store.conn, home.backups, "test")
    store.close()
    return home, list_backups(home.backups)[0]


def test_restore_is_refused_while_another_program_holds_the_home(tmp_path):
    home, backup = _home_with_a_backup(tmp_path)
    before = home.database.read_bytes()
    other = Holder(home.data_dir)
    try:
        with pytest.raises(DatabaseInUse) as info:
            restore_backup(backup, home.database, home.backups)
        assert str(other.process.pid) in info.value.detail
        assert info.value.key == "err.db_in_use"
    finally:
        other.stop()
    assert home.database.read_bytes() == before
    assert [p for p in list_backups(home.backups) if "before-restore" in p.name] == []
    # The program that holds the home may restore (the interface's own restore).
    with home_lock(home.data_dir):
        kept = restore_backup(backup, home.database, home.backups)
    assert kept.exists()


def test_the_restore_command_says_who_holds_the_home(tmp_path):
    home, backup = _home_with_a_backup(tmp_path)
    other = Holder(home.data_dir)
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
        env["PYTHONPATH"] = str(REPO)
        result = subprocess.run([sys.executable, "-m", "fazhi_tui", "restore", backup.name, "--home", str(home.data_dir)],
                                capture_output=True, text=True, env=env, timeout=60)
    finally:
        other.stop()
    assert result.returncode == 1
    assert "不能恢复" in result.stderr and f"进程 {other.process.pid}" in result.stderr and "Traceback" not in result.stderr
