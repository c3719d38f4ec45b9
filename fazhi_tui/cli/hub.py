"""``fazhi-tui hub ...``: the county's or city's commands. Each parses its arguments and
calls one use case of :mod:`fazhi_tui.services.hub`; those that write into the home hold
its lock (``writes``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from pathlib import Path

import click

from fazhi_tui.base.i18n import t
from fazhi_tui.base.patterns import expand_files
from fazhi_tui.cli.catalog import catalog
from fazhi_tui.cli.common import DATE, EXIT_FAILURE, YEAR, Group, Option, Output, current_home, fail, home_option, say, writes
from fazhi_tui.cli.evidence import hub_files
from fazhi_tui.services import hub as hub_services
from fazhi_tui.services import office
from fazhi_tui.services.checklist import problem_text
from fazhi_tui.sync.errors import SyncError

__all__ = ["hub"]


@click.group(
    "hub", cls=Group, invoke_without_command=True, help="cli.help.hub",
    examples=("fazhi-tui hub --home D:\\county", "fazhi-tui hub init 640302 --name 利通区", "fazhi-tui hub import E:\\"),
)
@home_option
@click.pass_context
def hub(ctx: click.Context) -> int:
    if ctx.invoked_subcommand is not None:
        return 0
    from fazhi_tui.cli.root import run_app

    return run_app(current_home())


def _at_the_hub(command: Callable[..., int]) -> Callable[..., int]:
    """Open the hub's config and store for ``command(home, config, store, ...)``; a sync step
    refused, or a folder that cannot be written, is said and ends the command with 1."""

    @wraps(command)
    def wrapper(*args, **kwargs) -> int:
        home = current_home()
        config, store = office.open_office(home)
        try:
            return command(home, config, store, *args, **kwargs)
        except SyncError as exc:
            return fail(f"{exc.message()} ({exc.detail})")
        except BrokenPipeError:
            raise  # the reader of our output went away (| head): handled in main()
        except OSError as exc:
            return fail(t("err.export_write", path=kwargs.get("to", ""), reason=exc.strerror or str(exc)))
        finally:
            store.close()

    return wrapper


@hub.command("init", help="cli.help.hub_init", examples=("fazhi-tui hub init 640302 --name 利通区", "fazhi-tui hub init 6403 --level city --name 吴忠市"))
@home_option
@click.argument("code", metavar="CODE")
@click.option("--name", required=True, cls=Option, help="cli.opt.hub_name")
@click.option("--level", type=click.Choice(("county", "city")), default="county", cls=Option, help="cli.opt.level")
def init(code: str, name: str, level: str) -> int:
    say(hub_services.init_hub(current_home(), code, name, level))
    return 0


@hub.command("enroll", help="cli.help.hub_enroll", examples=("fazhi-tui hub enroll 640302100 --name 金星镇 --to E:\\",))
@home_option
@click.argument("code", metavar="CODE")
@click.option("--name", required=True, cls=Option, help="cli.opt.member_name")
@click.option("--to", metavar="DIR", required=True, cls=Option, help="cli.opt.to")
@click.option("--another-device", is_flag=True, cls=Option, help="cli.opt.another_device")
@writes
@_at_the_hub
def enroll(home, config, store, code: str, name: str, to: str, another_device: bool) -> int:
    say(hub_services.enrol_member(home, config, store, code, name, Path(to), another_device=another_device))
    return 0


@hub.command(
    "import", help="cli.help.hub_import",
    examples=("fazhi-tui hub import E:\\", "fazhi-tui hub import \"E:\\fazhi-up-640302*.fzb\"", "fazhi-tui hub import --dry-run E:\\fazhi-up-640302100-000001.fzb"),
)
@home_option
@click.argument("files", metavar="FILE|DIR...", nargs=-1, required=True)
@click.option("--dry-run", is_flag=True, cls=Option, help="cli.opt.dry_run")
@writes(unless="dry_run")
@_at_the_hub
def import_up(home, config, store, files: tuple[str, ...], dry_run: bool) -> int:
    """Each argument a file, a folder (its up-bundles) or a pattern the program expands
    itself (cmd.exe and PowerShell pass ``*`` on unexpanded)."""
    paths = expand_files(files, "fazhi-up-*.fzb")
    output = Output(len(paths))
    refused = 0
    try:
        for verdict, lines in hub_services.import_up_files(home, config, store, paths, dry_run=dry_run, detail=True, progress=output.progress):
            refused += verdict == "refused"
            for _, line in lines:
                output.say(line)
    finally:
        output.close()
    return EXIT_FAILURE if refused else 0


@hub.command("publish", help="cli.help.hub_publish", examples=("fazhi-tui hub publish --to E:\\",))
@home_option
@click.option("--to", metavar="DIR", required=True, cls=Option, help="cli.opt.to")
@writes
@_at_the_hub
def publish(home, config, store, to: str) -> int:
    for line in hub_services.publish_bundles(home, config, store, Path(to)):
        say(line)
    return 0


@hub.command("changes", help="cli.help.hub_changes", examples=("fazhi-tui hub changes --since 2026-11-01 --until 2026-11-30",))
@home_option
@click.option("--since", type=DATE, default=None, cls=Option, help="cli.opt.since")
@click.option("--until", type=DATE, default=None, cls=Option, help="cli.opt.until")
@_at_the_hub
def changes(home, config, store, since: dt.date | None, until: dt.date | None) -> int:
    for line in hub_services.change_lines(store, since, until):
        say(line)
    return 0


@hub.command("report", help="cli.help.hub_report", examples=("fazhi-tui hub report --out 2026.xlsx", "fazhi-tui hub report --year 2025 --format csv --out 2025.csv"))
@home_option
@click.option("--year", type=YEAR, default=None, cls=Option, help="cli.opt.year")
@click.option("--date", "on", type=DATE, default=None, cls=Option, help="cli.opt.date")
@click.option("--format", "fmt", type=click.Choice(hub_services.HUB_REPORT_FORMATS), default="xlsx", cls=Option, help="cli.opt.report_format")
@click.option("--out", metavar="FILE", required=True, cls=Option, help="cli.opt.report_out")
@_at_the_hub
def report(home, config, store, year: int | None, on: dt.date | None, fmt: str, out: str) -> int:
    on = on or dt.date.today()
    try:
        done = hub_services.hub_report(home, config, store, Path(out), fmt=fmt, year=year or on.year, on=on)
    except OSError as exc:
        return fail(t("cli.cannot_write", path=out, reason=exc.strerror or str(exc)))
    if done.active.problem:
        fail(problem_text(done.active.problem))
    say(t("report.saved", path=out))
    return 0


@hub.command("export", help="cli.help.hub_export", examples=("fazhi-tui hub export --to E:\\", "fazhi-tui hub export --to E:\\ --full"))
@home_option
@click.option("--to", metavar="DIR", required=True, cls=Option, help="cli.opt.to")
@click.option("--full", is_flag=True, cls=Option, help="cli.opt.full")
@writes
@_at_the_hub
def export(home, config, store, to: str, full: bool) -> int:
    say(office.exported_line(hub_services.export_hub_bundle(home, config, store, Path(to), full=full)))
    return 0


hub.add_command(catalog)
hub.add_command(hub_files)
