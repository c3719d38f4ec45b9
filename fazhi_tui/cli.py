"""The command line: a thin layer that parses arguments and calls the other layers.

``fazhi-tui`` with no command opens the program. Every command accepts ``--home DIR``
before or after its name. Textual is imported only when the interface is opened, so the
other commands answer fast.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path

from fazhi_tui import __version__
from fazhi_tui.config import ConfigError, load_config
from fazhi_tui.i18n import set_language, t
from fazhi_tui.paths import HOME_ENV, Home, resolve_home
from fazhi_tui.storage.schema import DatabaseError

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
    from fazhi_tui.demo import DemoError, build_demo
    from fazhi_tui.domain.division import check_township_code

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
    from fazhi_tui.checklist_report import ReportHeader, render
    from fazhi_tui.checklists import evidence_labels, load_active_rules, problem_text, run_checklist
    from fazhi_tui.fsutil import atomic_write_bytes

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


def cmd_run(args: argparse.Namespace) -> int:
    if args.demo:
        import tempfile

        from fazhi_tui.demo import build_demo

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
        return cmd_run(args)
    except CommandError as exc:
        return _fail(str(exc))
    except ConfigError as exc:
        return _fail(t(exc.key, **exc.params))
    except DatabaseError as exc:
        home = resolve_home(home_arg)
        return _fail(t(exc.key, path=exc.path, detail=exc.detail, backups=home.backups))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
