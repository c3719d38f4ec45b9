"""Helpers for the sync tests: demo townships, hubs and a "USB stick" folder, all in tmp_path.

Everything runs in-process: the command line through :func:`fazhi_tui.cli.main` (output
captured here, so the helpers also work in module-scoped fixtures), the sync steps through
the functions of :mod:`fazhi_tui.sync`.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fazhi_tui.base.config import Config, load_config
from fazhi_tui.base.paths import Home, resolve_home
from fazhi_tui.cli import main
from fazhi_tui.domain.kinds import KINDS
from fazhi_tui.services.demo import build_demo
from fazhi_tui.storage.store import STAMP_FORMAT, Actor, Store, utc_now
from fazhi_tui.sync.export import ExportResult, export_up
from fazhi_tui.sync.hub import ImportOutcome, import_bundle, publish
from fazhi_tui.sync.member import DownOutcome, import_down

TODAY = dt.date(2026, 11, 27)
COUNTY, COUNTY_NAME = "640302", "利通区"
TOWN_A, TOWN_B = "640302100", "640302101"
RECORD_TABLES = tuple(KINDS)
DEMO_RECORDS = 80  # a small demo township: every kind, a few tombstones

Clock = Callable[[], str]


# -- the command line ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return self.out.splitlines()


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


def moment(stamp: str) -> dt.datetime:
    return dt.datetime.strptime(stamp, STAMP_FORMAT).replace(tzinfo=dt.UTC)


def stamp(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime(STAMP_FORMAT)


class FakeClock:
    """A clock that says what it is told; each reading is one millisecond after the last."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def set(self, when: dt.datetime) -> None:
        self.now = when

    def __call__(self) -> str:
        self.now += dt.timedelta(milliseconds=1)
        return stamp(self.now)


def real_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# -- offices -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Office:
    """One home folder: a township, a county hub or a city hub."""

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

    @property
    def code(self) -> str:
        return self.config.office_code

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

    def moved(self, root: Path) -> Office:
        """A copy of this whole home folder (database, keys, config) at ``root``."""
        shutil.copytree(self.root, root)
        return Office(root)


def township(root: Path, code: str = TOWN_A, records: int = DEMO_RECORDS) -> Office:
    build_demo(resolve_home(root), township=code, today=TODAY, records=records)
    return Office(root)


def hub(root: Path, code: str = COUNTY, name: str = COUNTY_NAME, level: str = "county") -> Office:
    ok("hub", "init", code, "--name", name, "--level", level, "--home", root)
    return Office(root)


def enrol(hub_office: Office, member: Office | str, usb: Path, name: str = "示范镇") -> Path:
    """The hub enrols ``member``; an Office loads the enrolment file at once."""
    code = member if isinstance(member, str) else member.code
    usb.mkdir(parents=True, exist_ok=True)
    ok("hub", "enroll", code, "--name", name, "--to", usb, "--home", hub_office.root)
    path = usb / f"fazhi-enrol-{code}.json"
    if isinstance(member, Office):
        ok("enroll", path, "--home", member.root)
    return path


def another_enrolment(hub_office: Office, code: str, usb: Path, name: str = "示范镇") -> Path:
    """A new enrolment file for one more PC of an enrolled member (each file works once)."""
    usb.mkdir(parents=True, exist_ok=True)
    before = set(usb.glob(f"fazhi-enrol-{code}-device*.json"))
    ok("hub", "enroll", code, "--name", name, "--to", usb, "--another-device", "--home", hub_office.root)
    (path,) = set(usb.glob(f"fazhi-enrol-{code}-device*.json")) - before
    return path


# -- sync steps in-process ----------------------------------------------------------------------------


def export(office: Office, usb: Path, *, full: bool = False, clock: Clock = utc_now, max_bytes: int | None = None) -> ExportResult:
    usb.mkdir(parents=True, exist_ok=True)
    config = office.config
    with office.store(clock) as store:
        return export_up(office.home, config, store, usb, full=full, max_bytes=max_bytes)


