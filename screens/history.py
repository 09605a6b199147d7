"""A record's history (F10 on a record's form or a workshop): when, from which office, by whom,
and what changed. A dialog over the form, which keeps what is being typed in it."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from fieldlog.dates import format_moment
from fieldlog.formatting import format_number
from fieldlog.i18n import N_, _, ngettext
from fieldlog.services.history import HistoryEntry, record_history, record_label
from fieldlog.screens.base import FieldlogModal
from fieldlog.screens.reading_screen import ReadingMixin
from fieldlog.widgets.fitting_footer import FittingFooter
from fieldlog.widgets.measured_table import MeasuredTable
from fieldlog.widgets.paged_table import clip

# More lines than anyone reads in a dialog; a DataTable slows with thousands.
SHOWN_AT_MOST = 500
OFFICE_WIDTH = 8
PERSON_WIDTH = 16
MIN_WHAT_WIDTH = 20
CELL_PADDING = 2  # a DataTable's cell_padding, on both sides
LONGEST_VALUE = 80


@dataclass(frozen=True)
class HistoryRead:
    label: str  # the record, as a person names it
    entries: list[HistoryEntry]  # the latest, at most SHOWN_AT_MOST
    total: int


class HistoryScreen(ReadingMixin[HistoryRead], FieldlogModal[None]):
    """Read once shown, and again when the app says the database changed (Ctrl+R, another
    fieldlog); not on coming back from a dialog over it."""

    CSS_PATH = "history.tcss"
    BINDINGS = [Binding("escape,f10", "close", N_("Close"))]
    RELOAD_ON_RESUME = False

    def __init__(self, *, table: str, record_id: str) -> None:
        super().__init__()
        self.table = table
        self.record_id = record_id
        self.entries: list[HistoryEntry] = []
        self.total = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="history"):
            yield Static(_("History"), id="history-title")
            rows = MeasuredTable(cursor_type="row", zebra_stripes=True, id="history-rows")
            rows.add_columns(_("When"), _("Office"), _("Person"), _("What"))
            yield rows
            yield Static(_("Loading…"), id="history-detail")
        yield FittingFooter()

    def on_mount(self) -> None:
        self.query_one("#history-rows", DataTable).focus()

    def read(self) -> HistoryRead:
        label = record_label(self.app.db, table=self.table, record_id=self.record_id)
        entries = record_history(self.app.db, table=self.table, record_id=self.record_id)
        return HistoryRead(label, entries[:SHOWN_AT_MOST], len(entries))

    def show(self, data: HistoryRead) -> None:
        self.entries, self.total = data.entries, data.total
        self.query_one("#history-title", Static).update(Text(_("History: {record}").format(record=data.label)))
        rows = self.query_one("#history-rows", DataTable)
        cursor = rows.cursor_row
        rows.clear()
        cells = [
            (format_moment(entry.when), clip(entry.office, OFFICE_WIDTH), clip(entry.person, PERSON_WIDTH), entry.what)
            for entry in self.entries
        ]
        headings = [str(column.label) for column in rows.columns.values()]
        widths = [max([len(headings[n]), *(len(row[n]) for row in cells)]) for n in range(3)]
        # "What" takes the room left, so that no line needs scrolling sideways.
        room = (rows.size.width or self.app.size.width - 4) - sum(widths) - CELL_PADDING * 4
        if len(cells) >= rows.size.height:  # a scroll bar takes its place
            room -= rows.styles.scrollbar_size_vertical
        what_width = max(MIN_WHAT_WIDTH, room)
        for index, (when, office, person, what) in enumerate(cells):
            rows.add_row(Text(when), Text(office), Text(person), Text(clip(what, what_width)), key=str(index))
        if rows.row_count:
            rows.move_cursor(row=min(cursor, rows.row_count - 1))
        self.show_detail()

    @on(DataTable.RowHighlighted, "#history-rows")
    def row_highlighted(self) -> None:
        self.show_detail()

    @property
    def selected(self) -> HistoryEntry | None:
        rows = self.query_one("#history-rows", DataTable)
        if not rows.row_count or not 0 <= rows.cursor_row < len(self.entries):
            return None
        return self.entries[rows.cursor_row]

    def show_detail(self) -> None:
        detail = self.query_one("#history-detail", Static)
        entry = self.selected
        if entry is None:
            detail.update(_("No change is recorded for this record."))
            return
        office = " ".join(part for part in (entry.office, entry.office_name) if part)
        lines = [
            Text(" · ".join((format_moment(entry.when), office, entry.person)), style="dim"),
            Text(entry.what, style="bold"),
        ]
        if entry.changes:
            lines.append(Text("  ·  ".join(
                _("{field}: {value}").format(field=change.label, value=clip(change.value, LONGEST_VALUE))
                for change in entry.changes
            )))
        if entry.entries > 1:
            lines.append(Text(ngettext("{n} change saved at that sitting", "{n} changes saved at that sitting",
                                       entry.entries).format(n=format_number(entry.entries))))
        if self.total > len(self.entries) and entry is self.entries[-1]:
            lines.append(Text(_("The {shown} latest changes of {total} are shown.").format(
                shown=format_number(len(self.entries)), total=format_number(self.total)), style="italic"))
        detail.update(Text("\n").join(lines))

    def action_close(self) -> None:
        self.dismiss(None)
