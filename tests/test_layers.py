"""The layers stay apart: the domain and storage never import Textual, and commands that
do not open the interface do not pay for importing it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "fazhi_tui"


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys; print('\\n'.join(sys.modules))"],
        capture_output=True, text=True, check=True, cwd=PACKAGE.parent,
    ).stdout
    return set(out.split())


@pytest.mark.parametrize("layer", ["domain", "storage"])
def test_layer_never_imports_textual(layer):
    modules = [
        f"fazhi_tui.{layer}.{p.stem}" for p in sorted((PACKAGE / layer).glob("*.py")) if p.stem != "__init__"
    ]
    imported = _modules_after("".join(f"import {m}\n" for m in modules))
    assert not {m for m in imported if m.split(".")[0] == "textual"}
    for path in (PACKAGE / layer).glob("*.py"):
        assert "textual" not in path.read_text(encoding="utf-8").replace("Textual", ""), path


def test_command_line_does_not_import_textual_until_the_interface_opens():
    # every group and command is built, and the deepest help is rendered, without Textual
    imported = _modules_after(
        "import fazhi_tui.cli\n"
        "try:\n    fazhi_tui.cli.main(['hub', 'catalog', 'import', '--help'])\nexcept SystemExit:\n    pass"
    )
    assert "fazhi_tui.cli.hub" in imported and "click" in imported
    assert "textual" not in imported
    assert "textual.app" not in imported


ROOT = PACKAGE.parent


def _tool(name: str) -> str:
    """The console script ``name`` installed beside this Python (the test extras)."""
    found = Path(sys.executable).with_name(name)
    if not found.exists():  # Windows
        found = Path(sys.executable).with_name(name + ".exe")
    return str(found)


def test_import_contracts_are_kept():
    """The layer contracts of pyproject.toml ([tool.importlinter]) hold: no layer imports a higher one."""
    result = subprocess.run([_tool("lint-imports")], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_is_clean():
    result = subprocess.run([_tool("ruff"), "check", "fazhi_tui", "tests", "bench", "tools"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_sql_outside_storage():
    """Every line of SQL lives in the storage layer."""
    offenders = [
        str(path.relative_to(ROOT))
        for path in PACKAGE.rglob("*.py")
        if "storage" not in path.relative_to(PACKAGE).parts and ".execute(" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


def test_no_loose_modules_at_the_package_root():
    loose = sorted(p.name for p in PACKAGE.glob("*.py") if p.name not in {"__init__.py", "__main__.py"})
    assert loose == []


def test_the_first_screen_does_not_pay_for_sqlite_utils(tmp_path):
    """Opening the database and counting its records (what the home screen shows) does not
    import sqlite-utils (~30 ms): it is imported on the first bulk write or page read."""
    code = (
        "from pathlib import Path\n"
        "from fazhi_tui.storage.store import Store\n"
        f"store = Store.open(Path({str(tmp_path / 'fazhi.db')!r}), Path({str(tmp_path / 'backups')!r}))\n"
        "assert store.counts()\n"
        "store.clock_behind()\n"
    )
    assert "sqlite_utils" not in _modules_after(code)
    assert "sqlite_utils" in _modules_after(code + "from fazhi_tui.domain.kinds import KINDS\nstore.page(KINDS['meeting'], 0, 10)\n")


# What opening the program (``python -m fazhi_tui --home DIR``) must not import before the home
# screen is drawn: each is deferred to the command or screen that needs it (issue 20).
NOT_AT_START = (
    "fazhi_tui.cli.hub",  # every subcommand: imported when one is looked up or listed (cli/root.py)
    "fazhi_tui.cli.office",
    "fazhi_tui.services.hub",
    "fazhi_tui.services.office",
    "fazhi_tui.services.checklist",  # the home screen's checklist line: after the first frame
    "fazhi_tui.services.catalog_import",
    "fazhi_tui.services.hub_report",
    "fazhi_tui.sync.export",
    "fazhi_tui.sync.hub",
    "fazhi_tui.sync.crypto",
    "cryptography",
    "openpyxl",
    "sqlite_utils",
    "importlib.resources",  # schema.sql is read as a file beside the package (storage/database.py)
    "fazhi_tui.storage.hub_store",  # the hub's reads; a township's clock check asks it after the first frame
    "fazhi_tui.ui.widgets.palette",  # the command palette, on Ctrl+P (Textual's words: ui/helpers.py)
)


def test_opening_the_program_imports_only_what_the_home_screen_needs(tmp_path):
    code = (
        "from pathlib import Path\n"
        "from fazhi_tui.base.console import setup_console\n"
        "setup_console()\n"
        "from fazhi_tui.cli import root\n"
        f"ctx = root.make_context('fazhi-tui', ['--home', {str(tmp_path)!r}])\n"
        "from fazhi_tui.ui.app import FazhiApp\n"
        "from fazhi_tui.ui.screens.home import HomeScreen\n"
        "from fazhi_tui.base.lock import HomeLock\n"
        "from fazhi_tui.base.logs import ensure_logging\n"
        "from fazhi_tui.storage.store import Store\n"
        f"store = Store.open(Path({str(tmp_path / 'fazhi.db')!r}), Path({str(tmp_path / 'backups')!r}))\n"
        "store.counts()\n"  # (the clock check, Store.clock_behind, runs after the first frame)
    )
    imported = _modules_after(code)
    assert "fazhi_tui.ui.screens.home" in imported and "fazhi_tui.cli.root" in imported
    loaded = [m for m in NOT_AT_START if m in imported]
    assert loaded == []
    # and they are there when asked for: the commands on the first look-up, the checklist when run
    later = _modules_after(
        code + "root.get_command(ctx, 'hub')\nfrom fazhi_tui.services.checklist import run_checklist\nstore.clock_behind()\n"
    )
    assert {"fazhi_tui.cli.hub", "fazhi_tui.cli.office", "fazhi_tui.services.hub", "fazhi_tui.services.checklist",
            "fazhi_tui.storage.hub_store"} <= later
