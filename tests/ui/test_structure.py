"""The interface's own structure: key labels put into words when shown (and again when the
language changes), screens that do not borrow from each other, one use case behind the
checklist report and the hub's matrix for the screens and the command line."""

from __future__ import annotations

import ast
from pathlib import Path

from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from fazhi_tui.base.i18n import CATALOG, t
from fazhi_tui.base.paths import resolve_home
from fazhi_tui.cli import main
from fazhi_tui.services.demo import build_demo
from fazhi_tui.ui.screens.home import HomeScreen
from fazhi_tui.ui.screens.hub import HubScreen
from fazhi_tui.ui.screens.matrix import MatrixScreen
from tests.conftest import TODAY
from tests.ui.conftest import SIZE, make_app, settle

UI = Path(__file__).resolve().parents[2] / "fazhi_tui" / "ui"


def footer_words(app) -> list[str]:
    return [key.description for key in app.screen.query_one(Footer).query(FooterKey)]


async def test_switching_language_in_process_changes_the_footer(home):
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        words = footer_words(app)
        assert t("key.kinds") == "台账" and "台账" in words and "检查清单" in words
        app.use_language("en")
        await settle(pilot)
        words = footer_words(app)
        assert "Lists" in words and "Checklist" in words and "台账" not in words
        assert app.title == "Township rule-of-law records"
        await pilot.press("c")  # a screen made after the switch speaks English too
        await settle(pilot)
        assert CATALOG["key.print"][1] in footer_words(app) and "Quit" in footer_words(app)
        app.use_language("zh")
        await settle(pilot)
        assert t("key.print") in footer_words(app)
        await pilot.press("escape")
        await settle(pilot)
        assert "台账" in footer_words(app)  # the screen below was put into words again too


def test_no_key_label_is_translated_at_import():
    """No t(...) in a class body (BINDINGS and the like), and every Binding's label is an i18n key."""
    offenders = []
    for path in sorted(UI.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                for statement in node.body:
                    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        continue
                    for inner in ast.walk(statement):
                        if isinstance(inner, ast.Call) and getattr(inner.func, "id", None) in ("t", "kind_label"):
                            offenders.append(f"{path.name}:{inner.lineno}")
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Binding" and len(node.args) >= 3:
                label = node.args[2]
                if isinstance(label, ast.Constant):
                    assert label.value in CATALOG, f"{path.name}:{node.lineno}: {label.value}"
                elif not isinstance(label, ast.JoinedStr):  # f"kind.{name}"
                    offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []


def test_screens_borrow_nothing_from_each_other():
    """A screen module imports from another screen module only a screen to open (and hub
    and matrix not even that: they open each other through the app)."""
    for path in sorted((UI / "screens").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("fazhi_tui.ui.screens."):
                assert all(alias.name.endswith("Screen") for alias in node.names), (path.name, node.module)
                assert {path.stem, node.module.rsplit(".", 1)[1]} != {"hub", "matrix"}


async def test_the_matrix_says_the_county_rules_were_refused_as_the_command_line_does(tmp_path, capsys):
    county = tmp_path / "county"
    assert main(["hub", "init", "640302", "--name", "利通区", "--home", str(county)]) == 0
    home = resolve_home(county)
    (home.config_dir / "rules.toml").write_text('version = 1\n\n[[rule]]\nid = "X"\ntask = "T40"\n', encoding="utf-8")
    assert main(["hub", "report", "--home", str(county), "--format", "json", "--out", str(tmp_path / "m.json")]) == 0
    printed = capsys.readouterr().err
    assert "第 3 行" in printed
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HubScreen)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, MatrixScreen)
        problem = app.screen.query_one("#rules-problem")
        shown = str(problem.render())
        assert problem.display and "第 3 行" in shown and "内置规则" in shown
        assert printed.strip().splitlines()[0] in shown


async def test_the_checklist_report_of_p_is_the_command_lines_markdown(tmp_path, capsys):
    home = resolve_home(tmp_path / "demo")
    build_demo(home, today=TODAY, records=120, years=1)
    out = tmp_path / "cli.md"
    day = TODAY.isoformat()
    assert main(["checklist", "--home", str(home.data_dir), "--date", day, "--format", "markdown", "--out", str(out)]) == 0
    app = make_app(home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
    saved = home.reports / f"checklist-{TODAY.year}-{day}.md"
    assert saved.read_text(encoding="utf-8") == out.read_text(encoding="utf-8")
