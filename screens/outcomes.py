"""Outcomes: what followed the workshops, newest first."""

from __future__ import annotations

from fieldlog.dates import format_date
from fieldlog.i18n import N_
from fieldlog.services.outcomes import OutcomeRow, list_outcomes
from fieldlog.vocabulary import OUTCOME_KINDS, VERIFICATION, country_name, label
from fieldlog.screens.list_screen import RecordListScreen
from fieldlog.widgets.paged_table import clip


class OutcomesScreen(RecordListScreen):
    TITLE = N_("Outcomes")
    COLUMNS = [N_("Date"), N_("Title"), N_("Kind"), N_("Country"), N_("Verification")]
    SEARCH_PLACEHOLDER = N_("Search outcomes by title or description…")
    TRASH_TABLE = "outcome"

    def fetch(self, *, search: str, offset: int, limit: int):
        return list_outcomes(self.app.db, search=search, offset=offset, limit=limit)

    def cells(self, row: OutcomeRow) -> list:
        # Widths chosen so the five columns fit 80 columns with the scroll bar.
        return [
            format_date(row.outcome_date),
            clip(row.title, 24),
            clip(label(OUTCOME_KINDS, row.kind), 14),
            clip(country_name(row.country), 8),
            clip(label(VERIFICATION, row.verification), 12),
        ]

    def describe_selected(self) -> str:
        row = self.rows_by_id.get(self.selected_id or "")
        return row.title if row is not None else super().describe_selected()

    def form(self, record_id: str | None):
        from fieldlog.screens.outcome_form import OutcomeFormScreen

        return OutcomeFormScreen(record_id)
