"""``fazhi-tui hub catalog ...``: the delegated-items catalog a county publishes."""

from __future__ import annotations

import sys

import click

from fazhi_tui.base.i18n import t
from fazhi_tui.cli.common import EXIT_FAILURE, EXIT_USAGE, Group, current_home, fail, home_option, say, writes
from fazhi_tui.services import hub as hub_services
from fazhi_tui.services import office
from fazhi_tui.services.catalog_import import CatalogError

__all__ = ["catalog"]


@click.group("catalog", cls=Group, help="cli.help.catalog", examples=("fazhi-tui hub catalog import 下放事项.xlsx",))
@home_option
def catalog() -> None:
    pass


def _stdin_is_terminal() -> bool:
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (ValueError, OSError):  # closed
        return False


@catalog.command("import", help="cli.help.catalog_import", examples=("fazhi-tui hub catalog import 下放事项.xlsx", "fazhi-tui hub catalog import catalog.csv < NUL"))
@home_option
@click.argument("file", metavar="FILE")
@writes
def import_catalog(file: str) -> int:
    """Preview the catalog file (good rows, each refused row), then store it: after a yes at
    a terminal, at once without one (CI, a script). Exit 1 if any row was refused, 2 if
    the file cannot be read as a catalog."""
    home = current_home()
    config, store = office.open_office(home)
    try:
        try:
            preview = hub_services.preview_catalog(config, store, file)
        except CatalogError as exc:
            return fail(f"{file}: {exc.message()}", EXIT_USAGE)
        for _, line in hub_services.catalog_preview_lines(preview, file):
            say(line)
        status = EXIT_FAILURE if preview.refused else 0
        if not preview.good:
            say(t("catalog.nothing"))
            return EXIT_FAILURE
        if _stdin_is_terminal():
            try:
                answer = input(t("catalog.confirm", count=len(preview.good)))
            except EOFError:
                answer = ""
            if answer.strip().lower() not in ("y", "yes", "是"):
                say(t("catalog.not_stored"))
                return status
        say(hub_services.store_previewed_catalog(store, preview))
        return status
    finally:
        store.close()
