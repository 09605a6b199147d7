"""Settings (Ctrl+O): the interface language, kept in settings.json for every start; and the
name of the person using this computer, recorded with the changes they make from now on."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from fieldlog.errors import ValidationError
from fieldlog.i18n import LANGUAGE_NAMES, N_, _, current_language
from fieldlog.settings import save_language
from fieldlog.screens.base import FieldlogModal
from fieldlog.widgets.fitting_footer import FittingFooter
from fieldlog.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from fieldlog.services.offices import OfficeInfo

AUTHOR_LENGTH = 200


class SettingsScreen(FieldlogModal[str | None]):
    """Dismisses with the language chosen (saved already), or None when nothing changed."""

    BINDINGS = [
        Binding("ctrl+s", "choose", N_("Save"), priority=True),
        Binding("escape", "cancel", N_("Cancel")),
    ]

    class AuthorSaved(Message):
        def __init__(self, office: OfficeInfo, language: str) -> None:
            super().__init__()
            self.office = office
            self.language = language

    class AuthorRefused(Message):
        def __init__(self, reason: str) -> None:
            super().__init__()
            self.reason = reason

    def __init__(self, *, lang_option: str | None = None) -> None:
        super().__init__(classes="dialog-screen")
        self.current = current_language()
        self.lang_option = lang_option
        self.saving = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(_("Settings"), classes="settings-title")
            yield Static(_("Interface language:"))
            yield OptionList(
                *(Option(f"{'●' if code == self.current else '○'} {name}", id=code)
                  for code, name in LANGUAGE_NAMES.items()),
                id="language", markup=False, compact=True,
            )
            note = _("↑ ↓ choose, Enter applies at once: the screens are shown again in that language.")
            if self.lang_option:
                note += "\n" + _("fieldlog was started with --lang {code}: at each start, that option wins.").format(
                    code=self.lang_option)
            yield Static(note, classes="settings-note", markup=False)
            office = self.app.office
            if office is not None:  # no name to change before the office is set up
                yield Static(_("Your name, recorded with the changes you make:"))
                yield Input(office.author, max_length=AUTHOR_LENGTH, compact=True, id="author")
                yield StatusLine(classes="settings-error", hide_when_empty=True)
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Save (Ctrl+S)"), id="choose", variant="primary", compact=True)
                yield Button(_("Cancel (Esc)"), id="cancel", compact=True)
        yield FittingFooter()

    def on_mount(self) -> None:
        languages = self.query_one("#language", OptionList)
        languages.highlighted = languages.get_option_index(self.current)
        languages.focus()

    @on(OptionList.OptionSelected, "#language")
    def language_selected(self) -> None:
        # Enter on a language is enough; Ctrl+S also works.
        self.action_choose()

    @on(Button.Pressed, "#choose")
    @on(Input.Submitted, "#author")
    def action_choose(self) -> None:
        if self.saving:
            return
        option = self.query_one("#language", OptionList).highlighted_option
        language = option.id if option is not None and option.id else self.current
        office = self.app.office
        field = next(iter(self.query("#author").results(Input)), None)
        author = field.value.strip() if field is not None else None
        if office is None or author is None or author == office.author:
            self.finish(language)
            return
        # The name is in the database: written in a worker, then the dialog closes.
        self.saving = True
        self.save_author(author, language)

    @work(thread=True, exclusive=True, exit_on_error=False, group="save")
    def save_author(self, author: str, language: str) -> None:
        from fieldlog.services.offices import set_author

        try:
            office = set_author(self.app.db, author=author)
        except ValidationError as error:
            self.post_message(self.AuthorRefused(" ".join(error.errors.values())))
            return
        except BaseException:
            self.post_message(self.AuthorRefused(_("Nothing was saved.")))
            raise
        self.post_message(self.AuthorSaved(office, language))

    def on_settings_screen_author_saved(self, message: AuthorSaved) -> None:
        self.saving = False
        self.app.set_office(message.office)  # the header names the person; later changes carry it
        self.finish(message.language)

    def on_settings_screen_author_refused(self, message: AuthorRefused) -> None:
        self.saving = False
        self.query_one(".settings-error", StatusLine).say(message.reason, error=True)
        self.query_one("#author", Input).focus()

    def finish(self, language: str) -> None:
        save_language(language)  # a tiny file, written at once: nothing to wait for
        self.dismiss(None if language == self.current else language)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
