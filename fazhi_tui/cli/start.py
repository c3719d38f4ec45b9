"""Opening the interface: ``fazhi-tui`` alone, or with only ``--home DIR``, without click.

click and the command definitions (root.py, common.py) are for the commands; opening the
program needs none of them, so :func:`fazhi_tui.cli.main` comes here first (issue 20: the
start of the interface measured against a bare Textual app). Also the pieces both share:
:func:`run_app`, the language of a home's config, and how a refusal or an unexpected error
is said.
"""

from __future__ import annotations

import gc
import logging
import sys
import traceback
from collections.abc import Sequence

from fazhi_tui.base.config import ConfigError, load_config
from fazhi_tui.base.console import setup_console
from fazhi_tui.base.i18n import set_language, t
from fazhi_tui.base.lock import HomeInUse
from fazhi_tui.base.logs import close_logging
from fazhi_tui.base.paths import Home, resolve_home

__all__ = ["open_interface", "run_app"]

log = logging.getLogger("fazhi_tui.cli.root")
EXIT_FAILURE = 1


def open_interface(args: Sequence[str], home_arg: str | None) -> int:
    """``fazhi-tui [--home DIR]``: what the command line does for it (the console set up, the
    home's language, :func:`run_app`, a refusal said), without click. Garbage collection is
    paused from the first import on (see :func:`run_app`) and back on when this returns."""
    try:
        setup_console()
        home = resolve_home(home_arg)
        language_from(home)
        try:
            return run_app(home)
        except HomeInUse as exc:
            return refused(exc.message())
        except KeyboardInterrupt:
            return 130
        except Exception as exc:  # a bug or a surprise: the traceback goes to the log
            return unexpected(exc, args)
        finally:
            close_logging()
    finally:
        gc.enable()


def run_app(home: Home) -> int:
    """Open the interface on ``home`` (Textual is imported only now). The home's lock is
    taken first: a second program on the same home says who holds it (HomeInUse) and opens
    nothing. The log goes to its file only: the terminal belongs to the interface."""
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


def fail(message: str, code: int = EXIT_FAILURE) -> int:
    print(message, file=sys.stderr)
    return code


def home_in(argv: Sequence[str]) -> str | None:
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


def language_from(home: Home) -> None:
    try:
        config = load_config(home.config)
    except ConfigError:
        return
    if config:
        set_language(config.language)


def refused(message: str, code: int = EXIT_FAILURE) -> int:
    """A command refused with ``message``: in the log, then said."""
    log.warning("refused: %s", message)
    return fail(message, code)


def unexpected(exc: Exception, args: Sequence[str]) -> int:
    """Log ``exc`` with its traceback and say so in one sentence, with where the log is."""
    from fazhi_tui.base.logs import ensure_logging, log_unexpected, logging_home

    home = resolve_home(home_in(args))
    if logging_home() is None:
        ensure_logging(home)
    log_unexpected(exc, f"unexpected error in fazhi-tui {' '.join(args)}")
    path = logging_home()
    if path is not None and path.exists():
        return fail(t("err.unexpected", error=type(exc).__name__, path=path))
    # No log could be written (a read-only stick, a home not made yet): the details here.
    traceback.print_exception(exc, file=sys.stderr)
    return fail(t("err.unexpected_no_log", error=type(exc).__name__))
