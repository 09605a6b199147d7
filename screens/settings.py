"""Settings (Ctrl+O): the interface language, kept in settings.json for every start."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Footer, OptionList, Static
from textual.widgets.option_list import Option

from fieldlog.i18n import LANGUAGE_NAMES, N_, _, current_language
from fieldlog.settings import save_language
from screens.base import FieldlogModal


class SettingsScreen(FieldlogModal[str | None]):
    """Dismisses with the language chosen (saved already), or None when nothing changed."""

    BINDINGS = [
        Binding("ctrl+s", "choose", N_("Save"), priority=True),
        Binding("escape", "cancel", N_("Cancel")),
    ]

    def __init__(self, *, lang_option: str | None = None) -> None:
        super().__init__(classes="dialog-screen")
        self.current = current_language()
        self.lang_option = lang_option

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
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Save (Ctrl+S)"), id="choose", variant="primary", compact=True)
                yield Button(_("Cancel (Esc)"), id="cancel", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        languages = self.query_one("#language", OptionList)
        languages.highlighted = languages.get_option_index(self.current)
        languages.focus()

    @on(OptionList.OptionSelected, "#language")
    def language_selected(self) -> None:
        # Enter on a language is enough; Ctrl+S also works.
        self.action_choose()

    @on(Button.Pressed, "#choose")
    def action_choose(self) -> None:
        option = self.query_one("#language", OptionList).highlighted_option
        language = option.id if option is not None and option.id else self.current
        save_language(language)  # a tiny file, written at once: nothing to wait for
        self.dismiss(None if language == self.current else language)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
