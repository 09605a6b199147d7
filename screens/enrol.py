"""Enrol people in a workshop, one after another: find a name, Enter, next name."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Input, Select, Static
from textual.worker import get_current_worker

from fieldlog.errors import FieldlogError, ValidationError
from fieldlog.formatting import format_number
from fieldlog.i18n import N_, _
from fieldlog.services.attendance import enrol_participant, enrolled_participant_ids
from fieldlog.services.common import Page
from fieldlog.services.participants import ParticipantRow, get_participant, list_participants
from fieldlog.services.workshops import get_workshop
from fieldlog.vocabulary import ROLES, options
from fieldlog.screens.base import FieldlogModal
from fieldlog.widgets.fitting_footer import FittingFooter
from fieldlog.widgets.measured_table import MeasuredTable
from fieldlog.widgets.paged_table import clip
from fieldlog.widgets.status_line import StatusLine

RESULTS_LIMIT = 50
SEARCH_DELAY_S = 0.15


class EnrolScreen(FieldlogModal[int]):
    """Dismisses with the number of people enrolled while it was open."""

    BINDINGS = [
        Binding("escape", "close", N_("Close")),
        Binding("ctrl+n", "new_participant", N_("New participant"), priority=True),
    ]

    class Found(Message):
        def __init__(self, page: Page[ParticipantRow], enrolled: set[str], title: str) -> None:
            super().__init__()
            self.page = page
            self.enrolled = enrolled
            self.title = title

    class Enrolled(Message):
        def __init__(self, participant_id: str, name: str) -> None:
            super().__init__()
            self.participant_id = participant_id
            self.name = name

    class Refused(Message):
        def __init__(self, reason: str) -> None:
            super().__init__()
            self.reason = reason

    def __init__(self, workshop_id: str) -> None:
        super().__init__(classes="dialog-screen enrol-screen")
        self.workshop_id = workshop_id
        self.enrolled_count = 0
        self.enrolled_ids: set[str] = set()
        self.names: dict[str, str] = {}
        self.workshop_title = ""
        self._timer = None
        self._focus_results = False
        self._busy = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(_("Enrol participants"), id="enrol-title")
            with Horizontal(id="enrol-bar"):
                yield Input(placeholder=_("Type a name (accents do not matter)…"), id="enrol-search", compact=True)
                yield Select(options(ROLES), allow_blank=False, value="participant", id="enrol-role", compact=True)
            table = MeasuredTable(cursor_type="row", zebra_stripes=True, id="enrol-results")
            table.add_columns(_("Name"), _("Agency"), _("Function"), _("Enrolled"))
            yield table
            yield Static("", id="enrol-count")
            yield StatusLine(id="enrol-message")
            yield Static(_("Enter: enrol the selected person · ↓: go to the list"), id="enrol-help")
        yield FittingFooter()

    def on_mount(self) -> None:
        self.query_one("#enrol-search", Input).focus()
        self.search("")

    # --- searching -----------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="search")
    def search(self, text: str) -> None:
        db = self.app.db
        # Until one search has answered, it also brings the workshop's title.
        title = "" if self.workshop_title else get_workshop(db, self.workshop_id).title
        page = list_participants(db, search=text, limit=RESULTS_LIMIT)
        enrolled = enrolled_participant_ids(db, self.workshop_id)
        if not get_current_worker().is_cancelled:
            self.post_message(self.Found(page, enrolled, title))

    def on_enrol_screen_found(self, message: Found) -> None:
        if message.title and not self.workshop_title:
            self.workshop_title = message.title
            self.query_one("#enrol-title", Static).update(
                Text(_("Enrol participants in: {title}").format(title=message.title))
            )
        self.enrolled_ids = message.enrolled
        table = self.query_one("#enrol-results", DataTable)
        table.clear()
        self.names = {}
        for row in message.page.rows:
            self.names[row.id] = row.display_name
            # Text, not str: a DataTable reads a str as markup.
            table.add_row(
                Text(clip(row.display_name, 28)), Text(clip(row.agency, 12)), Text(clip(row.function, 24)),
                Text("✓" if row.id in self.enrolled_ids else "", justify="center"), key=row.id,
            )
        page = message.page
        if not page.total:
            count = _("No one found. Ctrl+N registers a new participant.")
        elif page.total > len(page.rows):
            count = _("{shown} of {total}: type more of the name to narrow.").format(
                shown=format_number(len(page.rows)), total=format_number(page.total)
            )
        else:
            count = _("{total} found.").format(total=format_number(page.total))
        self.query_one("#enrol-count", Static).update(count)
        if self._focus_results and table.row_count:
            table.focus()
        self._focus_results = False

    @on(Input.Changed, "#enrol-search")
    def search_changed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(SEARCH_DELAY_S, lambda: self.search(event.value))

    @on(Input.Submitted, "#enrol-search")
    def search_submitted(self, event: Input.Submitted) -> None:
        # Go to the list once it shows what was typed, so Enter there enrols the right person.
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._focus_results = True
        self.search(event.value)

    def on_key(self, event) -> None:
        if event.key == "down" and isinstance(self.focused, Input):
            table = self.query_one("#enrol-results", DataTable)
            if table.row_count:
                table.focus()
                event.stop()

    # --- enrolling -----------------------------------------------------------------------

    @property
    def role(self) -> str:
        value = self.query_one("#enrol-role", Select).value
        return "participant" if value is Select.NULL else value

    @on(DataTable.RowSelected, "#enrol-results")
    def row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        participant_id = event.row_key.value
        if participant_id and not self._busy:
            self._busy = True
            self.enrol(participant_id, self.names.get(participant_id, ""), self.role)

    @work(thread=True, exit_on_error=False, group="enrol")
    def enrol(self, participant_id: str, name: str, role: str) -> None:
        db = self.app.db
        try:
            enrol_participant(db, workshop_id=self.workshop_id, participant_id=participant_id, role=role)
            if not name:
                person = get_participant(db, participant_id)
                name = f"{person.family_name.upper()} {person.given_names}".strip()
        except ValidationError as error:
            self.post_message(self.Refused(" ".join(error.errors.values())))
            return
        except FieldlogError as error:
            self.post_message(self.Refused(str(error)))
            return
        except BaseException:
            self.post_message(self.Refused(_("Nothing was saved.")))
            raise
        self.post_message(self.Enrolled(participant_id, name))

    def on_enrol_screen_enrolled(self, message: Enrolled) -> None:
        self._busy = False
        self.enrolled_count += 1
        self.enrolled_ids.add(message.participant_id)
        self.query_one("#enrol-message", StatusLine).say(_("Enrolled: {name}").format(name=message.name), done=True)
        search = self.query_one("#enrol-search", Input)
        search.value = ""
        search.focus()

    def on_enrol_screen_refused(self, message: Refused) -> None:
        self._busy = False
        self.query_one("#enrol-message", StatusLine).say(message.reason, error=True)

    # --- a person not registered yet -----------------------------------------------------

    def action_new_participant(self) -> None:
        from fieldlog.screens.participant_form import ParticipantFormScreen

        typed = self.query_one("#enrol-search", Input).value.strip()

        def created(participant_id: str | None) -> None:
            if participant_id:
                self._busy = True
                self.enrol(participant_id, "", self.role)

        self.app.push_screen(ParticipantFormScreen(None, initial={"family_name": typed}), created)

    def action_close(self) -> None:
        self.dismiss(self.enrolled_count)
