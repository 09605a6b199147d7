"""Write this office's public key card (`CODE.fieldlog-key`) into a folder, a USB stick say, for
another office to import; then read that office the fingerprint by phone."""

from __future__ import annotations

from pathlib import Path

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
from fieldlog.widgets.status_line import StatusLine


class KeyExportDialog(FieldlogModal[bool]):
    """Dismisses with True when the key card was written."""

    CSS_PATH = "keys.tcss"
    BINDINGS = [
        Binding("ctrl+s", "export", N_("Export"), priority=True),
        Binding("escape", "close", N_("Close")),
    ]

    class Written(Message):
        def __init__(self, outcome: str) -> None:
            super().__init__()
            self.outcome = outcome

    class Refused(Message):
        def __init__(self, reason: str, *, folder: bool = False) -> None:
            super().__init__()
            self.reason = reason
            self.folder = folder

    def __init__(self) -> None:
        super().__init__(classes="dialog-screen key-export-dialog")
        self.done = False
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(_("Export this office's key"), classes="dialog-title")
            yield Static(
                _("The key file holds no secret: it lets another office check this office's bundles and "
                  "encrypt bundles for it. Give it by USB stick or e-mail."),
                classes="dialog-text",
            )
            yield FormField("folder", _("Folder"), Input(compact=True))
            yield StatusLine(id="key-export-result")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Export (Ctrl+S)"), id="export", variant="primary", compact=True)
                yield Button(_("Close (Esc)"), id="close", compact=True)
        yield FittingFooter()

    @property
    def status(self) -> StatusLine:
        return self.query_one("#key-export-result", StatusLine)

    @property
    def folder_field(self) -> FormField:
        return self.query_one("#field-folder", FormField)

    def on_mount(self) -> None:
        self.folder_field.control.focus()
        self.prepare()

    @work(thread=True, exclusive=True, exit_on_error=False, group="prepare")
    def prepare(self) -> None:
        from fieldlog.folders import remembered_bundle_folder

        folder = remembered_bundle_folder()
        self.app.call_from_thread(self._suggest, folder)

    def _suggest(self, folder: str) -> None:
        control = self.folder_field.control
        if not control.value:
            control.value = folder
            control.select_all()  # typing a path replaces the suggested folder

    @on(Input.Submitted)
    @on(Button.Pressed, "#export")
    def action_export(self) -> None:
        if self.busy:
            return
        field = self.folder_field
        field.set_error(None)
        folder = field.value.strip()
        if not folder:
            field.set_error(_("Required: the folder to write the key file in."))
            field.control.focus()
            return
        self.busy = True
        self.status.say(_("Writing the key file…"))
        self.export(folder)

    @work(thread=True, exclusive=True, exit_on_error=False, group="export")
    def export(self, folder_text: str) -> None:
        from fieldlog.folders import folder_problem, remember_bundle_folder
        from fieldlog.keys.trust import export_card, own_key

        folder = Path(folder_text).expanduser()
        problem = folder_problem(folder)
        if problem:
            self.post_message(self.Refused(problem, folder=True))
            return
        try:
            path = export_card(self.app.db, folder)
            own = own_key(self.app.db)
        except FieldlogError as error:
            self.post_message(self.Refused(str(error)))
            return
        except OSError as error:  # a USB stick pulled out, a full disk
            self.post_message(self.Refused(
                _("The key file could not be written: {reason}").format(reason=error.strerror or error)))
            return
        remember_bundle_folder(folder)
        self.post_message(self.Written(_(
            "Public key of {office} written to {path}. It holds no secret: give it to the other office, then "
            "read them this fingerprint by phone: {fingerprint}"
        ).format(office=own.code, path=path, fingerprint=own.fingerprint)))

    def on_key_export_dialog_written(self, message: Written) -> None:
        self.busy = False
        self.done = True
        self.status.say(message.outcome)
        self.query_one("#close", Button).focus()

    def on_key_export_dialog_refused(self, message: Refused) -> None:
        self.busy = False
        if message.folder:
            self.folder_field.set_error(message.reason)
            self.folder_field.control.focus()
            self.status.say("")
        else:
            self.status.say(message.reason, error=True)

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        if self.busy:
            return
        self.dismiss(self.done)
