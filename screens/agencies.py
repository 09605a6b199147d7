"""Agencies: list and search."""

from __future__ import annotations

from fieldlog.i18n import N_
from fieldlog.services.agencies import AgencyRow, list_agencies
from fieldlog.vocabulary import AGENCY_KINDS, country_name, label
from fieldlog.screens.list_screen import RecordListScreen
from fieldlog.widgets.paged_table import clip


class AgenciesScreen(RecordListScreen):
    TITLE = N_("Agencies")
    COLUMNS = [N_("Name"), N_("Acronym"), N_("Kind"), N_("Country"), N_("Part of")]
    SEARCH_PLACEHOLDER = N_("Search agencies by name or acronym…")
    TRASH_TABLE = "agency"

    def fetch(self, *, search: str, offset: int, limit: int):
        return list_agencies(self.app.db, search=search, offset=offset, limit=limit)

    def cells(self, row: AgencyRow) -> list:
        return [clip(row.name), row.acronym, label(AGENCY_KINDS, row.kind), country_name(row.country), clip(row.parent_name, 20)]

    def form(self, record_id: str | None):
        from fieldlog.screens.agency_form import AgencyFormScreen

        return AgencyFormScreen(record_id)
