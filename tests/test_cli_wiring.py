"""The command line in a real office (issue 19): the home's lock around every writing
command (two processes on one home), ``--verbose`` and the log, an unexpected error said in
one sentence with the log's path, ``hub import`` and ``import`` expanding folders and
patterns themselves (passed unexpanded, as cmd.exe and PowerShell do) with progress on a
terminal and when redirected, ``backup --to`` and ``--list``."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import shutil
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from fazhi_tui.base.paths import resolve_home
from fazhi_tui.cli import main
from fazhi_tui.storage.database import list_backups
from tests.sync.util import TOWN_A, TOWN_B, enrol, hub, ok, run, township

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A county hub H with townships A and B enrolled; each has put its bundle on the stick."""
    root = tmp_path_factory.mktemp("wiring")
    county = hub(root / "H")
    usb = root / "usb"
    a, b = township(root / "A", TOWN_A, records=30), township(root / "B", TOWN_B, records=30)
    enrol(county, a, usb, "金星镇")
    enrol(county, b, usb, "良田镇")
    ok("export", "--to", usb, "--home", a.root)
    ok("export", "--to", usb, "--home", b.root)
    return root


@pytest.fixture
def work(template, tmp_path) -> Path:
    root = tmp_path / "w"
    shutil.copytree(template, root)
    return root


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "FAZHI"))}
    env.update(PYTHONPATH=str(REPO), PYTHONIOENCODING="utf-8", **extra)
    return env


def fazhi(*args, stderr=subprocess.PIPE, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """``python -m fazhi_tui ARGS`` with no shell in between: a pattern arrives unexpanded."""
    return subprocess.run(
        [sys.executable, "-m", "fazhi_tui", *[str(a) for a in args]], cwd=cwd or REPO, env=environment(),
        stdout=subprocess.PIPE, stderr=stderr, stdin=subprocess.DEVNULL, text=True, timeout=120,
    )


# -- folders and patterns ------------------------------------------------------------------------


def test_hub_import_expands_a_pattern_itself_as_windows_passes_it(work):
    usb = work / "usb"
    result = fazhi("hub", "import", usb / "fazhi-up-*.fzb", "--home", work / "H")
    assert result.returncode == 0, result.stderr
    assert "*" not in result.stdout
    for path in sorted(usb.glob("fazhi-up-*.fzb")):
        assert str(path) in result.stdout
    assert result.stdout.count("已导入") == 2
    assert result.stderr == ""  # two files: no progress to show


def test_hub_import_takes_a_folder_and_a_pattern_relative_to_where_it_runs(work):
    first = run("hub", "import", work / "usb", "--home", work / "H")
    assert first.code == 0 and first.out.count("已导入") == 2
    again = fazhi("hub", "import", "usb/fazhi-up-6403021*.fzb", "--dry-run", "--home", work / "H", cwd=work)
    assert again.returncode == 0 and again.stdout.count("已导入过") == 2


def test_a_pattern_or_folder_that_matches_nothing_is_said_and_nothing_imported(work):
    result = fazhi("hub", "import", work / "usb" / "fazhi-up-9*.fzb", "--home", work / "H")
    assert result.returncode == 1 and "没有与" in result.stderr and "fazhi-up-9*.fzb" in result.stderr
    assert "Traceback" not in result.stderr
    empty = work / "empty"
    empty.mkdir()
    result = run("hub", "import", empty, "--home", work / "H")
    assert result.code == 1 and "fazhi-up-*.fzb" in result.err and str(empty) in result.err
    assert "已导入" not in run("hub", "changes", "--home", work / "H").out


def test_the_township_imports_its_own_down_bundle_from_a_folder(work):
    ok("hub", "import", work / "usb", "--home", work / "H")
    stick = work / "stick"
    stick.mkdir()
    ok("hub", "publish", "--to", stick, "--home", work / "H")
    assert len(list(stick.glob("fazhi-down-*.fzb"))) == 2  # one for each township
    result = run("import", stick, "--home", work / "A")  # only A's is taken from the folder
    assert result.code == 0, result
    assert len(result.lines) == 1 and f"fazhi-down-{TOWN_A}-" in result.out
    pattern = fazhi("import", stick / "fazhi-down-*.fzb", "--home", work / "B")  # a pattern: every file it names
    assert pattern.returncode == 1  # A's file is not B's: refused, and said
    assert f"fazhi-down-{TOWN_B}-" in pattern.stdout and f"fazhi-down-{TOWN_A}-" in pattern.stdout


# -- progress ------------------------------------------------------------------------------------


def _many(work: Path, count: int = 6) -> Path:
    """A stick with ``count`` files named like up-bundles (not bundles: each is refused)."""
    folder = work / "many"
    folder.mkdir()
    for n in range(1, count + 1):
        (folder / f"fazhi-up-640302100-dev-{n:06d}.fzb").write_bytes(b"not a bundle")
    return folder


def test_progress_is_a_plain_line_per_file_when_redirected(work):
    folder = _many(work)
    result = fazhi("hub", "import", folder, "--home", work / "H")
    assert result.returncode == 1  # every file refused
    assert result.stdout.count("拒收") == 6
    lines = result.stderr.splitlines()
    assert lines == [f"{n}/6 fazhi-up-640302100-dev-{n:06d}.fzb" for n in range(1, 7)]
    assert "\r" not in result.stderr and "\x1b" not in result.stderr


def test_progress_is_a_bar_redrawn_in_place_on_a_terminal(work):
    folder = _many(work)
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 60, 0, 0))  # a narrow window
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "fazhi_tui", "hub", "import", str(folder), "--home", str(work / "H")],
            cwd=REPO, env=environment(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave,
        )
        os.close(slave)
        seen = b""
        while True:
            ready, _, _ = select.select([master], [], [], 60)
            if not ready:
                break
            try:
                chunk = os.read(master, 4096)
            except OSError:  # EIO: the process closed the terminal
                break
            if not chunk:
                break
            seen += chunk
        stdout = process.stdout.read().decode("utf-8")
        assert process.wait(timeout=60) == 1
    finally:
        os.close(master)
    text = seen.decode("utf-8")
    assert "\r\x1b[K[" in text  # redrawn in place
    frames = re.split(r"\r\x1b\[K", text)
    assert all(len(frame.rstrip("\r\n")) <= 59 for frame in frames)  # never wider than the window: never wraps
    assert re.search(r"\[#{30}\] 6/6 fazhi-up-640302100-dev\r?\n", text)  # finished, cut to 59 columns, on its own line
    assert "Traceback" not in text
    assert stdout.count("拒收") == 6  # the result lines are untouched by the bar


