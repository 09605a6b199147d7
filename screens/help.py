"""F1: every key, on one page."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Markdown

from fieldlog.i18n import N_, _
from screens.base import FieldlogModal


def help_text() -> str:
    return "\n".join([
        "# " + _("fieldlog — keys"),
        "",
        "## " + _("Everywhere"),
        "",
        "| " + _("Key") + " | " + _("Action") + " |",
        "|---|---|",
        "| F1 | " + _("This help") + " |",
        "| F2 | " + _("Home") + " |",
        "| F3 | " + _("Workshops") + " |",
        "| F4 | " + _("Participants") + " |",
        "| F5 | " + _("Agencies") + " |",
        "| F6 | " + _("Outcomes") + " |",
        "| F7 | " + _("Trash") + " |",
        "| Ctrl+P | " + _("Commands (“Workshop: New”, “Participant: Find”…)") + " |",
        "| Ctrl+Q | " + _("Quit") + " |",
        "",
        "## " + _("Lists"),
        "",
        "| " + _("Key") + " | " + _("Action") + " |",
        "|---|---|",
        "| / | " + _("Search (accents and case do not matter)") + " |",
        "| ↓ " + _("or") + " Enter | " + _("From the search box to the list") + " |",
        "| Enter | " + _("Open the selected record") + " |",
        "| n | " + _("New record") + " |",
        "| e | " + _("Edit the selected record") + " |",
        "| d " + _("or") + " Delete | " + _("Move to the Trash (asks first)") + " |",
        "| > < | " + _("Next and previous page") + " |",
        "",
        "## " + _("Workshop and attendance"),
        "",
        "| " + _("Key") + " | " + _("Action") + " |",
        "|---|---|",
        "| ← → ↑ ↓ | " + _("Move in the attendance grid") + " |",
        "| Space | " + _("Present / absent for this person and day") + " |",
        "| a | " + _("Everyone present on this day") + " |",
        "| i | " + _("Enrol a participant") + " |",
        "| x | " + _("Remove the selected enrolment") + " |",
        "| e | " + _("Edit the workshop") + " |",
        "",
        "## " + _("Forms"),
        "",
        "| " + _("Key") + " | " + _("Action") + " |",
        "|---|---|",
        "| Tab / Shift+Tab | " + _("Next and previous field") + " |",
        "| Ctrl+S | " + _("Save") + " |",
        "| Esc | " + _("Cancel (asks before losing changes)") + " |",
        "",
        _("Dates are typed as dd/mm/yyyy (13/10/2021)."),
    ])


class HelpScreen(FieldlogModal[None]):
    BINDINGS = [Binding("escape,f1,q", "close", N_("Close"))]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Markdown(help_text())
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#help").focus()

    def action_close(self) -> None:
        self.dismiss(None)
