"""What every command shares: help texts translated when shown, ``--home`` and ``--verbose``
at any level, the log set up before a command runs, the home's lock around a writing
command, the argument types, progress drawn on the console, and the error that ends a
command with a message.

Help texts are i18n keys, put into words when the help is printed (in the language of the
home's config, read before the arguments are parsed), never at import.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import sys
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import wraps
from typing import Any

import click

from fazhi_tui.base.i18n import t
from fazhi_tui.base.paths import HOME_ENV, Home, resolve_home
from fazhi_tui.base.progress import ConsoleProgress, Progress

__all__ = [
    "EXIT_FAILURE",
    "EXIT_USAGE",
    "Command",
    "Group",
    "Option",
    "home_option",
    "current_home",
    "is_verbose",
    "writes",
    "Output",
    "YEAR",
    "DATE",
    "POSITIVE",
    "say",
    "fail",
]

EXIT_USAGE = 2
EXIT_FAILURE = 1
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def cells(text: str) -> int:
    """How many terminal columns ``text`` takes: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


# Chinese closing punctuation stays with what it closes.
_CLOSING = "，。、；：！？）》」』】"
# A word of narrow characters, or one wide character (Chinese may break between any two),
# either with the closing punctuation that follows it; or spaces. Compiled when help is
# first written (~3 ms), not when the program opens.
_TOKENS = rf"(?:[^\s\u1100-\uffff]+|[\u1100-\uffff])[{_CLOSING}]*|\s+"


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` columns, counted as the terminal counts them
    (click's own wrapping counts characters, so Chinese help overflowed an 80-column window)."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for token in re.findall(_TOKENS, paragraph):
            if cells(line) + cells(token) > width and line.strip():
                lines.append(line.rstrip())
                line = ""
            if not line and token.isspace():
                continue
            line += token
        lines.append(line.rstrip())
    return lines


class HelpFormatter(click.HelpFormatter):
    """click's help layout, wrapped by terminal columns."""

    def write_text(self, text: str) -> None:
        for line in wrap(text, max(self.width - self.current_indent, 20)):
            self.write(f"{'':>{self.current_indent}}{line}\n")

    def write_dl(self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        rows = list(rows)
        first = min(max((cells(term) for term, _ in rows), default=0), col_max)
        start = self.current_indent + first + col_spacing
        for term, text in rows:
            self.write(f"{'':>{self.current_indent}}{term}")
            if not text:
                self.write("\n")
                continue
            if cells(term) > first:
                self.write("\n" + " " * start)
            else:
                self.write(" " * (first + col_spacing - cells(term)))
            lines = wrap(text, max(self.width - start, 20))
            self.write(lines[0] + "\n")
            for line in lines[1:]:
                self.write(" " * start + line + "\n")


class Context(click.Context):
    formatter_class = HelpFormatter


class Option(click.Option):
    """An option whose ``help`` is an i18n key."""

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        record = super().get_help_record(ctx)
        if record is None or self.help is None:
            return record
        names, text = record
        text = text.replace(self.help, t(self.help, env=HOME_ENV), 1)
        return names, text.replace("[required]", t("cli.required"))


@contextmanager
def _section(formatter: click.HelpFormatter, title: str) -> Iterator[None]:
    """click's ``formatter.section`` with a title already in words (no colon added)."""
    formatter.write_paragraph()
    formatter.write(f"{'':>{formatter.current_indent}}{title}\n")
    with formatter.indentation():
        yield


class _Translated:
    """Help, short help and the section titles in the user's language; examples after the help."""

    context_class = Context

    def __init__(self, *args: Any, examples: Sequence[str] = (), **kwargs: Any) -> None:
        kwargs.setdefault("context_settings", CONTEXT)
        super().__init__(*args, **kwargs)
        self.examples = tuple(examples)

    def get_short_help_str(self, limit: int = 45) -> str:
        return t(self.help) if self.help else ""

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        names = self.get_help_option_names(ctx)
        if not names or not self.add_help_option:
            return None

        def show(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
            if value and not ctx.resilient_parsing:
                # sys.stdout, not click's default stream: click swaps an ASCII console for
                # UTF-8 bytes; base.console has made sys.stdout replace what it cannot show
                click.echo(ctx.get_help(), file=sys.stdout, color=ctx.color)
                ctx.exit()

        return Option(names, is_flag=True, is_eager=True, expose_value=False, callback=show, help="cli.opt.help")

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), t("cli.usage"))

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if self.help:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(t(self.help))
        if self.examples:
            with _section(formatter, t("cli.examples")):
                for example in self.examples:
                    formatter.write_text(example)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        records = [r for p in self.get_params(ctx) if (r := p.get_help_record(ctx)) is not None]
        if records:
            with _section(formatter, t("cli.options")):
                formatter.write_dl(records)
        if isinstance(self, click.Group):
            self.format_commands(ctx, formatter)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str()))
        if rows:
            with _section(formatter, t("cli.commands")):
                formatter.write_dl(rows)


class Command(_Translated, click.Command):
    def invoke(self, ctx: click.Context) -> Any:
        # Every command logs to its home (``--home`` wherever it was given is known now).
        from fazhi_tui.base.logs import setup_logging

        setup_logging(current_home(), is_verbose(), create=False)
        logging.getLogger("fazhi_tui.cli").info("%s %s", ctx.command_path, ctx.params)
        return super().invoke(ctx)


class Group(_Translated, click.Group):
    command_class = Command
    group_class = type  # subgroups are made with Group too (see click.Group.group)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)  # in the order they were added, the usual first


def _remember_home(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    # Given at several levels (fazhi-tui --home A hub --home B ...), the innermost wins,
    # as it did with argparse: callbacks run from the outside in.
    if value is not None:
        ctx.ensure_object(dict)["home"] = value


def _remember_verbose(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        ctx.ensure_object(dict)["verbose"] = True


def home_option(function: Callable) -> Callable:
    """``--home DIR`` and ``--verbose`` on a group or a command: either may be given before
    or after the command name."""
    function = click.option(
        "--verbose", "-v", is_flag=True, default=False, expose_value=False, callback=_remember_verbose, cls=Option,
        help="cli.opt.verbose",
    )(function)
    return click.option(
        "--home", metavar="DIR", default=None, expose_value=False, callback=_remember_home, cls=Option,
        help="cli.opt.home",
    )(function)


def is_verbose() -> bool:
    """``--verbose`` given at any level: the log is mirrored on standard error."""
    return bool(click.get_current_context().ensure_object(dict).get("verbose"))


def writes(command: Callable[..., int] | None = None, *, unless: str | None = None) -> Callable:
    """A command that writes into the home holds the home's lock while it runs: a second
    program on the same home is refused (HomeInUse, said by ``main`` with who holds it).
    ``unless``: the name of a flag that makes the command write nothing (``dry_run``)."""

    def decorate(command: Callable[..., int]) -> Callable[..., int]:
        @wraps(command)
        def wrapper(*args, **kwargs) -> int:
            from fazhi_tui.base.lock import home_lock

            folder = current_home().data_dir
            if (unless is not None and kwargs.get(unless)) or not folder.is_dir():
                return command(*args, **kwargs)  # nothing written, or no home to guard (refused)
            with home_lock(folder, click.get_current_context().command_path):
                return command(*args, **kwargs)

        return wrapper

    return decorate(command) if command is not None else decorate


def current_home() -> Home:
    """``--home`` wherever it was given, else FAZHI_TUI_HOME, else the user's folders."""
    ctx = click.get_current_context()
    return resolve_home(ctx.ensure_object(dict).get("home"))


class _Year(click.ParamType):
    name = "YEAR"

    def convert(self, value: Any, param, ctx) -> int:
        if isinstance(value, int):
            return value
        try:
            year = int(value)
        except ValueError:
            self.fail(t("cli.bad_year", value=value), param, ctx)
        if not 2000 <= year <= 2100:
            self.fail(t("cli.bad_year", value=value), param, ctx)
        return year


class _Date(click.ParamType):
    name = "YYYY-MM-DD"

    def convert(self, value: Any, param, ctx) -> dt.date:
        from fazhi_tui.domain.dates import DateParseError, parse_date

        if isinstance(value, dt.date):
            return value
        try:
            return parse_date(value)
        except DateParseError:
            self.fail(t("cli.bad_date", value=value), param, ctx)


class _Positive(click.ParamType):
    name = "N"

    def convert(self, value: Any, param, ctx) -> int:
        if isinstance(value, int):
            number = value
        else:
            try:
                number = int(value)
            except ValueError:
                self.fail(t("cli.not_a_number", value=value), param, ctx)
        if number < 1:
            self.fail(t("cli.not_positive", value=value), param, ctx)
        return number


YEAR, DATE, POSITIVE = _Year(), _Date(), _Positive()


def say(line: str) -> None:
    print(line)


# From this many files on, a command shows its progress (fewer are over in a moment, and
# their result lines say all).
MANY_FILES = 5


class Output:
    """The lines of a command working through many files, with its progress on standard
    error: a bar redrawn in place on a terminal (taken off its line while a result line is
    printed), a plain ``3/10 name`` line per file when redirected. Fewer than ``least``
    steps show no progress."""

    def __init__(self, total: int, least: int = MANY_FILES, label: str = "") -> None:
        self.bar = ConsoleProgress(sys.stderr, label=label) if total >= least else None

    @property
    def progress(self) -> Progress | None:
        return self.bar

    def say(self, line: str) -> None:
        if self.bar is not None:
            self.bar.clear()
        print(line, flush=self.bar is not None)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def fail(message: str, code: int = EXIT_FAILURE) -> int:
    print(message, file=sys.stderr)
    return code
