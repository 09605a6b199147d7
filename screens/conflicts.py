"""Conflicts: fields two offices changed at the same time. The value in force stays until a
person chooses; choosing settles the field in every office once synced."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Header, OptionList, Static
from textual.widgets.option_list import Option

from fieldlog.errors import FieldlogError
from fieldlog.formatting import format_number
from fieldlog.i18n import N_, _, ngettext
from fieldlog.vocabulary import (
    AGENCY_KINDS, OUTCOME_KINDS, PILLARS, ROLES, SEX, VERIFICATION, WORKSHOP_KINDS, WORKSHOP_STATUSES,
    country_name, label,
)
from fieldlog.screens.reading_screen import ReadingScreen
from fieldlog.widgets.fitting_footer import FittingFooter
from fieldlog.widgets.measured_table import MeasuredTable
from fieldlog.widgets.paged_table import clip

if TYPE_CHECKING:
    from fieldlog.sync.conflicts import ConflictRow, ConflictValue

# Codes shown as the words a person chose them by: (table or "*", column) → vocabulary.
VOCABULARIES = {
    ("*", "sex"): SEX, ("*", "role"): ROLES, ("*", "pillar"): PILLARS, ("*", "verification"): VERIFICATION,
    ("workshop", "status"): WORKSHOP_STATUSES, ("workshop", "kind"): WORKSHOP_KINDS,
    ("agency", "kind"): AGENCY_KINDS, ("outcome", "kind"): OUTCOME_KINDS,
}
AGENCY_COLUMNS = ("agency_id", "parent_id")
LONGEST_CHOICE = 300


class ConflictsScreen(ReadingScreen["tuple[list[ConflictRow], dict[str, str]]"]):
    """Reads the conflicts, and the names of the agencies their values point to."""

    BINDINGS = [Binding("escape", "back", N_("Back"))]

    class Resolved(Message):
        def __init__(self, shown: str) -> None:
            super().__init__()
            self.shown = shown

    class Refused(Message):
        def __init__(self, reason: str) -> None:
            super().__init__()
            self.reason = reason

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, ConflictRow] = {}
        self.agency_names: dict[str, str] = {}
        self.busy = False
        self.choices_for: str | None = None  # the field whose values the choices list shows

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="conflicts"):
            yield Static("", id="conflicts-count")
            table = MeasuredTable(cursor_type="row", zebra_stripes=True, id="conflict-rows")
            table.add_columns(_("Record"), _("Field"), _("In force"), _("Other values"))
            yield table
            yield Static("", id="conflict-detail")
            yield OptionList(id="conflict-choices", compact=True)
            yield Static(
                _("Enter: choose the value to keep for the selected field · Esc: back"), id="conflicts-help"
            )
        yield FittingFooter()

    def on_mount(self) -> None:
        self.title = _("Conflicts to review")
        self.query_one("#conflict-rows", DataTable).focus()

    def read(self) -> tuple[list[ConflictRow], dict[str, str]]:
        from fieldlog.errors import NotFound
        from fieldlog.services.agencies import get_agency
        from fieldlog.sync.conflicts import list_conflicts

        rows = list_conflicts(self.app.db)
        names: dict[str, str] = {}
        for row in rows:
            if row.column in AGENCY_COLUMNS:
                for choice in row.choices:
                    if choice.value and choice.value not in names:
                        try:
                            names[choice.value] = get_agency(self.app.db, choice.value).name
                        except NotFound:
                            pass
        return rows, names

    def show(self, data: tuple[list[ConflictRow], dict[str, str]]) -> None:
        rows, self.agency_names = data
        table = self.query_one("#conflict-rows", DataTable)
        choices = self.query_one("#conflict-choices", OptionList)
        # A reload (another fieldlog settled something) keeps the field and the value a person
        # is choosing, by what they are, not where they stood: Enter must keep that value.
        was, cursor = self.selected, table.cursor_row
        choosing = self.focused is choices
        keep = was.choices[choices.highlighted] if was is not None and choices.highlighted is not None else None
        self.rows = {}
        table.clear()
        for row in rows:
            key = row_key(row)
            self.rows[key] = row
            others = ", ".join(f"{self.shown(row, v)} ({v.office_code})" for v in row.others)
            table.add_row(
                Text(clip(row.record_label, 20)), Text(clip(row.column_label, 14)),
                Text(clip(f"{self.shown(row, row.current)} ({row.current.office_code})", 18)),
                Text(clip(others, 18)), key=key,
            )
        count = len(rows)
        self.query_one("#conflicts-count", Static).update(
            ngettext("{n} field in conflict", "{n} fields in conflict", count).format(n=format_number(count))
            if count else _("No conflicts to review: every field has one value.")
        )
        still_there = was is not None and row_key(was) in self.rows
        if table.row_count:
            keys = list(self.rows)
            table.move_cursor(row=keys.index(row_key(was)) if still_there else min(cursor, table.row_count - 1))
        if choosing and not still_there:  # the field being chosen is settled: none other takes its place
            table.focus()
        self.show_choices(keep=keep if still_there else None)

    def shown(self, row: ConflictRow, choice: ConflictValue) -> str:
        return shown_value(row.table, row.column, choice, self.agency_names)

    # --- choosing ------------------------------------------------------------------------

    @property
    def selected(self) -> ConflictRow | None:
        table = self.query_one("#conflict-rows", DataTable)
        if not table.row_count:
            return None
        return self.rows.get(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    @on(DataTable.RowHighlighted, "#conflict-rows")
    def row_highlighted(self) -> None:
        row = self.selected
        if row is None or row_key(row) != self.choices_for:
            self.show_choices()

    def show_choices(self, keep: ConflictValue | None = None) -> None:
        """The values of the selected field, `keep` highlighted if it is still one of them."""
        row = self.selected
        self.choices_for = row_key(row) if row is not None else None
        detail = self.query_one("#conflict-detail", Static)
        choices = self.query_one("#conflict-choices", OptionList)
        choices.clear_options()
        choices.display = row is not None
        if row is None:
            detail.update("")
            return
        detail.update(Text(_("{kind} › {record} › {field}: which value is right?").format(
            record=row.record_label, kind=row.table_label, field=row.column_label
        )))
        for index, choice in enumerate(row.choices):
            who = ", ".join(part for part in (choice.office_code, choice.author) if part)
            where = _("in force · {who}").format(who=who) if index == 0 else who
            choices.add_option(Option(
                Text.assemble((clip(self.shown(row, choice), LONGEST_CHOICE), "bold"), "  ", (f"({where})", "dim")),
                id=str(index),
            ))
        choices.highlighted = row.choices.index(keep) if keep in row.choices else 0  # the same write

    @on(DataTable.RowSelected, "#conflict-rows")
    def row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if self.selected is not None:
            self.query_one("#conflict-choices", OptionList).focus()

    @on(OptionList.OptionSelected, "#conflict-choices")
    def choice_selected(self, event: OptionList.OptionSelected) -> None:
        row = self.selected
        if row is None or self.busy:
            return
        choice = row.choices[int(event.option.id)]
        self.busy = True
        self.resolve(row.table, row.record_id, row.column, choice.value, self.shown(row, choice))

    @work(thread=True, exit_on_error=False, group="write")
    def resolve(self, table: str, record_id: str, column: str, value: Any, shown: str) -> None:
        from fieldlog.sync.conflicts import resolve_conflict

        try:
            resolve_conflict(self.app.db, table=table, record_id=record_id, column=column, value=value)
        except FieldlogError as error:
            self.post_message(self.Refused(str(error)))
            return
        except BaseException:
            self.post_message(self.Refused(_("Nothing was saved.")))
            raise
        self.post_message(self.Resolved(shown))

    def on_conflicts_screen_resolved(self, message: Resolved) -> None:
        self.busy = False
        self.notify(_("Kept: {value}").format(value=clip(message.shown, 60)), markup=False)
        self.query_one("#conflict-rows", DataTable).focus()
        self.reload()

    def on_conflicts_screen_refused(self, message: Refused) -> None:
        self.busy = False
        self.notify(message.reason, severity="error", markup=False)
        self.reload()

    def action_back(self) -> None:
        if self.focused is self.query_one("#conflict-choices", OptionList):
            self.query_one("#conflict-rows", DataTable).focus()
        else:
            self.app.pop_screen()


def row_key(row: ConflictRow) -> str:
    return f"{row.table}/{row.record_id}/{row.column}"


def shown_value(table: str, column: str, choice: ConflictValue, agency_names: dict[str, str]) -> str:
    """A conflicting value as a person reads it: words for codes, names for agencies."""
    value = choice.value
    if value is None or value == "":
        return choice.display
    if column in AGENCY_COLUMNS:
        return agency_names.get(value, choice.display)
    if column == "country":
        return country_name(value)
    vocabulary = VOCABULARIES.get((table, column)) or VOCABULARIES.get(("*", column))
    if vocabulary is not None and isinstance(value, str):
        return label(vocabulary, value)
    return choice.display
