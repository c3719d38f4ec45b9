"""``fazhi-tui``: the top group, opening the program, and :func:`main`."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import click

from fazhi_tui import __version__
from fazhi_tui.base.config import ConfigError, load_config
from fazhi_tui.base.console import setup_console
from fazhi_tui.base.i18n import set_language, t
from fazhi_tui.base.paths import Home, resolve_home
from fazhi_tui.cli.common import EXIT_USAGE, Group, Option, current_home, fail, home_option
from fazhi_tui.services.errors import ActionRefused
from fazhi_tui.storage.database import DatabaseError
from fazhi_tui.sync.errors import BundleRefused

__all__ = ["root", "main", "run_app"]


def _show_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(f"fazhi-tui {__version__}", file=sys.stdout)
        ctx.exit()


@click.group(
    "fazhi-tui", cls=Group, invoke_without_command=True, help="cli.help.root",
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
    """Open the interface on ``home`` (Textual is imported only now)."""
    from fazhi_tui.ui.app import FazhiApp

    app = FazhiApp(home)
    app.run()
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


def _register() -> None:
    from fazhi_tui.cli import evidence, files, hub, office

    for command in (*office.COMMANDS, *files.COMMANDS, *evidence.COMMANDS):
        root.add_command(command)
    root.add_command(hub.hub)


_register()


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``fazhi-tui ARGV``: the exit code (0 done, 1 failed, 2 asked wrongly; 130 on
    Ctrl+C). ``--help`` and ``--version`` raise SystemExit(0), a usage error SystemExit(2)."""
    setup_console()  # before anything is printed: no UnicodeEncodeError on any console
    args = list(sys.argv[1:] if argv is None else argv)
    home = resolve_home(_home_in(args))
    _language_from(home)
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
        return fail(exc.message(), EXIT_USAGE if exc.usage else 1)
    except BundleRefused as exc:
        return fail(f"{exc.message()} ({exc.detail})")
    except ConfigError as exc:
        return fail(t(exc.key, **exc.params))
    except DatabaseError as exc:
        home = resolve_home(_home_in(args))
        message = t(exc.key, path=exc.path, detail=exc.detail, backups=home.backups)
        if exc.key == "err.db_corrupt" and _command_in(args) != "restore":
            message += "\n" + t("restore.hint")
        return fail(message)
    except (KeyboardInterrupt, click.Abort):
        return 130
    except BrokenPipeError:
        # Output piped into a program that stopped reading (e.g. `| head`): not an error.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
