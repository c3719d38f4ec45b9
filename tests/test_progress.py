"""The progress protocol and its console renderer: a bar on a terminal, lines when redirected."""

from __future__ import annotations

import io
import os
import sys

import pytest

from fazhi_tui.base.progress import ConsoleProgress, RecordingProgress, steps


def test_steps_reports_before_the_first_and_after_each_item():
    seen = RecordingProgress()
    done = [item for item in steps(["a.fzb", "b.fzb"], seen)]
    assert done == ["a.fzb", "b.fzb"]
    assert seen.reports == [(0, 2, ""), (1, 2, "a.fzb"), (2, 2, "b.fzb")]
    assert list(steps([1, 2], None)) == [1, 2]  # no callback: nothing reported, nothing fails


def test_redirected_output_gets_plain_lines():
    out = io.StringIO()
    progress = ConsoleProgress(out, label="导入")
    for _ in steps(["a.fzb", "b.fzb", "c.fzb"], progress):
        pass
    assert out.getvalue() == "导入 1/3 a.fzb\n导入 2/3 b.fzb\n导入 3/3 c.fzb\n"
    assert "\r" not in out.getvalue() and "\x1b" not in out.getvalue()


def test_a_terminal_gets_one_bar_redrawn_in_place(monkeypatch):
    out = io.StringIO()
    clock = iter(range(0, 1000, 1))
    monkeypatch.setattr("fazhi_tui.base.progress.time.monotonic", lambda: next(clock))
    progress = ConsoleProgress(out, is_terminal=True, width=10)
    for _ in steps(["a", "b", "c", "d"], progress):
        pass
    text = out.getvalue()
    frames = text.split("\r\x1b[K")[1:]
    assert frames[0] == "[..........] 0/4"
    assert frames[2] == "[#####.....] 2/4 b"
    assert frames[-1] == "[##########] 4/4 d\n"  # the line is ended once, when done
    assert text.count("\n") == 1


def test_a_terminal_bar_is_throttled_but_always_drawn_at_the_end(monkeypatch):
    out = io.StringIO()
    monkeypatch.setattr("fazhi_tui.base.progress.time.monotonic", lambda: 5.0)  # no time passes
    progress = ConsoleProgress(out, is_terminal=True, width=4)
    for _ in steps(range(100), progress):
        pass
    frames = out.getvalue().split("\r\x1b[K")[1:]
    assert len(frames) == 2 and frames[-1] == "[####] 100/100 99\n"


def test_unknown_total_and_close_after_an_error():
    out = io.StringIO()
    progress = ConsoleProgress(out, is_terminal=True)
    progress(3, None, "迁移")
    progress.close()
    assert out.getvalue() == "\r\x1b[K3 迁移\n"
    lines = io.StringIO()
    ConsoleProgress(lines)(7, None, "x")
    assert lines.getvalue() == "7 x\n"


@pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal is POSIX")
def test_a_real_terminal_is_recognised_and_a_pipe_is_not():
    import pty

    leader, follower = pty.openpty()
    try:
        with os.fdopen(os.dup(follower), "w", encoding="utf-8") as terminal:
            assert ConsoleProgress(terminal).is_terminal
    finally:
        os.close(leader)
        os.close(follower)
    read, write = os.pipe()
    with os.fdopen(write, "w") as pipe:
        assert not ConsoleProgress(pipe).is_terminal
    os.close(read)


def test_a_migration_reports_each_step(tmp_path):
    from fazhi_tui.storage.database import load_migrations, open_database

    seen = RecordingProgress()
    conn = open_database(tmp_path / "fazhi.db", tmp_path / "backups", progress=seen)
    conn.close()
    migrations = load_migrations()
    assert seen.reports[0] == (0, len(migrations), "")
    assert seen.reports[1:] == [(i, len(migrations), m.description) for i, m in enumerate(migrations, start=1)]
    again = RecordingProgress()
    open_database(tmp_path / "fazhi.db", tmp_path / "backups", progress=again).close()
    assert again.reports == []  # nothing to migrate: nothing reported


def test_a_terminal_bar_never_wraps_and_clears_for_a_line_of_output(monkeypatch):
    """A bar wider than the terminal would wrap and could not be redrawn in place: it is cut
    to the width (a Chinese character counting two columns). ``clear()`` takes it off its
    line for a result line; the next report draws it again at once."""
    monkeypatch.setenv("COLUMNS", "40")
    monkeypatch.setattr("fazhi_tui.base.progress.time.monotonic", lambda: 5.0)  # no time passes
    out = io.StringIO()
    progress = ConsoleProgress(out, is_terminal=True)
    progress(1, 300, "fazhi-up-640302100-54729bfa-000001.fzb")
    progress(2, 300, "乡镇" * 20)
    frames = out.getvalue().split("\r\x1b[K")[1:]
    assert len(frames) == 1  # the second was throttled
    assert frames[0] == ("[" + "." * 30 + "]   1/300 fazhi-up-640302100")[:39] == "[" + "." * 30 + "]   1/30"
    progress.clear()
    assert out.getvalue().endswith("\r\x1b[K")
    progress(3, 300, "乡镇" * 20)  # drawn although no time has passed
    last = out.getvalue().split("\r\x1b[K")[-1]
    assert last.startswith("[") and sum(2 if ord(c) > 0x2000 else 1 for c in last) <= 39
    progress.clear()
    progress.clear()  # nothing on the line: nothing written
    assert out.getvalue().endswith("\r\x1b[K")
    assert out.getvalue().count("\r\x1b[K") == 4
