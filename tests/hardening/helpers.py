"""Helpers of the hardening tests: offices in tmp_path, database probes, and running a step
in a child process that is killed (SIGKILL) at a chosen point.

Killing points:

* ``kill_at_sql=N``: the child dies as SQLite starts its N-th statement (a trace callback
  on every connection the child opens), before that statement does anything;
* ``kill_at_event=N``: the child dies at the N-th Python profile event of the step (every
  call and return, of Python functions and of C functions such as ``os.replace`` and
  ``os.fsync``: the points between a file's write, its flush and its rename);
* ``kill_after=seconds``: the parent kills the child after a delay, wherever it is (inside
  SQLite's commit, inside a write).

The child is a fork of the test process (``os.fork``): it starts in microseconds with
everything imported, and leaves through ``os._exit`` so nothing of pytest runs twice.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fazhi_tui.domain.kinds import KINDS

# Offices, the command line, clocks and database probes are those of the sync tests.
from tests.sync.util import (  # noqa: F401  (re-exported for the hardening tests)
    COUNTY,
    COUNTY_NAME,
    RECORD_TABLES,
    TODAY,
    TOWN_A,
    TOWN_B,
    FakeClock,
    Office,
    Run,
    another_enrolment,
    dump,
    enrol,
    export,
    files,
    hub,
    hub_import,
    kind_counts,
    moment,
    ok,
    real_now,
    run,
    stamp,
    township,
    update,
)


def second_device(office: Office, root: Path, enrolment: Path) -> Office:
    """A second PC of the same township: a copy of its home with its own device id and key."""
    shutil.copytree(office.root, root)
    other = Office(root)
    conn = sqlite3.connect(other.db)
    with conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'device_id'", (os.urandom(16).hex(),))
    conn.close()
    (root / "keys" / "device.json").unlink()
    ok("enroll", enrolment, "--home", root)
    return other


@dataclass(frozen=True)
class World:
    root: Path
    hub: Office
    a: Office  # 640302100 金星镇, 80 demo records, enrolled
    b: Office  # 640302101, 30 demo records, enrolled
    usb: Path
    bundle: Path  # A's first full bundle, on the stick, not imported

    def enrolment(self, code: str) -> Path:
        return self.usb / f"fazhi-enrol-{code}.json"


def make_world(root: Path) -> World:
    usb = root / "usb"
    county = hub(root / "county")
    a = township(root / "a", TOWN_A, records=80)
    b = township(root / "b", TOWN_B, records=30)
    enrol(county, a, usb, "金星镇")
    enrol(county, b, usb, "示范镇101")
    bundle = export(a, usb).path
    return World(root, county, a, b, usb, bundle)


def copy_world(template: World, root: Path) -> World:
    shutil.copytree(template.root, root)
    return World(
        root, Office(root / "county"), Office(root / "a"), Office(root / "b"), root / "usb", root / "usb" / template.bundle.name
    )


# -- looking at databases ----------------------------------------------------------------------------


def query(db: Path, sql: str, params: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def integrity(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        result = conn.execute("PRAGMA integrity_check").fetchall()
        keys = conn.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        conn.close()
    return "ok" if result == [("ok",)] and not keys else f"{result} {keys}"


def records(db: Path, township_code: str) -> dict[str, dict[str, tuple]]:
    """The synced columns of a township's records (system columns and fields), by kind and uuid."""
    from fazhi_tui.storage.store import SYSTEM_COLUMNS

    out = {}
    for name, kind in KINDS.items():
        columns = (*SYSTEM_COLUMNS, *kind.columns)
        rows = query(db, f"SELECT {', '.join(columns)} FROM {name} WHERE township = ?", (township_code,))
        out[name] = {r[0]: tuple(r) for r in rows}
    return out


# -- a step in a child process, killed at a chosen point -----------------------------------------------


class _Armed:
    """What the child counts while it runs: SQL statements, profile events, and the event
    numbers of the file-system calls that matter for a crash (write, flush, rename)."""

    WATCHED = {"replace", "rename", "fsync", "unlink", "open", "fchmod", "fdopen"}  # functions of os
    WATCHED_FILE = {"write", "flush", "close"}  # methods of a file on disk (not of a BytesIO)

    def __init__(self, kill_at_sql: int | None, kill_at_event: int | None) -> None:
        self.sql = 0
        self.events = 0
        self.marks: list[tuple[int, str]] = []
        self.kill_at_sql = kill_at_sql
        self.kill_at_event = kill_at_event

    def on_sql(self, statement: str) -> None:
        self.sql += 1
        if self.sql == self.kill_at_sql:
            os.kill(os.getpid(), signal.SIGKILL)

    def on_event(self, frame, event: str, arg) -> None:
        self.events += 1
        if self.events == self.kill_at_event:
            os.kill(os.getpid(), signal.SIGKILL)
        if event == "c_call":
            name = getattr(arg, "__name__", "")
            owner = type(getattr(arg, "__self__", None)).__name__
            if (name in self.WATCHED and owner == "module") or (name in self.WATCHED_FILE and owner in ("BufferedWriter", "FileIO")):
                self.marks.append((self.events, name))


@dataclass
class ChildRun:
    killed: bool
    result: Any = None  # what the step returned (JSON), if it finished
    sql: int = 0  # statements it ran (if it finished)
    events: int = 0  # profile events of the step (if it finished and was profiled)
    marks: list[tuple[int, str]] = field(default_factory=list)


def in_child(
    step: Callable[[], Any],
    *,
    kill_at_sql: int | None = None,
    kill_at_event: int | None = None,
    kill_after: float | None = None,
    profile: bool = False,
) -> ChildRun:
    """Run ``step()`` in a forked child and report whether it was killed or finished."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        code = 0
        try:
            os.close(read_fd)
            armed = _Armed(kill_at_sql, kill_at_event)
            real_connect = sqlite3.connect

            def connect(*args, **kwargs):
                conn = real_connect(*args, **kwargs)
                conn.set_trace_callback(armed.on_sql)
                return conn

            sqlite3.connect = connect
            if profile or kill_at_event is not None:
                sys.setprofile(armed.on_event)
            try:
                result = step()
            finally:
                sys.setprofile(None)
            report = {"result": result, "sql": armed.sql, "events": armed.events, "marks": armed.marks}
            with os.fdopen(write_fd, "wb") as pipe:
                pipe.write(json.dumps(report, default=str).encode("utf-8"))
        except BaseException:  # noqa: BLE001 - reported by the exit code
            traceback.print_exc()
            code = 3
        finally:
            os._exit(code)
    os.close(write_fd)
    if kill_after is not None:
        time.sleep(kill_after)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    with os.fdopen(read_fd, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        assert os.WTERMSIG(status) == signal.SIGKILL, status
        return ChildRun(killed=True)
    assert os.WEXITSTATUS(status) == 0, f"the child failed (exit {os.WEXITSTATUS(status)}); its traceback is above"
    report = json.loads(data)
    return ChildRun(False, report["result"], report["sql"], report["events"], [tuple(m) for m in report["marks"]])


def spread(total: int, count: int, *, tail: int = 0) -> list[int]:
    """About ``count`` points from 1 to ``total`` evenly apart, and the last ``tail`` ones."""
    step = max(1, total // max(count, 1))
    points = set(range(1, total + 1, step)) | set(range(max(1, total - tail + 1), total + 1))
    return sorted(points)
