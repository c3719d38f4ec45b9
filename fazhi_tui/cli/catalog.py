"""``fazhi-tui hub catalog ...``: the delegated-items catalog a county publishes."""

from __future__ import annotations

import sys

import click

from fazhi_tui.base.i18n import t
from fazhi_tui.cli.common import EXIT_FAILURE, EXIT_USAGE, Group, Option, current_home, fail, home_option, say, writes
from fazhi_tui.services import hub as hub_services
from fazhi_tui.services import office, sheets
from fazhi_tui.services.catalog_import import CatalogError, catalog_specs

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


@catalog.command(
    "import", help="cli.help.catalog_import",
    examples=("fazhi-tui hub catalog import 下放事项.xlsx", "fazhi-tui hub catalog import 目录.xls --map code=权力编码 --map name=C",
              "fazhi-tui hub catalog import catalog.csv < NUL"),
)
@home_option
@click.argument("file", metavar="FILE")
@click.option("--map", "pairs", metavar="FIELD=HEADER", multiple=True, cls=Option, help="cli.opt.map")
@writes
def import_catalog(file: str, pairs: tuple[str, ...]) -> int:
    """Preview the catalog file (the columns used, good rows, each refused row), then store
    it: after a yes at a terminal, at once without one (CI, a script). Exit 0 when items
    were stored (refused rows listed), 1 when nothing could be stored, 2 if the file
    cannot be read as a catalog or its needed columns must be pointed at with --map."""
    home = current_home()
    config, store = office.open_office(home)
    try:
        try:
            given = sheets.parse_given(pairs, catalog_specs())
            preview = hub_services.preview_catalog(config, store, file, given=given, home=home)
        except sheets.MappingNeeded as exc:
            return fail(f"{file}: " + "\n".join(hub_services.mapping_needed_lines(exc)), EXIT_USAGE)
        except CatalogError as exc:
            return fail(f"{file}: {exc.message()}", EXIT_USAGE)
        for _, line in hub_services.catalog_preview_lines(preview, file):
            say(line)
        status = 0
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
        say(hub_services.store_previewed_catalog(store, preview, home=home))
        return status
    finally:
        store.close()
