"""The township office's commands: ``run``, ``demo``, ``checklist``, ``export``, ``enroll``,
``import``, ``backup``, ``restore``. Each parses its arguments and calls one use case of
:mod:`fazhi_tui.services.office`; those that write into the home hold its lock (``writes``)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from fazhi_tui.base.files import atomic_write_bytes
from fazhi_tui.base.i18n import t
from fazhi_tui.base.patterns import expand_files
from fazhi_tui.cli.common import (
    DATE,
    EXIT_FAILURE,
    EXIT_USAGE,
    POSITIVE,
    YEAR,
    Command,
    Option,
    Output,
    current_home,
    fail,
    home_option,
    say,
    writes,
)
from fazhi_tui.services import office
from fazhi_tui.services.checklist import problem_text
from fazhi_tui.sync.errors import BundleRefused, SyncError

__all__ = ["COMMANDS"]


@click.command("run", cls=Command, help="cli.help.run", examples=("fazhi-tui run", "fazhi-tui run --home D:\\fazhi"))
@home_option
def run() -> int:
    from fazhi_tui.cli.root import run_app

    return run_app(current_home())


@click.command(
    "demo", cls=Command, help="cli.help.demo",
    examples=("fazhi-tui demo --home D:\\demo", "fazhi-tui demo --home D:\\demo --township 640381101 --years 2 --records 600"),
)
@home_option
@click.option("--township", metavar="CODE", default=None, cls=Option, help="cli.opt.township")
@click.option("--years", type=POSITIVE, default=3, cls=Option, help="cli.opt.years")
@click.option("--records", type=POSITIVE, default=None, cls=Option, help="cli.opt.records")
def demo(township: str | None, years: int, records: int | None) -> int:
    say(office.make_demo(current_home(), township=township, years=years, records=records))
    return 0


@click.command(
    "checklist", cls=Command, help="cli.help.checklist",
    examples=("fazhi-tui checklist", "fazhi-tui checklist --year 2025 --format markdown --out 2025.md",
              "fazhi-tui checklist --date 2026-06-30 --format csv --out mid-year.csv"),
)
@home_option
@click.option("--year", type=YEAR, default=None, cls=Option, help="cli.opt.year")
@click.option("--date", "on", type=DATE, default=None, cls=Option, help="cli.opt.date")
@click.option("--format", "fmt", type=click.Choice(office.CHECKLIST_FORMATS), default="table", cls=Option, help="cli.opt.checklist_format")
@click.option("--out", metavar="FILE", default=None, cls=Option, help="cli.opt.out")
def checklist(year: int | None, on: dt.date | None, fmt: str, out: str | None) -> int:
    if fmt in office.BINARY_FORMATS and out is None:
        return fail(t("cli.binary_needs_out", fmt=fmt), EXIT_USAGE)
    home = current_home()
    config, store = office.open_office(home)
    on = on or dt.date.today()
    try:
        report = office.checklist_report(home, config, store, year=year or on.year, on=on, fmt=fmt)
    finally:
        store.close()
    if report.active.problem:
        print(problem_text(report.active.problem), file=sys.stderr)
    if out is None:
        sys.stdout.write(report.text)
        return 0
    try:
        if report.data is not None:
            atomic_write_bytes(Path(out), report.data)
        else:
            office.write_report_text(Path(out), report.text, fmt)
    except OSError as exc:
        return fail(t("cli.cannot_write", path=out, reason=exc.strerror or str(exc)))
    return 0


@click.command("export", cls=Command, help="cli.help.export", examples=("fazhi-tui export --to E:\\", "fazhi-tui export --to E:\\ --full"))
@home_option
@click.option("--to", metavar="DIR", required=True, cls=Option, help="cli.opt.to")
@click.option("--full", is_flag=True, cls=Option, help="cli.opt.full")
@click.option("--max-size", "max_mb", metavar="MB", type=POSITIVE, default=None, cls=Option, help="cli.opt.max_size")
@writes
def export(to: str, full: bool, max_mb: int | None) -> int:
    home = current_home()
    config, store = office.open_office(home)
    try:
        result = office.export_bundle(home, config, store, Path(to), full=full, max_mb=max_mb)
    except SyncError as exc:
        return fail(f"{exc.message()} ({exc.detail})")
    except OSError as exc:
        return fail(t("err.export_write", path=to, reason=exc.strerror or str(exc)))
    finally:
        store.close()
    say(office.exported_line(result))
    return 0


@click.command("enroll", cls=Command, help="cli.help.enroll", examples=("fazhi-tui enroll E:\\fazhi-enrol-640302100.json",))
@home_option
@click.argument("file", metavar="FILE")
@click.option("--replace", is_flag=True, cls=Option, help="cli.opt.replace_enrolment")
@writes
def enroll(file: str, replace: bool) -> int:
    home = current_home()
    config, store = office.open_office(home)
    store.close()
    try:
        enrolment = office.enrol_office(home, config, Path(file), replace=replace)
    except BundleRefused as exc:
        return fail(f"{file}: {exc.message()} ({exc.detail})")
    say(office.enrolled_line(enrolment))
    return 0


@click.command("import", cls=Command, help="cli.help.import", examples=("fazhi-tui import E:\\", "fazhi-tui import \"E:\\fazhi-down-640302100-*.fzb\""))
@home_option
@click.argument("files", metavar="FILE|DIR...", nargs=-1, required=True)
@writes
def import_down(files: tuple[str, ...]) -> int:
    """Each argument a file, a folder (this office's down-bundles in it) or a pattern the
    program expands itself (cmd.exe and PowerShell pass ``*`` on unexpanded)."""
    home = current_home()
    config, store = office.open_office(home)
    refused = 0
    try:
        paths = expand_files(files, f"fazhi-down-{config.office_code}-*.fzb")
        output = Output(len(paths))
        try:
            for verdict, line in office.import_down_files(home, config, store, paths, detail=True, progress=output.progress):
                refused += verdict == "refused"
                output.say(line)
        finally:
            output.close()
    finally:
        store.close()
    return EXIT_FAILURE if refused else 0


@click.command("backup", cls=Command, help="cli.help.backup", examples=("fazhi-tui backup --to E:\\", "fazhi-tui backup --list"))
@home_option
@click.option("--to", metavar="DIR", default=None, cls=Option, help="cli.opt.backup_to")
@click.option("--list", "listing", is_flag=True, cls=Option, help="cli.opt.backup_list")
def backup(to: str | None, listing: bool) -> int:
    """A checked copy of the database in DIR (a USB stick), made while the program may be
    open (SQLite's backup API): no lock needed. ``--list``: the automatic backups."""
    home = current_home()
    if listing == (to is not None):
        return fail(t("backup.to_or_list"), EXIT_USAGE)
    if listing:
        for line in office.backup_lines(home):
            say(line)
        return 0
    say(office.backup_copy(home, Path(to)))
    return 0


@click.command(
    "restore", cls=Command, help="cli.help.restore",
    examples=(
        "fazhi-tui restore --list",
        "fazhi-tui restore fazhi-20261127-093000-000000-daily.db",
        "fazhi-tui restore E:\\fazhi-20261127-093000-000000-auto-copy.db",
    ),
)
@home_option
@click.option("--list", "listing", is_flag=True, cls=Option, help="cli.opt.list")
@click.argument("backup", metavar="BACKUP_NAME", required=False, default=None)
def restore(listing: bool, backup: str | None) -> int:
    home = current_home()
    if backup is None:
        for line in office.backup_lines(home):
            say(line)
        return 0
    if listing:
        return fail(t("restore.list_or_name"), EXIT_USAGE)
    for line in office.restore_named(home, backup).splitlines():
        say(line)
    return 0


COMMANDS = (run, demo, checklist, export, enroll, import_down, backup, restore)
