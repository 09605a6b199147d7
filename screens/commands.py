"""Command-palette providers, one per domain, with "Category: action" names; and the palette
itself, speaking the interface language."""

from __future__ import annotations

from collections.abc import Callable

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.widgets.option_list import Option

from fieldlog.i18n import N_, _

# (title, help, mode to show, action to run on that screen once shown)
Command = tuple[str, str, str, str | None]


class SectionProvider(Provider):
    COMMANDS: tuple[Command, ...] = ()

    def _run(self, mode: str, action: str | None) -> Callable[[], None]:
        def run() -> None:
            app = self.app
            app.switch_mode(mode)
            if action:
                app.call_after_refresh(lambda: app.screen.run_action(action))

        return run

    def _commands(self):
        for title, help_text, mode, action in self.COMMANDS:
            yield _(title), _(help_text), self._run(mode, action)

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)


class WorkshopCommands(SectionProvider):
    COMMANDS = (
        (N_("Workshop: New"), N_("Register a workshop"), "workshops", "new"),
        (N_("Workshop: Find"), N_("Search the workshops"), "workshops", "focus_search"),
    )


class ParticipantCommands(SectionProvider):
    COMMANDS = (
        (N_("Participant: New"), N_("Register a participant"), "participants", "new"),
        (N_("Participant: Find"), N_("Search participants by name, ignoring accents"), "participants", "focus_search"),
    )


class AgencyCommands(SectionProvider):
    COMMANDS = (
        (N_("Agency: New"), N_("Register an agency"), "agencies", "new"),
        (N_("Agency: Find"), N_("Search the agencies"), "agencies", "focus_search"),
    )


class OutcomeCommands(SectionProvider):
    COMMANDS = (
        (N_("Outcome: New"), N_("Record what followed a workshop"), "outcomes", "new"),
        (N_("Outcome: Find"), N_("Search the outcomes"), "outcomes", "focus_search"),
    )


class GoCommands(SectionProvider):
    COMMANDS = (
        (N_("Go: Home"), N_("Counts and latest workshops"), "home", None),
        (N_("Go: Workshops"), N_("All workshops"), "workshops", None),
        (N_("Go: Participants"), N_("All participants"), "participants", None),
        (N_("Go: Agencies"), N_("All agencies"), "agencies", None),
        (N_("Go: Outcomes"), N_("All outcomes"), "outcomes", None),
        (N_("Go: Trash"), N_("Deleted records, to restore"), "trash", None),
        (N_("Go: Sync"), N_("Offices, bundles and conflicts"), "sync", None),
        (N_("Go: Reports"), N_("Sign-in sheets, attendance and programme summaries"), "reports", None),
    )


class SyncCommands(SectionProvider):
    COMMANDS = (
        (N_("Sync: Export bundle"), N_("Write the changes another office has not acknowledged"), "sync", "export"),
        (N_("Sync: Import bundles"), N_("Apply bundles sent by other offices"), "sync", "import_bundles"),
        (N_("Sync: Review conflicts"), N_("Fields two offices changed at the same time"), "sync", "conflicts"),
    )


class KeyCommands(SectionProvider):
    """The Keys screen is pushed over the Sync section; an action runs on it once shown."""

    KEYS = (
        (N_("Keys: Show"), N_("This office's fingerprint, and the keys of the offices it trusts"), None),
        (N_("Keys: Import a key file"), N_("Add another office's public key, to trust once its fingerprint is "
                                           "compared by phone"), "import_key"),
        (N_("Keys: Export this office's key"), N_("Write this office's public key file for another office"),
         "export_key"),
        (N_("Keys: Passphrase"), N_("Protect this office's private keys with a passphrase, change or remove it"),
         "passphrase"),
    )

    def _open(self, action: str | None) -> Callable[[], None]:
        def show() -> None:
            from fieldlog.screens.keys import KeysScreen

            screen = self.app.screen
            if not isinstance(screen, KeysScreen):
                self.app.push_screen(KeysScreen(start=action))
            elif action:
                screen.run_action(action)

        def run() -> None:
            if self.app.current_mode == "sync":
                show()
            else:  # the Sync section may hold the Keys screen already
                self.app.switch_mode("sync")
                self.app.call_after_refresh(show)

        return run

    def _commands(self):
        for title, help_text, action in self.KEYS:
            yield _(title), _(help_text), self._open(action)


