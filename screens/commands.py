"""Command-palette providers, one per domain, with "Category: action" names."""

from __future__ import annotations

from collections.abc import Callable

from textual.command import DiscoveryHit, Hit, Hits, Provider

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
    )


PROVIDERS = (WorkshopCommands, ParticipantCommands, AgencyCommands, OutcomeCommands, GoCommands)
