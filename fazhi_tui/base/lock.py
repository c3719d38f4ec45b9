"""One program per home: a lock file held while the interface or a writing command runs.

The file (``fazhi-tui.lock`` in the home's data folder) is locked with the operating
system's own file locking — ``fcntl.flock`` on POSIX, ``msvcrt.locking`` on Windows — so
a program that crashes, is killed or loses power frees it: the system drops the lock with
the process. The file also names its holder (process id, computer, start time) so that a
second program can say who has the home open.

A lock file left by a process that is gone is *stale*: the system lock is free, the file
still names the dead holder. It is taken over (and the takeover is logged). Where a file
system cannot lock at all (some network shares), the holder's name decides: a live process
on this computer, or any holder on another computer, keeps the home; a dead process on
this computer does not.

Within one process the lock is re-entrant: the interface holds it, and a restore it runs
takes it again without refusing itself.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import logging
import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from fazhi_tui.base.i18n import t

__all__ = ["LOCK_NAME", "Holder", "HomeInUse", "HomeLock", "home_lock", "lock_path", "read_holder"]

LOCK_NAME = "fazhi-tui.lock"
# Windows locks a byte range, and a locked range cannot be read by others: the holder's
# name is written at the start of the file and the byte locked lies far beyond it.
_WINDOWS_LOCK_OFFSET = 1 << 20

log = logging.getLogger(__name__)


def lock_path(folder: Path) -> Path:
    """The lock file of the home whose data folder is ``folder``."""
    return Path(folder) / LOCK_NAME


@dataclass(frozen=True)
class Holder:
    """Who holds a home: process id, computer name, when it started, and what it runs."""

    pid: int
    host: str
    started: str
    program: str = ""

    def describe(self) -> str:
        return t("lock.holder", pid=self.pid, host=self.host, started=self.started[:19].replace("T", " "))

    def to_json(self) -> str:
        return json.dumps({"pid": self.pid, "host": self.host, "started": self.started, "program": self.program}, ensure_ascii=False)

    def is_this_host(self) -> bool:
        return self.host == socket.gethostname()


class HomeInUse(Exception):
    """Another program holds the home. ``message()`` says who, in the user's language."""

    def __init__(self, path: Path, holder: Holder | None) -> None:
        super().__init__(f"{path}: held by {holder}")
        self.path = Path(path)
        self.holder = holder

    def message(self) -> str:
        who = self.holder.describe() if self.holder else t("lock.holder_unknown")
        return t("err.home_in_use", home=self.path.parent, who=who)


def read_holder(path: Path) -> Holder | None:
    """The holder named in the lock file at ``path``, or None (no file, empty, unreadable)."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(4096)
    except OSError:
        return None
    try:
        data = json.loads(raw.decode("utf-8").strip("\x00 \r\n"))
        return Holder(int(data["pid"]), str(data["host"]), str(data["started"]), str(data.get("program", "")))
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if os.name == "nt":  # pragma: no cover - Windows only
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        try:
            kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
            return code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, another user's
    except OSError:
        return False
    return True


class _Unsupported(Exception):
    """The file system cannot lock this file."""


def _try_lock(fd: int) -> bool:
    """Take the system lock without waiting: True if taken, False if someone holds it."""
    if os.name == "nt":  # pragma: no cover - Windows only
        import msvcrt

        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError as exc:
            if exc.errno in (errno.EACCES, errno.EDEADLK):
                return False
            raise _Unsupported(str(exc)) from exc
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            return False
        raise _Unsupported(str(exc)) from exc
    return True


def _unlock(fd: int) -> None:
    if os.name == "nt":  # pragma: no cover - Windows only
        import msvcrt

        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        except OSError:
            pass
        return
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_UN)
    except OSError:
        pass


# Locks this process holds, by lock file: (fd, count). A second HomeLock on the same
# home in this process shares the first one's system lock.
_held: dict[Path, list[int]] = {}
_held_guard = threading.Lock()


class HomeLock:
    """The lock of one home. ``acquire()`` raises HomeInUse; ``release()`` frees it.

    Use :func:`home_lock` as a context manager around a writing command.
    """

    def __init__(self, folder: Path, program: str = "fazhi-tui") -> None:
        self.path = lock_path(folder)
        self.program = program
        self.held = False

    def _key(self) -> Path:
        return self.path.resolve()

    def acquire(self) -> HomeLock:
        if self.held:
            return self
        key = self._key()
        with _held_guard:
            if key in _held:
                _held[key][1] += 1
                self.held = True
                return self
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                self._take(fd)
            except BaseException:
                os.close(fd)
                raise
            _held[key] = [fd, 1]
            self.held = True
        return self

    def _take(self, fd: int) -> None:
        previous = read_holder(self.path)
        by_name = False  # the system lock is what keeps the home; the name only says who
        try:
            locked = _try_lock(fd)
        except _Unsupported as exc:
            log.warning("cannot lock %s (%s): relying on the holder's name", self.path, exc)
            mine = previous is not None and previous.is_this_host() and previous.pid == os.getpid()
            alive = previous is not None and (not previous.is_this_host() or _pid_alive(previous.pid))
            if alive and not mine:
                raise HomeInUse(self.path, previous) from None
            locked = by_name = True
        if not locked:
            log.info("refused: %s is held by %s", self.path.parent, previous)
            raise HomeInUse(self.path, previous)
        if previous is not None and previous.pid != os.getpid():
            log.warning("took over a stale lock on %s left by %s", self.path.parent, previous)
        me = Holder(os.getpid(), socket.gethostname(), dt.datetime.now().astimezone().isoformat(timespec="seconds"), self.program)
        os.lseek(fd, 0, os.SEEK_SET)
        os.ftruncate(fd, 0)
        os.write(fd, (me.to_json() + "\n").encode("utf-8"))
        if by_name:
            # only the name keeps the home: on the disk (and the file server) before going on.
            # Under a system lock the name needs no flush: the lock goes with the process
            # whatever the file says, and the flush cost every start a disk write (~0.3-4 ms
            # here, tens of ms on an old PC's disk; issue 20)
            try:
                os.fsync(fd)
            except OSError:
                pass

    def release(self) -> None:
        if not self.held:
            return
        self.held = False
        key = self._key()
        with _held_guard:
            entry = _held.get(key)
            if entry is None:
                return
            entry[1] -= 1
            if entry[1] > 0:
                return
            del _held[key]
            fd = entry[0]
            try:
                # Say nobody holds it before letting go; the file itself stays (removing
                # it could race with a program that has just opened it).
                os.lseek(fd, 0, os.SEEK_SET)
                os.ftruncate(fd, 0)
            except OSError:
                pass
            _unlock(fd)
            os.close(fd)

    def __enter__(self) -> HomeLock:
        return self.acquire()

    def __exit__(self, *exc_info) -> None:
        self.release()


@contextmanager
def home_lock(folder: Path, program: str = "fazhi-tui") -> Iterator[HomeLock]:
    """Hold the lock of the home whose data folder is ``folder`` (``home.data_dir``) for
    the duration of the block; raises HomeInUse if another program holds it."""
    lock = HomeLock(folder, program).acquire()
    try:
        yield lock
    finally:
        lock.release()
