"""Protect this office's private keys with a passphrase, change it, or remove it (the CLI's
`fieldlog keys passphrase`). Protecting takes a second or two (scrypt): it runs in a worker."""

from __future__ import annotations

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

MIN_LENGTH = 8


class ChangePassphraseDialog(FieldlogModal[str | None]):
    """Dismisses with one line saying what changed, or None when nothing did."""

    CSS_PATH = "keys.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save"), priority=True),
        Binding("escape", "cancel", N_("Cancel")),
    ]

    class Changed(Message):
        def __init__(self, outcome: str) -> None:
            super().__init__()
            self.outcome = outcome

    class Refused(Message):
        def __init__(self, reason: str, *, wrong_current: bool) -> None:
            super().__init__()
            self.reason = reason
            self.wrong_current = wrong_current

    def __init__(self, *, protected: bool) -> None:
        super().__init__(classes="dialog-screen passphrase-change-dialog")
        self.protected = protected
        self.busy = False

    def title_and_text(self) -> tuple[str, str]:
        title = _("Change or remove the passphrase") if self.protected else _("Protect the keys with a passphrase")
        return title, _("A passphrase protects this office's private keys if the laptop is lost or stolen. It is "
                        "asked once a session, to export and import bundles. Nobody can recover a forgotten "
                        "passphrase.")

    def compose(self) -> ComposeResult:
        title, text = self.title_and_text()
        with Vertical(classes="dialog"):
            yield Static(title, classes="dialog-title")
            yield Static(text, classes="dialog-text")
            if self.protected:
                yield FormField("current", _("Current passphrase"), Input(password=True, compact=True))
            yield FormField("new", _("New passphrase"), Input(password=True, compact=True))
            yield FormField("again", _("Same again"), Input(password=True, compact=True))
            yield Static("", id="passphrase-note")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Save (Ctrl+S)"), id="save", variant="primary", compact=True)
                if self.protected:
                    yield Button(_("Remove the passphrase"), id="remove", variant="warning", compact=True)
                yield Button(_("Cancel (Esc)"), id="cancel", compact=True)
        yield FittingFooter()

    def on_mount(self) -> None:
        self.query(FormField).first().control.focus()

    def _field(self, name: str) -> FormField:
        return self.query_one(f"#field-{name}", FormField)

    def _current_if_ready(self) -> str | None:
        """Clears the errors shown, then gives the current passphrase ("" when there is none yet);
        None while the keys are being written, or after saying it is missing."""
        if self.busy:
            return None
        for field in self.query(FormField):
            field.set_error(None)
        if not self.protected:
            return ""
        current = self._field("current")
        if not current.value:
            current.set_error(_("Type the current passphrase first."))
            current.control.focus()
            return None
        return current.value

    @on(Input.Submitted)
    def next_or_save(self, event: Input.Submitted) -> None:
        fields = list(self.query(FormField))
        index = next(i for i, field in enumerate(fields) if field.control is event.input)
        if index + 1 < len(fields):
            fields[index + 1].control.focus()
        else:
            self.action_save()

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        current = self._current_if_ready()
        if current is None:
            return
        new, again = self._field("new"), self._field("again")
        if len(new.value) < MIN_LENGTH:
            new.set_error(_("A passphrase has at least 8 characters."))
            new.control.focus()
            return
        if again.value != new.value:
            again.set_error(_("The two passphrases differ; nothing was changed."))
            again.control.value = ""
            again.control.focus()
            return
        self._start(_("Protecting the keys…"))
        self.change(current or None, new.value)

    @on(Button.Pressed, "#remove")
    def remove_pressed(self) -> None:
        current = self._current_if_ready()
        if current is None:
            return
        self._start(_("Removing the passphrase…"))
        self.change(current, None)

    def _start(self, note: str) -> None:
        self.busy = True
        self.query_one("#passphrase-note", Static).update(note)

    def write_keys(self, old: str | None, new: str | None) -> str:
        """Runs in the worker: write the keys, and say what changed."""
        from fieldlog.keys.trust import set_passphrase

        set_passphrase(self.app.db, old=old, new=new)
        if new is None:
            return _("The passphrase is removed: the private keys are protected by the file's permissions only.")
        return _("The private keys are protected by the passphrase; it is asked to export and import bundles.")

    @work(thread=True, exclusive=True, exit_on_error=False, group="change")
    def change(self, old: str | None, new: str | None) -> None:
        from fieldlog.keys.material import WrongPassphrase

        try:
            outcome = self.write_keys(old, new)
        except WrongPassphrase as error:
            self.post_message(self.Refused(str(error), wrong_current=True))
            return
        except FieldlogError as error:
            self.post_message(self.Refused(str(error), wrong_current=False))
            return
        except OSError as error:
            self.post_message(self.Refused(
                _("The keys could not be written: {reason}").format(reason=error.strerror or error),
                wrong_current=False))
            return
        self.post_message(self.Changed(outcome))

    def on_change_passphrase_dialog_changed(self, message: Changed) -> None:
        self.busy = False
        self.dismiss(message.outcome)

    def on_change_passphrase_dialog_refused(self, message: Refused) -> None:
        self.busy = False
        self.query_one("#passphrase-note", Static).update("")
        field = self._field("current") if message.wrong_current and self.protected else self._field("new")
        field.set_error(message.reason)
        field.control.value = ""
        field.control.focus()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        if self.busy:
            self.query_one("#passphrase-note", Static).update(_("Wait: the keys are being written."))
            return
        self.dismiss(None)
