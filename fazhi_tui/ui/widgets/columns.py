"""Column widths from the window's width, and cells cut with a visible ``…``.

Lists lay out their columns for the width they have (issue 16, point 3): a column that
must never be cut — a code, a number, a date, a status — gets its whole width; the columns
of free text share what is left, and spare width goes to the longest texts first (a
"water level": short texts get all they need, the longest get the rest). A text cut to fit
ends in ``…``, so a cut never looks like a whole value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size

__all__ = ["ELLIPSIS", "Spec", "cut_cell", "fit_cell", "fit_widths"]

ELLIPSIS = "…"
MIN_TEXT_WIDTH = 4


@dataclass(frozen=True)
class Spec:
    """One column to lay out: ``natural`` cells show its longest text whole; a ``fixed``
    column always gets them, another at least ``minimum``."""

    natural: int
    fixed: bool = False
    minimum: int = MIN_TEXT_WIDTH


def fit_widths(specs: Sequence[Spec], available: int) -> list[int]:
    """Widths of the columns in ``available`` cells (the separators already taken off).

    Fixed columns get their natural width; the others share the rest, each at least its
    minimum, none more than its natural width, the longest raised last. If even the minimums
    do not fit, every column gets its minimum (the list scrolls sideways)."""
    widths = [s.natural if s.fixed else min(s.minimum, s.natural) for s in specs]
    elastic = [i for i, s in enumerate(specs) if not s.fixed]
    room = available - sum(widths)
    # raise the narrowest elastic columns one cell at a time, up to their natural widths
    while room > 0:
        growing = [i for i in elastic if widths[i] < specs[i].natural]
        if not growing:
            break
        level = min(widths[i] for i in growing)
        at_level = [i for i in growing if widths[i] == level]
        next_level = min([widths[i] for i in growing if widths[i] > level] + [min(specs[i].natural for i in at_level)])
        step = max(1, min(next_level - level, room // len(at_level)))
        for i in at_level:
            if room <= 0:
                break
            grow = min(step, specs[i].natural - widths[i], room)
            widths[i] += grow
            room -= grow
    return widths


def fit_cell(text: str, width: int) -> str:
    """``text`` in exactly ``width`` cells: padded, or cut with ``…`` at the end."""
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(set_cell_size(text, width - 1).rstrip() + ELLIPSIS, width)


def cut_cell(text: str, width: int) -> str:
    """``text`` cut with ``…`` to at most ``width`` cells (not padded: for a DataTable)."""
    return text if cell_len(text) <= width else fit_cell(text, width).rstrip(" ")
