"""The command line's help: in Chinese, in English when the config says so, with an example
for every command; ``--home`` accepted at every level."""

from __future__ import annotations

import click
import pytest

from fazhi_tui.base.i18n import CATALOG
from fazhi_tui.base.paths import HOME_ENV
from fazhi_tui.cli import main, root


@pytest.fixture(autouse=True)
def elsewhere(tmp_path, monkeypatch):
    monkeypatch.setenv(HOME_ENV, str(tmp_path / "env-home"))


def every_command(group: click.Group = root, path: tuple[str, ...] = ()):
    yield path, group
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from every_command(command, (*path, name))
        else:
            yield (*path, name), command


def help_of(capsys, *argv: str) -> str:
    with pytest.raises(SystemExit) as exc:
        main([*argv, "--help"])
    assert exc.value.code == 0
    return capsys.readouterr().out


def test_every_command_and_option_has_words_in_both_languages_and_an_example():
    seen = set()
    for path, command in every_command():
        seen.add(" ".join(path))
        assert command.help in CATALOG, path
        assert command.examples and all(e.startswith("fazhi-tui") for e in command.examples), path
        for param in command.params:
            if isinstance(param, click.Option) and param.help is not None:
                assert param.help in CATALOG, (path, param.name)
    # every command of the argparse version is still there
    assert {
        "", "run", "demo", "checklist", "export", "enroll", "import", "restore", "hub", "hub init", "hub enroll",
        "hub import", "hub publish", "hub changes", "hub report", "hub export", "hub catalog", "hub catalog import",
    } <= seen


@pytest.mark.parametrize("argv", [(), ("checklist",), ("hub",), ("hub", "report"), ("hub", "catalog", "import")])
def test_help_is_in_chinese_with_examples(capsys, argv):
    out = help_of(capsys, *argv)
    assert "用法：" in out and "示例：" in out and "选项：" in out and "显示本帮助并退出" in out
    assert "Usage" not in out and "Show this message" not in out
    assert "fazhi-tui " + " ".join(argv) in out  # the example names the command


def english_office(tmp_path, capsys):
    """A small demo township whose config says English."""
    office = tmp_path / "office"
    assert main(["demo", "--home", str(office), "--records", "40", "--years", "1"]) == 0
    config = office / "config.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('language = "zh"', 'language = "en"'), encoding="utf-8")
    capsys.readouterr()
    return office


def test_help_is_in_english_when_the_config_says_so(tmp_path, capsys):
    office = english_office(tmp_path, capsys)
    for argv in (("--home", str(office), "hub"), ("hub", "report", "--home", str(office))):
        out = help_of(capsys, *argv)
        assert "Usage:" in out and "Examples:" in out and "Show this help and exit" in out
        assert "用法" not in out


def test_home_given_to_the_hub_group_or_after_the_command(tmp_path, capsys):
    county = tmp_path / "county"
    assert main(["hub", "--home", str(county), "init", "640302", "--name", "利通区"]) == 0
    assert (county / "config.toml").exists()
    assert main(["hub", "changes", "--home", str(county)]) == 0
    assert main(["--home", str(county), "hub", "changes"]) == 0
    out = capsys.readouterr().out
    assert out.count("利通区") == 1 and out.count("\n") >= 3


def test_a_usage_error_says_what_and_exits_2(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["hub", "report", "--home", str(tmp_path), "--format", "pdf", "--out", "x"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "错误：" in err and "--format" in err and "pdf" in err


def test_an_unknown_command_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["frobnicate"])
    assert exc.value.code == 2
    assert "frobnicate" in capsys.readouterr().err


def test_catalog_needs_a_command(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["hub", "catalog"])
    assert exc.value.code == 2


@pytest.mark.parametrize("language", ["zh", "en"])
def test_help_fits_an_80_column_window(capsys, monkeypatch, language):
    """Chinese characters take two columns: the help is wrapped by columns, not characters."""
    from fazhi_tui.base.i18n import set_language
    from fazhi_tui.cli.common import cells

    monkeypatch.setenv("COLUMNS", "80")
    set_language(language)
    for path, _ in every_command():
        out = help_of(capsys, *path)
        too_wide = [line for line in out.splitlines() if cells(line) > 80]
        assert too_wide == [], path
        assert not any(line.lstrip().startswith(("）", "，", "。")) for line in out.splitlines()), path


# -- click's own messages -------------------------------------------------------------------


def click_messages() -> set[str | tuple[str, str]]:
    """Every message click's user-facing modules mark for translation: ``_("…")`` gives the
    string, ``ngettext("…", "…", n)`` the pair."""
    import ast
    import importlib
    from pathlib import Path

    from fazhi_tui.cli.click_words import MODULES

    found: set[str | tuple[str, str]] = set()
    for name in MODULES:
        source = Path(importlib.import_module(f"click.{name}").__file__).read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "ngettext"):
                texts = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
                if node.func.id == "_" and len(texts) == 1:
                    found.add(texts[0])
                elif node.func.id == "ngettext" and len(texts) == 2:
                    found.add((texts[0], texts[1]))
    return found


def test_every_message_click_can_show_a_clerk_is_in_chinese():
    """Both ways: each message in the table is one click still says (a click upgrade that
    rewords one is noticed here), and each message click says is in the table or known to be
    a programmer's. The Chinese keeps click's placeholders, so formatting never fails."""
    import string

    from fazhi_tui.cli.click_words import FOR_PROGRAMMERS, ZH, ZH_PLURAL

    said = click_messages()
    assert len(said) > 40
    table = set(ZH) | set(ZH_PLURAL)
    assert table <= said, table - said
    assert said - table == set(FOR_PROGRAMMERS), (said - table) ^ set(FOR_PROGRAMMERS)

    def names(text: str) -> set[str]:
        return {field for _, field, _, _ in string.Formatter().parse(text) if field}

    for english, chinese in ZH.items():
        assert names(chinese) <= names(english), english
        assert ("%(" in chinese) == ("%(" in english), english
    for (one, many), chinese in ZH_PLURAL.items():
        assert names(chinese) <= names(one) & names(many) or names(chinese) <= names(many), one


@pytest.mark.parametrize("argv, words", [
    (["export"], "缺少选项 '--to'"),
    (["checklist", "--format", "pdf"], "'--format' 的值不正确：'pdf' 不是可选的值之一：'table'"),
    (["frobnicate"], "没有命令 frobnicate。"),
    (["restore", "--bogus"], "没有选项 --bogus。"),
    (["hub", "import"], "缺少参数 'FILE|DIR...'"),
    (["checklist", "extra", "words"], "多出了参数（extra words）"),
    (["demo", "--records"], "选项 --records 后面要跟一个值。"),
])
def test_usage_errors_are_in_chinese(capsys, argv, words):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "错误：" + words in err.replace("\n", "")
    assert not any(english in err for english in ("Missing", "No such", "Got unexpected", "is not one of", "requires an"))


def test_usage_errors_are_in_english_when_the_config_says_so(tmp_path, capsys):
    office = english_office(tmp_path, capsys)
    with pytest.raises(SystemExit):
        main(["export", "--home", str(office)])
    err = capsys.readouterr().err
    assert "Error: Missing option '--to'." in err and "缺少" not in err
