"""Home: the counts that matter, the latest workshops, and what has not been exported yet."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Header, Static

from fieldlog.dates import format_range
from fieldlog.formatting import format_number
from fieldlog.i18n import _, ngettext
from fieldlog.vocabulary import WORKSHOP_STATUSES, country_name, label
from fieldlog.screens.reading_screen import ReadingScreen
from fieldlog.widgets.fitting_footer import FittingFooter
from fieldlog.widgets.measured_table import MeasuredTable
from fieldlog.widgets.paged_table import clip, plain

if TYPE_CHECKING:
    from fieldlog.services.stats import HomeCounts, HomeTrained
    from fieldlog.sync.status import PeerStatus


class HomeScreen(ReadingScreen["HomeCounts | list[PeerStatus] | HomeTrained"]):
    """Read in three parts, each shown as soon as read: the counts, the other offices, and the
    people trained (which takes longest)."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="home"):
            yield Static("", id="counts")
            yield Static("", id="trained")
            yield Static("", id="unexported")
            yield Static("", id="peers")
            yield Static(_("Latest workshops"), classes="section-title")
            table = MeasuredTable(cursor_type="row", id="latest")
            table.add_columns(_("Dates"), _("Title"), _("Place"), _("Status"), _("Enrolled"))
            yield table
            yield Static(
                _("F3 Workshops  F4 Participants  F5 Agencies  F6 Outcomes") + "  " + _("Ctrl+O Settings")
                + "\n" + _("F7 Trash  F8 Sync  F9 Reports: sign-in sheets, attendance, figures"),
                id="menu",
            )
        yield FittingFooter()

    def on_mount(self) -> None:
        self.query_one("#latest", DataTable).focus()

    def read(self) -> HomeTrained:
        """Counts first (milliseconds), then the figures that read every attendance mark."""
        from fieldlog.services.stats import home_counts, home_trained
        from fieldlog.sync.status import peer_status

        self.show_from_worker(home_counts(self.app.db))
        self.show_from_worker(peer_status(self.app.db))
        return home_trained(self.app.db, today=self.app.today)

    def show(self, part: HomeCounts | list[PeerStatus] | HomeTrained) -> None:
        from fieldlog.services.stats import HomeCounts

        if isinstance(part, HomeCounts):
            self.show_counts(part)
        elif isinstance(part, list):
            self.show_peers(part)
        else:
            self.show_trained(part)

    def show_trained(self, trained: HomeTrained) -> None:
        t, n = trained, format_number
        self.query_one("#trained", Static).update(
            _("Trained in {year}: {people} ({women} women, {men} men)").format(
                year=t.year, people=n(t.this_year.people), women=n(t.this_year.women), men=n(t.this_year.men)
            )
            + "\n"
            + _("Trained since the start: {people} ({women} women, {men} men)").format(
                people=n(t.ever.people), women=n(t.ever.women), men=n(t.ever.men)
            )
        )

    def show_peers(self, peers: list[PeerStatus]) -> None:
        """Only once another office is known: a lone office has no one to deliver to."""
        line = self.query_one("#peers", Static)
        line.display = bool(peers)
        line.update(
            _("Changes not yet acknowledged: {offices}   (F8 Sync)").format(
                offices=" · ".join(f"{peer.code} {format_number(peer.pending)}" for peer in peers)
            )
        )

    def show_counts(self, counts: HomeCounts) -> None:
        s, n = counts, format_number
        self.query_one("#counts", Static).update(
            _("Workshops {w}   Participants {p}   Agencies {a}   Outcomes {o}").format(
                w=n(s.workshops), p=n(s.participants), a=n(s.agencies), o=n(s.outcomes)
            )
        )
        if not str(self.query_one("#trained", Static).render()):
            self.query_one("#trained", Static).update(_("Counting the people trained…"))
        self.query_one("#unexported", Static).update(
            ngettext("{n} change not yet exported", "{n} changes not yet exported", s.unexported).format(
                n=n(s.unexported)
            )
        )
        table = self.query_one("#latest", DataTable)
        table.clear()
        for w in s.latest:
            dates = format_range(w.start_date, w.end_date)
            place = w.city or country_name(w.country)
            table.add_row(dates, plain(clip(w.title, 23)), plain(clip(place, 12)), label(WORKSHOP_STATUSES, w.status), n(w.enrolled), key=w.id)

    @on(DataTable.RowSelected, "#latest")
    def open_workshop(self, event: DataTable.RowSelected) -> None:
        from fieldlog.screens.workshop_detail import WorkshopDetailScreen

        self.app.push_screen(WorkshopDetailScreen(event.row_key.value))
