"""Who came on which day: one row per enrolled person, one column per workshop day.

The grid never touches the database. It is given a roster as plain data, asks for changes with
messages (`MarkRequested`, `DayRequested`) and shows a saved change with `set_mark`.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.message import Message

from fieldlog.i18n import N_, _, current_language
from fieldlog.vocabulary import ROLES, label
from fieldlog.widgets.measured_table import MeasuredTable
from fieldlog.widgets.paged_table import clip

if TYPE_CHECKING:
    from fieldlog.services.attendance import Roster

PRESENT, ABSENT, UNMARKED = "✓", "✗", "·"
NAME_WIDTH = 24
# Name and role stay in view when a long workshop scrolls sideways.
FIXED_COLUMNS = 2
TOTAL_KEY = "total"


def day_label(day: date) -> str:
    """A short column header: "13/10" in French, "Oct 13" in English (Babel locale data)."""
    from babel.dates import format_skeleton

    lang = current_language()
    return format_skeleton("dM" if lang == "fr" else "MMMd", day, locale=lang)


def mark_cell(present: bool | None) -> Text:
    if present is None:
        return Text(UNMARKED, style="dim", justify="center")
    if present:
        return Text(PRESENT, style="bold green", justify="center")
    return Text(ABSENT, style="bold red", justify="center")


class AttendanceGrid(MeasuredTable):
    DEFAULT_CSS = """
    AttendanceGrid {
        height: 1fr;
    }
    """

    BINDINGS = [
        Binding("space", "toggle_mark", N_("Present/absent")),
        Binding("enter", "toggle_mark", N_("Present/absent"), show=False),
        Binding("a", "all_present", N_("All present")),
    ]

    class MarkRequested(Message):
        """A person asked to mark one enrolled person present or absent on one day."""

        def __init__(self, enrolment_id: str, day: date, present: bool, shown: bool | None = None) -> None:
            super().__init__()
            self.enrolment_id = enrolment_id
            self.day = day
            self.present = present
            self.shown = shown  # the mark the person saw (or had asked for): written only if still so

    class DayRequested(Message):
        """A person asked to mark everyone present (or absent) on one day."""

        def __init__(self, day: date, present: bool = True, shown: dict[str, bool | None] | None = None) -> None:
            super().__init__()
            self.day = day
            self.present = present
            self.shown = dict(shown or {})  # enrolment id -> the mark the person saw that day

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(
            cursor_type="cell", zebra_stripes=True, fixed_columns=FIXED_COLUMNS, id=id, classes=classes
        )
        self.days: list[date] = []
        self.names: dict[str, str] = {}
        self.roles: dict[str, str] = {}
        self.marks: dict[str, dict[date, bool]] = {}
        # Marks asked for but not yet saved: a second Space before the first is saved still toggles.
        self.requested: dict[tuple[str, date], bool] = {}

    # --- showing -------------------------------------------------------------------------

    def show_roster(self, roster: Roster) -> None:
        """Show a whole roster, keeping the cursor on the same person and day when possible."""
        keep_id, keep_day = self.current_enrolment_id, self.current_day
        keep_row = self.cursor_row
        self.clear(columns=True)
        self.days = list(roster.days)
        self.names = {row.enrolment_id: row.name for row in roster.rows}
        self.roles = {row.enrolment_id: row.role for row in roster.rows}
        self.marks = {row.enrolment_id: dict(row.marks) for row in roster.rows}
        self.requested.clear()
        # Widths are set, not measured, so the grid never shows for a moment with narrow columns.
        names = [clip(row.name, NAME_WIDTH) for row in roster.rows]
        roles = [label(ROLES, row.role) for row in roster.rows]
        self.add_column(Text(_("Name")), key="name", width=max(map(cell_len, [_("Name"), *names])))
        self.add_column(Text(_("Role")), key="role", width=max(map(cell_len, [_("Role"), *roles])))
        for day in self.days:
            header = day_label(day)
            self.add_column(Text(header, justify="center"), key=day.isoformat(), width=max(cell_len(header), 3))
        total_width = len(f"{len(self.days)}/{len(self.days)}")
        self.add_column(Text(_("Days"), justify="right"), key=TOTAL_KEY, width=max(cell_len(_("Days")), total_width))
        for row, name, role in zip(roster.rows, names, roles):
            self.add_row(
                Text(name),  # Text, not str: a DataTable reads a str as markup
                Text(role),
                *(mark_cell(row.marks.get(day)) for day in self.days),
                self._total_cell(row.enrolment_id),
                key=row.enrolment_id,
            )
        if not self.row_count:
            return
        if keep_id in self.marks:
            row_index = self.get_row_index(keep_id)
        else:
            row_index = min(keep_row, self.row_count - 1)
        day_index = self.days.index(keep_day) if keep_day in self.days else 0
        self.move_cursor(row=row_index, column=FIXED_COLUMNS + day_index, animate=False)

    def set_mark(self, enrolment_id: str, day: date, present: bool) -> None:
        """Show one saved mark and the person's new total, without reloading the grid."""
        if enrolment_id not in self.marks or day not in self.days:
            return
        self.marks[enrolment_id][day] = present
        if self.requested.get((enrolment_id, day)) == present:
            del self.requested[(enrolment_id, day)]
        self.update_cell(enrolment_id, day.isoformat(), mark_cell(present))
        self.update_cell(enrolment_id, TOTAL_KEY, self._total_cell(enrolment_id))

    def forget_requests(self) -> None:
        """A save failed: toggle from what is shown again."""
        self.requested.clear()

    def mark(self, enrolment_id: str, day: date) -> bool | None:
        return self.marks.get(enrolment_id, {}).get(day)

    def _total_cell(self, enrolment_id: str) -> Text:
        present = sum(1 for value in self.marks.get(enrolment_id, {}).values() if value)
        return Text(f"{present}/{len(self.days)}", justify="right")

    # --- where the cursor is -------------------------------------------------------------

    @property
    def current_enrolment_id(self) -> str | None:
        if not self.row_count or not self.is_valid_coordinate(self.cursor_coordinate):
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value

    @property
    def current_day(self) -> date | None:
        index = self.cursor_column - FIXED_COLUMNS
        if not self.row_count or not 0 <= index < len(self.days):
            return None
        return self.days[index]

    @property
    def current_name(self) -> str:
        return self.names.get(self.current_enrolment_id or "", "")

    @property
    def current_role(self) -> str:
        return self.roles.get(self.current_enrolment_id or "", "")

    # --- keys ----------------------------------------------------------------------------

    def validate_cursor_coordinate(self, value: Coordinate) -> Coordinate:
        # Only day cells can be marked, so the cursor stays on them (arrows, Home, End, mouse).
        value = super().validate_cursor_coordinate(value)
        if self.days and len(self.columns) == FIXED_COLUMNS + len(self.days) + 1:
            first, last = FIXED_COLUMNS, FIXED_COLUMNS + len(self.days) - 1
            value = Coordinate(value.row, min(max(value.column, first), last))
        return value

    def action_toggle_mark(self) -> None:
        enrolment_id, day = self.current_enrolment_id, self.current_day
        if enrolment_id is None or day is None:
            return
        # Not marked yet -> present: marking who came is what people do most.
        current = self.requested.get((enrolment_id, day), self.mark(enrolment_id, day))
        present = current is not True
        self.requested[(enrolment_id, day)] = present
        self.post_message(self.MarkRequested(enrolment_id, day, present, current))

    def action_all_present(self) -> None:
        day = self.current_day
        if day is not None:
            shown = {
                enrolment_id: self.requested.get((enrolment_id, day), self.mark(enrolment_id, day))
                for enrolment_id in self.marks
            }
            for enrolment_id in self.marks:
                self.requested[(enrolment_id, day)] = True
            self.post_message(self.DayRequested(day, True, shown))

    def move_to(self, enrolment_id: str, day: date) -> None:
        """Put the cursor on one person and day (used after a reload and by tests)."""
        if enrolment_id in self.marks and day in self.days:
            self.move_cursor(
                row=self.get_row_index(enrolment_id), column=FIXED_COLUMNS + self.days.index(day), animate=False
            )

    def cell_text(self, enrolment_id: str, day: date) -> str:
        """What a person reads in one cell, as plain text."""
        return self.get_cell(enrolment_id, day.isoformat()).plain

    def total_text(self, enrolment_id: str) -> str:
        return self.get_cell(enrolment_id, TOTAL_KEY).plain

