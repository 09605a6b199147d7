"""A DataTable that shows one page of rows at a time, with the position in the whole list.

The rows come from SQL one page at a time: a DataTable fed 100,000 rows takes seconds to paint.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from fieldlog.formatting import format_number
from fieldlog.i18n import _
from fieldlog.widgets.measured_table import MeasuredTable


class PagedTable(Vertical):
    DEFAULT_CSS = """
    PagedTable {
        height: 1fr;
    }
    PagedTable > DataTable {
        height: 1fr;
    }
    PagedTable > .pager {
        height: 1;
        color: $text-muted;
        padding: 0 1;
    }
    """

    def __init__(self, columns: Sequence[str], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.columns = list(columns)
        self.page_offset = 0
        self.page_limit = 0
        self.page_total = 0

    def compose(self) -> ComposeResult:
        table = MeasuredTable(cursor_type="row", zebra_stripes=True)
        table.add_columns(*self.columns)
        yield table
        yield Static("", classes="pager")

    @property
    def table(self) -> DataTable:
        return self.query_one(DataTable)

    def show(
        self, rows: Iterable[Any], *, offset: int, limit: int, total: int,
        cells: Callable[[Any], Sequence[Any]], key: Callable[[Any], str],
    ) -> None:
        table = self.table
        cursor = table.cursor_row
        # Rebuilding the columns lets them shrink again to the new page's widths.
        table.clear(columns=True)
        table.add_columns(*self.columns)
        for row in rows:
            table.add_row(*(plain(cell) for cell in cells(row)), key=key(row))
        self.page_offset, self.page_limit, self.page_total = offset, limit, total
        if table.row_count:
            table.move_cursor(row=min(cursor, table.row_count - 1))
        self.query_one(".pager", Static).update(self.describe())

    def describe(self) -> str:
        if not self.page_total:
            return _("Nothing to show.")
        last = min(self.page_offset + self.page_limit, self.page_total)
        text = _("{first}–{last} of {total}").format(
            first=format_number(self.page_offset + 1), last=format_number(last), total=format_number(self.page_total)
        )
        if self.page_total > self.page_limit:
            text += "   " + _("< previous page   > next page")
        return text

    @property
    def selected_key(self) -> str | None:
        table = self.table
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def has_next(self) -> bool:
        return self.page_offset + self.page_limit < self.page_total

    def has_previous(self) -> bool:
        return self.page_offset > 0


def plain(cell: Any) -> Any:
    """People's text is shown as typed: "Atelier [phase 2]" is not markup."""
    return Text(cell) if isinstance(cell, str) else cell


def clip(text: str | None, width: int = 38) -> str:
    """Keep a cell narrow enough that the other columns stay visible at 80 columns."""
    text = text or ""
    return text if len(text) <= width else text[: width - 1] + "…"
