"""What a screen writes to the terminal, and what an xlsx shows, for the hardening tests of
text (classes 1, 2, 3).

The program runs headless (``run_test``); :func:`assert_harmless` looks at the screen the
way the terminal would get it: every segment of every line the compositor draws (all layers,
toasts included), and the bytes Textual would write for a full repaint. Textual's own
cursor and colour sequences (CSI … letter) are the only escapes allowed there.
"""

from __future__ import annotations

import re
import unicodedata

# Sequences a township might hide in a record's title, each harmful if it reaches a terminal.
OSC52_CLIPBOARD = "\x1b]52;c;ZWNobyBwd25lZA==\x07"
OSC0_TITLE = "\x1b]0;pwned\x07"
CLEAR_SCREEN = "\x1b[2J"
OSC8_LINK = "\x1b]8;;https://evil.example/\x1b\\点我\x1b]8;;\x1b\\"
NUL = "\x00"
C1_CSI = "\x9b31m"
BIDI_OVERRIDE = "\u202e"
EVIL_TITLE = f"学法{OSC52_CLIPBOARD}{OSC0_TITLE}{CLEAR_SCREEN}{OSC8_LINK}{NUL}{C1_CSI}{BIDI_OVERRIDE}会议"

# Markup Rich or Textual would read, if they were asked to.
MARKUP_TITLE = "[/]会议[link=https://evil.example]点我[/link][bold red]红"

# Textual's own: cursor moves, colours, modes.
_CSI = re.compile(r"\x1b\[[0-9;:?<=>]*[ -/]*[@-~]")
_KEPT_FORMAT = {"\u200c", "\u200d"}


def harmful(ch: str) -> bool:
    """A character that must never reach the terminal from data."""
    category = unicodedata.category(ch)
    return category in ("Cc", "Cs") or (category == "Cf" and ch not in _KEPT_FORMAT)


def terminal_output(app) -> str:
    """What Textual would write to the terminal to paint the screen in front afresh."""
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    return update.render_segments(app.console)


def screen_lines(app) -> list[str]:
    """The text of the screen in front, line by line (every layer, toasts included)."""
    return ["".join(segment.text for segment in strip) for strip in app.screen._compositor.render_strips()]


def screen_text(app) -> str:
    return "\n".join(screen_lines(app))


def assert_harmless(app, where: str = "") -> None:
    """No control or format character from data and no hyperlink on the screen in front, and
    nothing but Textual's own CSI sequences in what would be written to the terminal."""
    label = f"{type(app.screen).__name__} {where}".strip()
    for number, strip in enumerate(app.screen._compositor.render_strips()):
        for segment in strip:
            if segment.control:
                continue
            bad = [ch for ch in segment.text if harmful(ch)]
            assert not bad, f"{label}: line {number} carries {bad!r} in {segment.text!r}"
            assert segment.style is None or not segment.style.link, f"{label}: line {number} holds a link {segment.style.link!r}"
    raw = _CSI.sub("", terminal_output(app))
    bad = sorted({ch for ch in raw if harmful(ch) and ch != "\n"})
    assert not bad, f"{label}: the terminal would get {bad!r}"
    assert "\x1b" not in raw


_EXCEL_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def as_excel_shows(value: str) -> str:
    """A cell's text as Excel and WPS show it: they read "_xHHHH_" as the character U+HHHH."""
    return _EXCEL_ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), value)


def xlsx_strings(path) -> list[str]:
    """Every text cell of every sheet of an xlsx, as Excel shows it."""
    import openpyxl

    book = openpyxl.load_workbook(path)
    return [as_excel_shows(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, str)]
