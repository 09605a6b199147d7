"""Sync (F8): what each known office has not yet acknowledged, what waits for a person, and
the ways to exchange bundles with other offices; their keys are one key away (k)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Header, Static

from fieldlog.dates import format_moment
from fieldlog.formatting import format_number
from fieldlog.i18n import N_, _, ngettext
from fieldlog.screens.reading_screen import ReadingScreen
from fieldlog.widgets.fitting_footer import FittingFooter
from fieldlog.widgets.measured_table import MeasuredTable
from fieldlog.widgets.paged_table import clip

if TYPE_CHECKING:
    from fieldlog.sync.status import SyncOverview

NAME_WIDTH = 20


class SyncScreen(ReadingScreen["SyncOverview"]):
    BINDINGS = [
        Binding("e", "export", N_("Export")),
        Binding("i", "import_bundles", N_("Import")),
        Binding("c", "conflicts", N_("Conflicts")),
        Binding("d", "duplicates", N_("Duplicates")),
        # "Keys…": "Keys" alone is already Textual's keys panel (Touches, in French).
        Binding("k", "keys", N_("Keys…")),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="sync"):
            yield Static(_("Other offices"), classes="section-title")
            table = MeasuredTable(cursor_type="row", id="peers")
            table.add_columns(_("Office"), _("Name"), _("Pending"), _("Last import"), _("Last export"))
            yield table
            yield Static(
                _("No other office is known yet. Exchange keys with it first (k), then export a "
                  "bundle for it (e), or import a bundle (i) that it sent."),
                id="no-peers",
            )
            yield Static(
                _("Pending: changes held here that the office has not acknowledged. They count as "
                  "delivered only when that office sends a bundle back. Enter on an office: export "
                  "a bundle for it."),
                id="sync-note",
            )
            yield Static("", id="waiting")
        yield FittingFooter()

    def on_mount(self) -> None:
        self.title = _("Sync")
        self.query_one("#peers", DataTable).focus()

    def read(self) -> SyncOverview:
        from dataclasses import replace

        from fieldlog.keys.trust import list_keys
        from fieldlog.sync.recipients import with_key_only_offices
        from fieldlog.sync.status import sync_overview

        overview = sync_overview(self.app.db)
        return replace(overview, peers=with_key_only_offices(overview.peers, list_keys(self.app.db)))

    def show(self, overview: SyncOverview) -> None:
        from fieldlog.sync.recipients import FIRST_BUNDLE

        table = self.query_one("#peers", DataTable)
        cursor = table.cursor_row
        table.clear()
        for peer in overview.peers:
            table.add_row(
                Text(peer.code), Text(clip(peer.name, NAME_WIDTH)),
                Text(_("all") if peer.pending == FIRST_BUNDLE else format_number(peer.pending), justify="right"),
                Text(format_moment(peer.last_import_at) or _("never")),
                Text(format_moment(peer.last_export_at) or _("never")),
                key=peer.office_id,
            )
        if table.row_count:
            table.move_cursor(row=min(cursor, table.row_count - 1))
        known = bool(overview.peers)
        table.display = known
        self.query_one("#sync-note").display = known
        self.query_one("#no-peers").display = not known
        conflicts = ngettext(
            "{n} conflict to review (c)", "{n} conflicts to review (c)", overview.conflicts
        ).format(n=format_number(overview.conflicts))
        parked = ngettext(
            "{n} record waiting for its parent record", "{n} records waiting for their parent record",
            overview.parked,
        ).format(n=format_number(overview.parked))
        self.query_one("#waiting", Static).update(f"{conflicts}   {parked}")
        self.query_one("#waiting", Static).set_class(overview.conflicts > 0, "-attention")

    @property
    def selected_office(self) -> str | None:
        table = self.query_one("#peers", DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    @on(DataTable.RowSelected, "#peers")
    def peer_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_export()

    # --- actions -------------------------------------------------------------------------

    def action_export(self) -> None:
        from fieldlog.screens.sync_export import ExportDialog

        self.app.push_screen(ExportDialog(office_id=self.selected_office))

    def action_import_bundles(self) -> None:
        from fieldlog.screens.sync_import import ImportDialog

        self.app.push_screen(ImportDialog())

    def action_conflicts(self) -> None:
        from fieldlog.screens.conflicts import ConflictsScreen

        self.app.push_screen(ConflictsScreen())

    def action_keys(self) -> None:
        from fieldlog.screens.keys import KeysScreen

        self.app.push_screen(KeysScreen())

    def action_duplicates(self) -> None:
        # Imported here: the duplicates screen is built separately and loads only when asked for.
        from fieldlog.screens.duplicates import DuplicatesScreen

        self.app.push_screen(DuplicatesScreen())