def hub_import(hub_office: Office, path: Path, *, dry_run: bool = False, clock: Clock = utc_now) -> ImportOutcome:
    config = hub_office.config
    with hub_office.store(clock) as store:
        return import_bundle(hub_office.home, config, store, path, dry_run=dry_run)


def hub_publish(hub_office: Office, usb: Path) -> list[Path]:
    usb.mkdir(parents=True, exist_ok=True)
    config = hub_office.config
    with hub_office.store() as store:
        return publish(hub_office.home, config, store, usb)


def down(office: Office, path: Path) -> DownOutcome:
    config = office.config
    with office.store() as store:
        return import_down(office.home, config, store, path)


def down_file(folder: Path, member: str) -> Path:
    (path,) = sorted(folder.glob(f"fazhi-down-{member}-*.fzb"))[-1:]
    return path


# -- edits ----------------------------------------------------------------------------------------------


def live_uuids(office: Office, kind: str) -> list[str]:
    with office.store() as store:
        return [r["uuid"] for r in store.all_live(KINDS[kind])]


def update(office: Office, kind: str, record_uuid: str, values: dict[str, Any], clock: Clock = utc_now) -> None:
    with office.store(clock) as store:
        assert store.update(KINDS[kind], record_uuid, values, office.actor())


def delete(office: Office, kind: str, record_uuid: str, clock: Clock = utc_now) -> None:
    with office.store(clock) as store:
        store.tombstone(KINDS[kind], record_uuid, office.actor())


def insert(office: Office, kind: str, values: dict[str, Any], clock: Clock = utc_now) -> str:
    with office.store(clock) as store:
        return store.insert(KINDS[kind], values, office.actor())


def new_training(title: str) -> dict[str, Any]:
    return {"date": "2026-11-20", "title": title, "form": "central", "hours": 2.0, "items": [], "staff": []}


# -- looking at databases ------------------------------------------------------------------------------


def connect(db: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    return conn


def query(db: Path, sql: str, params: tuple = ()) -> list[sqlite3.Row]:
    conn = connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def dump(db: Path, tables: tuple[str, ...] | None = None) -> dict[str, list[tuple]]:
    """Every row of every table (or of ``tables``), in a fixed order."""
    conn = sqlite3.connect(db)
    try:
        names = tables or tuple(
            r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        )
        return {name: sorted(conn.execute(f"SELECT * FROM {name}").fetchall(), key=repr) for name in names}
    finally:
        conn.close()


def record_tables(db: Path) -> dict[str, list[tuple]]:
    """SELECT * of every record table, ordered by uuid."""
    conn = sqlite3.connect(db)
    try:
        return {name: conn.execute(f"SELECT * FROM {name} ORDER BY uuid").fetchall() for name in RECORD_TABLES}
    finally:
        conn.close()


def kind_counts(db: Path, township_code: str | None = None) -> dict[str, int]:
    """Rows per kind, tombstones included (only ``township_code``'s when given)."""
    where, params = ("WHERE township = ?", (township_code,)) if township_code else ("", ())
    return {name: query(db, f"SELECT count(*) FROM {name} {where}", params)[0][0] for name in RECORD_TABLES}


def contents(db: Path, township_code: str) -> dict[str, dict[str, dict[str, Any]]]:
    """The synced columns (system columns and fields) of a township's records, by kind and uuid."""
    from fazhi_tui.storage.store import SYSTEM_COLUMNS

    out = {}
    for name, kind in KINDS.items():
        columns = (*SYSTEM_COLUMNS, *kind.columns)
        rows = query(db, f"SELECT {', '.join(columns)} FROM {name} WHERE township = ?", (township_code,))
        out[name] = {r["uuid"]: dict(r) for r in rows}
    return out


def files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (path relative to it → bytes); {} if there is no folder."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
