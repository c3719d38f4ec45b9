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

import datetime as dt
import io
import json
import os
import shutil
import signal
import sqlite3
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fazhi_tui.cli import main
from fazhi_tui.config import Config, load_config
from fazhi_tui.demo import build_demo
from fazhi_tui.domain.kinds import KINDS
from fazhi_tui.paths import Home, resolve_home
from fazhi_tui.storage.store import STAMP_FORMAT, Actor, Store, utc_now
from fazhi_tui.sync.export import ExportResult, export_up
from fazhi_tui.sync.hub import ImportOutcome, import_bundle

TODAY = dt.date(2026, 11, 27)
COUNTY, COUNTY_NAME = "640302", "利通区"
TOWN_A, TOWN_B = "640302100", "640302101"
RECORD_TABLES = tuple(KINDS)

Clock = Callable[[], str]


# -- the command line ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


def run(*argv: Any) -> Run:
    """``fazhi-tui ARGV...`` in-process; returns exit code, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main([str(a) for a in argv])
    return Run(code, out.getvalue(), err.getvalue())


def ok(*argv: Any) -> Run:
    result = run(*argv)
    assert result.code == 0, result
    return result


# -- clocks ----------------------------------------------------------------------------------------


def stamp(when: dt.datetime) -> str:
    return when.astimezone(dt.timezone.utc).strftime(STAMP_FORMAT)


def moment(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, STAMP_FORMAT).replace(tzinfo=dt.timezone.utc)


class FakeClock:
    """A PC's clock set to ``start``: each reading is one millisecond after the last."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> str:
        self.now += dt.timedelta(milliseconds=1)
        return stamp(self.now)


def real_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


# -- offices ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Office:
    """One home folder: a township or a county hub."""

    root: Path

    @property
    def home(self) -> Home:
        return resolve_home(self.root)

    @property
    def config(self) -> Config:
        config = load_config(self.home.config)
        assert config is not None
        return config

    @property
    def db(self) -> Path:
        return self.home.database

    @contextmanager
    def store(self, clock: Clock = utc_now) -> Iterator[Store]:
        store = Store.open(self.home.database, self.home.backups, clock=clock)
        try:
            yield store
        finally:
            store.close()

    def actor(self) -> Actor:
        config = self.config
        return Actor(config.operator or "测试员", config.office_code)

    def device_id(self) -> str:
        with self.store() as store:
            return store.device_id


def township(root: Path, code: str = TOWN_A, records: int = 80) -> Office:
    build_demo(resolve_home(root), township=code, today=TODAY, records=records)
    return Office(root)


def hub(root: Path, code: str = COUNTY, name: str = COUNTY_NAME) -> Office:
    ok("hub", "init", code, "--name", name, "--home", root)
    return Office(root)


def enrol(hub_office: Office, member: Office, usb: Path, name: str) -> Path:
    usb.mkdir(parents=True, exist_ok=True)
    code = member.config.office_code
    ok("hub", "enroll", code, "--name", name, "--to", usb, "--home", hub_office.root)
    path = usb / f"fazhi-enrol-{code}.json"
    ok("enroll", path, "--home", member.root)
    return path


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


def export(office: Office, usb: Path, *, full: bool = False, clock: Clock = utc_now) -> ExportResult:
    usb.mkdir(parents=True, exist_ok=True)
    config = office.config
    with office.store(clock) as store:
        return export_up(office.home, config, store, usb, full=full)


def update(office: Office, kind: str, record_uuid: str, values: dict[str, Any], *, clock: Clock = utc_now) -> None:
    with office.store(clock) as store:
        assert store.update(KINDS[kind], record_uuid, values, office.actor())


def hub_import(hub_office: Office, path: Path, *, clock: Clock = utc_now) -> ImportOutcome:
    config = hub_office.config
    with hub_office.store(clock) as store:
        return import_bundle(hub_office.home, config, store, path)


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


def dump(db: Path) -> dict[str, list[tuple]]:
    """Every row of every table, in a fixed order."""
    conn = sqlite3.connect(db)
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {name: sorted(conn.execute(f"SELECT * FROM {name}").fetchall(), key=repr) for name in names}
    finally:
        conn.close()


def kind_counts(db: Path, township_code: str | None = None) -> dict[str, int]:
    """Rows per kind, tombstones included (only ``township_code``'s when given)."""
    where, params = ("WHERE township = ?", (township_code,)) if township_code else ("", ())
    return {name: query(db, f"SELECT count(*) FROM {name} {where}", params)[0][0] for name in RECORD_TABLES}


def records(db: Path, township_code: str) -> dict[str, dict[str, tuple]]:
    """The synced columns of a township's records (system columns and fields), by kind and uuid."""
    from fazhi_tui.storage.store import SYSTEM_COLUMNS

    out = {}
    for name, kind in KINDS.items():
        columns = (*SYSTEM_COLUMNS, *kind.columns)
        rows = query(db, f"SELECT {', '.join(columns)} FROM {name} WHERE township = ?", (township_code,))
        out[name] = {r[0]: tuple(r) for r in rows}
    return out


def files(folder: Path) -> dict[str, bytes]:
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


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
