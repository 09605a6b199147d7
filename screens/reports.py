"""Reports (F9): choose a report and its parameters, see it as it will print, write the file
and say where it went. The preview is built in a worker a moment after the last change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Button, Checkbox, Header, Input, Label, Select, Static
from textual.worker import get_current_worker

from fieldlog.dates import date_hint, format_date, parse_date
from fieldlog.errors import FieldlogError
from fieldlog.i18n import N_, _
from fieldlog.reports.figures import SummaryFilters
from fieldlog.reports.output import FORMATS
from fieldlog.reports.requests import ReportRequest, build_report, default_day, nearest_workshop
from fieldlog.reports.signin_sheet import MAX_WALK_IN_LINES, WALK_IN_LINES
from fieldlog.vocabulary import PILLARS, country_name, options
from fieldlog.screens.reading_screen import ReadingScreen
from fieldlog.widgets.fitting_footer import FittingFooter
from fieldlog.widgets.report_preview import ReportPreview
from fieldlog.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from fieldlog.reports.document import Document

REPORTS = {
    "signin": N_("Sign-in sheet"),
    "attendance": N_("Attendance summary"),
    "summary": N_("Programme summary"),
}
# The parameter rows each report uses; the others are hidden.
ROWS = {
    "row-workshop": ("signin", "attendance"),
    "row-day": ("signin",),
    "row-period": ("summary",),
    "row-filters": ("summary",),
    "row-theme": ("summary",),
    "row-office": ("summary",),
}
FORMAT_LABELS = {"pdf": "PDF", "html": "HTML", "csv": "CSV", "xlsx": N_("XLSX (Excel)")}
EVERY_DAY = ""  # the day Select's value for a sheet per day
NO_WORKSHOP = ""  # the workshop Select's value while none is listed (workshop ids are UUIDs)
# The preview is built this long after the last key typed.
PREVIEW_DELAY_S = 0.3


@dataclass(frozen=True)
class ReportChoices:
    """What the parameters offer: the workshops (label, id) and the newest ones' dates, the
    countries and offices met in the records, and the folder last written to."""

    workshops: list[tuple[str, str]]
    ranges: list[tuple[str, date, date]]
    countries: list[str]
    offices: list[tuple[str, str]]
    folder: str


@dataclass(frozen=True)
class Problem:
    """Why there is nothing to preview or write: shown inline, beside `field` if given."""

    message: str
    field: str = ""
    error: bool = True


def day_label(number: int, day: date) -> str:
    """"Day 2: Tue 14/10/2021" — the weekday helps whoever prints tomorrow's sheet."""
    from babel.dates import format_date as babel_date

    from fieldlog.i18n import current_language

    weekday = babel_date(day, "EEE", locale=current_language())
    return _("Day {n}: {weekday} {day}").format(n=number, weekday=weekday, day=format_date(day))


def refill_keeping_choice(select: Select, choices: list[tuple[str, str]], label_of) -> None:
    """Give a filter its options again, sorted by label, keeping the one chosen even if no
    longer offered (the records changed under it), without announcing a change."""
    kept = select.value
    if isinstance(kept, str) and kept not in {value for _label, value in choices}:
        choices = [*choices, (label_of(kept), kept)]
    with select.prevent(Select.Changed):
        select.set_options(sorted(choices, key=lambda pair: pair[0]))
        if isinstance(kept, str):
            select.value = kept


