"""A list of records that renders only the visible rows and pages them from SQLite.

A DataTable of 10,000 rows takes seconds to paint on these machines, so this widget
never holds the whole table: it knows the row count, keeps an LRU cache of fixed-size
blocks of rows, and asks its owner to load a missing block in a worker thread. Until a
block arrives its rows show a placeholder; moving the cursor never reloads anything
that is already cached.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len, set_cell_size
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

__all__ = ["Column", "RecordTable"]

BLOCK_SIZE = 100
MAX_BLOCKS = 40
SEPARATOR = " │ "


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int


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
        self.row_width = sum(c.width for c in columns) + cell_len(SEPARATOR) * (len(columns) - 1) + 2

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
        cells = [set_cell_size(visible(self.formatter(c.key, row)), c.width) for c in self.columns]
        text = " " + SEPARATOR.join(cells) + " "
        strip = Strip([Segment(text, Style())], cell_len(text))
        self._strips[index] = strip
        return strip

    def on_resize(self, event: events.Resize) -> None:
        self._scroll_cursor_into_view()

    # -- cursor --------------------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_cursor_into_view()
        self.refresh()

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
