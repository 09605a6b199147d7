"""Participants: list and search by name, ignoring accents ("traore" finds "Traoré")."""

from __future__ import annotations

from fieldlog.i18n import N_
from fieldlog.services.participant_search import ParticipantRow, list_participants
from fieldlog.vocabulary import SEX, country_name, label
from fieldlog.screens.list_screen import RecordListScreen
from fieldlog.widgets.paged_table import clip


class ParticipantsScreen(RecordListScreen):
    TITLE = N_("Participants")
    COLUMNS = [N_("Name"), N_("Sex"), N_("Agency"), N_("Function"), N_("Country")]
    SEARCH_PLACEHOLDER = N_("Search participants by name, ignoring accents…")
    TRASH_TABLE = "participant"

    def fetch(self, *, search: str, offset: int, limit: int):
        return list_participants(self.app.db, search=search, offset=offset, limit=limit)

    def cells(self, row: ParticipantRow) -> list:
        # Widths chosen so the five columns fit 80 columns with the scroll bar.
        return [
            clip(row.display_name, 24),
            clip(label(SEX, row.sex), 6),
            clip(row.agency, 10),
            clip(row.function, 15),
            clip(country_name(row.country), 11),
        ]

    def describe_selected(self) -> str:
        row = self.rows_by_id.get(self.selected_id or "")
        return row.display_name if row is not None else super().describe_selected()

    def form(self, record_id: str | None):
        from fieldlog.screens.participant_form import ParticipantFormScreen

        return ParticipantFormScreen(record_id)
