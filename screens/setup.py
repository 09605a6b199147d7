"""First start: which office this is, and who is at the keyboard; the office's keys are made
then. An office in a French-speaking country starts in French (unless a language was chosen:
--lang, or in the settings)."""

from __future__ import annotations

from typing import Any

from fieldlog.i18n import _
from fieldlog.services.offices import initialise_office
from fieldlog.settings import adopt_office_language
from fieldlog.vocabulary import country_options
from fieldlog.screens.form_screen import FormScreen, choice, text_input
from fieldlog.widgets.form_field import FormField


class SetupScreen(FormScreen):
    FORM_TITLE = ""
    # The language saved for the new office (its country's), read by the app once this closes.
    adopted_language: str | None = None

    def title_text(self) -> str:
        return _("Welcome to fieldlog. Which office is this?")

    def fields(self):
        yield FormField("code", _("Office code"), text_input(placeholder="BKO"), required=True)
        yield FormField("name", _("Office name"), text_input(placeholder=_("Bureau de Bamako")), required=True)
        yield FormField("country", _("Country"), choice(country_options()), required=True)
        yield FormField("author", _("Your name"), text_input())

    def write_record(self, values: dict[str, Any]) -> str:
        from fieldlog.keys.trust import ensure_own_keys

        office = initialise_office(
            self.app.db, code=values["code"] or "", name=values["name"] or "",
            country=values["country"] or "", author=values["author"] or "",
        )
        # Its keys from the first start, as `fieldlog init` makes them: every bundle is signed.
        # No passphrase yet; one can be set on the Keys screen (F8, then k).
        ensure_own_keys(self.app.db)
        self.adopted_language = adopt_office_language(office.country, chosen=self.app.lang_option)
        return office.id

    def action_cancel(self) -> None:
        self.dismiss(None)