class ReportsScreen(ReadingScreen[ReportChoices]):
    """Reads the choices the parameters offer; the preview and the file are built in workers
    of their own."""

    BINDINGS = [
        Binding("ctrl+s", "write", N_("Write file"), priority=True),
    ]

    class DaysLoaded(Message):
        def __init__(self, workshop_id: str, days: list[date]) -> None:
            super().__init__()
            self.workshop_id = workshop_id
            self.days = days

    class PreviewReady(Message):
        def __init__(self, request: ReportRequest, document: Document) -> None:
            super().__init__()
            self.request = request
            self.document = document

    class PreviewFailed(Message):
        def __init__(self, request: ReportRequest, reason: str) -> None:
            super().__init__()
            self.request = request
            self.reason = reason

    class Written(Message):
        def __init__(self, path: Path) -> None:
            super().__init__()
            self.path = path

    class WriteFailed(Message):
        def __init__(self, reason: str, *, folder: bool = False) -> None:
            super().__init__()
            self.reason = reason
            self.folder = folder

    def __init__(self) -> None:
        super().__init__()
        self.busy = False
        self._wanted_report: str | None = None
        self._wanted_workshop: str | None = None
        self._workshop_ids: set[str] | None = None  # None until read
        self._days_workshop: str | None = None  # the workshop the day menu lists the days of
        self._preview_timer: Timer | None = None
        self._pending: ReportRequest | None = None  # the preview being built
        self._shown: ReportRequest | None = None  # the preview on screen
        self._office_labels: dict[str, str] = {}  # every office offered so far, by id

    # --- layout --------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="report-form"):
            with Horizontal(classes="row"):
                yield Label(_("Report"), classes="label")
                yield Select([(_(name), code) for code, name in REPORTS.items()], allow_blank=False,
                             value="signin", id="report", compact=True)
                yield Static(_("Tab: next field · Ctrl+S: write"), classes="hint")
            with Horizontal(id="row-workshop", classes="row"):
                yield Label(_("Workshop"), classes="label")
                yield Select([(_("Loading…"), NO_WORKSHOP)], allow_blank=False, id="workshop", compact=True)
            with Horizontal(id="row-day", classes="row"):
                yield Label(_("Day"), classes="label")
                yield Select([(_("Every day, a page each"), EVERY_DAY)], allow_blank=False, id="day", compact=True)
                yield Label(_("Blank lines for walk-ins"))
                yield Input(str(WALK_IN_LINES), id="walk-ins", type="integer", max_length=3, compact=True)
            with Horizontal(id="row-period", classes="row"):
                yield Label(_("Period"), classes="label")
                yield Input(placeholder=date_hint(), id="first", max_length=10, compact=True)
                yield Label(_("to"))
                yield Input(placeholder=date_hint(), id="last", max_length=10, compact=True)
                yield Label(_("Country"), classes="label2")
                yield Select([], prompt=_("All countries"), id="country", compact=True)
            with Horizontal(id="row-filters", classes="row"):
                yield Label(_("Programme"), classes="label")
                yield Input(placeholder=_("any"), id="programme", compact=True)
                yield Label(_("Funder"), classes="label2")
                yield Input(placeholder=_("any"), id="funder", compact=True)
            with Horizontal(id="row-theme", classes="row"):
                yield Label(_("Theme"), classes="label")
                yield Input(placeholder=_("any"), id="theme", compact=True)
                yield Label(_("Pillar"), classes="label2")
                yield Select(options(PILLARS), prompt=_("All pillars"), id="pillar", compact=True)
            with Horizontal(id="row-office", classes="row"):
                yield Label(_("Office"), classes="label")
                yield Select([], prompt=_("All offices"), id="office", compact=True)
                yield Checkbox(_("Anonymous, for donors"), id="anonymous", compact=True,
                               tooltip=_("No names and no descriptions: figures only."))
            with Horizontal(classes="row"):
                yield Label(_("Format"), classes="label")
                yield Select([(_(FORMAT_LABELS[fmt]), fmt) for fmt in FORMATS], allow_blank=False, value="pdf",
                             id="format", compact=True)
                yield Label(_("Folder"))
                yield Input(id="folder", compact=True)
                yield Button(_("Write file"), id="write", variant="primary", compact=True)
            yield StatusLine(id="report-status", hide_when_empty=True)
        yield ReportPreview(id="preview")
        yield FittingFooter()

    async def on_mount(self) -> None:
        self.title = _("Reports")
        preview = self.query_one("#preview", ReportPreview)
        preview.border_title = _("Preview")
        await preview.show_message(_("Loading…"))
        today = self.app.today
        self.query_one("#first", Input).value = format_date(date(today.year, 1, 1))
        self.query_one("#last", Input).value = format_date(today)
        if self._wanted_report:
            self.query_one("#report", Select).value = self._wanted_report
        self._show_rows()
        self._focus_first(self._wanted_report)

    @property
    def report(self) -> str:
        return self.query_one("#report", Select).value  # never blank

    def _show_rows(self) -> None:
        report = self.report
        for row, reports in ROWS.items():
            self.query_one(f"#{row}").display = report in reports

    # --- choices: workshops, their days, countries, the folder ---------------------------

    def read(self) -> ReportChoices:
        from fieldlog.folders import remembered_report_folder
        from fieldlog.services.workshops import list_workshops, workshop_choices, workshop_countries, workshop_offices

        db = self.app.db
        return ReportChoices(
            workshops=workshop_choices(db),
            # The newest page is enough to find the workshop nearest today.
            ranges=[(row.id, row.start_date, row.end_date) for row in list_workshops(db).rows],
            countries=workshop_countries(db), offices=workshop_offices(db), folder=remembered_report_folder(),
        )

    def show(self, choices: ReportChoices) -> None:
        select = self.query_one("#workshop", Select)
        current = select.value
        self._workshop_ids = {workshop_id for _label, workshop_id in choices.workshops}
        if self._wanted_workshop in self._workshop_ids:
            chosen = self._wanted_workshop
            self._wanted_workshop = None
        elif current in self._workshop_ids:
            chosen = current
        else:
            chosen = nearest_workshop(choices.ranges, self.app.today)
        with self.prevent(Select.Changed):
            select.set_options(choices.workshops or [(_("No workshop yet"), NO_WORKSHOP)])
            if chosen in self._workshop_ids:
                select.value = chosen
        refill_keeping_choice(self.query_one("#country", Select), [(country_name(c), c) for c in choices.countries],
                              country_name)
        self._office_labels.update((office_id, label) for label, office_id in choices.offices)
        refill_keeping_choice(self.query_one("#office", Select), choices.offices, self._office_labels.get)
        folder = self.query_one("#folder", Input)
        if not folder.value:
            folder.value = choices.folder
        self._shown = None  # the records may have changed: build the preview again
        self._workshop_chosen()

    def _workshop_chosen(self) -> None:
        workshop_id = self.query_one("#workshop", Select).value
        if workshop_id != NO_WORKSHOP:
            self.load_days(workshop_id)
        else:
            self.schedule_preview(0)

    @work(thread=True, exclusive=True, exit_on_error=False, group="days")
    def load_days(self, workshop_id: str) -> None:
        from fieldlog.dates import days_between
        from fieldlog.services.workshops import get_workshop

        workshop = get_workshop(self.app.db, workshop_id)
        days = days_between(workshop.start_date, workshop.end_date)
        if not get_current_worker().is_cancelled:
            self.post_message(self.DaysLoaded(workshop_id, days))

    def on_reports_screen_days_loaded(self, message: DaysLoaded) -> None:
        if message.workshop_id != self.query_one("#workshop", Select).value:
            return  # another workshop was chosen meanwhile
        select = self.query_one("#day", Select)
        kept = select.value if self._days_workshop == message.workshop_id else None
        with self.prevent(Select.Changed):
            select.set_options([
                (_("Every day, a page each"), EVERY_DAY),
                *((day_label(n, day), day) for n, day in enumerate(message.days, start=1)),
            ])
            select.value = kept if kept in (EVERY_DAY, *message.days) else default_day(message.days, self.app.today)
        self._days_workshop = message.workshop_id
        self.schedule_preview(0)

    def choose(self, report: str, workshop_id: str | None = None) -> None:
        """Show `report`, for `workshop_id` if given (from the workshop screen, the palette)."""
        if workshop_id:
            self._wanted_workshop = workshop_id
        if not self.is_mounted:
            self._wanted_report = report
            return
        self.query_one("#report", Select).value = report
        self._show_rows()  # now, so that the field to focus is shown
        if workshop_id in (self._workshop_ids or ()):
            self._wanted_workshop = None
            self.query_one("#workshop", Select).value = workshop_id
        self._focus_first(report)

    def _focus_first(self, report: str | None) -> None:
        """Where a person goes next: the day to print, the workshop, the period."""
        first = {"signin": "#day", "attendance": "#workshop", "summary": "#first"}.get(report or "", "#report")
        self.call_after_refresh(self.query_one(first).focus)

    def action_choose_report(self, report: str) -> None:
        if report in REPORTS:
            self.choose(report)

    # --- parameters ----------------------------------------------------------------------

    @on(Select.Changed, "#report")
    def report_changed(self) -> None:
        if self.status.says_done:
            self.status.say("")  # it named the file of another report
        self._show_rows()
        self.schedule_preview(0)

    @on(Select.Changed, "#workshop")
    def workshop_changed(self) -> None:
        self._workshop_chosen()

    @on(Select.Changed, "#day")
    @on(Select.Changed, "#country")
    @on(Select.Changed, "#pillar")
    @on(Select.Changed, "#office")
    @on(Checkbox.Changed, "#anonymous")
    def choice_changed(self) -> None:
        self.schedule_preview(0)

    @on(Input.Changed, "#walk-ins, #first, #last, #programme, #funder, #theme")
    def typed(self) -> None:
        self.schedule_preview(PREVIEW_DELAY_S)

    @on(Input.Submitted, "#walk-ins, #first, #last, #programme, #funder, #theme")
    def typed_and_entered(self) -> None:
        self.schedule_preview(0)

    @on(Input.Changed, "#folder")
    def folder_typed(self) -> None:
        self.query_one("#folder").remove_class("-invalid")

    def read_request(self) -> tuple[ReportRequest | None, Problem | None]:
        """The parameters on screen, or why they cannot make a report. Reads widgets only."""
        report = self.report
        if report == "summary":
            return self._summary_request()
        workshop_id = self.query_one("#workshop", Select).value
        if workshop_id == NO_WORKSHOP:
            if self._workshop_ids is None:
                return None, None  # the workshops are being read
            return None, Problem(_("No workshop is recorded yet: register one under Workshops (F3)."),
                                 error=False)
        if report == "attendance":
            return ReportRequest(report, workshop_id), None
        if self._days_workshop != workshop_id:
            return None, None  # its days are being read
        text = self.query_one("#walk-ins", Input).value.strip()
        walk_ins = int(text) if text.isdigit() else -1 if text else 0
        if not 0 <= walk_ins <= MAX_WALK_IN_LINES:
            return None, Problem(_("Blank lines: give a number from 0 to {n}.").format(n=MAX_WALK_IN_LINES),
                                 "walk-ins")
        day = self.query_one("#day", Select).value
        return ReportRequest(report, workshop_id, day=day or None, walk_ins=walk_ins), None

    def _summary_request(self) -> tuple[ReportRequest | None, Problem | None]:
        dates: dict[str, date | None] = {}
        for name, what in (("first", _("Start of the period")), ("last", _("End of the period"))):
            text = self.query_one(f"#{name}", Input).value.strip()
            try:
                dates[name] = parse_date(text) if text else None
            except ValueError:
                return None, Problem(_("{what}: type a date as {hint}.").format(what=what, hint=date_hint()), name)
        country, pillar, office = (self.query_one(f"#{name}", Select).value for name in ("country", "pillar", "office"))
        filters = SummaryFilters(
            first=dates["first"], last=dates["last"],
            country=country if isinstance(country, str) else "",
            pillar=pillar if isinstance(pillar, str) else "",
            office=office if isinstance(office, str) else "",
            **{name: self.query_one(f"#{name}", Input).value.strip() for name in ("programme", "funder", "theme")},
        )
        try:
            filters.checked()
        except FieldlogError as error:
            return None, Problem(str(error), "last")
        return ReportRequest("summary", filters=filters, anonymous=self.query_one("#anonymous", Checkbox).value), None

    def _mark_invalid(self, problem: Problem | None) -> None:
        for name in ("walk-ins", "first", "last"):
            self.query_one(f"#{name}").set_class(problem is not None and problem.field == name, "-invalid")

    # --- the preview ---------------------------------------------------------------------

    def schedule_preview(self, delay: float) -> None:
        if self._preview_timer is not None:
            self._preview_timer.stop()
        self._preview_timer = self.set_timer(max(delay, 0.01), self.refresh_preview)

    async def refresh_preview(self) -> None:
        request, problem = self.read_request()
        self._mark_invalid(problem)
        preview = self.query_one("#preview", ReportPreview)
        if problem is not None:
            self._pending = self._shown = None
            if problem.error:  # said on the status line, beside the fields
                self.status.say(problem.message, error=True)
                await preview.show_message(_("Correct what is marked above to see the report."))
            else:
                if self.status.says_error:
                    self.status.say("")
                await preview.show_message(problem.message)
            return
        if self.status.says_error:
            self.status.say("")
        if request is None or request == self._shown or request == self._pending:
            return
        self._pending = request
        self.build_preview(request)

    @work(thread=True, exclusive=True, exit_on_error=False, group="preview")
    def build_preview(self, request: ReportRequest) -> None:
        try:
            document = build_report(self.app.db, request)
        except FieldlogError as error:
            self.post_message(self.PreviewFailed(request, str(error)))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.PreviewReady(request, document))

    async def on_reports_screen_preview_ready(self, message: PreviewReady) -> None:
        if message.request != self._pending:
            return  # the parameters changed since
        self._pending, self._shown = None, message.request
        await self.query_one("#preview", ReportPreview).show(message.document)

    async def on_reports_screen_preview_failed(self, message: PreviewFailed) -> None:
        if message.request != self._pending:
            return
        self._pending = self._shown = None
        self.status.say(message.reason, error=True)
        await self.query_one("#preview", ReportPreview).show_message(
            _("Correct what is marked above to see the report."))

    # --- writing the file ----------------------------------------------------------------

    @on(Button.Pressed, "#write")
    @on(Input.Submitted, "#folder")
    def write_requested(self) -> None:
        self.action_write()

    def action_write(self) -> None:
        if self.busy:
            return
        request, problem = self.read_request()
        self._mark_invalid(problem)
        if problem is not None or request is None:
            self.status.say(problem.message if problem else _("Wait a moment: the workshop is being read."),
                            error=True)
            return
        folder = self.query_one("#folder", Input)
        if not folder.value.strip():
            self._folder_refused(_("Type the folder to write the report in."))
            return
        self.busy = True
        self.status.say(_("Writing the file…"))
        self.write_file(request, self.query_one("#format", Select).value, folder.value.strip())

    @work(thread=True, exclusive=True, exit_on_error=False, group="write")
    def write_file(self, request: ReportRequest, fmt: str, folder_text: str) -> None:
        from fieldlog.folders import folder_problem, remember_report_folder
        from fieldlog.reports.output import write_report

        folder = Path(folder_text).expanduser()
        if problem := folder_problem(folder):
            self.post_message(self.WriteFailed(problem, folder=True))
            return
        try:
            path = write_report(build_report(self.app.db, request), fmt=fmt, out=folder)
        except FieldlogError as error:
            self.post_message(self.WriteFailed(str(error)))
            return
        except BaseException:
            self.post_message(self.WriteFailed(_("Nothing was written.")))
            raise
        remember_report_folder(folder)
        self.post_message(self.Written(path))

    def on_reports_screen_written(self, message: Written) -> None:
        self.busy = False
        self.status.say(_("Written: {path}").format(path=message.path), done=True)
        self.notify(_("Report written to {path}").format(path=message.path), title=_("Reports"), markup=False)

    def on_reports_screen_write_failed(self, message: WriteFailed) -> None:
        self.busy = False
        if message.folder:
            self._folder_refused(message.reason)
        else:
            self.status.say(message.reason, error=True)

    def _folder_refused(self, reason: str) -> None:
        folder = self.query_one("#folder", Input)
        folder.add_class("-invalid")
        folder.focus()
        self.status.say(_("Folder: {reason}").format(reason=reason), error=True)

    @property
    def status(self) -> StatusLine:
        """The status line: an error to fix, where the file went, or nothing."""
        return self.query_one("#report-status", StatusLine)
