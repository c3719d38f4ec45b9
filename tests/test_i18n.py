import ast
import string
from pathlib import Path

import pytest

from fazhi_tui.base import i18n
from fazhi_tui.base.config import ConfigError, parse_config
from fazhi_tui.base.i18n import CATALOG, choice_label, field_label, get_language, kind_label, set_language, t
from fazhi_tui.domain.kinds import CHOICES, KINDS
from fazhi_tui.storage.database import DatabaseBusy, DatabaseCorrupt, DatabaseError, DatabaseTooNew
from fazhi_tui.storage.store import DuplicateOnRestore

PACKAGE = Path(i18n.__file__).resolve().parents[1]
KEY_CALLS = {"t", "Problem", "ConfigError", "ActionRefused"}


def placeholders(text):
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.mark.parametrize("key", sorted(CATALOG))
def test_entry_has_both_languages_with_same_placeholders(key):
    entry = CATALOG[key]
    assert isinstance(entry, tuple) and len(entry) == 2
    zh, en = entry
    assert zh.strip() and en.strip()
    assert placeholders(zh) == placeholders(en)
    # both format with their own placeholders
    params = {name: "x" for name in placeholders(zh)}
    zh.format(**params), en.format(**params)


def test_every_kind_field_and_choice_has_a_label():
    missing = [f"kind.{k}" for k in KINDS if f"kind.{k}" not in CATALOG]
    missing += [f"field.{k.name}.{f.name}" for k in KINDS.values() for f in k.fields if f"field.{k.name}.{f.name}" not in CATALOG]
    missing += [f"choice.{s}.{c}" for s, codes in CHOICES.items() for c in codes if f"choice.{s}.{c}" not in CATALOG]
    assert missing == []
    for k in KINDS.values():
        for f in k.fields:
            if f.type == "bool":
                assert "bool.yes" in CATALOG and "bool.no" in CATALOG


def test_no_stale_label_keys():
    """Labels for kinds, fields, columns and choices name things that exist."""
    for key in CATALOG:
        part = key.split(".")
        if part[0] == "kind":
            assert part[1] in KINDS, key
        elif part[0] in ("field", "col"):
            assert part[1] in KINDS and part[2] in KINDS[part[1]].columns, key
        elif part[0] == "choice":
            assert part[1] in CHOICES and part[2] in CHOICES[part[1]], key


def _call_name(node):
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _strings(node):
    """String constants an expression can evaluate to (through a if c else b, a or b)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.IfExp):
        yield from _strings(node.body)
        yield from _strings(node.orelse)
    elif isinstance(node, ast.BoolOp):
        for value in node.values:
            yield from _strings(value)


def used_keys():
    """(file, line, key) for every literal key the package passes to t()/Problem()/ConfigError or assigns to key."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            values = []
            if isinstance(node, ast.Call) and _call_name(node) in KEY_CALLS and node.args:
                values = list(_strings(node.args[0]))
            elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names = [n.id if isinstance(n, ast.Name) else getattr(n, "attr", "") for n in targets]
                if any(name == "key" or name.endswith("_key") for name in names):
                    values = list(_strings(node.value))
            for value in values:
                if "." in value and " " not in value:
                    found.append((path.relative_to(PACKAGE.parent).as_posix(), node.lineno, value))
    return found


def test_every_key_used_in_the_code_is_in_the_catalog():
    found = used_keys()
    keys = {key for _, _, key in found}
    # the scan really sees the code: messages from validation, storage, config and the CLI
    assert {"err.required", "err.date_format", "err.date_impossible", "err.db_busy", "err.config_unknown_key", "cli.bad_code"} <= keys
    missing = [f"{file}:{line}: {key}" for file, line, key in found if key not in CATALOG]
    assert missing == []


def test_language_switch():
    assert get_language() == "zh"
    assert kind_label("meeting") == "会议"
    assert field_label("staff", "cert_no") == "执法证号"
    assert choice_label("meeting_kind", "admin") == "行政会议"
    assert choice_label("attendance", None) == ""
    set_language("en")
    assert get_language() == "en"
    assert kind_label("meeting") == "Meetings"
    assert t("err.too_long", max=50) == "Too long: at most 50 characters"
    set_language("fr")  # anything else is Chinese
    assert get_language() == "zh"
    assert t("err.too_long", max=50) == "太长了，最多 50 个字"
    assert t("no.such.key") == "no.such.key"
    set_language("en")  # the autouse fixture puts Chinese back after the test


def test_language_was_reset_by_the_fixture():
    assert get_language() == "zh"


@pytest.mark.parametrize("error", [DatabaseError, DatabaseBusy, DatabaseTooNew, DatabaseCorrupt, DuplicateOnRestore])
@pytest.mark.parametrize("language", ["zh", "en"])
def test_database_errors_format_as_the_cli_does(error, language):
    set_language(language)
    exc = error("/data/fazhi.db", "detail")
    assert exc.key in CATALOG
    text = t(exc.key, path=exc.path, detail=exc.detail, backups="/data/backups")
    assert "{" not in text


@pytest.mark.parametrize("language", ["zh", "en"])
def test_config_errors_format(language):
    set_language(language)
    with pytest.raises(ConfigError) as info:
        parse_config({"township": {"code": "bad", "name": "金星镇"}})
    text = t(info.value.key, **info.value.params)
    assert "township.code" in text and "{" not in text


def test_problem_params_match_placeholders():
    """Problem("err.x", {...}) in the package passes exactly the placeholders its message uses."""
    checked = 0
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and _call_name(node) == "Problem" and node.args):
                continue
            params = set()
            if len(node.args) > 1:
                assert isinstance(node.args[1], ast.Dict), f"{path}:{node.lineno}"
                params = {k.value for k in node.args[1].keys}
            for key in _strings(node.args[0]):
                assert params == placeholders(CATALOG[key][0]), f"{path.name}:{node.lineno}: {key}"
                checked += 1
    assert checked >= 20
