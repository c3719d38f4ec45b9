"""Class 1: terminal control sequences in record text never reach the operator's terminal.

A township controls its own database, so a title may hold anything: the clipboard-setting
(ESC ] 52), window-title (ESC ] 0), clear-screen (ESC [2J) and hyperlink (ESC ] 8)
sequences, NUL, the one-byte C1 CSI, a bidi override. The forms and the hub's import store
such text clean (base/text.py); every screen, both programs, and the command line's outputs
show what is left, or older text, with its controls made visible.
"""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from textual import events

from fazhi_tui.base.text import LINE_BREAKS, clean_text, is_clean, visible
from fazhi_tui.domain.kinds import KINDS
from fazhi_tui.domain.validation import validate
from fazhi_tui.ui.screens.checklist import EvidenceScreen
from fazhi_tui.ui.screens.hub import HubScreen
from fazhi_tui.ui.screens.matrix import FIXED_COLUMNS, MatrixScreen
from fazhi_tui.ui.screens.record_form import RecordFormScreen
from fazhi_tui.ui.screens.record_list import RecordListScreen
from tests.hardening.helpers import TODAY, TOWN_A, Office, export, hub_import, query, run, township
from tests.hardening.screens import (
    BIDI_OVERRIDE,
    C1_CSI,
    CLEAR_SCREEN,
    EVIL_TITLE,
    NUL,
    OSC0_TITLE,
    OSC8_LINK,
    OSC52_CLIPBOARD,
    assert_harmless,
    harmful,
    screen_text,
)
from tests.ui.conftest import SIZE, make_app, press_settled, settle


def evil_meeting(office: Office, title: str = EVIL_TITLE, notes: str = EVIL_TITLE, day: str = "2026-11-27") -> str:
    """A meeting written straight into the township's database, past the forms: what a
    township that edits its own database (or a program from before the rule) can send."""
    values = {"kind": "deploy", "date": day, "title": title, "chair": "", "attendees": "", "minutes_no": "",
              "head_attendance": None, "head_absence_reason": "", "notes": notes}
    with office.store() as store:
        return store.insert(KINDS["meeting"], values, office.actor())


# -- the rule itself ------------------------------------------------------------------------------------


@pytest.mark.parametrize("sequence", [OSC52_CLIPBOARD, OSC0_TITLE, CLEAR_SCREEN, OSC8_LINK, NUL, C1_CSI, BIDI_OVERRIDE])
def test_clean_text_leaves_no_control_of_a_sequence(sequence):
    for multiline in (False, True):
        cleaned = clean_text(f"a{sequence}b", multiline)
        assert not any(harmful(ch) for ch in cleaned), cleaned
        assert cleaned.startswith("a") and cleaned.endswith("b")
        shown = visible(f"a{sequence}b", multiline)
        assert not any(harmful(ch) for ch in shown) and shown.isprintable(), shown


def test_clean_text_line_breaks_tabs_and_what_stays():
    assert clean_text("一\r\n二\r三\x0b四\x0c五\x85六\u2028七\u2029八\t九", multiline=True) == "一\n二\n三\n四\n五\n六\n七\n八\t九"
    assert clean_text("一\r\n二\x0b三\t四", multiline=False) == "一 二 三 四"
    kept = "[/]法治[link=https://x]a[/link] 👩\u200d💻 \u200c\ue000 Ωé"
    assert clean_text(kept) == kept and is_clean(kept)
    assert clean_text("\ufeffa\u200bb\u2066c\u2069\u00add\ufffe\uffff\U0001ffff\U000e0041") == "abcd"
    assert visible("a\x1bb\x00c\x7fd\x9be\u202ef") == "a␛b␀c␡d\ufffde\ufffdf"
    assert visible("a\nb\tc") == "a b c" and visible("a\nb", multiline=True) == "a\nb"


def test_every_format_character_but_the_joiners_is_removed():
    """Checked against this Python's Unicode tables, not a list typed by hand."""
    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        category = unicodedata.category(ch)
        if category in ("Cc", "Cf", "Cs") and ch not in "\t\n\r\x0b\x0c\x85\u200c\u200d":
            assert clean_text(f"a{ch}b", multiline=True) == "ab", hex(code)
            assert not harmful(visible(f"a{ch}b")[1]), hex(code)


# -- at entry: the forms ------------------------------------------------------------------------------------


def test_the_forms_store_text_clean(store, today):
    raw = {"kind": "deploy", "date": "2026-11-20", "title": f" {EVIL_TITLE} ", "notes": f"一{OSC0_TITLE}\r\n二\x0b三"}
    result = validate(KINDS["meeting"], raw, today=today, lookup=store)
    assert result.ok, result.problems
    assert not any(harmful(ch) for ch in result.values["title"])
    assert result.values["title"] == clean_text(EVIL_TITLE)
    assert result.values["notes"] == "一]0;pwned\n二\n三"


# -- the township's own screens -------------------------------------------------------------------------------


