"""A list of records that renders only the visible rows and pages them from SQLite.

A DataTable of 10,000 rows takes seconds to paint on these machines, so this widget
never holds the whole table: it knows the row count, keeps an LRU cache of fixed-size
blocks of rows, and asks its owner to load a missing block in a worker thread. Until a
block arrives its rows show a placeholder; moving the cursor never reloads anything
that is already cached.

Column widths follow the window (ui/widgets/columns.py): laid out again on every resize
and when the first rows of new data arrive, from the longest text of the rows at hand.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from fazhi_tui.base.text import visible
from fazhi_tui.ui.widgets.columns import Spec, fit_cell, fit_widths

__all__ = ["Column", "RecordTable"]

BLOCK_SIZE = 100
MAX_BLOCKS = 40
SEPARATOR = " │ "


@dataclass(frozen=True)
class Column:
    """A list column. ``width``: the cells its values need at least (a fixed column: a code,
    a number, a date, a status, never cut) or would like (a column of free text)."""

    key: str
    label: str
    width: int
    fixed: bool = False
    minimum: int = 0  # a column of text never narrower than this (0: its label's width, at most ``width``)


class RecordTable(ScrollView, can_focus=True):
    """Rows of records, drawn line by line; the owner supplies rows block by block."""

    COMPONENT_CLASSES = {"record-table--cursor", "record-table--placeholder"}

    DEFAULT_CSS = """
    RecordTable {
        height: 1fr;
        background: $surface;
    }
    RecordTable > .record-table--cursor {
        background: $accent;
        color: $text;
        text-style: bold;
    }
    RecordTable:blur > .record-table--cursor {
        background: $accent 40%;
    }
    RecordTable > .record-table--placeholder {
        color: $text-muted;
    }
    """

    BINDINGS = [
        Binding("up", "cursor(-1)", show=False),
        Binding("down", "cursor(1)", show=False),
        Binding("pageup", "page(-1)", show=False),
        Binding("pagedown", "page(1)", show=False),
        Binding("home", "jump(0)", show=False),
        Binding("end", "jump(-1)", show=False),
    ]

    cursor: reactive[int] = reactive(0)

    class LaidOut(Message):
        """The column widths changed: the owner redraws its header."""

        def __init__(self, table: RecordTable) -> None:
            super().__init__()
            self.table = table

    class RowShown(Message):
        """The cursor is on ``row`` (None: on a row still loading, or no rows at all)."""

        def __init__(self, table: RecordTable, row: dict[str, Any] | None) -> None:
            super().__init__()
            self.table = table
            self.row = row

    class BlockWanted(Message):
        """The table needs rows ``[offset, offset + limit)`` for ``generation``."""

        def __init__(self, table: RecordTable, generation: int, offset: int, limit: int) -> None:
            super().__init__()
            self.table = table
            self.generation = generation
            self.offset = offset
            self.limit = limit

    def __init__(self, columns: list[Column], formatter: Callable[[str, dict[str, Any]], str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.columns = columns
        self.formatter = formatter
        self.total = 0
        self.generation = 0
        self._blocks: OrderedDict[int, list[dict[str, Any]]] = OrderedDict()
        self._pending: set[int] = set()
        self._strips: dict[int, Strip] = {}
        self.widths = [c.width for c in columns]
        self._laid_out_for = -1  # the generation whose rows the widths were measured on
        self.row_width = self._row_width()

    def _row_width(self) -> int:
        return sum(self.widths) + cell_len(SEPARATOR) * (len(self.columns) - 1) + 2

    # -- layout --------------------------------------------------------------------------

    def _cell(self, column: Column, row: dict[str, Any]) -> str:
        return visible(self.formatter(column.key, row))

    def lay_out(self) -> None:
        """Widths for the present window width, from the longest text of the rows at hand."""
        naturals = []
        for column in self.columns:
            longest = max((cell_len(self._cell(column, row)) for block in self._blocks.values() for row in block), default=0)
            naturals.append(max(column.width if column.fixed else 0, cell_len(column.label), longest, 1))
        specs = [
            Spec(natural, fixed=column.fixed, minimum=column.minimum or max(min(cell_len(column.label), column.width), 4))
            for column, natural in zip(self.columns, naturals, strict=True)
        ]
        # the window's width less a vertical scrollbar (there is one once rows outgrow the height)
        width = self.size.width
        if self.total > self.size.height:
            width -= self.styles.scrollbar_size_vertical
        available = max(width, 1) - 2 - cell_len(SEPARATOR) * (len(self.columns) - 1)
        widths = fit_widths(specs, available)
        if widths != self.widths:
            self.widths = widths
            self.row_width = self._row_width()
            self._strips.clear()
            self.virtual_size = Size(self.row_width, self.total)
            self.refresh()
        self.post_message(self.LaidOut(self))

    def header(self) -> str:
        """The column labels over the columns as now laid out."""
        return " " + SEPARATOR.join(fit_cell(c.label, w) for c, w in zip(self.columns, self.widths, strict=True))

    def is_cut(self, column: Column, row: dict[str, Any]) -> bool:
        return cell_len(self._cell(column, row)) > self.widths[self.columns.index(column)]

    # -- data ----------------------------------------------------------------------------

    def reset(self, total: int, keep_cursor: bool = True) -> None:
        """New data: forget every cached row and start over with ``total`` rows."""
        self.generation += 1
        self.total = total
        self._blocks.clear()
        self._pending.clear()
        self._strips.clear()
        self.virtual_size = Size(self.row_width, total)
        cursor = min(self.cursor, max(total - 1, 0)) if keep_cursor else 0
        self.set_reactive(RecordTable.cursor, cursor)
        self._scroll_cursor_into_view()
        self.refresh()
        if total == 0:
            self.post_message(self.RowShown(self, None))

    def add_block(self, generation: int, offset: int, rows: list[dict[str, Any]]) -> None:
        """Rows arrived from the database (ignored if the data was reset since)."""
        if generation != self.generation:
            return
        block = offset // BLOCK_SIZE
        self._pending.discard(block)
        self._blocks[block] = rows
        self._blocks.move_to_end(block)
        while len(self._blocks) > MAX_BLOCKS:
            evicted, _ = self._blocks.popitem(last=False)
            for index in range(evicted * BLOCK_SIZE, (evicted + 1) * BLOCK_SIZE):
                self._strips.pop(index, None)
        if self._laid_out_for != generation:
            self._laid_out_for = generation
            self.lay_out()
        if offset <= self.cursor < offset + len(rows):
            self.post_message(self.RowShown(self, self.current_row))
        self.refresh()

    def row_at(self, index: int) -> dict[str, Any] | None:
        block = self._blocks.get(index // BLOCK_SIZE)
        if block is None:
            return None
        position = index % BLOCK_SIZE
        return block[position] if position < len(block) else None

    @property
    def current_row(self) -> dict[str, Any] | None:
        return self.row_at(self.cursor) if self.total else None

    def _want(self, index: int) -> None:
        block = index // BLOCK_SIZE
        if block in self._blocks or block in self._pending:
            return
        self._pending.add(block)
        self.post_message(self.BlockWanted(self, self.generation, block * BLOCK_SIZE, BLOCK_SIZE))

    # -- drawing -------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.size.width
        if index >= self.total:
            return Strip.blank(width, self.rich_style)
        strip = self._strips.get(index)
        if strip is None:
            strip = self._render_row(index)
        if index == self.cursor:
            strip = strip.apply_style(self.get_component_rich_style("record-table--cursor"))
        return strip.crop_extend(scroll_x, scroll_x + width, self.rich_style)

    def _render_row(self, index: int) -> Strip:
        row = self.row_at(index)
        if row is None:
            self._want(index)
            style = self.get_component_rich_style("record-table--placeholder")
            return Strip([Segment(" …".ljust(self.row_width), style)], self.row_width)
        # Segments go to the terminal as they are: no control character may be in them.
        cells = [fit_cell(self._cell(c, row), w) for c, w in zip(self.columns, self.widths, strict=True)]
        text = " " + SEPARATOR.join(cells) + " "
        strip = Strip([Segment(text, Style())], cell_len(text))
        self._strips[index] = strip
        return strip

    def on_resize(self, event: events.Resize) -> None:
        self.lay_out()
        self._scroll_cursor_into_view()

    # -- cursor --------------------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_cursor_into_view()
        self.refresh()
        self.post_message(self.RowShown(self, self.current_row))

    def _scroll_cursor_into_view(self) -> None:
        height = max(self.size.height, 1)
        top = self.scroll_offset.y
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def action_cursor(self, delta: int) -> None:
        if self.total:
            self.cursor = max(0, min(self.total - 1, self.cursor + delta))

    def action_page(self, direction: int) -> None:
        self.action_cursor(direction * max(self.size.height - 1, 1))

    def action_jump(self, where: int) -> None:
        if self.total:
            self.cursor = 0 if where == 0 else self.total - 1

    def move_to(self, index: int) -> None:
        if self.total:
            self.cursor = max(0, min(self.total - 1, index))

    def on_click(self, event: events.Click) -> None:
        index = self.scroll_offset.y + event.y
        if 0 <= index < self.total:
            self.cursor = index
