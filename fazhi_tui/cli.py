"""The command line: a thin layer that parses arguments and calls the other layers.

``fazhi-tui`` with no command opens the program. Every command accepts ``--home DIR``
before or after its name. Textual is imported only when the interface is opened, so the
other commands answer fast.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from fazhi_tui import __version__
from fazhi_tui.base.config import ConfigError, load_config
from fazhi_tui.base.i18n import set_language, t
from fazhi_tui.base.paths import HOME_ENV, Home, resolve_home
from fazhi_tui.storage.database import DatabaseError

__all__ = ["main", "build_parser"]

CHECKLIST_FORMATS = ("table", "json", "csv", "markdown", "text")
EXIT_USAGE = 2
EXIT_FAILURE = 1


def _add_home(parser: argparse.ArgumentParser, top_level: bool) -> None:
    parser.add_argument(
        "--home",
        metavar="DIR",
        # On sub-commands the default is SUPPRESS so a --home given before the
        # command name is not overwritten by the sub-parser's own default.
        default=None if top_level else argparse.SUPPRESS,
        help=f"keep database, config, keys and backups in DIR (or set {HOME_ENV})",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fazhi-tui",
        description="乡镇法治政府建设台账 · township rule-of-law records, checklists and USB sync",
    )
    parser.add_argument("--version", action="version", version=f"fazhi-tui {__version__}")
    _add_home(parser, top_level=True)
    parser.add_argument("--demo", action="store_true", help="open the program on a demo township in a temporary folder")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = commands.add_parser("run", help="open the program (the default)")
    _add_home(run, top_level=False)

    demo = commands.add_parser("demo", help="fill a folder with a realistic demo township and exit")
    _add_home(demo, top_level=False)
    demo.add_argument("--township", metavar="CODE", default=None, help="9-digit division code (default 640302100)")
    demo.add_argument("--years", type=_positive_int, default=3, help="years of records ending with this year (default 3)")
    demo.add_argument("--records", type=_positive_int, default=None, help="about how many records in all (default: a few hundred)")

    checklist = commands.add_parser("checklist", help="print which of the plan's tasks this township meets")
    _add_home(checklist, top_level=False)
    checklist.add_argument("--year", type=_year, default=None, help="the year to check (default: the year of --date)")
    checklist.add_argument("--date", type=_date, default=None, help="check as of this day, YYYY-MM-DD (default: today)")
    checklist.add_argument("--format", choices=CHECKLIST_FORMATS, default="table", help="output format (default: table)")
    checklist.add_argument("--out", metavar="FILE", default=None, help="write to FILE instead of standard output")

    export = commands.add_parser("export", help="write an up-bundle for the hub (county) onto a USB stick")
    _add_home(export, top_level=False)
    export.add_argument("--to", metavar="DIR", required=True, help="the folder to write the bundle into")
    export.add_argument("--full", action="store_true", help="all records, not only those changed since the last confirmation")

    enroll = commands.add_parser("enroll", help="load the enrolment file the hub wrote for this office")
    _add_home(enroll, top_level=False)
    enroll.add_argument("file", metavar="FILE")

    down = commands.add_parser("import", help="import the hub's down-bundle (catalog, rules, confirmations)")
    _add_home(down, top_level=False)
    down.add_argument("files", metavar="FILE", nargs="+")

    hub = commands.add_parser("hub", help="county or city hub: enrol, import, publish, report")
    _add_home(hub, top_level=False)
    hub_commands = hub.add_subparsers(dest="hub_command", metavar="HUB_COMMAND")
    init = hub_commands.add_parser("init", help="make this home a hub")
    _add_home(init, top_level=False)
    init.add_argument("code", metavar="CODE", help="6-digit county code (or 4-digit city code with --level city)")
    init.add_argument("--name", required=True)
    init.add_argument("--level", choices=("county", "city"), default="county")
    hub_enroll = hub_commands.add_parser("enroll", help="enrol a member office and write its enrolment file")
    _add_home(hub_enroll, top_level=False)
    hub_enroll.add_argument("code", metavar="CODE", help="9-digit township code (6-digit county code at a city hub)")
    hub_enroll.add_argument("--name", required=True)
    hub_enroll.add_argument("--to", metavar="DIR", required=True)
    hub_import = hub_commands.add_parser("import", help="check and import up-bundles")
    _add_home(hub_import, top_level=False)
    hub_import.add_argument("files", metavar="FILE", nargs="+")
    hub_import.add_argument("--dry-run", action="store_true", help="say what would change, write nothing")
    hub_publish = hub_commands.add_parser("publish", help="write one down-bundle per member")
    _add_home(hub_publish, top_level=False)
    hub_publish.add_argument("--to", metavar="DIR", required=True)
    hub_changes = hub_commands.add_parser("changes", help="what imports added, changed and deleted, per township")
    _add_home(hub_changes, top_level=False)
    hub_changes.add_argument("--since", type=_date, default=None, help="from this day, YYYY-MM-DD")
    hub_changes.add_argument("--until", type=_date, default=None, help="to this day, YYYY-MM-DD")
    hub_report = hub_commands.add_parser("report", help="the matrix and each rule's evidence as xlsx, csv or json")
    _add_home(hub_report, top_level=False)
    hub_report.add_argument("--year", type=_year, default=None)
    hub_report.add_argument("--date", type=_date, default=None, help="as of this day (default: today)")
    hub_report.add_argument("--format", choices=("xlsx", "csv", "json"), default="xlsx")
    hub_report.add_argument("--out", metavar="FILE", required=True)
    hub_export = hub_commands.add_parser("export", help="write this hub's own up-bundle for the level above")
    _add_home(hub_export, top_level=False)
    hub_export.add_argument("--to", metavar="DIR", required=True)
    hub_export.add_argument("--full", action="store_true")
    hub_catalog = hub_commands.add_parser("catalog", help="the delegated-items catalog the county publishes to its townships")
    _add_home(hub_catalog, top_level=False)
    catalog_commands = hub_catalog.add_subparsers(dest="catalog_command", metavar="CATALOG_COMMAND", required=True)
    catalog_import = catalog_commands.add_parser(
        "import", help="read the catalog from an .xlsx or .csv file, show what it refuses, then store it for the next publish"
    )
    _add_home(catalog_import, top_level=False)
    catalog_import.add_argument("file", metavar="FILE")

    restore = commands.add_parser("restore", help="list the automatic backups, or put one in place of the database")
    _add_home(restore, top_level=False)
    restore.add_argument("--list", action="store_true", help="list the backups, newest first (the default)")
    restore.add_argument("backup", metavar="BACKUP_NAME", nargs="?", default=None, help="a name from --list")
    return parser


def _year(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(t("cli.bad_year", value=text)) from None
    if not 2000 <= value <= 2100:
        raise argparse.ArgumentTypeError(t("cli.bad_year", value=text))
    return value


def _date(text: str) -> dt.date:
    from fazhi_tui.domain.dates import DateParseError, parse_date

    try:
        return parse_date(text)
    except DateParseError:
        raise argparse.ArgumentTypeError(t("cli.bad_date", value=text)) from None


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more: {text}")
    return value


def _language_from(home: Home) -> None:
    try:
        config = load_config(home.config)
    except ConfigError:
        return
    if config:
        set_language(config.language)


def _fail(message: str, code: int = EXIT_FAILURE) -> int:
    print(message, file=sys.stderr)
    return code


def cmd_demo(args: argparse.Namespace) -> int:
    from fazhi_tui.base.division import check_township_code
    from fazhi_tui.services.demo import DemoError, build_demo

    home = resolve_home(args.home)
    township = None
    if args.township is not None:
        township = check_township_code(args.township)
        if township is None:
            return _fail(t("cli.bad_code", code=args.township), EXIT_USAGE)
    try:
        summary = build_demo(home, township=township, years=args.years, records=args.records)
    except DemoError:
        return _fail(t("cli.demo_exists", home=home.data_dir))
    print(t("cli.demo_done", name=summary.name, code=summary.code, records=summary.records, home=home.data_dir))
    return 0


def _open_office(home: Home):
    """The config and store of an office that has been set up; raises a message otherwise."""
    from fazhi_tui.storage.store import Store

    config = load_config(home.config)
    if config is None or not home.database.exists():
        raise CommandError(t("cli.no_config", home=home.config_dir))
    return config, Store.open(home.database, home.backups)


class CommandError(Exception):
    """A message for the user; the command exits non-zero."""


def cmd_checklist(args: argparse.Namespace) -> int:
    from fazhi_tui.base.files import atomic_write_bytes
    from fazhi_tui.services.checklist import evidence_labels, load_active_rules, problem_text, run_checklist
    from fazhi_tui.services.checklist_report import ReportHeader, render

    home = resolve_home(args.home)
    config, store = _open_office(home)
    try:
        on = args.date or dt.date.today()
        year = args.year or on.year
        active = load_active_rules(home)
        if active.problem:
            print(problem_text(active.problem), file=sys.stderr)
        results = run_checklist(store, active.ruleset, config, year=year, on=on)
        labels = evidence_labels(store, results) if args.format in ("markdown", "text") else None
    finally:
        store.close()
    header = ReportHeader(config.township_code, config.township_name, year, on, active.source)
    text = render(args.format, results, header, labels)
    if args.out:
        # Excel and WPS on Chinese Windows read a UTF-8 CSV correctly only with a BOM.
        encoding = "utf-8-sig" if args.format == "csv" else "utf-8"
        try:
            atomic_write_bytes(Path(args.out), text.encode(encoding))
        except OSError as exc:
            raise CommandError(t("cli.cannot_write", path=args.out, reason=exc.strerror or str(exc))) from exc
    else:
        sys.stdout.write(text)
    return 0


def _sync_failed(exc) -> str:
    return f"{exc.message()} ({exc.detail})"


def cmd_export(args: argparse.Namespace) -> int:
    from fazhi_tui.sync.errors import SyncError
    from fazhi_tui.sync.export import export_up

    home = resolve_home(args.home)
    config, store = _open_office(home)
    try:
        result = export_up(home, config, store, Path(args.to), full=args.full)
    except SyncError as exc:
        return _fail(_sync_failed(exc))
    except OSError as exc:
        return _fail(t("err.export_write", path=args.to, reason=exc.strerror or str(exc)))
    finally:
        store.close()
    kind = t("sync.full") if result.full else t("sync.delta")
    print(t("sync.exported", path=result.path, seq=result.seq, kind=kind, records=result.records))
    return 0


def cmd_enroll(args: argparse.Namespace) -> int:
    from fazhi_tui.sync.errors import BundleRefused
    from fazhi_tui.sync.member import enroll

    home = resolve_home(args.home)
    config, store = _open_office(home)
    store.close()
    try:
        enrolment = enroll(home, config, Path(args.file))
    except BundleRefused as exc:
        return _fail(f"{args.file}: {_sync_failed(exc)}")
    print(t("sync.enrolled", hub=enrolment.hub_name, code=enrolment.hub_code, generation=enrolment.generation))
    return 0


def cmd_import_down(args: argparse.Namespace) -> int:
    from fazhi_tui.services.verdicts import down_line
    from fazhi_tui.sync.member import import_down

    home = resolve_home(args.home)
    config, store = _open_office(home)
    refused = 0
    try:
        for name in args.files:
            outcome = import_down(home, config, store, Path(name))
            verdict, line = down_line(outcome, name, detail=True)
            refused += verdict == "refused"
            print(line)
    finally:
        store.close()
    return EXIT_FAILURE if refused else 0


def cmd_hub(args: argparse.Namespace) -> int:
    from fazhi_tui.sync.errors import SyncError

    home = resolve_home(args.home)
    if args.hub_command == "init":
        return _hub_init(home, args)
    if args.hub_command is None:
        return _run_app(home)
    config, store = _open_office(home)
    try:
        if args.hub_command == "enroll":
            return _hub_enroll(home, config, store, args)
        if args.hub_command == "import":
            return _hub_import(home, config, store, args)
        if args.hub_command == "catalog":
            return _hub_catalog(config, store, args)
        if args.hub_command == "publish":
            from fazhi_tui.sync.hub import publish

            for path in publish(home, config, store, Path(args.to)):
                print(t("sync.published", path=path))
            return 0
        if args.hub_command == "report":
            return _hub_report(home, config, store, args)
        if args.hub_command == "changes":
            return _hub_changes(store, args)
        if args.hub_command == "export":
            from fazhi_tui.sync.export import export_up
            from fazhi_tui.sync.hub import hub_config

            result = export_up(home, hub_config(config), store, Path(args.to), full=args.full)
            kind = t("sync.full") if result.full else t("sync.delta")
            print(t("sync.exported", path=result.path, seq=result.seq, kind=kind, records=result.records))
            return 0
    except SyncError as exc:
        return _fail(_sync_failed(exc))
    except CommandError:
        raise
    except BrokenPipeError:
        raise  # the reader of our output went away (| head): handled in main()
    except OSError as exc:
        return _fail(t("err.export_write", path=getattr(args, "to", ""), reason=exc.strerror or str(exc)))
    finally:
        store.close()
    return EXIT_USAGE


def _hub_init(home: Home, args: argparse.Namespace) -> int:
    from fazhi_tui.base.config import Config, HubConfig, save_config
    from fazhi_tui.base.division import check_city_code, check_county_code
    from fazhi_tui.storage.store import Store

    code = (check_county_code if args.level == "county" else check_city_code)(args.code)
    if code is None:
        return _fail(t("cli.bad_code", code=args.code), EXIT_USAGE)
    existing = load_config(home.config)
    if existing is not None and (existing.hub is None or existing.hub.code != code):
        return _fail(t("cli.hub_exists", home=home.config_dir))
    home.ensure()
    save_config(home.config, Config(hub=HubConfig(args.level, code, args.name.strip())))
    Store.open(home.database, home.backups).close()
    print(t("sync.hub_ready", name=args.name, code=code, home=home.data_dir))
    return 0


def _hub_enroll(home: Home, config, store, args: argparse.Namespace) -> int:
    from fazhi_tui.base.division import check_county_code, check_township_code
    from fazhi_tui.sync.hub import enroll_member, hub_config

    hub = hub_config(config).hub
    check = check_township_code if hub.level == "county" else check_county_code
    code = check(args.code)
    if code is None or not code.startswith(hub.code):
        return _fail(t("cli.bad_member_code", code=args.code, hub=hub.code), EXIT_USAGE)
    path, generation = enroll_member(home, config, store, code, args.name.strip(), Path(args.to))
    print(t("sync.enrol_written", path=path, code=code, generation=generation))
    return 0


def _hub_report(home: Home, config, store, args: argparse.Namespace) -> int:
    from fazhi_tui.services.checklist import evidence_labels, hub_matrix, load_active_rules, problem_text
    from fazhi_tui.services.hub_report import write_report
    from fazhi_tui.sync.hub import hub_config

    hub = hub_config(config).hub
    on = args.date or dt.date.today()
    active = load_active_rules(home)
    if active.problem:
        print(problem_text(active.problem), file=sys.stderr)
    matrix = hub_matrix(store, active.ruleset, config, year=args.year or on.year, on=on)
    labels = evidence_labels(store, [r for row in matrix.rows for r in row.results]) if args.format == "xlsx" else {}
    try:
        write_report(Path(args.out), args.format, matrix, {"level": hub.level, "code": hub.code, "name": hub.name}, labels)
    except OSError as exc:
        raise CommandError(t("cli.cannot_write", path=args.out, reason=exc.strerror or str(exc))) from exc
    print(t("report.saved", path=args.out))
    return 0


def _hub_changes(store, args: argparse.Namespace) -> int:
    from fazhi_tui.base.i18n import kind_label
    from fazhi_tui.sync.hub import changes_between

    since = args.since.isoformat() if args.since else None
    until = args.until.isoformat() if args.until else None
    rows = changes_between(store, since, until)
    names = store.hub_offices()
    print(t("changes.header"))
    for row in rows:
        name = names.get(row.township, {}).get("name", row.township)
        print(t("changes.line", code=row.township, name=name, kind=kind_label(row.kind),
                added=row.added, changed=row.changed, deleted=row.deleted))
    if not rows:
        print(t("changes.none"))
    return 0


def _hub_import(home: Home, config, store, args: argparse.Namespace) -> int:
    from fazhi_tui.services.verdicts import import_lines
    from fazhi_tui.sync.hub import import_bundle

    refused = 0
    for name in args.files:
        outcome = import_bundle(home, config, store, Path(name), dry_run=args.dry_run)
        refused += outcome.verdict == "refused"
        for _, line in import_lines(outcome, name, dry_run=args.dry_run, detail=True):
            print(line)
    return EXIT_FAILURE if refused else 0


def _stdin_is_terminal() -> bool:
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (ValueError, OSError):  # closed
        return False


def _hub_catalog(config, store, args: argparse.Namespace) -> int:
    """Preview the catalog file (good rows, each refused row), then store it: after a yes at
    a terminal, at once without one (CI, a script). Exit 1 if any row was refused, 2 if
    the file cannot be read as a catalog."""
    from fazhi_tui.services.catalog_import import CatalogError, field_title, preview_file, store_catalog
    from fazhi_tui.sync.hub import hub_config

    if hub_config(config).hub.level != "county":
        return _fail(t("err.catalog_city"))
    try:
        preview = preview_file(store, args.file)
    except CatalogError as exc:
        return _fail(f"{args.file}: {exc.message()}", EXIT_USAGE)
    print(t("catalog.preview", path=args.file, good=len(preview.good), refused=len(preview.refused)))
    if preview.missing_columns:
        print(t("catalog.missing_columns", columns="、".join(field_title(name) for name in preview.missing_columns)))
    for row in preview.refused:
        print(row.line())
    status = EXIT_FAILURE if preview.refused else 0
    if not preview.good:
        print(t("catalog.nothing"))
        return EXIT_FAILURE
    if _stdin_is_terminal():
        try:
            answer = input(t("catalog.confirm", count=len(preview.good)))
        except EOFError:
            answer = ""
        if answer.strip().lower() not in ("y", "yes", "是"):
            print(t("catalog.not_stored"))
            return status
    print(t("catalog.stored", count=store_catalog(store, preview)))
    return status


def cmd_restore(args: argparse.Namespace) -> int:
    """``restore --list``: the backups, newest first. ``restore NAME``: put that backup in
    place of the database (the file replaced is kept in the backups folder first)."""
    from fazhi_tui.storage.database import list_backups, restore_backup

    home = resolve_home(args.home)
    backups = list_backups(home.backups)
    if args.backup is None:
        if not backups:
            print(t("restore.none", backups=home.backups))
            return 0
        print(t("restore.header", backups=home.backups))
        for path in backups:
            try:
                size = path.stat().st_size
            except OSError:
                continue
            print(t("restore.line", name=path.name, kb=max(1, round(size / 1024))))
        print(t("restore.usage"))
        return 0
    if args.list:
        return _fail(t("restore.list_or_name"), EXIT_USAGE)
    chosen = home.backups / Path(args.backup).name
    if not chosen.is_file() or chosen not in backups:
        return _fail(t("restore.no_such", name=args.backup, backups=home.backups))
    try:
        kept = restore_backup(chosen, home.database, home.backups)
    except OSError as exc:
        return _fail(t("cli.cannot_write", path=home.database, reason=exc.strerror or str(exc)))
    print(t("restore.done", name=chosen.name, database=home.database, kept=kept.name))
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    if args.demo:
        import tempfile

        from fazhi_tui.services.demo import build_demo

        with tempfile.TemporaryDirectory(prefix="fazhi-demo-") as folder:
            home = resolve_home(folder)
            build_demo(home)
            return _run_app(home)
    return _run_app(resolve_home(args.home))


def _run_app(home: Home) -> int:
    from fazhi_tui.ui.app import FazhiApp

    app = FazhiApp(home)
    app.run()
    if app.fatal_message:
        return _fail(app.fatal_message)
    return app.return_code or 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    home_arg = getattr(args, "home", None)
    _language_from(resolve_home(home_arg))
    try:
        if args.command == "demo":
            return cmd_demo(args)
        if args.command == "checklist":
            return cmd_checklist(args)
        if args.command == "export":
            return cmd_export(args)
        if args.command == "enroll":
            return cmd_enroll(args)
        if args.command == "import":
            return cmd_import_down(args)
        if args.command == "hub":
            return cmd_hub(args)
        if args.command == "restore":
            return cmd_restore(args)
        return cmd_run(args)
    except CommandError as exc:
        return _fail(str(exc))
    except ConfigError as exc:
        return _fail(t(exc.key, **exc.params))
    except DatabaseError as exc:
        home = resolve_home(home_arg)
        message = t(exc.key, path=exc.path, detail=exc.detail, backups=home.backups)
        if exc.key == "err.db_corrupt" and args.command != "restore":
            message += "\n" + t("restore.hint")
        return _fail(message)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # Output piped into a program that stopped reading (e.g. `| head`): not an error.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
