"""The command line, run in-process (and once as ``python -m fazhi_tui``)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from fazhi_tui import __version__
from fazhi_tui.base.paths import HOME_ENV
from fazhi_tui.cli import main
from fazhi_tui.domain.kinds import KINDS


@pytest.fixture(autouse=True)
def elsewhere(tmp_path, monkeypatch) -> Path:
    """Point FAZHI_TUI_HOME at a folder of its own so no test can touch the real user folders."""
    folder = tmp_path / "env-home"
    monkeypatch.setenv(HOME_ENV, str(folder))
    return folder


def record_count(folder: Path) -> int:
    conn = sqlite3.connect(folder / "fazhi.db")
    try:
        tables = tuple(KINDS)
        return sum(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables)
    finally:
        conn.close()


def snapshot(folder: Path) -> dict[str, tuple[int, int, bytes]]:
    return {
        str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns, p.read_bytes())
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def assert_done_line(out: str, folder: Path) -> None:
    assert "640302100" in out and "金星镇" in out
    assert str(folder.resolve()) in out
    assert str(record_count(folder)) in out


@pytest.mark.parametrize("order", ["home-after", "home-before"])
def test_demo_with_home_before_or_after_the_command(tmp_path, capsys, elsewhere, order):
    folder = tmp_path / "office"
    argv = ["demo", "--home", str(folder)] if order == "home-after" else ["--home", str(folder), "demo"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert (folder / "fazhi.db").exists() and (folder / "config.toml").exists()
    assert_done_line(out, folder)
    assert not elsewhere.exists()


def test_demo_with_a_bad_township_code(tmp_path, capsys):
    folder = tmp_path / "office"
    assert main(["demo", "--home", str(folder), "--township", "123"]) == 2
    captured = capsys.readouterr()
    assert "123" in captured.err and captured.out == ""
    assert not folder.exists()


def test_demo_with_another_township_and_size(tmp_path, capsys):
    folder = tmp_path / "office"
    assert main(["demo", "--home", str(folder), "--township", "640381101", "--years", "2", "--records", "600"]) == 0
    out = capsys.readouterr().out
    assert "640381101" in out
    assert 450 <= record_count(folder) <= 750


@pytest.mark.parametrize("bad", [["--years", "0"], ["--records", "many"]])
def test_demo_with_bad_numbers_is_a_usage_error(tmp_path, capsys, bad):
    with pytest.raises(SystemExit) as exc:
        main(["demo", "--home", str(tmp_path / "office"), *bad])
    assert exc.value.code == 2
    assert capsys.readouterr().err
    assert not (tmp_path / "office").exists()


def test_demo_twice_refuses_and_changes_nothing(tmp_path, capsys):
    folder = tmp_path / "office"
    assert main(["demo", "--home", str(folder)]) == 0
    capsys.readouterr()
    before = snapshot(folder)
    code = main(["demo", "--home", str(folder)])
    captured = capsys.readouterr()
    assert code != 0
    assert "已有数据" in captured.err or "already holds data" in captured.err
    assert str(folder.resolve()) in captured.err
    # Not a byte of data, config or lock changed; only the log says what was refused.
    log = folder / "logs" / "fazhi-tui.log"
    assert "refused" in log.read_text(encoding="utf-8")
    assert {k: v for k, v in snapshot(folder).items() if not k.startswith("logs")} == before


def test_home_from_the_environment(capsys, elsewhere):
    assert main(["demo"]) == 0
    assert (elsewhere / "fazhi.db").exists() and (elsewhere / "config.toml").exists()
    assert_done_line(capsys.readouterr().out, elsewhere)


def test_home_option_beats_the_environment(tmp_path, capsys, elsewhere):
    assert main(["demo", "--home", str(tmp_path / "office")]) == 0
    assert (tmp_path / "office" / "fazhi.db").exists()
    assert not elsewhere.exists()


def test_version(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_python_dash_m(tmp_path):
    folder = tmp_path / "office"
    env = {k: v for k, v in os.environ.items() if k != HOME_ENV}
    done = subprocess.run(
        [sys.executable, "-m", "fazhi_tui", "demo", "--home", str(folder)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert (folder / "fazhi.db").exists()
    assert "640302100" in done.stdout
