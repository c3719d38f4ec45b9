"""Evidence files from the command line: ``attach``, ``files`` and ``detach`` at a township,
``hub files CODE RECORD_UUID`` at the county (read-only). Each calls services/evidence.py."""

from __future__ import annotations

from pathlib import Path

import click

from fazhi_tui.base.i18n import t
from fazhi_tui.cli.common import POSITIVE, Command, Option, current_home, home_option, say, writes
from fazhi_tui.services import evidence, office
from fazhi_tui.services.errors import ActionRefused

__all__ = ["COMMANDS", "hub_files"]


@click.command(
    "attach", cls=Command, help="cli.help.attach",
    examples=("fazhi-tui attach 3f2a…  E:\\会议纪要.pdf E:\\签到表.jpg --caption 专题会议纪要",),
)
@home_option
@click.argument("record_uuid", metavar="RECORD_UUID")
@click.argument("paths", metavar="FILE...", nargs=-1, required=True)
@click.option("--caption", default="", cls=Option, help="cli.opt.caption")
@writes
def attach(record_uuid: str, paths: tuple[str, ...], caption: str) -> int:
    home = current_home()
    config, store = office.open_office(home)
    try:
        rows = evidence.attach_files(home, config, store, record_uuid, [Path(p) for p in paths], caption)
        for line in evidence.file_lines(rows, home):
            say(line)
        say(t("files.attached", count=len(rows), uuid=record_uuid))
    finally:
        store.close()
    return 0


def _show(rows, home, fmt: str, number: int | None) -> int:
    if number is not None:
        if number > len(rows):
            raise ActionRefused("err.file_number", usage=True, n=number, count=len(rows))
        path, opened = evidence.open_file(home, rows[number - 1])
        say(t("files.opened" if opened else "files.lies_at", path=str(path)))
        return 0
    if fmt == "json":
        say(evidence.files_json(rows, home))
    elif not rows:
        say(t("files.none"))
    else:
        for line in evidence.file_lines(rows, home):
            say(line)
    return 0


@click.command(
    "files", cls=Command, help="cli.help.files",
    examples=("fazhi-tui files 3f2a…", "fazhi-tui files 3f2a… --format json", "fazhi-tui files 3f2a… --open 1"),
)
@home_option
@click.argument("record_uuid", metavar="RECORD_UUID")
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", cls=Option, help="cli.opt.files_format")
@click.option("--open", "number", type=POSITIVE, default=None, cls=Option, help="cli.opt.open")
def files(record_uuid: str, fmt: str, number: int | None) -> int:
    home = current_home()
    config, store = office.open_office(home)
    try:
        township = None if config.hub is None else config.office_code  # a hub's own: none (see hub files)
        return _show(evidence.record_files(store, record_uuid, township), home, fmt, number)
    finally:
        store.close()


@click.command("detach", cls=Command, help="cli.help.detach", examples=("fazhi-tui detach 3f2a… 2",))
@home_option
@click.argument("record_uuid", metavar="RECORD_UUID")
@click.argument("number", metavar="N", type=POSITIVE)
@writes
def detach(record_uuid: str, number: int) -> int:
    home = current_home()
    config, store = office.open_office(home)
    try:
        rows = evidence.record_files(store, record_uuid)
        if number > len(rows):
            raise ActionRefused("err.file_number", usage=True, n=number, count=len(rows))
        evidence.detach_file(config, store, rows[number - 1]["uuid"])
        say(t("files.detached", name=rows[number - 1]["name"]))
    finally:
        store.close()
    return 0


@click.command(
    "files", cls=Command, help="cli.help.hub_files",
    examples=("fazhi-tui hub files 640302100 3f2a…", "fazhi-tui hub files 640302100 3f2a… --open 1"),
)
@home_option
@click.argument("code", metavar="CODE")
@click.argument("record_uuid", metavar="RECORD_UUID")
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", cls=Option, help="cli.opt.files_format")
@click.option("--open", "number", type=POSITIVE, default=None, cls=Option, help="cli.opt.open")
def hub_files(code: str, record_uuid: str, fmt: str, number: int | None) -> int:
    home = current_home()
    config, store = office.open_office(home)
    try:
        return _show(evidence.record_files(store, record_uuid, code), home, fmt, number)
    finally:
        store.close()


COMMANDS = (attach, files, detach)
