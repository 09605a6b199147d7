"""Create or edit an agency."""

from __future__ import annotations

from typing import Any

from fieldlog.i18n import N_, _
from fieldlog.services.agencies import agency_choices, create_agency, get_agency, update_agency
from fieldlog.vocabulary import AGENCY_KINDS, country_options, options
from fieldlog.screens.form_screen import FormScreen, choice, text_input
from fieldlog.widgets.form_field import FormField


class AgencyFormScreen(FormScreen):
    FORM_TITLE = N_("Agency")
    RECORD_TABLE = "agency"

    def title_text(self) -> str:
        return _("Edit agency") if self.record_id else _("New agency")

    def fields(self):
        yield FormField("name", _("Name"), text_input(), required=True)
        yield FormField("acronym", _("Acronym"), text_input())
        yield FormField("kind", _("Kind"), choice(options(AGENCY_KINDS), blank=False), required=True)
        yield FormField("country", _("Country"), choice(country_options()))
        yield FormField("parent_id", _("Part of"), choice([]))

    def initial_values(self) -> dict[str, Any]:
        office = self.app.office
        return {"kind": "other", "country": office.country if office else None}

    def read_record(self) -> dict[str, Any]:
        return get_agency(self.app.db, self.record_id).model_dump()

    def read_choices(self):
        return {"parent_id": agency_choices(self.app.db, exclude=self.record_id)}

    def write_record(self, values: dict[str, Any]) -> str:
        if self.record_id:
            update_agency(self.app.db, self.record_id, **values)
            return self.record_id
        return create_agency(self.app.db, **values)
