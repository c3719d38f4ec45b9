"""``fazhi-tui``: the top group, opening the program, and :func:`main`."""

from __future__ import annotations

import logging
import os
import sys
import traceback
from collections.abc import Sequence

import click

from fazhi_tui import __version__
from fazhi_tui.base.config import ConfigError, load_config
from fazhi_tui.base.console import setup_console
from fazhi_tui.base.i18n import set_language, t
from fazhi_tui.base.lock import HomeInUse
from fazhi_tui.base.logs import close_logging
from fazhi_tui.base.paths import Home, resolve_home
from fazhi_tui.base.patterns import NoMatch
from fazhi_tui.cli.common import EXIT_USAGE, Group, Option, current_home, fail, home_option
from fazhi_tui.services.errors import ActionRefused
from fazhi_tui.storage.database import DatabaseError
from fazhi_tui.sync.errors import BundleRefused

__all__ = ["root", "main", "run_app"]

log = logging.getLogger(__name__)


def _show_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(f"fazhi-tui {__version__}", file=sys.stdout)
        ctx.exit()


class _Root(Group):
    """The top group. Its commands (office.py's and ``hub``) are imported the first time any
    of them is looked up or listed, not when the program opens: ``fazhi-tui`` alone goes
    straight to the interface without paying for the hub's imports (sync, cryptography,
    reports, the catalog; ~40 ms, issue 20)."""

    _registered = False

    @property
    def commands(self) -> dict[str, click.Command]:
        if not self._registered:
            self._registered = True
            _register(self)
        return self._commands

    @commands.setter
    def commands(self, value: dict[str, click.Command]) -> None:
        self._commands = value


@click.group(
    "fazhi-tui", cls=_Root, invoke_without_command=True, help="cli.help.root",
    examples=("fazhi-tui", "fazhi-tui --demo", "fazhi-tui --home D:\\fazhi checklist", "fazhi-tui hub --help"),
)
@click.option("--version", is_flag=True, is_eager=True, expose_value=False, callback=_show_version, cls=Option, help="cli.opt.version")
@home_option
@click.option("--demo", is_flag=True, cls=Option, help="cli.opt.demo")
@click.pass_context
def root(ctx: click.Context, demo: bool) -> int:
    if ctx.invoked_subcommand is not None:
        return 0
    if demo:
        import tempfile

        from fazhi_tui.services.demo import build_demo

        with tempfile.TemporaryDirectory(prefix="fazhi-demo-") as folder:
            home = resolve_home(folder)
            build_demo(home, evidence=True)
            return run_app(home)
    return run_app(current_home())


def run_app(home: Home) -> int:
    """Open the interface on ``home`` (Textual is imported only now). The home's lock is
    taken first: a second program on the same home says who holds it (HomeInUse) and opens
    nothing. The log goes to its file only: the terminal belongs to the interface."""
    import gc

    from fazhi_tui.base.lock import home_lock
    from fazhi_tui.base.logs import setup_logging

    # No garbage collection while the program starts: its modules, Textual's and the
    # screen's widgets are all there to stay, and the collector's passes over them cost
    # ~50 ms of CPU before the home screen (a full pass alone ~18 ms, issue 20). The app
    # freezes what the start made and collects again once its first screen is drawn.
    gc.disable()
    try:
        setup_logging(home)
        with home_lock(home.data_dir, "fazhi-tui"):
            from fazhi_tui.ui.app import FazhiApp

            app = FazhiApp(home)
            app.run()
    finally:
        gc.enable()
    if app.fatal_message:
        return fail(app.fatal_message)
    return app.return_code or 0


def _home_in(argv: Sequence[str]) -> str | None:
    """The last ``--home DIR`` (or ``--home=DIR``) of the arguments, read before parsing so
    that help and errors speak the language of that home's config."""
    found = None
    for index, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--home" and index + 1 < len(argv):
            found = argv[index + 1]
        elif arg.startswith("--home="):
            found = arg.split("=", 1)[1]
    return found


def _command_in(argv: Sequence[str]) -> str | None:
    """The name of the command asked for (the first word that is not an option or its value)."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "--home":
            skip = True
        elif not arg.startswith("-"):
            return arg
    return None


def _language_from(home: Home) -> None:
    try:
        config = load_config(home.config)
    except ConfigError:
        return
    if config:
        set_language(config.language)


def _register(group: click.Group) -> None:
    from fazhi_tui.cli import evidence, files, hub, office

    for command in (*office.COMMANDS, *files.COMMANDS, *evidence.COMMANDS):
        group.add_command(command)
    group.add_command(hub.hub)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``fazhi-tui ARGV``: the exit code (0 done, 1 failed, 2 asked wrongly; 130 on
    Ctrl+C). ``--help`` and ``--version`` raise SystemExit(0), a usage error SystemExit(2)."""
    setup_console()  # before anything is printed: no UnicodeEncodeError on any console
    args = list(sys.argv[1:] if argv is None else argv)
    home = resolve_home(_home_in(args))
    _language_from(home)
    try:
        return _run(args)
    finally:
        close_logging()


def _run(args: list[str]) -> int:
    try:
        with root.make_context("fazhi-tui", args) as ctx:
            return root.invoke(ctx) or 0
    except click.exceptions.Exit as exc:  # --help, --version
        raise SystemExit(exc.exit_code)
    except click.UsageError as exc:
        if exc.ctx is not None:
            click.echo(exc.ctx.get_usage(), file=sys.stderr)
        click.echo(t("cli.error", message=exc.format_message()), file=sys.stderr)
        raise SystemExit(EXIT_USAGE)
    except click.ClickException as exc:
        return fail(t("cli.error", message=exc.format_message()), exc.exit_code)
    except ActionRefused as exc:
        return _refused(exc.message(), EXIT_USAGE if exc.usage else 1)
    except BundleRefused as exc:
        return _refused(f"{exc.message()} ({exc.detail})")
    except ConfigError as exc:
        return _refused(t(exc.key, **exc.params))
    except DatabaseError as exc:
        home = resolve_home(_home_in(args))
        message = t(exc.key, path=exc.path, detail=exc.detail, backups=home.backups)
        if exc.key == "err.db_corrupt" and _command_in(args) != "restore":
            message += "\n" + t("restore.hint")
        return _refused(message)
    except HomeInUse as exc:
        return _refused(exc.message())
    except NoMatch as exc:
        return _refused(exc.message())
    except (KeyboardInterrupt, click.Abort):
        return 130
    except BrokenPipeError:
        # Output piped into a program that stopped reading (e.g. `| head`): not an error.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as exc:  # a bug or a surprise: the traceback goes to the log, not the screen
        return _unexpected(exc, args)


def _refused(message: str, code: int = 1) -> int:
    """A command refused with ``message``: in the log, then said."""
    log.warning("refused: %s", message)
    return fail(message, code)


def _unexpected(exc: Exception, args: Sequence[str]) -> int:
    """Log ``exc`` with its traceback and say so in one sentence, with where the log is."""
    from fazhi_tui.base.logs import ensure_logging, log_unexpected, logging_home

    home = resolve_home(_home_in(args))
    if logging_home() is None:
        ensure_logging(home)
    log_unexpected(exc, f"unexpected error in fazhi-tui {' '.join(args)}")
    path = logging_home()
    if path is not None and path.exists():
        return fail(t("err.unexpected", error=type(exc).__name__, path=path))
    # No log could be written (a read-only stick, a home not made yet): the details here.
    traceback.print_exception(exc, file=sys.stderr)
    return fail(t("err.unexpected_no_log", error=type(exc).__name__))
