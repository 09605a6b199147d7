"""Create or edit a workshop. Dates are typed as people write them: 13/10/2021."""

from __future__ import annotations

from typing import Any

from fieldlog.dates import date_hint, format_date
from fieldlog.i18n import N_, _
from fieldlog.services.workshops import create_workshop, get_workshop, update_workshop
from fieldlog.vocabulary import PILLARS, WORKSHOP_KINDS, WORKSHOP_STATUSES, country_options, options
from fieldlog.screens.form_screen import FormScreen, choice, text_input
from fieldlog.widgets.form_field import FormField


class WorkshopFormScreen(FormScreen):
    FORM_TITLE = N_("Workshop")
    RECORD_TABLE = "workshop"
    _country = ""  # the country of the workshop being edited, set while reading it

    def title_text(self) -> str:
        return _("Edit workshop") if self.record_id else _("New workshop")

    def fields(self):
        hint = date_hint()
        yield FormField("title", _("Title"), text_input(), required=True)
        yield FormField("kind", _("Kind"), choice(options(WORKSHOP_KINDS), blank=False), required=True)
        yield FormField("start_date", _("First day"), text_input(placeholder=hint), required=True)
        yield FormField("end_date", _("Last day"), text_input(placeholder=hint), required=True)
        yield FormField("city", _("City"), text_input())
        yield FormField("country", _("Country"), choice(country_options()))
        yield FormField("venue", _("Venue"), text_input())
        yield FormField("programme", _("Programme"), text_input(placeholder=_("e.g. Sahel Programme")))
        yield FormField("organisers", _("Organisers"), text_input(placeholder=_("e.g. UNODC; UNICRI")))
        yield FormField("partners", _("Partners"), text_input(placeholder=_("e.g. MINUSMA; IOM")))
        yield FormField("funders", _("Funders"), text_input(placeholder=_("e.g. Denmark; EU")))
        yield FormField("themes", _("Thematic areas"), text_input(placeholder=_("e.g. Border security; Firearms")))
        yield FormField("pillar", _("UN GCTS pillar"), choice(options(PILLARS)))
        yield FormField("status", _("Status"), choice(options(WORKSHOP_STATUSES), blank=False), required=True)
        yield FormField("notes", _("Notes"), text_input())

    def initial_values(self) -> dict[str, Any]:
        office = self.app.office
        return {
            "kind": "national_workshop",
            "status": "planned",
            "country": office.country if office else None,
        }

    def read_record(self) -> dict[str, Any]:
        values = get_workshop(self.app.db, self.record_id).model_dump()
        values["start_date"] = format_date(values["start_date"])
        values["end_date"] = format_date(values["end_date"])
        self._country = values.get("country") or ""
        return values

    def read_choices(self):
        # A code the picker does not list (synced from elsewhere) must still show, not fail.
        offered = country_options()
        code = self._country
        if code and code not in {value for _label, value in offered}:
            return {"country": [(code, code), *offered]}
        return {}

    def write_record(self, values: dict[str, Any]) -> str:
        if self.record_id:
            update_workshop(self.app.db, self.record_id, **values)
            return self.record_id
        return create_workshop(self.app.db, **values)
