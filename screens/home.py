"""Home: the counts that matter, the latest workshops, and what has not been exported yet."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Header, Static
from textual.worker import get_current_worker

from fieldlog.dates import format_range
from fieldlog.formatting import format_number
from fieldlog.i18n import _, ngettext
from fieldlog.vocabulary import WORKSHOP_STATUSES, country_name, label
from fieldlog.screens.base import FieldlogScreen
from fieldlog.widgets.fitting_footer import FittingFooter
from fieldlog.widgets.measured_table import MeasuredTable
from fieldlog.widgets.paged_table import clip, plain

if TYPE_CHECKING:
    from fieldlog.services.stats import HomeCounts, HomeTrained
    from fieldlog.sync.status import PeerStatus


class HomeScreen(FieldlogScreen):
    class CountsLoaded(Message):
        def __init__(self, counts: HomeCounts) -> None:
            super().__init__()
            self.counts = counts

    class PeersLoaded(Message):
        def __init__(self, peers: list[PeerStatus]) -> None:
            super().__init__()
            self.peers = peers

    class TrainedLoaded(Message):
        def __init__(self, trained: HomeTrained) -> None:
            super().__init__()
            self.trained = trained

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

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        if self.app.office is not None:
            self.load()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self) -> None:
        """Counts first (milliseconds), then the figures that read every attendance mark."""
        from fieldlog.services.stats import home_counts, home_trained
        from fieldlog.sync.status import peer_status

        self.post_message(self.CountsLoaded(home_counts(self.app.db)))
        self.post_message(self.PeersLoaded(peer_status(self.app.db)))
        trained = home_trained(self.app.db, today=self.app.today)
        if not get_current_worker().is_cancelled:
            self.post_message(self.TrainedLoaded(trained))

    def on_home_screen_trained_loaded(self, message: TrainedLoaded) -> None:
        t, n = message.trained, format_number
        self.query_one("#trained", Static).update(
            _("Trained in {year}: {people} ({women} women, {men} men)").format(
                year=t.year, people=n(t.this_year.people), women=n(t.this_year.women), men=n(t.this_year.men)
            )
            + "\n"
            + _("Trained since the start: {people} ({women} women, {men} men)").format(
                people=n(t.ever.people), women=n(t.ever.women), men=n(t.ever.men)
            )
        )

    def on_home_screen_peers_loaded(self, message: PeersLoaded) -> None:
        """Only once another office is known: a lone office has no one to deliver to."""
        peers = self.query_one("#peers", Static)
        peers.display = bool(message.peers)
        peers.update(
            _("Changes not yet acknowledged: {offices}   (F8 Sync)").format(
                offices=" · ".join(f"{peer.code} {format_number(peer.pending)}" for peer in message.peers)
            )
        )

    def on_home_screen_counts_loaded(self, message: CountsLoaded) -> None:
        s, n = message.counts, format_number
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
