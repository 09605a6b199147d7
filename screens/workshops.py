"""Workshops: newest first, searched by title or city, filtered by year, country and status."""

from __future__ import annotations

from rich.cells import cell_len
from rich.markup import escape
from rich.text import Text
from textual import on, work
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Select
from textual.worker import get_current_worker

from fieldlog.dates import format_range
from fieldlog.formatting import format_number
from fieldlog.i18n import N_, _
from fieldlog.services.common import Page
from fieldlog.services.workshops import WorkshopRow, list_workshops, workshop_countries, workshop_years
from fieldlog.vocabulary import WORKSHOP_STATUSES, country_name, label, options, place
from fieldlog.screens.list_screen import RecordListScreen
from fieldlog.widgets.paged_table import PagedTable, clip

PLACE_WIDTH = 14
# Place, status, enrolled, cell padding and the scrollbar; the dates vary; the title gets the rest.
OTHER_COLUMNS_WIDTH = 43


class WorkshopsScreen(RecordListScreen):
    TITLE = N_("Workshops")
    COLUMNS = [N_("Dates"), N_("Title"), N_("Place"), N_("Status"), N_("Enrolled")]
    SEARCH_PLACEHOLDER = N_("Search by title or city…")
    TRASH_TABLE = "workshop"

    class FiltersLoaded(Message):
        def __init__(self, years: list[int], countries: list[str]) -> None:
            super().__init__()
            self.years = years
            self.countries = countries

    def __init__(self) -> None:
        super().__init__()
        self.year: int | None = None
        self.country = ""
        self.status = ""
        self._filter_choices: dict[str, list] = {}
        self._dates: dict[str, str] = {}
        self._title_width = 20

    def compose_filters(self):
        yield Horizontal(
            Input(placeholder=_(self.SEARCH_PLACEHOLDER), id="search", compact=True),
            Select([], prompt=_("All years"), id="filter-year", compact=True),
            Select([], prompt=_("All countries"), id="filter-country", compact=True),
            Select(options(WORKSHOP_STATUSES), prompt=_("All statuses"), id="filter-status", compact=True),
            classes="filters",
        )

    # --- loading -------------------------------------------------------------------------

    def fetch(self, *, search: str, offset: int, limit: int):
        return list_workshops(
            self.app.db, search=search, year=self.year, country=self.country, status=self.status,
            offset=offset, limit=limit,
        )

    def show(self, page: Page) -> None:
        """The columns fitted to this page, then the page."""
        # "Dec 28, 2025 – Jan 20, 2026" is wider than most dates: the title gives way so that
        # every column stays in view at 80 columns.
        self._dates = {row.id: format_range(row.start_date, row.end_date) for row in page.rows}
        widest = max(map(cell_len, self._dates.values()), default=0)
        self._title_width = max(12, self.app.size.width - OTHER_COLUMNS_WIDTH - widest)
        # A DataTable's columns only ever widen: start from the headers, so a wide date seen
        # on an earlier page does not push "Enrolled" out of view.
        for column in self.query_one("#rows", PagedTable).table.columns.values():
            column.content_width = column.label.cell_len
        super().show(page)

    def cells(self, row: WorkshopRow) -> list:
        # Text, not str: a DataTable reads a str as markup, and "Module [2]" would lose "[2]".
        return [
            Text(self._dates.get(row.id) or format_range(row.start_date, row.end_date)),
            Text(clip(row.title, self._title_width)),
            Text(clip(place(row.city, row.country), PLACE_WIDTH)),
            Text(label(WORKSHOP_STATUSES, row.status)),
            Text(format_number(row.enrolled), justify="right"),
        ]

    def describe_selected(self) -> str:
        row = self.rows_by_id.get(self.selected_id or "")
        # The question is shown as markup: brackets in a title must stay text.
        return escape(row.title) if row is not None else super().describe_selected()

    def reload(self, offset: int | None = None) -> None:
        super().reload(offset)
        # A full reload (shown again, office ready) also refreshes the filters; a search or a
        # page turn does not.
        if offset is None and self.ready_to_read:
            self.load_filters()

    @work(thread=True, exclusive=True, exit_on_error=False, group="filters")
    def load_filters(self) -> None:
        years, countries = workshop_years(self.app.db), workshop_countries(self.app.db)
        if not get_current_worker().is_cancelled:
            self.post_message(self.FiltersLoaded(years, countries))

    def on_workshops_screen_filters_loaded(self, message: FiltersLoaded) -> None:
        keep = {self.year, *message.years} if self.year else set(message.years)
        self._refill("#filter-year", [(str(y), y) for y in sorted(keep, reverse=True)], self.year)
        codes = set(message.countries) | ({self.country} if self.country else set())
        countries = sorted(((country_name(c), c) for c in codes), key=lambda pair: pair[0])
        self._refill("#filter-country", countries, self.country or None)

    def _refill(self, selector: str, choices: list, current) -> None:
        """New options for a filter, keeping what is chosen; unchanged options are left alone
        so the menu does not flicker or fire a change."""
        if self._filter_choices.get(selector) == choices:
            return
        self._filter_choices[selector] = choices
        select = self.query_one(selector, Select)
        with self.prevent(Select.Changed):
            select.set_options(choices)
            if current is not None:
                select.value = current

    # --- filtering -----------------------------------------------------------------------

    @on(Select.Changed, ".filters Select")
    def filter_changed(self, event: Select.Changed) -> None:
        event.stop()
        value = None if event.value is Select.NULL else event.value
        if event.select.id == "filter-year":
            self.year = value
        elif event.select.id == "filter-country":
            self.country = value or ""
        elif event.select.id == "filter-status":
            self.status = value or ""
        self.reload(0)

    # --- opening -------------------------------------------------------------------------

    def form(self, record_id: str | None):
        from fieldlog.screens.workshop_form import WorkshopFormScreen

        return WorkshopFormScreen(record_id)

    def open_record(self, record_id: str) -> None:
        from fieldlog.screens.workshop_detail import WorkshopDetailScreen

        self.app.push_screen(WorkshopDetailScreen(record_id))

    def action_new(self) -> None:
        def closed(saved_id: str | None) -> None:
            self.form_closed(saved_id)
            if saved_id:
                self.open_record(saved_id)

        self.app.push_screen(self.form(None), closed)
