"""Export a bundle: for which office, into which folder (a USB stick, say), written in a worker."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, ProgressBar, Select, Static

from fieldlog.errors import FieldlogError
from fieldlog.formatting import format_number
from fieldlog.i18n import N_, _, ngettext
from fieldlog.screens.bundle_dialog import BundleDialog
from fieldlog.widgets.fitting_footer import FittingFooter
from fieldlog.widgets.form_field import FormField
from fieldlog.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from fieldlog.keys.material import SecretKeys
    from fieldlog.sync.export import ExportSummary
    from fieldlog.sync.status import PeerStatus

# The Select's value for "everything, for a new office"; office ids are UUIDs, never empty.
FULL = ""


class ExportDialog(BundleDialog):
    """Dismisses with True when at least one bundle was written."""

    BINDINGS = [
        Binding("ctrl+s", "export", N_("Export"), priority=True),
        Binding("escape", "close", N_("Close")),
    ]

    class Prepared(Message):
        def __init__(self, peers: list[PeerStatus], trusted: set[str], folder: str) -> None:
            super().__init__()
            self.peers = peers
            self.trusted = trusted  # the offices whose key is trusted: a bundle can be encrypted for them
            self.folder = folder

    class Written(Message):
        def __init__(self, summary: ExportSummary) -> None:
            super().__init__()
            self.summary = summary

    class Refused(Message):
        def __init__(self, reason: str, *, folder: bool = False) -> None:
            super().__init__()
            self.reason = reason
            self.folder = folder

    class Locked(Message):
        """A passphrase protects this office's keys, and they are not unlocked yet."""

    def __init__(self, office_id: str | None = None) -> None:
        super().__init__(classes="dialog-screen export-dialog")
        self.office_id = office_id

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(_("Export a bundle"), classes="dialog-title")
            yield FormField(
                "office", _("For office"),
                Select([(_("Full bundle (every trusted office)"), FULL)], allow_blank=False, value=FULL, compact=True),
            )
            yield FormField("folder", _("Folder"), Input(compact=True))
            yield ProgressBar(show_eta=False, id="export-progress")
            yield StatusLine(id="export-result")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Export (Ctrl+S)"), id="export", variant="primary", compact=True)
                yield Button(_("Close (Esc)"), id="close", compact=True)
        yield FittingFooter()

    def on_mount(self) -> None:
        self.query_one("#export-progress").display = False
        self.query_one("#field-office", FormField).control.focus()
        self.prepare()

    @work(thread=True, exclusive=True, exit_on_error=False, group="prepare")
    def prepare(self) -> None:
        from fieldlog.folders import remembered_bundle_folder
        from fieldlog.keys.trust import list_keys
        from fieldlog.sync.recipients import with_key_only_offices
        from fieldlog.sync.status import peer_status

        keys = list_keys(self.app.db)
        trusted = {key.public.office_id for key in keys if key.status == "trusted"}
        peers = with_key_only_offices(peer_status(self.app.db), keys)
        self.post_message(self.Prepared(peers, trusted, remembered_bundle_folder()))

    def on_export_dialog_prepared(self, message: Prepared) -> None:
        peers = message.peers
        options = [(self._option(peer, peer.office_id in message.trusted), peer.office_id) for peer in peers]
        select = self.query_one("#field-office", FormField).control
        select.set_options([*options, (_("Full bundle (every trusted office)"), FULL)])
        known = {peer.office_id for peer in peers}
        if self.office_id in known:
            select.value = self.office_id
        elif peers:
            select.value = peers[0].office_id
        folder = self.query_one("#field-folder", FormField).control
        if not folder.value:
            folder.value = message.folder

    @staticmethod
    def _option(peer: PeerStatus, trusted: bool) -> str:
        from fieldlog.sync.recipients import FIRST_BUNDLE

        if not trusted:
            return _("{code} · {name} (key not trusted)").format(code=peer.code, name=peer.name)
        if peer.pending == FIRST_BUNDLE:
            return _("{code} · {name} (first bundle)").format(code=peer.code, name=peer.name)
        return _("{code} · {name} ({n} pending)").format(code=peer.code, name=peer.name, n=format_number(peer.pending))

    # --- exporting -----------------------------------------------------------------------

    @on(Button.Pressed, "#export")
    @on(Input.Submitted)
    def export_requested(self) -> None:
        self.action_export()

    def action_export(self) -> None:
        if self.busy:
            return
        folder_field = self.query_one("#field-folder", FormField)
        folder_field.set_error(None)
        target = self.query_one("#field-office", FormField).value
        folder = folder_field.value.strip()
        if not folder:
            folder_field.set_error(_("Required: the folder to write the bundle in."))
            folder_field.control.focus()
            return
        self.busy = True
        self.query_one(StatusLine).say(_("Writing the bundle…"))
        bar = self.query_one("#export-progress", ProgressBar)
        bar.display = True
        bar.update(total=None, progress=0)
        self.export(target or None, folder)

    @work(thread=True, exclusive=True, exit_on_error=False, group="export")
    def export(self, to: str | None, folder_text: str) -> None:
        from fieldlog.folders import folder_problem, remember_bundle_folder
        from fieldlog.keys.material import PassphraseRequired
        from fieldlog.sync.export import export_bundle

        folder = Path(folder_text).expanduser()
        problem = folder_problem(folder)
        if problem:
            self.post_message(self.Refused(problem, folder=True))
            return
        try:
            summary = export_bundle(
                self.app.db, out=folder, to=to, full=to is None, secret=self.app.unlocked_keys,
                progress=lambda done, total: self.post_message(self.Progressed(done, total)),
            )
        except PassphraseRequired:  # before anything is written
            self.post_message(self.Locked())
            return
        except FieldlogError as error:
            self.post_message(self.Refused(str(error)))
            return
        except OSError as error:  # a USB stick pulled out, a full disk
            self.post_message(self.Refused(
                _("The bundle could not be written: {reason}").format(reason=error.strerror or error)
            ))
            return
        except BaseException:
            self.post_message(self.Refused(_("Nothing was written.")))
            raise
        remember_bundle_folder(folder)
        self.post_message(self.Written(summary))

    def on_bundle_dialog_progressed(self, message: BundleDialog.Progressed) -> None:
        self.query_one("#export-progress", ProgressBar).update(total=max(message.total, 1), progress=message.done)

    def on_export_dialog_written(self, message: Written) -> None:
        self.busy = False
        self.done = True
        summary = message.summary
        self.query_one("#export-progress", ProgressBar).update(total=1, progress=1)
        count = ngettext("{n} change", "{n} changes", summary.entries).format(n=format_number(summary.entries))
        if summary.full:
            lines = [
                _("Full bundle written to {path}: {count}.").format(path=summary.path, count=count),
                _("The new office imports it in its own fieldlog (F8, then i)."),
            ]
        else:
            lines = [
                _("Bundle for {office} written to {path}: {count} it has not acknowledged.").format(
                    office=summary.to_code, path=summary.path, count=count
                ),
                _("Changes count as delivered only when {office} sends a bundle back.").format(
                    office=summary.to_code
                ),
            ]
        self.query_one(StatusLine).say("\n".join(lines))
        self.query_one("#close", Button).focus()

    def on_export_dialog_refused(self, message: Refused) -> None:
        self.busy = False
        self.query_one("#export-progress").display = False
        if message.folder:
            field = self.query_one("#field-folder", FormField)
            field.set_error(message.reason)
            field.control.focus()
            self.query_one(StatusLine).say("")
        else:
            self.query_one(StatusLine).say(message.reason, error=True)

    def on_export_dialog_locked(self) -> None:
        from fieldlog.screens.passphrase import PassphraseDialog

        def unlocked(secret: SecretKeys | None) -> None:
            if secret is None:
                self.post_message(self.Refused(_("No passphrase given: nothing was written.")))
                return
            self.app.unlocked_keys = secret
            self.busy = False
            self.action_export()

        self.app.push_screen(PassphraseDialog(
            _("This office's keys are protected by a passphrase. Type it to sign and encrypt the bundle; it is "
              "asked once until fieldlog is closed.")), unlocked)

    def busy_message(self) -> str:
        return _("Wait until the bundle is written.")
