"""3. A full stick and a read-only stick: a clear message, no partial file, the database
unchanged (no row in the export log for the failed attempt), and the next export works.

Real file systems where this machine allows it: a tiny tmpfs (64 KB, filled almost to
the brim, so the bundle's write runs out of space half way) and the same tmpfs remounted
read-only. Where mounting is not permitted those two are skipped, with the reason. The
same failures injected at each step of the write (no space at the flush, a stick that
turns read-only at the rename) run everywhere.
"""

from __future__ import annotations

import errno
import os
import subprocess
from contextlib import contextmanager
from pathlib import Path

import pytest

from fazhi_tui.base import files as fsutil
from tests.hardening.cases import tried
from tests.hardening.helpers import TOWN_A, World, dump, export, hub_import, kind_counts, query, run

TINY = 64 * 1024


def _mount(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["mount", *args], capture_output=True, text=True, timeout=20)


@contextmanager
def tmpfs(folder: Path, size: int):
    """A tmpfs of ``size`` bytes at ``folder``, unmounted at the end; skips if not permitted."""
    folder.mkdir(parents=True, exist_ok=True)
    if os.name != "posix" or os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root on Linux; the injected failures below cover the same paths")
    try:
        result = _mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder))
    except (OSError, subprocess.TimeoutExpired) as exc:
        pytest.skip(f"cannot run mount: {exc}")
    if result.returncode != 0:
        pytest.skip(f"mount -t tmpfs is not permitted here: {result.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True, timeout=20)


def fill(folder: Path, leave: int) -> None:
    """Fill the file system of ``folder`` until about ``leave`` bytes are free."""
    stats = os.statvfs(folder)
    free = stats.f_bavail * stats.f_frsize
    (folder / "别的文件.bin").write_bytes(b"\x00" * max(0, free - leave))


def township_state(w: World) -> dict:
    return dump(w.a.db)


def assert_refused_cleanly(w: World, stick: Path, before: dict, result) -> None:
    assert result.code == 1, result
    assert "无法写入" in result.err and "U 盘" in result.err, result.err
    assert result.out == ""
    assert not [p for p in stick.iterdir() if p.name.startswith((".fazhi", "fazhi"))], list(stick.iterdir())
    assert township_state(w) == before
    assert query(w.a.db, "SELECT count(*) FROM export_log")[0][0] == 1  # only the template's first bundle


def export_again_and_import(w: World, usb: Path) -> None:
    again = export(w.a, usb)
    assert again.seq == 2
    assert hub_import(w.hub, w.bundle).verdict == "imported"
    assert hub_import(w.hub, again.path).verdict == "imported"
    assert kind_counts(w.hub.db, TOWN_A) == kind_counts(w.a.db)


def test_export_to_a_full_stick(world, tmp_path):
    w = world
    bundle_size = w.bundle.stat().st_size
    assert bundle_size > 8 * 1024
    with tmpfs(tmp_path / "stick", TINY) as stick:
        fill(stick, leave=4 * 1024)  # room for less than half of the bundle
        before = township_state(w)
        result = run("export", "--to", stick, "--home", w.a.root)
        assert_refused_cleanly(w, stick, before, result)
        assert "No space" in result.err or "空间" in result.err or "space" in result.err.lower()
        tried("export to a full stick")
        (stick / "别的文件.bin").unlink()  # the clerk makes room: the same stick now works
        assert run("export", "--to", stick, "--home", w.a.root).code == 0
        (written,) = stick.glob("fazhi-up-*.fzb")
        assert hub_import(w.hub, w.bundle).verdict == "imported"
        assert hub_import(w.hub, written).verdict == "imported"
        tried("export to a full stick")


def test_export_to_a_read_only_stick(world, tmp_path):
    w = world
    with tmpfs(tmp_path / "stick", TINY) as stick:
        (stick / "别的文件.txt").write_text("留着", encoding="utf-8")
        ro = _mount("-o", "remount,ro", str(stick))
        if ro.returncode != 0:
            pytest.skip(f"cannot remount read-only: {ro.stderr.strip()}")
        assert not os.access(stick, os.W_OK) or _is_read_only(stick)
        before = township_state(w)
        result = run("export", "--to", stick, "--home", w.a.root)
        assert_refused_cleanly(w, stick, before, result)
        assert [p.name for p in stick.iterdir()] == ["别的文件.txt"]
        tried("export to a read-only stick")
    export_again_and_import(w, w.root / "usb2")


def _is_read_only(folder: Path) -> bool:
    return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)


# -- the same failures, injected at each step of the write -------------------------------------------------


def _fail_with(code: int):
    def fail(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    return fail


@pytest.mark.parametrize(
    ("where", "code"),
    [
        ("mkstemp", errno.EROFS),  # a read-only stick: no file can be made
        ("write", errno.ENOSPC),  # full while writing
        ("fsync", errno.ENOSPC),  # full only when flushed (a FAT stick with a write cache)
        ("fsync", errno.EIO),  # pulled out while flushing
        ("replace", errno.EROFS),  # turned read-only just before the rename (after the commit)
    ],
)
def test_export_fails_at_each_step_of_the_write(world, tmp_path, monkeypatch, where, code):
    w = world
    stick = tmp_path / "stick"
    stick.mkdir()
    before = township_state(w)
    if where == "mkstemp":
        monkeypatch.setattr(fsutil.tempfile, "mkstemp", _fail_with(code))
    elif where == "write":
        real_fdopen = os.fdopen

        def fdopen(fd, *args, **kwargs):
            handle = real_fdopen(fd, *args, **kwargs)

            class Half:
                def __enter__(self):
                    return self

                def __exit__(self, *exc):
                    handle.close()

                def write(self, data):
                    handle.write(data[: len(data) // 2])
                    handle.flush()
                    raise OSError(code, os.strerror(code))

                def __getattr__(self, name):
                    return getattr(handle, name)

            return Half()

        monkeypatch.setattr(fsutil.os, "fdopen", fdopen)
    elif where == "fsync":
        monkeypatch.setattr(fsutil.os, "fsync", _fail_with(code))
    else:
        monkeypatch.setattr(fsutil.os, "replace", _fail_with(code))
    result = run("export", "--to", stick, "--home", w.a.root)
    monkeypatch.undo()
    assert result.code == 1, result
    assert "无法写入" in result.err and "U 盘" in result.err and os.strerror(code) in result.err
    assert list(stick.iterdir()) == []  # not even the temporary file
    after = township_state(w)
    assert after["export_log"] == before["export_log"]
    assert {k: v for k, v in after.items() if k != "meta"} == {k: v for k, v in before.items() if k != "meta"}
    assert after["meta"] == before["meta"]
    tried("export failing at a step of the write")
    export_again_and_import(w, stick)