async def test_township_list_form_evidence_and_toasts_write_no_control(tmp_path: Path):
    a = township(tmp_path / "a", TOWN_A, records=30)
    record = evil_meeting(a)
    app = make_app(a.home)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert_harmless(app, "home")
        await press_settled(pilot, "1")
        assert isinstance(app.screen, RecordListScreen) and app.screen.table.current_row["uuid"] == record
        assert_harmless(app, "list")
        assert "学法␛]52;c;" in screen_text(app)  # text from before the rule: the control shown, not sent

        await press_settled(pilot, "enter")
        assert isinstance(app.screen, RecordFormScreen)
        assert_harmless(app, "form")
        await press_settled(pilot, "escape")
        assert isinstance(app.screen, RecordListScreen)

        await press_settled(pilot, "delete")
        assert_harmless(app, "confirm delete")
        await press_settled(pilot, "y")
        assert_harmless(app, "toast: deleted")
        await press_settled(pilot, "u")
        assert_harmless(app, "toast: restored")

        app.push_screen(EvidenceScreen(TODAY.year, "T40-deploy"))
        await settle(pilot)
        assert isinstance(app.screen, EvidenceScreen) and record in app.screen.result.proving
        assert_harmless(app, "evidence")



async def test_a_paste_arrives_clean_in_the_filter_and_the_form(tmp_path: Path):
    """A paste is delivered as the terminal delivers it (to the app, which forwards it)."""
    a = township(tmp_path / "a", TOWN_A, records=30)
    app = make_app(a.home)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await press_settled(pilot, "1", "slash")
        app.post_message(events.Paste(EVIL_TITLE))
        await settle(pilot)
        assert app.screen.query_one("#filter").value == clean_text(EVIL_TITLE)
        assert_harmless(app, "filter after a paste")
        await press_settled(pilot, "escape", "escape", "1", "n")
        assert isinstance(app.screen, RecordFormScreen)
        for field, multiline in (("title", False), ("notes", True)):
            widget = app.screen.query_one(f"#f-{field}")
            widget.focus()
            await settle(pilot)
            app.post_message(events.Paste(EVIL_TITLE + "\x0b第二行"))
            await settle(pilot)
            value = widget.text if multiline else widget.value
            # An Input keeps a paste's first line; a TextArea all of it, Word's break as a line break.
            assert value == clean_text(EVIL_TITLE) + ("\n第二行" if multiline else "")
            assert_harmless(app, f"form {field} after a paste")


# -- the hub ------------------------------------------------------------------------------------------------------


async def test_hub_stores_clean_and_its_screens_write_no_control(world):
    record = evil_meeting(world.a)
    assert hub_import(world.hub, export(world.a, world.usb).path).verdict == "imported"
    ((title, notes),) = query(world.hub.db, "SELECT title, notes FROM meeting WHERE uuid = ?", (record,))
    assert (title, notes) == (clean_text(EVIL_TITLE), clean_text(EVIL_TITLE, multiline=True))
    assert not any(harmful(ch) for ch in title + notes)

    app = make_app(world.hub.home)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HubScreen)
        assert_harmless(app, "hub")
        await press_settled(pilot, "m")
        screen = app.screen
        assert isinstance(screen, MatrixScreen)
        assert_harmless(app, "matrix")
        row = [r.code for r in screen.matrix.rows].index(TOWN_A)
        column = FIXED_COLUMNS + [rule.id for rule in screen.matrix.rules].index("T40-deploy")
        table = screen.query_one("DataTable")
        table.cursor_coordinate = table.cursor_coordinate._replace(row=row, column=column)
        await press_settled(pilot, "enter")
        assert isinstance(app.screen, EvidenceScreen) and record in app.screen.result.proving
        assert_harmless(app, "evidence at the hub")
        assert clean_text(EVIL_TITLE) in screen_text(app).replace("\n", "")


# -- the command line ------------------------------------------------------------------------------------------------


def test_command_line_outputs_carry_no_control(tmp_path: Path):
    a = township(tmp_path / "a", TOWN_A, records=30)
    evil_meeting(a)
    for fmt in ("table", "text", "markdown", "csv", "json"):
        result = run("checklist", "--format", fmt, "--date", TODAY.isoformat(), "--home", a.root)
        assert result.code == 0, result
        assert not [ch for ch in result.out if harmful(ch) and ch != "\n"], fmt
        assert "学法" in result.out or fmt in ("table", "csv", "json")  # the reports cite the record
    # A file on the stick named with escapes: the verdict line quotes its name harmlessly.
    stick = tmp_path / "stick"
    stick.mkdir()
    hostile = stick / f"fazhi-up-{OSC0_TITLE}{CLEAR_SCREEN}.fzb"
    hostile.write_bytes(b"not a bundle")
    county = tmp_path / "county"
    assert run("hub", "init", "640302", "--name", "利通区", "--home", county).code == 0
    result = run("hub", "import", hostile, "--home", county)
    assert result.code != 0 and "pwned" in result.out + result.err
    assert not [ch for ch in result.out + result.err if harmful(ch) and ch != "\n"]



# -- the rule as a property (fast: no files, many examples) -------------------------------------------------------

ANY_TEXT = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=30)


@settings(max_examples=300, deadline=None, database=None)
@given(value=ANY_TEXT)
def test_clean_text_and_visible_as_properties(value):
    for multiline in (False, True):
        cleaned = clean_text(value, multiline)
        assert not any(harmful(ch) and ch not in "\n\t" for ch in cleaned)
        assert not set(cleaned) & LINE_BREAKS
        assert multiline or ("\n" not in cleaned and "\t" not in cleaned)
        assert clean_text(cleaned, multiline) == cleaned and is_clean(cleaned, multiline)
        shown = visible(value, multiline)
        assert not any(harmful(ch) and not (multiline and ch == "\n") for ch in shown)
        shown.encode("utf-8")  # no lone surrogate: a terminal can be written to
        # clean text shows as itself (a tab, and on one line a line break, as a space)
        expected = cleaned.replace("\t", " ") if multiline else cleaned
        assert visible(cleaned, multiline) == expected
