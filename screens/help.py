"""F1: every key, on one page."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Markdown

from fieldlog.i18n import N_, _
from fieldlog.screens.base import FieldlogModal
from fieldlog.widgets.fitting_footer import FittingFooter


# (section, [(keys, what they do)]), translated when shown.
KEYS = [
    (N_("Everywhere"), [
        ("F1", N_("This help")),
        ("F2", N_("Home")),
        ("F3", N_("Workshops")),
        ("F4", N_("Participants")),
        ("F5", N_("Agencies")),
        ("F6", N_("Outcomes")),
        ("F7", N_("Trash")),
        ("F8", N_("Sync: bundles for other offices, conflicts, office keys")),
        ("F9", N_("Reports: sign-in sheets, attendance summaries, programme figures")),
        ("Ctrl+R", N_("Read the screen again (another fieldlog may have imported)")),
        ("Ctrl+P", N_("Commands (“Workshop: New”, “Participant: Find”…)")),
        ("Ctrl+O", N_("Settings: interface language (Français, English)")),
        ("Ctrl+Q", N_("Quit")),
    ]),
    (N_("Lists"), [
        ("/", N_("Search (accents and case do not matter)")),
        ("↓ / Enter", N_("From the search box to the list")),
        ("Enter", N_("Open the selected record")),
        ("n", N_("New record")),
        ("e", N_("Edit the selected record")),
        ("d / Delete", N_("Move to the Trash (asks first)")),
        ("> <", N_("Next and previous page")),
    ]),
    (N_("Workshop and attendance"), [
        ("← → ↑ ↓", N_("Move in the attendance grid")),
        ("Space", N_("Present / absent for this person and day")),
        ("a", N_("Everyone present on this day")),
        ("i", N_("Enrol a participant")),
        ("x", N_("Remove the selected enrolment")),
        ("r", N_("Change the role of the selected person")),
        ("e", N_("Edit the workshop")),
        ("p", N_("Print its sign-in sheet or attendance summary (Reports)")),
        ("F10", N_("History of the workshop: changes, enrolments, attendance")),
    ]),
    (N_("Reports"), [
        ("Tab / Shift+Tab", N_("Next and previous choice; the preview follows")),
        ("Ctrl+S", N_("Write the file (PDF, HTML, CSV or XLSX) into the folder shown")),
    ]),
    (N_("Sync"), [
        ("e / Enter", N_("Export a bundle (for the selected office)")),
        ("i", N_("Import bundles from a file or a folder")),
        ("Space", N_("Tick a bundle to import")),
        ("Ctrl+S", N_("Export / import, in the bundle dialogs")),
        ("c", N_("Review conflicts; Enter chooses the value to keep")),
        ("d", N_("Review probable duplicates")),
        ("k", N_("Office keys: this office's fingerprint, the other offices' keys")),
    ]),
    (N_("Office keys"), [
        ("i", N_("Import another office's key file (.fieldlog-key)")),
        ("e", N_("Export this office's key file, for another office")),
        ("t / Enter", N_("Trust the selected key once the office has read you the same fingerprint")),
        ("c", N_("In the trust question: trust it as a coordinator")),
        ("r", N_("Revoke the selected key (final)")),
        ("p", N_("Set, change or remove the passphrase")),
        ("c", N_("On the keys list: make this office a coordinator, or an ordinary office again")),
        ("n", N_("New keys for this office, when its private keys may have been stolen")),
        ("Esc", N_("Back to Sync")),
    ]),
    (N_("Forms"), [
        ("Tab / Shift+Tab", N_("Next and previous field")),
        ("Ctrl+S", N_("Save")),
        ("Esc", N_("Cancel (asks before losing changes)")),
        ("F10", N_("History of the record: when, from which office, by whom, what changed")),
    ]),
]


def help_text() -> str:
    lines = ["# " + _("fieldlog — keys"), ""]
    for section, keys in KEYS:
        lines += ["## " + _(section), "", f"| {_('Key')} | {_('Action')} |", "|---|---|"]
        lines += [f"| {key} | {_(action)} |" for key, action in keys]
        lines.append("")
    lines.append(_("Dates are typed as dd/mm/yyyy (13/10/2021)."))
    return "\n".join(lines)


class HelpScreen(FieldlogModal[None]):
    BINDINGS = [Binding("escape,f1,q", "close", N_("Close"))]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Markdown(help_text())
        yield FittingFooter()

    def on_mount(self) -> None:
        self.query_one("#help").focus()

    def action_close(self) -> None:
        self.dismiss(None)
