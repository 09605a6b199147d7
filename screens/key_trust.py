"""Trust an office's key: only once the office itself has read its fingerprint over the phone
and it is the one shown here. The question of screens/confirm.py, with the fingerprint large."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Static

from fieldlog.i18n import N_, _
from fieldlog.vocabulary import country_name
from fieldlog.screens.base import FieldlogModal
from fieldlog.screens.confirm import YES_KEY
from fieldlog.widgets.fingerprint_digits import FingerprintDigits

if TYPE_CHECKING:
    from fieldlog.keys.trust import KnownKey


class TrustDialog(FieldlogModal[str | None]):
    """Dismisses with the role to trust the key in ("office" or "coordinator"), or None."""

    CSS_PATH = "keys.tcss"
    BINDINGS = [
        Binding("y", "answer(True)", N_("Yes")),
        Binding("n,escape", "answer(False)", N_("No")),
        Binding("c", "toggle_coordinator", N_("Coordinator")),
    ]

    def __init__(self, key: KnownKey) -> None:
        super().__init__(classes="dialog-screen trust-dialog")
        self.key = key

    def compose(self) -> ComposeResult:
        key = self.key
        public = key.public
        with Vertical(classes="dialog"):
            yield Static(_("Trust the key of {office}?").format(office=key.code), classes="dialog-title")
            where = country_name(public.country) if public.country else ""
            yield Static(Text(" · ".join(part for part in (key.code, public.name, where) if part)),
                         classes="dialog-office")
            yield Static(
                _("Call {office} on a number you know, and ask them to read the fingerprint of their office "
                  "(in fieldlog: F8, then k).").format(office=key.code),
                classes="dialog-text", markup=False,
            )
            yield FingerprintDigits(key.fingerprint, line=0, classes="fingerprint")
            yield FingerprintDigits(key.fingerprint, line=1, classes="fingerprint")
            yield Static(Text(key.fingerprint, style="bold"), classes="fingerprint-plain")
            yield Static(
                _("Does {office} read you this same fingerprint?").format(office=key.code),
                classes="dialog-question", markup=False,
            )
            yield Checkbox(_("Trust it as a coordinator (c)"), public.role == "coordinator", id="coordinator",
                           compact=True)
            yield Static(_("A coordinator may pass on other offices' changes and vouch for their keys."),
                         classes="dialog-hint")
            yes, no = _("Yes, trust it"), _("No")
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{yes} ({_(YES_KEY)})", id="yes", variant="warning", compact=True)
                yield Button(f"{no} (n)", id="no", variant="primary", compact=True)

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_answer(event.button.id == "yes")

    def on_key(self, event) -> None:
        # "y" always answers yes; the language's own key too (o for oui).
        if event.key == _(YES_KEY) != "y":
            event.stop()
            self.action_answer(True)

    def action_toggle_coordinator(self) -> None:
        self.query_one("#coordinator", Checkbox).toggle()

    def action_answer(self, answer: bool) -> None:
        if not answer:
            self.dismiss(None)
            return
        self.dismiss("coordinator" if self.query_one("#coordinator", Checkbox).value else "office")
