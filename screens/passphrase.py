"""The passphrase of this office's keys, asked when an export or an import needs them. Unlocking
takes a second or two (scrypt), so it runs in a worker; the app keeps the unlocked keys until it
closes, so the passphrase is asked once a session."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Static

from fieldlog.errors import FieldlogError
from fieldlog.i18n import N_, _
from fieldlog.screens.base import FieldlogModal
from fieldlog.widgets.fitting_footer import FittingFooter
from fieldlog.widgets.form_field import FormField

if TYPE_CHECKING:
    from fieldlog.keys.material import SecretKeys


class PassphraseDialog(FieldlogModal["SecretKeys | None"]):
    """Dismisses with this office's unlocked keys, or None when cancelled (Esc)."""

    CSS_PATH = "keys.tcss"
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"))]

    class Unlocked(Message):
        def __init__(self, secret: SecretKeys) -> None:
            super().__init__()
            self.secret = secret

    class Refused(Message):
        def __init__(self, reason: str) -> None:
            super().__init__()
            self.reason = reason

    def __init__(self, reason: str) -> None:
        super().__init__(classes="dialog-screen passphrase-dialog")
        self.reason = reason
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(_("Passphrase of this office's keys"), classes="dialog-title")
            yield Static(self.reason, classes="dialog-text", markup=False)
            yield FormField("passphrase", _("Passphrase"), Input(password=True, compact=True))
            yield Static("", id="passphrase-note")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Unlock (Enter)"), id="unlock", variant="primary", compact=True)
                yield Button(_("Cancel (Esc)"), id="cancel", compact=True)
        yield FittingFooter()

    @property
    def field(self) -> FormField:
        return self.query_one("#field-passphrase", FormField)

    def on_mount(self) -> None:
        self.field.control.focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#unlock")
    def unlock_requested(self) -> None:
        if self.busy:
            return
        passphrase = self.field.value
        if not passphrase:
            self.field.set_error(_("Type the passphrase first."))
            self.field.control.focus()
            return
        self.busy = True
        self.field.set_error(None)
        self.query_one("#passphrase-note", Static).update(_("Unlocking the keys…"))
        self.unlock(passphrase)

    @work(thread=True, exclusive=True, exit_on_error=False, group="unlock")
    def unlock(self, passphrase: str) -> None:
        from fieldlog.keys.trust import load_secret

        try:
            secret = load_secret(self.app.db, passphrase)
        except FieldlogError as error:  # the wrong passphrase, a damaged key file
            self.post_message(self.Refused(str(error)))
            return
        except OSError as error:
            self.post_message(self.Refused(
                _("The keys could not be read: {reason}").format(reason=error.strerror or error)))
            return
        self.post_message(self.Unlocked(secret))

    def on_passphrase_dialog_unlocked(self, message: Unlocked) -> None:
        self.busy = False
        self.dismiss(message.secret)

    def on_passphrase_dialog_refused(self, message: Refused) -> None:
        self.busy = False
        self.query_one("#passphrase-note", Static).update("")
        self.field.set_error(message.reason)
        self.field.control.value = ""
        self.field.control.focus()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        # Whatever the worker finds after this, nothing is written: the caller gets None.
        self.dismiss(None)
