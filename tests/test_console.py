"""Standard output that replaces what the console cannot show instead of crashing."""

from __future__ import annotations

import io

from fazhi_tui.base import console
from fazhi_tui.base.console import safe_text, setup_console


def test_setup_makes_an_ascii_stdout_replace_instead_of_raise(monkeypatch):
    raw_out, raw_err = io.BytesIO(), io.BytesIO()
    out = io.TextIOWrapper(raw_out, encoding="gbk")
    err = io.TextIOWrapper(raw_err, encoding="ascii")
    monkeypatch.setattr(console.sys, "stdout", out)
    monkeypatch.setattr(console.sys, "stderr", err)
    setup_console()
    out.write("王䶮 金星镇\n")
    err.write("错误\n")
    out.flush()
    err.flush()
    assert raw_out.getvalue().decode("gbk") == "王? 金星镇\n"
    assert raw_err.getvalue() == b"\\u9519\\u8bef\n"


def test_streams_that_cannot_be_reconfigured_are_left_alone(monkeypatch):
    monkeypatch.setattr(console.sys, "stdout", io.StringIO())
    monkeypatch.setattr(console.sys, "stderr", None)  # pythonw.exe
    setup_console()


def test_safe_text():
    stream = io.TextIOWrapper(io.BytesIO(), encoding="cp1252")
    assert safe_text("李䶮 café", stream) == "?? café"
