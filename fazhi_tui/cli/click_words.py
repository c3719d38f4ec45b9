"""click's own messages in Chinese: what a clerk sees when a command is typed wrongly (an
option left out, an unknown command, a value not among the choices, an extra word).

click marks each of its messages for translation with ``gettext`` (``from gettext import
gettext as _`` in each of its modules) but ships no catalogue, and the standard library's
gettext picks a catalogue from environment variables that a Windows console does not set.
So :func:`install` points each of those modules' ``_`` and ``ngettext`` at :func:`gettext` /
:func:`ngettext` here, which look the message up in :data:`ZH` while the program's language
is Chinese and otherwise return click's English as it is. A message click adds in a later
version, not in the table, stays English rather than failing; ``tests/test_cli_help.py``
checks that every message in the table is still one click says, so a click upgrade that
rewords one is noticed.
"""

from __future__ import annotations

from fazhi_tui.base.i18n import get_language

__all__ = ["ZH", "ZH_PLURAL", "FOR_PROGRAMMERS", "gettext", "ngettext", "install", "MODULES"]

# msgid → Chinese; the placeholders are click's own ({name!r} and the like).
ZH: dict[str, str] = {
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "输入 {command} {option} 查看用法。",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少{param_type}",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing command.": "缺少命令。",
    "No such option {name!r}.": "没有选项 {name}。",
    "No such command {name!r}.": "没有命令 {name}。",
    "Invalid value: {message}": "值不正确：{message}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值不正确：{message}",
    "Could not open file {filename!r}: {message}": "打不开文件 {filename}：{message}",
    "unknown error": "未知错误",
    "Aborted!": "已中止。",
    "Option {name!r} does not take a value.": "选项 {name} 后面不能跟值。",
    "Argument {name!r} takes {nargs} values.": "参数 {name} 要给 {nargs} 个值。",
    "Invalid start character for option ({option})": "选项的开头字符不对（{option}）",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是一个数。",
    "{value!r} is not a valid boolean. Recognized values: {states}": "{value!r} 不是“是/否”。可用的写法：{states}",
    "{value!r} is not a valid UUID.": "{value!r} 不是有效的编号（UUID）。",
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件，不是文件夹。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是文件夹，不是文件。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 无法读取。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 无法写入。",
    "{name} {filename!r} is not executable.": "{name} {filename!r} 无法运行。",
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
    "Value must be an iterable.": "值必须是一组值。",
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
    "Show this message and exit.": "显示本帮助并退出",
    "Show the version and exit.": "显示版本号并退出",
    "%(prog)s, version %(version)s": "%(prog)s，版本 %(version)s",
    "Do you want to continue?": "要继续吗？",
    "Confirm the action without prompting.": "不再询问，直接执行。",
    "Press any key to continue...": "按任意键继续……",
    "Repeat for confirmation": "再输入一次以确认",
    "Error: The two entered values do not match.": "错误：两次输入的不一样。",
    "Error: invalid input": "错误：输入不正确",
}

# Messages for whoever writes the program, never for a clerk: left in English (the test
# checks that every other message of click's modules is in ZH or ZH_PLURAL).
FOR_PROGRAMMERS: frozenset[str] = frozenset({
    "deprecated",
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}",
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}",
    "Could not determine name for option with declarations {decls!r}",
    "No options defined but a name was passed ({name}). Did you mean to declare an argument instead? Did you mean to pass '--{name}'?",
    "env var: {var}",
    "default: {default}",
    "(dynamic)",
    "Arguments take exactly one parameter declaration, got {length}: {decls}.",
    "Name '{name}' defined twice",
    "Boolean option {decl!r} cannot use the same flag for true/false.",
    "Choice({choices})",
    "Unknown color {colour!r}",
})

# (singular msgid, plural msgid) → Chinese (one form: Chinese does not inflect; click passes
# both forms' values, so the Chinese uses the plural's names).
ZH_PLURAL: dict[tuple[str, str], str] = {
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"): "是不是要输入 {possibilities}？",
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"): "多出了参数（{args}）",
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."): "选项 {name} 后面要跟一个值。",
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."): "{value!r} 不是可选的值之一：{choices}。",
    ("{value!r} does not match the format {format}.", "{value!r} does not match the formats {formats}."): "{value!r} 的格式不对，应为 {formats}。",
    ("Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given."): "要给 {nargs} 个值，却给了 {len} 个。",
    ("{len_type} values are required, but {len_value} was given.", "{len_type} values are required, but {len_value} were given."): "要给 {len_type} 个值，却给了 {len_value} 个。",
}

# click's modules that say something to the user through ``_`` / ``ngettext``.
MODULES = ("core", "exceptions", "parser", "types", "formatting", "decorators", "termui")


def gettext(message: str) -> str:
    if get_language() != "zh":
        return message
    return ZH.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    if get_language() == "zh":
        found = ZH_PLURAL.get((singular, plural))
        if found is not None:
            return found
    return singular if n == 1 else plural


def install() -> None:
    """Route click's messages through this module (idempotent)."""
    import importlib

    for name in MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]

