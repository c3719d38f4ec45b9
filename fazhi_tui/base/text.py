"""One rule for text that people typed or that arrived from a file, a bundle or a paste.

Text is stored clean (:func:`clean_text`) and shown harmless (:func:`visible`). What a
township sends is untrusted (it controls its own PC and database), and what a clerk pastes
from Word carries line breaks of its own; neither may reach the operator's terminal as a
control sequence, nor a spreadsheet as a character XML refuses.

What :func:`clean_text` does, character by character:

* line breaks of every kind — ``\\r\\n``, ``\\r``, ``\\x0b`` (Word's manual line break),
  ``\\x0c``, NEL ``\\x85``, U+2028 and U+2029 — become ``\\n`` in a multi-line field and a
  space in a one-line field; a tab stays in a multi-line field and is a space elsewhere;
* every other control character is removed: C0 (NUL, ESC — so no ``ESC ] 52`` clipboard,
  ``ESC ] 0`` window title, ``ESC [2J`` clear screen or ``ESC ] 8`` hyperlink survives as a
  sequence; what follows the ESC stays as plain, harmless letters), DEL and C1 (``\\x9b`` is
  a one-byte CSI to some terminals);
* invisible format characters (Unicode category Cf) are removed: the bidirectional
  embeddings, overrides and isolates (U+202A–202E, U+2066–2069, the "Trojan source"
  characters that make a text read differently from what it holds), the direction marks,
  zero-width space, word joiner, byte-order mark, soft hyphen, interlinear annotation and tag
  characters. Zero-width joiner and non-joiner (U+200D, U+200C) stay: emoji and some
  scripts need them, and they move no cursor;
* lone surrogates (which no UTF-8 file or terminal can carry) and noncharacters (U+FFFE,
  U+FFFF and the like, refused by XML and so by xlsx) are removed.

Everything else — every letter, CJK, emoji, private-use and not yet assigned characters,
markup-like brackets such as ``[/]`` or ``[link=...]`` — is kept as it is: brackets are
harmless once text is never read as markup (the interface shows it as ``rich.text.Text``).

:func:`visible` is for display, of text that may not have been cleaned (data from before
this rule, names of files on a stick, messages quoting a file): a control character is shown
as its Unicode control picture (ESC as ␛, NUL as ␀), anything else :func:`clean_text` would
remove as �, so nothing reaches the terminal but printable characters and, where asked,
``\\n``. Clean text shows as itself (a tab and, on one line, a line break as a space).
"""

from __future__ import annotations

import unicodedata

__all__ = ["clean_text", "visible", "is_clean", "LINE_BREAKS"]

# Characters that end a line, besides "\n" itself ("\r\n" is handled as one).
LINE_BREAKS = frozenset("\r\x0b\x0c\x85\u2028\u2029")
# Format characters that stay: they join or separate glyphs and move no cursor.
_KEPT_FORMAT = frozenset("\u200c\u200d")


def _harmful(ch: str) -> bool:
    """True for a character :func:`clean_text` removes (line breaks and tab aside)."""
    category = unicodedata.category(ch)
    if category in ("Cc", "Cs"):
        return True
    if category == "Cf":
        return ch not in _KEPT_FORMAT
    code = ord(ch)
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def clean_text(value: str, multiline: bool = False) -> str:
    """``value`` as it may be stored: see the module's text for what changes."""
    if value.isprintable():  # the common case, at C speed: no control, format or break
        return value
    out: list[str] = []
    for ch in value.replace("\r\n", "\n"):
        if ch == "\n" or ch in LINE_BREAKS:
            out.append("\n" if multiline else " ")
        elif ch == "\t":
            out.append("\t" if multiline else " ")
        elif not _harmful(ch):
            out.append(ch)
    return "".join(out)


def is_clean(value: str, multiline: bool = False) -> bool:
    """True if :func:`clean_text` would leave ``value`` as it is."""
    return clean_text(value, multiline) == value


def _picture(ch: str) -> str:
    code = ord(ch)
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ … ␟
    if code == 0x7F:
        return "\u2421"  # ␡
    return "\ufffd"


def visible(value: str, multiline: bool = False) -> str:
    """``value`` as it may be shown on a terminal: printable characters only, and ``\\n``
    when ``multiline``. Clean text reads as itself; a control character as its picture."""
    if value.isprintable():
        return value
    out: list[str] = []
    for ch in value.replace("\r\n", "\n"):
        if ch in ("\n", "\x85", "\u2028", "\u2029"):
            out.append("\n" if multiline else " ")
        elif ch == "\t":
            out.append(" ")
        elif ch in LINE_BREAKS or _harmful(ch):
            out.append(_picture(ch))
        else:
            out.append(ch)
    return "".join(out)