# -- one program per home ------------------------------------------------------------------------

HOLD = """
import sys
from fazhi_tui.cli import main
from fazhi_tui.services import office
real = office.export_bundle
def held(*args, **kwargs):
    print("holding", flush=True)
    sys.stdin.readline()
    return real(*args, **kwargs)
office.export_bundle = held
sys.exit(main(sys.argv[1:]))
"""


def test_two_processes_on_one_home_the_second_writer_is_refused_and_told_who(work):
    a = work / "A"
    home = resolve_home(a)
    home.backups.mkdir(exist_ok=True)
    shutil.copyfile(home.database, home.backups / "fazhi-20260101-080000-000000-test.db")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, "export", "--to", str(work / "usb"), "--home", str(a)],
        cwd=REPO, env=environment(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "holding", holder.stderr.read()
        before = home.database.read_bytes()
        for argv in (("export", "--to", work / "usb"), ("enroll", work / "usb" / f"fazhi-enrol-{TOWN_A}.json"),
                     ("import", work / "usb")):
            second = fazhi(*argv, "--home", a)
            assert second.returncode == 1, (argv, second.stderr)
            assert "正被另一个 fazhi-tui 使用" in second.stderr and f"进程 {holder.pid}" in second.stderr, argv
            assert "Traceback" not in second.stderr
        restore = fazhi("restore", "fazhi-20260101-080000-000000-test.db", "--home", a)
        assert restore.returncode == 1 and "不能恢复" in restore.stderr and f"进程 {holder.pid}" in restore.stderr
        assert home.database.read_bytes() == before
        # reading needs no lock: the checklist and a copy on a stick work while the home is held
        assert fazhi("checklist", "--home", a).returncode == 0
        stick = work / "stick"
        stick.mkdir()
        assert fazhi("backup", "--to", stick, "--home", a).returncode == 0
        assert len(list(stick.glob("fazhi-*-auto-copy.db"))) == 1
        # the interface is not opened on a held home either: said, and nothing started
        code = main(["run", "--home", str(a)])
        assert code == 1
    finally:
        holder.stdin.write("\n")
        holder.stdin.flush()
    out, err = holder.communicate(timeout=60)
    assert holder.returncode == 0, err
    assert "已导出" in out
    assert fazhi("export", "--to", work / "usb", "--home", a).returncode == 0  # free again


def test_a_hub_import_is_refused_while_the_hub_is_held_but_a_dry_run_is_not(work, capsys):
    county = work / "H"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys; from fazhi_tui.base.lock import HomeLock; "
         "HomeLock(sys.argv[1]).acquire(); print('locked', flush=True); sys.stdin.readline()", str(county)],
        cwd=REPO, env=environment(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        refused = run("hub", "import", work / "usb", "--home", county)
        assert refused.code == 1 and f"进程 {holder.pid}" in refused.err and refused.out == ""
        dry = run("hub", "import", work / "usb", "--dry-run", "--home", county)
        assert dry.code == 0 and dry.out.count("试导入") == 2
        assert run("hub", "publish", "--to", work / "usb", "--home", county).code == 1
    finally:
        holder.stdin.write("\n")
        holder.stdin.flush()
        holder.wait(timeout=30)
    assert run("hub", "import", work / "usb", "--home", county).code == 0


# -- the log -------------------------------------------------------------------------------------


def test_verbose_mirrors_the_log_on_stderr_and_every_command_logs(work):
    quiet = fazhi("hub", "import", work / "usb", "--dry-run", "--home", work / "H")
    assert quiet.returncode == 0 and quiet.stderr == ""
    loud = fazhi("hub", "import", work / "usb", "--verbose", "--home", work / "H")
    assert loud.returncode == 0
    assert "INFO fazhi_tui.cli: fazhi-tui hub import" in loud.stderr
    assert "auto-before-import" in loud.stderr  # the backup before the run, from storage
    assert loud.stdout.count("已导入") == 2  # the output itself is unchanged
    at_the_root = fazhi("--verbose", "checklist", "--home", work / "A")
    assert "fazhi_tui.cli: fazhi-tui checklist" in at_the_root.stderr
    log = (work / "H" / "logs" / "fazhi-tui.log").read_text(encoding="utf-8")
    assert log.count("fazhi_tui.cli: fazhi-tui hub import") == 2  # with or without --verbose


def test_an_unexpected_error_is_one_sentence_and_its_traceback_is_in_the_log(work, capsys, monkeypatch):
    from fazhi_tui.services import office

    def broken(*args, **kwargs):
        raise RuntimeError("boom in the checklist")

    monkeypatch.setattr(office, "checklist_report", broken)
    assert main(["checklist", "--home", str(work / "A")]) == 1
    err = capsys.readouterr().err
    log = work / "A" / "logs" / "fazhi-tui.log"
    assert "出现意外错误（RuntimeError）" in err and str(log) in err
    assert "Traceback" not in err and "boom" not in err
    text = log.read_text(encoding="utf-8")
    assert "Traceback" in text and "RuntimeError: boom in the checklist" in text


def test_an_unexpected_error_with_nowhere_to_log_shows_the_details(tmp_path, capsys, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom before any home")

    home = tmp_path / "not-made"
    monkeypatch.setattr("fazhi_tui.services.office.backup_lines", broken)
    assert main(["backup", "--list", "--home", str(home)]) == 1
    err = capsys.readouterr().err
    assert "出现意外错误（RuntimeError）" in err and "日志无法写入" in err and "boom before any home" in err
    assert not home.exists()  # the log does not make a home of its own


# -- backup --to and --list ----------------------------------------------------------------------


def test_backup_to_a_stick_then_restore_from_it(work, capsys):
    a = work / "A"
    home = resolve_home(a)
    stick = work / "stick"
    stick.mkdir()
    assert main(["backup", "--to", str(stick), "--home", str(a)]) == 0
    (copy,) = stick.glob("fazhi-*-auto-copy.db")
    assert str(copy) in capsys.readouterr().out
    home.backups.mkdir(exist_ok=True)
    shutil.copyfile(copy, home.backups / copy.name)  # as the guide says: put it in backups
    assert main(["backup", "--list", "--home", str(a)]) == 0
    assert copy.name in capsys.readouterr().out
    assert main(["restore", copy.name, "--home", str(a)]) == 0
    assert copy.name in capsys.readouterr().out
    assert any("before-restore" in p.name for p in list_backups(home.backups))


@pytest.mark.parametrize("argv, code, words", [
    (["--to", "{work}/nowhere"], 1, "找不到文件夹"),
    ([], 2, "--to"),
    (["--to", "{work}", "--list"], 2, "--list"),
])
def test_backup_refuses_what_it_cannot_do(work, capsys, argv, code, words):
    args = [arg.format(work=work) for arg in argv]
    assert main(["backup", *args, "--home", str(work / "A")]) == code
    assert words in capsys.readouterr().err


def test_backup_of_a_home_without_a_database(tmp_path, capsys):
    stick = tmp_path / "stick"
    stick.mkdir()
    assert main(["backup", "--to", str(stick), "--home", str(tmp_path / "empty")]) == 1
    assert "还没有数据文件" in capsys.readouterr().err
    assert list(stick.iterdir()) == []
