"""Create or edit a participant, with a warning when a similar person is already registered."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.message import Message
from textual.widgets import Input, Static

from fieldlog.i18n import N_, _, ngettext
from fieldlog.services.agencies import agency_choices
from fieldlog.services.participants import (
    ParticipantRow,
    create_participant,
    get_participant,
    similar_participants,
    update_participant,
)
from fieldlog.vocabulary import SEX, country_options, options
from fieldlog.screens.form_screen import FormScreen, choice, text_input
from fieldlog.widgets.form_field import FormField

SIMILAR_DELAY_S = 0.3
SIMILAR_SHOWN = 3


def describe_similar(matches: list[ParticipantRow]) -> str:
    people = "; ".join(
        f"{row.display_name} ({row.agency})" if row.agency else row.display_name
        for row in matches[:SIMILAR_SHOWN]
    )
    if len(matches) > SIMILAR_SHOWN:
        people += " …"
    return ngettext(
        "A similar participant already exists: {people}",
        "Similar participants already exist: {people}",
        len(matches),
    ).format(people=people)


def show_starts(form: FormScreen) -> None:
    """Long values are shown from their first letter, not scrolled to their end."""
    for field in form.query(FormField):
        if isinstance(field.control, Input):
            field.control.cursor_position = 0


def countries_with(code: str | None) -> list[tuple[str, str]]:
    """The country choices, plus `code` if it is a valid code that the list leaves out
    (e.g. XK): a Select refuses a value it does not offer."""
    offered = country_options()
    if code and all(value != code for _label, value in offered):
        offered.append((code, code))
    return offered


class ParticipantFormScreen(FormScreen):
    """`initial` pre-fills a new participant, e.g. {"family_name": "Traoré"} from an enrol dialog."""

    FORM_TITLE = N_("Participant")
    RECORD_TABLE = "participant"

    class SimilarFound(Message):
        def __init__(self, names: tuple[str, str], matches: list[ParticipantRow], *, saving: bool) -> None:
            super().__init__()
            self.names = names
            self.matches = matches
            self.saving = saving

    def __init__(self, record_id: str | None = None, *, initial: dict | None = None) -> None:
        super().__init__(record_id)
        self.prefill = dict(initial or {})
        self.similar: list[ParticipantRow] = []
        self.similar_names: tuple[str, str] | None = None
        self.confirmed_names: tuple[str, str] | None = None
        self._similar_timer = None
        self.family_input = text_input()
        self.given_input = text_input()
        self.current_agency: str | None = None
        self.current_country: str | None = None

    def title_text(self) -> str:
        return _("Edit participant") if self.record_id else _("New participant")

    def fields(self):
        yield FormField("family_name", _("Family name"), self.family_input, required=True)
        yield FormField("given_names", _("Given names"), self.given_input)
        warning = Static("", classes="form-warning similar-warning")
        warning.display = False
        yield warning
        yield FormField("sex", _("Sex"), choice(options(SEX)), required=True)
        yield FormField("agency_id", _("Agency"), choice([]))
        yield FormField("function", _("Function or rank"), text_input())
        yield FormField("country", _("Country"), choice([]))  # options come with the record
        yield FormField("phone", _("Phone"), text_input())
        yield FormField("email", _("E-mail"), text_input())

    def fill(self, values: dict[str, Any]) -> None:
        super().fill(values)
        show_starts(self)

    # --- reading and writing (worker threads) ----------------------------------------------

    def initial_values(self) -> dict[str, Any]:
        office = self.app.office
        values = {"country": office.country if office else None, **self.prefill}
        self.current_agency, self.current_country = values.get("agency_id"), values.get("country")
        return values

    def read_record(self) -> dict[str, Any]:
        values = get_participant(self.app.db, self.record_id).model_dump()
        self.current_agency, self.current_country = values.get("agency_id"), values.get("country")
        return values

    def read_choices(self):
        current = self.current_agency
        agencies = agency_choices(self.app.db, keep=current)
        # An agency in the Trash stays selectable for the people who belong to it.
        if current and all(value != current for _label, value in agencies):
            agencies.append((_("(agency in the Trash)"), current))
        return {"agency_id": agencies, "country": countries_with(self.current_country)}

    def write_record(self, values: dict[str, Any]) -> str:
        if self.record_id:
            update_participant(self.app.db, self.record_id, **values)
            return self.record_id
        return create_participant(self.app.db, **values)

    # --- similar people ------------------------------------------------------------------

    def names(self) -> tuple[str, str]:
        return self.family_input.value.strip(), self.given_input.value.strip()

    @on(Input.Changed)
    def name_changed(self, event: Input.Changed) -> None:
        if event.input is not self.family_input and event.input is not self.given_input:
            return
        if self._similar_timer is not None:
            self._similar_timer.stop()
        self._similar_timer = self.set_timer(SIMILAR_DELAY_S, self.check_similar)

    def check_similar(self) -> None:
        family, given = self.names()
        if not (family or given):
            self.show_similar((family, given), [])
            return
        self.find_similar(family, given)

    @work(thread=True, exclusive=True, exit_on_error=False, group="similar")
    def find_similar(self, family: str, given: str, saving: bool = False) -> None:
        try:
            found = similar_participants(self.app.db, family_name=family, given_names=given, exclude_id=self.record_id)
        except Exception:
            # Never leave a save waiting on a failed check; the failure itself is reported.
            self.post_message(self.SimilarFound((family, given), [], saving=saving))
            raise
        self.post_message(self.SimilarFound((family, given), [row for row, _score in found], saving=saving))

    def on_participant_form_screen_similar_found(self, message: SimilarFound) -> None:
        if message.names != self.names():
            if message.saving:  # the names changed while checking: check them again
                self.find_similar(*self.names(), saving=True)
            return
        self.show_similar(message.names, message.matches)
        if message.saving:
            self.saving = False
            if message.matches:
                self.ask_save_anyway(message.names)
            else:
                super().action_save()

    def show_similar(self, names: tuple[str, str], matches: list[ParticipantRow]) -> None:
        self.similar, self.similar_names = matches, names
        warning = self.query_one(".similar-warning", Static)
        warning.update(describe_similar(matches) if matches else "")
        warning.display = bool(matches)

    # --- saving --------------------------------------------------------------------------

    def action_save(self) -> None:
        """A new participant whose name looks like someone already registered is saved only
        once the person has confirmed it. The names are checked again here, so a save typed
        faster than the live warning still asks."""
        if self.saving:
            return
        names = self.names()
        if self.record_id is not None or not names[0] or names == self.confirmed_names:
            super().action_save()
            return
        if self._similar_timer is not None:
            self._similar_timer.stop()
        if names == self.similar_names:
            if self.similar:
                self.ask_save_anyway(names)
            else:
                super().action_save()
            return
        self.saving = True
        self.find_similar(*names, saving=True)

    def ask_save_anyway(self, names: tuple[str, str]) -> None:
        from fieldlog.screens.confirm import ConfirmScreen

        def answered(save: bool | None) -> None:
            if save:
                self.confirmed_names = names
                super(ParticipantFormScreen, self).action_save()
            else:
                self.family_input.focus()

        question = describe_similar(self.similar) + "\n" + _("Save anyway?")
        self.app.push_screen(ConfirmScreen(question, yes=_("Save anyway"), no=_("Keep editing")), answered)
