"""Duplicate candidates: probable pairs side by side, to merge (m, M) or dismiss (d); the
merged records (v), to undo a merge (u). Participants or agencies (t)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Header
from textual.worker import WorkerState

from fieldlog.formatting import format_number
from fieldlog.i18n import N_, _, ngettext
from fieldlog.vocabulary import country_name
from fieldlog.screens.reading_screen import ReadingScreen
from fieldlog.widgets.fitting_footer import FittingFooter
from fieldlog.widgets.measured_table import MeasuredTable
from fieldlog.widgets.paged_table import clip
from fieldlog.widgets.status_line import StatusLine

CANDIDATES, MERGED = "candidates", "merged"
# Score (7 with its header) + two records (20 + 2 each) + reasons (25 + 2) = 78: 80 columns
# with the scroll bar.
NAME_WIDTH = 20
WHY_WIDTH = 25
CANDIDATE_LIMIT = 200


def two_lines(first: str, second: str, width: int) -> Text:
    return Text(f"{clip(first, width)}\n{clip(second, width)}")


def reasons_text(reasons: list[str], width: int = WHY_WIDTH) -> Text:
    """The reasons on two lines, as many as fit."""
    lines = [""]
    for reason in reasons:
        joined = f"{lines[-1]}, {reason}" if lines[-1] else reason
        if len(joined) <= width or not lines[-1]:
            lines[-1] = joined
        elif len(lines) < 2:
            lines.append(reason)
        else:
            lines[-1] = clip(joined, width)
            break
    return Text("\n".join(clip(line, width) for line in lines))


@dataclass(frozen=True)
class DuplicatesRead:
    table: str
    view: str
    rows: list[Any]  # candidate pairs, or merges


class DuplicatesScreen(ReadingScreen[DuplicatesRead]):
    """Read once opened, after each decision, on switching, and when the app says the database
    changed; not on coming back from a question (finding the pairs takes a while)."""

    TITLE = N_("Duplicates")
    CSS_PATH = "duplicates.tcss"
    TABLE_LABELS: ClassVar[dict[str, str]] = {"participant": N_("participants"), "agency": N_("agencies")}
    BINDINGS = [
        Binding("m", "merge(False)", N_("Merge")),
        Binding("M", "merge(True)", N_("Other way")),
        Binding("d", "dismiss_pair", N_("Different")),
        Binding("u", "unmerge", N_("Undo merge")),
        Binding("t", "switch_table", N_("Agencies")),
        Binding("v", "switch_view", N_("Merged")),
        Binding("escape", "close", N_("Back")),
    ]
    # What t and v switch to, shown in the footer in place of their description.
    SWITCH_LABELS: ClassVar[dict[str, str]] = {
        "participant": N_("Agencies"), "agency": N_("Participants"),
        CANDIDATES: N_("Merged"), MERGED: N_("Candidates"),
    }
    RELOAD_ON_RESUME = False

    class Changed(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, table: str = "participant", view: str = CANDIDATES) -> None:
        super().__init__()
        self.table = table
        self.view = view
        self.rows_by_key: dict[str, Any] = {}
        self.loading_rows = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield StatusLine(id="duplicates-status")
        yield MeasuredTable(cursor_type="row", zebra_stripes=True, id="pairs")
        yield FittingFooter()

    def on_mount(self) -> None:
        self.title = _(self.TITLE)
        self.query_one("#pairs", DataTable).focus()

    @property
    def active_bindings(self):
        bindings = super().active_bindings
        switches = {"switch_table": self.table, "switch_view": self.view}
        for key, active in bindings.items():
            if active.binding.action in switches:
                label = _(self.SWITCH_LABELS[switches[active.binding.action]])
                bindings[key] = active._replace(binding=replace(active.binding, description=label))
        return bindings

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in ("merge", "dismiss_pair"):
            return self.view == CANDIDATES
        if action == "unmerge":
            return self.view == MERGED
        return True

    # --- loading -------------------------------------------------------------------------

    def reload(self) -> None:
        if not self.ready_to_read:
            return
        self.loading_rows = True
        self.show_status()
        self.load(self.table, self.view)

    def read(self, table: str, view: str) -> DuplicatesRead:
        from fieldlog.services.duplicates import candidate_pairs, list_merges

        db = self.app.db
        rows = candidate_pairs(db, table=table, limit=CANDIDATE_LIMIT) if view == CANDIDATES else list_merges(db, table=table)
        return DuplicatesRead(table, view, rows)

    def show(self, data: DuplicatesRead) -> None:
        if (data.table, data.view) != (self.table, self.view):
            return
        self.loading_rows = False
        table = self.query_one("#pairs", DataTable)
        cursor = table.cursor_row
        table.clear(columns=True)
        self.rows_by_key = {}
        if self.view == CANDIDATES:
            table.add_columns(_("Score"), _("Record"), _("Probably the same as"), _("Why"))
            for pair in data.rows:
                key = f"{pair.first_id}:{pair.second_id}"
                self.rows_by_key[key] = pair
                table.add_row(
                    Text(str(pair.score), justify="right"),
                    two_lines(pair.first_name, self.detail(pair.first_detail, pair.first_country), NAME_WIDTH),
                    two_lines(pair.second_name, self.detail(pair.second_detail, pair.second_country), NAME_WIDTH),
                    reasons_text([_(self.reason_label(code)) for code in pair.reasons]),
                    key=key, height=2,
                )
        else:
            table.add_columns(_("Merged record"), _("Now counts as"))
            for merged in data.rows:
                self.rows_by_key[merged.record_id] = merged
                table.add_row(Text(clip(merged.record_name, 36)), Text(clip(merged.into_name, 36)), key=merged.record_id)
        if table.row_count:
            table.move_cursor(row=min(cursor, table.row_count - 1))
        self.show_status()

    def on_worker_state_changed(self, event) -> None:
        # FieldlogScreen's own handler says what went wrong: Textual calls it too.
        if event.worker.group == "load" and event.state == WorkerState.ERROR:
            self.loading_rows = False  # the error is shown; stop saying "looking…"
            self.show_status()

    @staticmethod
    def reason_label(code: str) -> str:
        from fieldlog.services.duplicates import REASONS

        return REASONS.get(code, code)

    @staticmethod
    def detail(detail: str, country: str) -> str:
        return " · ".join(part for part in (detail, country_name(country) if country else "") if part)

    def show_status(self) -> None:
        what = _(self.TABLE_LABELS[self.table])
        count = len(self.rows_by_key)
        if self.loading_rows:
            text = _("Looking for probable duplicate {what}…").format(what=what)
        elif self.view == CANDIDATES:
            text = ngettext(
                "{n} probable duplicate pair of {what}", "{n} probable duplicate pairs of {what}", count
            ).format(n=format_number(count), what=what) if count else _("No probable duplicate {what}.").format(what=what)
        else:
            text = ngettext("{n} merged record among {what}", "{n} merged records among {what}", count).format(
                n=format_number(count), what=what
            ) if count else _("No merged {what}.").format(what=what)
        self.query_one("#duplicates-status", StatusLine).say(text)

    # --- switching -----------------------------------------------------------------------

    def action_switch_table(self) -> None:
        self.table = "agency" if self.table == "participant" else "participant"
        self.rows_by_key = {}
        self.refresh_bindings()
        self.reload()

    def action_switch_view(self) -> None:
        self.view = MERGED if self.view == CANDIDATES else CANDIDATES
        self.rows_by_key = {}
        self.refresh_bindings()
        self.reload()

    def action_close(self) -> None:
        self.app.pop_screen()

    @property
    def selected(self) -> Any | None:
        table = self.query_one("#pairs", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.rows_by_key.get(key or "")

    # --- decisions -----------------------------------------------------------------------

    def action_merge(self, other_way: bool) -> None:
        pair = self.selected
        if pair is None or self.view != CANDIDATES:
            return
        from fieldlog.screens.confirm import ConfirmScreen

        if other_way:
            from_id, from_name, into_id, into_name = pair.first_id, pair.first_name, pair.second_id, pair.second_name
        else:
            from_id, from_name, into_id, into_name = pair.second_id, pair.second_name, pair.first_id, pair.first_name
        table = self.table

        def answered(yes: bool | None) -> None:
            if yes:
                self.merge(table, from_id, into_id, from_name, into_name)

        question = _(
            "Merge “{duplicate}” into “{kept}”? From now on “{duplicate}” counts as “{kept}” in lists and "
            "figures, on every office once synced. It can be undone (v, then u)."
        ).format(duplicate=from_name, kept=into_name)
        self.app.push_screen(ConfirmScreen(question, yes=_("Merge"), no=_("Cancel")), answered)

    @work(thread=True, exclusive=True, exit_on_error=False, group="write")
    def merge(self, table: str, from_id: str, into_id: str, from_name: str, into_name: str) -> None:
        from fieldlog.services.duplicates import merge_records

        merge_records(self.app.db, table=table, from_id=from_id, into_id=into_id)
        self.post_message(self.Changed(_("“{duplicate}” now counts as “{kept}”.").format(duplicate=from_name, kept=into_name)))

    def action_dismiss_pair(self) -> None:
        pair = self.selected
        if pair is not None and self.view == CANDIDATES:
            self.dismiss_pair(self.table, pair.first_id, pair.second_id)

    @work(thread=True, exclusive=True, exit_on_error=False, group="write")
    def dismiss_pair(self, table: str, first_id: str, second_id: str) -> None:
        from fieldlog.services.duplicates import dismiss_pair

        dismiss_pair(self.app.db, table=table, first_id=first_id, second_id=second_id)
        self.post_message(self.Changed(_("Marked as different: this pair will no longer be proposed.")))

    def action_unmerge(self) -> None:
        merged = self.selected
        if merged is not None and self.view == MERGED:
            self.unmerge(self.table, merged.record_id, merged.record_name)

    @work(thread=True, exclusive=True, exit_on_error=False, group="write")
    def unmerge(self, table: str, record_id: str, name: str) -> None:
        from fieldlog.services.duplicates import unmerge_records

        unmerge_records(self.app.db, table=table, from_id=record_id)
        self.post_message(self.Changed(_("“{name}” is a separate record again.").format(name=name)))

    def on_duplicates_screen_changed(self, message: Changed) -> None:
        self.notify(message.text)
        self.reload()
