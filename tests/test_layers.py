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
