"""Folders and wildcard patterns on the command line, expanded by the program itself (cmd.exe
and PowerShell pass ``E:\\fazhi-up-*.fzb`` as it is)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from fazhi_tui.base import i18n
from fazhi_tui.base.patterns import NoMatch, expand_files

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def stick(tmp_path):
    for name in ("fazhi-up-640302101-a-000002.fzb", "fazhi-up-640302100-a-000001.fzb", "fazhi-down-640302100-000001.fzb",
                 "notes.txt"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "fazhi-up-folder.fzb").mkdir()  # a folder with a matching name is not a file
    (tmp_path / ".fazhi-up-640302100-a-000003.fzb.123.tmp").write_bytes(b"x")  # a half-written one
    return tmp_path


def names(paths):
    return [p.name for p in paths]


def test_a_pattern_gives_the_matching_regular_files_in_name_order(stick):
    pattern = str(stick / "fazhi-up-*.fzb")
    assert names(expand_files([pattern])) == ["fazhi-up-640302100-a-000001.fzb", "fazhi-up-640302101-a-000002.fzb"]
    assert names(expand_files([str(stick / "fazhi-?own-*")])) == ["fazhi-down-640302100-000001.fzb"]


def test_a_folder_stands_for_its_files_of_the_kind_asked(stick):
    assert names(expand_files([stick], "fazhi-up-*.fzb")) == ["fazhi-up-640302100-a-000001.fzb", "fazhi-up-640302101-a-000002.fzb"]
    assert "notes.txt" in names(expand_files([stick]))


def test_files_named_and_expanded_are_kept_once_in_argument_order(stick):
    first = stick / "fazhi-up-640302101-a-000002.fzb"
    got = expand_files([first, str(stick / "fazhi-up-*.fzb")])
    assert names(got) == ["fazhi-up-640302101-a-000002.fzb", "fazhi-up-640302100-a-000001.fzb"]


def test_a_plain_name_is_passed_on_even_if_missing_for_the_command_to_report(stick):
    missing = stick / "fazhi-up-gone.fzb"
    assert expand_files([missing]) == [missing]


def test_nothing_matching_is_a_clear_error(stick):
    with pytest.raises(NoMatch) as info:
        expand_files([str(stick / "fazhi-up-9*.fzb")])
    assert "fazhi-up-9*.fzb" in info.value.message() and "没有" in info.value.message()
    empty = stick / "empty"
    empty.mkdir()
    with pytest.raises(NoMatch) as info:
        expand_files([empty], "fazhi-up-*.fzb")
    i18n.set_language("en")
    assert info.value.message() == f"No fazhi-up-*.fzb file in the folder {empty}"


def test_a_file_whose_name_has_brackets_is_taken_as_named(tmp_path):
    odd = tmp_path / "fazhi-up-[copy].fzb"
    odd.write_bytes(b"x")
    assert expand_files([odd]) == [odd]


def test_patterns_passed_unexpanded_as_windows_does(stick):
    """No shell: the program receives the pattern itself, as from cmd.exe or PowerShell."""
    script = "import sys; from fazhi_tui.base.patterns import expand_files; print('\\n'.join(p.name for p in expand_files(sys.argv[1:], 'fazhi-up-*.fzb')))"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    pattern = f"{stick}{os.sep}fazhi-up-*.fzb"
    result = subprocess.run([sys.executable, "-c", script, pattern, str(stick)], capture_output=True, text=True, env=env,
                            cwd=stick, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["fazhi-up-640302100-a-000001.fzb", "fazhi-up-640302101-a-000002.fzb"]
    relative = subprocess.run([sys.executable, "-c", script, "fazhi-up-*.fzb"], capture_output=True, text=True, env=env,
                              cwd=stick, timeout=60)
    assert relative.stdout.split() == ["fazhi-up-640302100-a-000001.fzb", "fazhi-up-640302101-a-000002.fzb"]
