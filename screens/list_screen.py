"""The shape shared by list screens: a search box over one page of rows from SQL.

Subclasses say which service gives a page (`fetch`), how a row is shown (`cells`), and what
opening, creating and deleting do.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Header, Input

from fieldlog.i18n import N_, _
from fieldlog.services.common import PAGE_SIZE, Page
from fieldlog.screens.reading_screen import ReadingScreen
from fieldlog.widgets.fitting_footer import FittingFooter
from fieldlog.widgets.paged_table import PagedTable

SEARCH_DELAY_S = 0.15


class ListScreen(ReadingScreen[Page]):
    COLUMNS: ClassVar[list[str]] = []
    SEARCH_PLACEHOLDER: ClassVar[str] = N_("Search…")
    BINDINGS = [
        Binding("slash", "focus_search", N_("Search")),
        Binding("greater_than_sign", "next_page", N_("Next page"), show=False),
        Binding("less_than_sign", "previous_page", N_("Previous page"), show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.search_text = ""
        self.rows_by_id: dict[str, Any] = {}
        self._search_timer = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield from self.compose_filters()
        yield PagedTable([_(c) for c in self.COLUMNS], id="rows")
        yield FittingFooter()

    def compose_filters(self) -> ComposeResult:
        yield Input(placeholder=_(self.SEARCH_PLACEHOLDER), id="search", compact=True)

    def on_mount(self) -> None:
        self.title = _(self.TITLE)
        self.query_one("#rows", PagedTable).table.focus()

    # --- loading -------------------------------------------------------------------------

    def fetch(self, *, search: str, offset: int, limit: int) -> Page:
        raise NotImplementedError

    def cells(self, row: Any) -> list[Any]:
        raise NotImplementedError

    def row_key(self, row: Any) -> str:
        return row.id

    def reload(self, offset: int | None = None) -> None:
        """The page shown, or the one at `offset`, of what the search finds."""
        if not self.ready_to_read:
            return
        pager = self.query_one("#rows", PagedTable)
        self.load(self.search_text, pager.page_offset if offset is None else offset)

    def read(self, search: str, offset: int) -> Page:
        page = self.fetch(search=search, offset=offset, limit=PAGE_SIZE)
        if page.offset and not page.rows and page.total:
            page = self.fetch(search=search, offset=0, limit=PAGE_SIZE)
        return page

    def show(self, page: Page) -> None:
        self.rows_by_id = {self.row_key(row): row for row in page.rows}
        self.query_one("#rows", PagedTable).show(
            page.rows, offset=page.offset, limit=page.limit, total=page.total,
            cells=self.cells, key=self.row_key,
        )

    # --- searching -----------------------------------------------------------------------

    @on(Input.Changed, "#search")
    def search_changed(self, event: Input.Changed) -> None:
        self.search_text = event.value
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(SEARCH_DELAY_S, lambda: self.reload(0))

    @on(Input.Submitted, "#search")
    def search_submitted(self) -> None:
        self.query_one("#rows", PagedTable).table.focus()

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def on_key(self, event) -> None:
        if event.key == "down" and isinstance(self.focused, Input) and self.focused.id == "search":
            self.query_one("#rows", PagedTable).table.focus()
            event.stop()

    # --- paging and selection ------------------------------------------------------------

    def action_next_page(self) -> None:
        pager = self.query_one("#rows", PagedTable)
        if pager.has_next():
            self.reload(pager.page_offset + pager.page_limit)

    def action_previous_page(self) -> None:
        pager = self.query_one("#rows", PagedTable)
        if pager.has_previous():
            self.reload(max(0, pager.page_offset - pager.page_limit))

    @property
    def selected_id(self) -> str | None:
        return self.query_one("#rows", PagedTable).selected_key

    @on(DataTable.RowSelected)
    def row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value:
            self.open_record(event.row_key.value)

    def open_record(self, record_id: str) -> None:
        """Enter on a row: subclasses open the record."""


class RecordListScreen(ListScreen):
    """A list of records a person creates, edits and moves to the Trash."""

    TRASH_TABLE: ClassVar[str] = ""
    BINDINGS = [
        Binding("n", "new", N_("New")),
        Binding("e", "edit", N_("Edit")),
        Binding("delete,d", "delete", N_("Delete")),
    ]

    class Deleted(Message):
        pass

    def action_new(self) -> None:
        self.app.push_screen(self.form(None), self.form_closed)

    def action_edit(self) -> None:
        if self.selected_id:
            self.app.push_screen(self.form(self.selected_id), self.form_closed)

    def open_record(self, record_id: str) -> None:
        self.app.push_screen(self.form(record_id), self.form_closed)

    def form(self, record_id: str | None):
        raise NotImplementedError

    def form_closed(self, saved_id: str | None) -> None:
        if saved_id:
            self.notify(_("Saved."))
        self.reload()

    def describe_selected(self) -> str:
        table = self.query_one("#rows", PagedTable).table
        return str(table.get_row_at(table.cursor_row)[0])

    def action_delete(self) -> None:
        record_id = self.selected_id
        if not record_id:
            return
        from fieldlog.screens.confirm import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                self.delete_record(record_id)

        question = _("Move “{label}” to the Trash? It can be restored from the Trash (F7).").format(
            label=self.describe_selected()
        )
        self.app.push_screen(ConfirmScreen(question), answered)

    @work(thread=True, exit_on_error=False, group="write")
    def delete_record(self, record_id: str) -> None:
        from fieldlog.services.trash import delete_record

        delete_record(self.app.db, table=self.TRASH_TABLE, record_id=record_id)
        self.post_message(self.Deleted())

    def on_record_list_screen_deleted(self) -> None:
        self.notify(_("Moved to the Trash."))
        self.reload()
