"""The township's office files both ways: ``ledger`` (the year's records as Excel),
``annual-report`` (the T7 report draft as Word) and ``import-sheet`` (existing ledgers
brought in from a spreadsheet). Each calls one use case of the services."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from fazhi_tui.base.i18n import t
from fazhi_tui.cli.common import EXIT_FAILURE, EXIT_USAGE, YEAR, Command, Option, current_home, fail, home_option, say, writes
from fazhi_tui.domain.kinds import KINDS
from fazhi_tui.services import office, sheets
from fazhi_tui.services.errors import ActionRefused

__all__ = ["COMMANDS"]


def _open_township():
    """The config and store of a township's home (a hub holds its townships' records, not a
    ledger of its own: refused with a usage error)."""
    home = current_home()
    config, store = office.open_office(home)
    if config.hub is not None:
        store.close()
        raise ActionRefused("err.files_township_only", usage=True)
    return home, config, store


def _stdin_is_terminal() -> bool:
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (ValueError, OSError):  # closed
        return False


@click.command(
    "ledger", cls=Command, help="cli.help.ledger",
    examples=("fazhi-tui ledger --year 2025 --out 2025年台账.xlsx",),
)
@home_option
@click.option("--year", type=YEAR, default=None, cls=Option, help="cli.opt.year")
@click.option("--out", metavar="FILE.xlsx", required=True, cls=Option, help="cli.opt.ledger_out")
def ledger(year: int | None, out: str) -> int:
    from fazhi_tui.services.ledger import ledger_line, write_ledger

    _home, config, store = _open_township()
    year = year or dt.date.today().year
    try:
        sheets_written = write_ledger(store, Path(out), township=config.office_name, year=year)
    except OSError as exc:
        return fail(t("cli.cannot_write", path=out, reason=exc.strerror or str(exc)))
    finally:
        store.close()
    say(ledger_line(Path(out), sheets_written, year))
    return 0


@click.command(
    "annual-report", cls=Command, help="cli.help.annual_report",
    examples=("fazhi-tui annual-report --year 2025 --out 2025年法治政府建设报告.docx",),
)
@home_option
@click.option("--year", type=YEAR, default=None, cls=Option, help="cli.opt.year")
@click.option("--out", metavar="FILE.docx", required=True, cls=Option, help="cli.opt.docx_out")
def annual_report(year: int | None, out: str) -> int:
    from fazhi_tui.services.annual_report import write_annual_report

    home, config, store = _open_township()
    today = dt.date.today()
    year = year or today.year
    on = min(today, dt.date(year, 12, 31))
    try:
        line = write_annual_report(home, config, store, Path(out), year=year, on=on)
    except OSError as exc:
        return fail(t("cli.cannot_write", path=out, reason=exc.strerror or str(exc)))
    finally:
        store.close()
    say(line)
    return 0


@click.command(
    "import-sheet", cls=Command, help="cli.help.import_sheet",
    examples=("fazhi-tui import-sheet 人员名单.xlsx --kind staff", "fazhi-tui import-sheet 会议.xls --kind meeting --map title=议题 --map date=B"),
)
@home_option
@click.argument("file", metavar="FILE")
@click.option("--kind", "kind_name", type=click.Choice(list(KINDS)), metavar="KIND", required=True, cls=Option, help="cli.opt.kind")
@click.option("--map", "pairs", metavar="FIELD=HEADER", multiple=True, cls=Option, help="cli.opt.map")
@writes
def import_sheet(file: str, kind_name: str, pairs: tuple[str, ...]) -> int:
    """Preview (columns used, refused rows by number, duplicates), then import: after a yes
    at a terminal, at once without one. Exit 0 when records were imported, 1 when none
    could be, 2 when the file cannot be read or its needed columns must be given with --map."""
    from fazhi_tui.domain.validation import Limits
    from fazhi_tui.services.hub import mapping_needed_lines
    from fazhi_tui.services.ledger_import import import_specs, preview_lines, preview_sheet, store_sheet
    from fazhi_tui.storage.store import Actor

    home, config, store = _open_township()
    kind = KINDS[kind_name]
    limits = Limits(future_meeting_days=config.thresholds.future_meeting_days)
    try:
        try:
            given = sheets.parse_given(pairs, import_specs(kind))
            preview = preview_sheet(store, kind, file, today=dt.date.today(), limits=limits, given=given, data_dir=home.data_dir)
        except sheets.MappingNeeded as exc:
            return fail(f"{file}: " + "\n".join(mapping_needed_lines(exc)), EXIT_USAGE)
        except sheets.SheetError as exc:
            return fail(f"{file}: {exc.message()}", EXIT_USAGE)
        for _, line in preview_lines(preview, file):
            say(line)
        if not preview.good:
            say(t("import.nothing"))
            return EXIT_FAILURE
        if _stdin_is_terminal():
            try:
                answer = input(t("import.confirm", count=len(preview.good)))
            except EOFError:
                answer = ""
            if answer.strip().lower() not in ("y", "yes", "是"):
                say(t("import.not_stored"))
                return 0
        count = store_sheet(store, preview, Actor(config.operator, config.township_code), data_dir=home.data_dir)
        say(t("import.stored", count=count, kind=t(f"kind.{kind.name}")))
        return 0
    finally:
        store.close()


COMMANDS = (ledger, annual_report, import_sheet)