class ReportCommands(SectionProvider):
    COMMANDS = (
        (N_("Reports: sign-in sheet"), N_("Print the sheet a workshop's participants sign each day"), "reports",
         "choose_report('signin')"),
        (N_("Reports: attendance summary"), N_("Who came on which day, with counts by sex, agency and country"),
         "reports", "choose_report('attendance')"),
        (N_("Reports: programme summary"), N_("The period's figures for donors: individuals trained, workshops, "
                                             "outcomes"), "reports", "choose_report('summary')"),
    )


class SettingsCommands(SectionProvider):
    SETTINGS = (
        (N_("Settings: interface language"), N_("Français or English (Ctrl+O)")),
    )

    def _commands(self):
        for title, help_text in self.SETTINGS:
            yield _(title), _(help_text), self.app.action_settings


class DuplicateCommands(SectionProvider):
    """The duplicates screen is pushed over the current section, not a section of its own."""

    DUPLICATES = (
        (N_("Duplicates: Review"), N_("Probable duplicate participants, to merge or dismiss"), "participant"),
        (N_("Duplicates: Review agencies"), N_("Probable duplicate agencies, to merge or dismiss"), "agency"),
    )

    def _open(self, table: str) -> Callable[[], None]:
        def run() -> None:
            from fieldlog.screens.duplicates import DuplicatesScreen

            screen = self.app.screen
            if isinstance(screen, DuplicatesScreen):
                if screen.table != table:
                    screen.action_switch_table()
            else:
                self.app.push_screen(DuplicatesScreen(table=table))

        return run

    def _commands(self):
        for title, help_text, table in self.DUPLICATES:
            yield _(title), _(help_text), self._open(table)


# Textual's theme names in words a person reads: a theme's own name stays (it is a name), the
# words "dark" and "light" are said in the interface language.
THEME_NAMES = {
    "textual": "Textual", "ansi": N_("Terminal colours"), "atom-one": "Atom One", "catppuccin-frappe":
    "Catppuccin Frappé", "catppuccin-latte": "Catppuccin Latte", "catppuccin-macchiato": "Catppuccin Macchiato",
    "catppuccin-mocha": "Catppuccin Mocha", "rose-pine": "Rosé Pine", "rose-pine-dawn": "Rosé Pine Dawn",
    "rose-pine-moon": "Rosé Pine Moon", "tokyo-night": "Tokyo Night",
}


def theme_label(name: str, dark: bool) -> str:
    """"Solarized (light)", "Terminal colours (dark)": what the theme menu shows."""
    base = name.removesuffix("-dark").removesuffix("-light")
    shown = _(THEME_NAMES[base]) if base in THEME_NAMES else base.replace("-", " ").title()
    return _("{theme} (dark)").format(theme=shown) if dark else _("{theme} (light)").format(theme=shown)


class ThemeCommands(Provider):
    """Textual's theme menu, in the interface language; the theme chosen is kept for every start."""

    def _commands(self):
        themes = self.app.available_themes.values()
        for label, name in sorted((theme_label(theme.name, theme.dark), theme.name) for theme in themes):
            yield label, self._choose(name)

    def _choose(self, name: str) -> Callable[[], None]:
        def run() -> None:
            from fieldlog.settings import Settings

            self.app.theme = name
            try:
                Settings.update(theme=name)
            except OSError:
                self.app.notify(_("The theme could not be kept for the next start."), severity="warning")

        return run

    async def discover(self) -> Hits:
        for label, callback in self._commands():
            yield DiscoveryHit(label, callback)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for label, callback in self._commands():
            if (score := matcher.match(label)) > 0:
                yield Hit(score, matcher.highlight(label), callback)


PROVIDERS = (
    WorkshopCommands, ParticipantCommands, AgencyCommands, OutcomeCommands, GoCommands, SyncCommands,
    KeyCommands, ReportCommands, DuplicateCommands, SettingsCommands,
)


class FieldlogCommandPalette(CommandPalette):
    """Textual's palette with its own words ("Search for commands…", "No matches found")
    in the interface language."""

    def __init__(self, providers=None, *, placeholder: str | None = None, id: str | None = None) -> None:
        super().__init__(providers, placeholder=placeholder or _("Search for commands…"), id=id)

    def _start_no_matches_countdown(self, search_value: str) -> None:
        # Textual 8.2.8's own method, with its one sentence translated (textual is pinned).
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(Align.center(Text(_("No matches found"), style="not bold")), disabled=True,
                           id=self._NO_MATCHES)
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
