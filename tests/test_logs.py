"""The log: a rotating file in the home, mirrored to standard error with --verbose."""

from __future__ import annotations

import logging

import pytest

from fazhi_tui.base import logs
from fazhi_tui.base.logs import ensure_logging, log_path, log_unexpected, setup_logging
from fazhi_tui.base.paths import resolve_home


@pytest.fixture(autouse=True)
def _forget_logging(monkeypatch):
    """Each test sets up logging its own way; the next test starts without it."""
    monkeypatch.setattr(logs, "_configured_for", None)
    yield
    logger = logging.getLogger("fazhi_tui")
    for handler in [h for h in logger.handlers if logs._ours(h)]:
        logger.removeHandler(handler)
        handler.close()


def test_the_log_file_is_written_in_the_home(tmp_path, capsys):
    home = resolve_home(tmp_path / "office")
    assert setup_logging(home) == home.data_dir / "logs" / "fazhi-tui.log" == log_path(home)
    logging.getLogger("fazhi_tui.sync.hub").info("hub import %s: imported", "E:/fazhi-up-1.fzb")
    logging.getLogger("fazhi_tui.sync.hub").debug("not without --verbose")
    try:
        raise ValueError("boom")
    except ValueError as exc:
        log_unexpected(exc)
    text = log_path(home).read_text(encoding="utf-8")
    assert "INFO" in text and "fazhi_tui.sync.hub: hub import E:/fazhi-up-1.fzb: imported" in text
    assert "not without" not in text
    assert "Traceback" in text and "ValueError: boom" in text
    assert capsys.readouterr().err == ""  # nothing on the console without --verbose


def test_verbose_mirrors_the_log_on_stderr(tmp_path, capsys):
    home = resolve_home(tmp_path / "office")
    setup_logging(home, verbose=True)
    logging.getLogger("fazhi_tui.storage.backups").info("backup %s written", "fazhi-1-auto-daily.db")
    logging.getLogger("fazhi_tui.base.lock").debug("details for the IT person")
    err = capsys.readouterr().err
    assert "backup fazhi-1-auto-daily.db written" in err and "details for the IT person" in err
    assert "backup fazhi-1-auto-daily.db written" in log_path(home).read_text(encoding="utf-8")
    # ensure_logging (the interface starting) keeps the mirror the command line set up
    ensure_logging(home)
    logging.getLogger("fazhi_tui").info("still mirrored")
    assert "still mirrored" in capsys.readouterr().err
    setup_logging(home)  # again without: the mirror goes
    logging.getLogger("fazhi_tui").info("quiet now")
    assert capsys.readouterr().err == ""


def test_the_log_rotates(tmp_path, monkeypatch):
    monkeypatch.setattr(logs, "MAX_BYTES", 2000)
    home = resolve_home(tmp_path / "office")
    setup_logging(home)
    for i in range(100):
        logging.getLogger("fazhi_tui").info("line %d %s", i, "法" * 20)
    parts = sorted(p.name for p in home.logs.iterdir())
    assert parts[0] == "fazhi-tui.log" and "fazhi-tui.log.1" in parts
    assert len(parts) == 1 + logs.BACKUP_COUNT  # the oldest parts are dropped
    assert "line 99" in log_path(home).read_text(encoding="utf-8")


def test_a_home_that_cannot_hold_a_log_does_not_stop_the_program(tmp_path):
    blocker = tmp_path / "office"
    blocker.mkdir()
    (blocker / "logs").write_text("a file where the folder should be", encoding="utf-8")
    assert setup_logging(resolve_home(blocker)) is None
    logging.getLogger("fazhi_tui").info("goes nowhere, fails nothing")
