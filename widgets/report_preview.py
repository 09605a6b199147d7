"""A report as it will print: headings, facts, notes and tables, in a scrollable pane.

It is given a `Document` (plain data) and never reads the database. Tables are DataTables,
which draw only the rows in view, so a 200-person attendance grid scrolls without delay;
when a table is wider than the pane, its text columns narrow and their cells wrap, as on paper.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.table import Table as RichTable
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import DataTable, Static

from fieldlog.formatting import format_number
from fieldlog.i18n import ngettext
from fieldlog.reports.document import Document, Facts, Note, Part, Table, cell_text

JUSTIFY: dict[str, str] = {"number": "right", "percent": "right", "mark": "center"}
# Space a DataTable puts around each cell (one column either side).
CELL_PADDING = 2
# When whole words cannot fit, a text column still keeps this many cells.
NARROWEST = 6


class PreviewTable(DataTable, can_focus=False):
    """Read-only: the pane scrolls, the table does not take the focus."""


def _longest_word(text: str) -> int:
    return max(map(cell_len, text.split()), default=0)


def column_widths(headers: list[str], texts: list[list[str]], weights: list[float | None], room: int) -> list[int]:
    """Each column as wide as its widest cell or heading when the table fits `room`. Else
    columns narrow a cell at a time, the widest for its weight on paper first (so names keep
    more than functions), in this order: text columns down to their longest word (cells wrap
    between words); headings of numbers and marks down to their longest word (they wrap);
    text columns down to NARROWEST (words break). `weights` is None for columns that are not
    text."""
    count = len(headers)
    natural = [max([cell_len(h), *(cell_len(row[i]) for row in texts)]) for i, h in enumerate(headers)]
    room -= CELL_PADDING * count
    over = sum(natural) - room
    if over <= 0:
        return natural
    text = [weight is not None for weight in weights]
    cells = [max([0, *(cell_len(row[i]) for row in texts)]) for i in range(count)]
    words = [max([_longest_word(h), *(_longest_word(row[i]) for row in texts)]) for i, h in enumerate(headers)]
    passes = [
        [max(words[i], NARROWEST) if text[i] else None for i in range(count)],
        [None if text[i] else max(cells[i], _longest_word(headers[i]), 1) for i in range(count)],
        [NARROWEST if text[i] else None for i in range(count)],
    ]
    widths = list(natural)
    for limits in passes:
        while over > 0:
            narrowable = [i for i, limit in enumerate(limits) if limit is not None and widths[i] > limit]
            if not narrowable:
                break
            widest = max(narrowable, key=lambda i: widths[i] / (weights[i] or 1.0))
            widths[widest] -= 1
            over -= 1
    return widths


def table_widget(table: Table, room: int, console) -> PreviewTable:
    """A DataTable fitted to `room` cells, with rows tall enough for their wrapped cells."""
    kinds = [column.kind for column in table.columns]
    headers = [column.label for column in table.columns]
    rows = [[cell_text(value, kind) for value, kind in zip(row, kinds)] for row in table.rows + table.footer]
    weights = [column.width if column.kind == "text" else None for column in table.columns]
    widths = column_widths(headers, rows, weights, room)
    if "signature" in kinds:  # room to sign, as on paper
        widths[kinds.index("signature")] += max(0, room - CELL_PADDING * len(widths) - sum(widths))
    titles = [Text(header, justify=JUSTIFY.get(kind, "left")) for header, kind in zip(headers, kinds)]
    header_height = max([1, *(len(title.wrap(console, width)) for title, width in zip(titles, widths))])
    grid = PreviewTable(show_cursor=False, cursor_type="none", zebra_stripes=True, header_height=header_height)
    for title, width in zip(titles, widths):
        grid.add_column(title, width=width)
    for number, row in enumerate(rows):
        style = "bold" if number >= len(table.rows) else ""  # totals
        cells = [Text(text, justify=JUSTIFY.get(kind, "left"), style=style) for text, kind in zip(row, kinds)]
        height = max([1, *(len(cell.wrap(console, width)) for cell, width in zip(cells, widths)
                            if cell.cell_len > width)])
        grid.add_row(*cells, height=height)
    return grid


class FactsView(Static):
    """Label and value lines under a heading."""

    def __init__(self, facts: Facts) -> None:
        grid = RichTable.grid(padding=(0, 2))
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column()
        for name, value in facts.items:
            grid.add_row(Text(name), Text(value))
        super().__init__(grid, classes="preview-facts")
        self.items = facts.items


def _part_widgets(part: Part, room: int, console) -> list[Widget]:
    widgets: list[Widget] = [Static(Text(part.heading), classes="preview-heading")]
    if part.subheading:
        widgets.append(Static(Text(part.subheading), classes="preview-subheading"))
    for block in part.blocks:
        if isinstance(block, Facts) and block.items:
            widgets.append(FactsView(block))
        elif isinstance(block, Note):
            widgets.append(Static(Text(block.text), classes="preview-note"))
        elif isinstance(block, Table):
            widgets.append(Static(Text(block.title), classes="preview-table-title"))
            if block.rows or block.footer or not block.empty_text:
                widgets.append(table_widget(block, room, console))
            else:
                widgets.append(Static(Text(block.empty_text), classes="preview-empty"))
    return widgets


def _summary(part: Part) -> str:
    """One line for a page not shown: its first fact (the day of a sign-in sheet)."""
    for block in part.blocks:
        if isinstance(block, Facts) and block.items:
            return block.items[0][1]
    return " · ".join(text for text in (part.heading, part.subheading) if text)


class ReportPreview(VerticalScroll, can_focus=True):
    """The first page of a document in full; further pages (one per day of a sign-in sheet)
    are listed by a line each, as they are laid out the same way."""

    DEFAULT_CSS = """
    ReportPreview {
        height: 1fr;
        padding: 0 0 0 1;
        scrollbar-size-vertical: 1;
    }
    ReportPreview > Static {
        height: auto;
    }
    ReportPreview > PreviewTable {
        height: auto;
        max-height: 100000;
        overflow-y: hidden;
        margin-bottom: 1;
    }
    ReportPreview > .preview-heading {
        text-style: bold;
        color: $accent;
    }
    ReportPreview > .preview-subheading {
        text-style: bold;
    }
    ReportPreview > .preview-note, ReportPreview > .preview-more {
        margin-top: 1;
    }
    ReportPreview > .preview-note {
        text-style: bold;
    }
    ReportPreview > .preview-table-title {
        margin-top: 1;
        text-style: bold underline;
    }
    ReportPreview > .preview-empty, ReportPreview > .preview-more, ReportPreview > .preview-message {
        color: $text-muted;
    }
    ReportPreview > .preview-message.-error {
        color: $text-error;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.document: Document | None = None
        self._room = 0

    @property
    def room(self) -> int:
        """Columns a table may use: the pane's width inside its padding and scrollbar."""
        width = (self.region.width or self.app.size.width) - self.styles.gutter.width
        return max(width - self.styles.scrollbar_size_vertical, 20)

    async def show(self, document: Document) -> None:
        self.document = document
        self._room = self.room
        widgets = _part_widgets(document.parts[0], self._room, self.app.console) if document.parts else []
        rest = document.parts[1:]
        if rest:
            more = ngettext("And {n} more page, laid out the same way:", "And {n} more pages, laid out the same way:",
                            len(rest)).format(n=format_number(len(rest)))
            lines = [more, *(f"  · {_summary(part)}" for part in rest)]
            widgets.append(Static(Text("\n".join(lines)), classes="preview-more"))
        await self._replace(widgets)

    async def show_message(self, text: str, *, error: bool = False) -> None:
        """Instead of a document: why there is nothing to show."""
        self.document = None
        message = Static(Text(text), classes="preview-message")
        message.set_class(error, "-error")
        await self._replace([message])

    async def _replace(self, widgets: list[Widget]) -> None:
        with self.app.batch_update():
            await self.remove_children()
            await self.mount_all(widgets)
        self.scroll_home(animate=False)

    async def on_resize(self) -> None:
        # Tables were fitted to the old width: fit them again.
        if self.document is not None and self.room != self._room:
            await self.show(self.document)

    def shown_text(self) -> str:
        """Everything shown, as plain text (for a quick look in tests and logs)."""
        lines = []
        for child in self.children:
            if isinstance(child, DataTable):
                lines.append(" | ".join(str(column.label) for column in child.columns.values()))
                lines += [" | ".join(str(cell) for cell in child.get_row_at(row)) for row in range(child.row_count)]
            elif isinstance(child, FactsView):
                lines += [f"{name}: {value}" for name, value in child.items]
            elif isinstance(child, Static):
                lines.append(str(child.content))
        return "\n".join(lines)
