"""Create or edit an outcome: what it is, the workshops and agencies behind it, and its figures."""

from __future__ import annotations

from typing import Any

from textual.widgets import Static, TextArea

from fieldlog.dates import date_hint
from fieldlog.i18n import N_, _, current_language
from fieldlog.services.agencies import agency_choices
from fieldlog.services.outcomes import IndicatorValue, get_outcome, save_outcome
from fieldlog.services.workshops import workshop_choices
from fieldlog.vocabulary import OUTCOME_KINDS, VERIFICATION, options
from fieldlog.screens.form_screen import FormScreen, choice, text_input
from fieldlog.screens.participant_form import countries_with, show_starts
from fieldlog.widgets.form_field import FormField
from fieldlog.widgets.indicator_editor import IndicatorEditor
from fieldlog.widgets.multi_choice import MultiChoice


def indicator_text(value: float) -> str:
    """A value as the person would type it in their language ("13 500", "13,5")."""
    from babel.numbers import format_decimal

    if float(value).is_integer():
        return format_decimal(int(value), locale=current_language())
    return format_decimal(value, format="#,##0.##########", locale=current_language())


def multi_choice() -> MultiChoice:
    return MultiChoice(compact=True)


class OutcomeFormScreen(FormScreen):
    FORM_TITLE = N_("Outcome")
    RECORD_TABLE = "outcome"

    def __init__(self, record_id: str | None = None) -> None:
        super().__init__(record_id)
        self.linked: dict[str, list[str]] = {"workshop_ids": [], "agency_ids": []}
        self.current_country: str | None = None

    def title_text(self) -> str:
        return _("Edit outcome") if self.record_id else _("New outcome")

    def fields(self):
        yield FormField("title", _("Title"), text_input(), required=True)
        yield FormField("kind", _("Kind"), choice(options(OUTCOME_KINDS), blank=False))
        yield FormField("outcome_date", _("Date"), text_input(placeholder=date_hint()), required=True)
        yield FormField("country", _("Country"), choice([]))  # options come with the record
        yield FormField("description", _("Description"), TextArea(compact=True, classes="description"))
        yield FormField("evidence", _("Source / evidence"), text_input())
        yield FormField("verification", _("Verification"), choice(options(VERIFICATION), blank=False))
        yield FormField("workshop_ids", _("Workshops (space)"), multi_choice())
        yield FormField("agency_ids", _("Agencies (space)"), multi_choice())
        yield IndicatorEditor(id="indicators")

    @property
    def editor(self) -> IndicatorEditor:
        return self.query_one("#indicators", IndicatorEditor)

    # --- reading and writing (worker threads) ----------------------------------------------

    def initial_values(self) -> dict[str, Any]:
        office = self.app.office
        self.current_country = office.country if office else None
        return {"kind": "other", "verification": "reported", "country": self.current_country, "indicators": []}

    def read_record(self) -> dict[str, Any]:
        detail = get_outcome(self.app.db, self.record_id)
        values = detail.outcome.model_dump()
        # Shown the way it is typed, whatever the language.
        values["outcome_date"] = detail.outcome.outcome_date.strftime("%d/%m/%Y")
        values["workshop_ids"] = list(detail.workshop_ids)
        values["agency_ids"] = list(detail.agency_ids)
        values["indicators"] = [
            {"id": item.id, "name": item.name, "value": indicator_text(item.value), "unit": item.unit}
            for item in detail.indicators
        ]
        self.linked = {"workshop_ids": values["workshop_ids"], "agency_ids": values["agency_ids"]}
        self.current_country = values["country"]
        return values

    def read_choices(self):
        choices = {"workshop_ids": workshop_choices(self.app.db), "agency_ids": agency_choices(self.app.db)}
        in_trash = {"workshop_ids": _("(workshop in the Trash)"), "agency_ids": _("(agency in the Trash)")}
        # A link to a record in the Trash stays visible, so it can be kept or removed.
        for name, offered in choices.items():
            known = {value for _label, value in offered}
            offered.extend((in_trash[name], value) for value in self.linked[name] if value not in known)
        choices["country"] = countries_with(self.current_country)
        return choices

    def write_record(self, values: dict[str, Any]) -> str:
        values = dict(values)
        indicators = [
            IndicatorValue(name=item["name"], value=item["value"], unit=item["unit"], id=item["id"])
            for item in values.pop("indicators", [])
        ]
        return save_outcome(
            self.app.db,
            outcome_id=self.record_id,
            workshop_ids=values.pop("workshop_ids", None) or [],
            agency_ids=values.pop("agency_ids", None) or [],
            indicators=indicators,
            **values,
        )

    # --- the indicator rows are not a FormField ------------------------------------------

    def fill(self, values: dict[str, Any]) -> None:
        super().fill(values)
        if "indicators" in values:
            self.editor.load(values["indicators"])
        show_starts(self)

    def collect(self) -> dict[str, Any]:
        return {**super().collect(), "indicators": self.editor.value}

    def show_errors(self, errors: dict[str, str]) -> None:
        rows = {name: reason for name, reason in errors.items() if name.startswith("indicators.")}
        super().show_errors({name: reason for name, reason in errors.items() if name not in rows})
        first = self.editor.show_errors(rows)
        if rows:
            self.query_one(".form-message", Static).update(
                _("Nothing was saved: please correct the fields marked in red.")
            )
            if first is not None and not any(field.has_class("-invalid") for field in self.query(FormField)):
                first.focus()
