"""A checkbox whose state reads without colour.

Textual's Checkbox always shows its "X" and tells on from off by colour alone; on a
monochrome or 16-colour office terminal both look ticked. ``Tick`` shows the X only when
it is on (``▐X▌`` / ``▐ ▌``), in plain ASCII so it is one cell wide in every Chinese font.
"""

from __future__ import annotations

from textual.widgets import Checkbox


class Tick(Checkbox):
    """A Checkbox marked X when on and blank when off."""

    @property
    def BUTTON_INNER(self) -> str:  # noqa: N802 (the name Checkbox reads when it draws the box)
        return "X" if self.value else " "
