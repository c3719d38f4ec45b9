"""``fazhi-tui``: the top group, opening the program, and :func:`main`."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence

import click

from fazhi_tui import __version__
from fazhi_tui.base.config import ConfigError
from fazhi_tui.base.console import setup_console
from fazhi_tui.base.i18n import t
from fazhi_tui.base.lock import HomeInUse
from fazhi_tui.base.logs import close_logging
from fazhi_tui.base.paths import resolve_home
from fazhi_tui.base.patterns import NoMatch
from fazhi_tui.cli.common import EXIT_USAGE, Group, Option, current_home, fail, home_option
from fazhi_tui.cli.start import home_in as _home_in
from fazhi_tui.cli.start import language_from as _language_from
from fazhi_tui.cli.start import refused as _refused
from fazhi_tui.cli.start import run_app
from fazhi_tui.cli.start import unexpected as _unexpected
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
    from fazhi_tui.cli.click_words import install

    install()  # click's own messages (a missing option, an unknown command…) in the user's language
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
