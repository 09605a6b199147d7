"""One workshop: what, when, where, and the attendance grid of everyone enrolled."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from threading import Lock

from rich.markup import escape
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Header, Static

from fieldlog.dates import format_range
from fieldlog.errors import FieldlogError
from fieldlog.formatting import format_number
from fieldlog.i18n import N_, _, ngettext
from fieldlog.services.attendance import Roster, change_role, mark_day, set_attendance, workshop_roster
from fieldlog.services.workshops import WorkshopPublic, get_workshop
from fieldlog.vocabulary import WORKSHOP_KINDS, WORKSHOP_STATUSES, label, place
from fieldlog.screens.reading_screen import ReadingScreen
from fieldlog.widgets.attendance_grid import ABSENT, PRESENT, UNMARKED, AttendanceGrid
from fieldlog.widgets.fitting_footer import FittingFooter


@dataclass(frozen=True)
class WorkshopRead:
    workshop: WorkshopPublic
    roster: Roster
    writes_seen: int  # the marks saved and shown when the roster was read


class WorkshopDetailScreen(ReadingScreen[WorkshopRead]):
    BINDINGS = [
        Binding("i", "enrol", N_("Enrol")),
        Binding("x", "remove", N_("Remove")),
        Binding("r", "change_role", N_("Role")),
        Binding("e", "edit", N_("Edit")),
        Binding("p", "print", N_("Print")),
        # Not in the footer, already full at 80 columns: F1 lists it.
        Binding("f10", "history", N_("History"), show=False),
        Binding("escape", "back", N_("Back"), show=False),
    ]

    class MarkSaved(Message):
        def __init__(self, enrolment_id: str, day: date, present: bool) -> None:
            super().__init__()
            self.enrolment_id = enrolment_id
            self.day = day
            self.present = present

    class DaySaved(Message):
        def __init__(self, day: date, present: bool, marked: list[str], changed: dict[str, bool | None]) -> None:
            super().__init__()
            self.day = day
            self.present = present
            self.marked = marked
            self.changed = changed  # marks changed meanwhile, left as they are: their value now

    class MarkFailed(Message):
        def __init__(self, reason: str) -> None:
            super().__init__()
            self.reason = reason

    class EnrolmentChanged(Message):
        def __init__(self, note: str) -> None:
            super().__init__()
            self.note = note

    def __init__(self, workshop_id: str) -> None:
        super().__init__()
        self.workshop_id = workshop_id
        self.workshop: WorkshopPublic | None = None
        # Saved marks shown so far: a roster read while a mark was being saved is read again.
        self._writes_seen = 0
        self._write_jobs: deque[Callable[[], Message]] = deque()
        self._write_lock = Lock()
        self._writing = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="workshop-info"):
            yield Static(_("Loading…"), id="workshop-title")
            yield Static("", id="workshop-when")
            yield Static("", id="workshop-what")
        yield Static(
            _("No one enrolled yet: press i to enrol participants."), id="empty-hint", classes="-hidden"
        )
        yield AttendanceGrid(id="attendance")
        with Horizontal(id="legend"):
            yield Static(
                _("{present} present   {absent} absent   {unmarked} not marked").format(
                    present=PRESENT, absent=ABSENT, unmarked=UNMARKED
                ),
            )
            # Two keys the footer has no room for at 80 columns.
            yield Static(_("Esc back · F10 history"), id="more-keys")
        yield FittingFooter()

    def on_mount(self) -> None:
        self.title = _("Workshop")
        self.query_one(AttendanceGrid).focus()

    @property
    def grid(self) -> AttendanceGrid:
        return self.query_one(AttendanceGrid)

    # --- loading -------------------------------------------------------------------------

    def reload(self) -> None:
        if self.ready_to_read:
            self.load(self._writes_seen)

    def read(self, writes_seen: int) -> WorkshopRead:
        return WorkshopRead(get_workshop(self.app.db, self.workshop_id), workshop_roster(self.app.db, self.workshop_id),
                            writes_seen)

    def show(self, data: WorkshopRead) -> None:
        if data.writes_seen != self._writes_seen:
            self.reload()  # a mark was saved while this was being read: read again
            return
        self.workshop = w = data.workshop
        roster = data.roster
        # Text, not str: a Static reads a str as markup, and "Module [2]" would lose "[2]".
        self.query_one("#workshop-title", Static).update(Text(w.title))
        when = [format_range(w.start_date, w.end_date, long=True), place(w.city, w.country), w.venue]
        self.query_one("#workshop-when", Static).update(Text(" · ".join(part for part in when if part)))
        enrolled = ngettext("{n} person enrolled", "{n} people enrolled", len(roster.rows)).format(
            n=format_number(len(roster.rows))
        )
        what = [label(WORKSHOP_KINDS, w.kind), label(WORKSHOP_STATUSES, w.status), enrolled]
        self.query_one("#workshop-what", Static).update(Text(" · ".join(part for part in what if part)))
        grid = self.grid
        grid.show_roster(roster)
        empty = not roster.rows
        self.query_one("#empty-hint").set_class(not empty, "-hidden")
        grid.set_class(empty, "-hidden")
        self.query_one("#legend").set_class(empty, "-hidden")
        if not empty:
            grid.focus()
        self.refresh_bindings()

    # --- marks ---------------------------------------------------------------------------

    # Marks are saved one after another, in the order they were made: Space pressed twice
    # quickly on one cell must reach the database as present-then-absent, and a pending save
    # must never be cancelled. So one worker at a time drains a queue of writes.
    def on_attendance_grid_mark_requested(self, message: AttendanceGrid.MarkRequested) -> None:
        self._queue_write(partial(self._save_mark, message.enrolment_id, message.day, message.present, message.shown))

    def on_attendance_grid_day_requested(self, message: AttendanceGrid.DayRequested) -> None:
        self._queue_write(partial(self._save_day, message.day, message.present, message.shown))

    # A mark is written only if it is still the one the person saw (§3.8): one changed
    # meanwhile (another office's, or another window's) is shown, not overwritten.
    def _save_mark(self, enrolment_id: str, day: date, present: bool, shown: bool | None) -> Message:
        set_attendance(self.app.db, enrolment_id=enrolment_id, day=day, present=present, shown=shown)
        return self.MarkSaved(enrolment_id, day, present)

    def _save_day(self, day: date, present: bool, shown: dict[str, bool | None]) -> Message:
        done = mark_day(self.app.db, workshop_id=self.workshop_id, day=day, present=present, shown=shown)
        return self.DaySaved(day, present, done.marked, done.changed_meanwhile)

    def _queue_write(self, job: Callable[[], Message]) -> None:
        with self._write_lock:
            self._write_jobs.append(job)
            if self._writing:
                return
            self._writing = True
        self.save_marks()

    @work(thread=True, exit_on_error=False, group="marks")
    def save_marks(self) -> None:
        while True:
            with self._write_lock:
                if not self._write_jobs:
                    self._writing = False
                    return
                job = self._write_jobs.popleft()
            try:
                self.post_message(job())
            except FieldlogError as error:
                self.post_message(self.MarkFailed(str(error)))
            except Exception as error:  # the database was left as it was; say so and go on
                self.post_message(
                    self.MarkFailed(_("Something went wrong: {error}").format(error=type(error).__name__))
                )

    def on_workshop_detail_screen_mark_saved(self, message: MarkSaved) -> None:
        self._writes_seen += 1
        self.grid.set_mark(message.enrolment_id, message.day, message.present)

    def on_workshop_detail_screen_day_saved(self, message: DaySaved) -> None:
        self._writes_seen += 1
        grid = self.grid
        for enrolment_id in message.marked:
            grid.set_mark(enrolment_id, message.day, message.present)
        if message.changed:
            self.notify(
                ngettext(
                    "{n} mark was changed meanwhile and left as it is.",
                    "{n} marks were changed meanwhile and left as they are.",
                    len(message.changed),
                ).format(n=len(message.changed)),
                severity="warning", timeout=8, markup=False,
            )
            grid.forget_requests()
            self.reload()

    def on_workshop_detail_screen_mark_failed(self, message: MarkFailed) -> None:
        self.notify(message.reason, severity="error", timeout=8, markup=False)
        self.grid.forget_requests()
        self.reload()

    # --- enrolments ----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("remove", "change_role"):
            return True if self.grid.row_count else None
        return True

    def action_enrol(self) -> None:
        from fieldlog.screens.enrol import EnrolScreen

        # The header and the grid show who was enrolled; the screen reloads when it resumes.
        self.app.push_screen(EnrolScreen(self.workshop_id))

    def action_remove(self) -> None:
        grid = self.grid
        enrolment_id, name = grid.current_enrolment_id, grid.current_name
        if enrolment_id is None:
            return
        from fieldlog.screens.confirm import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                self.remove_enrolment(enrolment_id, name)

        question = _("Remove {name} from this workshop? It can be restored from the Trash (F7).").format(
            name=escape(name)
        )
        self.app.push_screen(ConfirmScreen(question, yes=_("Remove")), answered)

    @work(thread=True, exit_on_error=False, group="write")
    def remove_enrolment(self, enrolment_id: str, name: str) -> None:
        from fieldlog.services.trash import delete_record

        delete_record(self.app.db, table="enrolment", record_id=enrolment_id)
        self.post_message(self.EnrolmentChanged(_("Removed: {name}").format(name=name)))

    def action_change_role(self) -> None:
        grid = self.grid
        enrolment_id = grid.current_enrolment_id
        if enrolment_id is None:
            return
        from fieldlog.screens.change_role import ChangeRoleScreen

        def chosen(role: str | None) -> None:
            if role and role != grid.roles.get(enrolment_id):
                self.save_role(enrolment_id, role)

        self.app.push_screen(ChangeRoleScreen(grid.current_name, grid.current_role), chosen)

    @work(thread=True, exit_on_error=False, group="write")
    def save_role(self, enrolment_id: str, role: str) -> None:
        change_role(self.app.db, enrolment_id=enrolment_id, role=role)
        self.post_message(self.EnrolmentChanged(_("Role changed.")))

    def on_workshop_detail_screen_enrolment_changed(self, message: EnrolmentChanged) -> None:
        self.notify(message.note, markup=False)
        self.reload()

    # --- the workshop itself -------------------------------------------------------------

    def action_edit(self) -> None:
        from fieldlog.screens.workshop_form import WorkshopFormScreen

        def closed(saved_id: str | None) -> None:
            if saved_id:
                self.notify(_("Saved."))

        self.app.push_screen(WorkshopFormScreen(self.workshop_id), closed)

    def action_history(self) -> None:
        from fieldlog.screens.history import HistoryScreen

        self.app.push_screen(HistoryScreen(table="workshop", record_id=self.workshop_id))

    def action_print(self) -> None:
        """The Reports screen (F9), on this workshop's sign-in sheet."""
        from fieldlog.screens.reports import ReportsScreen

        self.app.switch_mode("reports")
        if isinstance(self.app.screen, ReportsScreen):
            self.app.screen.choose("signin", self.workshop_id)

    def action_back(self) -> None:
        self.app.pop_screen()
