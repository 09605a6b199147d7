"""The fieldlog terminal application. `make_app` is the one way to build it, in the CLI and in tests."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input

from fieldlog.i18n import LANGUAGE_NAMES, N_, _, current_language, set_language
from fieldlog.screens.commands import PROVIDERS, FieldlogCommandPalette, ThemeCommands

if TYPE_CHECKING:
    from fieldlog.database import ChangeWatcher, Database
    from fieldlog.keys.material import SecretKeys
    from fieldlog.services.offices import OfficeInfo

SECTIONS = {
    "home": ("f2", N_("Home")),
    "workshops": ("f3", N_("Workshops")),
    "participants": ("f4", N_("Participants")),
    "agencies": ("f5", N_("Agencies")),
    "outcomes": ("f6", N_("Outcomes")),
    "trash": ("f7", N_("Trash")),
    "sync": ("f8", N_("Sync")),
    "reports": ("f9", N_("Reports")),
}
# A write waits this long for another process's write to end (`fieldlog bundle import` of a
# large bundle holds the database for minutes); it waits in a worker, so the screen stays live.
WRITE_WAIT_S = 600
# How often to look whether another process has changed the database (one cheap PRAGMA).
WATCH_INTERVAL_S = 2.0
# A blank mode shown for an instant while the sections are built again in another language.
LANGUAGE_MODE = "changing-language"


def _mode(name: str):
    """Screens are imported when first shown, so the first paint stays fast."""

    def build() -> Screen:
        from importlib import import_module

        module = import_module(f"fieldlog.screens.{name}")
        return getattr(module, f"{name.title()}Screen")()

    return build


# Textual names some keys in English in footers and the keys panel; these are said the
# person's way (espace, échap, suppr).
KEY_NAMES = {"space": N_("space"), "esc": N_("esc"), "del": N_("del"), "pgup": N_("pgup"), "pgdn": N_("pgdn")}


class FieldlogApp(App):
    CSS_PATH = ["app.tcss", "workshops.tcss", "records.tcss", "sync.tcss", "reports.tcss", "settings.tcss"]
    TITLE = "fieldlog"
    MODES = {name: _mode(name) for name in SECTIONS}
    DEFAULT_MODE = "home"
    COMMANDS = App.COMMANDS | set(PROVIDERS)
    BINDINGS = [
        Binding("f1", "help", N_("Help")),
        *(
            Binding(key, f"switch_mode('{name}')", label, show=False)
            for name, (key, label) in SECTIONS.items()
        ),
        Binding("ctrl+r", "refresh", N_("Refresh"), show=False),
        Binding("ctrl+o", "settings", N_("Settings"), show=False),
        Binding("ctrl+q", "quit", N_("Quit"), priority=True),
        # Textual's own, declared here so that its description is translated (and its English
        # tooltip left out).
        Binding("ctrl+p", "command_palette", N_("palette"), show=False, priority=True),
    ]

    class DatabaseOpened(Message):
        def __init__(self, db: Database) -> None:
            super().__init__()
            self.db = db

    class OfficeChecked(Message):
        def __init__(self, office: OfficeInfo | None) -> None:
            super().__init__()
            self.office = office

    class DatabaseChanged(Message):
        """Another process committed: the screen shown reads again."""

    def __init__(self, db: Database | None = None, *, db_path: Path | None = None, today: date | None = None,
                 lang_option: str | None = None) -> None:
        super().__init__()
        self.db = db
        self.db_path = db_path
        self.today = today or date.today()
        # The --lang option the app was started with: a language chosen, that a new office's
        # country does not change.
        self.lang_option = lang_option
        self.office: OfficeInfo | None = None
        self.open_forms: set[Screen] = set()
        self.watcher: ChangeWatcher | None = None
        self._watch_running = False
        # This office's private keys once unlocked with their passphrase: asked once a session.
        self.unlocked_keys: SecretKeys | None = None

    def on_mount(self) -> None:
        from fieldlog.settings import Settings

        self.translate_textual()
        if (theme := Settings.load().theme) in self.available_themes:
            self.theme = theme  # the one chosen last time
        if self.db is not None:
            self.check_office()
        else:
            # The database engine (SQLAlchemy, ~0.3 s to import) loads in a worker while Home paints.
            self.open_database()

    @work(thread=True, exit_on_error=False)
    def open_database(self) -> None:
        from fieldlog.errors import FieldlogError
        from fieldlog.schema import open_database

        try:
            db = open_database(self.db_path, busy_timeout_s=WRITE_WAIT_S)
        except FieldlogError as error:
            self.call_from_thread(self.exit, return_code=1, message=_("fieldlog: {message}").format(message=error))
            return
        self.post_message(self.DatabaseOpened(db))

    def on_fieldlog_app_database_opened(self, message: DatabaseOpened) -> None:
        self.db = message.db
        self.check_office()

    @work(thread=True, exit_on_error=False)
    def check_office(self) -> None:
        from fieldlog.services.offices import local_office
        from fieldlog.sync.clock_bound import clock_notice, read_clock

        office = local_office(self.db)
        if office is not None and (notice := clock_notice(read_clock(self.db))):  # "your clock is wrong"
            self.call_from_thread(self.notify, notice, severity="warning", timeout=60)
        self.post_message(self.OfficeChecked(office))

    def on_fieldlog_app_office_checked(self, message: OfficeChecked) -> None:
        if message.office is not None:
            self.set_office(message.office)
            return
        from fieldlog.screens.setup import SetupScreen

        setup = SetupScreen()
        self.push_screen(setup, lambda office_id: self.setup_closed(office_id, setup.adopted_language))

    def setup_closed(self, office_id: str | None, language: str | None = None) -> None:
        if office_id is None:
            self.exit()
        elif language and language != current_language():
            # The new office is in a French-speaking country: French from now on.
            self.call_later(self.speak_office_language, language)
        else:
            self.check_office()

    async def speak_office_language(self, language: str) -> None:
        await self.switch_language(language, announce=False)
        self.notify(_("The office is in a French-speaking country: fieldlog now speaks French. "
                      "Ctrl+O changes the language."), timeout=10)
        self.check_office()

    def set_office(self, office: OfficeInfo) -> None:
        self.office = office
        self.sub_title = f"{office.code} · {office.name}" + (f" · {office.author}" if office.author else "")
        self.action_refresh()
        if self.watcher is None:
            from fieldlog.database import ChangeWatcher

            self.watcher = ChangeWatcher(self.db)
            self.look_for_changes()
            self.set_interval(WATCH_INTERVAL_S, self.look_for_changes)

    def action_refresh(self) -> None:
        if self.office is not None and hasattr(self.screen, "reload"):
            self.screen.reload()

    def look_for_changes(self) -> None:
        # One look at a time, never cancelled: a look cancelled by the next one would make
        # whoever awaits the workers (tests) see an error.
        if not self._watch_running:
            self._watch_running = True
            self.watch_database()

    @work(thread=True, exit_on_error=False, group="watch")
    def watch_database(self) -> None:
        try:
            if self.watcher is not None and self.watcher.changed_elsewhere():
                self.post_message(self.DatabaseChanged())
        finally:
            self._watch_running = False

    def on_fieldlog_app_database_changed(self) -> None:
        self.action_refresh()

    def on_unmount(self) -> None:
        if self.watcher is not None:
            self.watcher.close()

    # --- language ------------------------------------------------------------------------

    def translate_textual(self) -> None:
        """Textual words that are not binding descriptions: the Keys panel's title for Input keys."""
        Input.BINDING_GROUP_TITLE = _("Input")

    def action_settings(self) -> None:
        from fieldlog.screens.settings import SettingsScreen

        if not isinstance(self.screen, SettingsScreen):
            self.push_screen(SettingsScreen(lang_option=self.lang_option), self.settings_closed)

    def settings_closed(self, language: str | None) -> None:
        """The language is saved already; it applies now, unless the person keeps a form open."""
        if not language or language == current_language():
            return
        if not any(form.dirty for form in self.open_forms):
            self.call_later(self.switch_language, language)
            return
        from fieldlog.screens.confirm import ConfirmScreen

        def answered(now: bool | None) -> None:
            if now:
                self.call_later(self.switch_language, language)
            else:
                self.notify(_("The new language applies at the next start."))

        self.push_screen(
            ConfirmScreen(_("A form has changes that are not saved. Change the language now and lose them?"),
                          yes=_("Change now"), no=_("At the next start")),
            answered,
        )

    async def switch_language(self, language: str, *, announce: bool = True) -> None:
        """Speak `language` at once: every section is built again, as at the first start (open
        forms and dialogs close); the screen shown stays the one shown."""
        set_language(language)
        self.translate_textual()
        shown = self.current_mode if self.current_mode in SECTIONS else "home"
        self.add_mode(LANGUAGE_MODE, Screen)
        await self.switch_mode(LANGUAGE_MODE)
        for name in SECTIONS:
            await self.remove_mode(name)
            self.add_mode(name, _mode(name))
        await self.switch_mode(shown)
        await self.remove_mode(LANGUAGE_MODE)
        if announce:
            self.notify(_("Interface language: {language}").format(language=LANGUAGE_NAMES.get(language, language)))

    # --- Textual's own words, in the interface language -------------------------------------

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(FieldlogCommandPalette(id="--command-palette"))

    def search_themes(self) -> None:
        self.push_screen(FieldlogCommandPalette(providers=[ThemeCommands], placeholder=_("Search for themes…")))

    def action_help_quit(self) -> None:
        """Ctrl+C does not quit: say which key does."""
        for key, active in self.active_bindings.items():
            if active.binding.action in ("quit", "app.quit"):
                self.notify(_("Press [b]{key}[/b] to quit the app").format(key=key), title=_("Do you want to quit?"))
                return

    @on(events.DeliveryComplete)
    def screenshot_saved(self, event: events.DeliveryComplete) -> None:
        if event.name == "screenshot":
            event.prevent_default()  # Textual's own notice, in English, is not sent
            if event.path is None:
                self.notify(_("Saved screenshot"), title=_("Screenshot"))
            else:
                self.notify(_("Saved screenshot to {path}").format(path=event.path), title=_("Screenshot"),
                            markup=False)

    @on(events.DeliveryFailed)
    def screenshot_failed(self, event: events.DeliveryFailed) -> None:
        if event.name == "screenshot":
            event.prevent_default()
            self.notify(_("Failed to save screenshot"), title=_("Screenshot"), severity="error")

    def action_help(self) -> None:
        from fieldlog.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    async def action_quit(self) -> None:
        if not any(form.dirty for form in self.open_forms):
            self.exit()
            return
        from fieldlog.screens.confirm import ConfirmScreen

        def answered(quit_anyway: bool | None) -> None:
            if quit_anyway:
                self.exit()

        self.push_screen(
            ConfirmScreen(_("A form has changes that are not saved. Quit and lose them?"),
                          yes=_("Quit"), no=_("Stay")),
            answered,
        )

    def get_key_display(self, binding: Binding) -> str:
        shown = super().get_key_display(binding)
        return _(KEY_NAMES[shown]) if shown in KEY_NAMES else shown

    def get_system_commands(self, screen: Screen):
        for command in super().get_system_commands(screen):
            yield SystemCommand(_(command.title), _(command.help), command.callback, command.discover)

    # --- a crash ---------------------------------------------------------------------------

    def _fatal_error(self) -> None:
        """What a crash prints on exit: the traceback without the local variables Textual's own
        shows (show_locals=True), which would hold participants' names. Textual has no public
        setting for it, so this private method, called inside its `except`, is replaced; it
        prints through the public `panic`."""
        import rich
        from rich.traceback import Traceback

        self.bell()
        self.panic(Traceback(show_locals=False, width=None, suppress=[rich]))


def make_app(*, db: Database | None = None, db_path: Path | None = None, today: date | None = None,
             lang_option: str | None = None) -> FieldlogApp:
    """The app on an open database (tests), or on a path opened after the first paint (CLI).
    `lang_option`: the --lang the app was started with, if any."""
    return FieldlogApp(db, db_path=db_path, today=today, lang_option=lang_option)
