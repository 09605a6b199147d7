"""Create or edit an outcome: what it is, the workshops and agencies behind it, and its figures."""

from __future__ import annotations

from typing import Any

from textual.widgets import Static, TextArea

from fieldlog.dates import date_hint
from fieldlog.i18n import N_, _, current_language
from fieldlog.services.agencies import agency_choices
from fieldlog.services.outcomes import (
    IndicatorChanges,
    IndicatorEdit,
    IndicatorValue,
    LinkChanges,
    get_outcome,
    save_outcome,
)
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


LIST_FIELDS = ("workshop_ids", "agency_ids", "indicators")


def indicator_changes(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> IndicatorChanges:
    """The rows added, the parts changed and the rows removed, `after` compared with `before`
    (rows of text as the editor gives them); positions count the rows of `after`."""
    old = {row["id"]: row for row in before if row.get("id")}
    edits = []
    for position, row in enumerate(after):
        parts = {part: row[part] for part in ("name", "value", "unit")}
        if row.get("id") in old:
            parts = {part: value for part, value in parts.items() if old[row["id"]][part] != value}
            if parts:
                edits.append(IndicatorEdit(position, row["id"], parts))
        else:
            edits.append(IndicatorEdit(position, None, parts))
    kept = {row.get("id") for row in after}
    return IndicatorChanges(tuple(edits), tuple(i for i in old if i not in kept))


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
        if self.record_id:
            return self.write_changes(values)
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

    def write_changes(self, changes: dict[str, Any]) -> str:
        """An edit writes what the person changed: the fields, the links added and removed, the
        indicator parts changed; a link or indicator made elsewhere meanwhile stays."""
        initial = self.initial or {}
        links = {}
        for name in ("workshop_ids", "agency_ids"):
            if name in changes:
                before, after = initial.get(name) or [], changes.pop(name) or []
                links[name] = LinkChanges(
                    added=tuple(v for v in after if v not in before), removed=tuple(v for v in before if v not in after)
                )
        indicators = None
        if "indicators" in changes:
            indicators = indicator_changes(initial.get("indicators") or [], changes.pop("indicators"))
        return save_outcome(self.app.db, outcome_id=self.record_id, indicators=indicators, **links, **changes)

    def changed_meanwhile(self, changes: dict[str, Any]) -> dict[str, Any]:
        """Links are added and removed one by one, so a link changed meanwhile is no clash; an
        indicator part is, keyed "indicators.<id>.<part>"."""
        fields = {name: value for name, value in changes.items() if name not in LIST_FIELDS}
        if not changes:
            return {}
        now = self.read_record()
        clashes = {name: now.get(name) for name in fields if name in self.loaded and now.get(name) != self.loaded[name]}
        if "indicators" in changes:
            loaded = {row["id"]: row for row in self.loaded.get("indicators", []) if row.get("id")}
            current = {row["id"]: row for row in now.get("indicators", [])}
            edits = indicator_changes((self.initial or {}).get("indicators") or [], changes["indicators"])
            for edit in edits.edits:
                if edit.id is None or edit.id not in loaded or edit.id not in current:
                    continue
                for part in edit.parts:
                    if current[edit.id][part] != loaded[edit.id][part]:
                        clashes[f"indicators.{edit.id}.{part}"] = current[edit.id][part]
        return clashes

    def seen_meanwhile(self, now: dict[str, Any]) -> None:
        super().seen_meanwhile({name: value for name, value in now.items() if not name.startswith("indicators.")})
        rows = {row.get("id"): row for row in self.loaded.get("indicators", [])}
        for key, value in now.items():
            if key.startswith("indicators."):
                _prefix, indicator_id, part = key.split(".")
                if indicator_id in rows:
                    rows[indicator_id][part] = value

    def take_theirs(self, now: dict[str, Any]) -> None:
        super().take_theirs({name: value for name, value in now.items() if not name.startswith("indicators.")})
        initial_rows = {row.get("id"): row for row in (self.initial or {}).get("indicators", [])}
        for key, value in now.items():
            if key.startswith("indicators."):
                _prefix, indicator_id, part = key.split(".")
                for row in self.editor.rows:
                    if row.indicator_id == indicator_id:
                        row.inputs[part].value = str(value)
                if indicator_id in initial_rows:
                    initial_rows[indicator_id][part] = str(value)

    def field_label(self, name: str) -> str:
        if name.startswith("indicators."):
            _prefix, indicator_id, part = name.split(".")
            row = next((row for row in self.loaded.get("indicators", []) if row.get("id") == indicator_id), {})
            labels = {"name": _("Name"), "value": _("Value"), "unit": _("Unit")}
            return _("Indicator {name}: {part}").format(name=row.get("name", ""), part=labels.get(part, part))
        return super().field_label(name)

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
