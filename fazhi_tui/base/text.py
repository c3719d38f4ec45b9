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

import functools
import re
import unicodedata

__all__ = ["clean_text", "visible", "is_clean", "LINE_BREAKS"]

# Characters that end a line, besides "\n" itself ("\r\n" is handled as one).
LINE_BREAKS = frozenset("\r\x0b\x0c\x85\u2028\u2029")
# Format characters that stay: they join or separate glyphs and move no cursor.
_KEPT_FORMAT = frozenset("\u200c\u200d")
_BREAK = re.compile("\r\n|[\n\r\x0b\x0c\x85\u2028\u2029]")
_NEWLINE = re.compile("\r\n|[\n\x85\u2028\u2029]")  # shown as a line break (or a space)
# Planes with control and format characters: the BMP, plane 1 and the tags of plane 14
# (a test checks every plane against this Python's Unicode tables).
_PLANES = ((0, 0x20000), (0xE0000, 0xE1000))


def _harmful(ch: str) -> bool:
    """True for a character :func:`clean_text` removes (line breaks and tab aside)."""
    if ch == "\t" or ch == "\n" or ch in LINE_BREAKS:
        return False
    category = unicodedata.category(ch)
    if category in ("Cc", "Cs"):
        return True
    if category == "Cf":
        return ch not in _KEPT_FORMAT
    code = ord(ch)
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


@functools.cache
def _pattern(shown: bool) -> re.Pattern[str]:
    """One character class of everything :func:`_harmful` is true for (built once, from the
    Unicode tables: ~10 ms); ``shown`` adds the line breaks :func:`visible` draws as pictures."""
    codes = [code for start, stop in _PLANES for code in range(start, stop) if _harmful(chr(code))]
    codes += [plane + last for plane in range(0x20000, 0x110000, 0x10000) for last in (0xFFFE, 0xFFFF)]
    if shown:
        codes += [ord(ch) for ch in "\r\x0b\x0c"]
    return re.compile("[" + "".join(re.escape(chr(code)) for code in sorted(codes)) + "]")


def clean_text(value: str, multiline: bool = False) -> str:
    """``value`` as it may be stored: see the module's text for what changes."""
    if value.isprintable():  # the common case, at C speed: no control, format or break
        return value
    text = _pattern(False).sub("", _BREAK.sub("\n" if multiline else " ", value))
    return text if multiline else text.replace("\t", " ")


def is_clean(value: str, multiline: bool = False) -> bool:
    """True if :func:`clean_text` would leave ``value`` as it is."""
    return clean_text(value, multiline) == value


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
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
    text = _NEWLINE.sub("\n" if multiline else " ", value).replace("\t", " ")
    return _pattern(True).sub(_picture, text)
